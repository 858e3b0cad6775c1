"""GUI test set-up: isolated QSettings, the bundled font, Chinese UI, a screenshot folder; the
demo company logged in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
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
    yield
    i18n.install("zh")
    from desktop.viewmodels import worker

    worker.wait_all()
    _let_go_of_modifiers()


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
