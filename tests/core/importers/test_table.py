"""Parsed tables give the figures a user checks against the back-end, and say what was odd or skipped.

Expected totals are computed from the files with plain pandas here, independently of the
importer, the way a user would add up a column in Excel.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from core.errors import ValidationError
from core.importers.headers import analyse, match_columns
from core.importers.reading import GridSheet, open_sheet
from core.importers.table import ParsedTable, parse_table
from core.importers.totals import monthly_totals

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
SYCM_DAILY = SAMPLES / "【生意参谋平台】店铺整体_日_悦颜美妆旗舰店_2024-01-01_2024-06-30.xls"
SYCM_MONTHLY = SAMPLES / "生意参谋_交易概况_月_悦颜美妆专营店_2023-01_2024-06.xlsx"
TAOBAO = SAMPLES / "ExportOrderList202406.csv"
DOUYIN = SAMPLES / "抖店订单导出_2024-06.xlsx"
LIVE = SAMPLES / "直播间列表_2024-06-01_2024-06-30.xlsx"


def _import(path: Path, kind: str | None = None, **options: object) -> ParsedTable:
    sheet = open_sheet(path)
    analysis = analyse(sheet.top(), path.name)
    mapping = analysis.mapping(kind)
    return parse_table(sheet, analysis.header.row, mapping, mapping.kind, **options)  # type: ignore[arg-type]


def _number(series: pd.Series) -> pd.Series:
    """What a user does in Excel: drop the thousands separators, treat "-" as empty."""
    return pd.to_numeric(series.str.replace(",", "").replace("-", None), errors="coerce")


@pytest.mark.parametrize("path", sorted(SAMPLES.iterdir()), ids=lambda p: p.name)
def test_every_sample_parses_without_errors(path: Path) -> None:
    table = _import(path)
    assert table.errors == []
    assert len(table.valid_frame) > 0
    assert table.data_rows == len(table.frame) + len(table.skipped)


def test_sycm_daily_monthly_totals() -> None:
    raw = pd.read_excel(SYCM_DAILY, engine="calamine", header=3, dtype=str)
    raw["month"] = raw["统计日期"].str[:7]
    expected = (
        raw.assign(
            gmv=_number(raw["支付金额"]),
            visitors=_number(raw["访客数"]),
            buyers=_number(raw["支付买家数"]),
            returning=_number(raw["老买家数"]),
        )
        .groupby("month")[["gmv", "visitors", "buyers", "returning"]]
        .sum()
    )

    table = _import(SYCM_DAILY)
    assert table.kind == "sycm-shop" and table.grain == "day"
    assert table.months == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    got = table.valid_frame.groupby("month")[
        ["gmv", "visitors", "paid_buyers", "returning_buyers"]
    ].sum()
    assert list(got.index) == list(expected.index)
    for month in expected.index:
        assert got.loc[month, "gmv"] == pytest.approx(expected.loc[month, "gmv"], abs=0.005)
        assert int(got.loc[month, "visitors"]) == int(expected.loc[month, "visitors"])
        assert int(got.loc[month, "paid_buyers"]) == int(expected.loc[month, "buyers"])
        # conversion = Σ支付买家数 / Σ访客数, repurchase = Σ老买家数 / Σ支付买家数
        conversion = got.loc[month, "paid_buyers"] / got.loc[month, "visitors"]
        assert conversion == pytest.approx(
            expected.loc[month, "buyers"] / expected.loc[month, "visitors"]
        )
        repurchase = got.loc[month, "returning_buyers"] / got.loc[month, "paid_buyers"]
        assert repurchase == pytest.approx(
            expected.loc[month, "returning"] / expected.loc[month, "buyers"]
        )
    # Daily rates are fractions, taken from "2.45%".
    first = table.valid_frame.iloc[0]
    assert first["date"] == pd.Timestamp("2024-01-01")
    assert first["conversion_rate"] == pytest.approx(0.0245)


def test_sycm_daily_dashes_are_warnings_with_position_and_text() -> None:
    raw = pd.read_excel(SYCM_DAILY, engine="calamine", header=3, dtype=str)
    dashes = {(i + 5, column) for column in raw.columns for i in raw.index[raw[column] == "-"]}
    table = _import(SYCM_DAILY)
    assert {(w.row, w.column) for w in table.warnings} == dashes
    assert all(
        w.text == "-" and w.message.code == "imports.value.missing_marker" for w in table.warnings
    )
    assert "第122行" in table.warnings[0].message.text("zh")


def test_sycm_monthly_totals() -> None:
    raw = pd.read_excel(SYCM_MONTHLY, engine="calamine", header=2, dtype=str)
    table = _import(SYCM_MONTHLY)
    assert table.grain == "month"
    frame = table.valid_frame.set_index("month")
    assert list(frame.index) == list(raw["日期"])
    assert frame["gmv"].tolist() == pytest.approx(_number(raw["支付金额"]).tolist())
    assert frame["visitors"].tolist() == _number(raw["访客数"]).astype(int).tolist()
    assert frame["conversion_rate"].tolist() == pytest.approx(
        (_number(raw["支付转化率"].str.rstrip("%")) / 100).tolist()
    )
    assert frame["date"].isna().all()


def test_taobao_orders_closed_orders_do_not_count() -> None:
    raw = pd.read_csv(TAOBAO, encoding="gb18030", dtype=str, keep_default_na=False)
    raw.columns = [c.strip() for c in raw.columns]
    counted = raw[raw["订单状态"] != "交易关闭"].copy()
    counted["month"] = (
        counted["订单付款时间"]
        .where(counted["订单付款时间"] != "", counted["订单创建时间"])
        .str[:7]
    )
    expected = (
        counted.assign(paid=pd.to_numeric(counted["买家实际支付金额"]))
        .groupby("month")["paid"]
        .agg(["sum", "count"])
    )

    table = _import(TAOBAO, pseudonym_key=b"k" * 32)
    assert table.kind == "taobao-orders"
    assert len(table.skipped) == (raw["订单状态"] == "交易关闭").sum() == 12
    assert {s.reason.code for s in table.skipped} == {"imports.skip.not_counted"}
    assert "交易关闭" in table.skipped[0].reason.text("zh")
    got = table.valid_frame.groupby("month")["paid_amount"].agg(["sum", "count"])
    assert list(got.index) == list(expected.index)
    assert got["sum"].tolist() == pytest.approx(expected["sum"].tolist())
    assert got["count"].tolist() == expected["count"].tolist()
    # 19-digit order numbers survive exactly, without the ="…" wrapper.
    assert table.valid_frame["order_id"].iloc[0] == "8893410389519920701"
    # July holds only orders paid just after June ended: the totals say it is partial
    totals = {t.month: t for t in monthly_totals(table)}
    assert not totals["2024-06"].partial and totals["2024-07"].partial
    assert totals["2024-07"].rows == expected.loc["2024-07", "count"]


def test_buyers_are_never_kept_in_clear() -> None:
    dropped = _import(TAOBAO)
    assert "buyer" not in dropped.frame.columns
    hashed = _import(TAOBAO, pseudonym_key=b"k" * 32)
    buyers = pd.read_csv(TAOBAO, encoding="gb18030", dtype=str)["买家会员名"]
    assert not set(hashed.frame["buyer"]) & set(buyers)
    # The same buyer gets the same pseudonym, so repeat purchases can still be counted.
    repeated = buyers[buyers.duplicated(keep=False)].iloc[0]
    rows = [i + 2 for i in buyers.index[buyers == repeated]]
    pseudonyms = hashed.frame.set_index("row").loc[
        [r for r in rows if r in set(hashed.frame["row"])], "buyer"
    ]
    assert pseudonyms.nunique() == 1


def test_douyin_orders_totals_per_month_and_creator() -> None:
    raw = pd.read_excel(DOUYIN, engine="calamine", dtype=str)
    counted = raw[raw["订单状态"] != "已关闭"]
    amount = pd.to_numeric(counted["订单应付金额"])
    by_creator = amount.groupby(counted["达人昵称"].replace("-", None)).sum()

    table = _import(DOUYIN)
    frame = table.valid_frame
    assert table.months == ["2024-06"]
    assert len(table.skipped) == (raw["订单状态"] == "已关闭").sum()
    assert frame["amount"].sum() == pytest.approx(amount.sum())
    assert (
        frame["order_id"].nunique() == counted["主订单编号"].nunique()
    )  # sub-orders share a main order
    assert frame.groupby("author_name")["amount"].sum().to_dict() == pytest.approx(
        by_creator.to_dict()
    )
    assert (
        frame["author_name"].isna().sum() == (counted["达人昵称"] == "-").sum()
    )  # "-": no creator


def test_live_sessions_per_account() -> None:
    raw = pd.read_excel(LIVE, engine="calamine", dtype=str)
    table = _import(LIVE)
    frame = table.valid_frame
    got = frame.groupby("account_name").agg(
        gmv=("gmv", "sum"), viewers=("viewers", "sum"), sessions=("row", "count")
    )
    expected = raw.groupby("主播昵称").agg(
        gmv=("直播间成交金额", lambda s: pd.to_numeric(s).sum()),
        viewers=("直播间观看人数", lambda s: pd.to_numeric(s).sum()),
        sessions=("主播昵称", "count"),
    )
    assert got["gmv"].tolist() == pytest.approx(expected["gmv"].tolist())
    assert got["viewers"].tolist() == expected["viewers"].tolist()
    assert got["sessions"].tolist() == expected["sessions"].tolist()
    first = frame.iloc[0]
    assert first["started_at"] == pd.Timestamp("2024-06-06 14:10:34")
    assert first["watch_to_buy_rate"] == pytest.approx(0.0238)  # a decimal ratio, not a percent
    assert first["duration"] == 180 * 60


def test_template_kinds_feed_the_archive_importer() -> None:
    roster = _import(SAMPLES / "员工花名册.xlsx").records()
    assert len(roster) == 15
    assert sum(r["leave_date"] is not None for r in roster) == 2  # two departed employees
    first = roster[0]
    assert (
        first["_row"] == 2 and first["no"] == "E001" and first["hire_date"] == dt.date(2021, 3, 1)
    )
    owners = _import(SAMPLES / "店铺负责人.xlsx").records()
    shop = sorted(
        (r["start_month"], r["end_month"], r["no"])
        for r in owners
        if r["store"] == "悦颜美妆专营店"
    )
    assert shop == [("2023-01", "2023-06", "E012"), ("2023-07", None, "E006")]
    achievements = _import(SAMPLES / "成果记录.xlsx").records()
    assert [r["roi"] for r in achievements if r["roi"] is not None] == [2.6, 2.1, 3.4]
    training = _import(SAMPLES / "培训记录.xlsx").records()
    assert [r["passed"] for r in training] == [True, True, False]


# --- odd rows in synthetic sheets -----------------------------------------------------------


def _grid(rows: list[list[object]], name: str = "test.xlsx") -> GridSheet:
    return GridSheet(Path(name), "Sheet1", "xlsx", rows)  # type: ignore[arg-type]


def _parse(
    rows: list[list[object]], kind: str, header_row: int = 0, **options: object
) -> ParsedTable:
    sheet = _grid(rows)
    mapping = match_columns(sheet.top()[header_row], kind, header_row)
    return parse_table(sheet, header_row, mapping, kind, "test.xlsx", **options)  # type: ignore[arg-type]


SYCM_HEADER = ["统计日期", "访客数", "支付金额", "支付买家数", "支付转化率"]


def test_totals_average_and_note_rows_are_skipped() -> None:
    table = _parse(
        [
            ["店铺整体数据-日", "", "", "", ""],
            SYCM_HEADER,
            ["2024-03-01", "1,000", "5,000.00", "20", "2.00%"],
            ["2024-03-02", "2,000", "6,000.00", "40", "2.00%"],
            ["", "", "", "", ""],
            ["合计", "3,000", "11,000.00", "60", "2.00%"],
            [" 平均值", "1,500", "5,500.00", "30", "2.00%"],
            ["数据来源：生意参谋", "", "", "", ""],
        ],
        "sycm-shop",
        header_row=1,
    )
    assert table.errors == []
    assert table.valid_frame["gmv"].sum() == 11_000
    assert [(s.row, s.reason.code) for s in table.skipped] == [
        (6, "imports.skip.total_row"),
        (7, "imports.skip.total_row"),
        (8, "imports.skip.note_row"),
    ]
    assert table.data_rows == 5  # the blank row is neither data nor reported


def test_bad_key_cells_are_errors_at_the_excel_position() -> None:
    table = _parse(
        [
            SYCM_HEADER,
            ["2024-03-01", "10", "100", "1", "1%"],
            ["2024-02-30", "10", "abc", "1", "1%"],
            ["", "5", "50", "1", "1%"],
        ],
        "sycm-shop",
    )
    errors = [(e.row, e.column, e.text, e.message.code) for e in table.errors]
    assert errors == [
        (3, "统计日期", "2024-02-30", "imports.value.bad_period"),
        (4, "统计日期", "", "imports.row.missing_value"),
    ]
    assert [(w.row, w.column, w.text) for w in table.warnings] == [(3, "支付金额", "abc")]
    assert table.valid_frame["row"].tolist() == [2]  # rows with errors are shown, not stored
    assert len(table.frame) == 3


def test_duplicate_days_identical_are_skipped_conflicting_are_errors() -> None:
    table = _parse(
        [
            SYCM_HEADER,
            ["2024-03-01", "10", "100", "1", "1%"],
            ["2024-03-01", "10", "100", "1", "1%"],
            ["2024/3/1", "11", "100", "1", "1%"],
        ],
        "sycm-shop",
    )
    assert [(s.row, s.reason.code, s.reason.params["first_row"]) for s in table.skipped] == [
        (3, "imports.skip.duplicate", 2)
    ]
    assert [(e.row, e.message.code, e.message.params["first_row"]) for e in table.errors] == [
        (4, "imports.row.conflicting_duplicate", 2)
    ]
    assert "第2行" in table.errors[0].message.text("zh")


def test_weekly_rows_cannot_be_imported_as_days_or_months() -> None:
    table = _parse(
        [
            SYCM_HEADER,
            ["2024-03-04~2024-03-10", "10", "100", "1", "1%"],
            ["2024-03-11", "1", "1", "1", "1%"],
        ],
        "sycm-shop",
    )
    assert [e.message.code for e in table.errors] == ["imports.row.period_span"]


def test_a_range_covering_one_month_is_a_month() -> None:
    table = _parse([SYCM_HEADER, ["2024-06-01~2024-06-30", "10", "100", "1", "1%"]], "sycm-shop")
    assert table.grain == "month" and table.months == ["2024-06"]


def test_header_units_scale_values() -> None:
    table = _parse(
        [
            ["日期", "访客数(万)", "支付金额(万元)", "支付转化率(%)"],
            ["2024-03", "1.2", "3.5", "2.5"],
        ],
        "sycm-shop",
    )
    row = table.valid_frame.iloc[0]
    assert (
        row["visitors"] == 12_000
        and row["gmv"] == 35_000
        and row["conversion_rate"] == pytest.approx(0.025)
    )


def test_orders_mangled_by_excel_are_refused() -> None:
    """Excel's 6.93E+18 has lost the number's last digits: two orders may now share it, and the
    original export imported later would not meet them. Each such row is an error."""
    table = _parse(
        [
            ["订单编号", "买家实际支付金额", "订单状态", "订单付款时间"],
            [6.93e18, "100", "交易成功", "2024-06-01 10:00:00"],
            ["6930000000000000001", "100", "交易成功", "2024-06-01 11:00:00"],
            ["123", "5", "等待买家付款", ""],
        ],
        "taobao-orders",
    )
    assert [(e.message.code, e.row, e.text) for e in table.errors] == [
        ("imports.value.order_id_mangled", 2, "6.93e+18")
    ]
    assert "Excel" in table.errors[0].message.text()


def test_missing_required_column_is_refused() -> None:
    sheet = _grid([["统计日期", "访客数"], ["2024-03-01", "1"]])
    mapping = match_columns(sheet.top()[0], "sycm-shop")
    with pytest.raises(ValidationError) as caught:
        parse_table(sheet, 0, mapping, "sycm-shop")
    assert caught.value.code == "imports.missing_columns"


def test_header_without_data_rows_is_noted() -> None:
    table = _parse([SYCM_HEADER, ["", "", "", "", ""]], "sycm-shop")
    assert table.data_rows == 0 and table.frame.empty
    assert [n.code for n in table.notes] == ["imports.no_data_rows"]


def test_records_are_plain_python_values() -> None:
    record = _import(LIVE).records()[0]
    assert record["_row"] == 2
    assert isinstance(record["started_at"], dt.datetime)
    assert isinstance(record["viewers"], int) and isinstance(record["gmv"], float)
    assert record["avg_watch"] is None  # "-" in the file


def test_a_buyers_pseudonym_is_the_keyed_blake2b_of_the_name_and_never_changes() -> None:
    """Pseudonyms are compared across years of imports (repeat buyers, the buyer keys kept beside
    the store-month totals): the same name and key always give the same 20 hex digits."""
    import hashlib

    import pandas as pd

    from core.importers.table import _pseudonyms

    key = bytes(range(64))
    names = pd.Series(["tb_王小姐", "tb_王小姐", None, 13800001111], dtype=object)
    found = _pseudonyms(names, key).tolist()

    def expected(text: str) -> str:
        return hashlib.blake2b(text.encode("utf-8"), key=key, digest_size=10).hexdigest()

    assert found == [expected("tb_王小姐"), expected("tb_王小姐"), None, expected("13800001111")]
    assert found[0] == "d1fd921d986044fa2f32"  # pinned: a change would split every buyer in two


def test_a_date_that_cannot_be_read_is_quoted_not_called_empty() -> None:
    """The row's month is unknown either way; "为空" sent the user looking for an empty cell."""
    table = _parse(
        [
            ["订单编号", "买家实际支付金额", "订单状态", "订单付款时间"],
            ["1001", "100", "交易成功", "明天上午"],
            ["1002", "100", "交易成功", ""],
            ["1003", "100", "交易成功", "2024-06-01 10:00:00"],
        ],
        "taobao-orders",
    )
    by_row = {e.row: e for e in table.errors}
    assert by_row[2].message.code == "imports.row.month_unreadable"
    assert (
        "“明天上午”" in by_row[2].message.text()
        and "2024-06-09 21:04:16" in by_row[2].message.text()
    )
    assert by_row[3].message.code == "imports.row.month_missing"
    assert table.valid_frame["order_id"].tolist() == ["1003"]
