"""Where the keyboard can go inside a part of a window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QWidget


def tab_stops(container: QWidget) -> list[QWidget]:
    """The controls inside ``container`` that Tab visits, in Tab's order (shown and enabled)."""
    found: list[QWidget] = []
    widget = container.nextInFocusChain()
    for _ in range(2000):  # the chain is a ring through the whole window
        if widget is None or widget is container:
            break
        if (
            container.isAncestorOf(widget)
            and widget.isVisible()
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            found.append(widget)
        widget = widget.nextInFocusChain()
    return found


class TextBox(QPlainTextEdit):
    """A multi-line text field that Tab leaves for the next field, as it leaves every other one.

    Qt's own types a tab character instead, so a keyboard user who Tabs into a 备注 or a
    comment cannot get out again; Chinese notes never need tab characters.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setTabChangesFocus(True)
