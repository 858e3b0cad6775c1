"""Every sample export imports into the demo company with the monthly totals a user would add up in Excel,
the KPI engine sees them through who ran which store, and undo takes everything back exactly.

Expected figures are computed here from the files with plain pandas, independently of the importer.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import distinct, func, select

from core.model import (
    AuditEntry,
    Employee,
    LiveSessionFact,
    OrderFact,
    ScoreEntry,
    Store,
    StoreDayFact,
    StoreMonthFact,
    TrainingRecord,
)
from core.services.eligibility import metrics
from core.services.imports import engine as imports
from core.session import AppSession
from tests.core.services.import_support import (
    BOOKKEEPING,
    DOUYIN,
    LIVE,
    STORE_EXPORTS,
    SYCM_DAILY,
    SYCM_MONTHLY,
    TAOBAO,
    TEMPLATES,
    snapshot,
    with_people,
)


@pytest.fixture
def demo(company_beauty: AppSession) -> AppSession:
    """Template B with the sample roster and store owners, as the demo company starts."""
    return with_people(company_beauty)


def _number(series: pd.Series) -> pd.Series:
    """What a user does in Excel: drop thousands separators and treat "-" as empty."""
    text = series.astype(str).str.replace(",", "").str.strip()
    return pd.to_numeric(text.where(~text.isin(["-", "", "nan"])), errors="coerce")


def _employee_id(app: AppSession, no: str) -> int:
    with app.read() as s:
        return s.scalars(select(Employee.id).where(Employee.no == no)).one()


def _kpi(app: AppSession, no: str, code: str) -> dict[str, float]:
    found = metrics.employee_kpi(app, _employee_id(app, no))
    for series in found.metrics:
        if series.metric.code == code:
            return series.values
    return {}


def _store_id(app: AppSession, name: str) -> int:
    with app.read() as s:
        return s.scalars(select(Store.id).where(Store.name == name)).one()


# --- each sample, with totals computed independently ---------------------------------------------


def test_sycm_daily_export_gives_the_daily_sums_per_month_to_the_stores_owner(
    demo: AppSession,
) -> None:
    raw = pd.read_excel(SYCM_DAILY, engine="calamine", header=3, dtype=str)
    raw["month"] = raw["统计日期"].str[:7]
    expected = (
        raw.assign(
            gmv=_number(raw["支付金额"]),
            visitors=_number(raw["访客数"]),
            buyers=_number(raw["支付买家数"]),
            old=_number(raw["老买家数"]),
        )
        .groupby("month")[["gmv", "visitors", "buyers", "old"]]
        .sum()
    )

    result = imports.import_file(demo, SYCM_DAILY)

    assert result.kind == "sycm-shop" and result.store == "悦颜美妆旗舰店"
    assert result.rows == len(raw) and result.imported == len(raw) and result.skipped == 0
    assert result.errors == [] and result.months == list(expected.index)
    with demo.read() as s:
        stored = {
            month: (gmv, visitors, buyers, old, days)
            for month, gmv, visitors, buyers, old, days in s.execute(
                select(
                    StoreDayFact.month,
                    func.sum(StoreDayFact.gmv),
                    func.sum(StoreDayFact.visitors),
                    func.sum(StoreDayFact.paid_buyers),
                    func.sum(StoreDayFact.old_buyers),
                    func.count(),
                )
                .where(StoreDayFact.batch_id == result.batch_id)
                .group_by(StoreDayFact.month)
            )
        }
    gmv = _kpi(demo, "E004", "gmv")  # 陈静 runs 悦颜美妆旗舰店 since 2023-01
    conversion = _kpi(demo, "E004", "conversion_rate")
    repurchase = _kpi(demo, "E004", "repurchase_rate")
    for month, row in expected.iterrows():
        assert stored[month][0] == pytest.approx(row["gmv"], abs=0.005)
        assert stored[month][1:4] == (row["visitors"], row["buyers"], row["old"])
        assert stored[month][4] == (raw["month"] == month).sum()
        assert gmv[month] == pytest.approx(row["gmv"], abs=0.005)
        assert conversion[month] == pytest.approx(row["buyers"] / row["visitors"])
        assert repurchase[month] == pytest.approx(row["old"] / row["buyers"])
    # the totals the wizard shows before committing are the same figures
    assert [t.month for t in result.totals] == list(expected.index)
    for totals in result.totals:
        assert totals.gmv == pytest.approx(expected.loc[totals.month, "gmv"], abs=0.01)
        assert totals.visitors == expected.loc[totals.month, "visitors"]
        assert totals.buyers == expected.loc[totals.month, "buyers"]


def test_sycm_monthly_overview_counts_for_whoever_ran_the_store_that_month(
    demo: AppSession,
) -> None:
    raw = pd.read_excel(SYCM_MONTHLY, engine="calamine", header=2, dtype=str)
    raw = raw[raw["日期"].astype(str).str.match(r"^\d{4}-\d{2}$")]
    expected = pd.DataFrame(
        {
            "gmv": _number(raw["支付金额"]).values,
            "visitors": _number(raw["访客数"]).values,
            "buyers": _number(raw["支付买家数"]).values,
        },
        index=raw["日期"].values,
    )

    result = imports.import_file(demo, SYCM_MONTHLY)

    assert result.store == "悦颜美妆专营店" and result.imported == len(raw)
    assert result.months == list(expected.index)
    with demo.read() as s:
        stored = {
            r.month: r
            for r in s.scalars(
                select(StoreMonthFact).where(StoreMonthFact.batch_id == result.batch_id)
            )
        }
    assert all(r.source == "sycm-shop" for r in stored.values())
    for month, row in expected.iterrows():
        assert stored[month].gmv == pytest.approx(row["gmv"])
        assert (stored[month].visitors, stored[month].paid_buyers) == (
            row["visitors"],
            row["buyers"],
        )
    # the store changed hands in 2023-07: 胡月 (E012) before, 孙悦 (E006) from then on
    before, after = _kpi(demo, "E012", "gmv"), _kpi(demo, "E006", "gmv")
    assert sorted(before) == [m for m in expected.index if m <= "2023-06"]
    assert sorted(after) == [m for m in expected.index if m >= "2023-07"]
    assert after["2024-06"] == pytest.approx(expected.loc["2024-06", "gmv"])


def test_a_monthly_overview_resaved_by_excel_with_date_cells_is_still_months(
    demo: AppSession, tmp_path: Path
) -> None:
    """Opened and saved in Excel, 日期 "2024-01" becomes the date cell 2024-01-01. Read as days,
    each month's total sat on its 1st and was no month fact, and the daily export imported
    afterwards added its own days: 2024-01's GMV came out nearly twice what it was."""
    from datetime import datetime

    from openpyxl import load_workbook

    book = load_workbook(SYCM_MONTHLY)
    sheet = book.active
    assert sheet is not None
    changed = 0
    for (cell,) in sheet.iter_rows(min_col=1, max_col=1):
        text = str(cell.value or "")
        if len(text) == 7 and text[4] == "-" and text[:4].isdigit():
            cell.value = datetime(int(text[:4]), int(text[5:]), 1)
            cell.number_format = "yyyy-mm"
            changed += 1
    assert changed == 18
    resaved = tmp_path / SYCM_MONTHLY.name
    book.save(resaved)

    def month_gmv(batch_id: int | None) -> dict[str, float | None]:
        with demo.read() as s:
            query = select(StoreMonthFact).where(StoreMonthFact.batch_id == batch_id)
            return {r.month: r.gmv for r in s.scalars(query)}

    as_dates = imports.import_file(demo, resaved)
    months = month_gmv(as_dates.batch_id)
    with demo.read() as s:
        days = s.scalar(select(func.count()).select_from(StoreDayFact))
    assert as_dates.imported == 18 and len(months) == 18 and days == 0
    imports.undo_import(demo, as_dates.batch_id)
    assert months == month_gmv(imports.import_file(demo, SYCM_MONTHLY).batch_id)


def _taobao_frame() -> pd.DataFrame:
    raw = pd.read_csv(TAOBAO, encoding="gb18030", dtype=str)
    raw.columns = [c.strip() for c in raw.columns]
    raw["order"] = raw["订单编号"].str.strip().str.removeprefix('="').str.removesuffix('"')
    paid = pd.to_datetime(raw["订单付款时间"].str.strip(), errors="coerce")
    created = pd.to_datetime(raw["订单创建时间"].str.strip(), errors="coerce")
    raw["month"] = paid.fillna(created).dt.strftime("%Y-%m")
    raw["amount"] = _number(raw["买家实际支付金额"])
    return raw


def test_taobao_orders_count_paid_orders_and_distinct_buyers_without_storing_who_they_are(
    demo: AppSession,
) -> None:
    raw = _taobao_frame()
    paid = raw[raw["订单状态"].str.strip() != "交易关闭"]
    expected = paid.groupby("month").agg(
        gmv=("amount", "sum"), buyers=("买家会员名", "nunique"), orders=("order", "nunique")
    )
    known = _texts(demo)

    result = imports.import_file(demo, TAOBAO)

    assert result.kind == "taobao-orders" and result.store == "悦颜美妆专营店"
    assert (result.rows, result.imported) == (len(raw), len(paid))
    assert result.skipped == len(raw) - len(paid)  # 交易关闭 does not count
    with demo.read() as s:
        stored = {
            month: (gmv, buyers, orders)
            for month, gmv, buyers, orders in s.execute(
                select(
                    OrderFact.month,
                    func.sum(OrderFact.amount),
                    func.count(distinct(OrderFact.buyer_key)),
                    func.count(distinct(OrderFact.order_no)),
                )
                .where(OrderFact.batch_id == result.batch_id, OrderFact.counted.is_(True))
                .group_by(OrderFact.month)
            )
        }
        closed = s.scalars(
            select(OrderFact.order_no).where(
                OrderFact.batch_id == result.batch_id, OrderFact.counted.is_(False)
            )
        ).all()
    assert sorted(stored) == list(expected.index)
    for month, row in expected.iterrows():
        assert stored[month][0] == pytest.approx(row["gmv"], abs=0.005)
        assert stored[month][1:] == (row["buyers"], row["orders"])
    # closed orders are kept as not counted (so a later export can replace a paid version)
    assert sorted(closed) == sorted(raw.loc[raw["订单状态"].str.strip() == "交易关闭", "order"])
    # no buyer nickname, recipient name or phone in anything the import wrote
    personal = {
        *raw["买家会员名"].dropna(),
        *raw["收货人姓名"].dropna(),
        *raw["联系手机"].dropna().str.lstrip("'"),
    }
    written = _texts(demo) - known
    assert written  # order numbers, statuses, pseudonyms ...
    assert not {p for p in personal for t in written if p in t}


def _texts(app: AppSession) -> set[str]:
    return {
        str(value)
        for rows in snapshot(app).values()
        for row in rows
        for value in row
        if isinstance(value, str | dict | list)
    }


def test_same_buyer_gets_the_same_pseudonym_in_every_import_of_one_company(
    demo: AppSession, tmp_path: Path
) -> None:
    first = imports.import_file(demo, TAOBAO)
    # the same orders exported again (another file): the buyers' keys must be the same
    again = tmp_path / "ExportOrderList202406_again.csv"
    again.write_bytes(TAOBAO.read_bytes() + b"\r\n")
    second = imports.import_file(demo, again, on_duplicate="replace")
    with demo.read() as s:

        def keys(batch: int | None) -> dict[str, str | None]:
            return dict(
                s.execute(
                    select(OrderFact.order_no, OrderFact.buyer_key).where(
                        OrderFact.batch_id == batch
                    )
                ).all()
            )

        assert keys(first.batch_id) == keys(second.batch_id)


def test_douyin_orders_count_per_month_and_link_creators_to_live_accounts(
    demo: AppSession,
) -> None:
    raw = pd.read_excel(DOUYIN, engine="calamine", dtype=str)
    raw["month"] = pd.to_datetime(raw["支付完成时间"]).dt.strftime("%Y-%m")
    raw["amount"] = _number(raw["订单应付金额"])
    paid = raw[raw["订单状态"] != "已关闭"]

    result = imports.import_file(demo, DOUYIN)

    # the file names no store: it goes to the only 抖音 store, and says so
    assert result.store == "悦颜抖音小店"
    assert result.notes[0].code == "imports.store_assumed"
    assert (result.rows, result.imported) == (len(raw), len(paid))
    with demo.read() as s:
        by_month = dict(
            s.execute(
                select(OrderFact.month, func.sum(OrderFact.amount))
                .where(OrderFact.batch_id == result.batch_id, OrderFact.counted.is_(True))
                .group_by(OrderFact.month)
            ).all()
        )
        by_account = dict(
            s.execute(
                select(Store.name, func.sum(OrderFact.amount))
                .join(Store, Store.id == OrderFact.live_account_id)
                .where(OrderFact.batch_id == result.batch_id, OrderFact.counted.is_(True))
                .group_by(Store.name)
            ).all()
        )
        sub_orders = s.scalar(
            select(func.count(distinct(OrderFact.sub_order_no))).where(
                OrderFact.batch_id == result.batch_id
            )
        )
    for month, gmv in paid.groupby("month")["amount"].sum().items():
        assert by_month[month] == pytest.approx(gmv, abs=0.005)
    for account, gmv in paid[paid["达人昵称"] != "-"].groupby("达人昵称")["amount"].sum().items():
        assert by_account[account] == pytest.approx(gmv, abs=0.005)
    assert sub_orders == raw["子订单编号"].nunique()  # one fact per sub-order


def test_live_session_list_goes_to_each_account_and_its_host(demo: AppSession) -> None:
    raw = pd.read_excel(LIVE, engine="calamine", dtype=str)
    raw["gmv"] = _number(raw["直播间成交金额"])  # 成交金额, not 用户支付金额
    raw["viewers"] = _number(raw["直播间观看人数"])
    expected = raw.groupby("主播昵称").agg(
        sessions=("gmv", "size"), gmv=("gmv", "sum"), viewers=("viewers", "sum")
    )

    result = imports.import_file(demo, LIVE)

    assert result.kind == "douyin-live" and result.imported == len(raw) and result.store is None
    with demo.read() as s:
        stored = {
            name: (n, gmv, viewers)
            for name, n, gmv, viewers in s.execute(
                select(
                    Store.name,
                    func.count(),
                    func.sum(LiveSessionFact.gmv),
                    func.sum(LiveSessionFact.viewers),
                )
                .join(Store, Store.id == LiveSessionFact.store_id)
                .group_by(Store.name)
            )
        }
    for account, row in expected.iterrows():
        assert stored[account][0] == row["sessions"]
        assert stored[account][1] == pytest.approx(row["gmv"], abs=0.005)
        assert stored[account][2] == row["viewers"]
    # 黄婷 (E008) hosts 悦颜小美 since 2023-08: her live KPIs for June are its sessions
    assert _kpi(demo, "E008", "live_sessions") == {"2024-06": expected.loc["悦颜小美", "sessions"]}
    assert _kpi(demo, "E008", "live_gmv")["2024-06"] == pytest.approx(
        expected.loc["悦颜小美", "gmv"], abs=0.005
    )


def test_tidui_templates_go_through_the_archive_import(demo: AppSession) -> None:
    from core.services.promotion.cycles import open_cycle

    open_cycle(demo, "2024上半年", "2024-06")  # the scores sample names this cycle
    found = {kind: imports.import_file(demo, path) for kind, path in TEMPLATES.items()}
    for kind, result in found.items():
        rows = len(pd.read_excel(TEMPLATES[kind], engine="calamine"))
        assert result.kind == kind and (result.rows, result.imported) == (rows, rows), kind
        assert result.errors == []
    with demo.read() as s:
        assert s.scalar(select(func.count(Employee.id))) == 15
        assert s.scalar(select(func.count(TrainingRecord.id))) == 3
        assert s.scalar(select(func.count(ScoreEntry.id))) == 5
    # undo takes an archive batch back too
    imports.undo_import(demo, found["scores"].batch_id or 0)
    with demo.read() as s:
        assert s.scalar(select(func.count(ScoreEntry.id))) == 0


def test_every_sample_imports_without_errors_and_every_batch_is_listed(demo: AppSession) -> None:
    results = [imports.import_file(demo, path) for path in STORE_EXPORTS]
    assert all(r.batch_id is not None and r.errors == [] for r in results)
    history = imports.list_batches(demo)
    assert [b.id for b in history] == sorted((b.id for b in history), reverse=True)
    latest = {b.id: b for b in history}
    for result in results:
        row = latest[result.batch_id or 0]
        assert (row.source, row.rows, row.imported, row.skipped) == (
            result.kind,
            result.rows,
            result.imported,
            result.skipped,
        )
        assert list(row.months) == result.months and row.user_login == "boss"
        assert not row.undone
    assert latest[results[0].batch_id or 0].store == "悦颜美妆旗舰店"


# --- undo ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", STORE_EXPORTS, ids=lambda p: p.name)
def test_undo_restores_the_company_file_exactly(demo: AppSession, path: Path) -> None:
    before = snapshot(demo, skip=BOOKKEEPING)
    result = imports.import_file(demo, path)
    assert snapshot(demo, skip=BOOKKEEPING) != before

    undone = imports.undo_import(demo, result.batch_id or 0)

    assert undone.removed >= result.imported and undone.restored == 0
    assert snapshot(demo, skip=BOOKKEEPING) == before
    batch = imports.list_batches(demo)[0]
    assert batch.id == result.batch_id and batch.undone and batch.undone_by == "boss"
    with demo.read() as s:
        actions = s.scalars(
            select(AuditEntry.action).where(
                AuditEntry.entity == "import_batch", AuditEntry.entity_id == str(result.batch_id)
            )
        ).all()
    assert actions == ["import.commit", "import.undo"]


def test_undo_twice_or_of_an_unknown_batch_is_refused(demo: AppSession) -> None:
    from core.errors import NotFound, ValidationError

    result = imports.import_file(demo, LIVE)
    imports.undo_import(demo, result.batch_id or 0)
    with pytest.raises(ValidationError) as again:
        imports.undo_import(demo, result.batch_id or 0)
    assert again.value.code == "imports.already_undone"
    with pytest.raises(NotFound):
        imports.undo_import(demo, 999)


def test_a_roster_batch_whose_people_have_other_data_is_not_undone(
    company_beauty: AppSession,
) -> None:
    from core.errors import ValidationError
    from core.i18n import render
    from core.services.archive import employees
    from core.services.archive import records as archive

    roster = imports.import_file(company_beauty, TEMPLATES["training"].with_name("员工花名册.xlsx"))
    training = imports.import_file(company_beauty, TEMPLATES["training"])
    e006 = next(r.id for r in employees.list_employees(company_beauty) if r.no == "E006")
    archive.add_feedback(
        company_beauty, e006, archive.FeedbackInput("上级", date(2024, 6, 1), {"数据分析": 4}, "好")
    )
    before = _counts(company_beauty)
    with pytest.raises(ValidationError) as refused:
        imports.undo_import(company_beauty, roster.batch_id or 0)
    text = render(refused.value.code, refused.value.params)
    assert text.startswith(f"无法撤销批次 #{roster.batch_id}")
    assert "E004 陈静（培训记录1条）；E006 孙悦（评价反馈1条、培训记录1条）" in text
    assert "Undo the later batches" in render(refused.value.code, refused.value.params, "en")
    assert _counts(company_beauty) == before  # nothing deleted
    # once the later batch and the hand-entered feedback are gone, the roster can go
    imports.undo_import(company_beauty, training.batch_id or 0)
    for row in archive.list_feedback(company_beauty, e006):
        archive.delete_feedback(company_beauty, row.id)
    imports.undo_import(company_beauty, roster.batch_id or 0)
    assert _counts(company_beauty) == (0, 0, 0)


def _counts(app: AppSession) -> tuple[int, int, int]:
    from core.model import Feedback

    with app.read() as s:
        return (
            s.scalar(select(func.count(Employee.id))) or 0,
            s.scalar(select(func.count(TrainingRecord.id))) or 0,
            s.scalar(select(func.count(Feedback.id))) or 0,
        )
