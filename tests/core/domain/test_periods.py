"""Which evaluation period is the latest: by the month it was judged as of (a cycle's 截至月份,
else its name), never by the day its last score happened to be typed."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from core.domain.periods import CycleMark, PeriodSeen, cycle_marks, latest_period, month_of_name


def test_names_say_their_month() -> None:
    assert month_of_name("2024上半年") == "2024-06"
    assert month_of_name("2024年下半年") == "2024-12"
    assert month_of_name("2024 H1") == "2024-06"
    assert month_of_name("H2 2023") == "2023-12"
    assert month_of_name("2024Q1") == "2024-03"
    assert month_of_name("2024年第三季度") == "2024-09"
    assert month_of_name("Q4 2024") == "2024-12"
    assert month_of_name("2024年度") == "2024-12"
    assert month_of_name("2024") == "2024-12"
    assert month_of_name("2024年5月") == "2024-05"
    assert month_of_name("2024-05") == "2024-05"
    for unknown in ("年中评审", "试用期评估", "2024-13", "", "上半年"):
        assert month_of_name(unknown) is None, unknown


@given(st.text(max_size=24))
def test_any_name_gives_a_real_month_or_none(name: str) -> None:
    month = month_of_name(name)
    if month is not None:
        year, number = month.split("-")
        assert len(year) == 4 and 1 <= int(number) <= 12


def _seen(day: date | None, entry: int) -> PeriodSeen:
    seen = PeriodSeen()
    seen.saw(day, entry)
    return seen


def test_a_late_entry_in_an_older_period_does_not_make_it_the_latest() -> None:
    periods = {
        "2024上半年": _seen(date(2024, 12, 30), 99),  # a correction typed in December
        "2024下半年": _seen(None, 50),  # imported, undated
    }
    assert latest_period(periods, {}) == "2024下半年"
    # a cycle's 截至月份 decides over its name; two cycles of one month: the later opened
    marks = cycle_marks([("2024下半年", "2024-06"), ("补评", "2024-06")])
    assert latest_period({**periods, "补评": _seen(None, 1)}, marks) == "补评"
    assert marks["补评"] == CycleMark("2024-06", 1)


def test_until_leaves_out_what_was_judged_later() -> None:
    periods = {"2023下半年": _seen(None, 1), "2024上半年": _seen(None, 2)}
    assert latest_period(periods, {}, until="2023-12") == "2023下半年"
    assert latest_period(periods, {}, until="2023-11") is None
    # a name that says no month: its latest dated score's month, else it always counts
    assert latest_period({"年中评审": _seen(date(2024, 7, 1), 3)}, {}, until="2024-06") is None
    assert latest_period({"年中评审": _seen(None, 3)}, {}, until="2020-01") == "年中评审"
    assert latest_period({}, {}) is None


@given(
    st.dictionaries(
        st.sampled_from(["2023上半年", "2023下半年", "2024上半年", "2024Q3", "年中", "2024年度"]),
        st.tuples(st.none() | st.dates(date(2023, 1, 1), date(2025, 12, 31)), st.integers(1, 999)),
        min_size=1,
    ),
    st.none() | st.sampled_from(["2023-06", "2023-12", "2024-06", "2024-12"]),
)
def test_the_latest_is_never_earlier_than_another_counted_period(
    raw: dict[str, tuple[date | None, int]], until: str | None
) -> None:
    from core.domain.periods import period_month

    periods = {name: _seen(day, entry) for name, (day, entry) in raw.items()}
    chosen = latest_period(periods, {}, until)
    counted = [
        n for n in periods if until is None or (period_month(n, periods[n], {}) or "") <= until
    ]
    if not counted:
        assert chosen is None
        return
    assert chosen in counted
    best = period_month(chosen, periods[chosen], {}) or ""
    assert all((period_month(n, periods[n], {}) or "") <= best for n in counted)
