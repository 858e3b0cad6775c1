"""One table model for read-only rows of one kind: the columns say what each shows.

A page's table is ``RecordTableModel(columns)`` fed with ``set_rows``; a ``Column`` has its header
(already translated), the cell's text and, where it matters, its colour. ``RowRole`` hands back the
row itself, so a view never re-derives a row from the cell texts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

Row = TypeVar("Row")
AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[Row]):
    header: str  # already translated
    text: Callable[[Row], str]
    colour: Callable[[Row], str | None] | None = None  # the text's colour, e.g. "#999999"
    tooltip: Callable[[Row], str] | None = None  # the hover text where it says more than the cell


class RecordTableModel(QAbstractTableModel, Generic[Row]):
    """Read-only rows of one kind with fixed columns; ``RowRole`` hands back the row itself."""

    RowRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, columns: Sequence[Column[Row]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # the title as a tooltip too: a column narrowed to fit the window ("Employee no." in
        # 52 px) still says what it is under the mouse
        shown = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
        if orientation == Qt.Orientation.Horizontal and role in shown:
            return self.columns[section].header if section < len(self.columns) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(row)
        if role == Qt.ItemDataRole.ForegroundRole and column.colour is not None:
            colour = column.colour(row)
            return QColor(colour) if colour else None
        if role == self.RowRole:
            return row
        return None

    def row_at(self, number: int) -> Row | None:
        return self.rows[number] if 0 <= number < len(self.rows) else None
