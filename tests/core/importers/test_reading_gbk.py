"""A GBK/GB18030 CSV split on its raw bytes reads exactly as the decoded file does, and bad bytes still get noted."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.importers import reading
from core.importers.reading import ColumnBlock, open_sheet

# Cells as exports write them: Chinese (two- and four-byte GB18030), ASCII, quotes, commas,
# line breaks inside quotes, ="…" wrappers, empty cells.
_CELL = st.one_of(
    st.text(
        alphabet=st.sampled_from(
            list("交易成功关闭卖家已发货，等待确认王芳悦颜美妆专营店€😀ä ")
            + list('0123456789abcXYZ-:/."=,;\t\n')
        ),
        max_size=12,
    ),
    st.sampled_from(["", "交易成功", '="1234567890123456789"', "2024-06-01 10:00:00", "12.50"]),
)


def _write(path: Path, rows: Sequence[Sequence[str]], delimiter: str) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("gb18030"))


def _read(path: Path, columns: list[int], numeric: list[int], raw: bool) -> ColumnBlock:
    sheet = open_sheet(path)
    assert sheet.format == "csv"
    if not raw:
        sheet._read_undecoded = lambda *args, **kwargs: None  # type: ignore[attr-defined]
    return sheet.read_columns(columns, 1, numeric)


def _same(first: ColumnBlock, second: ColumnBlock) -> None:
    assert first.n_rows == second.n_rows
    for j, cells in first.columns.items():
        left, right = np.asarray(cells), np.asarray(second.columns[j])
        assert left.dtype == right.dtype
        assert pd.Series(left).equals(pd.Series(right)), j


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(_CELL, min_size=4, max_size=4), min_size=1, max_size=30),
    delimiter=st.sampled_from([",", "\t", ";"]),
)
# found by this test: tabs inside the last row's cells made a ';' file look tab-separated
@example(rows=[["", "", "", ""]] * 7 + [["", "", "\t", '"\t\t']], delimiter=";")
def test_raw_split_reads_like_the_decoded_file(
    tmp_path: Path, rows: list[list[str]], delimiter: str
) -> None:
    path = tmp_path / "订单.csv"
    _write(path, [["订单编号", "订单状态", "买家会员名", "金额"], *rows], delimiter)
    if open_sheet(path).encoding != "gb18030":
        return  # pure ASCII samples decode as UTF-8: nothing to compare
    _same(_read(path, [0, 1, 2, 3], [3], raw=True), _read(path, [0, 1, 2, 3], [3], raw=False))


def test_a_month_of_orders_reads_chinese_cells_right(tmp_path: Path) -> None:
    path = tmp_path / "ExportOrderList.csv"
    body = [
        [f'="{10**18 + i}"', "交易成功" if i % 3 else "交易关闭", f"买家{i % 700}", "9.90"]
        for i in range(3000)
    ]
    _write(path, [["订单编号", "订单状态", "买家会员名", "金额"], *body], ",")
    block = _read(path, [0, 1, 2, 3], [3], raw=True)
    assert list(block.columns[1][:3]) == ["交易关闭", "交易成功", "交易成功"]
    assert block.columns[2][701] == "买家1"
    _same(block, _read(path, [0, 1, 2, 3], [3], raw=False))


def test_bad_bytes_fall_back_to_the_decoded_read_and_are_noted(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    # past the sample the encoding is guessed from
    good = "订单编号,订单状态\n" + "".join(f"{i},交易成功\n" for i in range(30_000))
    path.write_bytes(good.encode("gb18030") + b"99,\x81\n")  # a lead byte without its second byte
    sheet = open_sheet(path)
    assert sheet.encoding == "gb18030"
    block = sheet.read_columns([0, 1], 1)
    assert block.n_rows == 30_001
    assert block.columns[1][0] == "交易成功"
    assert [note.code for note in sheet.notes] == ["imports.csv_bad_bytes"]


@pytest.mark.parametrize("delimiter", ["|"])
def test_delimiters_that_can_be_part_of_a_character_use_the_decoded_read(
    tmp_path: Path, delimiter: str
) -> None:
    # 0x7C ("|") is a valid second byte of a GBK character (e.g. 「乘」 is 0xB3 0xCB, 「亅」 0x81 0x7C).
    path = tmp_path / "pipe.csv"
    _write(path, [["订单编号", "备注"], *[[str(i), "亅乘"] for i in range(200)]], delimiter)
    sheet = open_sheet(path)
    assert sheet.delimiter == delimiter
    assert reading.CsvSheet._read_undecoded(sheet, pd, [0, 1], [0, 1], 0, True) is None
    assert list(sheet.read_columns([0, 1], 1).columns[1][:2]) == ["亅乘", "亅乘"]
