"""Tab through the tables that are read, not typed in: every page of the demo company.

Qt's tables step from cell to cell on Tab, through every column of the selected row while the
row stays highlighted: a keyboard user pressed Tab and nothing seemed to happen. A read-only
table takes one Tab to leave (desktop/views/tables.py); tables edited in place (the ladder's
criteria, the score grid, the import wizard's mapping) keep Tab for their cells.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsView,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QScrollArea,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from core.session import AppSession
from desktop.viewmodels import worker
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.focus import FOCUS_COLOR, TextBox
from desktop.views.main_window import MainWindow

pytestmark = pytest.mark.gui


EDITED_IN_PLACE = {"MetricCatalogueModel"}


def _settle(qtbot: QtBot) -> None:
    worker.wait_all()
    qtbot.wait(100)
    worker.wait_all()
    QApplication.processEvents()


def _editable(table: QTableView) -> bool:
    """Whether any cell of the table can be typed in (the metric catalogue: only its custom
    metrics' rows)."""
    model = table.model()
    if model is None:
        return False
    return any(
        bool(model.flags(model.index(row, column)) & Qt.ItemFlag.ItemIsEditable)
        for row in range(min(model.rowCount(), 2000))
        for column in range(model.columnCount())
    )


def _shown_window(qtbot: QtBot, app: AppSession) -> MainWindow:
    """The main window on ``app``, shown and active (the keyboard goes to it)."""
    window = MainWindow(SessionViewModel(app))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


def _tables(page: QWidget) -> list[QTableView]:
    return [t for t in page.findChildren(QTableView) if t.model() and t.model().rowCount() > 0]


def test_one_tab_leaves_every_read_only_table(qtbot: QtBot, demo_company: AppSession) -> None:
    window = _shown_window(qtbot, demo_company)
    checked: list[str] = []
    stuck: list[str] = []
    for row, spec in enumerate(window.specs):
        window.sidebar.setCurrentRow(row)
        _settle(qtbot)
        for table in _tables(window.pages[spec.key]):
            name = f"{spec.key}: {type(table.model()).__name__}"
            # typed in like a sheet (the metric catalogue: its custom metrics, none in the
            # demo): Tab goes to the next cell
            if _editable(table) or type(table.model()).__name__ in EDITED_IN_PLACE:
                if not table.tabKeyNavigation():
                    stuck.append(f"{name} (edited in place, Tab should move between cells)")
                continue
            if table.tabKeyNavigation():
                stuck.append(name)
            if not table.isVisible():
                continue
            table.setCurrentIndex(table.model().index(0, 0, QModelIndex()))
            table.setFocus()
            qtbot.waitUntil(table.hasFocus)
            qtbot.keyClick(table, Qt.Key.Key_Tab)
            qtbot.waitUntil(lambda table=table: not table.hasFocus())  # type: ignore[misc]
            assert table.currentIndex().column() == 0, name  # focus moved, not the cell
            checked.append(name)
    assert not stuck, stuck
    # the lists a user goes through by keyboard every day were among those tried
    pages = {name.split(":")[0] for name in checked}
    assert {"employees", "eligibility", "imports"} <= pages, checked


def test_tab_leaves_every_multi_line_field(qtbot: QtBot, demo_company: AppSession) -> None:
    """备注, 说明, comments and statements: Tab goes on to the next field instead of typing a
    tab character and keeping the keyboard. Checked on every screen's fields, and in the
    source for the dialogs opened later (each builds its text boxes as a TextBox)."""
    window = _shown_window(qtbot, demo_company)
    found = []
    for row, spec in enumerate(window.specs):
        window.sidebar.setCurrentRow(row)
        _settle(qtbot)
        for box in window.pages[spec.key].findChildren(QPlainTextEdit):
            if not box.isReadOnly():
                found.append(box)
                assert box.tabChangesFocus(), f"{spec.key}: {type(box.parent()).__name__}"
    assert found  # the 员工档案 备注 at least
    notes = window.pages["employees"].basic.notes  # type: ignore[attr-defined]
    window.sidebar.setCurrentRow(
        next(i for i, s in enumerate(window.specs) if s.key == "employees")
    )
    _settle(qtbot)
    notes.setFocus()
    qtbot.waitUntil(notes.hasFocus)
    qtbot.keyClick(notes, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not notes.hasFocus())
    assert "\t" not in notes.toPlainText()
    views = Path(__file__).resolve().parents[2] / "desktop" / "views"
    built = [
        str(f.relative_to(views))
        for f in views.rglob("*.py")
        if "QPlainTextEdit(" in f.read_text(encoding="utf-8") and f.name != "focus.py"
    ]
    assert not built, f"build text boxes as {TextBox.__name__}: {built}"


def test_a_panel_tab_stops_on_shows_it_has_the_keyboard(
    qtbot: QtBot, demo_company: AppSession
) -> None:
    """Tab through every screen: a scrolling panel or picture the keyboard lands on (to scroll
    it, or to move the ladder's selection) wears a blue frame, where it showed nothing."""
    window = _shown_window(qtbot, demo_company)
    framed: list[str] = []
    for row, spec in enumerate(window.specs):
        window.sidebar.setCurrentRow(row)
        _settle(qtbot)
        page = window.pages[spec.key]
        widget = QApplication.focusWidget()
        for _ in range(25):
            if widget is None:
                break
            qtbot.keyClick(widget, Qt.Key.Key_Tab)
            widget = QApplication.focusWidget()
            if widget is None or not page.isAncestorOf(widget):
                break
            if isinstance(widget, QScrollArea | QGraphicsView):
                edge = widget.grab().toImage().pixelColor(widget.width() // 2, 0)
                assert edge.name() == FOCUS_COLOR, f"{spec.key}: {type(widget).__name__}"
                framed.append(spec.key)
    assert {"dashboard", "ladder", "eligibility", "review"} <= set(framed), framed


def test_the_sidebar_shows_when_it_has_the_keyboard(qtbot: QtBot, demo_company: AppSession) -> None:
    """The chosen screen's item wears a yellow bar while ↑ ↓ move on the sidebar, and none
    while the keyboard is in the screen: before, both looked the same."""
    window = _shown_window(qtbot, demo_company)
    sidebar = window.sidebar
    item = sidebar.visualItemRect(sidebar.currentItem())

    def edge() -> str:
        return sidebar.viewport().grab().toImage().pixelColor(1, item.center().y()).name()

    window.focus_page()
    _settle(qtbot)
    assert not sidebar.hasFocus()
    unfocused = edge()
    sidebar.setFocus()
    qtbot.waitUntil(sidebar.hasFocus)
    assert edge() == "#ffd54f" != unfocused


def test_no_screen_takes_a_key_the_window_uses(qtbot: QtBot, demo_company: AppSession) -> None:
    """A screen's shortcut equal to one of the window's (Ctrl+L locks, Ctrl+W closes, Ctrl+1…9
    choose a screen) would do nothing at all: Qt calls the pair ambiguous and runs neither."""
    window = _shown_window(qtbot, demo_company)
    native = QKeySequence.SequenceFormat.PortableText
    menus = [a for menu in window.menuBar().findChildren(QMenu) for a in menu.actions()]
    taken = {
        a.shortcut().toString(native)
        for a in [*window.actions(), *menus]
        if not a.shortcut().isEmpty()
    }
    assert {"Ctrl+L", "Ctrl+W", "Ctrl+1"} <= taken
    clashes = [
        f"{key}: {action.shortcut().toString(native)} {action.text()}"
        for key, page in window.pages.items()
        for action in page.findChildren(QAction)
        if action.shortcut().toString(native) in taken
    ]
    assert not clashes, clashes


def test_a_screen_chosen_by_keyboard_takes_the_keyboard(
    qtbot: QtBot, demo_company: AppSession
) -> None:
    """Ctrl+3 then Ctrl+N: a new employee. The focus stayed on the sidebar, where the screen's
    own shortcuts (新建 Ctrl+N, 保存 Ctrl+S) did nothing; ↑/↓ on the sidebar keep it there."""
    window = _shown_window(qtbot, demo_company)
    window.sidebar.setFocus()
    qtbot.waitUntil(window.sidebar.hasFocus)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = window.pages["employees"]
    _settle(qtbot)
    focused = QApplication.focusWidget()
    assert focused is not None and page.isAncestorOf(focused)
    assert focused is page.search  # type: ignore[attr-defined]  # type to find someone
    assert not page.form_vm.is_new  # type: ignore[attr-defined]
    qtbot.keyClick(focused, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.form_vm.is_new  # type: ignore[attr-defined]
    # the sidebar by arrow keys: the focus stays on it, screen after screen
    window.sidebar.setFocus()
    qtbot.waitUntil(window.sidebar.hasFocus)
    row = window.sidebar.currentRow()
    qtbot.keyClick(window.sidebar, Qt.Key.Key_Down)
    assert window.sidebar.currentRow() == row + 1 and window.sidebar.hasFocus()


def _click_sidebar(qtbot: QtBot, window: MainWindow, key: str) -> None:
    row = next(r for r, spec in enumerate(window.specs) if spec.key == key)
    rect = window.sidebar.visualItemRect(window.sidebar.item(row))
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    _settle(qtbot)


def test_coming_back_to_a_screen_puts_the_keyboard_where_it_was(
    qtbot: QtBot, demo_company: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In an employee's form, a click on 达标名单 in the sidebar, then on 员工档案: the keyboard
    is back in the field it was in, not in the search box (Qt's own stack does this only when
    the focus was inside the screen left; a first visit still starts in the search box)."""
    window = _shown_window(qtbot, demo_company)
    _click_sidebar(qtbot, window, "employees")
    page = window.pages["employees"]
    monkeypatch.setattr(page, "ask_unsaved", lambda: "discard")  # never a modal box at the end
    assert QApplication.focusWidget() is page.search  # type: ignore[attr-defined]
    fields = [
        w
        for w in page.basic.findChildren(QLineEdit)  # type: ignore[attr-defined]
        if w.isVisible() and w.isEnabled() and not w.isReadOnly()
    ]
    field = fields[1]
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(field.hasFocus)
    field.setCursorPosition(2)
    text = field.text()

    _click_sidebar(qtbot, window, "eligibility")
    elsewhere = QApplication.focusWidget()
    assert elsewhere is not None and not page.isAncestorOf(elsewhere)
    _click_sidebar(qtbot, window, "employees")
    assert QApplication.focusWidget() is field
    # the cursor where it was and nothing selected: the next key types, it does not replace
    assert not field.hasSelectedText() and field.cursorPosition() == 2
    qtbot.keyClick(field, Qt.Key.Key_9)
    assert field.text() == text[:2] + "9" + text[2:]
