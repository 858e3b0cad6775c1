"""One problem of one imported row, the same for store exports and Tidui's own templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from core.i18n import Message

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class RowProblem:
    """Where (the row as Excel numbers it, the column's header) and what, in a Message. An error
    skips the row; a warning lets it in. ``as_json`` is the shape of docs/cli.md's ``errors``."""

    row: int
    column: str | None
    message: Message
    severity: Severity = "error"

    def as_json(self, lang: str | None = None) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message.text(lang)}
