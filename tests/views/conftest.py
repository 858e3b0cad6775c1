"""GUI test set-up: isolated QSettings, the bundled font, Chinese UI, a screenshot folder; the
demo company logged in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings
from PySide6.QtWidgets import QApplication, QWidget

from core.session import AppSession

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-screenshots"


@pytest.fixture(autouse=True)
def gui_environment(qapp: QApplication, tmp_path: Path) -> Iterator[None]:
    QCoreApplication.setOrganizationName("TiduiTests")
    QCoreApplication.setApplicationName("TiduiTests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )
    from desktop import i18n
    from desktop.fonts import install_app_font

    install_app_font(qapp)
    i18n.install("zh")
    strays = _StrayWindows()
    qapp.installEventFilter(strays)
    try:
        yield
    finally:
        qapp.removeEventFilter(strays)
    i18n.install("zh")
    from desktop.viewmodels import worker

    worker.wait_all()
    _let_go_of_modifiers()
    assert not strays.found, f"shown as windows of their own, then put in one: {strays.found}"


def _desktop_line() -> str:
    """Where in desktop/ the widget was shown (for the failure's message)."""
    import traceback

    lines = [
        f"{frame.filename.rsplit('desktop/', 1)[-1]}:{frame.lineno}"
        for frame in traceback.extract_stack()
        if "/desktop/" in frame.filename
    ]
    return f"desktop/{lines[-1]}" if lines else "outside desktop/"


class _StrayWindows(QObject):
    """Finds a widget shown before it had a parent and put into a window afterwards. For that
    moment it was a window of its own and took the keyboard: KPI's charts, made on each
    person's load, swallowed the letters typed next in the employee search."""

    MARK = "_tidui_shown_as_window"

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.Show, QEvent.Type.ParentChange) and isinstance(watched, QWidget):
            if kind == QEvent.Type.Show and watched.parent() is None:
                watched.setProperty(self.MARK, _desktop_line())
            elif (
                kind == QEvent.Type.ParentChange
                and watched.property(self.MARK)
                and not watched.isWindow()
            ):
                self.found.append(
                    f"{type(watched).__name__} shown at {watched.property(self.MARK)}"
                )
                watched.setProperty(self.MARK, None)
        return False


def _let_go_of_modifiers() -> None:
    """QTest's Ctrl+Z leaves Qt believing Ctrl is still down (its release carries the modifier):
    the next test's ``selectRow`` in an extended-selection list then added to the selection
    instead of replacing it. A plain key release puts the keyboard back as a user leaves it."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest

    if QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier:
        return
    target = QWidget()
    QTest.keyRelease(target, Qt.Key.Key_Control, Qt.KeyboardModifier.NoModifier)
    target.deleteLater()


def window_at_1366(qtbot: Any, app: AppSession) -> Any:
    """The real main window on ``app``, 1366×768 (the office laptop), shown and active."""
    from desktop.viewmodels.session_vm import SessionViewModel
    from desktop.views.main_window import MainWindow

    window = MainWindow(SessionViewModel(app))
    qtbot.addWidget(window)
    window.show()
    window.showNormal()
    window.resize(1366, 768)
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def settings_window(qtbot: Any, app: AppSession) -> tuple[Any, Any]:
    """The main window on ``app`` showing its 设置 page: (window, SettingsPage)."""
    from desktop.viewmodels.session_vm import SessionViewModel
    from desktop.views.main_window import MainWindow
    from desktop.views.settings.page import SettingsPage

    window = MainWindow(SessionViewModel(app))
    qtbot.addWidget(window)
    window.show()
    window.show_page("settings")
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    return window, page


def shot(widget: QWidget, name: str) -> Path:
    """Save a screenshot for a human to look at (test-screenshots/, not committed)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    widget.grab().save(str(path))
    print(f"screenshot: {path}")
    return path


@pytest.fixture
def demo_company(fresh_demo: Callable[..., Path]) -> Iterator[AppSession]:
    """This test's copy of the demo company (its cases included), logged in as the owner."""
    from core.services.admin import auth
    from desktop.viewmodels import worker

    app = auth.log_in(fresh_demo(), "demo", "tidui-demo")
    yield app
    worker.cancel_all()
    worker.wait_all()
    app.close(backup=False)


def scripted_questions(monkeypatch: Any, answers: list[Any]) -> list[str]:
    """Answer the next ``QMessageBox.question`` calls with ``answers`` in turn (Yes / No), and
    return the list their texts are written to: a modal question would stop the test."""
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked
