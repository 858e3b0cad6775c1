"""The dashboard 梯队健康度: every figure computed off the GUI thread, recomputed on every change.

The figures come from core.services.dashboard (one call, formulas documented there); this
viewmodel runs that call through worker.LatestJob whenever the page opens, the as-of month
changes or any data changes (SessionViewModel.data_changed), keeps the latest result and its
tables (one per chart, for the table views and 导出 Excel), and answers "who is behind this
number" for the click-through lists.
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

from core.errors import TiduiError
from core.i18n import Message
from core.progress import Progress
from core.services import dashboard as db
from desktop.i18n import listed, tr
from desktop.viewmodels import worker
from desktop.viewmodels.eligibility_vm import month_choices, run_alone
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel

AnyIndex = QModelIndex | QPersistentModelIndex

# What a click on a number lists: the people at the level, ready below it, nearly ready below it.
PEOPLE, READY, NEARLY = "people", "ready", "nearly"
TABLE_KEYS = ("pipeline", "nine_box", "flow", "cases", "business", "competency")


class FigureTableModel(QAbstractTableModel):
    """One chart's figures (a core ``dashboard.Table``) as a read-only table."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.table: db.Table | None = None

    def set_table(self, table: db.Table | None) -> None:
        self.beginResetModel()
        self.table = table
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.table is None:
            return 0
        return len(self.table.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.table is None:
            return 0
        return len(self.table.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            self.table is None
            or orientation != Qt.Orientation.Horizontal
            or role != Qt.ItemDataRole.DisplayRole
        ):
            return None
        return self.table.columns[section].text()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.table is None or not index.isValid():
            return None
        value = self.table.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return "—"
            if isinstance(value, float):
                return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
            return str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class DashboardViewModel(QObject):
    """State and commands of the dashboard page."""

    loading_changed = Signal(bool)
    loaded = Signal()  # a new result is in ``result`` and the table models
    failed = Signal(str)
    exported = Signal(str)  # path written

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.result: db.Dashboard | None = None
        self.as_of: str | None = None  # None: the last complete month with data
        self.models = {key: FigureTableModel(self) for key in TABLE_KEYS}
        self.tables: dict[str, db.Table] = {}
        self.runner = worker.LatestJob(self)
        self.runner.succeeded.connect(self.on_job_succeeded)
        self.runner.failed.connect(self.failed)
        self.runner.loading_changed.connect(self.loading_changed)
        session_vm.data_changed.connect(self.on_session_data_changed)
        session_vm.actor_changed.connect(self.on_session_data_changed)

    # --- computing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute in the background; a computation still running is cancelled and replaced."""
        app, as_of = self.session_vm.app, self.as_of

        def work(progress: Progress) -> tuple[db.Dashboard, dict[str, db.Table]]:
            found = db.dashboard(app, as_of, progress=progress)
            return found, db.tables(found)

        self.runner.start(run_alone(work))

    @property
    def loading(self) -> bool:
        return self.runner.loading

    @Slot(object)
    def on_job_succeeded(self, payload: tuple[db.Dashboard, dict[str, db.Table]]) -> None:
        self.result, self.tables = payload
        for key, model in self.models.items():
            model.set_table(self.tables.get(key))
        self.loaded.emit()

    def cancel(self) -> None:
        self.runner.cancel()

    @Slot(str)
    @Slot()
    def on_session_data_changed(self, area: str = "") -> None:
        del area  # any change may move a head-count, a successor or a score
        self.refresh()

    def set_as_of(self, month: str | None) -> None:
        if month != self.as_of:
            self.as_of = month
            self.refresh()

    def months(self) -> list[str]:
        """Months the as-of picker offers, newest first."""
        if self.result is None:
            return []
        return month_choices(self.result.latest_month, self.result.as_of)

    # --- who is behind a number ----------------------------------------------------------------

    def people(self, level_id: int, which: str) -> tuple[db.PersonRef, ...]:
        found = self.result.level(level_id) if self.result else None
        if found is None:
            return ()
        return {PEOPLE: found.people, READY: found.ready, NEARLY: found.nearly}.get(which, ())

    def people_title(self, level_id: int, which: str) -> str:
        found = self.result.level(level_id) if self.result else None
        if found is None:
            return ""
        if which == READY:
            return tr("{track}·{level}：下级已达标").format(track=found.track, level=found.level)
        if which == NEARLY:
            return tr("{track}·{level}：下级接近达标").format(track=found.track, level=found.level)
        return tr("{track}·{level}：在岗人员").format(track=found.track, level=found.level)

    def leavers(self) -> tuple[db.PersonRef, ...]:
        return self.result.flow.rolling.leavers if self.result else ()

    # --- settings ------------------------------------------------------------------------------

    def can_edit_settings(self) -> bool:
        from core.permissions import Perm

        return self.session_vm.can(Perm.EDIT_LADDER)

    def settings(self) -> db.Settings:
        return self.result.settings if self.result else db.Settings()

    def save_settings(self, bench_strength: float, low: float, high: float) -> bool:
        """Bench strength and 9-box cut-offs; every screen recomputes."""
        try:
            db.set_settings(self.session_vm.app, bench_strength, low, high)
        except TiduiError as err:
            self.failed.emit(err.text())
            return False
        self.session_vm.notify_changed(ChangeArea.DASHBOARD)
        return True

    # --- export --------------------------------------------------------------------------------

    def table_title(self, key: str) -> str:
        table = self.tables.get(key)
        return table.title.text() if table else ""

    def suggested_name(self, key: str) -> str:
        month = self.result.as_of if self.result else ""
        return f"{self.table_title(key)}_{month}.xlsx"

    def export(self, key: str, path: Path) -> bool:
        table = self.tables.get(key)
        if table is None:
            return False
        try:
            written = db.export_table(self.session_vm.app, table, path)
        except (TiduiError, OSError) as err:
            self.failed.emit(err.text() if isinstance(err, TiduiError) else str(err))
            return False
        self.exported.emit(str(written))
        return True


def save_pdf_bytes(vm: DashboardViewModel, data: bytes, path: Path) -> bool:
    """Write the rendered A4 page (the view paints it) atomically: a failed save never leaves
    half a PDF where the user's previous file was."""
    from core.storage.atomic import write_atomic

    path = Path(path)
    if path.suffix.lower() != ".pdf":
        path = path.with_suffix(".pdf")
    try:
        write_atomic(path, data)
    except OSError as err:
        vm.failed.emit(str(err))
        return False
    vm.exported.emit(str(path))
    return True


def message_text(message: Message | None) -> str:
    return message.text() if message is not None else ""


def names(people: Sequence[db.PersonRef], limit: int = 6) -> str:
    """ "孙悦、周杰 等8人" for a tooltip or a 9-box cell."""
    shown = listed(p.name for p in people[:limit])
    if len(people) > limit:
        return tr("{names} 等{count}人", names=shown, count=len(people))
    return shown
