"""Parses a whole column of cells at once, fast for the common case and exact for the odd cell.

A 100,000-row export must parse in a fraction of the time it takes to read it, so each column
type has a vectorised fast path for the forms platforms normally write (clean numbers,
"1,234.50", "2024-06-09 20:40:16", ="…" order numbers) and hands every other cell to the
scalar parser in ``values``, which stays the single definition of what a cell means. Tests
check, property-based, that both paths agree cell by cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from core.importers import values as v
from core.importers.sources import FieldType

# Formats tried, in order, on date-time text before the per-cell parser; each pass only
# runs while enough cells remain unparsed to make a vectorised pass worth it.
_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
)
# Below this many leftover cells the per-cell parser is cheaper than another pandas pass.
VECTOR_MIN = 64

_NUMERIC = frozenset({"int", "number", "money", "rate_percent_text", "rate_decimal"})

# "1,234.50", "¥88", "-3.25%": the formats a second vectorised pass handles exactly as
# ``values._decimal`` would; anything else goes to the scalar parser.
_GROUPED = r"[-+]?[¥$]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
_GROUPED_PLAIN = _GROUPED
_GROUPED_PERCENT = _GROUPED + r"%?"


@dataclass
class ColumnResult:
    """A parsed column: values aligned with the input, and (position, code) for odd cells."""

    values: pd.Series
    issues: list[tuple[int, str]]


@dataclass(frozen=True)
class ColumnSpec:
    """How to read one column: its field type and what its header's unit says."""

    type: FieldType
    scale: float = 1.0
    unit_seconds: float = 60.0
    percent_header: bool = False  # "(%)" in the header: bare numbers are percentages

    @property
    def rate_form(self) -> v.RateForm:
        if self.type == "rate_percent_text" or self.percent_header:
            return "percent"
        return "decimal"


def scalar_parser(spec: ColumnSpec) -> Callable[[v.CellValue], v.Parsed[Any]]:
    """The per-cell parser for ``spec`` (the reference the fast paths must agree with)."""
    kind = spec.type
    if kind == "int":
        return partial(v.parse_int, scale=spec.scale)
    if kind == "money":
        return partial(v.parse_money, scale=spec.scale)
    if kind == "number":
        return partial(v.parse_number, scale=spec.scale)
    if kind in ("rate_percent_text", "rate_decimal"):
        return partial(v.parse_rate, form=spec.rate_form)
    if kind == "ratio":
        return v.parse_ratio
    if kind == "date":
        return v.parse_date
    if kind == "datetime":
        return v.parse_datetime
    if kind == "month":
        return v.parse_month
    if kind == "period":
        return v.parse_period
    if kind == "duration":
        return partial(v.parse_duration, unit_seconds=spec.unit_seconds)
    if kind == "bool":
        return v.parse_bool
    if kind == "order_id":
        return v.parse_order_id
    return v.parse_text


def _as_objects(cells: Sequence[v.CellValue]) -> np.ndarray:
    if isinstance(cells, np.ndarray) and cells.dtype == object:
        return cells
    array = np.empty(len(cells), dtype=object)
    array[:] = list(cells)
    return array


def _per_cell(
    parser: Callable[[v.CellValue], v.Parsed[Any]], cells: np.ndarray, positions: np.ndarray
) -> tuple[list[Any], list[tuple[int, str]]]:
    """Scalar parsing of the given positions, once per distinct cell value."""
    memo: dict[tuple[type, Any], v.Parsed[Any]] = {}
    out: list[Any] = []
    issues: list[tuple[int, str]] = []
    for position in positions:
        cell = cells[position]
        try:
            token = (type(cell), cell)
            parsed = memo.get(token)
            if parsed is None:
                parsed = memo[token] = parser(cell)
        except TypeError:  # an unhashable cell (never produced by the readers)
            parsed = parser(cell)
        out.append(parsed.value)
        if parsed.issue is not None:
            issues.append((int(position), parsed.issue))
    return out, issues


def parse_column(cells: Sequence[v.CellValue], spec: ColumnSpec) -> ColumnResult:
    """Parses every cell of a column as ``spec`` says."""
    if spec.type in _NUMERIC and isinstance(cells, np.ndarray) and cells.dtype.kind in "fiu":
        return _numeric_array(cells, spec)
    array = _as_objects(cells)
    if spec.type in _NUMERIC:
        return _numeric(array, spec)
    if spec.type in ("datetime", "date"):
        return _moments(array, spec)
    if spec.type == "text":
        return ColumnResult(pd.Series(_texts(array), dtype=object), [])
    if spec.type == "order_id":
        return _order_ids(array)
    parser = scalar_parser(spec)
    found, issues = _per_cell(parser, array, np.arange(len(array)))
    series = pd.Series(found, dtype=object)
    if spec.type in ("duration", "ratio"):
        series = pd.Series(np.array([np.nan if x is None else x for x in found], dtype=float))
    elif spec.type == "bool":
        series = pd.Series(pd.array(found, dtype="boolean"))
    return ColumnResult(series, issues)


# ---------------------------------------------------------------------------------------
# Numbers


def _type_masks(array: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(is a str, is an int or float but not a bool) for every cell."""
    if infer_dtype(array, skipna=True) == "string":
        # The usual case, checked in C: text cells, perhaps with empty ones.
        return ~pd.isna(array), np.zeros(len(array), bool)
    kinds = [type(cell) for cell in array]
    is_str = np.fromiter((k is str for k in kinds), bool, len(kinds))
    is_num = np.fromiter((k is float or k is int for k in kinds), bool, len(kinds))
    return is_str, is_num


def _numeric_array(cells: np.ndarray, spec: ColumnSpec) -> ColumnResult:
    """A column a reader already converted to numbers (every cell a clean number or empty)."""
    result = cells.astype(float)  # a copy, so the reader's array is left alone
    issues: list[tuple[int, str]] = []
    infinite = np.flatnonzero(np.isinf(result))
    if len(infinite):
        result[infinite] = np.nan
        issues = [(int(p), v.NOT_A_NUMBER) for p in infinite]
    return _scaled(result, issues, spec)


def _numeric(array: np.ndarray, spec: ColumnSpec) -> ColumnResult:
    n = len(array)
    is_str, is_num = _type_masks(array)
    result = np.full(n, np.nan)
    fast = is_str | is_num
    if fast.any():
        # Plain numbers, as text or as number cells: pandas' C parser.
        converted = pd.to_numeric(pd.Series(array[fast], dtype=object), errors="coerce").to_numpy(
            dtype=float
        )
        result[fast] = converted
    ok = fast & np.isfinite(result)
    if spec.type in ("rate_percent_text", "rate_decimal") and spec.rate_form == "percent":
        # A bare "3.25" in a percent column is 3.25%; a number cell already is the fraction.
        result[ok & is_str] /= 100.0
    pending = ~ok & ~_empty_mask(array, is_str, is_num)
    issues: list[tuple[int, str]] = []
    if pending.any():
        _grouped_pass(array, result, pending, is_str, spec)
        leftover = np.flatnonzero(pending)
        if len(leftover):
            found, issues = _per_cell(_unscaled_parser(spec), array, leftover)
            result[leftover] = [np.nan if x is None else float(x) for x in found]
    return _scaled(result, issues, spec)


def _scaled(result: np.ndarray, issues: list[tuple[int, str]], spec: ColumnSpec) -> ColumnResult:
    """Applies the header's unit (万元 …) and, for counts, rounds to whole numbers."""
    if spec.scale != 1.0 and spec.type in ("int", "money", "number"):
        with np.errstate(over="ignore", invalid="ignore"):
            result *= spec.scale
            # as values.scaled: 13800, not 13799.999999999998 (np.round of a huge number
            # overflows; one that large has no decimals to clean)
            small = np.abs(result) < v.ROUNDED_BELOW
            result[small] = np.round(result[small], 6)
        overflow = np.flatnonzero(np.isinf(result))
        if len(overflow):
            result[overflow] = np.nan
            issues = sorted(issues + [(int(p), v.NOT_A_NUMBER) for p in overflow])
    if spec.type == "int":
        return _counts(result, issues)
    return ColumnResult(pd.Series(result), issues)


def _unscaled_parser(spec: ColumnSpec) -> Callable[[v.CellValue], v.Parsed[Any]]:
    """The scalar parser for odd cells, before scaling and (for counts) rounding.

    Counts are scaled first and rounded after ("1.2" in a "(万)" column is 12,000), so odd
    cells of an int column are read as money is: any number, but no "%".
    """
    if spec.type in ("int", "money"):
        return v.parse_money
    if spec.type == "number":
        return v.parse_number
    return scalar_parser(spec)


def _empty_mask(array: np.ndarray, is_str: np.ndarray, is_num: np.ndarray) -> np.ndarray:
    """Cells that are simply empty: None, "", or a NaN number."""
    empty = pd.isna(array)
    if is_str.any():
        empty |= is_str & (array == "")
    return np.asarray(empty, dtype=bool)


def _grouped_pass(
    array: np.ndarray, result: np.ndarray, pending: np.ndarray, is_str: np.ndarray, spec: ColumnSpec
) -> None:
    """Second vectorised pass for "1,234.50", "¥88" and "3.25%"; clears what it parsed from ``pending``."""
    candidates = np.flatnonzero(pending & is_str)
    if len(candidates) < VECTOR_MIN:
        return
    texts = pd.Series(array[candidates], dtype=object)
    allows_percent = spec.type in ("number", "rate_percent_text", "rate_decimal")
    matched = texts.str.fullmatch(_GROUPED_PERCENT if allows_percent else _GROUPED_PLAIN).to_numpy(
        dtype=bool, na_value=False
    )
    if not matched.any():
        return
    chosen = texts[matched]
    has_percent = chosen.str.endswith("%").to_numpy(dtype=bool)
    cleaned = chosen.str.replace(r"[,¥$%]", "", regex=True)
    numbers = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype=float, copy=True)
    numbers[has_percent] /= 100.0
    if spec.type in ("rate_percent_text", "rate_decimal") and spec.rate_form == "percent":
        numbers[~has_percent] /= 100.0
    finite = np.isfinite(numbers)
    positions = candidates[matched][finite]
    result[positions] = numbers[finite]
    pending[positions] = False


def _counts(result: np.ndarray, issues: list[tuple[int, str]]) -> ColumnResult:
    finite = np.isfinite(result)
    too_big = finite & (np.abs(result) > v.MAX_COUNT)
    rounded = np.round(np.where(finite & ~too_big, result, 0.0))
    fractional = (
        finite & ~too_big & (np.abs(result - rounded) > 1e-6 * np.maximum(1.0, np.abs(result)))
    )
    already = {position for position, _ in issues}
    extra = [(int(p), v.NOT_INTEGER) for p in np.flatnonzero(fractional) if int(p) not in already]
    extra += [(int(p), v.NOT_A_NUMBER) for p in np.flatnonzero(too_big) if int(p) not in already]
    values = pd.array(rounded.astype(np.int64), dtype="Int64")
    values[~finite | too_big] = pd.NA
    merged = sorted(issues + extra) if extra else issues
    return ColumnResult(pd.Series(values), merged)


# ---------------------------------------------------------------------------------------
# Dates and times


def _moments(array: np.ndarray, spec: ColumnSpec) -> ColumnResult:
    n = len(array)
    inferred = infer_dtype(array, skipna=True)
    missing = pd.isna(array)
    if inferred == "string":
        is_str, is_datetime = ~missing, np.zeros(n, bool)
    else:
        kinds = [type(cell) for cell in array]
        is_str = np.fromiter((k is str for k in kinds), bool, n)
        is_datetime = np.fromiter((k is dt.datetime for k in kinds), bool, n)
    result = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    if is_datetime.any():
        result[is_datetime] = pd.to_datetime(pd.Series(array[is_datetime], dtype=object)).to_numpy(
            dtype="datetime64[us]"
        )
    done = is_datetime.copy()
    remaining = np.flatnonzero(is_str)
    for fmt in _DATETIME_FORMATS:
        if len(remaining) < VECTOR_MIN:
            break
        parsed = pd.to_datetime(
            pd.Series(array[remaining], dtype=object), format=fmt, errors="coerce"
        ).to_numpy(dtype="datetime64[us]")
        hit = ~np.isnat(parsed)
        result[remaining[hit]] = parsed[hit]
        done[remaining[hit]] = True
        remaining = remaining[~hit]
    if len(remaining) >= VECTOR_MIN:
        # Exports that prefix times with a tab or wrap them in spaces: strip, try again.
        stripped = pd.Series(array[remaining], dtype=object).str.strip(_SPACES)
        for fmt in _DATETIME_FORMATS:
            if len(remaining) < VECTOR_MIN:
                break
            parsed = pd.to_datetime(stripped, format=fmt, errors="coerce").to_numpy(
                dtype="datetime64[us]"
            )
            hit = ~np.isnat(parsed)
            result[remaining[hit]] = parsed[hit]
            done[remaining[hit]] = True
            remaining, stripped = remaining[~hit], stripped[~hit]
    issues: list[tuple[int, str]] = []
    if done.any():
        # The vectorised passes do not know Tidui's plausible years; the scalar parser does.
        years = result.astype("datetime64[Y]").astype(np.int64) + 1970
        implausible = done & ((years < v.EARLIEST_YEAR) | (years > v.LATEST_YEAR))
        result[implausible] = np.datetime64("NaT")
        issues += [(int(p), v.DATE_OUT_OF_RANGE) for p in np.flatnonzero(implausible)]
    empty = missing | (is_str & (array == ""))
    leftover = np.flatnonzero(~done & ~empty)
    if len(leftover):
        found, more = _per_cell(v.parse_datetime, array, leftover)
        if spec.type == "date":
            more = [(p, v.BAD_DATE if code == v.BAD_DATETIME else code) for p, code in more]
        result[leftover] = [
            np.datetime64("NaT") if x is None else np.datetime64(x, "us") for x in found
        ]
        issues = sorted(issues + more)
    series = pd.Series(result)
    if spec.type == "date":
        series = series.dt.normalize()
    return ColumnResult(series, issues)


# ---------------------------------------------------------------------------------------
# Text and order numbers

_SPACES = v._STRIP
_PLAIN_START = frozenset(v._STRIP) | {"=", "'", '"', "‘", "’", "`"}
_PLAIN_END = frozenset(v._STRIP) | {'"'}


# Cells looked at to tell a column of few distinct texts from one of many (``_texts``).
_SAMPLE = 256


def _texts(array: np.ndarray) -> list[str | None] | np.ndarray:
    """Text cells cleaned; columns of few distinct texts (statuses, store names) once per text."""
    # A column whose first cells are mostly different (buyers' names) is cleaned cell by cell
    # straight away: grouping 100,000 distinct texts would only cost its 0.01 s first.
    if len(array) > _SAMPLE and len(set(array[:_SAMPLE].tolist())) * 2 < _SAMPLE:
        codes, uniques = pd.factorize(array, use_na_sentinel=True)
        # factorize treats 1, 1.0 and True as one value; only all-text columns are safe.
        if len(uniques) * 2 < len(array) and all(type(u) is str for u in uniques):
            cleaned = np.empty(len(uniques) + 1, dtype=object)
            cleaned[:-1] = _texts_each(np.asarray(uniques, dtype=object))
            cleaned[-1] = None  # code -1: an empty cell
            return cleaned[codes]
    return _texts_each(array)


def _texts_each(array: np.ndarray) -> list[str | None]:
    markers = v.MISSING_MARKERS
    out: list[str | None] = []
    append = out.append
    for cell in array:
        if (
            type(cell) is str
            and cell
            and cell[0] not in _PLAIN_START
            and cell[-1] not in _PLAIN_END
            and cell not in markers
        ):
            append(cell)
        else:
            append(v.parse_text(cell).value)
    return out


def _plain_order_ids(array: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(ids, which cells they are) for cells that are ASCII digits, bare or as ="…"; None
    unless every cell is text. numpy's string ufuncs do this in C."""
    if (
        len(array) < VECTOR_MIN
        or not hasattr(np.strings, "slice")  # numpy < 2.3
        or infer_dtype(array, skipna=True) != "string"
    ):
        return None
    present = ~pd.isna(array)
    # The wrappers exports use most, in the order values.unwrap removes them: spaces and
    # tabs, ="…", a leading apostrophe. Whatever is left must be plain digits.
    written = np.where(present, array, "").astype(str)
    fast = _wrapped_digits(written) if present.all() else None
    if fast is not None:
        return fast, present
    texts = np.strings.strip(written, _SPACES)
    wrapped = np.strings.startswith(texts, '="') & np.strings.endswith(texts, '"')
    texts = np.where(wrapped, np.strings.strip(np.strings.slice(texts, 2, -1), _SPACES), texts)
    quoted = np.strings.startswith(texts, "'")
    inner = np.where(quoted, np.strings.strip(np.strings.slice(texts, 1, None), _SPACES), texts)
    codes = inner.view(np.uint32).reshape(len(inner), -1) if inner.dtype.itemsize else None
    ascii_only = (codes < 128).all(axis=1) if codes is not None else np.ones(len(inner), bool)
    plain = present & np.strings.isdigit(inner) & ascii_only
    return inner.astype(object), plain


def _wrapped_digits(written: np.ndarray) -> np.ndarray | None:
    """The digits of every cell when each one is ="…" around ASCII digits, all of the same
    length (淘宝's order numbers), else None. On the characters as a table of code points:
    four whole-column comparisons instead of the general path's strips and slices."""
    width = written.dtype.itemsize // 4
    if width < 4:
        return None
    codes = written.view(np.uint32).reshape(len(written), width)
    digits = codes[:, 2:-1]
    # a shorter text ends in NUL padding, so it fails the closing quote
    if not (
        (codes[:, 0] == ord("=")).all()
        and (codes[:, 1] == ord('"')).all()
        and (codes[:, -1] == ord('"')).all()
        and ((digits >= ord("0")) & (digits <= ord("9"))).all()
    ):
        return None
    inner = np.ascontiguousarray(digits).view(f"<U{width - 3}").ravel()
    return inner.astype(object)


def _order_ids(array: np.ndarray) -> ColumnResult:
    fast = _plain_order_ids(array)
    if fast is not None:
        digits, plain = fast
        out_array = np.empty(len(array), dtype=object)
        out_array[plain] = digits[plain]
        issues: list[tuple[int, str]] = []
        for spot in np.flatnonzero(~plain):
            parsed = v.parse_order_id(array[spot])
            out_array[spot] = parsed.value
            if parsed.issue is not None:
                issues.append((int(spot), parsed.issue))
        return ColumnResult(pd.Series(out_array, dtype=object), issues)
    out: list[str | None] = []
    issues = []
    for position, cell in enumerate(array):
        if type(cell) is str:
            if cell.isdigit() and cell.isascii():
                out.append(cell)
                continue
            if cell[:2] == '="' and cell[-1:] == '"':
                inner = cell[2:-1]
                if inner.isdigit() and inner.isascii():
                    out.append(inner)
                    continue
        parsed = v.parse_order_id(cell)
        out.append(parsed.value)
        if parsed.issue is not None:
            issues.append((position, parsed.issue))
    return ColumnResult(pd.Series(out, dtype=object), issues)
