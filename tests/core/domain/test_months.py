"""Months as "YYYY-MM": parsing what people type, arithmetic across years, labels, tenure."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain import months as mo
from core.errors import ValidationError

months_st = st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(1990, 2100), st.integers(1, 12))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03", "2024-03"),
        ("2024-3", "2024-03"),
        ("2024/03", "2024-03"),
        ("2024.3", "2024-03"),
        ("2024年3月", "2024-03"),
        (" 2024 年 12 月 ", "2024-12"),
        ("202403", "2024-03"),
    ],
)
def test_parse_accepts_the_forms_people_type(text: str, expected: str) -> None:
    assert mo.parse(text) == expected


@pytest.mark.parametrize("text", ["2024-13", "2024-00", "24-03", "March 2024", "", "2024-03-01"])
def test_parse_rejects_what_is_not_a_month_with_a_message(text: str) -> None:
    with pytest.raises(ValidationError) as err:
        mo.parse(text)
    assert err.value.code == "rules.month.invalid"
    assert text in err.value.text("zh") or not text


def test_arithmetic_crosses_year_ends() -> None:
    assert mo.add("2024-01", -1) == "2023-12"
    assert mo.add("2023-11", 3) == "2024-02"
    assert mo.months_between("2023-11", "2024-02") == 3
    assert mo.range("2023-11", "2024-02") == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert mo.range("2024-02", "2024-01") == []
    assert mo.window("2024-02", 3) == ["2023-12", "2024-01", "2024-02"]


def test_first_and_last_day_know_leap_years() -> None:
    assert mo.first_day("2024-02") == date(2024, 2, 1)
    assert mo.last_day("2024-02") == date(2024, 2, 29)
    assert mo.last_day("2023-02") == date(2023, 2, 28)
    assert mo.last_day("2023-12") == date(2023, 12, 31)


def test_last_complete_month_before_a_date() -> None:
    assert mo.last_complete_before(date(2024, 7, 15)) == "2024-06"
    assert mo.last_complete_before(date(2024, 7, 1)) == "2024-06"
    assert mo.last_complete_before(date(2024, 1, 31)) == "2023-12"


def test_labels_read_naturally_in_both_languages() -> None:
    assert mo.label("2024-03", "zh") == "2024年3月"
    assert mo.label("2024-03", "en") == "Mar 2024"
    assert mo.short_label("2024-03", "zh", reference="2024-06") == "3月"
    assert mo.short_label("2023-12", "zh", reference="2024-02") == "2023年12月"
    assert mo.short_label("2023-12", "en", reference="2024-02") == "Dec 2023"
    assert mo.axis_label("2023-12", "zh", with_year=True) == "23年12月"
    assert mo.axis_label("2023-12", "en", with_year=True) == "Dec '23"
    assert mo.axis_label("2024-01", "zh") == "1月"


def test_months_at_level_counts_whole_months_only() -> None:
    assert mo.months_at_level(date(2024, 1, 1), "2024-06") == 6
    assert mo.months_at_level(date(2024, 1, 15), "2024-06") == 5  # January only half spent
    assert mo.months_at_level(date(2024, 6, 1), "2024-06") == 1
    assert mo.months_at_level(date(2024, 7, 1), "2024-06") == 0  # promoted after the as-of month


@given(months_st, st.integers(-200, 200))
def test_add_and_months_between_are_inverse(month: str, n: int) -> None:
    assert mo.months_between(month, mo.add(month, n)) == n
    assert mo.is_month(mo.add(month, n))


@given(months_st, st.integers(1, 60))
def test_window_is_n_consecutive_months_ending_at_the_month(month: str, n: int) -> None:
    months = mo.window(month, n)
    assert len(months) == n and months[-1] == month
    assert all(mo.months_between(a, b) == 1 for a, b in itertools.pairwise(months))


@given(months_st)
def test_parse_round_trips_labels(month: str) -> None:
    assert mo.parse(month) == month
    assert mo.parse(mo.label(month, "zh")) == month
