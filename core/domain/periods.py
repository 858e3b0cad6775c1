"""Which evaluation period is an employee's latest: by the month each period was judged as of,
not by when its last score happened to be typed.

A score entry names its period (ScoreEntry.period): a review cycle's name (2024上半年) or, for
scores imported without a cycle, whatever the sheet said. A period's month is its cycle's 截至月份
when a cycle has that name, else read off the name (2024上半年 → 2024-06, 2024下半年 / 2024年度
→ 2024-12, 2024Q1 / 2024年第1季度 → 2024-03, 2024年5月 / 2024-05 → 2024-05), else the month of
its latest dated score, else unknown. Periods are ordered by that month, then by the cycles'
order (two cycles as of one month: the one opened later), then by their latest entry; an unknown
month sorts before every known one. A late correction typed into an older cycle therefore never
makes that cycle "the latest evaluation".

Pure: plain values in, a name out; core/services/eligibility/readiness.py,
core/services/promotion/scores.py and the 9宫格 read the score entries and call it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

_HALF = re.compile(r"^\s*(\d{4})\s*年?\s*(上|下)\s*半\s*年(度)?\s*$")
_HALF_EN = re.compile(r"^\s*(\d{4})\s*[-\s]?\s*H([12])\s*$", re.IGNORECASE)
_H_FIRST = re.compile(r"^\s*H([12])\s*[-\s]?\s*(\d{4})\s*$", re.IGNORECASE)
_QUARTER = re.compile(r"^\s*(\d{4})\s*年?\s*[-\s]?\s*(?:Q|第)\s*([1-4一二三四])\s*(?:季度?)?\s*$")
_QUARTER_EN = re.compile(r"^\s*Q([1-4])\s*[-\s]?\s*(\d{4})\s*$", re.IGNORECASE)
_YEAR = re.compile(r"^\s*(\d{4})\s*(?:年|年度|年终|全年)?\s*$")
_MONTH = re.compile(r"^\s*(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*月?\s*$")
_CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}


def _month(year: int, month: int) -> str | None:
    if 1900 <= year <= 9999 and 1 <= month <= 12:
        return f"{year:04d}-{month:02d}"
    return None


def month_of_name(name: str) -> str | None:
    """The month a period's name says it ends in ("YYYY-MM"), or None when it says none."""
    text = str(name)
    if found := _HALF.match(text):
        return _month(int(found[1]), 6 if found[2] == "上" else 12)
    if found := _HALF_EN.match(text):
        return _month(int(found[1]), 6 * int(found[2]))
    if found := _H_FIRST.match(text):
        return _month(int(found[2]), 6 * int(found[1]))
    if found := _QUARTER.match(text):
        quarter = _CHINESE_DIGITS.get(found[2]) or int(found[2])
        return _month(int(found[1]), 3 * quarter)
    if found := _QUARTER_EN.match(text):
        return _month(int(found[2]), 3 * int(found[1]))
    if found := _MONTH.match(text):
        return _month(int(found[1]), int(found[2]))
    if found := _YEAR.match(text):
        return _month(int(found[1]), 12)
    return None


@dataclass(frozen=True)
class CycleMark:
    """A review cycle as the ordering needs it: its 截至月份 and its place among the cycles."""

    as_of: str  # "YYYY-MM"
    order: int  # larger: opened later


@dataclass
class PeriodSeen:
    """What one employee's entries of one period say about when it was: the latest stamp."""

    scored_on: date | None = None
    entry_id: int = 0

    def saw(self, scored_on: date | None, entry_id: int) -> None:
        if scored_on is not None and (self.scored_on is None or scored_on > self.scored_on):
            self.scored_on = scored_on
        self.entry_id = max(self.entry_id, entry_id)


def period_month(name: str, seen: PeriodSeen | None, cycles: Mapping[str, CycleMark]) -> str | None:
    """The month period ``name`` was judged as of (see the module's docstring)."""
    cycle = cycles.get(name)
    if cycle is not None:
        return cycle.as_of
    named = month_of_name(name)
    if named is not None:
        return named
    if seen is not None and seen.scored_on is not None:
        return f"{seen.scored_on.year:04d}-{seen.scored_on.month:02d}"
    return None


def latest_period(
    periods: Mapping[str, PeriodSeen],
    cycles: Mapping[str, CycleMark],
    until: str | None = None,
) -> str | None:
    """The latest of ``periods`` (name → what its entries say); with ``until`` ("YYYY-MM"), the
    latest judged as of that month or before (a period of unknown month counts, ranked first)."""
    best: tuple[str, int, int] | None = None
    chosen: str | None = None
    for name, seen in periods.items():
        month = period_month(name, seen, cycles)
        if until is not None and month is not None and month > until:
            continue
        cycle = cycles.get(name)
        key = (month or "", cycle.order if cycle is not None else -1, seen.entry_id)
        if best is None or key > best:
            best, chosen = key, name
    return chosen


def cycle_marks(rows: Iterable[tuple[str, str]]) -> dict[str, CycleMark]:
    """The cycles' marks from (name, as_of) rows given in the order they were opened."""
    return {name: CycleMark(as_of, n) for n, (name, as_of) in enumerate(rows)}
