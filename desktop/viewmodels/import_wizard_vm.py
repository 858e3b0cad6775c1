"""The 数据导入 wizard's state: files one after another, each read, recognised, mapped, checked and committed.

Everything slow (reading a workbook, parsing every row, checking what is already stored, the
commit) runs on the worker; the wizard pages only react to this object's signals. One job at a
time; a newer request replaces nothing silently: the pages keep their buttons disabled while
``busy`` is true. Cancelling the commit rolls the whole file back (core does it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from core.domain.explain import Phrase
from core.errors import TiduiError
from core.i18n import Message, current_language
from core.importers.headers import ColumnMapping
from core.importers.reading import SUPPORTED_EXTENSIONS
from core.importers.sources import SOURCE_KINDS, FieldSpec, source_kind
from core.progress import Progress
from core.services.archive import employees
from core.services.archive.stores import LIVE_PLATFORM, PLATFORMS
from core.services.imports import engine as imports
from core.services.imports import facts
from core.services.imports.engine import (
    AccountChoice,
    Decisions,
    DuplicateReport,
    ImportFile,
    ImportPreview,
    ImportResult,
    OnDuplicate,
    StoreChoice,
)
from core.services.imports.owners import AccountMatch, StoreOption
from desktop.i18n import listed, tr
from desktop.viewmodels import worker
from desktop.viewmodels.import_tables_vm import (
    AccountAction,
    AccountsModel,
    IssueRow,
    IssueTableModel,
    MappingTableModel,
    ParsedRowsModel,
    SheetPreviewModel,
    TotalsModel,
)
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel

NEW_STORE = -1  # the store choice "新建店铺…"


@dataclass
class FileOutcome:
    """What happened to one file of the queue (for the summary page)."""

    path: Path
    result: ImportResult | None = None
    problem: str = ""  # why it was not imported (unreadable, skipped by the user)


def importable(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_EXTENSIONS


@dataclass
class _State:
    """The current file's choices, reset for every file."""

    file: ImportFile | None = None
    kind: str | None = None
    mapping: ColumnMapping | None = None
    auto_mapping: ColumnMapping | None = None
    preview: ImportPreview | None = None
    duplicates: DuplicateReport | None = None
    store_id: int | None = None  # NEW_STORE for a store to create
    new_store_name: str = ""
    new_store_platform: str = ""
    accounts: dict[str, AccountAction] = field(default_factory=dict)
    on_duplicate: OnDuplicate = "skip"
    result: ImportResult | None = None


class ImportWizardViewModel(QObject):
    """State and commands of the import wizard (see the module docstring)."""

    busy_changed = Signal(bool)
    file_opened = Signal()  # the current file is read: sheet grid, header row, kinds
    file_failed = Signal(str)  # the current file cannot be read
    mapping_changed = Signal()
    previewed = Signal()  # every row parsed, store and accounts guessed, duplicates known
    preview_failed = Signal(str)
    checked = Signal()  # duplicates known again after the store or an account changed
    progressed = Signal(int, int, str)
    committed = Signal()  # ``result`` holds the outcome
    commit_failed = Signal(str)
    commit_cancelled = Signal()
    profile_saved = Signal(str)
    failed = Signal(str)  # anything else, for a message box

    def __init__(
        self,
        session_vm: SessionViewModel,
        paths: Iterable[Path] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.files: list[Path] = []
        self.index = 0
        self.outcomes: list[FileOutcome] = []
        self.state = _State()
        self.busy = False
        self.error = ""  # why the current file could not be read or parsed
        self._job: worker.Job | None = None
        self.sheet_model = SheetPreviewModel(self)
        self.mapping_model = MappingTableModel(self)
        self.mapping_model.on_edit = self.set_field_column
        self.rows_model = ParsedRowsModel(self)
        self.issues_model = IssueTableModel(self)
        self.totals_model = TotalsModel(self)
        self.accounts_model = AccountsModel(self)
        self.accounts_model.on_edit = self.set_account_action
        self._stores: list[StoreOption] = []
        self.add_files(paths)

    # --- the queue of files ----------------------------------------------------------------------

    def add_files(self, paths: Iterable[Path]) -> list[Path]:
        """Add files (not twice); returns those refused because Tidui cannot read their type."""
        refused = []
        for path in paths:
            path = Path(path)
            if not importable(path):
                refused.append(path)
            elif path not in self.files:
                self.files.append(path)
        return refused

    def remove_file(self, position: int) -> None:
        if 0 <= position < len(self.files):
            del self.files[position]

    @property
    def current_path(self) -> Path | None:
        return self.files[self.index] if 0 <= self.index < len(self.files) else None

    @property
    def remaining(self) -> int:
        """Files after the current one."""
        return max(len(self.files) - self.index - 1, 0)

    def position_text(self) -> str:
        path = self.current_path
        if path is None:
            return ""
        if len(self.files) == 1:
            return path.name
        return (
            tr("第 {n}/{total} 个文件：").format(n=self.index + 1, total=len(self.files))
            + path.name
        )

    def next_file(self) -> bool:
        """Move to the next file of the queue; False when there is none."""
        if self.index + 1 >= len(self.files):
            return False
        self.index += 1
        self.state = _State()
        self.error = ""
        return True

    def skip_current(self, reason: str) -> None:
        """Leave the current file out (unreadable, or the user chose not to import it)."""
        path = self.current_path
        if path is not None:
            self.outcomes.append(FileOutcome(path, None, reason))

    # --- background work ---------------------------------------------------------------------------

    def _start(self, work: Any, on_success: Any, on_failure: Any) -> worker.Job:
        self._set_busy(True)
        job = worker.start(work)
        self._job = job
        job.progressed.connect(self.on_job_progressed)
        job.succeeded.connect(on_success)
        job.failed.connect(on_failure)
        job.cancelled.connect(self.on_job_cancelled)
        return job

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busy_changed.emit(busy)

    def _current(self) -> bool:
        return self.sender() is self._job

    @Slot(int, int, str)
    def on_job_progressed(self, done: int, total: int, note: str) -> None:
        if self._current():
            self.progressed.emit(done, total, note)

    @Slot()
    def on_job_cancelled(self) -> None:
        if self._current():
            self._set_busy(False)
            self.commit_cancelled.emit()

    def cancel(self) -> None:
        if self._job is not None and self._job.running:
            self._job.cancel()

    # --- 2: reading the file ----------------------------------------------------------------------

    def open_current(self, sheet: str | None = None) -> None:
        path = self.current_path
        if path is None:
            return
        app = self.session_vm.app
        self.error = ""

        def work(progress: Progress) -> ImportFile:
            progress.step(0, 0, Message("imports.progress.reading", {"file": path.name}))
            return imports.open_file(app, path, sheet)

        self._start(work, self.on_opened, self.on_open_failed)

    @Slot(object)
    def on_opened(self, file: ImportFile) -> None:
        if not self._current():
            return
        self._set_busy(False)
        self.state = _State(file=file)
        self.sheet_model.set_rows(file.top, file.header_row)
        self.choose_kind(file.detected_kind or self.kind_choices()[0][0], quiet=True)
        self.file_opened.emit()

    @Slot(str)
    def on_open_failed(self, text: str) -> None:
        if not self._current():
            return
        self._set_busy(False)
        self.error = text
        self.file_failed.emit(text)

    @property
    def file(self) -> ImportFile | None:
        return self.state.file

    def sheet_names(self) -> list[str]:
        file = self.state.file
        return list(file.info.sheet_names) if file is not None else []

    def header_row(self) -> int:
        file = self.state.file
        return file.header_row if file is not None else 0

    def choose_header_row(self, row: int) -> None:
        """The user says the header is on ``row`` (0-based): recognise the kind again."""
        file = self.state.file
        if file is None or row == file.header_row or not 0 <= row < len(file.top):
            return
        file = imports.with_header_row(file, row)
        self.state = _State(file=file)
        self.sheet_model.set_header_row(row)
        self.choose_kind(file.detected_kind or self.kind_choices()[0][0], quiet=True)
        self.file_opened.emit()

    def preamble_text(self) -> str:
        """What Tidui read above the header (title, 统计时间, 店铺名称) and from the file name."""
        file = self.state.file
        if file is None:
            return ""
        preamble = file.analysis.preamble
        parts = []
        if preamble.title:
            parts.append(tr("标题：") + preamble.title)
        for label, value in preamble.lines:
            parts.append(f"{label}：{value}")
        period = file.analysis.period
        if period is not None and not preamble.lines:
            parts.append(tr("文件名中的日期：") + f"{period.start} ~ {period.end}")
        return listed(parts, "；")

    # --- 3: the kind --------------------------------------------------------------------------------

    def kind_choices(self) -> list[tuple[str, str, float]]:
        """(kind, name, confidence) of every kind, the best fit first."""
        file = self.state.file
        lang = current_language()
        found = []
        for kind in SOURCE_KINDS.values():
            confidence = file.confidence(kind.id) if file is not None else 0.0
            found.append((kind.id, kind.name(lang), confidence))
        return sorted(found, key=lambda k: -k[2])

    @property
    def kind(self) -> str | None:
        return self.state.kind

    @property
    def detected_kind(self) -> str | None:
        file = self.state.file
        return file.detected_kind if file is not None else None

    def choose_kind(self, kind: str, quiet: bool = False) -> None:
        file = self.state.file
        if file is None:
            return
        mapping, profile = imports.mapping_for(file, kind)
        self.state.kind = kind
        self.state.auto_mapping = file.analysis.guess_for(kind).mapping
        self.state.mapping = mapping
        self.state.preview = None
        del profile
        self._fill_mapping()
        if not quiet:
            self.mapping_changed.emit()

    @property
    def profile_name(self) -> str | None:
        file, kind = self.state.file, self.state.kind
        if file is None or file.profile is None or file.profile.kind != kind:
            return None
        return file.profile.name

    # --- 4: the mapping ------------------------------------------------------------------------------

    @property
    def mapping(self) -> ColumnMapping | None:
        return self.state.mapping

    def fields(self) -> list[FieldSpec]:
        """The fields Tidui reads from this kind of file (what it stores, and required ones)."""
        kind = self.state.kind
        if kind is None:
            return []
        source = source_kind(kind)
        stored = facts.STORED_FIELDS.get(kind)
        return [f for f in source.fields if stored is None or f.name in stored or f.required]

    def _fill_mapping(self) -> None:
        file, mapping, kind = self.state.file, self.state.mapping, self.state.kind
        if file is None or mapping is None or kind is None:
            return
        samples = file.top[file.header_row + 1] if file.header_row + 1 < len(file.top) else []
        self.mapping_model.set_mapping(source_kind(kind), self.fields(), mapping, samples)

    def set_field_column(self, field_name: str, column: int | None) -> None:
        mapping = self.state.mapping
        if mapping is None:
            return
        mapping = (
            mapping.without(field_name)
            if column is None
            else mapping.with_column(field_name, column)
        )
        self.state.mapping = mapping
        self.state.preview = None
        self._fill_mapping()
        self.mapping_changed.emit()

    def missing_fields(self) -> list[str]:
        """Labels of required fields without a column ("订单付款时间/订单创建时间" for either-or)."""
        mapping, kind = self.state.mapping, self.state.kind
        if mapping is None or kind is None:
            return []
        source = source_kind(kind)
        english = current_language() == "en"
        return [
            "/".join(
                source.field(n).label_en if english else source.field(n).label_zh
                for n in group.split("|")
            )
            for group in mapping.missing_required
        ]

    def other_columns(self) -> list[tuple[str, str]]:
        """(header, why it is not read): unknown, known but not needed, or not imported."""
        mapping = self.state.mapping
        if mapping is None:
            return []
        wanted = {f.name for f in self.fields()}
        used = {m.column for n, m in mapping.columns.items() if n in wanted}
        known = {m.column for n, m in mapping.columns.items() if n not in wanted}
        known |= {o.column for o in (*mapping.ignored, *mapping.alternatives)}
        found: list[tuple[str, str]] = []
        for column, header in enumerate(mapping.headers):
            if not header.strip() or column in used:
                continue
            if column in known:
                why = tr("已识别，Tidui 不需要")
            elif any(o.column == column for o in mapping.unknown):
                why = tr("未识别")
            else:
                why = tr("不导入")
            found.append((header, why))
        return found

    @property
    def mapping_changed_by_user(self) -> bool:
        return self.state.mapping is not None and self.state.mapping != self.state.auto_mapping

    def save_profile(self, name: str) -> bool:
        file, mapping = self.state.file, self.state.mapping
        if file is None or mapping is None:
            return False
        try:
            saved = imports.save_profile(self.session_vm.app, name, file, mapping)
        except TiduiError as err:
            self.failed.emit(err.text())
            return False
        self.profile_saved.emit(saved.name)
        return True

    # --- 5 and 6: every row, whose data, duplicates ----------------------------------------------------

    def make_preview(self) -> None:
        file, kind, mapping = self.state.file, self.state.kind, self.state.mapping
        if file is None or kind is None or mapping is None:
            return
        app = self.session_vm.app
        self.error = ""

        def work(
            progress: Progress,
        ) -> tuple[ImportPreview, DuplicateReport, list[StoreOption], list[Any]]:
            prev = imports.preview(app, file, kind, mapping, progress=progress)
            report = imports.check(app, prev)
            people = employees.supervisor_choices(app) if prev.accounts else []
            return prev, report, imports.store_options(app), people

        self._start(work, self.on_previewed, self.on_preview_failed)

    @Slot(object)
    def on_previewed(
        self, found: tuple[ImportPreview, DuplicateReport, list[StoreOption], list[Any]]
    ) -> None:
        if not self._current():
            return
        self._set_busy(False)
        self._take_preview(found)

    def adopt(
        self,
        file: ImportFile,
        preview: ImportPreview | None = None,
        report: DuplicateReport | None = None,
    ) -> None:
        """Start from a file the monthly import already read (and parsed), to ask its one
        question on the page it belongs to without reading the file again."""
        self.state = _State(file=file)
        self.sheet_model.set_rows(file.top, file.header_row)
        kind = preview.kind if preview is not None else file.detected_kind
        self.choose_kind(kind or self.kind_choices()[0][0], quiet=True)
        if preview is not None:
            app = self.session_vm.app
            self.state.mapping = preview.mapping
            people = employees.supervisor_choices(app) if preview.accounts else []
            found = (preview, report or DuplicateReport(), imports.store_options(app), people)
            self._take_preview(found)

    def _take_preview(
        self, found: tuple[ImportPreview, DuplicateReport, list[StoreOption], list[Any]]
    ) -> None:
        prev, report, stores, people = found
        self.state.preview = prev
        self.state.duplicates = report
        self._stores = stores
        guess = prev.store
        self.state.store_id = (
            guess.store.id if guess is not None and guess.store is not None else None
        )
        if guess is not None and guess.store is None and guess.named:
            self.state.new_store_name = guess.named
            self.state.new_store_platform = _default_platform(prev.kind)
        self.state.on_duplicate = "skip"
        self.state.accounts = {}
        self._fill_checks()
        self._fill_accounts(people)
        self.previewed.emit()

    @Slot(str)
    def on_preview_failed(self, text: str) -> None:
        if not self._current():
            return
        self._set_busy(False)
        self.error = text
        self.preview_failed.emit(text)

    @property
    def preview(self) -> ImportPreview | None:
        return self.state.preview

    @property
    def duplicates(self) -> DuplicateReport | None:
        return self.state.duplicates

    def _fill_checks(self) -> None:
        prev = self.state.preview
        self.rows_model.set_table(prev.table if prev else None)
        extra: list[IssueRow] = []
        report = self.state.duplicates
        if report is not None:
            extra += [
                IssueRow(p.severity, p.row, p.column or "", "", p.message.text())
                for p in report.problems
            ]
        if report is not None and report.facts:
            batches = ", ".join(f"#{b.id}" for b in report.batches)
            for row in report.rows:
                extra.append(
                    IssueRow(
                        "skipped",
                        row,
                        "",
                        "",
                        Message("imports.ui.row_duplicate", {"batches": batches}).text(),
                    )
                )
        self.issues_model.set_table(prev.table if prev else None, extra)
        self.totals_model.set_totals(prev.kind if prev else "", prev.totals if prev else [])

    # whose data: the store

    @property
    def needs_store(self) -> bool:
        prev = self.state.preview
        return prev is not None and prev.store_level

    @property
    def needs_owner_page(self) -> bool:
        prev = self.state.preview
        return prev is not None and (prev.store_level or bool(prev.accounts))

    def store_choices(self) -> list[tuple[int, str]]:
        """(store id, "悦颜美妆旗舰店（天猫）") of the shops, then (NEW_STORE, 新建店铺…)."""
        shops = [(s.id, s.label()) for s in self._stores if s.kind != "live_account"]
        return [*shops, (NEW_STORE, tr("新建店铺…"))]

    def platforms(self) -> list[str]:
        return [p for p in PLATFORMS if p != LIVE_PLATFORM]

    @property
    def store_id(self) -> int | None:
        return self.state.store_id

    def store_detection_text(self) -> str:
        """How Tidui found the store, or why it could not."""
        prev = self.state.preview
        guess = prev.store if prev is not None else None
        if guess is None:
            return ""
        where = {
            "option": tr("（指定）"),
            "preamble": tr("（来自表头上方的“店铺名称”）"),
            "column": tr("（来自“店铺名称”列）"),
            "title": tr("（来自标题）"),
            "file_name": tr("（来自文件名）"),
            "only_store": tr("（文件中未写明店铺，这是该平台唯一的店铺）"),
            "none": "",
        }[guess.how]
        if guess.store is not None:
            return tr("识别到店铺：") + guess.store.label() + " " + where
        if guess.problem == "several_in_file":
            return (
                tr("文件中有多个店铺：")
                + listed(guess.names_in_file)
                + tr("。请选择要导入到的店铺。")
            )
        if guess.named:
            return tr(
                "文件属于店铺“{name}”，但 Tidui 中还没有这个店铺：请选择已有店铺，或新建。"
            ).format(name=guess.named)
        return tr("文件中没有写明店铺，请选择。")

    def set_store(self, store_id: int | None) -> None:
        self.state.store_id = store_id
        self.recheck()

    def set_new_store(self, name: str, platform: str) -> None:
        self.state.store_id = NEW_STORE
        self.state.new_store_name = name.strip()
        self.state.new_store_platform = platform

    @property
    def new_store(self) -> tuple[str, str]:
        return self.state.new_store_name, self.state.new_store_platform

    # whose data: accounts

    def _fill_accounts(self, people: list[Any]) -> None:
        prev = self.state.preview
        accounts = prev.accounts if prev is not None else []
        live = [s for s in self._stores if s.kind == "live_account"]
        leave_out = (
            tr("不导入这些直播")
            if prev is not None and prev.kind == "douyin-live"
            else tr("不关联直播账号")
        )
        choices = [AccountAction(label=leave_out)]
        choices += [
            AccountAction(store_id=s.id, label=tr("对应到已有账号：") + s.name) for s in live
        ]
        choices += [
            AccountAction(employee_id=p.id, label=tr("新建账号，分配给：") + f"{p.name}（{p.no}）")
            for p in people
            if p.active
        ]
        self.accounts_model.set_accounts(accounts, dict(self.state.accounts), choices)

    def set_account_action(self, name: str, action: AccountAction) -> None:
        self.state.accounts[name] = action
        self.recheck()

    def unassigned_accounts(self) -> list[str]:
        prev = self.state.preview
        if prev is None:
            return []
        return [
            a.name
            for a in prev.unmatched_accounts
            if self.state.accounts.get(a.name, AccountAction()).store_id is None
            and self.state.accounts.get(a.name, AccountAction()).employee_id is None
        ]

    @property
    def has_outside_creators(self) -> bool:
        """Whether the file is a 抖店 export naming creators Tidui did not find (mapped or not)."""
        prev = self.state.preview
        return prev is not None and prev.kind == "douyin-orders" and bool(prev.unmatched_accounts)

    def unmatched_creators(self) -> list[AccountMatch]:
        """抖店 creators (达人) of the file left without a live account: their orders count for
        the store only (the check page lists them and lets the user map one)."""
        prev = self.state.preview
        if prev is None or prev.kind != "douyin-orders":
            return []
        unassigned = set(self.unassigned_accounts())
        return [a for a in prev.unmatched_accounts if a.name in unassigned]

    def unmatched_creators_text(self) -> str:
        found = self.unmatched_creators()
        if not found:
            return ""
        return Phrase(
            "imports.accounts_unlinked", {"accounts": imports.creators_term(found)}
        ).text()

    def decisions(self, dry_run: bool = False) -> Decisions:
        state = self.state
        store: StoreChoice | None = None
        if self.needs_store:
            if state.store_id == NEW_STORE:
                store = StoreChoice(
                    new_name=state.new_store_name, new_platform=state.new_store_platform
                )
            elif state.store_id is not None:
                store = StoreChoice(store_id=state.store_id)
        accounts = {
            name: AccountChoice(store_id=a.store_id, employee_id=a.employee_id)
            for name, a in state.accounts.items()
        }
        return Decisions(
            store=store, accounts=accounts, on_duplicate=state.on_duplicate, dry_run=dry_run
        )

    def owner_problem(self) -> str:
        """Why the 归属 page cannot go on yet ("" when it can)."""
        if not self.needs_store:
            return ""
        if self.state.store_id is None:
            return tr("请选择店铺。")
        if self.state.store_id == NEW_STORE and not self.state.new_store_name:
            return tr("请填写新店铺的名称。")
        if self.state.store_id == NEW_STORE and not self.state.new_store_platform:
            return tr("请选择新店铺的平台。")
        return ""

    def recheck(self) -> None:
        """Duplicates again for the store or accounts now chosen (a quick read)."""
        prev = self.state.preview
        if prev is None:
            return
        store_id = self.state.store_id
        if prev.store_level and (store_id is None or store_id == NEW_STORE):
            self.state.duplicates = DuplicateReport(
                self.state.duplicates.same_file if self.state.duplicates else None
            )
        else:
            try:
                self.state.duplicates = imports.check(self.session_vm.app, prev, self.decisions())
            except TiduiError as err:
                self.failed.emit(err.text())
                return
        self._fill_checks()
        self.checked.emit()

    # 6: what the user decides about duplicates

    def set_on_duplicate(self, choice: OnDuplicate) -> None:
        self.state.on_duplicate = choice

    @property
    def on_duplicate(self) -> OnDuplicate:
        return self.state.on_duplicate

    def rows_to_import(self) -> int:
        """How many rows the commit will write (the check page's 导入 N 行 button)."""
        prev = self.state.preview
        if prev is None:
            return 0
        valid = len(prev.table.valid_frame)
        report = self.state.duplicates
        duplicates = report.facts if report else 0
        will = valid - (duplicates if self.state.on_duplicate == "skip" else 0)
        if report is not None and report.problems:
            refused = {p.row for p in report.problems if p.severity == "error"}
            unchanged = {
                p.row
                for p in report.problems
                if p.message.code == "archive.import.already_recorded"
            }
            will -= len(refused | unchanged)
        return max(will, 0)

    def summary_text(self) -> str:
        """ "共 220 行：将导入 208 行，跳过 12 行；错误 0 处，警告 3 处" for the check page."""
        prev = self.state.preview
        if prev is None:
            return ""
        table = prev.table
        counts = self.issues_model.counts()
        will = self.rows_to_import()
        return Message(
            "imports.ui.check_summary",
            {
                "rows": table.data_rows,
                "imported": max(will, 0),
                "skipped": table.data_rows - max(will, 0),
                "errors": counts["error"],
                "warnings": counts["warning"],
            },
        ).text()

    def duplicate_text(self) -> str:
        report = self.state.duplicates
        if report is None or not report.any:
            return ""
        parts = []
        if report.same_file is not None:
            parts.append(
                Message(
                    "imports.ui.same_file",
                    {
                        "batch": report.same_file.id,
                        "time": report.same_file.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                        "user": report.same_file.user_login,
                    },
                ).text()
            )
        if report.facts:
            parts.append(
                Message(
                    "imports.ui.overlap",
                    {
                        "rows": report.facts,
                        "batches": ", ".join(f"#{b.id}" for b in report.batches),
                        "months": months_text(report.months),
                    },
                ).text()
            )
        return "\n".join(parts)

    # --- 7: commit ----------------------------------------------------------------------------------

    def commit(self) -> None:
        prev = self.state.preview
        if prev is None or self.busy:
            return
        app = self.session_vm.app
        decisions = self.decisions()

        def work(progress: Progress) -> ImportResult:
            return imports.commit(app, prev, decisions, progress)

        self._start(work, self.on_committed, self.on_commit_failed)

    @Slot(object)
    def on_committed(self, result: ImportResult) -> None:
        if not self._current():
            return
        self._set_busy(False)
        self.state.result = result
        path = self.current_path
        if path is not None:
            self.outcomes.append(FileOutcome(path, result))
        if result.batch_id is not None:
            self.session_vm.notify_changed(ChangeArea.IMPORTS)
        self.committed.emit()

    @Slot(str)
    def on_commit_failed(self, text: str) -> None:
        if not self._current():
            return
        self._set_busy(False)
        self.commit_failed.emit(text)

    @property
    def result(self) -> ImportResult | None:
        return self.state.result

    def result_lines(self, outcome: FileOutcome) -> list[str]:
        """The summary of one file: counts, months, notes, first errors."""
        result = outcome.result
        if result is None:
            return [outcome.problem]
        if result.batch_id is None:
            lines = [Message("imports.ui.nothing_imported", {"rows": result.rows}).text()]
        else:
            lines = [
                Message(
                    "imports.ui.imported",
                    {
                        "batch": result.batch_id,
                        "rows": result.rows,
                        "imported": result.imported,
                        "skipped": result.skipped,
                    },
                ).text()
            ]
        if result.store:
            lines.append(tr("店铺：") + result.store)
        if result.months:
            lines.append(tr("月份：") + listed(result.months))
        lines += [n.text() for n in result.notes]
        if result.errors:
            lines.append(
                Message("imports.ui.errors_left_out", {"count": len(result.errors)}).text()
            )
        return lines


def months_text(months: tuple[str, ...] | list[str]) -> str:
    """ "2024-06", "2024-05、2024-06", or "2023-01 – 2024-06" for a longer run."""
    if len(months) <= 3:
        return listed(months)
    return f"{months[0]} – {months[-1]}"


def _default_platform(kind: str) -> str:
    from core.services.imports.owners import KIND_PLATFORMS

    platforms = KIND_PLATFORMS.get(kind, ())
    return platforms[0] if platforms else ""
