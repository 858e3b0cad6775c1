"""Settings: company information, user accounts (owner only), own password, language, backups."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QObject,
    Signal,
)

from core.errors import TiduiError
from core.i18n import render
from core.permissions import Perm
from core.services.admin import company as company_service
from core.services.admin import users as user_service
from core.services.admin.maintenance import BackupRow
from core.services.admin.users import UserRow
from desktop.i18n import tr
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel
from desktop.viewmodels.table_model import Column, RecordTableModel


def _dimmed_if_disabled(row: UserRow) -> str | None:
    return "#999999" if row.disabled else None


def user_columns() -> list[Column[UserRow]]:
    def col(header: str, text: Callable[[UserRow], str]) -> Column[UserRow]:
        return Column(tr(header), text, _dimmed_if_disabled)

    return [
        col("登录名", lambda r: r.login),
        col("显示名", lambda r: r.display_name),
        col("角色", lambda r: render(f"role.{r.role}")),
        col("关联员工", lambda r: r.employee_no or ""),
        col("状态", lambda r: tr("已停用") if r.disabled else tr("正常")),
    ]


def _size_text(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def backup_columns() -> list[Column[BackupRow]]:
    """设置 → 备份与校验: the open file's backups, newest first."""
    return [
        Column(tr("时间"), lambda r: r.made.strftime("%Y-%m-%d %H:%M:%S") if r.made else ""),
        Column(tr("原因"), lambda r: reason_text(r.reason)),
        Column(tr("大小"), lambda r: _size_text(r.size)),
        Column(tr("文件"), lambda r: r.path.name, tooltip=lambda r: str(r.path)),
    ]


def reason_text(reason: str) -> str:
    if reason.startswith("before-migration-v"):
        return tr("升级前自动备份")
    return {
        "close": tr("关闭时自动备份"),
        "manual": tr("手动备份"),
        "before-restore": tr("恢复前自动备份"),
    }.get(reason, reason)


class SettingsViewModel(QObject):
    users_changed = Signal()
    company_changed = Signal()
    error_raised = Signal(str)
    info = Signal(str)
    # Disabling someone re-keys the file: the new recovery key, to be shown once.
    recovery_key_changed = Signal(str)

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.users: RecordTableModel[UserRow] = RecordTableModel(user_columns(), self)
        self.backups: RecordTableModel[BackupRow] = RecordTableModel(backup_columns(), self)

    # -- permissions ----------------------------------------------------------
    @property
    def can_manage_users(self) -> bool:
        return self.session_vm.can(Perm.MANAGE_USERS)

    @property
    def can_restore(self) -> bool:
        """Replacing the file with a backup (or restoring one) is the owner's call."""
        return self.session_vm.can(Perm.MANAGE_USERS)

    @property
    def can_edit_company(self) -> bool:
        return self.session_vm.can(Perm.EDIT_COMPANY)

    new_recovery_key = ""

    def _try(self, fn: Any, *args: Any, **kwargs: Any) -> bool:
        try:
            fn(*args, **kwargs)
        except TiduiError as err:
            self.error_raised.emit(err.text())
            return False
        return True

    # -- users ----------------------------------------------------------------
    def refresh_users(self) -> None:
        if self.can_manage_users:
            self.users.set_rows(user_service.list_users(self.session_vm.app))
        else:
            self.users.set_rows([])
        self.users_changed.emit()

    def add_user(
        self, login: str, name: str, role: str, password: str, repeat: str, employee_no: str = ""
    ) -> bool:
        if password != repeat:
            self.error_raised.emit(render("password.mismatch"))
            return False
        ok = self._try(
            user_service.add_user,
            self.session_vm.app,
            login,
            name,
            role,
            password,
            employee_no or None,
        )
        if ok:
            self.refresh_users()
            self.session_vm.notify_changed(ChangeArea.USERS)
        return ok

    def reset_password(self, login: str, password: str, repeat: str) -> bool:
        if password != repeat:
            self.error_raised.emit(render("password.mismatch"))
            return False
        ok = self._try(user_service.reset_password, self.session_vm.app, login, password)
        if ok:
            self.info.emit(render("cli.password_reset", {"login": login}))
        return ok

    def set_disabled(self, login: str, disabled: bool, new_password: str | None = None) -> bool:
        """Disabling re-keys the file; the new recovery key then comes through
        ``recovery_key_changed`` (and ``new_recovery_key``) to be shown once."""
        found: list[str | None] = []

        def run() -> None:
            app = self.session_vm.app
            found.append(user_service.set_disabled(app, login, disabled, new_password))

        ok = self._try(run)
        if ok:
            self.refresh_users()
            key = found[0] if found else None
            if key:
                self.new_recovery_key = key
                self.recovery_key_changed.emit(key)
        return ok

    def recovery_sheet_pdf(self) -> bytes:
        """The printable sheet of the recovery key the last disable produced."""
        from core.reports.recovery import render_recovery_sheet
        from core.services.admin.auth import company_name

        app = self.session_vm.app
        return render_recovery_sheet(
            company_name(app), app.file.path.name, self.new_recovery_key, app.actor.login
        )

    def save_recovery_sheet(self, target: Path) -> None:
        from core.storage.atomic import write_atomic

        write_atomic(Path(target), self.recovery_sheet_pdf())

    def set_role(self, login: str, role: str) -> bool:
        ok = self._try(user_service.set_role, self.session_vm.app, login, role)
        if ok:
            self.refresh_users()
        return ok

    def change_own_password(self, old: str, new: str, repeat: str) -> bool:
        if new != repeat:
            self.error_raised.emit(render("password.mismatch"))
            return False
        ok = self._try(user_service.change_own_password, self.session_vm.app, old, new)
        if ok:
            self.info.emit(tr("密码已修改。下次登录请使用新密码。"))
        return ok

    # -- company --------------------------------------------------------------
    def company(self) -> company_service.CompanyInfo:
        return company_service.get_info(self.session_vm.app)

    def save_company(
        self, name: str, currency: str, language: str, logo_path: str = "", clear_logo: bool = False
    ) -> bool:
        logo = None
        if logo_path:
            try:
                logo = Path(logo_path).read_bytes()
            except OSError as exc:
                self.error_raised.emit(str(exc))
                return False
        ok = self._try(
            company_service.update_info,
            self.session_vm.app,
            name,
            currency,
            language,
            logo,
            None,
            clear_logo,
        )
        if ok:
            self.company_changed.emit()
            self.session_vm.notify_changed(ChangeArea.COMPANY)
            self.info.emit(tr("公司信息已保存。"))
        return ok

    # -- backups --------------------------------------------------------------
    def backup_now(self, folder: str = "") -> str:
        try:
            made = self.session_vm.app.file.backup(
                Path(folder) if folder else None, reason="manual"
            )
        except (TiduiError, OSError) as err:
            self.error_raised.emit(err.text() if isinstance(err, TiduiError) else str(err))
            return ""
        self.info.emit(render("backup.done", {"file": str(made)}))
        return str(made)

    def verify(self) -> bool:
        from core.services.admin import maintenance

        report = maintenance.verify(self.session_vm.app)
        notes = [m.text() for m in report.notes]
        if report.ok:
            self.info.emit(
                "\n".join([render("verify.ok", {"entries": report.audit_entries}), *notes])
            )
        else:
            self.error_raised.emit("\n".join([*(m.text() for m in report.problems), *notes]))
        return report.ok

    def backup_folder(self) -> str:
        from core.services.admin import maintenance

        return str(maintenance.backup_folder(self.session_vm.app))

    def refresh_backups(self) -> None:
        from core.services.admin import maintenance

        try:
            rows = maintenance.list_backups(self.session_vm.app)
        except TiduiError:
            rows = []
        self.backups.set_rows(rows)

    def _password_ok(self, password: str) -> bool:
        from core.services.admin import auth

        app = self.session_vm.app
        try:
            auth.unlock_again(app, app.actor.login, password)
        except TiduiError as err:
            self.error_raised.emit(err.text())
            return False
        return True

    def restore_to_new(self, backup: Path, target: Path, password: str) -> str:
        """Restore ``backup`` as a new company file at ``target`` (the open file is untouched).
        Returns the restored file's path, "" on failure (said through ``error_raised``)."""
        from core.services.admin import maintenance

        if not self.can_restore:
            actor = self.session_vm.app.actor
            self.error_raised.emit(
                render("perm.denied", {"role": render(f"role.{actor.role}"), "perm": "restore"})
            )
            return ""
        if not self._password_ok(password):
            return ""
        login = self.session_vm.app.actor.login
        try:
            result = maintenance.restore(Path(backup), Path(target), login, password)
        except TiduiError as err:
            self.error_raised.emit(err.text())
            return ""
        self.info.emit(tr("已恢复到 {file}。").format(file=str(result.path)))
        return str(result.path)

    def restore_over_current(self, backup: Path, password: str) -> bool:
        """Replace the open file with ``backup``: the password is checked first, the backup's
        hashes too; the file is closed, restored (the current pair kept as a before-restore
        backup) and opened again as the same user. On failure the current file is reopened."""
        from core.services.admin import auth, maintenance
        from core.storage import backup as backups
        from desktop.viewmodels import worker

        app = self.session_vm.app
        if not self.can_restore:
            actor = self.session_vm.app.actor
            self.error_raised.emit(
                render("perm.denied", {"role": render(f"role.{actor.role}"), "perm": "restore"})
            )
            return False
        if not self._password_ok(password):
            return False
        try:
            backups.read_manifest(Path(backup))
        except TiduiError as err:
            self.error_raised.emit(err.text())
            return False
        login, path = app.actor.login, app.file.path
        worker.wait_all()  # nothing may still read the file being replaced
        app.close(backup=False)
        failure: TiduiError | None = None
        try:
            result = maintenance.restore(Path(backup), path, login, password)
        except TiduiError as err:
            failure, result = err, None
        try:
            reopened = auth.log_in(path, login, password)
        except TiduiError as err:  # cannot happen with a checked password, but never hang up
            self.error_raised.emit(err.text())
            return False
        # the main window rebuilds every screen for the reopened file (nothing shown is stale)
        self.session_vm.replace_app(reopened)
        self.refresh_backups()
        if failure is not None:
            self.error_raised.emit(failure.text())
            return False
        kept = result.previous_backup if result else None
        text = tr("已从备份恢复。")
        if kept:
            text += " " + tr("恢复前的档案已另存为 {file}。").format(file=kept)
        self.info.emit(text)
        return True
