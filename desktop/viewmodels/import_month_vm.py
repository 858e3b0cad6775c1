"""导入本月数据: many files or a folder read in the background, one summary row per file, one commit.

Reading (``import_month.plan``) and storing (``import_month.commit``) run on the worker with
progress and cancel; the summary's table model shows what Tidui decided per file. A file that
needs a decision is answered in the import wizard (the view opens it for that one file, the
question's page first); what the wizard imported is recorded here, so the result lists it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor

from core.i18n import Message, current_language
from core.progress import Progress
from core.services.imports import month as import_month
from core.services.imports.engine import ImportResult
from core.services.imports.month import MonthPlan, MonthResult, PlannedFile
from desktop.i18n import listed, tr
from desktop.viewmodels import worker
from desktop.viewmodels.import_history_vm import months_text, source_label
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel

AnyIndex = QModelIndex | QPersistentModelIndex
READY_COLOR = QColor("#1e7e34")
ASK_COLOR = QColor("#b26a00")
REFUSED_COLOR = QColor("#b00020")
DONE_COLOR = QColor("#616161")


def status_label(planned: PlannedFile) -> str:
    if planned.resolved is not None:
        return tr("已导入") if planned.resolved.batch_id is not None else tr("未导入")
    return {
        "ready": tr("可以导入"),
        "needs_decision": tr("需要确认"),
        "refused": tr("无法导入"),
        "already_imported": tr("已导入过"),
        "duplicate": tr("同一文件"),
    }[planned.status]


def _status_color(planned: PlannedFile) -> QColor:
    if planned.resolved is not None:
        return DONE_COLOR
    return {
        "ready": READY_COLOR,
        "needs_decision": ASK_COLOR,
        "refused": REFUSED_COLOR,
        "already_imported": DONE_COLOR,
        "duplicate": DONE_COLOR,
    }[planned.status]


def duplicates_text(planned: PlannedFile) -> str:
    """Copies of the file in the drop, and rows or the file already imported."""
    parts = [tr("同一文件：") + p.name for p in planned.copies]
    if planned.already is not None:
        parts.append(tr("已导入过（批次 #{batch}）").format(batch=planned.already.id))
    elif planned.overlap:
        parts.append(tr("{rows} 行已导入过", rows=planned.overlap))
    return listed(parts, "；") or "—"


class MonthFilesModel(QAbstractTableModel):
    """The summary: one row per file of the drop (copies on their original's row)."""

    COL_FILE, COL_KIND, COL_STORE, COL_MONTHS, COL_ROWS, COL_COUNTED, COL_SKIPPED = range(7)
    COL_PROBLEMS, COL_DUPLICATES, COL_STATUS = 7, 8, 9

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.files: list[PlannedFile] = []

    def set_files(self, files: Sequence[PlannedFile]) -> None:
        self.beginResetModel()
        self.files = list(files)
        self.endResetModel()

    def refresh_row(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def file_at(self, row: int) -> PlannedFile | None:
        return self.files[row] if 0 <= row < len(self.files) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.files)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 10

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            tr("文件"),
            tr("数据来源"),
            tr("店铺/账号"),
            tr("月份"),
            tr("行数"),
            tr("导入"),
            tr("跳过"),
            tr("单元格问题"),
            tr("重复"),
            tr("状态"),
        )[section]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        planned = self.file_at(index.row())
        if planned is None or not index.isValid():
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(planned, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [planned.message.text()] if planned.message else []
            lines += [n.text() for n in planned.notes]
            if column == self.COL_FILE:
                lines.insert(0, str(planned.path))
            if column == self.COL_DUPLICATES and planned.copies:
                lines = [duplicates_text(planned)]
            return "\n".join(lines) or None
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_STATUS:
            return QBrush(_status_color(planned))
        if (
            role == Qt.ItemDataRole.TextAlignmentRole
            and self.COL_ROWS <= column <= self.COL_PROBLEMS
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, planned: PlannedFile, column: int) -> str:
        has_rows = planned.preview is not None
        if column == self.COL_FILE:
            return planned.name
        if column == self.COL_KIND:
            return source_label(planned.kind) if planned.kind else "—"
        if column == self.COL_STORE:
            if planned.resolved is not None and planned.resolved.store:
                return planned.resolved.store
            if planned.store and planned.store_pending:
                return planned.store + tr("（新建）")
            if planned.store and planned.question == "store":
                return planned.store + tr("（未知）")
            return planned.store or "—"
        if column == self.COL_MONTHS:
            return months_text(planned.months)
        if column == self.COL_ROWS:
            return str(planned.rows) if has_rows else "—"
        if column == self.COL_COUNTED:
            return str(planned.counted) if has_rows else "—"
        if column == self.COL_SKIPPED:
            return str(planned.skipped) if has_rows else "—"
        if column == self.COL_PROBLEMS:
            if not has_rows:
                return "—"
            if planned.warnings:
                return tr(
                    "{errors} 错 / {warnings} 警", errors=planned.errors, warnings=planned.warnings
                )
            return str(planned.errors)
        if column == self.COL_DUPLICATES:
            return duplicates_text(planned)
        return status_label(planned)


class ImportMonthViewModel(QObject):
    """State and commands of 导入本月数据 (see the module docstring)."""

    busy_changed = Signal(bool)
    progressed = Signal(int, int, str)  # done, total, note
    planned = Signal()  # every file read and decided: the summary
    committed = Signal()  # ``result`` holds what went in
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.model = MonthFilesModel(self)
        self.plan: MonthPlan | None = None
        self.result: MonthResult | None = None
        self.busy = False
        self.stage = "idle"  # idle | reading | summary | committing | result
        self._job: worker.Job | None = None

    # --- background work -------------------------------------------------------------------------

    def _start(self, work: Any, on_success: Any) -> None:
        self._set_busy(True)
        job = worker.start(work)
        self._job = job
        job.progressed.connect(self.on_job_progressed)
        job.succeeded.connect(on_success)
        job.failed.connect(self.on_job_failed)
        job.cancelled.connect(self.on_job_cancelled)

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

    @Slot(str)
    def on_job_failed(self, text: str) -> None:
        if self._current():
            self._set_busy(False)
            self.stage = "summary" if self.plan is not None else "idle"
            self.failed.emit(text)

    @Slot()
    def on_job_cancelled(self) -> None:
        if self._current():
            self._set_busy(False)
            self.stage = "summary" if self.plan is not None else "idle"
            self.cancelled.emit()

    def cancel(self) -> None:
        if self._job is not None and self._job.running:
            self._job.cancel()

    # --- reading ----------------------------------------------------------------------------------

    def read(self, paths: Sequence[Path]) -> None:
        """Read and decide every file of ``paths`` (files and folders) in the background."""
        if self.busy:
            return
        app = self.session_vm.app
        wanted = [Path(p) for p in paths]
        self.plan, self.result, self.stage = None, None, "reading"

        def work(progress: Progress) -> MonthPlan:
            return import_month.plan(app, wanted, progress=progress)

        self._start(work, self.on_planned)

    @Slot(object)
    def on_planned(self, plan: MonthPlan) -> None:
        if not self._current():
            return
        self._set_busy(False)
        self.plan = plan
        self.stage = "summary"
        self.model.set_files(plan.listed)
        self.planned.emit()

    def counts(self) -> dict[str, int]:
        plan = self.plan
        files = plan.listed if plan is not None else []
        return {
            "files": len(files),
            "ready": sum(1 for f in files if f.status == "ready" and f.resolved is None),
            "questions": sum(
                1 for f in files if f.status == "needs_decision" and f.resolved is None
            ),
            "refused": sum(1 for f in files if f.status == "refused"),
            "before": sum(1 for f in files if f.status == "already_imported"),
            "copies": len(plan.with_status("duplicate")) if plan is not None else 0,
            "resolved": sum(1 for f in files if f.resolved is not None),
            "ignored": len(plan.ignored) if plan is not None else 0,
        }

    @property
    def ready_count(self) -> int:
        return self.counts()["ready"]

    def summary_text(self) -> str:
        c = self.counts()
        parts = [tr("共 {files} 个文件：可以导入 {ready} 个", files=c["files"], ready=c["ready"])]
        if c["questions"]:
            parts.append(tr("需要确认 {n} 个").format(n=c["questions"]))
        if c["refused"]:
            parts.append(tr("无法导入 {n} 个").format(n=c["refused"]))
        if c["before"]:
            parts.append(tr("已导入过 {n} 个").format(n=c["before"]))
        if c["copies"]:
            parts.append(tr("重复下载 {n} 个（只导入一次）").format(n=c["copies"]))
        if c["resolved"]:
            parts.append(tr("已在向导中导入 {n} 个").format(n=c["resolved"]))
        if c["ignored"]:
            parts.append(tr("另有 {n} 个非表格文件未读取").format(n=c["ignored"]))
        text = listed(parts, "，") + ("." if current_language() == "en" else "。")
        if c["ready"]:
            text += tr("确认无误后点击“导入 {n} 个文件”。", n=c["ready"])
        return text

    def commit_label(self) -> str:
        return tr("导入 {n} 个文件", n=self.ready_count)

    def detail_text(self, row: int) -> str:
        """What Tidui decided about the file on ``row``, and the question or the reason."""
        planned = self.model.file_at(row)
        if planned is None:
            return ""
        lines = [f"{planned.name} — {status_label(planned)}"]
        if planned.message is not None:
            lines.append(planned.message.text())
        lines += [n.text() for n in planned.notes]
        if planned.resolved is not None:
            lines += [n.text() for n in planned.resolved.notes]
        return "\n".join(lines)

    def question_at(self, row: int) -> PlannedFile | None:
        """The file on ``row`` if it has a question the wizard can answer."""
        planned = self.model.file_at(row)
        if planned is None or planned.status != "needs_decision" or planned.resolved is not None:
            return None
        return planned if planned.file is not None else None

    def first_question(self) -> int:
        for row in range(len(self.model.files)):
            if self.question_at(row) is not None:
                return row
        return -1

    def resolved(self, row: int, results: Sequence[ImportResult]) -> None:
        """The wizard answered the question of ``row``'s file (and imported it, or not)."""
        planned = self.model.file_at(row)
        if planned is None or not results:
            return
        planned.resolved = results[-1]
        self.model.refresh_row(row)
        if results[-1].batch_id is not None:
            self.session_vm.notify_changed(ChangeArea.IMPORTS)
        self.planned.emit()

    # --- storing ------------------------------------------------------------------------------------

    def commit(self) -> None:
        """Store every ready file, each as its own batch, in the plan's order."""
        plan = self.plan
        if plan is None or self.busy:
            return
        if not plan.ready and not any(f.resolved for f in plan.files):
            return
        app = self.session_vm.app
        self.stage = "committing"

        def work(progress: Progress) -> MonthResult:
            return import_month.commit(app, plan, progress=progress)

        self._start(work, self.on_committed)

    @Slot(object)
    def on_committed(self, result: MonthResult) -> None:
        if not self._current():
            return
        self._set_busy(False)
        self.result = result
        self.stage = "result"
        if result.batch_ids:
            self.session_vm.notify_changed(ChangeArea.IMPORTS)
        self.committed.emit()

    # --- the result ---------------------------------------------------------------------------------

    def result_title(self) -> str:
        result = self.result
        if result is None:
            return ""
        imported = len(result.with_status("imported"))
        text = tr("已导入 {n} 个文件，每个文件一个批次，可在“导入记录”中分别撤销。", n=imported)
        if result.cancelled:
            text = tr("已取消：") + text
        return text

    def file_lines(self) -> list[tuple[str, str, str]]:
        """(status, file, what happened) per file."""
        result = self.result
        if result is None:
            return []
        found: list[tuple[str, str, str]] = []
        for outcome in result.outcomes:
            if outcome.planned.status == "duplicate":
                continue
            imported = outcome.result
            if imported is not None and imported.batch_id is not None:
                text = Message(
                    "imports.ui.imported",
                    {
                        "batch": imported.batch_id,
                        "rows": imported.rows,
                        "imported": imported.imported,
                        "skipped": imported.skipped,
                    },
                ).text()
                if imported.store:
                    text += " · " + imported.store
            else:
                text = outcome.message.text() if outcome.message else ""
            found.append((outcome.status, outcome.path.name, text))
        return found

    def store_lines(self) -> list[tuple[str, str, str]]:
        """(store, complete months, incomplete months) per store the import wrote to."""
        result = self.result
        if result is None:
            return []
        found = []
        for store in result.stores:
            incomplete = listed(
                tr("{month}（数据到 {day} 日）").format(month=m, day=d) if d else m
                for m, d in store.incomplete
            )
            found.append((store.store, months_text(list(store.complete)), incomplete))
        return found

    def readiness_lines(self) -> list[str]:
        result = self.result
        return [c.text() for c in result.readiness] if result is not None else []
