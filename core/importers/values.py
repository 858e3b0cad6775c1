"""Parses single cell values the way Chinese e-commerce back-ends and Excel write them.

Every parser takes one raw cell (whatever calamine or the CSV reader produced: str, int,
float, bool, date, datetime, time, timedelta or None) and returns ``Parsed(value, issue)``:
the value or None, plus an optional message code (``imports.value.*``) saying why the cell
was left empty or changed. Parsers never raise on any input; the import table decides
whether an issue is an error (a value the row cannot do without) or a warning.

Representations used everywhere in Tidui:
  money      float yuan (not rounded: platforms export up to 5 decimals)
  rates      fractions (3.25% -> 0.0325)
  months     "YYYY-MM" strings
  durations  float seconds
  order ids  text, never numbers (19 digits do not fit a float)
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Generic, Literal, NamedTuple, TypeVar

T = TypeVar("T")

CellValue = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None

RateForm = Literal["percent", "decimal"]

# Message codes (their texts live in resources/i18n/messages/imports.json).
MISSING_MARKER = "imports.value.missing_marker"
NOT_A_NUMBER = "imports.value.not_a_number"
NOT_INTEGER = "imports.value.not_integer"
BAD_DATE = "imports.value.bad_date"
BAD_DATETIME = "imports.value.bad_datetime"
BAD_MONTH = "imports.value.bad_month"
BAD_PERIOD = "imports.value.bad_period"
DATE_OUT_OF_RANGE = "imports.value.date_out_of_range"
BAD_DURATION = "imports.value.bad_duration"
BAD_BOOL = "imports.value.bad_bool"
BAD_ORDER_ID = "imports.value.bad_order_id"
ORDER_ID_MANGLED = "imports.value.order_id_mangled"

# Dates outside this window are typos or Excel serials misread as numbers; the shops and
# their staff records all live well inside it.
EARLIEST_YEAR = 1950
LATEST_YEAR = 2100

# Largest integer a float (an Excel number cell) holds exactly: order numbers above it
# have lost their last digits before Tidui ever saw them.
EXACT_FLOAT_INT = 2**53

# Counts above this are typing accidents, and would not fit the database's integers.
MAX_COUNT = 1e15

_EXCEL_EPOCH = dt.datetime(1899, 12, 30)


class Parsed(NamedTuple, Generic[T]):
    """A parsed cell: the value (None when missing) and why it is missing or was changed."""

    value: T | None
    issue: str | None = None


_NONE: Parsed[object] = Parsed(None, None)

# ---------------------------------------------------------------------------------------
# Text clean-up shared by all parsers


# Characters platforms and Excel leave around values: BOM, zero-width spaces, NBSP,
# the ideographic space, and tabs that exports prepend to keep Excel from reformatting.
_STRIP = " \t\r\n\v\f\u00a0\u3000\ufeff\u200b\u200c\u200d\u2060"

# What back-ends write for "no data". In a numeric column each becomes missing with a
# warning; in a text column simply missing.
MISSING_MARKERS = frozenset(
    {
        "-", "--", "---", "—", "——", "–", "－", "/", "\\", "无", "暂无", "空", "null", "NULL",
        "Null", "None", "none", "N/A", "n/a", "NA", "nan", "NaN", "#N/A", "#DIV/0!", "#VALUE!",
        "#REF!", "#NUM!", "#NAME?", "#NULL!",
    }
)  # fmt: skip


def unwrap(text: str) -> str:
    """The cell text without the wrappers exports add to stop Excel reformatting it.

    ``="123"`` (Taobao's order numbers), a leading ``'`` (phone numbers) or tab, and
    surrounding spaces of any width.
    """
    text = text.strip(_STRIP)
    if text[:2] == '="' and text[-1:] == '"' and len(text) >= 3:
        text = text[2:-1].strip(_STRIP)
    elif text[:1] == "=" and text[1:].strip(_STRIP).isdigit():
        text = text[1:].strip(_STRIP)
    if text[:1] in ("'", "‘", "’", "`"):
        text = text[1:].strip(_STRIP)
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1].strip(_STRIP)
    return text


def _fold(text: str) -> str:
    """Full-width digits, signs and spaces to ASCII, after unwrapping."""
    text = unwrap(text)
    if not text.isascii():
        # NFKC maps ０-９, ．，％＋－ and ￥ to their ASCII forms; the Unicode minus it leaves alone.
        text = unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip(_STRIP)
    return text


def cell_text(value: CellValue) -> str:
    """The cell as the user sees it, for messages and the preview."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# ---------------------------------------------------------------------------------------
# Numbers, money, rates


_MULTIPLIERS = {
    "": 1.0,
    "千": 1e3,
    "k": 1e3,
    "K": 1e3,
    "万": 1e4,
    "w": 1e4,
    "W": 1e4,
    "十万": 1e5,
    "百万": 1e6,
    "千万": 1e7,
    "亿": 1e8,
    "万亿": 1e12,
}

_NUMBER = re.compile(
    r"""
    (?P<sign>[-+]?)\s*
    (?:¥|\$|RMB|CNY|rmb|cny)?\s*
    (?P<sign2>[-+]?)\s*
    (?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+)
    (?:[eE](?P<exp>[-+]?\d+))?
    \s*(?P<mult>万亿|十万|百万|千万|亿|万|千|[kKwW])?
    \s*(?P<unit>元|%|‰)?
    """,
    re.VERBOSE | re.ASCII,
)


def scaled(number: float, factor: float) -> float:
    """``number`` × ``factor`` (a 万 / 亿 or a "(万元)" header) without the product's binary noise:
    "1.38万" is 13800, not 13799.999999999998 (kept in the file and shown by a sum's last digit).
    Six decimals are more than any platform writes; a product of ROUNDED_BELOW or more has no
    decimals left to clean."""
    if factor == 1.0:
        return number
    product = number * factor
    return round(product, 6) if abs(product) < ROUNDED_BELOW else product


ROUNDED_BELOW = 1e15


class _Decimal(NamedTuple):
    value: float
    percent: float  # 1 for a plain number, 100 for "%", 1000 for "‰"


def _decimal(text: str) -> _Decimal | None:
    """A number as platforms write it, or None. ``text`` is already folded to ASCII."""
    negative = False
    if len(text) >= 3 and text[0] == "(" and text[-1] == ")":
        # Accounting style (1,234.00) for negative amounts.
        negative, text = True, text[1:-1].strip()
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    if match["sign"] and match["sign2"]:
        return None
    digits = match["digits"].replace(",", "")
    # float() of "…e400" is inf rather than an OverflowError; inf is rejected below.
    number = float(digits if match["exp"] is None else f"{digits}e{match['exp']}")
    number = scaled(number, _MULTIPLIERS[match["mult"] or ""])
    if "-" in (match["sign"], match["sign2"]):
        negative = not negative
    if not math.isfinite(number):
        return None
    unit = match["unit"]
    percent = 100.0 if unit == "%" else 1000.0 if unit == "‰" else 1.0
    return _Decimal(-number if negative else number, percent)


def _number_text(value: CellValue) -> Parsed[_Decimal] | str:
    """Shared front half of the numeric parsers: a Parsed result or the folded text."""
    if value is None or value == "":
        return Parsed(None)
    if isinstance(value, bool):
        return Parsed(None, NOT_A_NUMBER)
    if isinstance(value, int | float):
        number = float(value)
        if math.isnan(number):
            return Parsed(None)
        if math.isinf(number):
            return Parsed(None, NOT_A_NUMBER)
        return Parsed(_Decimal(number, 1.0))
    if not isinstance(value, str):
        return Parsed(None, NOT_A_NUMBER)
    text = _fold(value)
    if not text:
        return Parsed(None)
    if text in MISSING_MARKERS:
        return Parsed(None, MISSING_MARKER)
    return text


def _parse_decimal(value: CellValue) -> Parsed[_Decimal]:
    front = _number_text(value)
    if isinstance(front, Parsed):
        return front
    parsed = _decimal(front)
    return Parsed(None, NOT_A_NUMBER) if parsed is None else Parsed(parsed)


def parse_number(value: CellValue, scale: float = 1.0) -> Parsed[float]:
    """A plain quantity: "1,234.50", "1.2万", "3亿", "¥88", "-12"; "%" is read as a fraction.

    ``scale`` comes from the column header, e.g. 10,000 for "支付金额(万元)".
    """
    parsed = _parse_decimal(value)
    if parsed.value is None:
        return Parsed(None, parsed.issue)
    return _finite(scaled(parsed.value.value, scale) / parsed.value.percent)


def _finite(number: float) -> Parsed[float]:
    """A scaled number that overflowed is no number at all."""
    return Parsed(number) if math.isfinite(number) else Parsed(None, NOT_A_NUMBER)


def parse_money(value: CellValue, scale: float = 1.0) -> Parsed[float]:
    """An amount in yuan: "1,234.50", "¥88", "￥1,088.00", "1.2万", "(12.00)"."""
    parsed = _parse_decimal(value)
    if parsed.value is None:
        return Parsed(None, parsed.issue)
    if parsed.value.percent != 1.0:
        return Parsed(None, NOT_A_NUMBER)
    return _finite(scaled(parsed.value.value, scale))


def parse_int(value: CellValue, scale: float = 1.0) -> Parsed[int]:
    """A count: "7,547", "1.2万"; a fractional count is rounded (half to even) with a warning."""
    parsed = _parse_decimal(value)
    if parsed.value is None:
        return Parsed(None, parsed.issue)
    if parsed.value.percent != 1.0:
        return Parsed(None, NOT_A_NUMBER)
    number = scaled(parsed.value.value, scale)
    if abs(number) > MAX_COUNT:
        return Parsed(None, NOT_A_NUMBER)
    rounded = round(number)
    if abs(number - rounded) > 1e-6 * max(1.0, abs(number)):
        return Parsed(int(rounded), NOT_INTEGER)
    return Parsed(int(rounded))


def parse_rate(value: CellValue, form: RateForm) -> Parsed[float]:
    """A rate as a fraction: "3.25%" and 0.0325 both give 0.0325.

    ``form`` is what the column's source writes when there is no "%" sign: "percent" means
    a bare "3.25" is 3.25% (生意参谋 text exports); "decimal" means it is already a
    fraction (罗盘's 0.0312). A real number cell is always a fraction, because that is
    what Excel stores behind a cell formatted as a percentage.
    """
    parsed = _parse_decimal(value)
    if parsed.value is None:
        return Parsed(None, parsed.issue)
    number, percent = parsed.value
    if percent == 1.0 and form == "percent" and isinstance(value, str):
        percent = 100.0
    return Parsed(number / percent)


def parse_ratio(value: CellValue) -> Parsed[float]:
    """A ratio such as an ROI: "2.6", "2.6:1" or "260%"; "a:b" means a / b."""
    if isinstance(value, str):
        text = _fold(value).replace("：", ":")
        if text.count(":") == 1:
            left, right = (_decimal(part.strip()) for part in text.split(":"))
            if left is None or right is None or right.value == 0:
                return Parsed(None, NOT_A_NUMBER)
            return _finite((left.value / left.percent) / (right.value / right.percent))
    return parse_number(value)


# ---------------------------------------------------------------------------------------
# Dates, times, months, periods


_DATE_TIME = re.compile(
    r"(?P<y>\d{4})\s*(?:[-/.年]\s*)(?P<m>\d{1,2})\s*(?:[-/.月]\s*)(?P<d>\d{1,2})\s*日?"
    r"(?:(?:\s+|T|\s*(?P<ampm>上午|下午|AM|PM|am|pm)\s*)"
    r"(?P<H>\d{1,2})\s*[:时点]\s*(?P<M>\d{1,2})\s*"
    r"(?:分\s*(?:(?P<S>\d{1,2})\s*秒)?|:\s*(?P<S2>\d{1,2})(?:\.(?P<f>\d{1,6}))?)?"
    r"\s*(?P<ampm2>AM|PM|am|pm)?"
    # a UTC offset, as ERP and API exports write times: "2024-06-09T21:04:16+08:00"
    r"(?:(?P<utc>Z)|(?P<sign>[+-])(?P<oh>0\d|1[0-4]):?(?P<om>[0-5]\d))?)?",
    re.ASCII,
)
_COMPACT_DATE = re.compile(
    r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:\s*(?P<H>\d{2}):?(?P<M>\d{2}):?(?P<S>\d{2}))?",
    re.ASCII,
)
_MONTH = re.compile(r"(?P<y>\d{4})\s*(?:[-/.年]\s*)(?P<m>\d{1,2})\s*月?份?", re.ASCII)
_COMPACT_MONTH = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})", re.ASCII)
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?", re.ASCII)


def _in_range(day: dt.date) -> bool:
    return EARLIEST_YEAR <= day.year <= LATEST_YEAR


def _from_serial(number: float) -> dt.datetime | None:
    """An Excel serial date (1900 date system, as WPS and Excel on Windows write it)."""
    if not 1 <= number < 2958466:
        return None
    moment = _EXCEL_EPOCH + dt.timedelta(days=number)
    # Serials carry float noise (45352.33333333 for 08:00); round to the second.
    micro = moment.microsecond
    moment = moment.replace(microsecond=0)
    if micro >= 500_000:
        moment += dt.timedelta(seconds=1)
    return moment


def _from_compact_int(number: int) -> dt.datetime | None:
    """20240301 typed as a number."""
    try:
        return dt.datetime(number // 10000, number // 100 % 100, number % 100)
    except ValueError:
        return None


def _moment_from_number(number: float) -> dt.datetime | None:
    if number.is_integer() and 19000101 <= number <= 29991231:
        return _from_compact_int(int(number))
    return _from_serial(number)


CHINA_TIME = dt.timedelta(hours=8)  # the platforms' times, and every other time in a file


def _moment_from_text(text: str) -> tuple[dt.datetime, bool] | None:
    """(moment, has_time) for a date or date-time string, or None. A time given with its UTC
    offset is turned into China time (+08:00), as the platforms' own exports write times."""
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        match = _COMPACT_DATE.fullmatch(text)
    if match is None:
        if _SERIAL.fullmatch(text):
            moment = _from_serial(float(text))
            return None if moment is None else (moment, not float(text).is_integer())
        return None
    groups = match.groupdict()
    hour = int(groups["H"]) if groups.get("H") else 0
    ampm = groups.get("ampm") or groups.get("ampm2")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        if ampm in ("下午", "PM", "pm") and hour != 12:
            hour += 12
        elif ampm in ("上午", "AM", "am") and hour == 12:
            hour = 0
    try:
        moment = dt.datetime(
            int(groups["y"]),
            int(groups["m"]),
            int(groups["d"]),
            hour,
            int(groups["M"]) if groups.get("M") else 0,
            int(groups.get("S") or groups.get("S2") or 0),
            int((groups.get("f") or "0").ljust(6, "0")),
        )
    except ValueError:
        return None
    if groups.get("utc") or groups.get("sign"):
        shift = dt.timedelta(hours=int(groups.get("oh") or 0), minutes=int(groups.get("om") or 0))
        moment += CHINA_TIME - (shift if groups.get("sign") == "+" else -shift)
    return moment, groups.get("H") is not None


def _moment(value: CellValue) -> tuple[dt.datetime, bool] | str | None:
    """(moment, has_time), or an issue code, or None for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None), True
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day), False
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return BAD_DATE
    if isinstance(value, int | float):
        number = float(value)
        if math.isnan(number):
            return None
        moment = _moment_from_number(number) if math.isfinite(number) else None
        if moment is None:
            return BAD_DATE
        return moment, not number.is_integer()
    text = _fold(value)
    if not text:
        return None
    if text in MISSING_MARKERS:
        return MISSING_MARKER
    found = _moment_from_text(text)
    return BAD_DATE if found is None else found


def parse_datetime(value: CellValue) -> Parsed[dt.datetime]:
    """A moment: "2024/3/1 8:05", "2024/06/07 19:05:11", datetime cells, Excel serials.

    A date without a time is midnight of that day.
    """
    found = _moment(value)
    if found is None:
        return Parsed(None)
    if isinstance(found, str):
        return Parsed(None, BAD_DATETIME if found == BAD_DATE else found)
    moment = found[0]
    if not _in_range(moment):
        return Parsed(None, DATE_OUT_OF_RANGE)
    return Parsed(moment)


def parse_date(value: CellValue) -> Parsed[dt.date]:
    """A day: "2024-03-01", "2024/3/1", "2024年3月1日", "20240301", Excel serials.

    A time of day, if present, is dropped: the day is what the import needs.
    """
    found = _moment(value)
    if found is None:
        return Parsed(None)
    if isinstance(found, str):
        return Parsed(None, found)
    day = found[0].date()
    if not _in_range(day):
        return Parsed(None, DATE_OUT_OF_RANGE)
    return Parsed(day)


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _month_from_text(text: str) -> str | None:
    match = _MONTH.fullmatch(text) or _COMPACT_MONTH.fullmatch(text)
    if match is None:
        return None
    year, month = int(match["y"]), int(match["m"])
    if not 1 <= month <= 12:
        return None
    return f"{year:04d}-{month:02d}"


def parse_month(value: CellValue) -> Parsed[str]:
    """A calendar month as "YYYY-MM": "2024-03", "2024年3月", "2024/03", "202403", or any day in it."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if math.isnan(number):
            return Parsed(None)
        if number.is_integer() and 190001 <= number <= 299912:
            month = _month_from_text(str(int(number)))
            if month is None:
                return Parsed(None, BAD_MONTH)
            return _month_in_range(month)
    if isinstance(value, str):
        text = _fold(value)
        if not text:
            return Parsed(None)
        if text in MISSING_MARKERS:
            return Parsed(None, MISSING_MARKER)
        month = _month_from_text(text)
        if month is not None:
            return _month_in_range(month)
    day = parse_date(value)
    if day.value is None:
        return Parsed(None, BAD_MONTH if day.issue == BAD_DATE else day.issue)
    return Parsed(month_of(day.value))


def _month_in_range(month: str) -> Parsed[str]:
    if EARLIEST_YEAR <= int(month[:4]) <= LATEST_YEAR:
        return Parsed(month)
    return Parsed(None, DATE_OUT_OF_RANGE)


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of a "YYYY-MM" month."""
    year, number = int(month[:4]), int(month[5:7])
    first = dt.date(year, number, 1)
    following = dt.date(year + number // 12, number % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


Grain = Literal["day", "month", "range"]


@dataclass(frozen=True)
class Period:
    """A span of whole days, as a statistics row or a file's "统计时间" covers."""

    start: dt.date
    end: dt.date

    @property
    def grain(self) -> Grain:
        if self.start == self.end:
            return "day"
        if self.start.day == 1 and month_bounds(month_of(self.start))[1] == self.end:
            return "month"
        return "range"

    @property
    def month(self) -> str | None:
        """The month when the period lies within one calendar month."""
        first = month_of(self.start)
        return first if first == month_of(self.end) else None

    def months(self) -> list[str]:
        """Every calendar month the period touches, in order."""
        found: list[str] = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            found.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found


# "~" and "至" separate the two ends; a dash only with spaces around it, since dates use dashes.
_RANGE_SPLIT = re.compile(r"\s*(?:~|～|〜|至|到|—|–|\s-\s|\s－\s)\s*")


def _period_end(text: str) -> Period | None:
    month = _month_from_text(text)
    if month is not None:
        if _month_in_range(month).value is None:
            return None  # "999912" or "000001": no month anybody exported
        first, last = month_bounds(month)
        return Period(first, last)
    found = _moment_from_text(text)
    if found is None:
        return None
    day = found[0].date()
    return Period(day, day)


def parse_period(value: CellValue) -> Parsed[Period]:
    """A day, a month or a range: "2024-03-01", "2024-03", "2024-06-01~2024-06-30", "2023-01 ~ 2024-06"."""
    if not isinstance(value, str):
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
            if number.is_integer() and 190001 <= number <= 299912:
                return _period_result(_period_end(str(int(number))))
        day = parse_date(value)
        if day.value is None:
            return Parsed(None, BAD_PERIOD if day.issue == BAD_DATE else day.issue)
        return Parsed(Period(day.value, day.value))
    text = _fold(value)
    if not text:
        return Parsed(None)
    if text in MISSING_MARKERS:
        return Parsed(None, MISSING_MARKER)
    parts = _RANGE_SPLIT.split(text)
    if len(parts) == 1:
        return _period_result(_period_end(text))
    if len(parts) != 2:
        return Parsed(None, BAD_PERIOD)
    first, last = _period_end(parts[0]), _period_end(parts[1])
    if first is None or last is None or last.end < first.start:
        return Parsed(None, BAD_PERIOD)
    return _period_result(Period(first.start, last.end))


def _period_result(period: Period | None) -> Parsed[Period]:
    if period is None:
        return Parsed(None, BAD_PERIOD)
    if not (_in_range(period.start) and _in_range(period.end)):
        return Parsed(None, DATE_OUT_OF_RANGE)
    return Parsed(period)


# ---------------------------------------------------------------------------------------
# Durations, yes/no


_DURATION_UNITS = (
    (r"天|d|day|days", 86400.0),
    (r"小时|时|h|hr|hrs|hour|hours", 3600.0),
    (r"分钟|分|min|mins|minute|minutes|m", 60.0),
    (r"秒钟|秒|s|sec|secs|second|seconds", 1.0),
)
_DURATION = re.compile(
    "".join(
        rf"(?:(?P<u{i}>\d+(?:\.\d+)?)\s*(?:{units})\s*)?"
        for i, (units, _) in enumerate(_DURATION_UNITS)
    ),
    re.IGNORECASE | re.ASCII,
)
_CLOCK = re.compile(r"(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{1,2}(?:\.\d+)?)", re.ASCII)


def parse_duration(value: CellValue, unit_seconds: float = 60.0) -> Parsed[float]:
    """A length of time in seconds: "1分5秒", "2小时3分", "65秒", "01:05:00", "05:30" (m:s).

    A bare number is in the column's unit (``unit_seconds``; minutes unless the header
    says otherwise, e.g. "直播时长(秒)").
    """
    if isinstance(value, dt.timedelta):
        return Parsed(value.total_seconds())
    if isinstance(value, dt.time):
        return Parsed(value.hour * 3600.0 + value.minute * 60.0 + value.second)
    if isinstance(value, dt.date):
        return Parsed(None, BAD_DURATION)
    if isinstance(value, str):
        text = _fold(value)
        clock = _CLOCK.fullmatch(text)
        if clock is not None:
            return _finite_duration(
                float(clock["h"] or 0) * 3600.0 + int(clock["m"]) * 60.0 + float(clock["s"])
            )
        match = _DURATION.fullmatch(text) if text else None
        if match is not None and any(match.groups()):
            return _finite_duration(
                sum(
                    float(match[f"u{i}"]) * seconds
                    for i, (_, seconds) in enumerate(_DURATION_UNITS)
                    if match[f"u{i}"] is not None
                )
            )
    number = parse_number(value)
    if number.value is None:
        return Parsed(None, BAD_DURATION if number.issue == NOT_A_NUMBER else number.issue)
    if number.value < 0:
        return Parsed(None, BAD_DURATION)
    return _finite_duration(number.value * unit_seconds)


def _finite_duration(seconds: float) -> Parsed[float]:
    return Parsed(seconds) if math.isfinite(seconds) else Parsed(None, BAD_DURATION)


_TRUE = frozenset(
    {
        "是",
        "y",
        "yes",
        "true",
        "t",
        "1",
        "通过",
        "已通过",
        "合格",
        "成功",
        "对",
        "✓",
        "✔",
        "√",
        "有",
        "pass",
        "passed",
    }
)
_FALSE = frozenset(
    {
        "否",
        "n",
        "no",
        "false",
        "f",
        "0",
        "未通过",
        "不通过",
        "不合格",
        "失败",
        "错",
        "✗",
        "✘",
        "×",
        "x",
        "没有",
        "fail",
        "failed",
    }
)


def parse_bool(value: CellValue) -> Parsed[bool]:
    """是/否 and its variants (Y/N, 通过/未通过, 成功/失败, ✓/✗, TRUE/FALSE, 1/0)."""
    if isinstance(value, bool):
        return Parsed(value)
    if _is_number(value):
        number = float(value)  # type: ignore[arg-type]
        if math.isnan(number):
            return Parsed(None)
        if number in (0.0, 1.0):
            return Parsed(number == 1.0)
        return Parsed(None, BAD_BOOL)
    if not isinstance(value, str):
        return Parsed(None) if value is None else Parsed(None, BAD_BOOL)
    text = _fold(value)
    if not text:
        return Parsed(None)
    folded = text.lower()
    if folded in _TRUE:
        return Parsed(True)
    if folded in _FALSE:
        return Parsed(False)
    if text in MISSING_MARKERS:
        return Parsed(None, MISSING_MARKER)
    return Parsed(None, BAD_BOOL)


# ---------------------------------------------------------------------------------------
# Text and identifiers


_ORDER_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]*", re.ASCII)
_SCIENTIFIC = re.compile(r"[-+]?\d+(?:\.\d+)?[eE][-+]?\d+", re.ASCII)
_FLOAT_RENDERED = re.compile(r"(\d+)\.0+", re.ASCII)


def parse_order_id(value: CellValue) -> Parsed[str]:
    """An order number kept as text, digits exactly as the platform issued them.

    Excel turns a 19-digit number typed into a cell into a float (6.93E+18): the last
    digits are gone. Such ids are kept (the row still counts) with a warning, since two
    orders may now share one id.
    """
    if value is None or isinstance(value, bool):
        return Parsed(None) if value is None else Parsed(None, BAD_ORDER_ID)
    if isinstance(value, int):
        return Parsed(str(value), ORDER_ID_MANGLED if abs(value) > EXACT_FLOAT_INT else None)
    if isinstance(value, float):
        if math.isnan(value):
            return Parsed(None)
        if not value.is_integer() or value < 0:
            return Parsed(None, BAD_ORDER_ID)
        return Parsed(str(int(value)), ORDER_ID_MANGLED if value > EXACT_FLOAT_INT else None)
    if not isinstance(value, str):
        return Parsed(None, BAD_ORDER_ID)
    text = _fold(value)
    if not text or text in MISSING_MARKERS:
        return Parsed(None)
    if _SCIENTIFIC.fullmatch(text):
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the regex only lets numbers through
            return Parsed(None, BAD_ORDER_ID)
        # Order numbers have at most ~20 digits; refusing huge exponents also keeps
        # int() from building a number with millions of digits.
        if number < 0 or number.adjusted() > 30 or number != number.to_integral_value():
            return Parsed(None, BAD_ORDER_ID)
        return Parsed(str(int(number)), ORDER_ID_MANGLED)
    rendered = _FLOAT_RENDERED.fullmatch(text)
    if rendered is not None:
        digits = rendered[1]
        return Parsed(digits, ORDER_ID_MANGLED if int(digits) > EXACT_FLOAT_INT else None)
    if _ORDER_ID.fullmatch(text):
        return Parsed(text)
    return Parsed(None, BAD_ORDER_ID)


def parse_text(value: CellValue) -> Parsed[str]:
    """Free text (names, statuses, employee numbers) with wrappers and outer spaces removed.

    "-" and other no-data markers are missing; a whole number typed into Excel ("1001.0")
    reads back as "1001", so 工号 typed as numbers still match.
    """
    if value is None:
        return Parsed(None)
    if isinstance(value, str):
        text = unwrap(value)
        if not text or text in MISSING_MARKERS:
            return Parsed(None)
        return Parsed(text)
    if isinstance(value, float) and math.isnan(value):
        return Parsed(None)
    return Parsed(cell_text(value))


Parser = Callable[[CellValue], Parsed[object]]
