"""Logging in to a company file (or unlocking a locked session): three tries, clear messages."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from core.errors import FileInUse, TiduiError, WrongPassword
from core.i18n import render
from core.progress import Progress
from core.storage.keyslots import KeyFile
from core.storage.lock import CompanyLock
from core.storage.paths import keys_path_for
from desktop.viewmodels import worker

if TYPE_CHECKING:  # the session module pulls in SQLAlchemy: not needed to show the log-in
    from core.session import AppSession

MAX_ATTEMPTS = 3


class LoginViewModel(QObject):
    logged_in = Signal(object)  # AppSession
    failed = Signal(str)
    locked_out = Signal(str)
    busy_changed = Signal(bool)
    note_changed = Signal(str)  # what the log-in is doing, when it takes long (an upgrade)

    def __init__(
        self, path: Path, current: AppSession | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.current = current  # set when unlocking a locked session
        self.attempts_left = MAX_ATTEMPTS
        self.busy = False
        self.recovery_possible = True  # see problem_before_login

    def logins(self) -> list[str]:
        try:
            return KeyFile.load(keys_path_for(self.path)).logins()
        except TiduiError:
            return []

    def default_login(self) -> str:
        if self.current is not None:
            return self.current.actor.login
        names = self.logins()
        return names[0] if names else ""

    def problem_before_login(self) -> str:
        """A reason not to even ask for the password (missing, damaged or busy file), or ''.

        Afterwards ``recovery_possible`` says whether the recovery key can still open the file:
        it can when only the key file is missing or damaged (that is what it is for), not when
        the data file is missing or open elsewhere.
        """
        self.recovery_possible = True
        if self.current is not None:
            return ""
        probe = CompanyLock(self.path)
        if not self.path.is_file():
            self.recovery_possible = False
            return render("file.not_found", {"file": str(self.path)})
        try:
            probe.acquire()
        except FileInUse as err:
            self.recovery_possible = False
            return err.text()
        probe.release()
        try:
            KeyFile.load(keys_path_for(self.path))
        except TiduiError as err:
            return err.text()
        return ""

    def log_in(self, login: str, password: str) -> None:
        from core.services.admin import auth

        # an Enter pressed before anything was typed (the idle lock's dialog takes the next
        # key) is said so, and is not one of the three tries
        if not login.strip() or not password:
            self.failed.emit(
                render("auth.login_empty" if not login.strip() else "auth.password_empty")
            )
            return
        current = self.current

        def work(progress: Progress) -> AppSession:
            if current is not None:
                return auth.unlock_again(current, login, password)
            return auth.log_in(self.path, login, password, progress=progress)

        self._set_busy(True)
        job = worker.start(work, parent=self)
        job.progressed.connect(self._on_progress)
        job.succeeded.connect(self._on_ok)
        job.raised.connect(self._on_error)
        job.failed.connect(self._on_failed)

    @Slot(int, int, str)
    def _on_progress(self, _done: int, _total: int, note: str) -> None:
        if note:
            self.note_changed.emit(note)

    def _on_ok(self, app: AppSession) -> None:
        self._set_busy(False)
        self.attempts_left = MAX_ATTEMPTS
        self.logged_in.emit(app)

    def _on_error(self, err: TiduiError) -> None:
        if isinstance(err, WrongPassword):
            self.attempts_left -= 1

    def _on_failed(self, text: str) -> None:
        self._set_busy(False)
        if self.attempts_left <= 0:
            self.locked_out.emit(render("auth.too_many_attempts"))
            return
        self.failed.emit(text)

    def recover(self, recovery_key: str, owner_login: str, new_password: str) -> None:
        from core.services.admin import auth

        def work(progress: Progress) -> AppSession:
            del progress
            return auth.recover(self.path, recovery_key, owner_login, new_password)

        self._set_busy(True)
        job = worker.start(work, parent=self)
        job.succeeded.connect(self._on_ok)
        job.failed.connect(self._on_failed_recovery)

    def _on_failed_recovery(self, text: str) -> None:
        self._set_busy(False)
        self.failed.emit(text)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_changed.emit(busy)
