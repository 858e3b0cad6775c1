"""The 员工档案 list: a lazy table model over the employees the actor may see, with search, filters and sort.

All rows are plain ``EmployeeRow`` values loaded in one query; searching, filtering and sorting
run over that list in Python (a few milliseconds for 5,000 people), and the view is fed in
batches through ``canFetchMore``/``fetchMore`` so that only what is scrolled to is ever formatted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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

from core.domain import pinyin
from core.i18n import current_language
from core.services.archive import employees as emps
from core.services.archive.employees import EmployeeRow
from desktop.i18n import tr
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel

AnyIndex = QModelIndex | QPersistentModelIndex

STATUS_ALL, STATUS_ACTIVE, STATUS_DEPARTED = "all", "active", "departed"


def _date(value: Any) -> str:
    return value.isoformat() if value is not None else ""


class EmployeeTableModel(QAbstractTableModel):
    """Rows of the employee list; columns are the COL_* constants."""

    (
        COL_NO,
        COL_NAME,
        COL_TRACK,
        COL_LEVEL,
        COL_DEPARTMENT,
        COL_SUPERVISOR,
        COL_HIRED,
        COL_STATUS,
    ) = range(8)
    COLUMN_COUNT = 8
    EmployeeIdRole = Qt.ItemDataRole.UserRole + 1
    SortKeyRole = Qt.ItemDataRole.UserRole + 2
    BATCH = 200

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[EmployeeRow] = []
        self._view: list[EmployeeRow] = []
        self._loaded = 0
        self._search = ""
        self._track_id: int | None = None
        self._level_id: int | None = None
        self._supervisor_id: int | None = None
        self._status = STATUS_ACTIVE
        self._sort_column = self.COL_NO
        self._sort_order = Qt.SortOrder.AscendingOrder
        # columns other features add with add_column (e.g. readiness badges): (header, fn(row))
        self.extra_columns: list[tuple[str, Callable[[EmployeeRow], str]]] = []
        # how an extra column sorts, by its header (default: filled cells first, by their text)
        self.extra_sort_keys: dict[str, Callable[[EmployeeRow], Any]] = {}

    # --- data in -------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[EmployeeRow]) -> None:
        self.beginResetModel()
        self._all = list(rows)
        self._rebuild()
        self.endResetModel()

    def set_search(self, text: str) -> None:
        self._search = text.strip().lower()
        self._reset_view()

    def set_filters(
        self,
        *,
        track_id: int | None = None,
        level_id: int | None = None,
        supervisor_id: int | None = None,
        status: str = STATUS_ACTIVE,
    ) -> None:
        self._track_id, self._level_id = track_id, level_id
        self._supervisor_id, self._status = supervisor_id, status
        self._reset_view()

    def _reset_view(self) -> None:
        self.beginResetModel()
        self._rebuild()
        self.endResetModel()

    def _matches(self, row: EmployeeRow) -> bool:
        if self._status == STATUS_ACTIVE and not row.active:
            return False
        if self._status == STATUS_DEPARTED and row.active:
            return False
        if self._track_id is not None and row.track_id != self._track_id:
            return False
        if self._level_id is not None and row.level_id != self._level_id:
            return False
        if self._supervisor_id is not None and row.supervisor_id != self._supervisor_id:
            return False
        return pinyin.finds(self._search, row.no, row.name)

    def _key(self, column: int) -> Callable[[EmployeeRow], Any]:
        keys: dict[int, Callable[[EmployeeRow], Any]] = {
            self.COL_NO: lambda r: r.no,
            self.COL_NAME: lambda r: (pinyin.spelled(r.name), r.name),
            self.COL_TRACK: lambda r: r.track,
            self.COL_LEVEL: lambda r: (r.level_rank, r.level),
            self.COL_DEPARTMENT: lambda r: r.department,
            self.COL_SUPERVISOR: lambda r: r.supervisor,
            self.COL_HIRED: lambda r: _date(r.hire_date),
            self.COL_STATUS: lambda r: (not r.active, _date(r.leave_date)),
        }
        extra = column - self.COLUMN_COUNT
        if 0 <= extra < len(self.extra_columns):
            header, text_of = self.extra_columns[extra]
            by_text: Callable[[EmployeeRow], Any] = lambda r: (not text_of(r), text_of(r), r.no)  # noqa: E731
            return self.extra_sort_keys.get(header, by_text)
        return keys.get(column, lambda r: r.no)

    def _rebuild(self) -> None:
        found = [r for r in self._all if self._matches(r)]
        found.sort(
            key=self._key(self._sort_column),
            reverse=self._sort_order == Qt.SortOrder.DescendingOrder,
        )
        self._view = found
        self._loaded = min(self.BATCH, len(found))

    # --- columns other features add -------------------------------------------------------------

    def add_column(
        self,
        header: str,
        text: Callable[[EmployeeRow], str],
        sort_key: Callable[[EmployeeRow], Any] | None = None,
    ) -> int:
        """A column after the archive's own (``header`` is Chinese source text, shown through
        tr()); sorted by ``sort_key``, else filled cells first by their text. Returns its number."""
        column = self.columnCount()
        self.beginInsertColumns(QModelIndex(), column, column)
        self.extra_columns.append((header, text))
        if sort_key is not None:
            self.extra_sort_keys[header] = sort_key
        self.endInsertColumns()
        return column

    def column_changed(self, column: int) -> None:
        """The texts of an added column changed (e.g. the badges finished computing)."""
        rows = self.rowCount()
        if rows:
            self.dataChanged.emit(self.index(0, column), self.index(rows - 1, column))

    # --- Qt model ------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._loaded

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMN_COUNT + len(self.extra_columns)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._loaded < len(self._view)

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        more = min(self.BATCH, len(self._view) - self._loaded)
        if more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._loaded, self._loaded + more - 1)
        self._loaded += more
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        shown = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)  # cut titles: hover
        if orientation != Qt.Orientation.Horizontal or role not in shown:
            return None
        # the short English titles of a list that shares the window with the form
        headers = (
            tr("工号", "column"), tr("姓名"), tr("通道"), tr("职级"), tr("部门", "column"),
            tr("直属上级"), tr("入职日期", "column"), tr("状态"),
        )  # fmt: skip
        if section < len(headers):
            return headers[section]
        extra = section - len(headers)
        return tr(self.extra_columns[extra][0]) if extra < len(self.extra_columns) else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._loaded:
            return None
        row = self._view[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == self.EmployeeIdRole:
            return row.id
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return QBrush(QColor("#888888"))
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_NAME and row.initials:
            return pinyin.spelled(row.name)  # what to type to find them
        if role == Qt.ItemDataRole.ToolTipRole and column >= self.COLUMN_COUNT:
            return self.display(row, column) or None  # extra columns may be cut off
        return None

    def display(self, row: EmployeeRow, column: int) -> str:
        if column == self.COL_NO:
            return row.no
        if column == self.COL_NAME:
            return row.name
        if column == self.COL_TRACK:
            return row.track
        if column == self.COL_LEVEL:
            return row.level
        if column == self.COL_DEPARTMENT:
            return row.department
        if column == self.COL_SUPERVISOR:
            return row.supervisor
        if column == self.COL_HIRED:
            return _date(row.hire_date)
        if column == self.COL_STATUS:
            return tr("在职") if row.active else tr("离职")
        extra = column - self.COLUMN_COUNT
        if 0 <= extra < len(self.extra_columns):
            return self.extra_columns[extra][1](row)
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        self._rebuild()
        self.layoutChanged.emit()

    # --- helpers for the page ------------------------------------------------------------------

    @property
    def matching(self) -> int:
        """How many rows match the search and filters (loaded or not yet)."""
        return len(self._view)

    @property
    def total(self) -> int:
        return len(self._all)

    def matching_ids(self) -> list[int]:
        """The ids of every row matching the search and filters, in the list's order."""
        return [row.id for row in self._view]

    def row_at(self, row: int) -> EmployeeRow | None:
        return self._view[row] if 0 <= row < self._loaded else None

    def row_of(self, employee_id: int) -> int:
        """The row showing ``employee_id`` (fetching batches up to it), or -1."""
        for position, row in enumerate(self._view):
            if row.id == employee_id:
                while self._loaded <= position:
                    self.fetchMore()
                return position
        return -1


class EmployeeListViewModel(QObject):
    """The list's state: loads rows for the actor, re-loads whenever employees or the ladder change."""

    rows_loaded = Signal(int)  # how many employees the actor may see

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.model = EmployeeTableModel(self)
        session_vm.data_changed.connect(self.on_session_data_changed)
        session_vm.actor_changed.connect(self.refresh)

    @Slot()
    def refresh(self) -> None:
        self.model.set_rows(emps.list_employees(self.session_vm.app))
        self.rows_loaded.emit(self.model.total)

    @Slot(str)
    def on_session_data_changed(self, area: str) -> None:
        if area in (ChangeArea.EMPLOYEES, ChangeArea.LADDER, ChangeArea.IMPORTS):
            self.refresh()

    def track_choices(self) -> list[emps.TrackChoice]:
        return emps.ladder_choices(self.session_vm.app)

    # --- files (run by the page through the worker; nothing here touches a widget) -------------

    def export_roster(self, path: Path, employee_ids: Sequence[int] | None = None) -> int:
        """员工花名册 .xlsx of ``employee_ids`` (None: everyone the actor may see)."""
        from core.services.archive import personal_export

        return personal_export.export_roster(self.session_vm.app, path, employee_ids)

    def export_person(self, employee_id: int, path: Path) -> object:
        """One employee's whole archive as .xlsx (+ attachments zip)."""
        from core.services.archive import personal_export

        return personal_export.export_personal_archive(self.session_vm.app, employee_id, path)

    def save_template(self, kind: str, path: Path) -> None:
        """An empty import template with the company's lists (tracks, levels, metrics)."""
        from core.services.imports import templates as import_templates

        import_templates.write_company_template(self.session_vm.app, kind, path, current_language())

    @staticmethod
    def template_kinds() -> list[tuple[str, str, str]]:
        """(kind, Chinese title, default file name) of Tidui's own import templates."""
        from core.importers.templates import TEMPLATES

        return [(kind, spec.title_zh, spec.file_name()) for kind, spec in TEMPLATES.items()]

    def supervisor_choices(self) -> list[emps.PersonChoice]:
        """People who are someone's supervisor, for the 直属上级 filter."""
        bosses = {
            r.supervisor_id for r in emps.list_employees(self.session_vm.app) if r.supervisor_id
        }
        return [p for p in emps.supervisor_choices(self.session_vm.app) if p.id in bosses]
