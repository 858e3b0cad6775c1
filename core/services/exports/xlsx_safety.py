"""Formula-injection-safe cell values for every .xlsx/.csv Tidui writes (SECURITY.md).

A text that starts with = + - @ (or a tab / carriage return that hides one) would be run as a
formula by Excel or WPS when the exported file is opened; OWASP's advice is to prefix such text
with an apostrophe so it stays text. Numbers, dates and booleans are never formulas and pass
through unchanged, so a negative amount stays a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value: Any) -> Any:
    """``value`` as it may be written into a spreadsheet cell."""
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]
