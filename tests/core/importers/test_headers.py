"""Header rows, preambles, file names and source kinds are recognised the way a user would expect."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ValidationError
from core.importers.headers import (
    analyse,
    detect_kind,
    file_name_hints,
    find_header_row,
    header_signature,
    match_columns,
    names_in_text,
    normalise_header,
    read_preamble,
    split_unit,
)
from core.importers.reading import open_sheet
from core.importers.sources import SOURCE_KINDS

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"

# file -> (kind, header row (0-based), store named in it, period it names)
EXPECTED = {
    "【生意参谋平台】店铺整体_日_悦颜美妆旗舰店_2024-01-01_2024-06-30.xls": (
        "sycm-shop",
        3,
        "悦颜美妆旗舰店",
        ("2024-01-01", "2024-06-30"),
    ),
    "生意参谋_交易概况_月_悦颜美妆专营店_2023-01_2024-06.xlsx": (
        "sycm-shop",
        2,
        "悦颜美妆专营店",
        ("2023-01-01", "2024-06-30"),
    ),
    "ExportOrderList202406.csv": ("taobao-orders", 0, None, ("2024-06-01", "2024-06-30")),
    "直播间列表_2024-06-01_2024-06-30.xlsx": ("douyin-live", 0, None, ("2024-06-01", "2024-06-30")),
    "抖店订单导出_2024-06.xlsx": ("douyin-orders", 0, None, ("2024-06-01", "2024-06-30")),
    "员工花名册.xlsx": ("roster", 0, None, None),
    "店铺负责人.xlsx": ("store-owners", 0, None, None),
    "培训记录.xlsx": ("training", 0, None, None),
    "成果记录.xlsx": ("achievements", 0, None, None),
    "评估打分.xlsx": ("scores", 0, None, None),
}


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=str)
def test_every_sample_is_recognised(name: str) -> None:
    kind, header_row, store, period = EXPECTED[name]
    sheet = open_sheet(SAMPLES / name)
    analysis = analyse(sheet.top(), name)
    assert analysis.header.row == header_row
    assert analysis.best is not None and analysis.best.kind == kind
    assert analysis.best.confidence >= 0.85
    # The runner-up is clearly worse: the wizard would not hesitate.
    assert analysis.guesses[1].confidence < 0.5
    mapping = analysis.mapping()
    assert not mapping.missing_required
    assert not mapping.unknown, [c.header for c in mapping.unknown]
    assert (analysis.store_candidates[:1] or (None,))[0] == store
    if period is None:
        assert analysis.period is None
    else:
        assert analysis.period is not None
        assert (analysis.period.start.isoformat(), analysis.period.end.isoformat()) == period


def test_sycm_daily_mapping_and_preamble() -> None:
    name = "【生意参谋平台】店铺整体_日_悦颜美妆旗舰店_2024-01-01_2024-06-30.xls"
    analysis = analyse(open_sheet(SAMPLES / name).top(), name)
    mapping = analysis.mapping()
    assert {
        f: m.header
        for f, m in mapping.columns.items()
        if f in ("period", "gmv", "visitors", "paid_buyers", "returning_buyers")
    } == {
        "period": "统计日期",
        "gmv": "支付金额",
        "visitors": "访客数",
        "paid_buyers": "支付买家数",
        "returning_buyers": "老买家数",
    }
    assert mapping.columns["avg_stay"].unit_seconds == 1.0  # 人均停留时长(秒)
    assert analysis.preamble.title == "店铺整体数据-日"
    assert analysis.preamble.store_name == "悦颜美妆旗舰店"
    assert dict(analysis.preamble.lines)["统计时间"] == "2024-01-01 ~ 2024-06-30"


def test_taobao_headers_with_trailing_spaces_match_and_buyers_are_marked_personal() -> None:
    sheet = open_sheet(SAMPLES / "ExportOrderList202406.csv")
    mapping = analyse(sheet.top(), "ExportOrderList202406.csv").mapping()
    assert mapping.columns["paid_at"].header == "订单付款时间"  # "订单付款时间 " in the file
    assert mapping.columns["order_id"].header == "订单编号"
    assert SOURCE_KINDS["taobao-orders"].field("buyer").personal
    ignored = {c.header for c in mapping.ignored}
    assert {"收货地址", "联系手机", "宝贝标题"} <= ignored


def test_live_list_keeps_the_first_gmv_synonym_and_reports_the_other() -> None:
    name = "直播间列表_2024-06-01_2024-06-30.xlsx"
    mapping = analyse(open_sheet(SAMPLES / name).top(), name).mapping()
    assert mapping.columns["gmv"].header == "直播间成交金额"
    assert [(c.header, c.field) for c in mapping.alternatives] == [("直播间用户支付金额", "gmv")]
    assert mapping.columns["duration"].unit_seconds == 60.0  # 直播时长(分钟)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("\ufeff订单编号", "订单编号"),
        ("订单付款时间 ", "订单付款时间"),
        ("支付金额（元）", "支付金额(元)"),
        ("支付金额【元】", "支付金额(元)"),
        ("ＧＭＶ", "gmv"),
        (" 支付\u3000金额 ", "支付金额"),
        ("工号*", "工号"),
        ("店铺名称：", "店铺名称"),
    ],
)
def test_header_normalisation(raw: str, normalised: str) -> None:
    assert normalise_header(raw) == normalised


def test_units_in_headers_scale_values() -> None:
    base, unit = split_unit(normalise_header("支付金额（万元）"))
    assert base == "支付金额" and unit is not None and unit.scale == 10_000
    mapping = match_columns(
        ["统计日期", "支付金额(万元)", "直播时长(秒)", "支付转化率(%)"], "sycm-shop"
    )
    assert mapping.columns["gmv"].scale == 10_000
    assert mapping.columns["conversion_rate"].percent
    live = match_columns(["主播昵称", "开播时间", "直播时长(秒)"], "douyin-live")
    assert live.columns["duration"].unit_seconds == 1.0


def test_platform_header_versions() -> None:
    """Older and newer names of the same columns map to the same fields."""
    sycm = match_columns(
        ["日期", "访客人数", "成交金额", "成交人数", "成交转化率", "老客数", "PV"], "sycm-shop"
    )
    assert set(sycm.columns) == {
        "period",
        "visitors",
        "gmv",
        "paid_buyers",
        "conversion_rate",
        "returning_buyers",
        "page_views",
    }
    douyin = match_columns(
        [
            "订单编号",
            "子订单编号",
            "实付金额",
            "订单支付时间",
            "下单时间",
            "订单状态",
            "作者昵称",
            "作者ID",
        ],
        "douyin-orders",
    )
    assert {"order_id", "amount", "paid_at", "created_at", "author_name", "author_id"} <= set(
        douyin.columns
    )
    live = match_columns(
        [
            "直播间名称",
            "开播时间",
            "下播时间",
            "直播时长",
            "累计观看人数",
            "评论数",
            "点赞数",
            "涨粉数",
            "成交金额",
            "成交订单数",
            "成交人数",
        ],
        "douyin-live",
    )
    assert {
        "account_name",
        "started_at",
        "ended_at",
        "duration",
        "viewers",
        "comments",
        "likes",
        "new_followers",
        "gmv",
        "orders",
        "buyers",
    } <= set(live.columns)
    roster = match_columns(["员工编号", "员工姓名", "入职时间"], "roster")
    assert set(roster.columns) == {"no", "name", "hire_date"}


def test_synonyms_are_unambiguous_within_each_kind() -> None:
    for kind in SOURCE_KINDS.values():
        seen: dict[str, str] = {}
        for spec in kind.fields:
            for synonym in spec.synonyms:
                key = normalise_header(synonym)
                assert seen.setdefault(key, spec.name) == spec.name, (kind.id, synonym)


def test_header_row_below_title_preamble_and_blank_rows() -> None:
    rows = [
        ["交易概况（月）悦颜美妆专营店", "", "", ""],
        ["", "", "", ""],
        ["店铺名称", "悦颜美妆专营店", "", ""],
        ["统计周期：2024-01 ~ 2024-06", "", "", ""],
        ["日期", "访客数", "支付金额", "支付买家数"],
        ["2024-01", "1,000", "10,000.00", "30"],
    ]
    assert find_header_row(rows).row == 4
    preamble = read_preamble(rows[:4])
    assert preamble.store_name == "悦颜美妆专营店"  # label and value in neighbouring cells
    assert preamble.period is not None and preamble.period.months()[0] == "2024-01"
    assert preamble.title == "交易概况（月）悦颜美妆专营店"


def test_header_row_of_an_unknown_layout_falls_back_to_the_first_text_row() -> None:
    rows = [["我们的表"], ["名称", "数量", "备注说明"], ["苹果", "3", "好"], ["梨", "4", ""]]
    assert find_header_row(rows).row == 1


def test_store_from_the_title_when_the_preamble_has_none() -> None:
    assert read_preamble([["交易概况（月）悦颜美妆专营店"]]).store_name == "悦颜美妆专营店"


@pytest.mark.parametrize(
    ("name", "stores", "period"),
    [
        (
            "【生意参谋平台】店铺整体_日_悦颜美妆旗舰店_2024-01-01_2024-06-30.xls",
            ("悦颜美妆旗舰店",),
            ("2024-01-01", "2024-06-30"),
        ),
        (
            "生意参谋_交易概况_月_悦颜美妆专营店_2023-01_2024-06.xlsx",
            ("悦颜美妆专营店",),
            ("2023-01-01", "2024-06-30"),
        ),
        ("ExportOrderList202406.csv", (), ("2024-06-01", "2024-06-30")),
        ("抖店订单导出_2024-06.xlsx", (), ("2024-06-01", "2024-06-30")),
        ("抖店_订单_20240601-20240630.xlsx", (), ("2024-06-01", "2024-06-30")),
        ("悦颜抖音小店 订单.xlsx", ("悦颜抖音小店",), None),
        ("员工花名册.xlsx", (), None),
    ],
)
def test_file_name_hints(
    name: str, stores: tuple[str, ...], period: tuple[str, str] | None
) -> None:
    hints = file_name_hints(name)
    assert hints.store_names == stores
    if period is None:
        assert hints.period is None
    else:
        assert hints.period is not None
        assert (hints.period.start.isoformat(), hints.period.end.isoformat()) == period


def test_known_store_names_in_a_file_name() -> None:
    known = ["悦颜美妆", "悦颜美妆旗舰店", "悦颜美妆专营店", "悦颜小美"]
    name = "【生意参谋平台】店铺整体_日_悦颜美妆旗舰店_2024-01-01_2024-06-30.xls"
    assert names_in_text(name, known) == ["悦颜美妆旗舰店"]
    assert names_in_text("直播间列表_悦颜小美.xlsx", known) == ["悦颜小美"]
    assert names_in_text("ExportOrderList202406.csv", known) == []


def test_a_file_of_another_kind_is_refused_with_the_kind_it_looks_like() -> None:
    name = "员工花名册.xlsx"
    analysis = analyse(open_sheet(SAMPLES / name).top(), name)
    with pytest.raises(ValidationError) as caught:
        analysis.mapping("sycm-shop")
    assert caught.value.code == "imports.wrong_kind"
    assert "员工花名册" in caught.value.text("zh") and "--source roster" in caught.value.text("en")


def test_wrong_headers_name_the_missing_columns() -> None:
    rows = [["统计日期", "访客数", "浏览量"], ["2024-03-01", "10", "20"]]
    analysis = analyse(rows, "流量.xlsx")
    with pytest.raises(ValidationError) as caught:
        analysis.mapping("sycm-shop")
    assert caught.value.code == "imports.missing_columns"
    assert "支付金额" in caught.value.text("zh")


def test_headers_of_no_known_kind() -> None:
    analysis = analyse([["名称", "数量"], ["苹果", "3"]], "水果.xlsx")
    assert analysis.best is None
    with pytest.raises(ValidationError) as caught:
        analysis.mapping()
    assert caught.value.code == "imports.unknown_kind"
    assert "名称" in caught.value.text("zh")


def test_orders_missing_both_time_columns_are_incomplete() -> None:
    mapping = match_columns(["订单编号", "买家实际支付金额", "订单状态"], "taobao-orders")
    assert mapping.missing_required == ("paid_at|created_at",)
    with pytest.raises(ValidationError, match="订单付款时间/订单创建时间"):
        mapping.require_complete("x.csv")


def test_user_can_reassign_and_drop_columns() -> None:
    mapping = match_columns(["统计日期", "成交金额", "支付金额"], "sycm-shop")
    assert mapping.columns["gmv"].column == 2  # 支付金额 is the preferred synonym
    moved = mapping.with_column("gmv", 1)
    assert moved.columns["gmv"].column == 1 and moved.columns["gmv"].header == "成交金额"
    assert "gmv" not in moved.without("gmv").columns


def test_kind_confidences_are_ordered_and_bounded() -> None:
    guesses = detect_kind(
        ["主订单编号", "子订单编号", "商品金额", "支付完成时间", "订单状态", "达人昵称"]
    )
    assert guesses[0].kind == "douyin-orders"
    assert all(0.0 <= g.confidence <= 1.0 for g in guesses)
    assert [g.confidence for g in guesses] == sorted((g.confidence for g in guesses), reverse=True)


def test_header_signature_ignores_spelling_noise() -> None:
    assert header_signature(["订单编号", "订单付款时间 ", ""]) == header_signature(
        ["\ufeff订单编号", "订单付款时间"]
    )
    assert header_signature(["订单编号"]) != header_signature(["订单号"])
