"""Cell values as platforms and Excel write them parse to what the user meant, and nothing raises."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.importers import values as v
from core.importers.values import (
    Period,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_int,
    parse_money,
    parse_month,
    parse_number,
    parse_order_id,
    parse_period,
    parse_rate,
    parse_ratio,
    parse_text,
)

# --- numbers and money ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1,234.50", 1234.5),
        ("¥88", 88.0),
        ("￥1,088.00", 1088.0),
        ("1.2万", 12000.0),
        ("1.2万元", 12000.0),
        ("3亿", 300_000_000.0),
        ("-12.5", -12.5),
        ("−12.5", -12.5),  # Unicode minus
        ("(1,234.00)", -1234.0),  # accounting negative
        ("-¥88", -88.0),
        ('="123"', 123.0),
        ("'123", 123.0),
        ("\t 123 ", 123.0),
        ("１２３４．５", 1234.5),  # full-width digits
        ("\u3000１，２３４\u3000", 1234.0),  # full-width comma and spaces
        ("88元", 88.0),
        (1234.5, 1234.5),
        (12, 12.0),
    ],
)
def test_money_as_platforms_write_it(cell: v.CellValue, expected: float) -> None:
    assert parse_money(cell) == (expected, None)


@pytest.mark.parametrize("cell", ["-", "--", "—", "无", "N/A", "#DIV/0!", "nan"])
def test_no_data_markers_are_missing_with_a_warning(cell: str) -> None:
    assert parse_money(cell) == (None, v.MISSING_MARKER)
    assert parse_int(cell) == (None, v.MISSING_MARKER)


@pytest.mark.parametrize("cell", ["", "   ", None, math.nan, "\u3000"])
def test_empty_cells_are_missing_silently(cell: v.CellValue) -> None:
    assert parse_money(cell) == (None, None)
    assert parse_rate(cell, "percent") == (None, None)
    assert parse_date(cell) == (None, None)


@pytest.mark.parametrize(
    "cell", ["无退款申请", "1,23", "12 34", "abc", "1_000", "inf", True, dt.date(2024, 3, 1)]
)
def test_text_in_a_numeric_column_is_missing_with_a_warning(cell: v.CellValue) -> None:
    assert parse_money(cell) == (None, v.NOT_A_NUMBER)


def test_percent_is_not_money() -> None:
    assert parse_money("12%") == (None, v.NOT_A_NUMBER)
    assert parse_number("12%") == (0.12, None)


def test_counts_round_with_a_warning_and_scale() -> None:
    assert parse_int("7,547") == (7547, None)
    assert parse_int("1.2万") == (12000, None)
    assert parse_int("12.4") == (12, v.NOT_INTEGER)
    assert parse_int("1.2", scale=10_000) == (12000, None)  # header "(万)"
    assert parse_int("1e30") == (None, v.NOT_A_NUMBER)


def test_header_scale_applies_to_money() -> None:
    assert parse_money("1.5", scale=10_000) == (15000.0, None)


# --- rates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "form", "expected"),
    [
        ("3.25%", "percent", 0.0325),
        ("3.25%", "decimal", 0.0325),  # a % sign always means percent
        ("3.25", "percent", 0.0325),  # 生意参谋's bare percentages
        ("0.0325", "decimal", 0.0325),  # 罗盘's ratios
        (0.0325, "percent", 0.0325),  # an Excel percentage cell holds the fraction
        (0.0325, "decimal", 0.0325),
        ("３．２５％", "percent", 0.0325),
        ("5‰", "decimal", 0.005),
    ],
)
def test_rates_are_stored_as_fractions(
    cell: v.CellValue, form: v.RateForm, expected: float
) -> None:
    value, issue = parse_rate(cell, form)
    assert issue is None
    assert value == pytest.approx(expected)


def test_ratio_accepts_colon_form() -> None:
    assert parse_ratio("2:1") == (2.0, None)
    assert parse_ratio("2.6") == (2.6, None)
    assert parse_ratio("1:0")[1] == v.NOT_A_NUMBER


# --- dates, months, periods -----------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "2024-03-01",
        "2024/3/1",
        "2024/03/01",
        "2024.3.1",
        "2024年3月1日",
        "20240301",
        20240301,
        45352,  # Excel serial
        45352.0,
        "45352",
        dt.date(2024, 3, 1),
        dt.datetime(2024, 3, 1, 8, 5),
        "2024-03-01 00:00:00",
    ],
)
def test_dates(cell: v.CellValue) -> None:
    assert parse_date(cell) == (dt.date(2024, 3, 1), None)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024/3/1 8:05", dt.datetime(2024, 3, 1, 8, 5)),
        ("2024/06/07 19:05:11", dt.datetime(2024, 6, 7, 19, 5, 11)),
        ("2024-06-09 20:40:16", dt.datetime(2024, 6, 9, 20, 40, 16)),
        ("2024-06-09T20:40:16", dt.datetime(2024, 6, 9, 20, 40, 16)),
        ("2024-3-1 下午 8:05", dt.datetime(2024, 3, 1, 20, 5)),
        ("2024年3月1日 8时5分", dt.datetime(2024, 3, 1, 8, 5)),
        (45352.5, dt.datetime(2024, 3, 1, 12, 0)),
        (dt.datetime(2024, 6, 7, 19, 5, 11), dt.datetime(2024, 6, 7, 19, 5, 11)),
        ("2024-03-01", dt.datetime(2024, 3, 1)),
    ],
)
def test_datetimes(cell: v.CellValue, expected: dt.datetime) -> None:
    assert parse_datetime(cell) == (expected, None)


@pytest.mark.parametrize(
    ("cell", "issue"),
    [
        ("2024-13-01", v.BAD_DATE),
        ("2024-02-30", v.BAD_DATE),
        ("下周一", v.BAD_DATE),
        ("1900-01-01", v.DATE_OUT_OF_RANGE),
        (3, v.DATE_OUT_OF_RANGE),
    ],
)
def test_impossible_dates_say_why(cell: v.CellValue, issue: str) -> None:
    assert parse_date(cell) == (None, issue)


@pytest.mark.parametrize(
    "cell",
    [
        "2024-03",
        "2024年3月",
        "2024/03",
        "2024/3",
        "202403",
        202403,
        "2024-03-15",
        dt.date(2024, 3, 9),
        "2024年03月份",
    ],
)
def test_months(cell: v.CellValue) -> None:
    assert parse_month(cell) == ("2024-03", None)


def test_bad_month() -> None:
    assert parse_month("2024-13") == (None, v.BAD_MONTH)
    assert parse_month("三月") == (None, v.BAD_MONTH)


@pytest.mark.parametrize(
    ("cell", "start", "end", "grain"),
    [
        ("2024-06-01~2024-06-30", dt.date(2024, 6, 1), dt.date(2024, 6, 30), "month"),
        ("2024-01-01 ~ 2024-06-30", dt.date(2024, 1, 1), dt.date(2024, 6, 30), "range"),
        ("2023-01 ~ 2024-06", dt.date(2023, 1, 1), dt.date(2024, 6, 30), "range"),
        ("2024-06-01至2024-06-07", dt.date(2024, 6, 1), dt.date(2024, 6, 7), "range"),
        ("2024-03-01", dt.date(2024, 3, 1), dt.date(2024, 3, 1), "day"),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month"),
        (45352, dt.date(2024, 3, 1), dt.date(2024, 3, 1), "day"),
    ],
)
def test_periods(cell: v.CellValue, start: dt.date, end: dt.date, grain: str) -> None:
    period, issue = parse_period(cell)
    assert issue is None
    assert period == Period(start, end)
    assert period.grain == grain


def test_reversed_range_is_rejected() -> None:
    assert parse_period("2024-06-30~2024-06-01") == (None, v.BAD_PERIOD)


def test_period_months() -> None:
    assert Period(dt.date(2023, 11, 5), dt.date(2024, 2, 1)).months() == [
        "2023-11",
        "2023-12",
        "2024-01",
        "2024-02",
    ]


# --- durations, yes/no, ids, text -------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "seconds"),
    [
        ("1分5秒", 65),
        ("2小时3分", 7380),
        ("65秒", 65),
        ("01:05:00", 3900),
        ("05:30", 330),
        ("1h5m", 3900),
        ("1小时", 3600),
        ("90", 5400),  # bare number: minutes by default
        (90, 5400),
        (dt.time(1, 5), 3900),
        (dt.timedelta(minutes=2), 120),
    ],
)
def test_durations_in_seconds(cell: v.CellValue, seconds: float) -> None:
    assert parse_duration(cell) == (seconds, None)


def test_duration_unit_from_header() -> None:
    assert parse_duration("90", unit_seconds=1.0) == (90.0, None)
    assert parse_duration("abc") == (None, v.BAD_DURATION)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("通过", True),
        ("未通过", False),
        (1, True),
        (0.0, False),
        (True, True),
    ],
)
def test_yes_no(cell: v.CellValue, expected: bool) -> None:
    assert parse_bool(cell) == (expected, None)


def test_unknown_yes_no() -> None:
    assert parse_bool("也许") == (None, v.BAD_BOOL)


@pytest.mark.parametrize(
    "cell",
    [
        '="8893410389519920701"',
        "8893410389519920701",
        "'8893410389519920701",
        "\t8893410389519920701 ",
    ],
)
def test_long_order_numbers_stay_exact_text(cell: str) -> None:
    assert parse_order_id(cell) == ("8893410389519920701", None)


@pytest.mark.parametrize("cell", [6.93e18, "6.93E+18", "6930000000000000000.0"])
def test_order_numbers_mangled_by_excel_are_kept_with_a_warning(cell: v.CellValue) -> None:
    assert parse_order_id(cell) == ("6930000000000000000", v.ORDER_ID_MANGLED)


def test_short_numeric_order_numbers_are_exact() -> None:
    assert parse_order_id(12345678.0) == ("12345678", None)


def test_text_unwraps_and_treats_dashes_as_empty() -> None:
    assert parse_text(" 悦颜美妆旗舰店 ") == ("悦颜美妆旗舰店", None)
    assert parse_text("-") == (None, None)
    assert parse_text(1001.0) == ("1001", None)  # 工号 typed as a number
    assert parse_text("'13800000001") == ("13800000001", None)


# --- properties ----------------------------------------------------------------------------

_CENTS = st.integers(min_value=-(10**11), max_value=10**11)


def _grouped(number: float, decimals: int) -> str:
    return f"{number:,.{decimals}f}"


_FULL_WIDTH = str.maketrans("0123456789.,-%", "０１２３４５６７８９．，－％")


@st.composite
def money_as_written(draw: st.DrawFn) -> tuple[str, float]:
    """An amount and one of the ways Chinese back-ends and Excel write it."""
    cents = draw(_CENTS)
    amount = cents / 100
    style = draw(
        st.sampled_from(
            ["plain", "grouped", "yen", "fullwidth_yen", "wan", "fullwidth", "accounting"]
        )
    )
    if style == "plain":
        text = f"{amount:.2f}"
    elif style == "grouped":
        text = _grouped(amount, 2)
    elif style == "yen":
        text = ("-" if amount < 0 else "") + "¥" + _grouped(abs(amount), 2)
    elif style == "fullwidth_yen":
        text = ("-" if amount < 0 else "") + "￥" + _grouped(abs(amount), 2)
    elif style == "wan":
        text = f"{amount / 10_000:.6f}万"
    elif style == "fullwidth":
        text = _grouped(amount, 2).translate(_FULL_WIDTH)
    else:
        text = f"({_grouped(abs(amount), 2)})" if amount < 0 else _grouped(amount, 2)
    wrapper = draw(st.sampled_from(["{}", '="{}"', "'{}", "\t{}", " {} ", "\u3000{}\u3000"]))
    return wrapper.format(text), amount


@given(money_as_written())
def test_money_written_any_platform_way_parses_back(case: tuple[str, float]) -> None:
    text, amount = case
    value, issue = parse_money(text)
    assert issue is None, text
    assert value == pytest.approx(amount, abs=1e-6), text


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["{:,}", "{}", "{}\t", "'{}"]))
def test_counts_written_any_way_parse_back(count: int, style: str) -> None:
    assert parse_int(style.format(count)) == (count, None)


@given(st.integers(min_value=-100_000, max_value=1_000_000), st.booleans())
def test_percent_text_parses_to_the_fraction(basis_points: int, grouped: bool) -> None:
    """ "3.25%" (and a bare 3.25 in a percent column) is the fraction 0.0325."""
    percent = basis_points / 100
    text = (_grouped(percent, 2) if grouped else f"{percent:.2f}") + "%"
    for form in ("percent", "decimal"):
        value, issue = parse_rate(text, form)  # type: ignore[arg-type]
        assert issue is None
        assert value == pytest.approx(basis_points / 10_000, abs=1e-12)
    value, _ = parse_rate(f"{percent:.2f}", "percent")
    assert value == pytest.approx(basis_points / 10_000, abs=1e-12)


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_dates_in_every_written_form_parse_back(day: dt.date) -> None:
    forms = [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}{day.month:02d}{day.day:02d}",
        f"{day.year}年{day.month}月{day.day}日",
        (day - dt.date(1899, 12, 30)).days,  # Excel serial
        dt.datetime(day.year, day.month, day.day, 13, 5),
    ]
    for form in forms:
        assert parse_date(form) == (day, None), form
    assert parse_month(f"{day.year}年{day.month}月") == (f"{day.year:04d}-{day.month:02d}", None)
    assert parse_month(f"{day.year}{day.month:02d}") == (f"{day.year:04d}-{day.month:02d}", None)


@given(st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2100, 12, 31)))
def test_datetimes_written_as_exports_do_parse_back(moment: dt.datetime) -> None:
    moment = moment.replace(microsecond=0)
    for form in (
        moment.strftime("%Y-%m-%d %H:%M:%S"),
        moment.strftime("%Y/%m/%d %H:%M:%S"),
        f"{moment.year}/{moment.month}/{moment.day} {moment.hour}:{moment.minute:02d}:{moment.second:02d}",
    ):
        assert parse_datetime(form) == (moment, None), form


@given(st.integers(0, 99), st.integers(0, 59), st.integers(0, 59))
def test_durations_parse_back(hours: int, minutes: int, seconds: int) -> None:
    total = hours * 3600 + minutes * 60 + seconds
    assert parse_duration(f"{hours}小时{minutes}分{seconds}秒") == (total, None)
    assert parse_duration(f"{hours:02d}:{minutes:02d}:{seconds:02d}") == (total, None)


@given(
    st.integers(min_value=10**18, max_value=10**19 - 1),
    st.sampled_from(['="{}"', "{}", "'{}", "\t{}"]),
)
def test_order_numbers_parse_back_exactly(number: int, wrapper: str) -> None:
    assert parse_order_id(wrapper.format(number)) == (str(number), None)


_ANY_CELL = st.one_of(
    st.text(),
    st.text(alphabet="0123456789,.-+%¥￥万亿千kw元:： ()年月日/~\t'=\"eE"),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
)

_PARSERS = [
    parse_number,
    parse_money,
    parse_int,
    lambda c: parse_rate(c, "percent"),
    lambda c: parse_rate(c, "decimal"),
    parse_ratio,
    parse_date,
    parse_datetime,
    parse_month,
    parse_period,
    parse_duration,
    parse_bool,
    parse_order_id,
    parse_text,
]


@given(_ANY_CELL)
@example("1e400")
@example("0e310")
@example("1e-400")
@example("1e999999999")
@example(1.7976931348623157e308)
@example("99999-99-99 99:99:99")
@example("9" * 400 + ":00:00")
@example("9" * 400 + "天")
def test_parsers_never_raise_and_explain_every_missing_value(cell: v.CellValue) -> None:
    for parser in _PARSERS:
        value, issue = parser(cell)
        assert issue is None or issue.startswith("imports.value."), issue
        if isinstance(value, float):
            assert math.isfinite(value)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2024-06-09T21:04:16+08:00", dt.datetime(2024, 6, 9, 21, 4, 16)),  # ERP / API exports
        ("2024-06-09T13:04:16Z", dt.datetime(2024, 6, 9, 21, 4, 16)),
        ("2024-06-09 13:04:16+0000", dt.datetime(2024, 6, 9, 21, 4, 16)),
        ("2024-06-09T08:04:16-05:00", dt.datetime(2024, 6, 9, 21, 4, 16)),
        ("2024-06-30T20:30:00-04:00", dt.datetime(2024, 7, 1, 8, 30)),  # next month in China
    ],
)
def test_times_with_their_utc_offset_are_china_time(cell: str, expected: dt.datetime) -> None:
    """ "2024-06-09T21:04:16+08:00" was 无法识别; the platforms' own times are China time."""
    assert v.parse_datetime(cell) == (expected, None)
    assert v.parse_date(cell).value == expected.date()


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 1, 1)))
def test_a_china_time_written_with_its_offset_reads_back(moment: dt.datetime) -> None:
    moment = moment.replace(microsecond=0)
    assert v.parse_datetime(moment.isoformat() + "+08:00") == (moment, None)


@pytest.mark.parametrize("text", ["1.38万", "0.07万", "13.79万", "2.1亿"])
def test_an_amount_in_wan_is_stored_without_binary_noise(text: str) -> None:
    """直播间 GMV "1.38万" was stored as 13799.999999999998 (a sum's last digit showed it)."""
    value, issue = parse_money(text)
    digits, unit = text[:-1], text[-1]
    exact = round(float(digits) * (1e4 if unit == "万" else 1e8), 2)
    assert issue is None and value == exact and repr(value) == repr(exact)
    assert parse_money(digits, scale=1e4 if unit == "万" else 1e8) == (exact, None)  # "(万元)"
