"""设置 → 用户管理 → 停用: the file is re-keyed and the new recovery key is shown once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from core.services.admin import auth
from core.storage.company_file import open_with_recovery_key
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.main_window import MainWindow
from tests.conftest import make_company
from tests.views.conftest import settings_window, shot

pytestmark = pytest.mark.gui


def test_disabling_a_user_shows_the_new_recovery_key_once(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, first_key = make_company(tmp_path)
    session_vm = SessionViewModel(app)
    window = MainWindow(session_vm)
    qtbot.addWidget(window)
    window.show()
    window.show_page("settings")
    page = window.page("settings")
    from desktop.views.settings import recovery_key_dialog
    from desktop.views.settings.page import SettingsPage

    assert isinstance(page, SettingsPage) and page.users_tab is not None
    assert page.vm.add_user("hr1", "小王", "hr", "hr-pass-123", "hr-pass-123")
    page.tabs.setCurrentIndex(1)
    tab = page.users_tab
    tab.table.selectRow(1)
    defaults: list[object] = []

    def question(*args: object) -> QMessageBox.StandardButton:
        defaults.append(args[-1])  # the button Enter presses
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    shown: list[recovery_key_dialog.RecoveryKeyDialog] = []

    def exec_(dialog: recovery_key_dialog.RecoveryKeyDialog) -> int:
        shown.append(dialog)
        dialog.show()
        shot(dialog, "settings-new-recovery-key")
        dialog.reject()  # Esc before ticking the box: stays open
        assert dialog.isVisible()
        dialog.saved.setChecked(True)
        dialog.done_button.click()
        return 1

    monkeypatch.setattr(recovery_key_dialog.RecoveryKeyDialog, "exec", exec_)
    tab.on_disable_clicked()
    assert defaults == [QMessageBox.StandardButton.No]  # an Enter too soon disables nobody
    assert len(shown) == 1
    new_key = page.vm.new_recovery_key
    assert new_key and new_key != first_key
    assert shown[0].key.text().replace("\n", "") == new_key
    assert page.vm.recovery_sheet_pdf().startswith(b"%PDF")
    window.allow_close()
    app.close(backup=False)
    open_with_recovery_key(app.file.path, new_key).close()
    with pytest.raises(auth.UnknownUser):
        auth.log_in(app.file.path, "hr1", "hr-pass-123")


def test_my_password_changes_with_enter_and_a_wrong_current_one_is_named(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from tests.conftest import OWNER_PASSWORD

    app, _key = make_company(tmp_path)
    window, page = settings_window(qtbot, app)
    errors: list[str] = []
    page.vm.error_raised.connect(errors.append)
    page.vm.error_raised.disconnect(page.on_error)
    told: list[str] = []
    page.vm.info.connect(told.append)
    page.vm.info.disconnect(page.on_info)  # no modal box in a test
    tab = page.account_tab
    for edit, text in ((tab.old, "not-my-pass"), (tab.new, "new-pass-456"), (tab.repeat, "")):
        edit.setText(text)
    qtbot.keyClick(tab.old, Qt.Key.Key_Return)  # Enter moves on, field by field
    assert tab.new.hasFocus() or not window.isActiveWindow()
    tab.repeat.setText("new-pass-456")
    qtbot.keyClick(tab.repeat, Qt.Key.Key_Return)  # and in the last one changes the password
    assert errors == ["当前密码不正确。"]  # not "用户名或密码不正确": who is logged in is known
    tab.old.setText(OWNER_PASSWORD)
    qtbot.keyClick(tab.repeat, Qt.Key.Key_Return)
    assert errors == ["当前密码不正确。"] and tab.old.text() == ""  # changed, the fields cleared
    assert told and "密码已修改" in told[0]
    window.allow_close()
    app.close(backup=False)
