"""Which window is showing: start window → log-in → main window, lock/unlock, close."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from core.errors import TiduiError
from desktop import i18n
from desktop.i18n import tr
from desktop.viewmodels import worker
from desktop.viewmodels.login_vm import LoginViewModel
from desktop.viewmodels.start_vm import StartViewModel
from desktop.views.login_dialog import LoginDialog
from desktop.views.start_window import StartWindow

# The main window and the wizard (and through them SQLAlchemy, pandas, every screen) load on
# first use, so the start window and log-in appear quickly (bench workload 4).
if TYPE_CHECKING:
    from core.session import AppSession
    from desktop.viewmodels.session_vm import SessionViewModel
    from desktop.views.main_window import MainWindow


class AppController(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.start_vm = StartViewModel(self)
        self.start_window = StartWindow(self.start_vm)
        self.start_window.open_requested.connect(self.open_file)
        self.start_window.new_requested.connect(self.new_company)
        self.main_window: MainWindow | None = None
        self.session_vm: SessionViewModel | None = None

    # -- start --------------------------------------------------------------------
    def show_start(self) -> None:
        self.start_window.show()
        self.start_window.raise_()

    @Slot(Path)
    def open_file(self, path: Path, login: str = "") -> bool:
        vm = LoginViewModel(Path(path), parent=self)
        dialog = LoginDialog(vm, self.start_window)
        if login:
            dialog.login.setCurrentText(login)
            dialog.password.setFocus()
        self.login_dialog = dialog  # reachable from tests while modal
        accepted = dialog.exec() == LoginDialog.DialogCode.Accepted and dialog.app is not None
        if dialog.locked_out:
            QMessageBox.warning(self.start_window, tr("登录"), dialog.error.text())
        if not accepted or dialog.app is None:
            return False
        self.start_vm.add_recent(path)
        self.show_main(dialog.app)
        return True

    @Slot()
    def new_company(self) -> None:
        from desktop.viewmodels.new_company_vm import NewCompanyViewModel
        from desktop.views.new_company_wizard import NewCompanyWizard

        vm = NewCompanyViewModel(self)
        wizard = NewCompanyWizard(vm, self.start_window)
        self.wizard = wizard
        if wizard.exec() and vm.app is not None:
            self.start_vm.add_recent(vm.path)
            self.show_main(vm.app)

    # -- main window ----------------------------------------------------------------
    def show_main(self, app: AppSession) -> None:
        from desktop.viewmodels.session_vm import SessionViewModel
        from desktop.views.main_window import MainWindow

        self.session_vm = SessionViewModel(app, self)
        # A company file written in one language opens in it on a PC where nobody chose one.
        i18n.apply_company_default(self.session_vm.company_language())
        self.main_window = MainWindow(self.session_vm)
        self.main_window.lock_requested.connect(self.on_lock_requested)
        self.main_window.close_requested.connect(self.close_file)
        self.main_window.quit_requested.connect(self.quit_app)
        self.main_window.show()
        self.start_window.hide()
        self.session_vm.check_file_soon()
        warnings = self.session_vm.login_warnings()
        if warnings:
            QMessageBox.warning(
                self.main_window,
                tr("审计日志"),
                tr("打开文件时发现问题：") + "\n\n" + "\n\n".join(warnings),
            )

    @Slot()
    def on_lock_requested(self) -> None:
        assert self.session_vm is not None and self.main_window is not None
        app = self.session_vm.app
        vm = LoginViewModel(app.file.path, current=app, parent=self)
        dialog = LoginDialog(vm, self.main_window)
        self.login_dialog = dialog
        if dialog.exec() == LoginDialog.DialogCode.Accepted and dialog.app is not None:
            if dialog.app.actor == app.actor:
                self.session_vm.replace_app(dialog.app)
                self.main_window.unlock_view()
            else:
                self.session_vm.replace_app(dialog.app)
            return
        self.close_file()

    @Slot()
    def quit_app(self) -> None:
        """文件 → 退出 (Ctrl+Q): close the file (with its backup), then end the application."""
        self.close_file(show_start=False)
        self.start_window.close()
        QApplication.quit()

    @Slot()
    def close_file(self, show_start: bool = True) -> None:
        if self.session_vm is None or self.main_window is None:
            return
        window, session_vm = self.main_window, self.session_vm
        self.main_window = None
        self.session_vm = None
        # Background work (a recompute, an import) uses the file: stop it before closing.
        worker.cancel_all()
        worker.wait_all()
        try:
            session_vm.app.close(backup=True)
        except (OSError, TiduiError) as exc:  # e.g. a damaged file is not backed up
            text = exc.text() if isinstance(exc, TiduiError) else str(exc)
            QMessageBox.warning(window, tr("备份"), tr("关闭时自动备份失败：") + text)
            session_vm.app.file.lock.release()
        window.allow_close()
        window.close()
        window.deleteLater()
        if show_start:
            self.show_start()

    def shutdown(self) -> None:
        """On application exit: close the open file (with its automatic backup)."""
        if self.session_vm is not None:
            worker.cancel_all()
            worker.wait_all()
            try:
                self.session_vm.app.close(backup=True)
            except TiduiError:
                pass  # a damaged file is not backed up; close() released it
            finally:
                self.session_vm = None

    def top_window(self) -> QWidget:
        return self.main_window or self.start_window
