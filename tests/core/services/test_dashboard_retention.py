"""Cohort retention (core/services/dashboard, formula in the package docstring) on hand-computed data."""

from __future__ import annotations

from datetime import date

from core.services import dashboard as db


def _p(no: str, hired: date | None, left: date | None = None) -> db.Staff:
    return db.Staff(int(no[1:]), no, no, hired, left, 1, ())


def test_retention_counts_the_cohort_still_employed_at_the_end_of_the_month() -> None:
    at = date(2024, 6, 30)
    people = [
        _p("E1", date(2023, 1, 1)),  # 2023 cohort, stays
        _p("E2", date(2023, 5, 10), date(2023, 11, 30)),  # 2023 cohort, left
        _p("E3", date(2023, 12, 31), date(2024, 6, 30)),  # 2023 cohort, last day = at: stays
        _p("E4", date(2022, 12, 31)),  # not in the 2023 cohort
        _p("E5", None),  # no hire date: in no cohort
        _p("E6", date(2024, 3, 1), date(2024, 4, 1)),  # 2024 cohort, left
    ]
    c2023 = db.retention(people, "2023-01", "2023-12", at)
    assert (c2023.hired, c2023.stayed) == (3, 2)
    assert c2023.pct is not None and abs(c2023.pct - 200 / 3) < 1e-9
    c2024 = db.retention(people, "2024-01", "2024-06", at)
    assert (c2024.hired, c2024.stayed, c2024.pct) == (1, 0, 0.0)
    empty = db.retention(people, "2021-01", "2021-12", at)
    assert (empty.hired, empty.stayed, empty.pct) == (0, 0, None)
