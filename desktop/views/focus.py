"""Where the keyboard can go inside a part of a window, and showing where it is."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QPlainTextEdit, QWidget

FOCUS_COLOR = "#1565c0"
FRAME_WIDTH = 2


def frame_focus(widget: QWidget) -> None:
    """A blue frame round ``widget`` while it has the keyboard: for the ones that take it but
    draw no mark of their own (the ladder picture, whose arrows move the selection; a panel
    that scrolls with ↑ ↓ and Page Up/Down)."""
    _FocusFrame(widget)


class _FocusFrame(QWidget):
    """Drawn over its owner, and only while the owner has the keyboard. Not a style sheet:
    one on the 晋升评审 panel made Qt restyle each of its widgets, rebuilt at every switch
    (50 switches: 0.35 s and 170 MB more)."""

    def __init__(self, owner: QWidget) -> None:
        super().__init__(owner)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()
        owner.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        owner = self.parentWidget()
        kind = event.type()
        if watched is owner and owner is not None:
            if kind == QEvent.Type.FocusIn:
                self.setGeometry(owner.rect())
                self.raise_()
                self.show()
            elif kind == QEvent.Type.FocusOut:
                self.hide()
            elif kind == QEvent.Type.Resize:
                self.setGeometry(owner.rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(QPen(QColor(FOCUS_COLOR), FRAME_WIDTH))
        half = FRAME_WIDTH // 2
        painter.drawRect(self.rect().adjusted(half, half, -half, -half))


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
