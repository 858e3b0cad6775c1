"""Re-importing a file, or data that overlaps what is stored: skip (default), replace, or fail, and undo restores."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from core.errors import ValidationError
from core.model import OrderFact, Store, StoreDayFact
from core.services.imports import engine as imports
from core.session import AppSession
from tests.core.services.import_support import (
    BOOKKEEPING,
    SYCM_DAILY,
    SYCM_MONTHLY,
    TAOBAO,
    snapshot,
    with_people,
)


@pytest.fixture
def demo(company_beauty: AppSession) -> AppSession:
    return with_people(company_beauty)


def _june_days(folder: Path, gmv_first_day: str | None = None) -> Path:
    """The 旗舰店's June as a CSV export (preamble kept), optionally with 06-01's GMV changed."""
    raw = pd.read_excel(SYCM_DAILY, engine="calamine", header=None, dtype=str).fillna("")
    head, body = raw.iloc[:4], raw.iloc[4:]
    june = body[body[0].str.startswith("2024-06")].copy()
    if gmv_first_day is not None:
        june.iloc[0, 3] = gmv_first_day
    path = folder / "店铺整体_日_悦颜美妆旗舰店_2024-06-01_2024-06-30.csv"
    pd.concat([head, june]).to_csv(path, header=False, index=False, encoding="utf-8-sig")
    return path


def _june_gmv(app: AppSession) -> float:
    with app.read() as s:
        value = s.scalar(
            select(func.sum(StoreDayFact.gmv)).where(
                StoreDayFact.month == "2024-06", StoreDayFact.superseded_by.is_(None)
            )
        )
    return float(value or 0)


def test_the_same_file_again_is_skipped_and_says_so(demo: AppSession) -> None:
    first = imports.import_file(demo, SYCM_DAILY)
    before = snapshot(demo)

    again = imports.import_file(demo, SYCM_DAILY)

    assert again.batch_id is None and again.imported == 0 and again.skipped == again.rows
    assert again.duplicate_of is not None and again.duplicate_of.id == first.batch_id
    assert again.notes[-1].code == "imports.already_imported"
    assert "--on-duplicate replace" in again.notes[-1].text("zh")
    assert snapshot(demo) == before  # not even an audit entry


def test_the_same_file_with_fail_is_an_error_and_changes_nothing(demo: AppSession) -> None:
    imports.import_file(demo, TAOBAO)
    before = snapshot(demo)
    with pytest.raises(ValidationError) as error:
        imports.import_file(demo, TAOBAO, on_duplicate="fail")
    assert error.value.code == "imports.already_imported_fail"
    assert snapshot(demo) == before


def test_replacing_supersedes_the_older_rows_and_undo_brings_them_back(demo: AppSession) -> None:
    first = imports.import_file(demo, TAOBAO)
    after_first = snapshot(demo, skip=BOOKKEEPING)

    second = imports.import_file(demo, TAOBAO, on_duplicate="replace")

    assert second.batch_id is not None and second.replaced == first.rows
    assert second.imported == first.imported
    with demo.read() as s:
        old = s.scalars(select(OrderFact).where(OrderFact.batch_id == first.batch_id)).all()
        assert {o.superseded_by for o in old} == {second.batch_id}
        active = s.scalar(select(func.count(OrderFact.id)).where(OrderFact.superseded_by.is_(None)))
        assert active == first.rows  # each order once
    # the older batch cannot be undone while a later one replaced its rows
    with pytest.raises(ValidationError) as error:
        imports.undo_import(demo, first.batch_id or 0)
    assert error.value.code == "imports.undo_later_first"

    imports.undo_import(demo, second.batch_id or 0)
    assert snapshot(demo, skip=BOOKKEEPING) == after_first


def test_overlapping_days_are_skipped_by_default_and_replaced_on_request(
    demo: AppSession, tmp_path: Path
) -> None:
    imports.import_file(demo, SYCM_DAILY)
    original = _june_gmv(demo)
    corrected = _june_days(tmp_path, gmv_first_day="99,999.00")
    before = snapshot(demo)

    skipped = imports.import_file(demo, corrected)

    assert skipped.batch_id is None and skipped.duplicates == 30 and skipped.imported == 0
    assert {n.code for n in skipped.notes} >= {
        "imports.duplicates_skipped",
        "imports.all_duplicates",
    }
    assert snapshot(demo) == before and _june_gmv(demo) == pytest.approx(original)
    with pytest.raises(ValidationError) as error:
        imports.import_file(demo, corrected, on_duplicate="fail")
    assert error.value.code == "imports.duplicates_fail"
    assert snapshot(demo) == before

    replaced = imports.import_file(demo, corrected, on_duplicate="replace")

    assert replaced.replaced == 30 and replaced.imported == 30
    first_day = pd.read_excel(SYCM_DAILY, engine="calamine", header=3, dtype=str)
    old_value = float(
        first_day.loc[first_day["统计日期"] == "2024-06-01", "支付金额"].iloc[0].replace(",", "")
    )
    assert _june_gmv(demo) == pytest.approx(original - old_value + 99_999.0)

    imports.undo_import(demo, replaced.batch_id or 0)
    assert _june_gmv(demo) == pytest.approx(original)


def test_a_later_export_can_close_an_order_that_was_paid(demo: AppSession, tmp_path: Path) -> None:
    raw = pd.read_csv(TAOBAO, encoding="gb18030", dtype=str, keep_default_na=False)
    imports.import_file(demo, TAOBAO)
    paid = raw[raw["订单状态"] == "交易成功"].iloc[0]
    refunded = raw.copy()
    refunded.loc[refunded["订单编号"] == paid["订单编号"], "订单状态"] = "交易关闭"
    later = tmp_path / "ExportOrderList202406_later.csv"
    refunded.to_csv(later, index=False, encoding="gb18030")
    order_no = paid["订单编号"].removeprefix('="').removesuffix('"')

    def counted_amount() -> float:
        with demo.read() as s:
            return float(
                s.scalar(
                    select(func.sum(OrderFact.amount)).where(
                        OrderFact.counted.is_(True), OrderFact.superseded_by.is_(None)
                    )
                )
                or 0
            )

    before = counted_amount()
    result = imports.import_file(demo, later, on_duplicate="replace")

    assert result.imported == result.rows - result.skipped
    assert counted_amount() == pytest.approx(before - float(paid["买家实际支付金额"]))
    with demo.read() as s:
        versions = s.execute(
            select(OrderFact.counted, OrderFact.superseded_by).where(OrderFact.order_no == order_no)
        ).all()
    assert sorted(versions, key=str) == sorted([(True, result.batch_id), (False, None)], key=str)


def _gmv(app: AppSession, store: str, month: str) -> float:
    from core.services.eligibility import metrics as kpi

    with app.read() as s:
        book = kpi.load_facts(s)
        store_id = s.scalar(select(Store.id).where(Store.name == store))
        value = book.grid["gmv"][book.store_ids.index(store_id), book.months.index(month)]
    return float(value)


def test_a_daily_overview_over_a_monthly_one_asks_and_replaces_on_request(
    demo: AppSession,
) -> None:
    """GUI audit 4 (A): the 旗舰店's daily export over months its monthly overview already held
    said 已导入 and changed nothing (the monthly row always won). It is an overlap now: skipped
    by default, saying so; replaced on request, its days are the month's figures; undo brings
    the monthly rows back."""
    shop = "悦颜美妆旗舰店"
    monthly = imports.import_file(demo, SYCM_MONTHLY, store=shop)
    june = _gmv(demo, shop, "2024-06")
    days = pd.read_excel(SYCM_DAILY, engine="calamine", header=3, dtype=str)
    in_june = days[days["统计日期"].str.startswith("2024-06")]
    june_days = float(in_june["支付金额"].str.replace(",", "").astype(float).sum())
    assert june != pytest.approx(june_days)  # the two files disagree, as real ones may
    before = snapshot(demo)

    skipped = imports.import_file(demo, SYCM_DAILY)
    assert skipped.batch_id is None and skipped.duplicates == 182
    assert "imports.duplicates_skipped" in {n.code for n in skipped.notes}
    assert snapshot(demo) == before
    with pytest.raises(ValidationError):
        imports.import_file(demo, SYCM_DAILY, on_duplicate="fail")
    opened = imports.open_file(demo, SYCM_DAILY)
    wizard = imports.check(
        demo, imports.preview(demo, opened, "sycm-shop")
    )  # the wizard's question
    assert wizard.facts == 182 and [b.id for b in wizard.batches] == [monthly.batch_id]

    replaced = imports.import_file(demo, SYCM_DAILY, on_duplicate="replace")
    assert replaced.imported == 182 and replaced.replaced == 6  # 2024-01 … 06's monthly rows
    assert _gmv(demo, shop, "2024-06") == pytest.approx(june_days)
    imports.undo_import(demo, replaced.batch_id or 0)
    assert _gmv(demo, shop, "2024-06") == pytest.approx(june)


def test_a_monthly_overview_over_daily_rows_is_an_overlap_too(demo: AppSession) -> None:
    shop = "悦颜美妆旗舰店"
    imports.import_file(demo, SYCM_DAILY)
    days_june = _gmv(demo, shop, "2024-06")
    skipped = imports.import_file(demo, SYCM_MONTHLY, store=shop)
    assert skipped.duplicates == 6 and skipped.imported == 12  # 2023's months are new
    assert _gmv(demo, shop, "2024-06") == pytest.approx(days_june)
    replaced = imports.import_file(demo, SYCM_MONTHLY, store=shop, on_duplicate="replace")
    assert replaced.replaced == 182 + 12  # the days, and the 12 months just imported
    assert _gmv(demo, shop, "2024-06") != pytest.approx(days_june)
