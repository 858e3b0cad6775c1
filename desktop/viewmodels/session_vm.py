"""The logged-in session as the GUI sees it: the open file, the actor, and a 'data changed' signal.

Every page receives this object. A page that changes data calls ``notify_changed(area)``; pages
that show derived data (eligibility, dashboard) listen to ``data_changed`` and recompute, so what
a user sees is never stale after an import, an undo or a ladder edit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

from PySide6.QtCore import QObject, QSettings, Signal

from core.permissions import Perm, can
from core.session import AppSession


class ChangeArea(StrEnum):
    """What changed, as ``notify_changed`` announces it and pages listening to ``data_changed``
    compare it (a StrEnum: the signal carries its text)."""

    CASES = "cases"  # a promotion case was created, moved or decided
    COMPANY = "company"  # 公司信息 or the file's settings
    CYCLES = "cycles"  # a review cycle was opened, closed or its candidates changed
    DASHBOARD = "dashboard"  # the dashboard's own settings (cut-offs, bench strength)
    ELIGIBILITY = "eligibility"  # readiness computed elsewhere must be recomputed
    EMPLOYEES = "employees"  # an employee's record or the roster
    IMPORTS = "imports"  # a batch was imported or undone
    LADDER = "ladder"  # the career ladder design
    METRICS = "metrics"  # hand-entered metric values
    PROMOTION = "promotion"  # a decided case took effect (level, salary, grade history changed)
    SCORES = "scores"  # assessment scores
    USERS = "users"  # accounts and roles


# The sidebar page each account last had open, per company file (QSettings, as the window's size):
# keyed by the file's id rather than its path, so a moved file keeps it and a demo built again
# (a newer story) opens on the dashboard like the first time.
LAST_PAGE_GROUP = "main_window/last_page"


class SessionViewModel(QObject):
    data_changed = Signal(str)  # a ChangeArea's value
    actor_changed = Signal()

    def __init__(self, app: AppSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app

    @property
    def app(self) -> AppSession:
        return self._app

    def replace_app(self, app: AppSession) -> None:
        """After 锁定 another user may log in on the same open file."""
        self._app = app
        self.actor_changed.emit()

    def can(self, perm: Perm) -> bool:
        return can(self._app.actor, perm)

    def _last_page_key(self) -> str:
        return f"{LAST_PAGE_GROUP}/{self._app.file.file_id}-{self._app.actor.user_id}"

    def remember_page(self, key: str) -> None:
        """The page this account has open now, to open again at the next log-in or run."""
        QSettings().setValue(self._last_page_key(), key)

    def opening_page(self, available: Sequence[str]) -> str | None:
        """The page to open on: the one this account last had open on this file, if it is still
        among ``available`` (the pages its role may see), else the first (the dashboard)."""
        saved = QSettings().value(self._last_page_key())
        if isinstance(saved, str) and saved in available:
            return saved
        return available[0] if available else None

    def notify_changed(self, area: ChangeArea) -> None:
        self.data_changed.emit(str(area))

    def company_name(self) -> str:
        from core.services.admin.auth import company_name

        return company_name(self._app)

    def login_warnings(self) -> list[str]:
        """What the log-in found wrong with the file (e.g. a cut audit log), in the user's
        language: shown once, over the main window."""
        return [warning.text() for warning in self._app.warnings]

    def company_language(self) -> str:
        """The company file's default language (公司信息), "zh" or "en"."""
        from core.services.admin.company import get_info

        return get_info(self._app).language

    def check_file_soon(self) -> None:
        """Read the whole file's pages once now, while the user looks at the first page, so the
        first import of the session does not wait for it (check_intact remembers a pass; a
        damaged file is then refused by the import itself, in words)."""
        from desktop.viewmodels import worker

        worker.start(_check_quietly, self._app.file.check_intact, parent=self)


def _check_quietly(progress: object, check: Callable[[], None]) -> None:
    """A damaged file is said by the import that would write into it, not here."""
    import contextlib

    from core.errors import TiduiError

    del progress
    with contextlib.suppress(TiduiError):
        check()
