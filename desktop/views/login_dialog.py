"""Log-in (or unlock after 锁定): login + password, three tries; recovery with the recovery key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.viewmodels.login_vm import LoginViewModel
from desktop.views.visibility import hidden_unless

if TYPE_CHECKING:
    from core.session import AppSession


class LoginDialog(QDialog):
    def __init__(self, vm: LoginViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.app: AppSession | None = None
        self.locked_out = False
        unlocking = vm.current is not None
        self.unlocking = unlocking
        self.setWindowTitle(tr("已锁定 — 请重新登录") if unlocking else tr("登录公司档案"))
        self.setMinimumWidth(460)

        self.file_label = QLabel(
            f"<b>{vm.path.stem}</b><br><span style='color:#777'>{vm.path}</span>"
        )
        self.file_label.setWordWrap(True)

        # -- log-in form --
        self.login = QComboBox()
        self.login.setEditable(True)
        self.login.addItems(vm.logins())
        self.login.setCurrentText(vm.default_login())
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(tr("密码"))
        self.recover_link = QPushButton(tr("忘记密码？用恢复密钥打开…"))
        self.recover_link.setFlat(True)
        # A push button in a dialog is "auto default": once it had focus, Enter in the password
        # field pressed it and opened the recovery page. Only 登录 is the default.
        self.recover_link.setAutoDefault(False)
        self.recover_link.setStyleSheet("color: #1f4e79; text-align: left;")
        self.recover_link.clicked.connect(self.on_recover_link_clicked)
        hidden_unless(not unlocking, self.recover_link)
        login_page = QWidget()
        form = QFormLayout(login_page)
        form.addRow(tr("登录名"), self.login)
        form.addRow(tr("密码"), self.password)
        form.addRow("", self.recover_link)

        # -- recovery form --
        self.recovery_key = QLineEdit()
        self.recovery_key.setPlaceholderText("xxxxxxxx-xxxxxxxx-…")
        self.owner_login = QLineEdit()
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_repeat = QLineEdit()
        self.new_repeat.setEchoMode(QLineEdit.EchoMode.Password)
        recovery_page = QWidget()
        rform = QFormLayout(recovery_page)
        rform.addRow(QLabel(tr("输入打印的恢复密钥，为老板账号设置新密码。")))
        rform.addRow(tr("恢复密钥"), self.recovery_key)
        rform.addRow(tr("老板登录名"), self.owner_login)
        rform.addRow(tr("新密码"), self.new_password)
        rform.addRow(tr("再次输入"), self.new_repeat)

        self.pages = QStackedWidget()
        self.pages.addWidget(login_page)
        self.pages.addWidget(recovery_page)

        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(tr("登录"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(
            tr("关闭档案") if unlocking else tr("取消"), QDialogButtonBox.ButtonRole.RejectRole
        )
        for button in (self.ok_button, self.cancel_button):
            button.setAutoDefault(False)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.on_ok_clicked)
        self.buttons.rejected.connect(self.on_cancel_clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(self.file_label)
        layout.addWidget(self.pages)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        vm.logged_in.connect(self.on_logged_in)
        vm.failed.connect(self.on_failed)
        vm.locked_out.connect(self.on_locked_out)
        vm.busy_changed.connect(self.on_busy_changed)
        vm.note_changed.connect(self.on_note_changed)

        problem = vm.problem_before_login()
        self.problem = problem or ""
        self.login_blocked = bool(problem)
        self.recovery_blocked = bool(problem) and not vm.recovery_possible
        if problem:
            self.error.setText(problem)
            self.ok_button.setEnabled(False)
            self.password.setEnabled(False)
        self.recover_link.setEnabled(not self.recovery_blocked)
        if self.login.currentText():
            self.password.setFocus()

    @Slot()
    def on_recover_link_clicked(self) -> None:
        self.pages.setCurrentIndex(1)
        self.ok_button.setText(tr("恢复并登录"))
        self.ok_button.setEnabled(self._ok_allowed())
        self.ok_button.setDefault(True)
        self.error.clear()
        self.recovery_key.setFocus()

    def show_login_form(self) -> None:
        self.pages.setCurrentIndex(0)
        self.ok_button.setText(tr("登录"))
        self.ok_button.setEnabled(self._ok_allowed())
        self.ok_button.setDefault(True)
        self.error.setText(self.problem)
        self.password.setFocus()

    @Slot()
    def on_cancel_clicked(self) -> None:
        """取消 on the recovery page goes back to the log-in form; on the form it closes."""
        if self.pages.currentIndex() == 1:
            self.show_login_form()
            return
        self.reject()

    def reject(self) -> None:
        # While unlocking (or upgrading an older file) Esc waits: closed then, the log-in
        # finished behind the dialog and left the file open and locked with nobody using it.
        if self.vm.busy:
            return
        # Esc on the recovery page is 取消 there too; a lock-out always closes.
        if self.pages.currentIndex() == 1 and not self.locked_out:
            self.show_login_form()
            return
        super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # On the lock screen Esc is not 关闭档案: a reflex press on coming back to the PC closed
        # the file. It empties the password instead; closing the file is the button's.
        if self.unlocking and event.key() == Qt.Key.Key_Escape and not self.vm.busy:
            self.password.clear()
            self.password.setFocus()
            event.accept()
            return
        super().keyPressEvent(event)

    def _ok_allowed(self) -> bool:
        return not (self.recovery_blocked if self.pages.currentIndex() == 1 else self.login_blocked)

    @Slot()
    def on_ok_clicked(self) -> None:
        self.error.clear()
        if self.pages.currentIndex() == 1:
            if self.new_password.text() != self.new_repeat.text():
                from core.i18n import render

                self.error.setText(render("password.mismatch"))
                return
            self.vm.recover(
                self.recovery_key.text(), self.owner_login.text(), self.new_password.text()
            )
            return
        self.vm.log_in(self.login.currentText(), self.password.text())

    @Slot(bool)
    def on_busy_changed(self, busy: bool) -> None:
        self.ok_button.setEnabled(not busy and self._ok_allowed())
        self.cancel_button.setEnabled(not busy)
        if busy:
            self._show_working(tr("正在解锁…"))
        else:
            self.error.setStyleSheet("color: #b00020;")

    @Slot(str)
    def on_note_changed(self, note: str) -> None:
        """An older file being upgraded: say so instead of 正在解锁… for those seconds."""
        if self.vm.busy:
            self._show_working(note)

    def _show_working(self, text: str) -> None:
        """What the log-in is doing, in grey on the line where its errors appear in red."""
        self.error.setStyleSheet("color: #555;")
        self.error.setText(text)

    @Slot(object)
    def on_logged_in(self, app: AppSession) -> None:
        self.app = app
        self.error.clear()
        self.accept()

    @Slot(str)
    def on_failed(self, text: str) -> None:
        left = self.vm.attempts_left
        hint = tr("还可以再试 {n} 次。").format(n=left) if 0 < left < 3 else ""
        self.error.setText(f"{text} {hint}".strip())
        self.password.selectAll()
        self.password.setFocus()

    @Slot(str)
    def on_locked_out(self, text: str) -> None:
        self.locked_out = True
        self.error.setText(text)
        self.reject()
