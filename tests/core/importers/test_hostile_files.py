"""Hostile and broken files: one clear line naming the file (and row/column), exit 1 from
tidui-cli, the company file byte-identical, never a traceback, an abort, a hang or gigabytes.

Every file is built here from the samples (a cell at XFD1048576, a zip bomb, a 100,000,000
colspan, a 1,000,000-character field, a download cut mid-row, a header-only CSV). The CLI runs
in a subprocess whose address space is capped at 1.5 GB, so an attempt to build the declared
extent or the inflated sheet fails the test instead of swapping the machine.
"""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from core.importers import limits, reading
from core.importers.limits import ImportFileError, LimitExceeded
from core.services.imports import engine as imports
from core.session import AppSession
from tests.conftest import OWNER_PASSWORD, SAMPLES
from tests.core.services.import_support import with_people

MONTHLY = SAMPLES / "生意参谋_交易概况_月_悦颜美妆专营店_2023-01_2024-06.xlsx"
TAOBAO = SAMPLES / "ExportOrderList202406.csv"
STORE = "悦颜美妆专营店"
MEMORY_CAP = 1536 * 1024 * 1024


# --- building the files ----------------------------------------------------------------------


def _rewrite_sheet(target: Path, change: Callable[[bytes], bytes]) -> Path:
    with zipfile.ZipFile(MONTHLY) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            out.writestr(item, data, zipfile.ZIP_DEFLATED)
    return target


def _extra_cells(cells: bytes) -> Callable[[bytes], bytes]:
    return lambda xml: xml.replace(b"</sheetData>", cells + b"</sheetData>")


def far_cell(folder: Path, ref: str = "XFD1048576") -> Path:
    row = "".join(ch for ch in ref if ch.isdigit())
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'
    return _rewrite_sheet(folder / f"far_{ref}.xlsx", _extra_cells(cell.encode()))


def zip_bomb(folder: Path) -> Path:
    """A few MB on disk, more than MAX_UNPACKED_BYTES of sheet XML (rows of 1,000 characters)."""
    target = folder / "bomb.xlsx"
    with zipfile.ZipFile(MONTHLY) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item, source.read(item.filename), zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with out.open(info, "w", force_zip64=True) as sheet:
            sheet.write(b"<worksheet><sheetData>")
            text = b"x" * 1000
            block = b"".join(
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>%s</t></is></c></row>' % text
                for _ in range(1024)
            )
            for _ in range(limits.MAX_UNPACKED_BYTES // len(block) + 2):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return target


def taobao_lines() -> list[bytes]:
    return TAOBAO.read_bytes().split(b"\r\n")


def write_csv(folder: Path, name: str, lines: list[bytes], end: bytes = b"\r\n") -> Path:
    path = folder / name
    path.write_bytes(b"\r\n".join(lines) + end)
    return path


# --- running them ---------------------------------------------------------------------------


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TIDUI_TEST_FAST_KDF": "1", "TIDUI_PASSWORD": OWNER_PASSWORD}
    env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "core.cli.main", "--lang", "en", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        preexec_fn=_cap_memory,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def company_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "悦颜.tidui"
    made = run_cli("init", path, "--company", "悦颜美妆", "--owner", "boss", "--template", "beauty")
    assert made.returncode == 0, made.stderr
    return path


def refused_by_cli(company_path: Path, spreadsheet: Path, *words: str) -> str:
    """Runs tidui-cli import on ``spreadsheet``: exit 1, one line naming it, file unchanged."""
    before = digest(company_path), digest(company_path.with_name(company_path.name + ".keys"))
    done = run_cli("import", company_path, spreadsheet, "--store", STORE)
    after = digest(company_path), digest(company_path.with_name(company_path.name + ".keys"))
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and spreadsheet.name in lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    assert before == after
    return lines[0]


def refused_by_service(app: AppSession, spreadsheet: Path, code: str) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        imports.import_file(app, spreadsheet, store=STORE)
    assert caught.value.code == code, caught.value.text("en")
    assert spreadsheet.name in caught.value.text("en")
    return caught.value


# --- .xlsx: the extent is what the cells span, never what is declared --------------------------


def test_a_cell_at_xfd1048576_is_refused_before_calamine_allocates_the_grid(
    tmp_path: Path, company_path: Path, company_beauty: AppSession
) -> None:
    bad = far_cell(tmp_path)
    assert bad.stat().st_size < 20_000
    refused_by_service(company_beauty, bad, "imports.limit_rows")
    line = refused_by_cli(company_path, bad, "1,048,576 rows", "200,000")
    assert "month by month" in line


def test_a_cell_far_to_the_right_names_its_column(
    tmp_path: Path, company_path: Path, company_beauty: AppSession
) -> None:
    bad = far_cell(tmp_path, "XFD30")
    refused_by_service(company_beauty, bad, "imports.limit_columns")
    refused_by_cli(company_path, bad, "column XFD")


def test_a_stray_cell_far_below_and_right_is_refused_by_its_cell_count(tmp_path: Path) -> None:
    bad = far_cell(tmp_path, "ZZ150000")  # 150,000 rows x 702 columns: within each bound alone
    with pytest.raises(LimitExceeded) as caught:
        reading.open_with_info(bad)
    assert caught.value.code == "imports.limit_cells"
    assert "ZZ" in caught.value.text("en")


def test_a_declared_dimension_is_not_trusted_either_way(
    tmp_path: Path, company_beauty: AppSession
) -> None:
    claims_everything = _rewrite_sheet(
        tmp_path / "dimension.xlsx",
        lambda xml: xml.replace(
            b'<dimension ref="A1:K21" />', b'<dimension ref="A1:XFD1048576" />'
        ),
    )
    app = with_people(company_beauty)
    result = imports.import_file(app, claims_everything, store=STORE, dry_run=True)
    assert result.imported == 18
    claims_little = _rewrite_sheet(
        tmp_path / "dimension_small.xlsx",
        lambda xml: xml.replace(b'<dimension ref="A1:K21" />', b'<dimension ref="A1" />').replace(
            b"</sheetData>",
            b'<row r="300000"><c r="A300000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        ),
    )
    with pytest.raises(LimitExceeded):
        reading.open_with_info(claims_little)


def test_cells_without_references_are_counted_as_calamine_places_them(tmp_path: Path) -> None:
    # No r="…" on the cells: each one follows the last; 1,001 of them reach past the bound.
    row = b'<row r="5">' + b'<c t="inlineStr"><is><t>x</t></is></c>' * 1001 + b"</row>"
    bad = _rewrite_sheet(tmp_path / "no_refs.xlsx", _extra_cells(row))
    with pytest.raises(LimitExceeded) as caught:
        reading.open_with_info(bad)
    assert caught.value.code == "imports.limit_columns"
    fine = _rewrite_sheet(
        tmp_path / "few_no_refs.xlsx",
        _extra_cells(b'<row r="30">' + b'<c t="inlineStr"><is><t>x</t></is></c>' * 3 + b"</row>"),
    )
    reading.open_with_info(fine)


def test_a_zip_bomb_is_refused_from_its_unpacked_size(
    tmp_path: Path, company_path: Path, company_beauty: AppSession
) -> None:
    bomb = zip_bomb(tmp_path)
    assert bomb.stat().st_size < 8 * 1024 * 1024
    refused_by_service(company_beauty, bomb, "imports.limit_unpacked")
    refused_by_cli(company_path, bomb, "MB", "not a normal export")


def test_a_sheet_member_lying_about_its_size_is_damaged_not_read(tmp_path: Path) -> None:
    liar = _rewrite_sheet(tmp_path / "liar.xlsx", lambda xml: xml)
    data = bytearray(liar.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    # the central directory's uncompressed size of the sheet: claim 100 bytes
    central = [i for i in range(len(data)) if data[i : i + 4] == b"PK\x01\x02"]
    for start in central:
        length = int.from_bytes(data[start + 28 : start + 30], "little")
        if bytes(data[start + 46 : start + 46 + length]) == name:
            data[start + 24 : start + 28] = (100).to_bytes(4, "little")
    liar.write_bytes(bytes(data))
    with pytest.raises(ImportFileError) as caught:
        reading.open_with_info(liar)
    assert caught.value.code == "imports.file_corrupt"


def test_a_cell_longer_than_excel_allows_is_refused_with_its_position(
    tmp_path: Path, company_path: Path
) -> None:
    long_text = b"x" * 40_000
    bad = _rewrite_sheet(
        tmp_path / "long_cell.xlsx",
        lambda xml: xml.replace(
            b'<c r="B4" t="inlineStr"><is><t>42,182</t></is></c>',
            b'<c r="B4" t="inlineStr"><is><t>' + long_text + b"</t></is></c>",
        ),
    )
    with pytest.raises(LimitExceeded) as caught:
        reading.open_with_info(bad)
    assert caught.value.params["row"] == 4 and caught.value.params["column"] == "B"
    refused_by_cli(company_path, bad, "row 4", "column B", "40,000")


# --- HTML tables saved as .xls --------------------------------------------------------------


def html_xls(folder: Path, name: str, cell: str) -> Path:
    path = folder / name
    path.write_text(
        "<html><head><meta charset='utf-8'></head><body><table>"
        "<tr><td>日期</td><td>支付金额</td><td>访客数</td></tr>"
        f"<tr><td>2024-01</td>{cell}<td>10</td></tr>"
        "</table></body></html>",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("span", ["100000000", "2000000000", "99999999999999999999"])
def test_a_huge_colspan_is_refused_naming_row_and_column(
    tmp_path: Path, company_path: Path, span: str
) -> None:
    bad = html_xls(tmp_path, f"colspan_{len(span)}.xls", f'<td colspan="{span}">1</td>')
    assert bad.stat().st_size < 1024
    with pytest.raises(LimitExceeded) as caught:
        reading.open_with_info(bad)
    assert caught.value.params["row"] == 2 and caught.value.params["column"] == "B"
    if span == "100000000":
        refused_by_cli(company_path, bad, "colspan", "row 2", "column B")


def test_a_huge_rowspan_is_refused_and_a_normal_span_still_reads(tmp_path: Path) -> None:
    with pytest.raises(LimitExceeded):
        reading.open_with_info(html_xls(tmp_path, "rowspan.xls", '<td rowspan="5000000">1</td>'))
    _, sheet = reading.open_with_info(html_xls(tmp_path, "ok.xls", '<td colspan="2">1</td>'))
    assert sheet.top()[1] == ["2024-01", "1", "", "10"]


def test_many_wide_rows_are_refused_before_the_table_is_squared(tmp_path: Path) -> None:
    wide = '<tr><td colspan="1000">a</td></tr>'
    rows = "<tr><td>x</td></tr>" * 20_000  # 20,001 rows x 1,000 columns = 20 million cells
    path = tmp_path / "wide.xls"
    path.write_text(f"<html><table>{wide}{rows}</table></html>", encoding="utf-8")
    with pytest.raises(LimitExceeded) as caught:
        reading.open_with_info(path)
    assert caught.value.code == "imports.limit_cells"


# --- CSV ------------------------------------------------------------------------------------


def test_a_million_character_field_is_refused_with_its_row_and_column(
    tmp_path: Path, company_path: Path, company_beauty: AppSession
) -> None:
    lines = taobao_lines()
    cells = lines[100].split(b",")
    cells[0] = b"1" * 1_000_000
    lines[100] = b",".join(cells)
    bad = write_csv(tmp_path, "long_field.csv", lines[:-1])
    error = refused_by_service(company_beauty, bad, "imports.limit_cell")
    assert error.params["row"] == 101 and error.params["column"] == "A"
    refused_by_cli(company_path, bad, "row 101", "column A")


def test_a_long_field_among_the_first_rows_is_refused_too(
    tmp_path: Path, company_beauty: AppSession
) -> None:
    lines = taobao_lines()
    cells = lines[3].split(b",")
    cells[10] = b"x" * 200_000  # beyond the csv module's own field limit
    lines[3] = b",".join(cells)
    error = refused_by_service(
        company_beauty, write_csv(tmp_path, "long_top.csv", lines[:-1]), "imports.limit_cell"
    )
    assert error.params["row"] == 4 and error.params["column"] == "K"


@pytest.mark.parametrize("fraction", [0.5, 0.6, 0.73])
def test_a_download_cut_mid_row_is_refused_by_name(
    tmp_path: Path, company_path: Path, company_beauty: AppSession, fraction: float
) -> None:
    data = TAOBAO.read_bytes()
    cut = data[: int(len(data) * fraction)]
    if cut.endswith(b"\n"):
        cut = cut[:-3]
    bad = tmp_path / f"ExportOrderList_cut_{fraction}.csv"
    bad.write_bytes(cut)
    refused_by_service(company_beauty, bad, "imports.csv_truncated")
    refused_by_cli(company_path, bad, "no line end", "Download it again")


def test_a_header_only_csv_says_there_are_no_data_rows(
    tmp_path: Path, company_path: Path, company_beauty: AppSession
) -> None:
    header_only = write_csv(tmp_path, "ExportOrderList_empty.csv", taobao_lines()[:1])
    with pytest.raises(Exception) as caught:
        imports.import_file(company_beauty, header_only, store=STORE)
    assert getattr(caught.value, "code", None) == "imports.no_data_rows"
    refused_by_cli(company_path, header_only, "no data rows")


def test_more_rows_than_the_bound_are_refused_with_a_clear_message(
    tmp_path: Path, company_path: Path
) -> None:
    lines = taobao_lines()[:-1]
    body = lines[1:]
    many = [lines[0]] + body * (limits.MAX_ROWS // len(body) + 1)
    bad = write_csv(tmp_path, "ExportOrderList_huge.csv", many)
    refused_by_cli(company_path, bad, "200,000", "month by month")


def test_a_file_beyond_the_size_bound_is_refused_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 10_000)
    with pytest.raises(LimitExceeded) as caught:
        reading.check_file(TAOBAO)
    assert caught.value.code == "imports.limit_file_size"


def test_an_order_without_any_date_is_an_error_row_never_a_month_of_none(
    tmp_path: Path, company_beauty: AppSession
) -> None:
    lines = taobao_lines()[:-1]
    header = lines[0].decode("gb18030").split(",")
    created, paid = header.index("订单创建时间"), header.index("订单付款时间 ")
    cells = lines[5].decode("gb18030").split(",")
    cells[10] = "交易成功"
    cells[created] = cells[paid] = ""
    lines[5] = ",".join(cells).encode("gb18030")
    path = write_csv(tmp_path, "ExportOrderList_nodate.csv", lines)
    result = imports.import_file(with_people(company_beauty), path, store=STORE)
    assert result.batch_id is not None and result.imported > 100
    problems = [p.message for p in result.errors if p.message.code == "imports.row.month_missing"]
    assert [m.params["row"] for m in problems] == [6]
    assert None not in result.months
