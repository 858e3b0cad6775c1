"""What Tidui's read-only tables share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


def read_only(view: QAbstractItemView) -> None:
    """A table that is looked at, not typed in: no cell opens for editing, and Tab moves on to
    the next control of the window. (Qt's tables step from cell to cell on Tab, through every
    column of the selected row, with nothing seen to move: a keyboard user was stuck in them.)
    Arrow keys, Home/End and Page Up/Down still move through the rows."""
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)


def size_columns(
    view: QTableView,
    widths: Mapping[int, int],
    *,
    cells: Mapping[int, Iterable[str]] | None = None,
    padding: int = 24,
) -> None:
    """Columns the user may resize, each set to its width for the Chinese titles, but never
    narrower than its title in the language shown (English ones are often wider: "Employee no."
    for 工号 read "mployee nc"), nor than the ``cells`` texts listed for it (a column of a
    few known words such as 在职 / 离职). ``padding`` leaves room for the margins and the sort
    arrow. The last column stretches."""
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    title_width = header.fontMetrics().horizontalAdvance
    cell_width = view.fontMetrics().horizontalAdvance
    model = view.model()
    for column, width in widths.items():
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        needed = [title_width(title) + padding]
        needed += [cell_width(text) + 12 for text in (cells or {}).get(column, ())]
        header.resizeSection(column, max(width, *needed))
    header.setStretchLastSection(True)
