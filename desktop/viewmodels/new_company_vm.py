"""The new-company wizard's state and the creation command (run off the GUI thread)."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from core.domain.passwords import login_problems, problems, strength
from core.errors import TiduiError
from core.i18n import Message, render
from core.progress import Progress
from core.session import AppSession
from desktop.viewmodels import worker


def suggested_file_name(company: str) -> str:
    cleaned = re.sub(r'[\\/:*?"<>|\s]+', "_", company.strip()).strip("_")
    return (cleaned or "公司档案") + ".tidui"


class NewCompanyViewModel(QObject):
    created = Signal(object, str)  # AppSession, recovery key
    failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.company_name = ""
        self.folder = Path.home()
        self.file_name = ""
        self.owner_login = ""
        self.owner_name = ""
        self.password = ""
        self.repeat = ""
        self.template = "none"
        self.busy = False
        self.app: AppSession | None = None
        self.recovery_key = ""

    @property
    def path(self) -> Path:
        return self.folder / (self.file_name or suggested_file_name(self.company_name))

    def strength(self) -> tuple[int, str]:
        level = strength(self.password)
        return level, render(f"password.strength.{level}")

    def company_problems(self) -> list[Message]:
        found: list[Message] = []
        if not self.company_name.strip():
            found.append(Message("company.name_required"))
        if not self.folder.is_dir():
            found.append(Message("file.no_folder", {"folder": str(self.folder)}))
        elif self.path.exists():
            found.append(Message("file.exists", {"file": str(self.path)}))
        return found

    def owner_problems(self) -> list[Message]:
        return login_problems(self.owner_login.strip()) + problems(self.password, self.repeat)

    def create(self) -> None:
        from core.services.admin import auth

        def work(progress: Progress) -> tuple[AppSession, str]:
            del progress
            return auth.create_company(
                self.path,
                self.company_name,
                self.owner_login,
                self.password,
                self.owner_name or None,
                self.template,
            )

        self._set_busy(True)
        job = worker.start(work, parent=self)
        job.succeeded.connect(self._on_created)
        job.failed.connect(self._on_failed)

    def _on_created(self, result: tuple[AppSession, str]) -> None:
        self.app, self.recovery_key = result
        self.password = self.repeat = ""
        self._set_busy(False)
        self.created.emit(self.app, self.recovery_key)

    def _on_failed(self, text: str) -> None:
        self._set_busy(False)
        self.failed.emit(text)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_changed.emit(busy)

    def save_recovery_sheet(self, target: Path) -> None:
        from core.reports.recovery import save_recovery_sheet

        if self.app is None:
            raise TiduiError("file.error")
        save_recovery_sheet(
            target,
            self.company_name,
            self.path.name,
            self.recovery_key,
            self.owner_login,
        )

    def recovery_sheet_pdf(self) -> bytes:
        from core.reports.recovery import render_recovery_sheet

        return render_recovery_sheet(
            self.company_name, self.path.name, self.recovery_key, self.owner_login
        )
