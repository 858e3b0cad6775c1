"""The fast column parsers give, cell for cell, what the scalar parsers give."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.importers import columns
from core.importers.columns import ColumnSpec, parse_column, scalar_parser
from core.importers.values import CellValue


@pytest.fixture(autouse=True)
def vector_paths_always(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run the vectorised passes even on the few cells hypothesis generates."""
    monkeypatch.setattr(columns, "VECTOR_MIN", 0)
    yield


_NUMBERISH = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(min_value=-(10**16), max_value=10**16),
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False).map(str),
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False).map(
        lambda d: f"{d:,}"
    ),
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False).map(
        lambda d: f"¥{d:,}"
    ),
    st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False).map(lambda d: f"{d}%"),
    st.text(alphabet="0123456789,.-+%¥￥万 e\t'=\"", max_size=10),
    st.sampled_from(
        [
            "",
            "-",
            "--",
            "无",
            "nan",
            "inf",
            "1e5",
            " 12 ",
            "1_000",
            "１２",
            "١٢",
            "１,２３４",
            "0x10",
            "+5",
        ]
    ),
    st.booleans(),
    st.none(),
    st.dates(),
)

_MOMENTISH = st.one_of(
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)).map(
        lambda m: m.strftime("%Y-%m-%d %H:%M:%S")
    ),
    st.datetimes(min_value=dt.datetime(1940, 1, 1), max_value=dt.datetime(2110, 1, 1)).map(
        lambda m: m.strftime("%Y/%m/%d %H:%M")
    ),
    st.datetimes(min_value=dt.datetime(1940, 1, 1), max_value=dt.datetime(2110, 1, 1)).map(
        lambda m: f"{m.year}-{m.month}-{m.day}"
    ),
    st.datetimes(min_value=dt.datetime(1940, 1, 1), max_value=dt.datetime(2110, 1, 1)).map(
        lambda m: m.strftime("\t%Y/%m/%d %H:%M:%S ")  # 抖店 CSVs prefix a tab
    ),
    st.dates(),
    st.floats(min_value=0, max_value=80000),
    st.integers(min_value=19000101, max_value=21001231),
    st.text(alphabet="0123456789-/: 年月日T", max_size=20),
    st.sampled_from(
        [
            "",
            "-",
            "2024-02-30",
            "2024-13-01 00:00:00",
            " 2024-06-09 20:40:16",
            "2024-06-09 20:40:16.5",
        ]
    ),
    st.none(),
)


def _same(a: Any, b: Any) -> bool:
    if a is None or a is pd.NA or (isinstance(a, float) and math.isnan(a)) or a is pd.NaT:
        return b is None or b is pd.NA or (isinstance(b, float) and math.isnan(b)) or b is pd.NaT
    if isinstance(a, pd.Timestamp):
        a = a.to_pydatetime()
    if isinstance(a, float) and isinstance(b, float | int):
        return a == pytest.approx(b, rel=1e-12, abs=1e-12)
    return bool(a == b)


def _check(cells: list[CellValue], spec: ColumnSpec) -> None:
    result = parse_column(cells, spec)
    issues = dict(result.issues)
    reference = scalar_parser(spec)
    for position, cell in enumerate(cells):
        expected = reference(cell)
        got = result.values.iloc[position]
        want: Any = expected.value
        if spec.type == "date" and want is not None:
            want = dt.datetime(want.year, want.month, want.day)
        assert _same(got, want), (cell, got, want)
        assert issues.get(position) == expected.issue, (cell, issues.get(position), expected.issue)


@settings(max_examples=300)
@given(
    st.lists(_NUMBERISH, max_size=12),
    st.sampled_from(["int", "money", "number", "rate_percent_text", "rate_decimal"]),
    st.sampled_from([1.0, 10_000.0]),
)
def test_numeric_columns_agree_with_scalar(cells: list[CellValue], kind: Any, scale: float) -> None:
    _check(cells, ColumnSpec(kind, scale=scale if kind in ("int", "money", "number") else 1.0))


@settings(max_examples=300)
@given(st.lists(_MOMENTISH, max_size=12), st.sampled_from(["datetime", "date"]))
def test_date_columns_agree_with_scalar(cells: list[CellValue], kind: Any) -> None:
    _check(cells, ColumnSpec(kind))


_WRAPPED = st.tuples(
    st.sampled_from(
        ["{}", '="{}"', "'{}", "\t{}", " {} ", "\u3000{}", '\'="{}"', '=" {}"', "{}.0", "＝{}"]
    ),
    st.one_of(
        st.integers(0, 10**20).map(str), st.text(alphabet="0123456789１２eE+-. ", max_size=22)
    ),
).map(lambda t: t[0].format(t[1]))


@settings(max_examples=300)
@given(
    st.lists(
        st.one_of(_WRAPPED, st.text(max_size=25), st.integers(0, 10**19), st.floats(), st.none()),
        max_size=12,
    )
)
def test_order_id_and_text_columns_agree_with_scalar(cells: list[CellValue]) -> None:
    _check(cells, ColumnSpec("order_id"))
    _check(cells, ColumnSpec("text"))


def test_percent_header_makes_bare_numbers_percentages() -> None:
    result = parse_column(
        ["3.25", "3.25%", 0.0325], ColumnSpec("rate_decimal", percent_header=True)
    )
    assert result.values.tolist() == pytest.approx([0.0325, 0.0325, 0.0325])


def test_counts_are_nullable_integers() -> None:
    result = parse_column(["1,234", "-", "", "5"], ColumnSpec("int"))
    assert str(result.values.dtype) == "Int64"
    assert result.values.tolist() == [1234, pd.NA, pd.NA, 5]
    assert result.issues == [(1, "imports.value.missing_marker")]


def test_common_platform_forms_never_reach_the_per_cell_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What keeps 100,000-row exports fast: only odd cells are parsed one by one."""
    monkeypatch.setattr(columns, "VECTOR_MIN", 64)
    slow: list[int] = []
    per_cell = columns._per_cell

    def counting(parser: Any, cells: Any, positions: Any) -> Any:
        slow.extend(positions)
        return per_cell(parser, cells, positions)

    monkeypatch.setattr(columns, "_per_cell", counting)
    n = 5_000
    amounts = [f"{i * 1.37:,.2f}" for i in range(n)] + ["-"]
    moments = [f"2024/06/{1 + i % 28:02d} 12:{i % 60:02d}:00" for i in range(n)] + [""]
    ids = [f'="{6 * 10**18 + i}"' for i in range(n)] + [str(7 * 10**18)]
    assert parse_column(amounts, ColumnSpec("money")).values.notna().sum() == n
    assert parse_column(moments, ColumnSpec("datetime")).values.notna().sum() == n
    assert parse_column(ids, ColumnSpec("order_id")).values.notna().sum() == n + 1
    assert slow == [n]  # just the "-" amount
    # 抖店 CSV exports put a tab before numbers and times so that Excel keeps them as text.
    tabbed_ids = [f"\t{6 * 10**18 + i}" for i in range(n)]
    tabbed_moments = [f"\t{m}" for m in moments[:n]]
    assert parse_column(tabbed_ids, ColumnSpec("order_id")).values.tolist()[:1] == [str(6 * 10**18)]
    assert parse_column(tabbed_moments, ColumnSpec("datetime")).values.notna().sum() == n
    assert slow == [n]


@settings(max_examples=200)
@given(
    st.integers(min_value=0, max_value=20),
    st.lists(st.integers(min_value=0, max_value=10**20), min_size=1, max_size=12),
    st.one_of(st.none(), _WRAPPED, st.text(max_size=25)),
)
def test_a_column_of_wrapped_order_numbers_agrees_with_scalar(
    width: int, numbers: list[int], odd: str | None
) -> None:
    # 淘宝 writes every order number as ="…" of one length: a faster path reads those.
    cells: list[CellValue] = [f'="{n:0{width}d}"'[: width + 3] for n in numbers]
    _check(cells, ColumnSpec("order_id"))
    _check([*cells, odd], ColumnSpec("order_id"))


def test_a_wan_column_is_scaled_without_binary_noise() -> None:
    """A "(万元)" column of 1.38 read 13799.999999999998."""
    result = parse_column(["1.38", 0.07, "13.79"], ColumnSpec("money", scale=10_000.0))
    assert list(result.values) == [13800.0, 700.0, 137900.0]


def test_a_huge_amount_in_a_wan_column_stays_a_number() -> None:
    """Found by hypothesis on CI: np.round of 1.8e302 overflowed to NaN, the scalar parser kept it."""
    huge = 1.7976931348623157e298
    result = parse_column([huge], ColumnSpec("money", scale=10_000.0))
    assert result.values.iloc[0] == huge * 10_000.0
