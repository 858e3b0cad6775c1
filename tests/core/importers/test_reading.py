"""Every sample opens as a raw grid; every broken file gives a clear, named error instead of a traceback."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from core.importers.reading import ImportFileError, inspect_file, open_sheet

DATA = Path(__file__).resolve().parents[2] / "data"
SAMPLES = DATA / "samples"
SYCM_DAILY = SAMPLES / "【生意参谋平台】店铺整体_日_悦颜美妆旗舰店_2024-01-01_2024-06-30.xls"
TAOBAO_CSV = SAMPLES / "ExportOrderList202406.csv"
DOUYIN_ORDERS = SAMPLES / "抖店订单导出_2024-06.xlsx"


def _fails(path: Path, code: str, **kwargs: object) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        open_sheet(path, **kwargs)  # type: ignore[arg-type]
    error = caught.value
    assert error.code == code
    # The user can tell which file, in both languages, and no Python internals leak through.
    for lang in ("zh", "en"):
        text = error.text(lang)
        assert path.name in text
        assert "Traceback" not in text and "{" not in text
    return error


@pytest.mark.parametrize("path", sorted(SAMPLES.iterdir()), ids=lambda p: p.name)
def test_every_sample_opens(path: Path) -> None:
    info = inspect_file(path)
    sheet = open_sheet(path)
    rows = sheet.top()
    assert info.sheet_names and sheet.name in info.sheet_names
    assert len(rows) >= 2
    assert len({len(row) for row in rows}) == 1  # a rectangular grid


def test_legacy_xls_keeps_its_preamble_rows() -> None:
    rows = open_sheet(SYCM_DAILY).top(5)
    assert rows[0][0] == "店铺整体数据-日"
    assert rows[1][0] == "统计时间：2024-01-01 ~ 2024-06-30"
    assert rows[3][:4] == ["统计日期", "访客数", "浏览量", "支付金额"]
    assert rows[4][3] == "32,306.15"


def test_gbk_csv_is_detected_and_read() -> None:
    info = inspect_file(TAOBAO_CSV)
    assert info.format == "csv" and info.encoding == "gb18030"
    sheet = open_sheet(TAOBAO_CSV)
    header = sheet.top(1)[0]
    assert header[0] == "订单编号" and "收货地址 " in header
    block = sheet.read_columns([0, 10, 99], first_row=1)
    assert block.n_rows == 220
    assert block.columns[0][0] == '="8893410389519920701"'
    assert block.columns[10][0] == "交易成功"
    assert _texts(block.columns[99]) == [""] * 220  # a column beyond the file reads as empty


@pytest.mark.parametrize(
    ("encoding", "expected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16")]
)
def test_utf8_bom_and_utf16_csv(tmp_path: Path, encoding: str, expected: str) -> None:
    text = TAOBAO_CSV.read_bytes().decode("gb18030")
    if encoding == "utf-16":
        text = text.replace(",", "\t")  # Excel's "Unicode text" is tab-separated UTF-16
    path = tmp_path / "orders.csv"
    path.write_bytes(text.encode(encoding))
    assert inspect_file(path).encoding == expected
    sheet = open_sheet(path)
    assert sheet.top(1)[0][0] == "订单编号"  # no BOM glued to the first header
    assert sheet.read_columns([10], 1).columns[10][0] == "交易成功"


def test_csv_preamble_blank_lines_and_multiline_cells_keep_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "订单报表\n统计时间：2024-06-01 ~ 2024-06-30\n\n订单编号,订单状态,买家留言\n"
        '1001,交易成功,"第一行\n第二行"\n\n1002,交易关闭,\n',
        encoding="utf-8",
    )
    sheet = open_sheet(path)
    rows = sheet.top()
    assert rows[3] == ["订单编号", "订单状态", "买家留言"]
    block = sheet.read_columns([0, 1, 2], first_row=4)
    # Records, not lines: the quoted line break does not shift later rows.
    assert _texts(block.columns[0]) == ["1001", "", "1002"]
    assert _texts(block.columns[2]) == ["第一行\n第二行", "", ""]


def _texts(cells: object) -> list[str]:
    """Cells as text, empty cells (NaN from the CSV reader) as ""."""
    return ["" if c is None or c != c else str(c) for c in cells]  # type: ignore[attr-defined]


def test_clean_number_columns_of_a_csv_arrive_as_numbers() -> None:
    block = open_sheet(TAOBAO_CSV).read_columns([0, 8, 24], first_row=1, numeric=[8, 24])
    assert block.columns[8].dtype.kind == "f"  # type: ignore[union-attr]
    assert block.columns[8][0] == 1429.84
    assert block.columns[24].dtype.kind == "i"  # type: ignore[union-attr]
    assert block.columns[0][0] == '="8893410389519920701"'  # text columns stay text


def test_semicolon_separated_csv(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("工号;姓名;入职日期\nE001;王芳;2021-03-01\n", encoding="utf-8")
    assert open_sheet(path).top(2)[1] == ["E001", "王芳", "2021-03-01"]


def test_bad_bytes_late_in_a_csv_are_replaced_and_noted(tmp_path: Path) -> None:
    good = "订单编号,订单状态\n" + "".join(f"{i},交易成功\n" for i in range(40_000))
    path = tmp_path / "late.csv"
    path.write_bytes(good.encode("utf-8") + b"99,\xff\xfe\n")
    sheet = open_sheet(path)
    block = sheet.read_columns([0, 1], 1)
    assert block.n_rows == 40_001
    assert [note.code for note in sheet.notes] == ["imports.csv_bad_bytes"]


def test_missing_file(tmp_path: Path) -> None:
    _fails(tmp_path / "没有这个文件.xlsx", "imports.file_not_found")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    _fails(path, "imports.file_empty")


@pytest.mark.parametrize("source", [DOUYIN_ORDERS, SYCM_DAILY], ids=["xlsx", "xls"])
def test_truncated_workbook(tmp_path: Path, source: Path) -> None:
    path = tmp_path / f"truncated{source.suffix}"
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    _fails(path, "imports.file_corrupt")


def test_garbage_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "garbage.xlsx"
    path.write_bytes(bytes(range(256)) * 10)
    _fails(path, "imports.file_corrupt")


def test_password_protected_workbook() -> None:
    # An .xlsx with an open password is an OLE container (made with msoffcrypto-tool).
    error = _fails(DATA / "imports" / "password_protected.xlsx", "imports.file_encrypted")
    assert "密码" in error.text("zh")
    with pytest.raises(ImportFileError):
        inspect_file(DATA / "imports" / "password_protected.xlsx")


@pytest.mark.parametrize("name", ["report.pdf", "data.docx", "numbers.numbers"])
def test_unsupported_extension(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04 not really")
    _fails(path, "imports.unsupported_format")


def test_xls_saved_with_an_xlsx_name_still_opens(tmp_path: Path) -> None:
    path = tmp_path / "店铺整体.xlsx"
    shutil.copy(SYCM_DAILY, path)
    assert open_sheet(path).top(4)[3][0] == "统计日期"


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_an_empty_sheet(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "empty_sheet.xlsx", {"Sheet1": []})
    _fails(path, "imports.sheet_empty")


def test_the_first_sheet_with_data_is_chosen(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "two.xlsx", {"说明": [], "数据": [["工号", "姓名"], ["E001", "王芳"]]}
    )
    assert open_sheet(path).name == "数据"
    _fails(path, "imports.sheet_empty", sheet="说明")


def test_sheet_by_name_number_or_missing(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "two.xlsx", {"A": [["x", "y"]], "B": [["工号", "姓名"]]})
    assert open_sheet(path, "B").name == "B"
    assert open_sheet(path, "2").name == "B"  # as the CLI's --sheet 2
    assert open_sheet(path, 0).name == "A"
    error = _fails(path, "imports.sheet_not_found", sheet="C")
    assert "A" in error.text("en") and "B" in error.text("en")


def test_columns_are_absolute_when_data_starts_below_and_right(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["B3"] = "日期"
    ws["C3"] = "支付金额"
    ws["B4"] = dt.datetime(2024, 3, 1)
    ws["C4"] = 1234.5
    ws["C5"] = "88"
    wb.save(tmp_path / "offset.xlsx")
    sheet = open_sheet(tmp_path / "offset.xlsx")
    top = sheet.top()
    assert top[2][1:3] == ["日期", "支付金额"]
    block = sheet.read_columns([1, 2, 0], first_row=3)
    assert block.n_rows == 2
    assert list(block.columns[1]) == [dt.date(2024, 3, 1), ""]  # calamine: midnight is a date
    assert list(block.columns[2]) == [1234.5, "88"]
    assert list(block.columns[0]) == ["", ""]


def test_html_table_saved_as_xls(tmp_path: Path) -> None:
    path = tmp_path / "订单.xls"
    path.write_text(
        '<html><head><meta charset="utf-8"></head><body><table>'
        "<tr><td colspan=3>交易概况</td></tr>"
        "<tr><th>日期</th><th>访客数</th><th>支付金额</th></tr>"
        "<tr><td>2024-03</td><td>1,234</td><td>5,678.90</td></tr>"
        "</table></body></html>",
        encoding="utf-8",
    )
    assert inspect_file(path).format == "html"
    sheet = open_sheet(path)
    assert sheet.top() == [
        ["交易概况", "", ""],
        ["日期", "访客数", "支付金额"],
        ["2024-03", "1,234", "5,678.90"],
    ]
    assert list(sheet.read_columns([2], 2).columns[2]) == ["5,678.90"]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_html_table_without_a_charset_is_read_in_its_own_encoding(
    tmp_path: Path, encoding: str
) -> None:
    """A GBK table saved as .xls with no <meta charset> read "���������" for its headers."""
    path = tmp_path / "抖店订单.xls"
    path.write_bytes(
        (
            "<html><body><table><tr><th>主订单编号</th><th>订单应付金额</th></tr>"
            "<tr><td>6930000000000000001</td><td>99.00</td></tr></table></body></html>"
        ).encode(encoding)
    )
    assert open_sheet(path).top() == [
        ["主订单编号", "订单应付金额"],
        ["6930000000000000001", "99.00"],
    ]


def test_text_disguised_as_xls_is_read_as_csv(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_text("工号\t姓名\nE001\t王芳\n", encoding="utf-8")
    assert open_sheet(path).top() == [["工号", "姓名"], ["E001", "王芳"]]


def test_a_closed_sheet_keeps_its_preview() -> None:
    sheet = open_sheet(DOUYIN_ORDERS)
    header = sheet.top(1)[0]
    sheet.read_columns([0], 1)
    sheet.close()
    assert sheet.top(1)[0] == header  # the wizard can still show the grid
