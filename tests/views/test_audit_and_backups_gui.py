"""设置 → 审计日志 (the owner sees who did what when, filters and exports it) and 设置 → 备份与校验
(backups listed with time, reason and size; 恢复 replaces the open file after a confirmation)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from core.services.admin import company as company_service
from core.services.admin import users
from core.session import AppSession
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.main_window import MainWindow
from tests.conftest import OWNER, OWNER_PASSWORD, as_role, make_company
from tests.views.conftest import shot

pytestmark = pytest.mark.gui


def _window(qtbot: QtBot, session_vm: SessionViewModel) -> MainWindow:
    window = MainWindow(session_vm)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.show_page("settings")
    return window


def _backup_tab(qtbot: QtBot, app: AppSession) -> tuple[MainWindow, Any]:
    """The main window on 设置 → 备份与校验."""
    from desktop.views.settings.page import SettingsPage

    window = _window(qtbot, SessionViewModel(app))
    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    page.tabs.setCurrentWidget(page.backup_tab)
    return window, page.backup_tab


def test_owner_reads_filters_and_exports_the_audit_log(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _ = make_company(tmp_path)
    hr = as_role(app, "hr1", "hr")
    company_service.update_info(app, "悦颜美妆有限公司", "CNY", "zh")
    window = _window(qtbot, SessionViewModel(app))
    from desktop.views.settings.page import SettingsPage

    page = window.page("settings")
    assert isinstance(page, SettingsPage) and page.audit_tab is not None
    page.tabs.setCurrentWidget(page.audit_tab)
    tab = page.audit_tab
    from core.services.admin.audit_text import setting_names
    from desktop.views.settings.audit_tab import AuditTab

    assert isinstance(tab, AuditTab)
    table = tab.vm.table
    actions = [table.rows[r].action for r in range(table.rowCount())]
    assert actions[0] == "company.update" and "user.add" in actions  # newest first
    what = table.index(0, 2)  # 操作 in words, its code under the mouse
    assert (
        what.data() == "修改公司信息" and what.data(Qt.ItemDataRole.ToolTipRole) == "company.update"
    )
    shot(window, "settings-audit-log")
    # 编号 is wide enough for a setting's name (it was 60 px: "接近达…")
    longest = max(tab.table.fontMetrics().horizontalAdvance(t) for t in setting_names())
    assert tab.table.columnWidth(4) >= longest + 12
    # who: only the owner's entries; what: only accounts
    tab.actor.setCurrentIndex(tab.actor.findData(OWNER))
    assert {r.actor for r in table.rows} == {OWNER}
    tab.entity.setCurrentIndex(tab.entity.findData("user"))
    assert {r.entity for r in table.rows} == {"user"}
    assert tab.entity.currentText() == "账号"
    # when: a range that ended yesterday shows nothing
    tab.use_dates.setChecked(True)
    tab.until.setDate(tab.until.date().addDays(-1))
    assert table.rowCount() == 0
    tab.until.setDate(tab.until.date().addDays(1))
    assert table.rowCount() >= 1
    # export what is shown, formula-safe
    target = tmp_path / "审计.xlsx"
    monkeypatch.setattr("desktop.views.settings.audit_tab.ask_save_xlsx", lambda *a: target)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    tab.export_button.click()
    sheet = load_workbook(target).active
    assert sheet is not None
    exported = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert exported and {row[1] for row in exported} == {OWNER}
    assert {row[3] for row in exported} == {"user"}
    # HR has no audit tab
    hr_page = SettingsPage(SessionViewModel(hr))
    qtbot.addWidget(hr_page)
    assert hr_page.audit_tab is None
    window.allow_close()
    app.close(backup=False)


def test_backups_are_listed_and_one_restores_over_the_open_file(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _ = make_company(tmp_path)
    session_vm = SessionViewModel(app)
    window = _window(qtbot, session_vm)
    from desktop.views.settings.page import SettingsPage

    page = window.page("settings")
    assert isinstance(page, SettingsPage)
    tab = page.backup_tab
    page.tabs.setCurrentWidget(tab)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    tab.backup_here_button.click()
    assert tab.vm.backups.rowCount() == 1
    model = tab.vm.backups
    assert model.index(0, 1).data() == "手动备份"
    assert model.index(0, 2).data().endswith("KB")
    made = str(model.index(0, 0).data())
    assert made.startswith(str(date.today().year)) or made.startswith(
        str((date.today() - timedelta(days=1)).year)
    )
    shot(window, "settings-backups")
    # a change after the backup, then 恢复此备份 brings the file back to the backup
    users.add_user(session_vm.app, "hr1", "小王", "hr", "hr-pass-123")
    tab.table.selectRow(0)
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *a: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (OWNER_PASSWORD, True))
    tab.on_restore_clicked()
    assert asked and "替换当前档案" in asked[0]
    restored = session_vm.app
    assert restored is not app
    assert [u.login for u in users.list_users(restored)] == [OWNER]
    from core.services.admin import maintenance

    assert maintenance.verify(restored).ok
    reasons = {row.reason for row in maintenance.list_backups(restored)}
    assert "before-restore" in reasons
    window.allow_close()
    restored.close(backup=False)


def test_a_wrong_password_restores_nothing(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _ = make_company(tmp_path)
    session_vm = SessionViewModel(app)
    window = _window(qtbot, session_vm)
    page = window.page("settings")
    tab = page.backup_tab  # type: ignore[attr-defined]
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    tab.backup_here_button.click()
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warned.append(text))
    assert not tab.vm.restore_over_current(tab.vm.backups.rows[0].path, "not-my-password")
    assert warned and session_vm.app is app
    window.allow_close()
    app.close(backup=False)


def test_verify_names_an_entry_written_in_the_owners_name_outside_tidui(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """备份与校验 → 校验: an entry added with the file key (chain and anchor made to match) is
    named as not signed by the owner, and the log-in already warned about it."""
    from core.services.admin import auth
    from tests.core.services.audit_support import forged, rewrite

    app, recovery = make_company(tmp_path)
    users.add_user(app, "hr1", "小王", "hr", "hr-pass-123")
    path = app.file.path
    app.close(backup=False)
    entry = forged(OWNER, "user.role", {"login": "hr1", "role": "owner"})
    rewrite(path, recovery, lambda rows: rows.append(entry))
    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    assert any("不是 boss 本人签署的" in w.text("zh") for w in app.warnings)
    window = _window(qtbot, SessionViewModel(app))
    tab = window.page("settings").backup_tab  # type: ignore[attr-defined]
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warned.append(text))
    tab.verify_button.click()
    assert len(warned) == 1
    assert "第 3 条审计记录" in warned[0] and "不是 boss 本人签署的" in warned[0], warned
    window.allow_close()
    app.close(backup=False)


def test_the_audit_log_says_which_entries_their_author_signed(qtbot: QtBot, tmp_path: Path) -> None:
    """An entry appended in the owner's name by someone holding only the file key shows as
    not signed by its author, in red; the genuine ones as signed by their author."""
    from core.services.admin import auth
    from desktop.views.settings.audit_tab import AuditTab
    from desktop.views.settings.page import SettingsPage
    from tests.core.services.audit_support import forged, rewrite

    app, recovery = make_company(tmp_path)
    users.add_user(app, "hr1", "小王", "hr", "hr-pass-123")
    path = app.file.path
    app.close(backup=False)
    entry = forged(OWNER, "user.role", {"login": "hr1", "role": "owner"})
    rewrite(
        path, recovery, lambda rows: rows.append(entry), sign=lambda row, d: row.get("signature")
    )
    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    window = _window(qtbot, SessionViewModel(app))
    page = window.page("settings")
    assert isinstance(page, SettingsPage) and isinstance(page.audit_tab, AuditTab)
    page.tabs.setCurrentWidget(page.audit_tab)
    table = page.audit_tab.vm.table
    column = [table.headerData(c, Qt.Orientation.Horizontal) for c in range(table.columnCount())]
    signed = column.index("签名")
    cells = {table.rows[r].action: table.index(r, signed).data() for r in range(table.rowCount())}
    assert cells["user.role"] == "⚠ 非本人签署"
    assert cells["user.add"] == "本人签署" and cells["company.create"] == "本人签署"
    forged_row = next(r for r in range(table.rowCount()) if table.rows[r].action == "user.role")
    assert "伪造" in table.index(forged_row, signed).data(Qt.ItemDataRole.ToolTipRole)
    shot(window, "settings-audit-signatures")
    window.allow_close()
    app.close(backup=False)


def test_the_audit_logs_content_reads_in_chinese_with_the_json_under_the_mouse(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """内容 said {"role": "supervisor", "login": "hr1"}: internal codes an HR assistant cannot read."""
    from desktop.views.settings.audit_tab import AuditTab
    from desktop.views.settings.page import SettingsPage

    app, _ = make_company(tmp_path)
    users.add_user(app, "hr1", "小王", "hr", "hr-pass-123")
    users.set_role(app, "hr1", "supervisor")
    window = _window(qtbot, SessionViewModel(app))
    page = window.page("settings")
    assert isinstance(page, SettingsPage) and isinstance(page.audit_tab, AuditTab)
    page.tabs.setCurrentWidget(page.audit_tab)
    view = page.audit_tab.table
    model = view.model()
    content = model.columnCount() - 1
    assert model.headerData(content, Qt.Orientation.Horizontal) == "内容"
    cells = {
        model.data(model.index(r, 2), Qt.ItemDataRole.ToolTipRole): model.index(r, content)
        for r in range(model.rowCount())
    }
    role = cells["user.role"]
    assert role.data() == "角色：人事 → 主管；登录名：hr1"
    tip = role.data(Qt.ItemDataRole.ToolTipRole)
    assert "角色：人事 → 主管" in tip and '{"role": "supervisor", "login": "hr1"}' in tip
    added = cells["user.add"].data()
    assert added.startswith("登录名：hr1；显示名称：小王；角色：人事") and "{" not in added
    assert view.columnWidth(content) > 300  # the stretched last column, not squeezed
    shot(window, "settings-audit-content")
    window.allow_close()
    app.close(backup=False)


def test_backup_columns_show_their_values_whole_before_and_after_a_backup(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty list used to squeeze 时间 原因 大小 into their headers' width."""
    app, _ = make_company(tmp_path)
    window, tab = _backup_tab(qtbot, app)
    table = tab.table
    metrics = table.fontMetrics()
    wanted = {0: "2026-12-06 21:23:35", 1: "关闭时自动备份", 2: "10.5 MB"}

    def fits() -> list[str]:
        return [
            text
            for column, text in wanted.items()
            if table.columnWidth(column) < metrics.horizontalAdvance(text) + 8
        ]

    assert tab.vm.backups.rowCount() == 0 and not fits()
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    tab.backup_here_button.click()
    assert tab.vm.backups.rowCount() == 1 and not fits()
    assert table.columnWidth(3) > 300  # the file name has the rest
    window.allow_close()
    app.close(backup=False)


def test_restore_as_a_new_file_adds_the_suffix_and_remembers_the_folder(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """恢复为新档案: the save dialog opens in 文档 (not the program's folder); a name typed
    without .tidui gets it; the next company-file dialog opens where this one went."""
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QFileDialog

    from desktop.views import files

    documents = tmp_path / "文档"
    documents.mkdir()
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda kind: str(documents))
    app, _ = make_company(tmp_path)
    window, tab = _backup_tab(qtbot, app)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    tab.backup_here_button.click()
    tab.table.selectRow(0)
    opened: list[str] = []
    target = tmp_path / "恢复" / "悦颜-恢复"
    target.parent.mkdir()

    def save(_parent: object, _title: str, folder: str, _filters: str) -> tuple[str, str]:
        opened.append(folder)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (OWNER_PASSWORD, True))
    tab.on_restore_new_clicked()
    assert opened == [str(documents)]
    assert (target.parent / "悦颜-恢复.tidui").is_file()
    assert files.start_folder(files.COMPANY) == target.parent
    window.allow_close()
    app.close(backup=False)


def test_the_audit_log_reads_new_entries_when_shown_again_keeping_filter_and_selection(
    qtbot: QtBot, demo_company: AppSession
) -> None:
    """A ladder edit or an employee saved elsewhere showed in 审计日志 only after 刷新: a change
    announced while the tab is hidden marks it stale and it is read again when it comes back into
    view (not before), one announced while in view is read at once; the filter and the selected
    entry stay as the user left them."""
    from dataclasses import replace

    from core.services.archive import employees
    from core.services.archive.employees import EmployeeInput
    from core.services.ladder.saving import load_design, save_design
    from desktop.viewmodels.session_vm import ChangeArea
    from desktop.views.settings.audit_tab import AuditTab
    from desktop.views.settings.page import SettingsPage

    session_vm = SessionViewModel(demo_company)
    window = _window(qtbot, session_vm)
    page = window.page("settings")
    assert isinstance(page, SettingsPage) and isinstance(page.audit_tab, AuditTab)
    tab = page.audit_tab
    page.tabs.setCurrentWidget(tab)
    table = tab.vm.table
    assert table.rowCount() > 0
    tab.table.selectRow(1)
    picked = table.rows[1].id
    # 晋升通道: a track renamed while the owner is on another page
    window.show_page("ladder")
    assert not tab.isVisible()
    design = load_design(demo_company)
    track = next(t for t in design.tracks if t.name == "店铺运营")
    save_design(demo_company, design.put_track(replace(track, name="店铺运营部")))
    session_vm.notify_changed(ChangeArea.LADDER)
    assert all("店铺运营部" not in str(r.after) for r in table.rows)  # hidden: nothing read yet
    window.show_page("settings")
    assert "店铺运营部" in str(table.rows[0].after), table.rows[0]
    assert not tab.vm.stale
    selected = tab.table.selectionModel().selectedRows()
    assert [table.rows[i.row()].id for i in selected] == [picked]
    assert tab.count.text() == f"共 {table.rowCount()} 条"
    # 员工档案: only employees shown; one added while the tab is in view appears at once, the
    # filter kept
    tab.entity.setCurrentIndex(tab.entity.findData("employee"))
    before = table.rowCount()
    employees.create_employee(
        demo_company, EmployeeInput(no="E900", name="新同事", hire_date=date(2024, 3, 1))
    )
    session_vm.notify_changed(ChangeArea.EMPLOYEES)
    assert table.rowCount() == before + 1 and tab.entity.currentData() == "employee"
    assert {r.entity for r in table.rows} == {"employee"}
    assert "新同事" in str(table.rows[0].after)
    # another tab of 设置 hides it too; coming back with nothing changed reads nothing again
    page.tabs.setCurrentIndex(0)
    assert not tab.isVisible() and not tab.vm.stale
    reads: list[int] = []
    tab.vm.changed.connect(lambda: reads.append(1))
    page.tabs.setCurrentWidget(tab)
    assert reads == []
    window.allow_close()
