"""设置 → 用户管理 → 停用: the file is re-keyed and the new recovery key is shown once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from core.services.admin import auth
from core.storage.company_file import open_with_recovery_key
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.main_window import MainWindow
from tests.conftest import make_company
from tests.views.conftest import shot

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
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
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
