"""Auto-lock: an idle Tidui covers every figure after the minutes set in 我的账号 (default 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from desktop.viewmodels import idle_vm
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.main_window import MainWindow
from tests.conftest import make_company
from tests.views.conftest import settings_window, shot

pytestmark = pytest.mark.gui


def test_an_idle_window_locks_itself_and_unlocking_watches_again(
    qtbot: QtBot, tmp_path: Path
) -> None:
    assert idle_vm.saved_minutes() == idle_vm.DEFAULT_MINUTES == 10
    QSettings().setValue("security/auto_lock_minutes", 0.004)  # a quarter of a second
    app, _ = make_company(tmp_path)
    window = MainWindow(SessionViewModel(app))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.lock_requested, timeout=5000):
        pass
    assert window.central.currentWidget() is window.locked_cover
    assert not window.menuBar().isEnabled() and not window.statusBar().isVisible()
    shot(window, "auto-locked")
    window.unlock_view()
    assert window.central.currentWidget() is window.body
    with qtbot.waitSignal(window.lock_requested, timeout=5000):
        pass  # idle again: locks again
    window.allow_close()
    app.close(backup=False)


def test_the_minutes_are_set_in_my_account_and_zero_never_locks(
    qtbot: QtBot, tmp_path: Path
) -> None:
    app, _ = make_company(tmp_path)
    window, page = settings_window(qtbot, app)
    spin = page.account_tab.auto_lock
    assert spin.value() == 10
    spin.setValue(0)
    assert idle_vm.saved_minutes() == 0 and spin.text() == "从不"
    window.idle_watcher.restart()
    qtbot.wait(300)
    assert window.central.currentWidget() is window.body
    window.allow_close()
    app.close(backup=False)
