"""Opens the spreadsheets users bring (.xlsx, .xls, .csv, and the HTML tables some back-ends name .xls) as raw grids.

A ``Sheet`` gives the top rows for header detection and the preview, then, once the mapping
is known, only the columns the import needs: a 100,000-row export is never turned into
Python objects column by column it does not use. Cells stay as the reader produced them
(str, float, int, bool, date, datetime, time, timedelta; "" for empty); ``values`` parses them.

Every failure a user can meet (missing, empty, password-protected, corrupt, unsupported,
undecodable file, empty sheet) is raised as an ``ImportFileError`` with a message code and
the file name, never as a library exception.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal

from core.domain.explain import NAMES, joined
from core.i18n import Message
from core.importers import limits
from core.importers.limits import ImportFileError
from core.importers.values import CellValue

FileFormat = Literal["xlsx", "xls", "ods", "csv", "html"]

SUPPORTED_EXTENSIONS = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".tsv"})

# Rows read for header detection and the wizard's preview grid.
PREVIEW_ROWS = 60

# Bytes of a text file used to guess its encoding and delimiter.
_SNIFF_BYTES = 256 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names (UTF-16LE in the OLE directory) of an Office file encrypted with a password:
# Excel saves a protected .xlsx as an OLE container holding these instead of a zip.
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))


Cells = list[list[CellValue]]


@dataclass
class ColumnBlock:
    """Some columns of a sheet from ``first_row`` (0-based sheet row) to its last row.

    Empty cells are "" or NaN depending on the reader; every parser takes both.
    """

    first_row: int
    n_rows: int
    columns: Mapping[int, Sequence[CellValue]]


class Sheet:
    """One sheet of a file: its top rows now, the needed columns on request."""

    def __init__(self, path: Path, name: str, file_format: FileFormat) -> None:
        self.path = path
        self.file_name = path.name
        self.name = name
        self.format: FileFormat = file_format
        # Things the user should know about how the file was read (e.g. undecodable bytes).
        self.notes: list[Message] = []
        self.merged_ranges: list[tuple[tuple[int, int], tuple[int, int]]] = []

    def top(self, n: int = PREVIEW_ROWS) -> Cells:
        """The first ``n`` rows, row 0 being the sheet's first row, all of equal width."""
        raise NotImplementedError

    @property
    def closed(self) -> bool:
        """Whether ``close`` freed the data: reading columns again needs the file reopened."""
        return False

    def close(self) -> None:
        """Frees what the reader holds (calamine keeps a whole worksheet in memory).

        Call it once the columns are read and no other mapping will be tried: storing a
        100,000-row import then stays well under the memory limit.
        """

    def read_columns(
        self, columns: Sequence[int], first_row: int, numeric: Collection[int] = ()
    ) -> ColumnBlock:
        """Columns ``columns`` (0-based) of every row from ``first_row`` on.

        ``numeric`` names columns holding plain quantities (money, counts): a text reader
        may hand them over already converted when every cell is a clean number, as a float
        or int array, which is what those cells mean anyway.
        """
        raise NotImplementedError


def _square(rows: Cells) -> Cells:
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) if len(row) < width else row for row in rows]


def _is_blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class GridSheet(Sheet):
    """A sheet already held in memory as rows (HTML tables, small files)."""

    def __init__(self, path: Path, name: str, file_format: FileFormat, rows: Cells) -> None:
        super().__init__(path, name, file_format)
        self.rows = rows

    def top(self, n: int = PREVIEW_ROWS) -> Cells:
        return _square([list(row) for row in self.rows[:n]])

    def read_columns(
        self, columns: Sequence[int], first_row: int, numeric: Collection[int] = ()
    ) -> ColumnBlock:
        body = self.rows[first_row:]
        picked: dict[int, Sequence[CellValue]] = {
            j: [row[j] if j < len(row) else "" for row in body] for j in columns
        }
        return ColumnBlock(first_row, len(body), picked)


class ExcelSheet(Sheet):
    """A worksheet read by calamine (.xlsx, .xls, .ods)."""

    def __init__(self, path: Path, name: str, file_format: FileFormat, sheet: object) -> None:
        super().__init__(path, name, file_format)
        self._sheet: Any = sheet
        self._top: Cells | None = None
        self.merged_ranges = list(getattr(sheet, "merged_cell_ranges", None) or [])

    def top(self, n: int = PREVIEW_ROWS) -> Cells:
        if self._top is None or len(self._top) < n:
            rows = self._sheet.to_python(skip_empty_area=False, nrows=n)
            self._top = _square([list(row) for row in rows])
        return [list(row) for row in self._top[:n]]

    @property
    def closed(self) -> bool:
        return self._sheet is None

    def close(self) -> None:
        self._sheet = None

    def read_columns(
        self, columns: Sequence[int], first_row: int, numeric: Collection[int] = ()
    ) -> ColumnBlock:
        if self._sheet is None:
            raise RuntimeError("sheet closed")  # a programming error, not the user's
        start = self._sheet.start
        # iter_rows yields rows from the sheet's first row but columns from the first
        # used column: shift the requested columns accordingly.
        offset = start[1] if start else 0
        wanted = [(j, j - offset) for j in columns]
        picked: dict[int, list[CellValue]] = {j: [] for j in columns}
        appenders = [(picked[j].append, k) for j, k in wanted]
        n = 0
        for index, row in enumerate(self._sheet.iter_rows()):
            if index < first_row:
                continue
            width = len(row)
            for append, k in appenders:
                append(row[k] if 0 <= k < width else "")
            n += 1
        return ColumnBlock(first_row, n, picked)


class CsvSheet(Sheet):
    """A delimited text file; the data columns are read by pandas' C parser."""

    def __init__(
        self, path: Path, encoding: str, delimiter: str, head_text: str, complete: bool = False
    ) -> None:
        super().__init__(path, path.stem, "csv")
        self.encoding = encoding
        self.delimiter = delimiter
        self._head_text = head_text
        # Whether ``head_text`` is the whole file (then it also tells whether data rows follow).
        self._complete = complete

    def _head_records(self, n: int) -> Cells:
        reader = csv.reader(io.StringIO(self._head_text, newline=""), delimiter=self.delimiter)
        rows: Cells = []
        try:
            for record in reader:
                for column, cell in enumerate(record):
                    if len(cell) > limits.MAX_CELL_CHARS:
                        raise limits.cell_too_long(self.file_name, len(rows) + 1, column, len(cell))
                rows.append(list(record))
                if len(rows) >= n:
                    break
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                self._refuse_long_field(len(rows))
            # a quote left open at the end of the sample: the rows read so far suffice
        return rows

    def _refuse_long_field(self, row: int) -> None:
        """Names the cell of record ``row`` (0-based) that the csv module found too long."""
        old = csv.field_size_limit(len(self._head_text) + 1)
        try:
            reader = csv.reader(io.StringIO(self._head_text, newline=""), delimiter=self.delimiter)
            for index, record in enumerate(reader):
                if index == row:
                    longest = max(range(len(record)), key=lambda j: len(record[j]), default=0)
                    length = len(record[longest]) if record else old
                    raise limits.cell_too_long(self.file_name, row + 1, longest, length)
        except csv.Error:
            pass
        finally:
            csv.field_size_limit(old)
        raise limits.cell_too_long(self.file_name, row + 1, 0, old)

    def top(self, n: int = PREVIEW_ROWS) -> Cells:
        return _square(self._head_records(n))

    def read_columns(
        self, columns: Sequence[int], first_row: int, numeric: Collection[int] = ()
    ) -> ColumnBlock:
        import pandas as pd

        # pandas counts skipped rows as records (blank lines and quoted line breaks
        # included), as the csv module does. The row before the data (the header) is read
        # as pandas' header: a blank first data row would otherwise leave it seeing no
        # columns, and a text row among the data would defeat its number parsing.
        skip = max(first_row - 1, 0)
        head = self._head_records(skip + 2)
        width = len(head[skip]) if len(head) > skip else 0
        if self._complete and len(head) < first_row + 1:
            width = 0  # nothing below the header (pandas fails on a header-only file)
        wanted = sorted({j for j in columns if j < width})
        n = 0
        block: dict[int, Sequence[CellValue]] = {}
        if wanted:
            text = [j for j in wanted if j not in set(numeric)]
            found = self._read_undecoded(pd, wanted, text, skip, first_row > 0)
            if found is None:
                frame = self._read_decoded(pd, wanted, text, skip, first_row > 0)
                found = _frame_columns(frame, wanted, text)
            _check_lengths(self.file_name, found, first_row)
            block.update(found)
            n = len(found[wanted[0]])
        for j in columns:
            block.setdefault(j, [""] * n)
        return ColumnBlock(first_row, n, block)

    def _read_decoded(
        self, pd: Any, columns: list[int], text: list[int], skip: int, has_header: bool
    ) -> Any:
        try:
            return self._read_frame(pd, columns, text, skip, has_header, "strict")
        except UnicodeDecodeError:
            self.notes.append(
                Message(
                    "imports.csv_bad_bytes", {"file": self.file_name, "encoding": self.encoding}
                )
            )
            return self._read_frame(pd, columns, text, skip, has_header, "replace")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
            raise ImportFileError(
                "imports.file_corrupt", file=self.file_name, detail=str(error)
            ) from None

    def _read_undecoded(
        self, pd: Any, columns: list[int], text: list[int], skip: int, has_header: bool
    ) -> dict[int, Any] | None:
        """The columns of a GBK/GB18030 file split on its raw bytes, only the cells that are
        not plain ASCII decoded (once per distinct text); None when that cannot be done exactly.

        Decoding a whole 淘宝 report costs as much as parsing it, yet most of its Chinese
        (addresses, titles) is in columns an import never reads. In these encodings every
        byte below 0x40 stands for itself (the bytes of a Chinese character are 0x30-0x39 or
        from 0x40 on, after a lead byte from 0x81), so the delimiter, quotes and line breaks
        are found in the raw bytes exactly as in the decoded text. pandas is given the bytes
        as UTF-8 with ``surrogateescape``, which gives back each cell's own bytes unchanged.
        """
        if self.delimiter not in _RAW_SPLIT_DELIMITERS or not _raw_splittable(self.encoding):
            return None
        try:
            frame = self._read_frame(
                pd, columns, text, skip, has_header, "surrogateescape", encoding="utf-8"
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
            return None  # the decoded read reports it
        found = _frame_columns(frame, columns, text)
        try:
            for j, cells in found.items():
                if cells.dtype == object:
                    found[j] = _decode_cells(cells, self.encoding)
        except UnicodeDecodeError:
            return None  # bytes that are not valid text: the decoded read notes and replaces them
        return found

    def _read_frame(
        self,
        pd: Any,
        columns: list[int],
        text: list[int],
        skip: int,
        has_header: bool,
        errors: str,
        encoding: str | None = None,
    ) -> Any:
        # usecols tolerates rows with fewer or more fields than the header. Text columns
        # keep every cell as written ("0123", "-", "NA"); only empty cells become NaN.
        return pd.read_csv(
            self.path,
            encoding=encoding or self.encoding,
            encoding_errors=errors,
            sep=self.delimiter,
            header=0 if has_header else None,
            skiprows=skip,
            usecols=columns,
            dtype=dict.fromkeys(text, str),  # keys are the file's column positions
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            engine="c",
        )


def _check_lengths(file_name: str, found: Mapping[int, Any], first_row: int) -> None:
    """Refuses a text cell longer than ``limits.MAX_CELL_CHARS`` (row and column named)."""
    for j, cells in found.items():
        if getattr(cells, "dtype", None) not in (None, object):
            continue
        longest = _longest_text(cells)
        if longest <= limits.MAX_CELL_CHARS:
            continue
        for position, cell in enumerate(cells):
            if type(cell) is str and len(cell) > limits.MAX_CELL_CHARS:
                raise limits.cell_too_long(file_name, first_row + position + 1, j, len(cell))


def _longest_text(cells: Any) -> int:
    """The length of the longest text among ``cells`` (0 when there is none)."""
    try:
        return max(map(len, cells), default=0)  # one C loop when every cell is a text
    except TypeError:  # empty cells (NaN) or numbers among the texts
        # Still a C loop: pandas' .str.len() is four times slower on an object column.
        return max(map(len, filter(str.__instancecheck__, cells)), default=0)


def _frame_columns(frame: Any, columns: list[int], text: list[int]) -> dict[int, Any]:
    """The frame's columns as arrays: number columns pandas could convert stay numeric; the
    rest are object arrays of str with NaN for empty cells."""
    found: dict[int, Any] = {}
    for position, j in enumerate(columns):
        series = frame.iloc[:, position]
        if j not in text and series.dtype.kind in "fi":
            found[j] = series.to_numpy()
        else:
            found[j] = series.to_numpy(dtype=object)
    return found


# Delimiters that are never part of a multi-byte character in the encodings below.
_RAW_SPLIT_DELIMITERS = frozenset({",", "\t", ";"})
_RAW_SPLIT_ENCODINGS = frozenset({"gb18030", "gbk", "gb2312"})


def _raw_splittable(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name in _RAW_SPLIT_ENCODINGS
    except LookupError:
        return False


def _decode_cells(cells: Any, encoding: str) -> Any:
    """Cells read as UTF-8 with ``surrogateescape`` from ``encoding`` bytes, decoded properly.

    ASCII cells are the same in both; every other distinct text is decoded once. Raises
    UnicodeDecodeError for bytes that are not valid in ``encoding``.
    """
    import numpy as np
    import pandas as pd

    try:
        plain = all(map(str.isascii, cells))  # in C; stops at the first other text
    except TypeError:  # empty cells (NaN) among the texts, or numbers
        try:
            plain = all(map(str.isascii, cells[pd.notna(cells)]))
        except TypeError:
            plain = all(cell.isascii() for cell in cells if type(cell) is str)
    if plain:
        return cells
    distinct = set(cells.tolist())
    fixed = {
        cell: cell.encode("utf-8", "surrogateescape").decode(encoding)
        for cell in distinct
        if type(cell) is str and not cell.isascii()
    }
    if not fixed:
        return cells
    return np.fromiter(map(fixed.get, cells, cells), dtype=object, count=len(cells))


# ---------------------------------------------------------------------------------------
# Opening files


@dataclass(frozen=True)
class WorkbookInfo:
    """What a file holds, before any sheet is read."""

    path: Path
    format: FileFormat
    sheet_names: tuple[str, ...]
    # Sheets a user would pick: visible worksheets (hidden ones are listed but not chosen by default).
    visible_sheets: tuple[str, ...] = field(default=())
    encoding: str | None = None


def _fail(code: str, path: Path, **params: object) -> ImportFileError:
    return ImportFileError(code, file=path.name, **params)


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise _fail("imports.file_not_found", path, location=str(path))
    if path.is_dir():
        raise _fail("imports.file_unreadable", path, detail="directory")
    try:
        limits.check_file_size(path.name, path.stat().st_size)
        return path.read_bytes()
    except PermissionError:
        # On Windows a file open in Excel or WPS is locked for reading.
        raise _fail("imports.file_locked", path) from None
    except OSError as error:
        raise _fail("imports.file_unreadable", path, detail=error.strerror or str(error)) from None


def _sniff_format(path: Path, head: bytes) -> FileFormat:
    extension = path.suffix.lower()
    if extension not in SUPPORTED_EXTENSIONS:
        raise _fail("imports.unsupported_format", path, extension=extension or "?")
    if head.startswith(_ZIP_MAGIC):
        return "ods" if extension == ".ods" else "xlsx"
    if head.startswith(_OLE_MAGIC):
        return "xls"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<", b"\xff\xfe<", b"\xfe\xff\x00<")) and (
        b"<table" in head.lower() or b"<html" in head.lower()
    ):
        return "html"
    if extension in (".xlsx", ".xlsm", ".ods") or (
        b"\x00" in head[:4096] and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    ):
        # Not a zip and not text: a truncated or damaged workbook.
        raise _fail("imports.file_corrupt", path, detail="not a spreadsheet")
    return "csv"


def inspect_file(path: str | os.PathLike[str]) -> WorkbookInfo:
    """The file's format and sheets; raises ``ImportFileError`` for anything unreadable."""
    path = Path(path)
    data = _read_bytes(path)
    if not data:
        raise _fail("imports.file_empty", path)
    file_format = _sniff_format(path, data[:8192])
    if file_format in ("xlsx", "xls", "ods"):
        workbook = _open_workbook(path, data)
        names = tuple(workbook.sheet_names)
        hidden = _hidden_sheets(workbook)
        visible = tuple(name for name in names if name not in hidden)
        return WorkbookInfo(path, file_format, names, visible or names)
    if file_format == "html":
        tables = _html_tables(data, path.name)
        names = tuple(f"Table{i + 1}" for i in range(len(tables))) or (path.stem,)
        return WorkbookInfo(path, "html", names, names)
    encoding = detect_encoding(data[:_SNIFF_BYTES], path)
    return WorkbookInfo(path, "csv", (path.stem,), (path.stem,), encoding)


def _open_workbook(path: Path, data: bytes) -> Any:
    import python_calamine

    if data.startswith(_OLE_MAGIC) and any(name in data for name in _ENCRYPTED_STREAMS):
        raise _fail("imports.file_encrypted", path)
    if data.startswith(_ZIP_MAGIC):
        # Before calamine builds anything: it allocates the whole extent the cells span.
        limits.check_zip_workbook(data, path.name)
    try:
        # from_filelike recognises the format by content, so an .xls saved as .xlsx still opens.
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise _fail("imports.file_encrypted", path) from None
    except Exception as error:  # calamine reports damage through many exception types
        raise _fail("imports.file_corrupt", path, detail=str(error)) from None


def open_sheet(path: str | os.PathLike[str], sheet: str | int | None = None) -> Sheet:
    """One sheet of the file, by name or index; by default the first visible one with data."""
    return open_with_info(path, sheet)[1]


def check_file(path: str | os.PathLike[str]) -> FileFormat:
    """The format of a file, from its first bytes only: raises for a missing, empty,
    unsupported, password-protected or obviously damaged file without parsing the workbook."""
    path = Path(path)
    data = _read_bytes(path)
    if not data:
        raise _fail("imports.file_empty", path)
    file_format = _sniff_format(path, data[:8192])
    if data.startswith(_OLE_MAGIC) and any(name in data for name in _ENCRYPTED_STREAMS):
        raise _fail("imports.file_encrypted", path)
    if file_format in ("xlsx", "ods") and not zipfile.is_zipfile(io.BytesIO(data)):
        # a zip without its closing directory: the download or the copy was cut short
        raise _fail("imports.file_corrupt", path, detail="truncated")
    return file_format


def open_with_info(
    path: str | os.PathLike[str],
    sheet: str | int | None = None,
    prefer: Callable[[Cells], bool] | None = None,
) -> tuple[WorkbookInfo, Sheet]:
    """``inspect_file`` and ``open_sheet`` at once, parsing the workbook only once (a
    100,000-row workbook costs seconds and hundreds of MB to open). With no ``sheet``: the
    first sheet with data whose top rows ``prefer`` accepts, else the first with data."""
    path = Path(path)
    data = _read_bytes(path)
    if not data:
        raise _fail("imports.file_empty", path)
    file_format = _sniff_format(path, data[:8192])
    if file_format == "csv":
        csv_sheet = _open_csv(path, data)
        info = WorkbookInfo(path, "csv", (path.stem,), (path.stem,), csv_sheet.encoding)
        return info, csv_sheet
    if file_format == "html":
        tables = _html_tables(data, path.name)
        table_names = tuple(f"Table{i + 1}" for i in range(len(tables))) or (path.stem,)
        index = _pick_index(path, list(table_names), sheet)
        if not tables or not any(not _is_blank(c) for row in tables[index] for c in row):
            raise _fail("imports.sheet_empty", path, sheet=path.stem)
        info = WorkbookInfo(path, "html", table_names, table_names)
        return info, GridSheet(path, f"Table{index + 1}", "html", tables[index])
    workbook = _open_workbook(path, data)
    del data  # calamine holds its own copy
    names: list[str] = list(workbook.sheet_names)
    if not names:
        raise _fail("imports.sheet_empty", path, sheet="")
    try:
        hidden = _hidden_sheets(workbook)
        visible = tuple(name for name in names if name not in hidden)
        info = WorkbookInfo(path, file_format, tuple(names), visible or tuple(names))
        if sheet is None:
            return info, _first_sheet_with_data(path, file_format, workbook, names, prefer)
        index = _pick_index(path, names, sheet)
        return info, _excel_sheet(path, file_format, workbook, names[index], require_data=True)
    except ImportFileError:  # limits.LimitExceeded too
        raise
    except Exception as error:
        raise _fail("imports.file_corrupt", path, detail=str(error)) from None


def _pick_index(path: Path, names: list[str], sheet: str | int | None) -> int:
    if sheet is None:
        return 0
    if isinstance(sheet, int):
        if 0 <= sheet < len(names):
            return sheet
    elif sheet in names:
        return names.index(sheet)
    elif sheet.isdigit() and 1 <= int(sheet) <= len(names):
        # The CLI's --sheet 2 means the second sheet, as a user counts.
        return int(sheet) - 1
    raise _fail("imports.sheet_not_found", path, sheet=str(sheet), sheets=joined(names, NAMES))


def _excel_sheet(
    path: Path, file_format: FileFormat, workbook: object, name: str, *, require_data: bool
) -> ExcelSheet:
    calamine_sheet = workbook.get_sheet_by_name(name)  # type: ignore[attr-defined]
    limits.check_extent(path.name, calamine_sheet.height, calamine_sheet.width, name)
    sheet = ExcelSheet(path, name, file_format, calamine_sheet)
    if require_data and not _has_data(sheet.top(PREVIEW_ROWS)):
        raise _fail("imports.sheet_empty", path, sheet=name)
    return sheet


def _hidden_sheets(workbook: object) -> set[str]:
    import python_calamine

    return {
        meta.name
        for meta in workbook.sheets_metadata  # type: ignore[attr-defined]
        if meta.visible != python_calamine.SheetVisibleEnum.Visible
        or meta.typ != python_calamine.SheetTypeEnum.WorkSheet
    }


def _has_data(rows: Cells) -> bool:
    return any(not _is_blank(cell) for row in rows for cell in row)


def _first_sheet_with_data(
    path: Path,
    file_format: FileFormat,
    workbook: object,
    names: list[str],
    prefer: Callable[[Cells], bool] | None = None,
) -> ExcelSheet:
    """Visible sheets first. ``prefer`` passes over a sheet with data it does not accept (a 说明
    sheet before the orders), keeping it in case no later one is accepted."""
    hidden = _hidden_sheets(workbook)
    fallback: ExcelSheet | None = None
    for name in [n for n in names if n not in hidden] + [n for n in names if n in hidden]:
        sheet = _excel_sheet(path, file_format, workbook, name, require_data=False)
        top = sheet.top(PREVIEW_ROWS)
        if not _has_data(top):
            continue
        if prefer is None or prefer(top):
            if fallback is not None:
                fallback.close()
            return sheet
        if fallback is None:
            fallback = sheet
        else:
            sheet.close()
    if fallback is not None:
        return fallback
    raise _fail("imports.sheet_empty", path, sheet=names[0])


# ---------------------------------------------------------------------------------------
# Text files


def detect_encoding(sample: bytes, path: Path) -> str:
    """The encoding of a CSV export: a BOM, else UTF-8 if it decodes, else GB18030, else a guess.

    GB18030 is a superset of GBK and GB2312, the encodings 淘宝 and older Excel versions
    on Chinese Windows write; it is tried before the statistical guess because short
    Chinese samples fool the guessers.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for candidate in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(candidate)()
        try:
            # final=False: the sample may end in the middle of a multi-byte character.
            decoder.decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return candidate
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None or best.encoding is None:
        raise _fail("imports.csv_encoding_unknown", path)
    return str(best.encoding)


_DELIMITERS = (",", "\t", ";", "|")


def _detect_delimiter(text: str) -> str:
    """The delimiter most of the first lines agree on: the most lines splitting into the same
    number of cells (more than one), then the wider table. Not the widest single line: one cell
    holding tabs in a ';' file made a tab look like the delimiter."""
    lines = [line for line in text.splitlines()[:40] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        try:
            widths = Counter(len(r) for r in csv.reader(lines, delimiter=delimiter))
        except csv.Error:
            continue
        score = max(((n, width) for width, n in widths.items() if width > 1), default=(0, 0))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _open_csv(path: Path, data: bytes) -> CsvSheet:
    encoding = detect_encoding(data[:_SNIFF_BYTES], path)
    head = data[:_SNIFF_BYTES]
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(
        head, final=len(data) <= _SNIFF_BYTES
    )
    if len(data) > _SNIFF_BYTES:
        # Drop the last, probably cut, line of the sample.
        text = text[: text.rfind("\n") + 1] or text
    if not text.strip(" \t\r\n\ufeff,;|"):
        raise _fail("imports.sheet_empty", path, sheet=path.stem)
    if not _ends_with_line_end(data, encoding):
        # Every export ends its last row with a line break: without one the download (or the
        # copy) stopped part-way, and its last row may be cut inside a value.
        raise _fail("imports.csv_truncated", path)
    lines = data.count(b"\n")
    if lines > limits.MAX_ROWS:
        limits.check_extent(path.name, lines, 0)
    complete = len(data) <= _SNIFF_BYTES
    sheet = CsvSheet(path, encoding, _detect_delimiter(text), text, complete)
    return sheet


def _ends_with_line_end(data: bytes, encoding: str) -> bool:
    if encoding.startswith("utf-16"):
        return data[-2:] in (b"\n\x00", b"\x00\n", b"\r\x00", b"\x00\r")
    return data.endswith((b"\n", b"\r"))


# ---------------------------------------------------------------------------------------
# HTML tables saved as .xls


class _TableCollector(HTMLParser):
    """Collects the text of every <table> as rows of cells (colspan padded with blanks).

    Refuses (``limits.LimitExceeded``) a colspan or rowspan beyond ``limits.MAX_SPAN``, a row
    wider than ``limits.MAX_COLUMNS``, more rows than ``limits.MAX_ROWS`` and a cell longer
    than ``limits.MAX_CELL_CHARS``, before building any of it. (rowspan is not expanded: the
    rows below keep their own cells.)
    """

    def __init__(self, file_name: str = "") -> None:
        super().__init__(convert_charrefs=True)
        self.file_name = file_name
        self.tables: list[Cells] = []
        self._depth = 0
        self._row: list[CellValue] | None = None
        self._cell: list[str] | None = None
        self._cell_chars = 0
        self._span = 1

    def _span_of(self, attrs: dict[str, str | None], name: str) -> int:
        text = (attrs.get(name) or "1").strip()
        if not text.isdigit():
            return 1
        if len(text) > 12 or int(text) > limits.MAX_SPAN:
            rows = len(self.tables[-1]) + 1 if self.tables else 1
            width = len(self._row) if self._row is not None else 0
            raise limits.LimitExceeded(
                "imports.limit_span",
                file=self.file_name,
                attribute=name,
                span=text[:12],
                row=rows,
                column=limits.column_letters(width),
                limit=f"{limits.MAX_SPAN:,}",
            )
        return max(int(text), 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._depth += 1
            self.tables.append([])
        elif tag == "tr" and self._depth:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._cell_chars = 0
            found = dict(attrs)
            self._span = self._span_of(found, "colspan")
            self._span_of(found, "rowspan")
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            if len(self._row) + self._span > limits.MAX_COLUMNS:
                limits.check_extent(self.file_name, 0, len(self._row) + self._span)
            self._row.append("".join(self._cell).strip())
            self._row.extend([""] * (self._span - 1))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self.tables:
                self.tables[-1].append(self._row)
                if len(self.tables[-1]) > limits.MAX_ROWS:
                    limits.check_extent(self.file_name, len(self.tables[-1]), 0)
            self._row = None
        elif tag == "table" and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
            self._cell_chars += len(data)
            if self._cell_chars > limits.MAX_CELL_CHARS:
                rows = len(self.tables[-1]) + 1 if self.tables else 1
                column = len(self._row) if self._row is not None else 0
                raise limits.cell_too_long(self.file_name, rows, column, self._cell_chars)


def _html_text(data: bytes) -> str:
    """Decoded in the charset its <meta> names; without one, as UTF-8 if the bytes are UTF-8,
    else GB18030 if they are that (a GBK table saved as .xls without a meta tag read as ���)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    lowered = data[:4096].lower()
    for marker in (b"charset=gb2312", b"charset=gbk", b"charset=gb18030", b'charset="gbk"'):
        if marker in lowered:
            return data.decode("gb18030", errors="replace")
    if b"charset" not in lowered:
        for candidate in ("utf-8", "gb18030"):
            try:
                return data.decode(candidate)
            except UnicodeDecodeError:
                continue
    return data.decode("utf-8", errors="replace")


def _html_tables(data: bytes, file_name: str = "") -> list[Cells]:
    collector = _TableCollector(file_name)
    collector.feed(_html_text(data))
    collector.close()
    for table in collector.tables:
        limits.check_extent(file_name, len(table), max(map(len, table), default=0))
    return [_square(table) for table in collector.tables if table]
