"""Where the keyboard can go inside a part of a window, and showing where it is."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QColor, QKeyEvent, QKeySequence, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

FOCUS_COLOR = "#1565c0"
FRAME_WIDTH = 2


def redo_also_on_ctrl_y(action: QAction) -> None:
    """A 重做 action answers Ctrl+Y as well as its own key: the office PCs run Windows, where
    Ctrl+Y is redo, and Qt's Redo elsewhere is Ctrl+Shift+Z only (the GUI audit pressed it)."""
    keys = [k for k in action.shortcuts() if not k.isEmpty()]
    ctrl_y = QKeySequence("Ctrl+Y")
    if ctrl_y not in keys:
        action.setShortcuts([*keys, ctrl_y])


def _is_ctrl_y(event: QKeyEvent) -> bool:
    return event.key() == Qt.Key.Key_Y and event.modifiers() == Qt.KeyboardModifier.ControlModifier


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


def form_undo_wins(form: QWidget, *, own_first: bool = False) -> None:
    """Ctrl+Z and the redo key in a field of ``form`` are the page's 撤销 and 重做.

    Qt's fields keep those keys for their own history, even when it is empty: after picking a
    直属上级 or stepping a number, Ctrl+Z did nothing, though 撤销 showed a step to take back.
    A form whose every keystroke is already a step of the page (the 员工档案 form merges typing
    in one field into one step) has one history, so the page always wins. With ``own_first``
    (forms that take a field's text when it is left) a field first takes back its own typing,
    and the page's step comes once the field has nothing left of its own.

    Call it again after adding fields to the form: the fields it already watches are left as
    they are (Qt installs one filter once)."""
    keeper = form.findChild(_PageUndo, options=Qt.FindChildOption.FindDirectChildrenOnly)
    if keeper is None:
        keeper = _PageUndo(form, own_first)
    for kind in (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit):
        for field in form.findChildren(kind):
            field.installEventFilter(keeper)


class _PageUndo(QObject):
    def __init__(self, parent: QObject, own_first: bool) -> None:
        super().__init__(parent)
        self.own_first = own_first

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        if event.matches(QKeySequence.StandardKey.Undo):
            undo = True
        elif event.matches(QKeySequence.StandardKey.Redo) or _is_ctrl_y(event):
            undo = False
        else:
            return False
        if self.own_first and _has_own(watched, undo):
            return False
        event.ignore()  # not the field's key: the window's shortcut (the page's action) runs
        return True


def _has_own(field: QObject, undo: bool) -> bool:
    """Whether the text field has typing of its own to undo (or redo)."""
    if isinstance(field, QPlainTextEdit):
        document = field.document()
        return document.isUndoAvailable() if undo else document.isRedoAvailable()
    if isinstance(field, QComboBox):
        line = field.lineEdit()
    elif isinstance(field, QAbstractSpinBox):
        line = field.findChild(QLineEdit)
    else:
        line = field if isinstance(field, QLineEdit) else None
    if line is None:
        return False
    return line.isUndoAvailable() if undo else line.isRedoAvailable()
