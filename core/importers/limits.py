"""How big a file Tidui agrees to read, checked before any reader builds it in memory.

A spreadsheet can declare, or really contain, far more than its size on disk suggests: one
cell at XFD1048576 makes calamine allocate a 1,048,576 × 16,384 grid (512 GB); a 6 MB .xlsx
can inflate to gigabytes; one HTML ``colspan`` can ask for a hundred million cells. The
readers in ``reading`` call these checks first, so such a file is refused with one line
naming it (and the row/column where that applies), never with an abort, a MemoryError or
minutes of work. The bounds are generous for real monthly exports and are stated in the
README (导入数据 → 限制 / Limits).

The extent of an .xlsx sheet is taken from the cells actually present in its XML (the
``<dimension>`` element is only a claim and is ignored), streamed through Python's zip
reader, which also stops at each member's declared size and checks its CRC: what calamine
later reads is exactly what was measured.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.parsers import expat

from core.errors import TiduiError

# The file on disk (a month of 100,000 淘宝 orders is about 50 MB as CSV).
MAX_FILE_BYTES = 256 * 1024 * 1024
# All members of an .xlsx/.ods zip together, unpacked.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
# Rows of one sheet (header and notes included); split bigger exports by month.
MAX_ROWS = 200_000
# Columns of one sheet (the exports Tidui knows have at most about 60).
MAX_COLUMNS = 1_000
# Cells of one sheet, counted over the rectangle its cells span (readers allocate all of it).
MAX_CELLS = 10_000_000
# Characters in one cell: Excel's own limit.
MAX_CELL_CHARS = 32_767
# HTML tables saved as .xls: the largest colspan/rowspan accepted (HTML's own colspan limit).
MAX_SPAN = 1_000

_CHUNK = 4 * 1024 * 1024


class ImportFileError(TiduiError):
    """A spreadsheet that cannot be read; ``file`` names it, the code says why."""

    code = "imports.file_unreadable"


class LimitExceeded(ImportFileError):
    """A file beyond one of the bounds above; the code says which."""

    code = "imports.limit_rows"


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (Excel's column names)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: bytes | str) -> int:
    """A -> 0, XFD -> 16383."""
    text = letters.decode("ascii") if isinstance(letters, bytes) else letters
    value = 0
    for char in text.upper():
        value = value * 26 + ord(char) - 64
    return value - 1


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f}"


def check_file_size(file_name: str, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise LimitExceeded(
            "imports.limit_file_size",
            file=file_name,
            size=megabytes(size),
            limit=megabytes(MAX_FILE_BYTES),
        )


def check_extent(file_name: str, rows: int, columns: int, sheet: str = "") -> None:
    """Refuses a sheet of more than MAX_ROWS rows or MAX_COLUMNS columns."""
    if rows > MAX_ROWS:
        raise LimitExceeded(
            "imports.limit_rows",
            file=file_name,
            sheet=sheet,
            rows=f"{rows:,}",
            limit=f"{MAX_ROWS:,}",
        )
    if columns > MAX_COLUMNS:
        raise LimitExceeded(
            "imports.limit_columns",
            file=file_name,
            sheet=sheet,
            column=column_letters(columns - 1),
            limit=f"{MAX_COLUMNS:,}",
        )
    if rows * columns > MAX_CELLS:
        raise LimitExceeded(
            "imports.limit_cells",
            file=file_name,
            sheet=sheet,
            rows=f"{rows:,}",
            column=column_letters(columns - 1),
            limit=f"{MAX_CELLS:,}",
        )


def cell_too_long(file_name: str, row: int, column: int, length: int) -> LimitExceeded:
    """``row`` 1-based, ``column`` 0-based."""
    return LimitExceeded(
        "imports.limit_cell",
        file=file_name,
        row=row,
        column=column_letters(column),
        length=f"{length:,}",
        limit=f"{MAX_CELL_CHARS:,}",
    )


# ---------------------------------------------------------------------------------------
# Zip workbooks (.xlsx, .xlsm, .ods)


@dataclass
class _Extent:
    rows: int = 0
    columns: int = 0


_CELL_REF = re.compile(rb'<c r="([A-Za-z]{1,12})(\d{1,12})"')
_WIDE_COLUMN = re.compile(rb'<c r="([A-Za-z]{2,})\d')
_SIX_DIGITS = re.compile(rb'<c r="[A-Za-z]+(\d{6,})"')
_ROW_DIGITS = re.compile(rb'<c r="[A-Za-z]+(\d+)"')
# Text between two tags longer than a cell may hold (in bytes: counted in characters after).
_LONG_TEXT = re.compile(rb">([^<]{%d,})" % (MAX_CELL_CHARS + 1))
# No tag for this many bytes: a text run longer than any cell, even at 4 bytes a character.
_LONGEST_RUN = MAX_CELL_CHARS * 4 + 64


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, file_name: str) -> Iterator[bytes]:
    """The member's bytes in chunks; zipfile stops at the declared size and checks the CRC."""
    try:
        with zf.open(info) as member:
            while chunk := member.read(_CHUNK):
                yield chunk
    except Exception as error:  # bad CRC, zlib errors, encryption, unsupported compression...
        raise ImportFileError("imports.file_corrupt", file=file_name, detail=str(error)) from None


def _text_too_long(file_name: str, length: int) -> LimitExceeded:
    return LimitExceeded(
        "imports.limit_text", file=file_name, length=f"{length:,}", limit=f"{MAX_CELL_CHARS:,}"
    )


def _whole_tags(chunks: Iterator[bytes], file_name: str) -> Iterator[bytes]:
    """The XML again in pieces that each end just before a tag, so no tag and no text run is
    split between two pieces; refuses a text run longer than any cell could be."""
    tail = b""
    for chunk in chunks:
        text = tail + chunk
        cut = text.rfind(b"<")
        if cut <= 0:
            head, tail = b"", text
        else:
            head, tail = text[:cut], text[cut:]
        if len(tail) > _LONGEST_RUN and tail.find(b"<", 1) < 0:
            raise _text_too_long(file_name, len(tail))
        if head:
            yield head
    if tail:
        yield tail


def _check_text(file_name: str, text: bytes) -> None:
    """Refuses a text run in ``text`` longer than MAX_CELL_CHARS characters, naming its cell
    when the run is inside a worksheet cell.

    A run that long covers a whole window of half its length, so only windows without any
    ``<`` are looked at closely (one cheap ``find`` per 16 KB otherwise).
    """
    step = MAX_CELL_CHARS // 2
    for start in range(0, len(text), step):
        if text.find(b"<", start, start + step) >= 0 or len(text) - start < step:
            continue
        begin = max(text.rfind(b">", 0, start), 0)
        found = _LONG_TEXT.match(text, begin)
        if found is None:
            continue
        chars = len(found.group(1).decode("utf-8", "replace"))
        if chars <= MAX_CELL_CHARS:
            continue
        cell = text.rfind(b'<c r="', 0, found.start())
        ref = _CELL_REF.match(text, cell) if cell >= 0 else None
        if ref is not None:
            raise cell_too_long(file_name, int(ref.group(2)), column_index(ref.group(1)), chars)
        raise _text_too_long(file_name, chars)


def _piece_columns(piece: bytes) -> int:
    """The widest column any cell reference in ``piece`` reaches (26 when all are one letter)."""
    wide = _WIDE_COLUMN.findall(piece)
    if wide:
        return max(map(column_index, set(wide))) + 1
    return 26 if b'<c r="' in piece else 0


def _piece_rows(piece: bytes, columns: int) -> int:
    """The lowest row any cell reference in ``piece`` reaches, or a bound on it that keeps
    the sheet within MAX_CELLS (exact once rows of six digits appear: only those are read)."""
    six = _SIX_DIGITS.findall(piece)
    if six:
        return max(map(int, set(six)))
    if columns * 99_999 <= MAX_CELLS:
        return 99_999 if b'<c r="' in piece else 0
    shorter = _ROW_DIGITS.findall(piece)
    return max(map(int, set(shorter)), default=0)


def _scan_sheet_fast(chunks: Iterator[bytes], file_name: str) -> _Extent | None:
    """Rows and columns of an .xlsx worksheet as Excel writes it (every ``<c>`` cell with its
    ``r`` reference first, which is where calamine places it), or bounds on them as tight as
    the limits need; None when the XML is written otherwise (prefixed tags, references
    missing or later in the tag), which the exact parser then measures.

    Only references that could break a limit are taken out of the text (columns of two
    letters or more, rows of six digits or more), so a sheet of ordinary size costs a few
    scans of its bytes rather than a Python object per cell.
    """
    extent = _Extent()
    for piece in _whole_tags(chunks, file_name):
        if (
            piece.count(b"<c ") != piece.count(b'<c r="')
            or b"<c>" in piece
            or b"<c/>" in piece
            or b":c " in piece
        ):
            return None
        columns = _piece_columns(piece)
        extent.columns = max(extent.columns, columns)
        extent.rows = max(extent.rows, _piece_rows(piece, extent.columns))
        _check_text(file_name, piece)
        if extent.rows > MAX_ROWS or extent.columns > MAX_COLUMNS:
            break  # no need to read further
    if extent.rows * extent.columns > MAX_CELLS and extent.rows == 99_999:
        return None  # the bound was not tight enough: count exactly
    return extent


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _scan_sheet_exact(chunks: Iterator[bytes], file_name: str, *, ods: bool) -> _Extent:
    """Rows and columns as calamine counts them: a ``row``/``c`` without a reference follows
    the one before; in .ods, repeated rows and cells count as many times as they repeat
    (only when something non-empty follows them: trailing repeats are not data)."""
    extent = _Extent()
    state = {"row": 0, "col": 0, "text": 0, "repeat_rows": 1}

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if ods:
            if tag == "table":
                state["row"] = 0
            elif tag == "table-row":
                state["col"] = 0
                state["repeat_rows"] = _int(attrs, "number-rows-repeated", 1)
            elif tag in ("table-cell", "covered-table-cell"):
                repeat = _int(attrs, "number-columns-repeated", 1)
                filled = any(_local(key) in ("value", "value-type") for key in attrs)
                state["col"] += repeat
                if filled:
                    extent.columns = max(extent.columns, state["col"])
                    extent.rows = max(extent.rows, state["row"] + state["repeat_rows"])
            return
        if tag == "row":
            ref = attrs.get("r")
            state["row"] = int(ref) if ref and ref.isdigit() else state["row"] + 1
            state["col"] = 0
            extent.rows = max(extent.rows, state["row"])
        elif tag == "c":
            ref = attrs.get("r")
            found = re.fullmatch(r"([A-Za-z]{1,12})(\d{1,12})", ref or "")
            if found is not None:
                state["col"] = column_index(found.group(1)) + 1
                state["row"] = max(state["row"], int(found.group(2)))
                extent.rows = max(extent.rows, state["row"])
            else:
                state["col"] += 1
            extent.columns = max(extent.columns, state["col"])
        state["text"] = 0

    def end(name: str) -> None:
        if ods and _local(name) == "table-row":
            state["row"] += state["repeat_rows"]

    def data(text: str) -> None:
        state["text"] += len(text)
        if state["text"] > MAX_CELL_CHARS:
            raise cell_too_long(
                file_name, max(state["row"], 1), max(state["col"] - 1, 0), state["text"]
            )

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    parser.buffer_text = True
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
            if extent.rows > MAX_ROWS or extent.columns > MAX_COLUMNS:
                return extent
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise ImportFileError("imports.file_corrupt", file=file_name, detail=str(error)) from None
    return extent


def _int(attrs: dict[str, str], suffix: str, default: int) -> int:
    for key, value in attrs.items():
        if _local(key) == suffix:
            return int(value) if value.isdigit() else default
    return default


def _sheet_kind(name: str) -> str | None:
    """ "xlsx" for a worksheet of an .xlsx, "ods" for the cells of an .ods, else None."""
    if name == "content.xml":
        return "ods"
    if name.startswith("xl/worksheets/") and name.endswith(".xml"):
        return "xlsx"
    return None


def check_zip_workbook(data: bytes, file_name: str) -> None:
    """Refuses a zip workbook whose members unpack beyond MAX_UNPACKED_BYTES, a worksheet
    reaching beyond MAX_ROWS × MAX_COLUMNS by the cells it holds, or a cell longer than
    MAX_CELL_CHARS. A damaged zip is left to the reader, which reports it as damaged."""
    import io

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with zf:
        members = zf.infolist()
        declared = sum(max(info.file_size, 0) for info in members)
        if declared > MAX_UNPACKED_BYTES:
            raise LimitExceeded(
                "imports.limit_unpacked",
                file=file_name,
                size=megabytes(declared),
                limit=megabytes(MAX_UNPACKED_BYTES),
            )
        for info in members:
            if info.is_dir():
                continue
            kind = _sheet_kind(info.filename)
            if kind is not None:
                extent: _Extent | None = None
                if kind == "xlsx":
                    extent = _scan_sheet_fast(_stream(zf, info, file_name), file_name)
                if extent is None:
                    extent = _scan_sheet_exact(
                        _stream(zf, info, file_name), file_name, ods=kind == "ods"
                    )
                check_extent(file_name, extent.rows, extent.columns)
            elif info.filename.endswith("sharedStrings.xml"):
                for piece in _whole_tags(_stream(zf, info, file_name), file_name):
                    _check_text(file_name, piece)
            else:
                for _ in _stream(zf, info, file_name):
                    pass  # reads it once: a member that lies about its size fails its CRC
