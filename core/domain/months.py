"""Calendar months as the "YYYY-MM" strings the database, the rules and the reports all share.

A month is kept as plain text because that is how it is stored, imported and shown; the
helpers here turn it into a running index (year * 12 + month - 1) whenever arithmetic is needed.
"""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta

from core.errors import ValidationError

Month = str  # "YYYY-MM"

_CANONICAL = re.compile(r"^(\d{4})-(\d{2})$")
# Forms people type or platforms write: 2024-03, 2024-3, 2024/03, 2024.3, 2024年3月, 202403.
_LENIENT = re.compile(r"^\s*(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?|(\d{2}))\s*$")
_EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Years outside this span are typing mistakes in an HR context, not real months.
_MIN_YEAR, _MAX_YEAR = 1900, 2999


def is_month(text: object) -> bool:
    """True for a canonical "YYYY-MM" string with a real month (01-12)."""
    if not isinstance(text, str):
        return False
    found = _CANONICAL.match(text)
    if found is None:
        return False
    return 1 <= int(found.group(2)) <= 12 and int(found.group(1)) >= _MIN_YEAR


def parse(text: str) -> Month:
    """The canonical month of ``text`` ("2024-3", "2024年3月", "202403" ...) or ValidationError."""
    found = _LENIENT.match(str(text))
    if found:
        year = int(found.group(1))
        month = int(found.group(2) or found.group(3))
        if 1 <= month <= 12 and _MIN_YEAR <= year <= _MAX_YEAR:
            return f"{year:04d}-{month:02d}"
    raise ValidationError("rules.month.invalid", text=str(text))


@functools.lru_cache(maxsize=8192)
def index(month: Month) -> int:
    """A running number (year * 12 + month - 1) so that consecutive months differ by one.

    Remembered: a report on a thousand people asks it for the same few dozen months 35,000
    times."""
    if not is_month(month):
        raise ValidationError("rules.month.invalid", text=str(month))
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def from_index(number: int) -> Month:
    year, month0 = divmod(number, 12)
    return f"{year:04d}-{month0 + 1:02d}"


def add(month: Month, n: int) -> Month:
    """The month ``n`` months after ``month`` (before it when ``n`` is negative)."""
    return from_index(index(month) + n)


def months_between(start: Month, end: Month) -> int:
    """How many months ``end`` lies after ``start`` (0 for the same month, negative if before)."""
    return index(end) - index(start)


def month_range(start: Month, end: Month) -> list[Month]:
    """Every month from ``start`` to ``end``, both included; empty when ``end`` is before ``start``."""
    first, last = index(start), index(end)
    result: list[Month] = []
    number = first
    while number <= last:
        result.append(from_index(number))
        number += 1
    return result


def window(end: Month, n: int) -> list[Month]:
    """The ``n`` consecutive months ending at ``end`` (inclusive), oldest first."""
    return month_range(add(end, -(n - 1)), end) if n > 0 else []


def of_date(day: date) -> Month:
    return f"{day.year:04d}-{day.month:02d}"


@functools.lru_cache(maxsize=8192)
def first_day(month: Month) -> date:
    index(month)  # validates
    return date(int(month[:4]), int(month[5:7]), 1)


@functools.lru_cache(maxsize=8192)
def last_day(month: Month) -> date:
    """Remembered, as ``index`` is: the dashboard asks it for 24 months 24,000 times."""
    return first_day(add(month, 1)) - timedelta(days=1)


def last_complete_before(day: date) -> Month:
    """The last month that has fully ended before ``day`` (a month is complete once its last day is over)."""
    return add(of_date(day), -1)


def label(month: Month, lang: str = "zh") -> str:
    """The month as people read it: "2024年3月" or "Mar 2024"."""
    number = index(month)
    year, month0 = divmod(number, 12)
    if lang == "en":
        return f"{_EN_MONTHS[month0]} {year}"
    return f"{year}年{month0 + 1}月"


@functools.lru_cache(maxsize=8192)
def short_label(month: Month, lang: str = "zh", reference: Month | None = None) -> str:
    """ "3月" / "Mar" when ``month`` is in the same year as ``reference``, otherwise the full label."""
    if reference is not None and month[:4] != reference[:4]:
        return label(month, lang)
    month0 = index(month) % 12
    return _EN_MONTHS[month0] if lang == "en" else f"{month0 + 1}月"


def axis_label(month: Month, lang: str = "zh", with_year: bool = False) -> str:
    """A chart's month label: "3月" / "Mar", with the year in two digits where the axis needs it
    ("23年3月" / "Mar '23", e.g. the first month and every January)."""
    if not with_year:
        return short_label(month, lang)
    year, month0 = int(month[:4]) % 100, index(month) % 12
    return f"{_EN_MONTHS[month0]} '{year:02d}" if lang == "en" else f"{year:02d}年{month0 + 1}月"


def months_at_level(level_since: date, as_of: Month) -> int:
    """Whole calendar months spent at a level from ``level_since`` to the end of ``as_of``.

    Starting on the 1st makes that month count; starting later in a month counts from the next
    one, so nobody gets credit for a month they were only partly at the level.
    """
    start = index(of_date(level_since)) + (1 if level_since.day > 1 else 0)
    return max(0, index(as_of) + 1 - start)


# The brief's name for month_range; kept as an alias so the module reads like the product docs.
range = month_range


# Dated rows (days, orders) make a month "complete" only once they reach its last week: a June
# order export holds a few orders paid just after midnight on 1 July; that July is not a month to
# judge or compare by.
COMPLETE_FROM_DAY = 25
