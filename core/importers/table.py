"""Turns a sheet plus a confirmed column mapping into typed rows, per-cell issues and skipped rows.

``parse_table`` is what the wizard's preview shows and what the import service stores: one
pandas column per mapped field (plus ``row``, the row number the user sees in Excel, and
``month`` for dated kinds), every odd cell as a ``CellIssue`` with its original text, and
every row left out (totals, closed orders, duplicates, notes) as a ``SkippedRow`` with the
reason. Rows with an error stay in ``frame`` so the preview can show them; ``valid_frame``
is what may be stored.

Only mapped columns are read, and each is parsed with the vectorised parsers in
``columns``; per-cell Python work happens only for unusual cells and for the rows reported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from core.i18n import Message
from core.importers import values as v
from core.importers.columns import ColumnSpec, parse_column
from core.importers.headers import ColumnMapping, normalise_header
from core.importers.reading import Sheet
from core.importers.sources import TOTAL_ROW_MARKERS, SourceKind, source_kind

Severity = Literal["error", "warning"]

MISSING_VALUE = "imports.row.missing_value"
MONTH_MISSING = "imports.row.month_missing"
MONTH_UNREADABLE = "imports.row.month_unreadable"
CONFLICTING_DUPLICATE = "imports.row.conflicting_duplicate"
PERIOD_SPAN = "imports.row.period_span"
MIXED_GRAIN = "imports.row.mixed_grain"
SKIP_TOTAL = "imports.skip.total_row"
SKIP_NOTE = "imports.skip.note_row"
SKIP_STATUS = "imports.skip.not_counted"
SKIP_DUPLICATE = "imports.skip.duplicate"
NO_DATA = "imports.no_data_rows"

# Issue codes that leave a value in place (changed or suspicious): always warnings. An order
# number Excel turned into a number is not one of them: its last digits are gone, so orders
# collided (the import audit lost 196 of 20,000) and no later import of the original export
# could find them again; the file is refused, naming each row.
_VALUE_KEPT = frozenset({v.NOT_INTEGER})


@dataclass(frozen=True)
class CellIssue:
    """Something odd in one cell, where the user can find it in the file."""

    row: int  # as Excel shows it, 1-based
    column: str  # the header text in the file
    text: str  # the cell as written
    severity: Severity
    message: Message


@dataclass(frozen=True)
class SkippedRow:
    """A row deliberately not imported, and why."""

    row: int
    reason: Message


@dataclass
class ParsedTable:
    """A sheet read as one kind: typed rows and everything the user should check."""

    kind: str
    file_name: str
    sheet: str
    mapping: ColumnMapping
    frame: pd.DataFrame
    issues: list[CellIssue] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    # Non-blank rows below the header (imported + skipped).
    data_rows: int = 0
    # "day" or "month" for 生意参谋 files (each row is a day or a month of one store).
    grain: v.Grain | None = None
    notes: list[Message] = field(default_factory=list)
    # Orders skipped because their status does not count (closed, cancelled, unpaid), with the
    # same columns as ``frame``: stored as not counted, so that re-importing a month in which
    # a paid order was later closed can replace the paid version.
    uncounted: pd.DataFrame | None = None

    @property
    def errors(self) -> list[CellIssue]:
        return [issue for issue in self.issues if issue.severity == "error"]

    @property
    def warnings(self) -> list[CellIssue]:
        return [issue for issue in self.issues if issue.severity == "warning"]

    @property
    def error_rows(self) -> frozenset[int]:
        return frozenset(issue.row for issue in self.issues if issue.severity == "error")

    @property
    def valid_frame(self) -> pd.DataFrame:
        """The rows that can be stored: not skipped and without errors."""
        bad = self.error_rows
        if not bad:
            return self.frame
        return self.frame[~self.frame["row"].isin(bad)]

    def records(self, *, valid_only: bool = True) -> list[dict[str, object]]:
        """Rows as plain dicts of Python values (date, datetime, int, float, str, bool, None).

        Each carries its Excel row number under ``"_row"``, the shape the template
        importers in core.services.archive.template_import take.
        """
        frame = self.valid_frame if valid_only else self.frame
        kind = source_kind(self.kind)
        types = {spec.name: spec.type for spec in kind.fields}
        columns: dict[str, list[object]] = {}
        for name in frame.columns:
            series = frame[name]
            if name == "row":
                columns["_row"] = [int(x) for x in series]
            elif name == "date" or types.get(name) == "date":
                columns[name] = [None if pd.isna(x) else x.date() for x in series]
            elif pd.api.types.is_datetime64_any_dtype(series):
                columns[name] = [None if pd.isna(x) else x.to_pydatetime() for x in series]
            else:
                columns[name] = [None if _is_na(x) else _native(x) for x in series]
        names = list(columns)
        return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]

    @property
    def months(self) -> list[str]:
        """The calendar months the valid rows cover, sorted."""
        if "month" not in self.frame.columns:
            return []
        return sorted(m for m in self.valid_frame["month"].dropna().unique())


def _is_na(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _native(value: object) -> object:
    """numpy scalars as the Python values they stand for."""
    return value.item() if isinstance(value, np.generic) else value


def field_spec_for(kind: SourceKind, mapping: ColumnMapping, field_name: str) -> ColumnSpec:
    """The column parser settings for one mapped field (its type plus its header's unit)."""
    spec = kind.field(field_name)
    match = mapping.columns[field_name]
    return ColumnSpec(
        type=spec.type,
        scale=match.scale,
        unit_seconds=match.unit_seconds if match.unit_seconds is not None else spec.unit_seconds,
        percent_header=match.percent,
    )


def _text_of(cell: v.CellValue) -> str:
    return v.cell_text(cell) if not isinstance(cell, str) else cell


def _filled(missing: np.ndarray, issues: list[tuple[int, str]]) -> np.ndarray:
    """Cells that say something: a value (not ``missing``), or something odd worth reporting.

    Empty cells, spaces and a text column's "-" say nothing; a row of nothing but those is
    a blank row.
    """
    filled = ~missing
    if issues:
        filled[[position for position, _ in issues]] = True
    return filled


_MARKER_STARTS = (
    frozenset(
        variant
        for marker in TOTAL_ROW_MARKERS
        for variant in (
            marker[0],
            marker[0].upper(),
            chr(ord(marker[0]) + 0xFEE0) if marker[0].isascii() else marker[0],
        )
    )
    | frozenset(chr(ord(c) + 0xFEE0) for c in "TSA")
    | frozenset(v._STRIP)
)

# What the lone text of a note row under a table starts with.
_NOTE_STARTS = ("注", "备注", "说明", "数据来源", "来源", "提示", "*", "※", "注意")


def _total_rows(cells: Sequence[v.CellValue], candidates: np.ndarray) -> np.ndarray:
    """Positions among ``candidates`` whose cell starts with 合计/总计/平均… ."""
    found = []
    for position in candidates:
        cell = cells[position]
        # A cheap look at the first character first: this runs over every row of big files.
        if type(cell) is str and _marker_start(cell):
            found.append(position)
    return np.asarray(found, dtype=np.int64)


def _total_candidates(
    source: SourceKind,
    mapping: ColumnMapping,
    first_column: Sequence[v.CellValue],
    raw: dict[str, Sequence[v.CellValue]],
    parsed: dict[str, pd.Series],
    cell_issues: dict[str, list[tuple[int, str]]],
) -> list[tuple[Sequence[v.CellValue], np.ndarray]]:
    """Where a totals label may stand: (cells, positions to look at) per column.

    A label such as 合计 in a column of order numbers, dates or numbers does not parse, so
    only the cells with an issue need a look there; in a text column every distinct text is
    checked once.
    """
    columns: dict[int, str | None] = {0: None}
    for name in source.key_fields:
        if name in mapping.columns:
            columns[mapping.columns[name].column] = name
    for name, match in mapping.columns.items():
        if match.column == 0:
            columns[0] = name
    found: list[tuple[Sequence[v.CellValue], np.ndarray]] = []
    for field_name in columns.values():
        if field_name is None:
            found.append((first_column, np.arange(len(first_column))))
        elif source.field(field_name).type == "text":
            texts = parsed[field_name]
            labels = [t for t in texts.dropna().unique() if _marker_start(t)]
            found.append(
                (texts.to_numpy(dtype=object), np.flatnonzero(texts.isin(labels).to_numpy()))
            )
        else:
            odd = sorted(p for p, _ in cell_issues[field_name])
            found.append((raw[field_name], np.asarray(odd, dtype=np.int64)))
    return found


def _marker_start(text: str) -> bool:
    return text[:1] in _MARKER_STARTS and normalise_header(text).startswith(TOTAL_ROW_MARKERS)


def _is_note(cells: list[v.CellValue]) -> bool:
    """Whether the one filled cell of a row reads like a note ("数据来源：…", "注：…")."""
    texts = [c.strip() for c in cells if isinstance(c, str) and c.strip()]
    return len(texts) == 1 and (
        texts[0].startswith(_NOTE_STARTS) or "：" in texts[0] or ":" in texts[0]
    )


def parse_table(
    sheet: Sheet,
    header_row: int,
    mapping: ColumnMapping,
    kind: str | SourceKind,
    file_name: str | None = None,
    *,
    pseudonym_key: bytes | None = None,
    close_sheet: bool = False,
) -> ParsedTable:
    """Reads the rows below ``header_row`` as ``kind`` through ``mapping``.

    Personal columns (buyers' nicknames) are dropped, or replaced by a keyed hash when the
    caller passes ``pseudonym_key`` (so repeat buyers can be counted without storing who
    they are). Raises ``ValidationError`` if a required column is unmapped. With
    ``close_sheet`` the reader's copy of the sheet is freed as soon as the columns are read,
    before parsing (a 100,000-row workbook then is not held while its values are parsed).
    """
    source = source_kind(kind) if isinstance(kind, str) else kind
    file_name = file_name or sheet.file_name
    mapping.require_complete(file_name)
    fields = list(mapping.columns)
    numeric = [
        mapping.columns[name].column
        for name in fields
        if source.field(name).type in ("int", "money", "number")
    ]
    block = sheet.read_columns(
        sorted({m.column for m in mapping.columns.values()} | {0}), header_row + 1, numeric
    )
    if close_sheet:
        sheet.close()
    n = block.n_rows
    first_excel_row = header_row + 2  # the row after the header, 1-based
    rows = _Rows(file_name, np.arange(first_excel_row, first_excel_row + n))

    raw = {name: block.columns[mapping.columns[name].column] for name in fields}
    parsed: dict[str, pd.Series] = {}
    cell_issues: dict[str, list[tuple[int, str]]] = {}
    for name in fields:
        result = parse_column(raw[name], field_spec_for(source, mapping, name))
        parsed[name] = result.values
        cell_issues[name] = result.issues
    # Where each column has no value, found once (a look at every cell of an object column).
    missing = {name: parsed[name].isna().to_numpy() for name in fields}
    filled = sum(
        (_filled(missing[name], cell_issues[name]).astype(np.int32) for name in fields),
        np.zeros(n, np.int32),
    )
    all_blank = filled == 0
    rows.skip |= all_blank

    # Totals rows: 合计/总计/平均… in the sheet's first column or in a key column.
    for cells, candidates in _total_candidates(
        source, mapping, block.columns[0], raw, parsed, cell_issues
    ):
        rows.drop(_total_rows(cells, candidates[~rows.skip[candidates]]), SKIP_TOTAL)

    # Notes under the table ("数据来源：生意参谋", "注：…"): one lone text where key values belong.
    key_fields = [k for k in source.key_fields if k in parsed]
    if key_fields:
        keys_missing = np.logical_or.reduce([missing[k] for k in key_fields])
        for spot in np.flatnonzero((filled == 1) & keys_missing & ~rows.skip):
            position = int(spot)
            if _is_note([raw[name][position] for name in fields]):
                rows.drop([position], SKIP_NOTE)

    # Orders that do not count (closed, cancelled, unpaid).
    not_counted = np.zeros(n, bool)
    if source.status_field in parsed and source.not_counted_statuses:
        statuses = parsed[str(source.status_field)]
        not_counted = statuses.isin(source.not_counted_statuses).to_numpy() & ~rows.skip
        for status in statuses[not_counted].unique():
            rows.drop(
                np.flatnonzero(not_counted & (statuses == status).to_numpy()),
                SKIP_STATUS,
                status=status,
            )

    issues: list[CellIssue] = []
    for name in fields:
        issues += _cell_issues(
            rows,
            mapping.columns[name].header,
            raw[name],
            missing[name],
            cell_issues[name],
            key=name in source.key_fields,
        )

    whole = pd.DataFrame({name: parsed[name] for name in fields})
    whole.insert(0, "row", rows.numbers)
    frame = whole[~rows.skip].reset_index(drop=True)
    uncounted = _uncounted(whole[not_counted], source, pseudonym_key) if not_counted.any() else None
    del whole

    grain: v.Grain | None = None
    period_field = _period_field(source)
    if period_field is not None and period_field in frame.columns:
        frame, grain = _split_periods(frame, period_field, mapping, file_name, issues)
    elif source.month_from:
        frame["month"] = _months(frame, source.month_from)
        issues += _missing_months(
            frame, source, mapping, file_name, raw, np.flatnonzero(~rows.skip)
        )

    frame, duplicates = _drop_duplicates(frame, source, mapping, grain, file_name, issues)
    frame = _protect_personal(frame, source, pseudonym_key)

    column_order = {m.header: m.column for m in mapping.columns.values()}
    issues.sort(key=lambda issue: (issue.row, column_order.get(issue.column, 0)))
    table = ParsedTable(
        kind=source.id,
        file_name=file_name,
        sheet=sheet.name,
        mapping=mapping,
        frame=frame,
        issues=issues,
        skipped=sorted(rows.skipped + duplicates, key=lambda skipped: skipped.row),
        data_rows=int((~all_blank).sum()),
        grain=grain,
        notes=list(sheet.notes),
        uncounted=uncounted,
    )
    if table.data_rows == 0:
        table.notes.append(Message(NO_DATA, {"file": file_name, "sheet": sheet.name}))
    return table


def _uncounted(
    frame: pd.DataFrame, source: SourceKind, pseudonym_key: bytes | None
) -> pd.DataFrame | None:
    """Not-counted orders with what identifies them (key and month); the others are dropped."""
    frame = frame.reset_index(drop=True)
    if source.month_from:
        frame["month"] = _months(frame, source.month_from)
    needed = [k for k in (*source.key_fields, "month") if k in frame.columns]
    frame = frame[frame[needed].notna().all(axis=1)]
    key = [k for k in source.unique_key if k in frame.columns]
    if key and len(key) == len(source.unique_key):
        frame = frame.drop_duplicates(subset=key, keep="first")
    frame = _protect_personal(frame.reset_index(drop=True), source, pseudonym_key)
    return frame if len(frame) else None


class _Rows:
    """The data rows of a sheet: their Excel numbers and which are skipped, and why."""

    def __init__(self, file_name: str, numbers: np.ndarray) -> None:
        self.file_name = file_name
        self.numbers = numbers
        self.skip = np.zeros(len(numbers), bool)
        self.skipped: list[SkippedRow] = []

    def row(self, position: int) -> int:
        return int(self.numbers[position])

    def drop(self, positions: Sequence[int] | np.ndarray, code: str, **params: object) -> None:
        spots = np.unique(np.asarray(positions, dtype=np.intp))  # each row once, in order
        spots = spots[~self.skip[spots]]
        self.skip[spots] = True
        file_name = self.file_name
        self.skipped.extend(
            SkippedRow(row, Message(code, {"file": file_name, "row": row, **params}))
            for row in self.numbers[spots].tolist()
        )


def _cell_issues(
    rows: _Rows,
    header: str,
    cells: Sequence[v.CellValue],
    missing: np.ndarray,
    found: list[tuple[int, str]],
    *,
    key: bool,
) -> list[CellIssue]:
    """Issues of one column on the rows kept; a key column's ``missing`` values are errors."""
    issues: list[CellIssue] = []
    for position, code in found:
        if rows.skip[position]:
            continue
        severity: Severity = "error" if key and code not in _VALUE_KEPT else "warning"
        issues.append(
            _issue(
                rows.file_name,
                rows.row(position),
                header,
                _text_of(cells[position]),
                severity,
                code,
            )
        )
    if key:
        unreported = missing & ~rows.skip
        unreported[[position for position, _ in found]] = False
        for spot in np.flatnonzero(unreported):
            position = int(spot)
            text = _text_of(cells[position])
            issues.append(
                _issue(rows.file_name, rows.row(position), header, text, "error", MISSING_VALUE)
            )
    return issues


def _issue(
    file_name: str, row: int, column: str, text: str, severity: Severity, code: str, **extra: object
) -> CellIssue:
    return CellIssue(
        row=row,
        column=column,
        text=text,
        severity=severity,
        message=Message(
            code, {"file": file_name, "row": row, "column": column, "text": text, **extra}
        ),
    )


def _months(frame: pd.DataFrame, month_from: tuple[str, ...]) -> pd.Series:
    """ "YYYY-MM" of the first of ``month_from`` with a value, per row."""
    moments: pd.Series | None = None
    for name in month_from:
        if name not in frame.columns:
            continue
        column = pd.to_datetime(frame[name])
        moments = column if moments is None else moments.fillna(column)
    if moments is None or moments.empty:
        return pd.Series([None] * len(frame), dtype=object)
    codes = (moments.dt.year * 100 + moments.dt.month).astype("Int64")
    labels = {int(c): f"{int(c) // 100:04d}-{int(c) % 100:02d}" for c in codes.dropna().unique()}
    return codes.map(labels, na_action="ignore").astype(object).where(codes.notna(), None)


def _missing_months(
    frame: pd.DataFrame,
    source: SourceKind,
    mapping: ColumnMapping,
    file_name: str,
    raw: Mapping[str, Sequence[v.CellValue]],
    kept: np.ndarray,
) -> list[CellIssue]:
    """An error for each row whose month cannot be told (every date it could come from is
    empty, e.g. the last row of a cut download, or not a date): such a row is never stored
    without a month. A cell that holds something is quoted, not called empty. (``kept``: the
    position in ``raw`` of each of the frame's rows.)"""
    missing = frame["month"].isna().to_numpy()
    if not missing.any():
        return []
    named = [name for name in source.month_from if name in mapping.columns and name in raw]
    issues = []
    for position in np.flatnonzero(missing):
        row = int(frame["row"].iat[position])
        written = ((name, v.cell_text(raw[name][kept[position]]).strip()) for name in named)
        name, text = next(((n, t) for n, t in written if t), (None, ""))
        if name is not None:
            column = mapping.columns[name].header
            issues.append(_issue(file_name, row, column, text, "error", MONTH_UNREADABLE))
        else:
            column = mapping.columns[named[0]].header if named else source.month_from[0]
            issues.append(_issue(file_name, row, column, "", "error", MONTH_MISSING))
    return issues


def _period_field(source: SourceKind) -> str | None:
    """The field holding a day-or-month period (生意参谋's 统计日期), if the kind has one."""
    return next((spec.name for spec in source.fields if spec.type == "period"), None)


def _months_stored_as_days(periods: pd.Series) -> pd.Series:
    """A monthly export re-saved by Excel holds 统计日期 "2024-01" as a date cell, 2024-01-01:
    when every row is the 1st of a different month, the rows are months. (Read as days, each
    month's total sat on its 1st, and a daily file imported after it counted it twice.)"""
    found = [p for p in periods if p is not None]
    if len(found) < 2 or any(p.grain != "day" or p.start.day != 1 for p in found):
        return periods
    if len({v.month_of(p.start) for p in found}) != len(found):
        return periods
    return periods.map(
        lambda p: None if p is None else v.Period(p.start, v.month_bounds(v.month_of(p.start))[1])
    )


def _split_periods(
    frame: pd.DataFrame,
    period_field: str,
    mapping: ColumnMapping,
    file_name: str,
    issues: list[CellIssue],
) -> tuple[pd.DataFrame, v.Grain | None]:
    """生意参谋 rows are days or months: ``date`` and ``month`` columns, and the file's grain."""
    periods = _months_stored_as_days(frame.pop(period_field))
    grains = periods.map(lambda p: None if p is None else p.grain)
    counts = grains.value_counts()
    grain: v.Grain | None = None
    for candidate in ("day", "month"):
        if counts.get(candidate, 0) and (grain is None or counts[candidate] > counts[grain]):
            grain = candidate
    header = mapping.columns[period_field].header
    for position in np.flatnonzero((grains.notna() & (grains != grain)).to_numpy()):
        period = periods.iat[position]
        code = PERIOD_SPAN if period.grain == "range" else MIXED_GRAIN
        text = f"{period.start}~{period.end}" if period.start != period.end else str(period.start)
        issues.append(
            _issue(file_name, int(frame["row"].iat[position]), header, text, "error", code)
        )
    frame.insert(
        1,
        "date",
        pd.to_datetime(periods.map(lambda p: None if p is None or p.grain != "day" else p.start)),
    )
    frame.insert(2, "month", periods.map(lambda p: None if p is None else p.month).astype(object))
    return frame, grain


def _drop_duplicates(
    frame: pd.DataFrame,
    source: SourceKind,
    mapping: ColumnMapping,
    grain: v.Grain | None,
    file_name: str,
    issues: list[CellIssue],
) -> tuple[pd.DataFrame, list[SkippedRow]]:
    """Exact repeats of a record are skipped; the same key with other values is an error.

    Without every key column mapped (e.g. an 抖店 export lacking 子订单编号) nothing is
    treated as a duplicate: two equal sub-order lines of one order are legitimate.
    """
    period_field = _period_field(source)
    if period_field is not None and period_field in source.unique_key:
        key = ["date"] if grain == "day" else ["month"]
        header = mapping.columns[period_field].header
    else:
        key = list(source.unique_key)
        if not key or any(name not in frame.columns for name in key):
            return frame, []
        header = mapping.columns[key[0]].header
    if frame.empty:
        return frame, []
    has_key = frame[key].notna().all(axis=1)
    repeated = frame.duplicated(subset=key, keep="first") & has_key
    if not repeated.any():
        return frame, []
    data_columns = [c for c in frame.columns if c != "row"]
    identical = frame.duplicated(subset=data_columns, keep="first") & repeated
    first_rows = frame[has_key & ~repeated].set_index(key)["row"]
    skipped: list[SkippedRow] = []
    for position in np.flatnonzero(repeated.to_numpy()):
        index_key = (
            tuple(frame[key].iloc[position]) if len(key) > 1 else frame[key[0]].iat[position]
        )
        first = int(first_rows.get(index_key, 0)) if index_key in first_rows.index else 0
        row = int(frame["row"].iat[position])
        if identical.iat[position]:
            skipped.append(
                SkippedRow(
                    row,
                    Message(SKIP_DUPLICATE, {"file": file_name, "row": row, "first_row": first}),
                )
            )
        else:
            text = " / ".join(str(frame[k].iat[position]) for k in key)
            issues.append(
                _issue(
                    file_name, row, header, text, "error", CONFLICTING_DUPLICATE, first_row=first
                )
            )
    return frame[~identical].reset_index(drop=True), skipped


def _pseudonyms(values: pd.Series, key: bytes) -> pd.Series:
    """A keyed BLAKE2b digest per distinct value: the same buyer always gets the same id,
    and without the company's key nobody can tell who it is. (BLAKE2b rather than a faster
    library hash: pseudonyms must stay the same across Tidui and library versions.)"""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    # Copying a keyed state is cheaper than keying a new hash for every buyer; the loop is
    # written out (no call per buyer): a month's 100,000 distinct buyers cost 0.05 s here.
    keyed = hashlib.blake2b(key=key[:64], digest_size=10)
    found: list[str | None] = []
    add = found.append
    for value in uniques.tolist():
        digest = keyed.copy()
        digest.update((value if type(value) is str else str(value)).encode("utf-8"))
        add(digest.hexdigest())
    add(None)
    digests = np.array(found, dtype=object)
    return pd.Series(digests[codes], index=values.index, dtype=object)


def _protect_personal(frame: pd.DataFrame, source: SourceKind, key: bytes | None) -> pd.DataFrame:
    """Drops buyers' personal columns, or replaces them by a keyed hash (a pseudonym)."""
    personal = [spec.name for spec in source.fields if spec.personal and spec.name in frame.columns]
    for name in personal:
        if key is None:
            frame = frame.drop(columns=name)
        else:
            frame[name] = _pseudonyms(frame[name], key)
    return frame
