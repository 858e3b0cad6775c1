"""导入记录: the list of import batches, undoing one (in the background), and the downloadable templates.

The list is read again whenever any data changes (an import from the wizard, an undo, a roster
import from the archive page), so it never shows a batch as it was.
"""

from __future__ import annotations

from datetime import UTC
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

from core.errors import TiduiError
from core.i18n import Message, current_language
from core.importers import templates as template_specs
from core.importers.sources import SOURCE_KINDS
from core.importers.templates import TEMPLATE_KINDS
from core.permissions import Perm
from core.progress import Progress
from core.services.imports import engine as imports
from core.services.imports import templates as import_templates
from core.services.imports.engine import BatchRow, UndoResult
from desktop.i18n import listed, tr
from desktop.viewmodels import worker
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel

AnyIndex = QModelIndex | QPersistentModelIndex
UNDONE_COLOR = QColor("#9e9e9e")


def source_label(kind: str) -> str:
    """The kind's name in the UI language (生意参谋店铺整体/交易概况 …)."""
    found = SOURCE_KINDS.get(kind)
    if found is None:
        return kind
    return found.name(current_language())


def months_text(months: tuple[str, ...] | list[str]) -> str:
    """ "2024-01 – 2024-06 (6)" for a run of months, the month itself for one, "—" for none."""
    if not months:
        return "—"
    if len(months) == 1:
        return months[0]
    return f"{months[0]} – {months[-1]} ({len(months)})"


def local_time(batch: BatchRow) -> str:
    moment = batch.created_at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


class BatchTableModel(QAbstractTableModel):
    """The batches, newest first; columns are the COL_* constants."""

    (
        COL_ID,
        COL_FILE,
        COL_SOURCE,
        COL_STORE,
        COL_USER,
        COL_TIME,
        COL_ROWS,
        COL_IMPORTED,
        COL_SKIPPED,
        COL_MONTHS,
        COL_STATE,
    ) = range(11)
    COLUMN_COUNT = 11
    BatchRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[BatchRow] = []

    def set_batches(self, rows: list[BatchRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def batch_at(self, row: int) -> BatchRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, batch_id: int) -> int:
        return next((i for i, b in enumerate(self._rows) if b.id == batch_id), -1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            tr("批次"),
            tr("文件"),
            tr("数据来源"),
            tr("店铺"),
            tr("导入人"),
            tr("导入时间"),
            tr("行数"),
            tr("已导入"),
            tr("已跳过"),
            tr("月份"),
            tr("状态"),
        )[section]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        batch = self.batch_at(index.row()) if index.isValid() else None
        if batch is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(batch, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COL_MONTHS and batch.months:
                return listed(batch.months)
            if column == self.COL_FILE:
                return batch.file_name
            if column in (self.COL_SOURCE, self.COL_STORE):  # the whole name where it is cut
                return self._text(batch, column)
            if column == self.COL_STATE and batch.undone:
                return tr("撤销人：") + (batch.undone_by or "")
        if role == Qt.ItemDataRole.ForegroundRole and batch.undone:
            return QBrush(UNDONE_COLOR)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            self.COL_ID,
            self.COL_ROWS,
            self.COL_IMPORTED,
            self.COL_SKIPPED,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.BatchRole:
            return batch
        return None

    def _text(self, batch: BatchRow, column: int) -> str:
        texts = {
            self.COL_ID: f"#{batch.id}",
            self.COL_FILE: batch.file_name,
            self.COL_SOURCE: source_label(batch.source),
            self.COL_STORE: batch.store or "—",
            self.COL_USER: batch.user_login,
            self.COL_TIME: local_time(batch),
            self.COL_ROWS: str(batch.rows),
            self.COL_IMPORTED: str(batch.imported),
            self.COL_SKIPPED: str(batch.skipped),
            self.COL_MONTHS: months_text(batch.months),
            self.COL_STATE: tr("已撤销") if batch.undone else tr("有效"),
        }
        return texts.get(column, "")


class ImportsViewModel(QObject):
    """State and commands of the 数据导入 page."""

    loaded = Signal()
    failed = Signal(str)  # a message for the user
    undo_started = Signal()
    undone = Signal(str)  # what was undone, for the status line
    template_saved = Signal(str)  # path written

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.model = BatchTableModel(self)
        self.busy = False
        self._job: worker.Job | None = None
        session_vm.data_changed.connect(self.on_session_data_changed)
        session_vm.actor_changed.connect(self.on_session_data_changed)

    def refresh(self) -> None:
        try:
            rows = imports.list_batches(self.session_vm.app)
        except TiduiError as err:
            self.model.set_batches([])
            self.failed.emit(err.text())
            return
        self.model.set_batches(rows)
        self.loaded.emit()

    @Slot(str)
    @Slot()
    def on_session_data_changed(self, area: str = "") -> None:
        del area  # a roster import from the archive page is a batch too
        if not self.session_vm.can(Perm.IMPORT_DATA):
            # someone who may not import logged in on the lock screen: this screen is being
            # replaced, and its list is not theirs to see (no 权限不足 box either)
            self.model.set_batches([])
            return
        self.refresh()

    # --- undo ----------------------------------------------------------------------------------

    def undo_question(self, batch: BatchRow) -> str:
        """What the confirmation dialog asks before undoing ``batch``."""
        return Message(
            "imports.ui.undo_question",
            {
                "batch": batch.id,
                "file": batch.file_name,
                "imported": batch.imported,
                "months": months_text(batch.months),
            },
        ).text()

    def undo(self, batch_id: int) -> None:
        """Undo in the background (100,000 orders take a moment); ``undone`` or ``failed`` follow."""
        if self.busy:
            return
        app = self.session_vm.app

        def work(progress: Progress) -> UndoResult:
            progress.step(0, 1)
            return imports.undo_import(app, batch_id)

        self.busy = True
        self.undo_started.emit()
        job = worker.start(work)
        self._job = job
        job.succeeded.connect(self.on_undo_succeeded)
        job.failed.connect(self.on_undo_failed)

    @Slot(object)
    def on_undo_succeeded(self, result: UndoResult) -> None:
        self.busy = False
        self.session_vm.notify_changed(ChangeArea.IMPORTS)  # refreshes this list too
        self.undone.emit(
            Message(
                "imports.ui.undone",
                {
                    "batch": result.batch_id,
                    "file": result.file_name,
                    "rows": result.rows,
                    "restored": result.restored,
                },
            ).text()
        )

    @Slot(str)
    def on_undo_failed(self, text: str) -> None:
        self.busy = False
        self.failed.emit(text)

    # --- templates -----------------------------------------------------------------------------

    def template_kinds(self) -> list[tuple[str, str]]:
        """(kind, title) of Tidui's own templates, for the 下载导入模板 menu."""
        english = current_language() == "en"
        return [
            (kind, spec.title_en if english else spec.title_zh)
            for kind in TEMPLATE_KINDS
            for spec in (template_specs.TEMPLATES[kind],)
        ]

    def template_file_name(self, kind: str) -> str:
        return template_specs.TEMPLATES[kind].file_name(current_language())

    def save_template(self, kind: str, path: Path) -> bool:
        """Write the empty template with the company's lists (ladder, hand-entered metrics)."""
        try:
            import_templates.write_company_template(
                self.session_vm.app, kind, path, current_language()
            )
        except (TiduiError, OSError) as err:
            self.failed.emit(err.text() if isinstance(err, TiduiError) else str(err))
            return False
        self.template_saved.emit(str(path))
        return True
