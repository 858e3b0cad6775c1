"""Monthly KPI series loaded from the company file: precedence of sources, who ran which store, sources kept."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.domain import metrics as mx
from core.domain import months as mo
from core.errors import PermissionDenied
from core.services.eligibility import metrics as kpi
from core.session import AppSession
from tests.core.services.test_metrics_seed import Seed


def series_of(app: AppSession, employee: int) -> mx.Series:
    with app.read() as s:
        book = kpi.load_facts(s)
    return book.series(employee)


def test_overview_is_authoritative_and_orders_fill_in_where_none_exists(
    company: AppSession,
) -> None:
    seed = Seed(company)
    ann = seed.employee("E001", "安娜")
    shop = seed.store("悦颜美妆旗舰店")
    seed.own(ann, shop, "2024-01")
    overview = seed.batch("sycm-shop")
    orders = seed.batch("taobao-orders")
    seed.month_fact(shop, "2024-01", 1000.0, 2000, 40, 10, batch=overview)
    # January's orders disagree with the overview: the overview wins for GMV and traffic
    seed.order(shop, "2024-01", 700.0, "b1", batch=orders)
    # February has orders only: GMV and paid buyers come from them; closed orders never count
    seed.order(shop, "2024-02", 300.0, "b1", batch=orders)
    seed.order(shop, "2024-02", 200.0, "b2", batch=orders)
    seed.order(shop, "2024-02", 150.0, "b2", batch=orders)
    seed.order(shop, "2024-02", 999.0, "b3", batch=orders, counted=False)

    series = series_of(company, ann)
    assert series["gmv"] == {"2024-01": 1000.0, "2024-02": 650.0}
    assert series["paid_buyers"] == {"2024-01": 40.0, "2024-02": 2.0}
    assert series["conversion_rate"] == {"2024-01": 40 / 2000}  # no visitors in February
    assert series["gmv_growth"]["2024-02"] == pytest.approx(650 / 1000 - 1)


def test_overview_figures_it_lacks_are_filled_from_orders(company: AppSession) -> None:
    seed = Seed(company)
    ann = seed.employee("E001", "安娜")
    shop = seed.store("悦颜美妆旗舰店")
    seed.own(ann, shop, "2024-01")
    seed.month_fact(shop, "2024-01", None, 2000, None, None, batch=seed.batch())
    orders = seed.batch("taobao-orders")
    seed.order(shop, "2024-01", 100.0, "b1", batch=orders)
    seed.order(shop, "2024-01", 60.0, "b2", batch=orders)
    series = series_of(company, ann)
    assert series["gmv"] == {"2024-01": 160.0}
    assert series["conversion_rate"] == {"2024-01": 2 / 2000}


def test_daily_overview_rows_are_summed_and_a_monthly_row_wins_over_them(
    company: AppSession,
) -> None:
    seed = Seed(company)
    ann = seed.employee("E001", "安娜")
    shop = seed.store("悦颜美妆旗舰店")
    seed.own(ann, shop, "2024-01")
    days = seed.batch("sycm-shop", "店铺整体_日.xls")
    seed.day_fact(shop, date(2024, 1, 1), 100.0, 1000, 30, 6, batch=days)
    seed.day_fact(shop, date(2024, 1, 2), 300.0, 3000, 50, 14, batch=days)
    seed.day_fact(shop, date(2024, 2, 1), 500.0, 5000, 80, 20, batch=days)
    monthly = seed.batch("sycm-shop", "交易概况_月.xlsx")
    seed.month_fact(shop, "2024-02", 7000.0, 60000, 900, 300, batch=monthly)

    series = series_of(company, ann)
    assert series["gmv"] == {"2024-01": 400.0, "2024-02": 7000.0}
    assert series["conversion_rate"]["2024-01"] == 80 / 4000  # Σ buyers / Σ visitors
    assert series["repurchase_rate"]["2024-01"] == 20 / 80  # Σ returning / Σ paid buyers
    assert series["conversion_rate"]["2024-02"] == 900 / 60000


def test_replaced_rows_undone_batches_and_older_duplicates_are_ignored(
    company: AppSession,
) -> None:
    seed = Seed(company)
    ann = seed.employee("E001", "安娜")
    shop = seed.store("悦颜美妆旗舰店")
    seed.own(ann, shop, "2024-01")
    first, second, undone = seed.batch(), seed.batch(), seed.batch()
    seed.month_fact(shop, "2024-01", 111.0, batch=first, superseded_by=second)
    seed.month_fact(shop, "2024-01", 222.0, batch=second)
    seed.month_fact(shop, "2024-02", 300.0, batch=first)
    seed.month_fact(shop, "2024-02", 333.0, batch=second)  # the later import of a month wins
    seed.month_fact(shop, "2024-03", 999.0, batch=undone)
    seed.day_fact(shop, date(2024, 4, 1), 50.0, batch=first, superseded_by=second)
    seed.day_fact(shop, date(2024, 4, 1), 70.0, batch=second)
    seed.undo(undone)
    assert series_of(company, ann)["gmv"] == {"2024-01": 222.0, "2024-02": 333.0, "2024-04": 70.0}


def test_store_that_changed_hands_counts_for_each_owner_only_in_their_months(
    company: AppSession,
) -> None:
    seed = Seed(company)
    old_owner = seed.employee("E012", "胡月")
    new_owner = seed.employee("E006", "孙悦")
    shop = seed.store("悦颜美妆专营店", "淘宝")
    seed.own(old_owner, shop, "2023-01", "2023-06")
    seed.own(new_owner, shop, "2023-07")
    seed.months(shop, "2023-05", [100.0, 110.0, 121.0, 145.2], batch=seed.batch())

    before = series_of(company, old_owner)
    after = series_of(company, new_owner)
    assert before["gmv"] == {"2023-05": 100.0, "2023-06": 110.0}
    assert after["gmv"] == {"2023-07": 121.0, "2023-08": 145.2}
    # growth needs the employee's own previous month: the first month after a hand-over has none
    assert after["gmv_growth"]["2023-07"] is None
    assert after["gmv_growth"]["2023-08"] == pytest.approx(0.2)
    assert before["gmv_growth"]["2023-06"] == pytest.approx(0.1)


def test_two_stores_are_summed_and_rates_recomputed_from_the_sums(company: AppSession) -> None:
    seed = Seed(company)
    ann = seed.employee("E004", "陈静")
    big, small = seed.store("旗舰店"), seed.store("专营店", "淘宝")
    seed.own(ann, big, "2024-01")
    seed.own(ann, small, "2024-01")
    batch = seed.batch()
    seed.month_fact(big, "2024-01", 90_000.0, 10_000, 300, 60, batch=batch)
    seed.month_fact(small, "2024-01", 10_000.0, 500, 50, 40, batch=batch)
    series = series_of(company, ann)
    assert series["gmv"]["2024-01"] == 100_000.0
    assert series["conversion_rate"]["2024-01"] == 350 / 10_500  # not the mean of 3% and 10%
    assert series["repurchase_rate"]["2024-01"] == 100 / 350


def test_a_store_run_by_two_people_counts_fully_for_each(company: AppSession) -> None:
    seed = Seed(company)
    ann, bob = seed.employee("E001", "安娜"), seed.employee("E002", "鲍勃")
    shop = seed.store("旗舰店")
    seed.own(ann, shop, "2024-01")
    seed.own(bob, shop, "2024-02", "2024-02")
    seed.months(shop, "2024-01", [100.0, 200.0, 300.0], batch=seed.batch())
    assert series_of(company, ann)["gmv"] == {"2024-01": 100.0, "2024-02": 200.0, "2024-03": 300.0}
    assert series_of(company, bob)["gmv"] == {"2024-02": 200.0}


def test_live_account_sessions_and_orders_attributed_to_it(company: AppSession) -> None:
    seed = Seed(company)
    host = seed.employee("E008", "黄婷")
    account = seed.store("悦颜小美", "抖音直播")
    shop = seed.store("悦颜抖音小店", "抖音")
    seed.own(host, account, "2024-05")
    live = seed.batch("douyin-live", "直播间列表.xlsx")
    for day, viewers in ((3, 1000), (10, 3000)):
        seed.live(
            account,
            datetime(2024, 6, day, 19, 5),
            viewers=viewers,
            comments=viewers // 50,
            likes=viewers // 5,
            buyers=viewers // 100,
            gmv=viewers * 2.5,
            batch=live,
        )
    orders = seed.batch("douyin-orders", "抖店订单导出.xlsx")
    seed.order(shop, "2024-05", 880.0, "x", batch=orders, live_account=account)
    seed.order(shop, "2024-06", 123.0, "y", batch=orders, live_account=account)

    series = series_of(company, host)
    assert series["live_viewers"] == {"2024-06": 4000.0}
    assert series["live_sessions"] == {"2024-06": 2.0}
    # June's live GMV comes from the sessions; May (no session list) from the attributed orders
    assert series["live_gmv"] == {"2024-05": 880.0, "2024-06": 10_000.0}
    assert series["live_interaction_rate"]["2024-06"] == (80 + 800) / 4000
    assert series["live_order_conversion"]["2024-06"] == 40 / 4000
    assert series["live_gmv_per_session"]["2024-06"] == 5000.0
    assert "gmv" not in series or not series["gmv"]  # the shop itself is someone else's


def test_hand_entered_values_count_even_without_store_data(company: AppSession) -> None:
    seed = Seed(company)
    analyst = seed.employee("E015", "林晓")
    seed.manual(analyst, "report_accuracy", "2024-06", 0.96)
    with company.read() as s:
        book = kpi.load_facts(s)
    assert book.months == ("2024-06",)
    arrays = book.arrays([analyst])
    assert arrays["report_accuracy"][0].tolist() == [0.96]


def test_hand_entered_values_and_latest_entry_wins(company: AppSession) -> None:
    seed = Seed(company)
    ann = seed.employee("E015", "林晓")
    seed.manual(ann, "report_accuracy", "2024-05", 0.9)
    seed.manual(ann, "report_accuracy", "2024-05", 0.97)  # corrected later
    seed.manual(ann, "report_accuracy", "2024-06", 0.95)
    assert series_of(company, ann)["report_accuracy"] == {"2024-05": 0.97, "2024-06": 0.95}


def test_kpi_tab_lists_metrics_with_data_and_where_each_number_came_from(
    company: AppSession,
) -> None:
    seed = Seed(company)
    ann = seed.employee("E004", "陈静")
    big, small = seed.store("旗舰店"), seed.store("专营店", "淘宝")
    seed.own(ann, big, "2024-01")
    seed.own(ann, small, "2024-02")
    jan = seed.batch("sycm-shop", "旗舰店_2024-01.xlsx")
    feb = seed.batch("sycm-shop", "专营店_2024-02.xlsx")
    seed.month_fact(big, "2024-01", 100.0, 1000, 10, 2, batch=jan)
    seed.month_fact(big, "2024-02", 120.0, 1000, 12, 3, batch=jan)
    seed.month_fact(small, "2024-02", 30.0, 200, 4, 1, batch=feb)
    seed.manual(ann, "retention_30d", "2024-02", 0.4)

    result = kpi.employee_kpi(company, ann)
    assert result.months == ("2024-01", "2024-02")
    codes = [m.metric.code for m in result.metrics]
    assert codes[:2] == ["gmv", "gmv_growth"]
    assert "retention_30d" in codes and "live_viewers" not in codes
    gmv = next(m for m in result.metrics if m.metric.code == "gmv")
    assert gmv.values == {"2024-01": 100.0, "2024-02": 150.0}
    feb_sources = {(r.batch_id, r.file_name, r.store) for r in gmv.sources["2024-02"]}
    assert feb_sources == {
        (jan, "旗舰店_2024-01.xlsx", "旗舰店"),
        (feb, "专营店_2024-02.xlsx", "专营店"),
    }
    growth = next(m for m in result.metrics if m.metric.code == "gmv_growth")
    assert growth.values == {"2024-02": pytest.approx(0.5)}
    assert {r.batch_id for r in growth.sources["2024-02"]} == {jan, feb}
    retention = next(m for m in result.metrics if m.metric.code == "retention_30d")
    assert [(r.kind, r.batch_id) for r in retention.sources["2024-02"]] == [("manual", None)]


def test_kpi_of_someone_outside_a_supervisors_team_is_refused(company: AppSession) -> None:
    seed = Seed(company)
    lead = seed.employee("E002", "李娜")
    mine = seed.employee("E004", "陈静", supervisor=lead)
    other = seed.employee("E009", "吴昊")
    supervisor = seed.supervisor("lina", "E002")
    assert kpi.employee_kpi(supervisor, mine).employee_id == mine
    with pytest.raises(PermissionDenied):
        kpi.employee_kpi(supervisor, other)


def test_as_of_is_the_last_complete_month_with_data() -> None:
    assert kpi.default_as_of("2024-06", date(2024, 9, 15)) == "2024-06"
    assert kpi.default_as_of("2024-09", date(2024, 9, 15)) == "2024-08"  # September is running
    assert kpi.default_as_of(None, date(2024, 9, 15)) == "2024-08"


def test_latest_data_month_ignores_replaced_rows(company: AppSession) -> None:
    seed = Seed(company)
    shop = seed.store("旗舰店")
    first, second = seed.batch(), seed.batch()
    seed.month_fact(shop, "2024-03", 1.0, batch=first)
    seed.month_fact(shop, "2024-05", 1.0, batch=first, superseded_by=second)
    with company.read() as s:
        assert kpi.latest_data_month(s) == "2024-03"


# --- the array path equals the per-employee path ----------------------------------------------

MONTHS = mo.range("2023-10", "2024-03")
_store_months = st.lists(st.sampled_from(MONTHS), unique=True).map(sorted)
_value = st.one_of(st.none(), st.integers(0, 5000).map(float))


@st.composite
def fact_books(draw: st.DrawFn) -> kpi.FactBook:
    values: dict[int, dict[str, dict[str, float]]] = {}
    periods: dict[int, list[tuple[int, str, str | None]]] = {}
    manual: dict[int, dict[str, dict[str, float]]] = {}
    n_stores = draw(st.integers(1, 4))
    for store in range(1, n_stores + 1):
        by_month: dict[str, dict[str, float]] = {}
        for month in draw(_store_months):
            figures = {
                code: v
                for code in ("gmv", "visitors", "paid_buyers", "old_buyers", "live_viewers")
                if (v := draw(_value)) is not None
            }
            if figures:
                by_month[month] = figures
        values[store] = by_month
    for employee in range(1, 4):
        owned = []
        for store in range(1, n_stores + 1):
            if draw(st.booleans()):
                start = draw(st.sampled_from(MONTHS))
                end = draw(st.one_of(st.none(), st.sampled_from(MONTHS)))
                if end is None or end >= start:
                    owned.append((store, start, end))
        periods[employee] = owned
        if draw(st.booleans()):
            manual[employee] = {
                "report_accuracy": {m: 0.9 for m in draw(_store_months)},
                "gmv": {MONTHS[-1]: 10.0},
            }
    return kpi.FactBook.from_values(values, periods, manual)


@settings(max_examples=60, deadline=None)
@given(fact_books())
def test_arrays_for_everybody_equal_each_employees_series(book: kpi.FactBook) -> None:
    ids = [1, 2, 3]
    arrays = book.arrays(ids)
    for row, employee in enumerate(ids):
        series = book.series(employee)
        for code, by_month in series.items():
            for column, month in enumerate(book.months):
                expected = by_month.get(month)
                got = arrays[code][row, column] if code in arrays else np.nan
                if expected is None or (isinstance(expected, float) and math.isnan(expected)):
                    assert np.isnan(got), (code, month)
                else:
                    assert got == expected, (code, month)
            # every month with a value is on the axis: nothing the rules need is dropped
            assert {m for m, v in by_month.items() if v is not None} <= set(book.months), code


@pytest.mark.parametrize(
    "buyers",
    [
        ("b1", "b2", "b2", "b3"),  # ordinary pseudonyms
        ("a,b", "a", "b", "a,b"),  # a key holding the separator SQLite's list uses
        ("", "", "b1", "b1,"),  # empty keys and a trailing separator
    ],
)
def test_paid_buyers_from_orders_count_each_buyer_once(
    company: AppSession, buyers: tuple[str, ...]
) -> None:
    seed = Seed(company)
    ann = seed.employee("E001", "安娜")
    shop = seed.store("悦颜美妆旗舰店")
    seed.own(ann, shop, "2024-01")
    orders = seed.batch("taobao-orders")
    for buyer in buyers:
        seed.order(shop, "2024-02", 10.0, buyer, batch=orders)
    seed.order(shop, "2024-02", 10.0, None, batch=orders)  # no buyer column: GMV only
    series = series_of(company, ann)
    assert series["gmv"] == {"2024-02": 10.0 * (len(buyers) + 1)}
    assert series["paid_buyers"] == {"2024-02": float(len(set(buyers)))}


def test_a_month_holding_only_spill_over_is_not_the_latest_with_data(company: AppSession) -> None:
    seed = Seed(company)
    shop = seed.store("专营店")
    orders = seed.batch("taobao-orders")
    for paid in (
        datetime(2024, 6, 3, 10),
        datetime(2024, 6, 30, 23, 40),
        datetime(2024, 7, 1, 0, 21),
    ):
        seed.order(shop, mo.of_date(paid.date()), 10.0, batch=orders, paid_at=paid)
    days = seed.batch("sycm-shop")
    for day in (date(2024, 5, 30), date(2024, 6, 1), date(2024, 6, 2)):
        seed.day_fact(shop, day, 100.0, batch=days)
    with company.read() as s:
        # July has one order paid at 00:21 on the 1st; June's daily rows stop on the 2nd
        assert kpi.latest_data_month(s) == "2024-06"
    assert kpi.default_as_of("2024-06", date(2026, 11, 27)) == "2024-06"


def test_orders_give_the_repurchase_rate_where_no_overview_exists(company: AppSession) -> None:
    seed = Seed(company)
    ann = seed.employee("E001", "安娜")
    shop = seed.store("悦颜美妆专营店")
    seed.own(ann, shop, "2023-01")
    orders = seed.batch("taobao-orders")
    buyers_by_month = {
        "2022-12": ["old"],  # 15 months before 2024-03: too long ago to make "old" returning
        "2024-01": ["b1", "b2"],  # nothing in the 12 months before: unknown, not 0%
        "2024-02": ["b1", "b1", "b3", "x,y"],  # b1 came back (counted once)
        "2024-03": ["b2", "b4", "old", "x,y"],  # b2 and "x,y" came back; "old" 15 months ago
    }
    for month, buyers in buyers_by_month.items():
        for buyer in buyers:
            seed.order(shop, month, 10.0, buyer, batch=orders)
    seed.order(shop, "2024-03", 10.0, "b3", batch=orders, counted=False)  # closed: not a buyer
    series = series_of(company, ann)
    assert series["paid_buyers"]["2024-02"] == 3.0
    assert series["old_buyers"] == {"2024-02": 1.0, "2024-03": 2.0}
    assert series["repurchase_rate"] == {"2024-02": pytest.approx(1 / 3), "2024-03": 0.5}


def test_an_overview_keeps_its_own_returning_buyers(company: AppSession) -> None:
    seed = Seed(company)
    ann = seed.employee("E001", "安娜")
    shop = seed.store("悦颜美妆旗舰店")
    seed.own(ann, shop, "2024-01")
    orders = seed.batch("taobao-orders")
    for month in ("2024-01", "2024-02"):
        seed.order(shop, month, 10.0, "b1", batch=orders)
    seed.month_fact(shop, "2024-02", 1000.0, 500, 40, 12, batch=seed.batch("sycm-shop"))
    series = series_of(company, ann)
    assert series["old_buyers"] == {"2024-02": 12.0}
    assert series["repurchase_rate"] == {"2024-02": 12 / 40}


@pytest.mark.parametrize("odd_key", [None, "x,y"])
def test_order_totals_kept_in_step_equal_summing_every_order_again(
    company: AppSession, odd_key: str | None
) -> None:
    """The KPIs read the orders' store-month totals, brought up to date order by order here
    (as each import does); the books equal those read after summing every order again, and
    the returning buyers are those of the twelve months before (a key holding the separator
    SQLite hands keys over with is counted all the same)."""
    from core.services.eligibility import order_totals

    seed = Seed(company)
    ann = seed.employee("E001", "安娜")
    bo = seed.employee("E002", "博文")
    shop, other = seed.store("悦颜美妆专营店"), seed.store("悦颜美妆旗舰店")
    seed.own(ann, shop, "2023-01")
    seed.own(bo, other, "2023-01")
    orders = seed.batch("taobao-orders")
    buyers_by_month = {
        "2022-12": ["old"],
        "2023-06": ["b9", "b2"],
        "2024-01": ["b1", "b2"],
        "2024-02": ["b1", "b1", "b3", odd_key or "b5"],
        "2024-03": ["b2", "b4", "old", odd_key or "b5", "b9"],
    }
    for month, buyers in buyers_by_month.items():
        for buyer in buyers:
            seed.order(shop, month, 10.0, buyer, batch=orders)
            seed.order(other, month, 20.0, buyer + "o", batch=orders)
    seed.order(shop, "2024-03", 10.0, "b3", batch=orders, counted=False)
    seed.order(other, "2024-02", 10.0, None, batch=orders)

    def books() -> list[kpi.FactBook]:
        found = []
        with company.read() as s:
            for months in (
                None,
                ("2024-02", "2024-03"),
                ("2024-03", "2024-03"),
                ("2024-01", "2024-01"),
            ):
                found.append(kpi.load_facts(s, months=months))
                found.append(kpi.load_facts(s, [ann], months=months))
        return found

    kept = books()
    with company.read() as s:
        assert order_totals.stored(s) == order_totals.computed(s)
    with company.uow() as uow:
        order_totals.rebuild(uow.session)
        uow.commit()
    reread = books()
    series = series_of(company, ann)
    # 2024-02: b1 was a buyer in 2024-01; 2024-03: b2, b9 (2023-06) and the b5 of 2024-02
    # came back, "old" (2022-12) is beyond the twelve months, b3's order was closed
    assert series["old_buyers"]["2024-02"] == 1 and series["old_buyers"]["2024-03"] == 3
    assert any(not np.isnan(b.grid["old_buyers"]).all() for b in kept)
    for a, b in zip(kept, reread, strict=True):
        assert (a.months, a.store_ids) == (b.months, b.store_ids)
        assert set(a.grid) == set(b.grid)
        for code in a.grid:
            np.testing.assert_array_equal(a.grid[code], b.grid[code], err_msg=code)


# --- the KPI tab's months: the newest year unless asked for more ------------------------------


def _thirty_months(company: AppSession) -> tuple[Seed, int, int]:
    seed = Seed(company)
    ann = seed.employee("E004", "陈静")
    shop = seed.store("旗舰店")
    seed.own(ann, shop, "2022-01")
    gmv = [1000.0 + 37.0 * i for i in range(30)]  # 2022-01 … 2024-06
    seed.months(shop, "2022-01", gmv, batch=seed.batch(), visitors=[5000] * 30, buyers=[90] * 30)
    return seed, ann, shop


def test_kpi_tab_opens_on_the_newest_year_with_the_same_numbers_as_the_whole_history(
    company: AppSession,
) -> None:
    _, ann, _ = _thirty_months(company)
    shown = kpi.employee_kpi(company, ann)
    whole = kpi.employee_kpi(company, ann, span=None)
    assert shown.span == kpi.DEFAULT_SPAN == 12 and shown.earlier
    assert shown.months == tuple(mo.range("2023-07", "2024-06"))
    assert whole.months == tuple(mo.range("2022-01", "2024-06")) and not whole.earlier
    # every number shown is the one the whole history gives, the first month's growth included
    for part in shown.metrics:
        full = next(m for m in whole.metrics if m.metric.code == part.metric.code)
        assert part.values == {m: full.values[m] for m in part.values}
        assert set(part.values) <= set(shown.months)
    growth = next(m for m in shown.metrics if m.metric.code == "gmv_growth")
    assert growth.values["2023-07"] == pytest.approx((1000 + 37 * 18) / (1000 + 37 * 17) - 1)
    assert kpi.employee_kpi(company, ann, span=24).months == tuple(mo.range("2022-07", "2024-06"))


def test_kpi_tab_of_someone_who_left_their_store_ends_at_their_last_month(
    company: AppSession,
) -> None:
    seed, _, shop = _thirty_months(company)
    bo = seed.employee("E005", "王博")
    seed.own(bo, shop, "2022-03", "2022-10")  # ran it alongside 陈静 for eight months, then left
    shown = kpi.employee_kpi(company, bo)
    assert shown.months == tuple(mo.range("2022-03", "2022-10"))
    assert not shown.earlier  # nothing before March 2022 is theirs


def test_kpi_window_keeps_a_part_month_after_the_newest_complete_one(company: AppSession) -> None:
    seed, ann, shop = _thirty_months(company)
    orders = seed.batch("taobao-orders")
    # July 2024 holds one order paid at 00:21 on the 1st: a part month, shown after June
    seed.order(shop, "2024-07", 10.0, "b1", batch=orders, paid_at=datetime(2024, 7, 1, 0, 21))
    shown = kpi.employee_kpi(company, ann)
    assert shown.complete_until == "2024-06"
    assert shown.months == tuple(mo.range("2023-07", "2024-07"))
    assert shown.incomplete("2024-07") and not shown.incomplete("2024-06")


def test_kpi_span_must_be_a_month_or_more(company: AppSession) -> None:
    _, ann, _ = _thirty_months(company)
    with pytest.raises(ValueError):
        kpi.employee_kpi(company, ann, span=0)
