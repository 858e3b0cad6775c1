"""Errors core raises toward a user: each carries a message code and parameters, never prose.

The CLI prints ``err.text(lang)`` on one line and exits 1; the GUI shows it in a
message box. Anything that is not a ``TiduiError`` is a bug and is reported as such.
"""

from __future__ import annotations

from typing import Any

from core.i18n import render


class TiduiError(Exception):
    """A problem the user can understand and act on."""

    code = "error.generic"

    def __init__(self, code: str | None = None, **params: Any) -> None:
        self.code = code or type(self).code
        self.params = params
        super().__init__(self.code)

    def text(self, lang: str | None = None) -> str:
        return render(self.code, self.params, lang)

    def __str__(self) -> str:
        return self.text()


class WrongPassword(TiduiError):
    code = "auth.wrong_password"


class TooManyAttempts(TiduiError):
    """Wrong passwords in a row: the next attempt must wait ``seconds``."""

    code = "auth.wait_after_wrong"


class UnknownUser(TiduiError):
    code = "auth.unknown_user"


class UserDisabled(TiduiError):
    code = "auth.user_disabled"


class WrongRecoveryKey(TiduiError):
    code = "auth.wrong_recovery_key"


class PermissionDenied(TiduiError):
    code = "perm.denied"


class FileInUse(TiduiError):
    code = "file.in_use"


class CorruptFile(TiduiError):
    code = "file.corrupt"


class DiskFull(TiduiError):
    """The disk (or the user's quota) ran out while writing: nothing was changed."""

    code = "disk.full"


class CompanyFileError(TiduiError):
    code = "file.error"


class SchemaTooNew(TiduiError):
    code = "file.schema_too_new"


class ValidationError(TiduiError):
    """Invalid input; ``field`` (and for imports ``row``/``column``) say where."""

    code = "validation.invalid"


class NotFound(TiduiError):
    code = "entity.not_found"
