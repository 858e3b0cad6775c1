"""The metric catalogue and how an employee's monthly metrics are derived from the stores they run."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.domain import metrics as mx

BRIEF_CODES = {
    "gmv", "gmv_growth", "visitors", "paid_buyers", "conversion_rate", "repurchase_rate",
    "inventory_turnover_days", "new_product_success_rate", "retention_30d", "retention_90d",
    "active_user_growth", "private_domain_conversion", "live_viewers", "live_interaction_rate",
    "live_order_conversion", "live_gmv", "live_gmv_per_session", "live_sessions",
    "report_accuracy", "strategy_uplift",
}  # fmt: skip


def test_catalogue_has_every_metric_of_the_brief_with_names_units_and_sources() -> None:
    assert set(mx.CATALOGUE) >= BRIEF_CODES
    for m in mx.CATALOGUE.values():
        assert m.name_zh and m.name_en
        assert m.unit in mx.UNITS and m.direction in mx.DIRECTIONS
        assert m.sources
        for base in m.derived_from:
            assert base in mx.CATALOGUE
    assert mx.CATALOGUE["inventory_turnover_days"].direction == "lower"
    assert mx.CATALOGUE["conversion_rate"].derived_from == ("paid_buyers", "visitors")
    assert mx.CATALOGUE["gmv_growth"].unit == "percent"
    assert mx.CATALOGUE["gmv"].additive and not mx.CATALOGUE["conversion_rate"].additive


def test_achievement_types_and_parts_are_named_in_both_languages() -> None:
    assert set(mx.ACHIEVEMENT_TYPES) == {
        "new_product", "campaign", "live_support", "proposal", "mentoring"
    }  # fmt: skip
    assert mx.ACHIEVEMENT_TYPES["campaign"].name_zh == "活动策划"
    assert mx.achievement_type_code("新品上线") == "new_product"
    assert mx.achievement_type_code(" 带教新人 ") == "mentoring"
    assert mx.achievement_type_code("campaigns") == "campaign"
    assert mx.achievement_type_code("别的") is None
    assert [p.name_zh for p in mx.EVALUATION_PARTS.values()] == ["绩效", "能力", "潜力"]


def test_custom_metric_is_entered_by_hand_and_found_beside_the_catalogue() -> None:
    mine = mx.custom_metric("refund_rate", "退款率", "Refund rate", "percent", "lower")
    assert mine.direction == "lower" and mine.unit == "percent" and mine.sources == ("manual",)
    assert mx.metric("refund_rate", {"refund_rate": mine}) is mine
    assert mx.metric("refund_rate") is None
    assert mx.metric("gmv") is mx.CATALOGUE["gmv"]


@pytest.mark.parametrize(
    ("unit", "value", "zh", "en"),
    [
        ("percent", 0.162, "16.2%", "16.2%"),
        ("percent", 0.15, "15%", "15%"),
        ("yuan", 1234567.0, "¥1,234,567", "¥1,234,567"),
        ("days", 12.5, "12.5天", "12.5 days"),
        ("days", 1.0, "1天", "1 day"),
        ("people", 3200.0, "3,200", "3,200"),
        ("ratio", 2.0, "2", "2"),
        ("percent", None, "无数据", "no data"),
    ],
)
def test_values_are_shown_as_people_read_them(
    unit: str, value: float | None, zh: str, en: str
) -> None:
    assert mx.format_value(unit, value, "zh") == zh
    assert mx.format_value(unit, value, "en") == en


def test_rate_differences_are_percentage_points() -> None:
    assert mx.format_amount("percent", 0.02, "zh") == "2个百分点"
    assert mx.format_amount("percent", 0.015, "en") == "1.5 pp"
    assert mx.format_change("percent", -0.018, "zh", 1) == "-1.8个百分点"
    assert mx.format_change("yuan", 2000.0, "en") == "+¥2,000"


# --- derivation -------------------------------------------------------------------------------


def test_two_stores_are_summed_and_rates_recomputed_not_averaged() -> None:
    big = {
        "2024-03": {"gmv": 90_000.0, "visitors": 9_000.0, "paid_buyers": 900.0, "old_buyers": 450.0}
    }
    small = {
        "2024-03": {"gmv": 10_000.0, "visitors": 1_000.0, "paid_buyers": 300.0, "old_buyers": 30.0}
    }
    series = mx.employee_series([big, small])
    assert series["gmv"]["2024-03"] == 100_000.0
    # (900 + 300) / (9000 + 1000) = 12%, not the mean of 10% and 30% (20%)
    assert series["conversion_rate"]["2024-03"] == pytest.approx(0.12)
    # (450 + 30) / (900 + 300) = 40%, not the mean of 50% and 10%
    assert series["repurchase_rate"]["2024-03"] == pytest.approx(0.40)


def test_platform_rate_columns_in_store_facts_are_ignored_and_recomputed() -> None:
    store = {"2024-03": {"visitors": 1000.0, "paid_buyers": 50.0, "conversion_rate": 0.9}}
    assert mx.employee_series([store])["conversion_rate"]["2024-03"] == pytest.approx(0.05)


def test_a_shop_without_visitor_numbers_does_not_inflate_conversion() -> None:
    tmall = {"2024-03": {"visitors": 1000.0, "paid_buyers": 50.0, "gmv": 5000.0}}
    douyin = {"2024-03": {"paid_buyers": 400.0, "gmv": 40_000.0}}
    series = mx.employee_series([tmall, douyin])
    assert series["conversion_rate"]["2024-03"] == pytest.approx(0.05)
    assert series["paid_buyers"]["2024-03"] == 450.0
    assert series["gmv"]["2024-03"] == 45_000.0


def test_gmv_growth_is_month_on_month_and_undefined_after_zero_or_missing_months() -> None:
    store = {
        "2024-01": {"gmv": 0.0},
        "2024-02": {"gmv": 100.0},
        "2024-03": {"gmv": 115.0},
        "2024-05": {"gmv": 200.0},
    }
    growth = mx.employee_series([store])["gmv_growth"]
    assert growth["2024-01"] is None  # nothing before it
    assert growth["2024-02"] is None  # GMV(M−1) = 0
    assert growth["2024-03"] == pytest.approx(0.15)
    assert growth.get("2024-04") is None  # no data at all
    assert growth["2024-05"] is None  # GMV(M−1) missing


def test_zero_denominators_give_no_rate() -> None:
    store = {"2024-03": {"visitors": 0.0, "paid_buyers": 0.0, "live_viewers": 0.0,
                         "live_comments": 5.0, "live_likes": 1.0}}  # fmt: skip
    series = mx.employee_series([store])
    assert series["conversion_rate"]["2024-03"] is None
    assert series["live_interaction_rate"]["2024-03"] is None


def test_live_rates_from_summed_sessions() -> None:
    a = {
        "2024-06": {
            "live_viewers": 1000.0,
            "live_comments": 30.0,
            "live_likes": 70.0,
            "live_buyers": 20.0,
            "live_gmv": 6000.0,
            "live_sessions": 2.0,
        }
    }
    b = {"2024-06": {"live_viewers": 3000.0, "live_comments": 60.0, "live_likes": 140.0,
                     "live_buyers": 30.0, "live_gmv": 9000.0, "live_sessions": 1.0}}  # fmt: skip
    series = mx.employee_series([a, b])
    assert series["live_interaction_rate"]["2024-06"] == pytest.approx(300 / 4000)
    assert series["live_order_conversion"]["2024-06"] == pytest.approx(50 / 4000)
    assert series["live_gmv_per_session"]["2024-06"] == pytest.approx(5000.0)


def test_hand_entered_values_fill_gaps_but_never_override_imports() -> None:
    store = {"2024-03": {"visitors": 1000.0, "paid_buyers": 50.0}}
    manual = {
        "conversion_rate": {"2024-03": 0.5, "2024-04": 0.04},
        "inventory_turnover_days": {"2024-03": 28.0},
        "gmv": {"2024-03": 1000.0},
    }
    series = mx.employee_series([store], manual)
    assert series["conversion_rate"]["2024-03"] == pytest.approx(0.05)
    assert series["conversion_rate"]["2024-04"] == 0.04
    assert series["inventory_turnover_days"]["2024-03"] == 28.0
    assert series["gmv"]["2024-03"] == 1000.0


def test_derive_series_adds_rates_to_sums() -> None:
    sums = {"gmv": {"2024-01": 100.0, "2024-02": 120.0}, "visitors": {"2024-02": 10.0},
            "paid_buyers": {"2024-02": 2.0}, "retention_30d": {"2024-02": 0.4}}  # fmt: skip
    series = mx.derive_series(sums)
    assert series["gmv_growth"]["2024-02"] == pytest.approx(0.2)
    assert series["conversion_rate"]["2024-02"] == pytest.approx(0.2)
    assert series["retention_30d"]["2024-02"] == 0.4


# --- arrays agree with the per-employee derivation -------------------------------------------

MONTHS = ["2024-01", "2024-02", "2024-03", "2024-04"]
BASE_CODES = ["gmv", "visitors", "paid_buyers", "old_buyers", "live_viewers", "live_comments",
              "live_likes", "live_buyers", "live_gmv", "live_sessions"]  # fmt: skip

maybe_value = st.one_of(
    st.none(), st.just(0.0), st.floats(0, 1e6, allow_nan=False).map(lambda x: round(x, 2))
)


@st.composite
def ownership_case(
    draw: st.DrawFn,
) -> tuple[dict[str, np.ndarray], list[tuple[int, int, int]], int, dict[str, np.ndarray]]:
    n_stores = draw(st.integers(1, 4))
    n_employees = draw(st.integers(1, 3))
    values = {
        code: np.array(
            [
                [np.nan if (v := draw(maybe_value)) is None else v for _ in MONTHS]
                for _ in range(n_stores)
            ]
        )
        for code in draw(st.lists(st.sampled_from(BASE_CODES), min_size=1, unique=True))
    }
    runs = draw(
        st.lists(
            st.tuples(
                st.integers(0, n_employees - 1),
                st.integers(0, n_stores - 1),
                st.integers(0, len(MONTHS) - 1),
            ),
            unique=True,
            max_size=20,
        )
    )
    runs.sort(key=lambda r: (r[1], r[0], r[2]))  # store by store, as the docstring asks
    manual = {
        code: np.array(
            [
                [np.nan if (v := draw(maybe_value)) is None else v for _ in MONTHS]
                for _ in range(n_employees)
            ]
        )
        for code in draw(
            st.lists(st.sampled_from(["gmv", "retention_30d", "conversion_rate"]), unique=True)
        )
    }
    return values, runs, n_employees, manual


def _same(a: float | None, b: float) -> bool:
    return (a is None and math.isnan(b)) or (a is not None and a == b)


@settings(max_examples=100, deadline=None)
@given(ownership_case())
def test_employee_arrays_equal_employee_series(case: tuple) -> None:  # type: ignore[type-arg]
    values, runs, n_employees, manual = case
    arrays = mx.employee_arrays(
        values,
        np.array([r[0] for r in runs], dtype=np.int64),
        np.array([r[1] for r in runs], dtype=np.int64),
        np.array([r[2] for r in runs], dtype=np.int64),
        n_employees,
        manual,
    )
    for employee in range(n_employees):
        stores = []
        for store in sorted({s for e, s, _ in runs if e == employee}):
            ran = [MONTHS[m] for e, s, m in runs if e == employee and s == store]
            stores.append(
                {
                    month: {code: (None if math.isnan(v := float(arr[store, MONTHS.index(month)])) else v)
                            for code, arr in values.items()}
                    for month in ran
                }
            )  # fmt: skip
        hand = {
            code: {
                m: (None if math.isnan(v := float(arr[employee, i])) else v)
                for i, m in enumerate(MONTHS)
            }
            for code, arr in manual.items()
        }
        series = mx.employee_series(stores, hand)
        for code in set(series) | set(arrays):
            for i, month in enumerate(MONTHS):
                expected = series.get(code, {}).get(month)
                got = arrays[code][employee, i] if code in arrays else math.nan
                assert _same(expected, got), (code, month, expected, got)
