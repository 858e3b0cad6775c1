"""设置: 公司信息, 用户管理 (owner only), 我的账号, 语言, 备份与校验."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.i18n import current_language, render
from core.permissions import Perm
from desktop.i18n import language_chosen, listed, save_language, saved_language, tr
from desktop.viewmodels import idle_vm
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.viewmodels.settings_vm import SettingsViewModel, reason_text
from desktop.viewmodels.table_model import RecordTableModel
from desktop.views import files, questions
from desktop.views.questions import DISCARD, SAVE, ask_save
from desktop.views.tables import read_only

if TYPE_CHECKING:  # these load lazily: the letter's preview brings in QtPdf
    from desktop.views.promotion.chain_settings import ChainTab
    from desktop.views.promotion.notice_settings import NoticeTab
    from desktop.views.reports.letter_template import LetterTemplateTab

ROLES = ("owner", "hr", "supervisor")


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class AddUserDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("添加用户"))
        self.login = QLineEdit()
        self.name = QLineEdit()
        self.role = QComboBox()
        for role in ROLES:
            self.role.addItem(render(f"role.{role}"), role)
        self.role.setCurrentIndex(1)
        self.employee = QLineEdit()
        self.employee.setPlaceholderText(tr("可选：关联的员工工号（主管必填，以便只看本团队）"))
        self.password = _password_edit()
        self.repeat = _password_edit()
        form = QFormLayout(self)
        form.addRow(tr("登录名"), self.login)
        form.addRow(tr("显示名"), self.name)
        form.addRow(tr("角色"), self.role)
        form.addRow(tr("员工工号"), self.employee)
        form.addRow(tr("初始密码"), self.password)
        form.addRow(tr("再次输入"), self.repeat)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class PasswordDialog(QDialog):
    def __init__(self, title: str, ask_old: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.old = _password_edit()
        self.new = _password_edit()
        self.repeat = _password_edit()
        form = QFormLayout(self)
        if ask_old:
            form.addRow(tr("当前密码"), self.old)
        form.addRow(tr("新密码"), self.new)
        form.addRow(tr("再次输入"), self.repeat)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class CompanyTab(QWidget):
    def __init__(self, vm: SettingsViewModel) -> None:
        super().__init__()
        self.vm = vm
        self.name = QLineEdit()
        self.currency = QComboBox()
        for code, label in (("CNY", "人民币 CNY ¥"), ("HKD", "港币 HKD"), ("USD", "美元 USD $")):
            self.currency.addItem(tr(label), code)
        self.language = QComboBox()
        self.language.addItem("中文", "zh")
        self.language.addItem("English", "en")
        self.logo = QLabel(tr("（无标志）"))
        self.logo.setFixedSize(160, 80)
        self.logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo.setStyleSheet("border: 1px dashed #aaa;")
        self.logo_path = ""
        self.clear_logo = False
        choose = QPushButton(tr("选择标志图片…"))
        choose.clicked.connect(self.on_choose_logo_clicked)
        remove = QPushButton(tr("移除标志"))
        remove.clicked.connect(self.on_remove_logo_clicked)
        self.save_button = QPushButton(tr("保存"))
        self.save_button.setFixedWidth(120)
        self.save_button.clicked.connect(self.on_save_clicked)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo)
        logo_row.addWidget(choose)
        logo_row.addWidget(remove)
        logo_row.addStretch(1)
        form = QFormLayout(self)
        form.addRow(tr("公司名称"), self.name)
        form.addRow(tr("币种"), self.currency)
        form.addRow(tr("默认语言"), self.language)
        form.addRow(tr("公司标志"), logo_row)
        # where the logo appears (core/reports/common.py puts it in every letterhead)
        self.logo_hint = QLabel(
            tr("标志保存在公司档案中，印在评估报告、晋升通知书、公示和进度单每一页的页眉上。")
        )
        self.logo_hint.setWordWrap(True)
        self.logo_hint.setStyleSheet("color: #616161;")
        form.addRow("", self.logo_hint)
        form.addRow("", self.save_button)
        editable = vm.can_edit_company
        for w in (self.name, self.currency, self.language, choose, remove, self.save_button):
            w.setEnabled(editable)
        self.load()

    def load(self) -> None:
        info = self.vm.company()
        self.name.setText(info.name)
        self.currency.setCurrentIndex(max(0, self.currency.findData(info.currency)))
        self.language.setCurrentIndex(max(0, self.language.findData(info.language)))
        self.logo_path, self.clear_logo = "", False
        if info.logo:
            pix = QPixmap()
            pix.loadFromData(info.logo)
            self.logo.setPixmap(pix.scaled(self.logo.size(), Qt.AspectRatioMode.KeepAspectRatio))
        else:
            self.logo.setText(tr("（无标志）"))

    @Slot()
    def on_choose_logo_clicked(self) -> None:
        path = files.open_file(
            self, tr("选择标志图片"), tr("图片 (*.png *.jpg *.jpeg)"), files.PICTURES
        )
        if path is not None:
            name = str(path)
            self.logo_path, self.clear_logo = name, False
            pix = QPixmap(name)
            self.logo.setPixmap(pix.scaled(self.logo.size(), Qt.AspectRatioMode.KeepAspectRatio))

    @Slot()
    def on_remove_logo_clicked(self) -> None:
        self.logo_path, self.clear_logo = "", True
        self.logo.setPixmap(QPixmap())
        self.logo.setText(tr("（无标志）"))

    @Slot()
    def on_save_clicked(self) -> None:
        if self.vm.save_company(
            self.name.text(),
            str(self.currency.currentData()),
            str(self.language.currentData()),
            self.logo_path,
            self.clear_logo,
        ):
            self.load()


class UsersTab(QWidget):
    def __init__(self, vm: SettingsViewModel) -> None:
        super().__init__()
        self.vm = vm
        self.table = QTableView()
        self.table.setModel(vm.users)
        read_only(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.add_button = QPushButton(tr("添加用户…"))
        self.reset_button = QPushButton(tr("重置密码…"))
        self.role_button = QPushButton(tr("修改角色…"))
        self.disable_button = QPushButton(tr("停用 / 启用"))
        self.add_button.clicked.connect(self.on_add_clicked)
        self.reset_button.clicked.connect(self.on_reset_clicked)
        self.role_button.clicked.connect(self.on_role_clicked)
        self.disable_button.clicked.connect(self.on_disable_clicked)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.reset_button, self.role_button, self.disable_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        note = QLabel(
            tr(
                "每个账号的密码都能解锁加密档案。停用账号会删除它的密钥槽，并给档案换一把新的密钥（旧的密钥文件副本和旧的恢复密钥随之作废）。"
            )
        )
        note.setStyleSheet("color: #777;")
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        vm.refresh_users()

    def _selected_login(self) -> str:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return ""
        return str(rows[0].data(RecordTableModel.RowRole).login)

    @Slot()
    def on_add_clicked(self) -> None:
        dialog = AddUserDialog(self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            if self.vm.add_user(
                dialog.login.text(),
                dialog.name.text(),
                str(dialog.role.currentData()),
                dialog.password.text(),
                dialog.repeat.text(),
                dialog.employee.text().strip(),
            ):
                return

    @Slot()
    def on_reset_clicked(self) -> None:
        login = self._selected_login()
        if not login:
            return
        dialog = PasswordDialog(tr("为 {login} 重置密码").format(login=login), False, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            if self.vm.reset_password(login, dialog.new.text(), dialog.repeat.text()):
                return

    @Slot()
    def on_role_clicked(self) -> None:
        login = self._selected_login()
        if not login:
            return
        labels = [render(f"role.{r}") for r in ROLES]
        label, ok = QInputDialog.getItem(self, tr("修改角色"), login, labels, 1, False)
        if ok:
            self.vm.set_role(login, ROLES[labels.index(label)])

    @Slot()
    def on_disable_clicked(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        row = self.vm.users.row_at(rows[0].row())
        if row is None:
            return
        if not row.disabled:
            agreed = questions.ask(
                self,
                tr("停用用户"),
                tr("停用 {login}？此账号将无法再打开档案。").format(login=row.login)
                + "\n"
                + tr("档案会换用新的密钥，旧的恢复密钥随之作废；之后会显示新的恢复密钥。"),
            )
            if agreed and self.vm.set_disabled(row.login, True):
                from desktop.views.settings.recovery_key_dialog import RecoveryKeyDialog

                if self.vm.new_recovery_key:
                    RecoveryKeyDialog(self.vm, self.vm.new_recovery_key, self).exec()
            return
        dialog = PasswordDialog(tr("启用 {login}：设置新密码").format(login=row.login), False, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            if dialog.new.text() != dialog.repeat.text():
                QMessageBox.warning(self, tr("启用用户"), render("password.mismatch"))
                continue
            if self.vm.set_disabled(row.login, False, dialog.new.text()):
                return


class AccountTab(QWidget):
    def __init__(self, vm: SettingsViewModel) -> None:
        super().__init__()
        self.vm = vm
        actor = vm.session_vm.app.actor
        self.old = _password_edit()
        self.new = _password_edit()
        self.repeat = _password_edit()
        self.save_button = QPushButton(tr("修改密码"))
        self.save_button.clicked.connect(self.on_save_clicked)
        form = QFormLayout(self)
        form.addRow(tr("登录名"), QLabel(actor.login))
        form.addRow(tr("角色"), QLabel(render(f"role.{actor.role}")))
        form.addRow(tr("当前密码"), self.old)
        form.addRow(tr("新密码"), self.new)
        form.addRow(tr("再次输入"), self.repeat)
        form.addRow("", self.save_button)
        # Enter moves on to the next field, and in the last one changes the password
        self.old.returnPressed.connect(self.new.setFocus)
        self.new.returnPressed.connect(self.repeat.setFocus)
        self.repeat.returnPressed.connect(self.on_save_clicked)
        # a setting of this PC: the open file locks itself after so many idle minutes
        self.auto_lock = QSpinBox()
        self.auto_lock.setRange(0, 240)
        self.auto_lock.setSuffix(tr(" 分钟"))
        self.auto_lock.setSpecialValueText(tr("从不"))
        self.auto_lock.setValue(int(idle_vm.saved_minutes()))
        self.auto_lock.valueChanged.connect(idle_vm.save_minutes)
        form.addRow(tr("空闲自动锁定"), self.auto_lock)

    @Slot()
    def on_save_clicked(self) -> None:
        if self.vm.change_own_password(self.old.text(), self.new.text(), self.repeat.text()):
            for edit in (self.old, self.new, self.repeat):
                edit.clear()


class LanguageTab(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.zh = QRadioButton("中文（简体）")
        self.en = QRadioButton("English")
        self.group = QButtonGroup(self)
        self.group.addButton(self.zh)
        self.group.addButton(self.en)
        # until someone picks one, the language shown is the company file's default
        shown = saved_language() if language_chosen() else current_language()
        (self.en if shown == "en" else self.zh).setChecked(True)
        self.note = QLabel(tr("界面语言在重新启动 Tidui 后生效。"))
        self.note.setStyleSheet("color: #777;")
        self.zh.toggled.connect(self.on_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(self.zh)
        layout.addWidget(self.en)
        layout.addWidget(self.note)
        layout.addStretch(1)

    @Slot()
    def on_changed(self) -> None:
        save_language("zh" if self.zh.isChecked() else "en")


class BackupTab(QWidget):
    def __init__(self, vm: SettingsViewModel) -> None:
        super().__init__()
        self.vm = vm
        self.backup_here_button = QPushButton(tr("立即备份"))
        self.backup_here_button.clicked.connect(self.on_backup_here_clicked)
        self.backup_button = QPushButton(tr("立即备份到…"))
        self.backup_button.clicked.connect(self.on_backup_clicked)
        self.verify_button = QPushButton(tr("校验档案完整性与审计日志"))
        self.verify_button.clicked.connect(self.on_verify_clicked)
        self.restore_button = QPushButton(tr("恢复此备份…"))
        self.restore_button.clicked.connect(self.on_restore_clicked)
        self.restore_new_button = QPushButton(tr("恢复为新档案…"))
        self.restore_new_button.clicked.connect(self.on_restore_new_clicked)
        self.last = QLabel()
        self.last.setWordWrap(True)
        text = QLabel(
            tr(
                "关闭档案时会自动备份（保留最近 7 天、4 周、12 个月各一份），数据迁移和恢复前也会先备份。备份文件仍然是加密的，包含数据文件、密钥文件和审计日志锚点。"
            )
        )
        text.setWordWrap(True)
        self.folder = QLabel()
        self.folder.setWordWrap(True)
        self.folder.setStyleSheet("color: #616161;")
        self.table = QTableView()
        self.table.setModel(vm.backups)
        read_only(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # as wide as what each column shows, before there is a backup too (fitted to an empty
        # table, 时间 原因 大小 were squeezed into their headers' width)
        metrics = self.table.fontMetrics()
        samples = (
            ["2026-12-31 23:59:59"],
            [reason_text(r) for r in ("close", "manual", "before-restore", "before-migration-v1")],
            ["999.9 MB"],
        )
        for column, texts in enumerate(samples):
            header.resizeSection(column, max(map(metrics.horizontalAdvance, texts)) + 16)
        self.table.setMinimumHeight(180)
        top = QHBoxLayout()
        for button in (self.backup_here_button, self.backup_button, self.verify_button):
            top.addWidget(button)
        top.addStretch(1)
        restore_row = QHBoxLayout()
        restore_row.addWidget(self.restore_button)
        restore_row.addWidget(self.restore_new_button)
        restore_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(top)
        layout.addWidget(self.last)
        layout.addWidget(self.folder)
        layout.addWidget(self.table, 1)
        layout.addLayout(restore_row)
        self.refresh()

    def refresh(self) -> None:
        self.vm.refresh_backups()
        has = self.vm.backups.rowCount() > 0
        folder = tr("备份文件夹：{folder}").format(folder=self.vm.backup_folder())
        self.folder.setText(folder if has else folder + "\n" + tr("这里还没有备份。"))
        self.restore_button.setEnabled(has and self.vm.can_restore)
        self.restore_new_button.setEnabled(has and self.vm.can_restore)
        self.restore_button.setVisible(self.vm.can_restore)
        self.restore_new_button.setVisible(self.vm.can_restore)
        if has and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def _selected(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows()
        row = self.vm.backups.row_at(rows[0].row()) if rows else None
        return row.path if row is not None else None

    def _ask_password(self, title: str) -> str | None:
        password, ok = QInputDialog.getText(
            self, title, tr("请输入您的密码以确认："), QLineEdit.EchoMode.Password
        )
        return password if ok else None

    @Slot()
    def on_backup_here_clicked(self) -> None:
        made = self.vm.backup_now()
        if made:
            self.last.setText(render("backup.done", {"file": made}))
        self.refresh()

    @Slot()
    def on_backup_clicked(self) -> None:
        folder = files.choose_folder(self, tr("选择备份文件夹"), files.BACKUPS)
        if folder is not None:
            made = self.vm.backup_now(str(folder))
            if made:
                self.last.setText(render("backup.done", {"file": made}))

    @Slot()
    def on_verify_clicked(self) -> None:
        self.vm.verify()

    @Slot()
    def on_restore_clicked(self) -> None:
        backup = self._selected()
        if backup is None:
            return
        if not questions.ask(
            self,
            tr("恢复备份"),
            tr("用备份 {name} 替换当前档案？").format(name=backup.name)
            + "\n\n"
            + tr("当前档案会先另存一份备份；恢复后档案重新打开，备份之后的改动不在其中。"),
        ):
            return
        password = self._ask_password(tr("恢复备份"))
        if password is not None:
            self.vm.restore_over_current(backup, password)

    @Slot()
    def on_restore_new_clicked(self) -> None:
        backup = self._selected()
        if backup is None:
            return
        target = files.save_file(
            self, tr("恢复为新档案"), "", tr("Tidui 公司档案 (*.tidui)"), files.COMPANY, ".tidui"
        )
        if target is None:
            return
        password = self._ask_password(tr("恢复为新档案"))
        if password is not None and self.vm.restore_to_new(backup, target, password):
            self.refresh()


def _narrow(widget: QWidget, width: int = 720) -> QWidget:
    """Forms read badly when stretched over a wide window; keep them at a comfortable width."""
    holder = QWidget()
    layout = QHBoxLayout(holder)
    widget.setMaximumWidth(width)
    layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    layout.addStretch(1)
    return holder


def _tab_page(tabs: QTabWidget, inner: QWidget) -> QWidget:
    """The tab that holds ``inner`` (some tabs wrap their page in a narrowing frame)."""
    for index in range(tabs.count()):
        page = tabs.widget(index)
        if page is not None and (page is inner or page.isAncestorOf(inner)):
            return page
    return inner


class SettingsPage(QWidget):
    def __init__(self, session_vm: SessionViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = SettingsViewModel(session_vm, self)
        self.tabs = QTabWidget()
        self.company_tab = CompanyTab(self.vm)
        self.tabs.addTab(_narrow(self.company_tab), tr("公司信息"))
        self.users_tab: UsersTab | None = None
        if self.vm.can_manage_users:
            self.users_tab = UsersTab(self.vm)
            self.tabs.addTab(self.users_tab, tr("用户管理"))
        self.letter_tab: LetterTemplateTab | None = None
        self.notice_tab: NoticeTab | None = None
        if session_vm.can(Perm.PRINT_REPORTS):  # 文书模板: the letter's text, previewed live
            from desktop.viewmodels.reports_vm import LetterTemplateViewModel
            from desktop.views.reports.letter_template import LetterTemplateTab

            self.letter_tab = LetterTemplateTab(LetterTemplateViewModel(session_vm, self))
            self.tabs.addTab(self.letter_tab, tr("文书模板"))
        self.account_tab = AccountTab(self.vm)
        self.tabs.addTab(_narrow(self.account_tab, 520), tr("我的账号"))
        self.language_tab = LanguageTab()
        self.tabs.addTab(self.language_tab, tr("语言"))
        self.backup_tab = BackupTab(self.vm)
        self.tabs.addTab(self.backup_tab, tr("备份与校验"))
        self.audit_tab: QWidget | None = None
        if session_vm.can(Perm.VIEW_AUDIT):  # 审计日志: who did what when (owner)
            from desktop.viewmodels.audit_vm import AuditViewModel
            from desktop.views.settings.audit_tab import AuditTab

            self.audit_tab = AuditTab(AuditViewModel(session_vm, self))
            self.tabs.addTab(self.audit_tab, tr("审计日志"))
        self.chain_tab: ChainTab | None = None
        if session_vm.can(Perm.EDIT_COMPANY):  # 审批流程: desktop/views/promotion/
            from desktop.views.promotion.chain_settings import ChainTab

            self.chain_tab = ChainTab(session_vm)
            self.tabs.addTab(_narrow(self.chain_tab, 560), tr("审批流程"))
            from desktop.views.promotion.notice_settings import NoticeTab

            self.notice_tab = NoticeTab(session_vm)
            self.tabs.addTab(_narrow(self.notice_tab, 640), tr("公示模板"))
        title = QLabel(tr("设置"))
        title.setStyleSheet("font-size: 18px; font-weight: bold;")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)
        self.vm.error_raised.connect(self.on_error)
        self.vm.info.connect(self.on_info)
        # Ctrl+S presses the shown tab's 保存, as on 员工档案 and 晋升通道; like theirs it acts
        # only with the keyboard in this screen, so the three never meet in one window
        self.save_action = QAction(tr("保存"), self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_action.triggered.connect(self.on_save_shortcut)
        self.addAction(self.save_action)

    def save_button(self) -> QPushButton | None:
        """The 保存 of the shown tab (公司信息, 文书模板, 审批流程, 公示模板); None on a tab
        without one (我的账号's 修改密码 is no save; 语言 and 空闲自动锁定 keep what is chosen)."""
        saves: list[tuple[QWidget, QPushButton]] = [
            (self.company_tab, self.company_tab.save_button)
        ]
        for tab in (self.letter_tab, self.chain_tab, self.notice_tab):
            if tab is not None:
                saves.append((tab, tab.save_button))
        shown = self.tabs.currentWidget()
        return next((b for tab, b in saves if _tab_page(self.tabs, tab) is shown), None)

    @Slot()
    def on_save_shortcut(self) -> None:
        """Ctrl+S: the shown tab's 保存, pressed where it can be seen (its own feedback follows:
        公司信息已保存, 已保存, or the refusal); nothing where it is hidden or disabled."""
        button = self.save_button()
        if button is not None and button.isVisibleTo(self) and button.isEnabled():
            button.animateClick()

    def confirm_leave(self) -> bool:
        """Before locking or closing: the 文书模板 and 公示模板 texts typed and not saved are not
        lost unasked (the GUI audit's Ctrl+L threw a typed letter away)."""
        tabs: list[tuple[str, LetterTemplateTab | NoticeTab]] = []
        if self.letter_tab is not None:
            tabs.append((tr("文书模板"), self.letter_tab))
        if self.notice_tab is not None:
            tabs.append((tr("公示模板"), self.notice_tab))
        pending = [(name, tab) for name, tab in tabs if tab.unsaved()]
        if not pending:
            return True
        names = listed(name for name, _ in pending)
        answer = ask_save(self, tr("设置"), tr("{names}有未保存的修改。").format(names=names))
        if answer == SAVE:
            for _name, tab in pending:
                if not tab.save_now():
                    self.tabs.setCurrentWidget(_tab_page(self.tabs, tab))
                    return False
            return True
        if answer == DISCARD:
            for _name, tab in pending:
                tab.discard()
            return True
        return False

    @Slot(str)
    def on_error(self, text: str) -> None:
        QMessageBox.warning(self, tr("设置"), text)

    @Slot(str)
    def on_info(self, text: str) -> None:
        QMessageBox.information(self, tr("设置"), text)
