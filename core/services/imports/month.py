"""The month's exports in one go: many files and folders read, ordered, decided, then each committed alone.

``plan`` reads every file through the one-file path of ``imports`` (``inspect`` → ``open_file`` →
``preview`` → ``check``) and decides, per file, what the wizard would otherwise ask:

* the same download twice (same sha256) is listed once; the copy says which file it is the same as;
* the files are ordered as the data needs them: roster, then store owners (they create the stores
  and live accounts they name), then training / achievements / scores / metrics, then the store
  exports (the 抖店 orders after the live lists whose accounts they link to);
* each file is 可以导入 (``ready``), 需要确认 (``needs_decision``, with the one question: which kind,
  a missing column, which store, which live account, or rows already imported), 无法导入
  (``refused``, with the reason), already imported (``already_imported``) or a copy
  (``duplicate``). A store or live account that a store-owners file of the same drop will create
  counts as known: the export is previewed again once that file is in.

``commit`` then stores every ready file as its own batch through ``imports.commit`` (one unit of
work per file: a failure or a cancel rolls back only the file being stored), and reports per store
the months now complete or still incomplete (``months.COMPLETE_FROM_DAY``) and whose readiness
changed (``eligibility.eligibility_list`` before the plan and after the commit).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, select

from core.domain import explain as ex
from core.domain import months as mo
from core.domain.rules import Readiness
from core.errors import PermissionDenied, TiduiError
from core.i18n import Message
from core.importers.reading import SUPPORTED_EXTENSIONS
from core.importers.sources import source_kind
from core.model import (
    LiveSessionFact,
    OrderFact,
    Store,
    StoreDayFact,
    StoreMonthFact,
)
from core.permissions import Perm, require
from core.progress import NO_PROGRESS, Cancelled, Progress
from core.services.archive import stores
from core.services.eligibility import readiness as eligibility
from core.services.imports import engine as imports
from core.services.imports.engine import (
    BatchRef,
    Decisions,
    DuplicateReport,
    ImportFile,
    ImportPreview,
    ImportResult,
    OnDuplicate,
)
from core.services.imports.owners import KIND_PLATFORMS, fold
from core.session import AppSession

PlanStatus = Literal["ready", "needs_decision", "refused", "already_imported", "duplicate"]
Question = Literal["kind", "mapping", "store", "accounts", "overlap"]
OutcomeStatus = Literal["imported", "skipped", "needs_decision", "failed"]
OverlapPolicy = Literal["ask", "skip"]
AccountsPolicy = Literal["ask", "skip"]

# The order the data needs: people before who runs which store, those before everything about
# people and stores; 抖店 orders after the live lists (their creators link to live accounts).
KIND_ORDER = {
    "roster": 0,
    "store-owners": 1,
    "training": 2,
    "achievements": 2,
    "scores": 2,
    "metrics": 2,
    "sycm-shop": 3,
    "taobao-orders": 3,
    "douyin-live": 3,
    "douyin-orders": 4,
}
_UNKNOWN_RANK = 9


# --- the plan ------------------------------------------------------------------------------------


@dataclass
class PlannedFile:
    """One file of the drop and what Tidui decided about it."""

    path: Path
    status: PlanStatus = "ready"
    message: Message | None = None  # the question, the refusal, or "same as" / "imported before"
    question: Question | None = None
    sha256: str | None = None
    kind: str | None = None
    file: ImportFile | None = None
    preview: ImportPreview | None = None
    duplicates: DuplicateReport | None = None
    store: str | None = None  # the store, or the live accounts, the data goes to
    store_pending: bool = False  # a store or account a store-owners file of this drop creates
    months: list[str] = field(default_factory=list)
    rows: int = 0  # data rows
    counted: int = 0  # rows that will be imported
    skipped: int = 0
    errors: int = 0  # cell problems that leave a row out
    warnings: int = 0
    overlap: int = 0  # rows already stored by earlier batches
    same_as: Path | None = None  # for a copy: the file it is the same download as
    copies: list[Path] = field(default_factory=list)  # for the file listed: its copies
    already: BatchRef | None = None
    notes: list[Message] = field(default_factory=list)
    leave_out_unknown_accounts: bool = False  # unattended: import without accounts Tidui lacks
    # set when the user answered the question in the wizard, which imported the file
    resolved: ImportResult | None = None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def rank(self) -> int:
        return KIND_ORDER.get(self.kind or "", _UNKNOWN_RANK)

    @property
    def kind_name(self) -> str:
        return source_kind(self.kind).name_zh if self.kind else ""

    def ask(self, question: Question, message: Message) -> None:
        self.status, self.question, self.message = "needs_decision", question, message

    def refuse(self, message: Message) -> None:
        self.status, self.message = "refused", message


@dataclass(frozen=True)
class Standing:
    """One employee on one transition, as the 达标名单 shows it."""

    name: str
    no: str
    to_level: str
    transition: str
    status: Readiness


Readiness_ = dict[tuple[int, int], Standing]


@dataclass
class MonthPlan:
    files: list[PlannedFile]  # in the order they will be committed; copies after their original
    ignored: list[Path] = field(default_factory=list)  # not spreadsheets, found in folders
    readiness_before: Readiness_ | None = None

    @property
    def listed(self) -> list[PlannedFile]:
        """The files shown once each (copies left out)."""
        return [f for f in self.files if f.status != "duplicate"]

    def with_status(self, *status: PlanStatus) -> list[PlannedFile]:
        return [f for f in self.files if f.status in status]

    @property
    def ready(self) -> list[PlannedFile]:
        return [f for f in self.files if f.status == "ready" and f.resolved is None]


def expand(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Files named, and the spreadsheets inside folders (sorted, hidden and Office temp files left
    out); returns (files, files inside folders that are not spreadsheets)."""
    found: list[Path] = []
    ignored: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for inner in sorted(p for p in path.rglob("*") if p.is_file()):
                hidden = any(part.startswith(".") for part in inner.relative_to(path).parts)
                if hidden or inner.name.startswith("~$"):
                    continue
                if inner.suffix.lower() in SUPPORTED_EXTENSIONS:
                    found.append(inner)
                else:
                    ignored.append(inner)
        else:
            found.append(path)
    unique = list(dict.fromkeys(p.resolve() if p.exists() else p for p in found))
    return unique, ignored


_COPY = re.compile(r"(\s*[(（]\d+[)）]|\s*-?\s*(副本|copy)(\s*\d+)?)$", re.IGNORECASE)


def _copy_name(name: str) -> bool:
    """Whether a file name looks like a second download or a copy ("x (1).csv", "x - 副本.xlsx")."""
    return bool(_COPY.search(Path(name).stem))


def _message(err: TiduiError) -> Message:
    return Message(err.code, dict(err.params))


def _sub(progress: Progress, index: int, count: int, low: int = 0, high: int = 100) -> Progress:
    """A Progress for file ``index`` of ``count`` inside ``progress``'s ``low``..``high`` percent;
    cancelling ``progress`` stops the file's work at its next step."""

    def report(done: int, total: int, note: Message | None) -> None:
        part = done / total if total > 0 else 0.0
        share = (index + min(max(part, 0.0), 1.0)) / max(count, 1)
        progress.step(low + int((high - low) * share), 100, note)

    return Progress(report)


def plan(
    app: AppSession,
    paths: Sequence[Path],
    *,
    progress: Progress = NO_PROGRESS,
    overlap: OverlapPolicy = "ask",
    unmatched_accounts: AccountsPolicy = "ask",
) -> MonthPlan:
    """Read and decide every file of ``paths`` (files and folders); stores nothing."""
    require(app.actor, Perm.IMPORT_DATA)
    files, ignored = expand(paths)
    result = MonthPlan([PlannedFile(p) for p in files], ignored, _readiness(app))
    originals: dict[str, PlannedFile] = {}
    count = len(result.files)
    # 1: the same download twice, and what each file is
    for number, planned in enumerate(result.files):
        progress.step(
            int(40 * number / max(count, 1)),
            100,
            Message("imports.progress.reading", {"file": planned.name}),
        )
        _open(app, planned)
    # the same download twice: the name without "(1)" / "副本" is the one listed
    for planned in sorted(result.files, key=lambda f: (_copy_name(f.name), len(f.name), f.name)):
        if planned.sha256 is None:
            continue
        first = originals.get(planned.sha256)
        if first is not None:
            planned.status, planned.same_as = "duplicate", first.path
            planned.kind, planned.file, planned.question = first.kind, None, None
            planned.message = Message("import_month.same_as", {"file": first.name})
            first.copies.append(planned.path)
            continue
        originals[planned.sha256] = planned
    order = {id(f): n for n, f in enumerate(result.files)}
    result.files.sort(key=lambda f: (f.rank, f.name, order[id(f)]))
    result.files.sort(key=lambda f: f.status == "duplicate")
    # 2: every row, whose data, what is already there (in commit order: owners before exports)
    pending_stores: dict[str, str] = {}  # folded name -> platform, of stores an owners file creates
    templates_pending = False
    live = [f for f in result.files if f.status == "ready"]
    for number, planned in enumerate(live):
        _preview(
            app,
            planned,
            _sub(progress, number, len(live), 40, 100),
            pending_stores,
            templates_pending,
            overlap,
            unmatched_accounts,
        )
        if planned.status == "ready" and planned.kind in ("roster", "store-owners"):
            templates_pending = True
        if planned.status == "ready" and planned.kind == "store-owners" and planned.preview:
            frame = planned.preview.table.valid_frame
            if "store" in frame.columns and "platform" in frame.columns:
                for name, platform in frame[["store", "platform"]].dropna().itertuples(index=False):
                    pending_stores[fold(str(name))] = stores.normalise_platform(str(platform))
    progress.step(100, 100, None)
    return result


def _open(app: AppSession, planned: PlannedFile) -> None:
    path = planned.path
    if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
        planned.refuse(Message("import_month.not_a_spreadsheet", {"file": path.name}))
        return
    try:
        planned.sha256 = imports.file_sha256(path)
        imports.inspect(app, path)
        file = imports.open_file(app, path, sha256=planned.sha256)  # hashed once
    except TiduiError as err:
        planned.refuse(_message(err))
        return
    except OSError as err:
        planned.refuse(
            Message("imports.file_unreadable", {"file": path.name, "detail": err.strerror or ""})
        )
        return
    planned.file = file
    kind = file.detected_kind
    if kind is None:
        try:
            file.analysis.mapping(None)
        except TiduiError as err:
            planned.ask("kind", _message(err))
        else:  # pragma: no cover - mapping(None) raises whenever no kind is detected
            planned.ask("kind", Message("import_month.q.kind", {"file": path.name}))
        return
    planned.kind = kind
    mapping, _ = imports.mapping_for(file, kind)
    if mapping.missing_required:
        source = source_kind(kind)
        missing = ex.joined(
            (
                "/".join(source.field(n).label_zh for n in group.split("|"))
                for group in mapping.missing_required
            ),
            ex.NAMES,
        )
        planned.ask(
            "mapping",
            Message(
                "import_month.q.mapping",
                {"file": path.name, "kind": source.name_zh, "fields": missing},
            ),
        )


def _preview(
    app: AppSession,
    planned: PlannedFile,
    progress: Progress,
    pending_stores: dict[str, str],
    templates_pending: bool,
    overlap: OverlapPolicy,
    unmatched_accounts: AccountsPolicy,
) -> None:
    file, kind = planned.file, planned.kind
    assert file is not None and kind is not None
    try:
        prev = imports.preview(app, file, kind, progress=progress)
    except TiduiError as err:
        planned.refuse(_message(err))
        return
    planned.preview = prev
    table = prev.table
    planned.rows = table.data_rows
    planned.counted = len(table.valid_frame)
    planned.months = list(table.months)
    planned.errors = sum(1 for i in table.errors)
    planned.warnings = sum(1 for i in table.warnings)
    if table.data_rows == 0:
        planned.refuse(
            Message("imports.no_data_rows", {"file": file.file_name, "sheet": table.sheet})
        )
        return
    if planned.counted == 0:
        planned.refuse(Message("import_month.no_valid_rows", {"file": file.file_name}))
        return
    # whose data
    guess = prev.store
    if prev.store_level and guess is not None:
        if guess.store is not None:
            planned.store = guess.store.name
            if guess.how == "only_store":
                planned.notes.append(
                    Message(
                        "imports.store_assumed", {"file": file.file_name, "store": guess.store.name}
                    )
                )
        elif guess.named and fold(guess.named) in pending_stores:
            planned.store, planned.store_pending = guess.named, True
        elif guess.problem == "none_named" and any(
            p in KIND_PLATFORMS.get(kind, ()) for p in pending_stores.values()
        ):
            # names no store; the only store of its platform comes with the owners file
            planned.store_pending = True
            names = [n for n, p in pending_stores.items() if p in KIND_PLATFORMS.get(kind, ())]
            planned.store = names[0] if len(names) == 1 else None
        else:
            planned.store = guess.named
            planned.ask("store", _store_question(prev))
            return
    if prev.accounts:
        matched = [a.store.name for a in prev.accounts if a.store is not None]
        pending = [a.name for a in prev.unmatched_accounts if fold(a.name) in pending_stores]
        unknown = [a.name for a in prev.unmatched_accounts if fold(a.name) not in pending_stores]
        planned.store_pending = planned.store_pending or bool(pending)
        if not prev.store_level:
            planned.store = "、".join(dict.fromkeys([*matched, *pending])) or None
        if unknown and unmatched_accounts == "ask":
            planned.ask(
                "accounts",
                Message(
                    "import_month.q.accounts",
                    {"file": file.file_name, "accounts": ex.joined(unknown, ex.NAMES)},
                ),
            )
            return
        planned.leave_out_unknown_accounts = unmatched_accounts == "skip"
        if unknown:
            planned.notes.append(
                Message(
                    "imports.accounts_left_out"
                    if kind == "douyin-live"
                    else "imports.accounts_unlinked",
                    {
                        "accounts": ex.joined(unknown, ex.NAMES),
                        "rows": sum(a.rows for a in prev.unmatched_accounts if a.name in unknown),
                    },
                )
            )
    planned.skipped = max(planned.rows - planned.counted, 0)
    # what is already there
    if planned.store_pending:
        return  # checked when the store exists, at commit
    try:
        report = imports.check(app, prev)
    except TiduiError as err:
        planned.refuse(_message(err))
        return
    planned.duplicates = report
    if report.same_file is not None:
        planned.status, planned.already = "already_imported", report.same_file
        planned.message = Message(
            "import_month.imported_before",
            {"batch": report.same_file.id, "time": _local(report.same_file)},
        )
        return
    if report.problems and not templates_pending:
        bad = {p.row for p in report.problems if p.severity == "error"}
        unchanged = {
            p.row for p in report.problems if p.message.code == "archive.import.already_recorded"
        }
        planned.errors += sum(1 for p in report.problems if p.severity == "error")
        planned.counted = max(planned.counted - len(bad | unchanged), 0)
        planned.skipped = max(planned.rows - planned.counted, 0)
        if planned.counted == 0 and bad:
            first = next(p for p in report.problems if p.severity == "error")
            planned.refuse(
                Message(
                    "import_month.every_row_refused",
                    {"file": file.file_name, "row": first.row, "reason": first.message.text()},
                )
            )
            return
        if planned.counted == 0:
            planned.status = "already_imported"
            planned.message = Message("import_month.all_recorded", {"rows": len(unchanged)})
            return
    if report.facts:
        planned.overlap = report.facts
        if report.facts >= planned.counted:
            planned.status = "already_imported"
            planned.message = Message(
                "import_month.all_rows_before",
                {"rows": report.facts, "batches": _batches(report)},
            )
            return
        if overlap == "ask":
            planned.ask(
                "overlap",
                Message(
                    "import_month.q.overlap",
                    {
                        "rows": report.facts,
                        "batches": _batches(report),
                        "months": ex.joined(report.months, ex.NAMES),
                    },
                ),
            )
            return
        planned.counted -= report.facts
    planned.skipped = max(planned.rows - planned.counted, 0)


def _batches(report: DuplicateReport) -> str:
    return ", ".join(f"#{b.id}" for b in report.batches)


def _local(ref: BatchRef) -> str:
    return ref.created_at.astimezone().strftime("%Y-%m-%d %H:%M")


def _store_question(prev: ImportPreview) -> Message:
    guess = prev.store
    name = prev.file.file_name
    if guess is not None and guess.problem == "several_in_file":
        return Message(
            "import_month.q.store_several",
            {"file": name, "names": ex.joined(guess.names_in_file, ex.NAMES)},
        )
    if guess is not None and guess.problem == "ambiguous":
        return Message(
            "import_month.q.store_ambiguous",
            {
                "file": name,
                "name": guess.named,
                "stores": ex.joined((c.name for c in guess.candidates), ex.NAMES),
            },
        )
    if guess is not None and guess.named:
        return Message("import_month.q.store_unknown", {"file": name, "name": guess.named})
    return Message("import_month.q.store_none", {"file": name})


# --- the commit ---------------------------------------------------------------------------------


@dataclass
class FileOutcome:
    """What became of one file of the plan."""

    planned: PlannedFile
    status: OutcomeStatus
    result: ImportResult | None = None
    message: Message | None = None

    @property
    def path(self) -> Path:
        return self.planned.path

    def as_json(self, lang: str | None = None) -> dict[str, Any]:
        """The one-file import's JSON (docs/cli.md), with the file's path and its status."""
        if self.result is not None:
            found = self.result.as_json(lang)
        else:
            p = self.planned
            found = {
                "batch": None,
                "source": p.kind,
                "rows": p.rows,
                "imported": 0,
                "skipped": p.rows,
                "errors": [],
                "months": list(p.months),
                "store": p.store,
            }
        found["file"] = str(self.planned.path)
        found["status"] = self.status
        if self.message is not None:
            found["message"] = self.message.text(lang)
        if self.planned.question is not None and self.status == "needs_decision":
            found["question"] = self.planned.question
        if self.planned.same_as is not None:
            found["same_as"] = str(self.planned.same_as)
        return found


@dataclass(frozen=True)
class StoreMonths:
    """One store's (or live account's) months this import touched."""

    store: str
    complete: tuple[str, ...]
    incomplete: tuple[tuple[str, int], ...]  # (month, last day with data)


@dataclass(frozen=True)
class ReadinessChange:
    name: str
    no: str
    to_level: str
    transition: str
    before: Readiness | None
    after: Readiness | None

    def text(self, lang: str | None = None) -> str:
        status = (self.after or Readiness.NOT_READY).message().text(lang)
        return Message(
            "import_month.readiness_change",
            {"name": self.name, "status": status, "level": self.to_level},
        ).text(lang)


@dataclass
class MonthResult:
    outcomes: list[FileOutcome]
    stores: list[StoreMonths] = field(default_factory=list)
    readiness: list[ReadinessChange] = field(default_factory=list)
    cancelled: bool = False

    def with_status(self, *status: OutcomeStatus) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status in status]

    @property
    def batch_ids(self) -> list[int]:
        return [
            o.result.batch_id
            for o in self.outcomes
            if o.result is not None and o.result.batch_id is not None
        ]


def commit(
    app: AppSession,
    month: MonthPlan,
    *,
    progress: Progress = NO_PROGRESS,
    on_duplicate: OnDuplicate = "skip",
) -> MonthResult:
    """Store every ready file of ``month`` as its own batch, in the plan's order."""
    require(app.actor, Perm.IMPORT_DATA)
    outcomes: list[FileOutcome] = []
    ready = month.ready
    cancelled = False
    for number, planned in enumerate(ready):
        if cancelled:
            outcomes.append(
                FileOutcome(planned, "skipped", None, Message("import_month.cancelled_before"))
            )
            continue
        sub = _sub(progress, number, len(ready), 0, 95)
        try:
            progress.step(
                int(95 * number / max(len(ready), 1)),
                100,
                Message("imports.progress.storing", {"file": planned.name}),
            )
            outcomes.append(_commit_one(app, planned, sub, on_duplicate))
        except Cancelled:
            cancelled = True
            outcomes.append(
                FileOutcome(planned, "skipped", None, Message("import_month.cancelled_file"))
            )
        except TiduiError as err:
            outcomes.append(FileOutcome(planned, "failed", None, _message(err)))
    outcomes += _not_committed(month)
    order = {id(f): n for n, f in enumerate(month.files)}
    outcomes.sort(key=lambda o: order.get(id(o.planned), len(order)))
    result = MonthResult(outcomes, cancelled=cancelled)
    result.stores = store_months(app, result.batch_ids)
    result.readiness = readiness_changes(month.readiness_before, _readiness(app))
    with_progress = NO_PROGRESS if cancelled else progress
    with_progress.step(100, 100, None)
    return result


def _commit_one(
    app: AppSession, planned: PlannedFile, progress: Progress, on_duplicate: OnDuplicate
) -> FileOutcome:
    unmatched_accounts: AccountsPolicy = "skip" if planned.leave_out_unknown_accounts else "ask"
    prev = planned.preview
    assert prev is not None and planned.file is not None and planned.kind is not None
    if planned.store_pending:
        # the store or account exists now (the store-owners file went in first): whose data again
        prev = imports.preview(app, planned.file, planned.kind, prev.mapping, progress=progress)
        planned.preview = prev
        if prev.store_level and (prev.store is None or prev.store.store is None):
            return FileOutcome(planned, "needs_decision", None, _store_question(prev))
        unknown = [a.name for a in prev.unmatched_accounts]
        if unknown and unmatched_accounts == "ask":
            message = Message(
                "import_month.q.accounts",
                {"file": planned.name, "accounts": ex.joined(unknown, ex.NAMES)},
            )
            return FileOutcome(planned, "needs_decision", None, message)
    result = imports.commit(app, prev, Decisions(on_duplicate=on_duplicate), progress)
    result.notes = [*planned.notes, *result.notes]
    if result.batch_id is None and result.errors and not result.dry_run:
        first = result.errors[0]
        message = Message(
            "import_month.every_row_refused",
            {"file": planned.name, "row": first.row, "reason": first.message.text()},
        )
        return FileOutcome(planned, "failed", result, message)
    if result.batch_id is None:
        if result.notes:
            return FileOutcome(planned, "skipped", result, result.notes[-1])
        recorded = sum(
            1 for w in result.warnings if w.message.code == "archive.import.already_recorded"
        )
        message = (
            Message("import_month.all_recorded", {"rows": recorded})
            if recorded
            else Message("import_month.nothing_new", {"file": planned.name})
        )
        return FileOutcome(planned, "skipped", result, message)
    return FileOutcome(planned, "imported", result)


def _not_committed(month: MonthPlan) -> list[FileOutcome]:
    found: list[FileOutcome] = []
    for planned in month.files:
        if planned.resolved is not None:
            status: OutcomeStatus = "imported" if planned.resolved.batch_id else "skipped"
            found.append(FileOutcome(planned, status, planned.resolved))
        elif planned.status == "needs_decision":
            found.append(FileOutcome(planned, "needs_decision", None, planned.message))
        elif planned.status == "refused":
            found.append(FileOutcome(planned, "failed", None, planned.message))
        elif planned.status in ("already_imported", "duplicate"):
            found.append(FileOutcome(planned, "skipped", None, planned.message))
    return found


def import_paths(
    app: AppSession,
    paths: Sequence[Path],
    *,
    on_duplicate: OnDuplicate = "skip",
    unmatched_accounts: AccountsPolicy = "ask",
    progress: Progress = NO_PROGRESS,
) -> tuple[MonthPlan, MonthResult]:
    """``tidui-cli import FILE DIR_OR_FILES…``: plan and commit without asking anyone. Rows already
    imported are skipped (or replaced) as for one file; a question leaves that file out."""
    month = plan(
        app,
        paths,
        progress=_sub(progress, 0, 1, 0, 30),
        overlap="skip" if on_duplicate != "fail" else "ask",
        unmatched_accounts=unmatched_accounts,
    )
    return month, commit(
        app, month, progress=_sub(progress, 0, 1, 30, 100), on_duplicate=on_duplicate
    )


# --- what the month looks like now ------------------------------------------------------------------


def store_months(app: AppSession, batch_ids: Sequence[int]) -> list[StoreMonths]:
    """Per store the batches wrote to: each month they touched, complete or not (a month of dated
    rows is complete once they reach day COMPLETE_FROM_DAY; monthly overviews are complete)."""
    if not batch_ids:
        return []
    touched: dict[int, set[str]] = {}
    dated = (
        (StoreDayFact, StoreDayFact.day),
        (OrderFact, OrderFact.paid_at),
        (LiveSessionFact, LiveSessionFact.started_at),
    )
    with app.read() as s:
        for model in (StoreMonthFact, StoreDayFact, OrderFact, LiveSessionFact):
            for store_id, month in s.execute(
                select(model.store_id, model.month).where(model.batch_id.in_(batch_ids)).distinct()
            ):
                touched.setdefault(store_id, set()).add(month)
        names = dict(s.execute(select(Store.id, Store.name).where(Store.id.in_(touched))).all())
        found: list[StoreMonths] = []
        for store_id, months_ in touched.items():
            complete: list[str] = []
            incomplete: list[tuple[str, int]] = []
            overview = set(
                s.scalars(
                    select(StoreMonthFact.month).where(
                        StoreMonthFact.store_id == store_id,
                        StoreMonthFact.month.in_(months_),
                        StoreMonthFact.superseded_by.is_(None),
                    )
                )
            )
            for month in sorted(months_):
                if month in overview:
                    complete.append(month)
                    continue
                last = 0
                for model, column in dated:
                    value = s.scalar(
                        select(func.max(column)).where(
                            model.store_id == store_id,
                            model.month == month,
                            model.superseded_by.is_(None),
                        )
                    )
                    if value is not None:
                        last = max(last, value.day)
                if last >= mo.COMPLETE_FROM_DAY:
                    complete.append(month)
                else:
                    incomplete.append((month, last))
            found.append(StoreMonths(names.get(store_id, "?"), tuple(complete), tuple(incomplete)))
    return sorted(found, key=lambda m: m.store)


def _readiness(app: AppSession) -> Readiness_ | None:
    """Everyone's standing on every transition, as the 达标名单 shows it by default (None when the
    actor may not see the 达标名单)."""
    try:
        found = eligibility.eligibility_list(app)
    except PermissionDenied:
        return None
    return {
        (c.person.id, c.transition.id): Standing(
            c.person.name,
            c.person.no,
            c.transition.ends()[1],
            c.transition.label(),
            c.status,
        )
        for c in found.candidates
    }


def readiness_changes(before: Readiness_ | None, after: Readiness_ | None) -> list[ReadinessChange]:
    """Whose standing changed (people new to the list count when they are ready or nearly)."""
    if after is None:
        return []
    before = before or {}
    changes: list[ReadinessChange] = []
    for key in sorted(set(before) | set(after), key=lambda k: (k[0], k[1])):
        old, new = before.get(key), after.get(key)
        old_status = old.status if old else None
        new_status = new.status if new else None
        if old_status == new_status:
            continue
        if {old_status, new_status} <= {None, Readiness.NOT_READY}:
            continue
        who = new or old
        assert who is not None
        changes.append(
            ReadinessChange(who.name, who.no, who.to_level, who.transition, old_status, new_status)
        )
    rank = {Readiness.READY: 0, Readiness.NEARLY: 1, Readiness.NOT_READY: 2, None: 3}
    return sorted(changes, key=lambda c: (rank[c.after], c.no))
