"""What Tidui's read-only tables share."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView


def read_only(view: QAbstractItemView) -> None:
    """A table that is looked at, not typed in: no cell opens for editing, and Tab moves on to
    the next control of the window. (Qt's tables step from cell to cell on Tab, through every
    column of the selected row, with nothing seen to move: a keyboard user was stuck in them.)
    Arrow keys, Home/End and Page Up/Down still move through the rows."""
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
