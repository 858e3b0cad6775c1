"""Finds the header row of an export, reads what stands above it, and tells which kind of file it is.

Platform exports put title rows, merged title cells and preamble lines ("统计时间：2024-01-01 ~
2024-06-30", "店铺名称：悦颜美妆旗舰店") above the real header, and their header texts drift
between versions (trailing spaces, full-width brackets, "(元)" suffixes). This module:

* ``normalise_header`` folds those differences away so synonyms are compared, not spellings;
* ``find_header_row`` picks the row whose cells are most like known headers;
* ``read_preamble`` / ``file_name_hints`` extract the store name and period users expect to be
  recognised from the lines above the header and from the file name;
* ``match_columns`` maps columns to a kind's canonical fields (listing unknown columns);
* ``detect_kind`` scores every kind against the header with a confidence in [0, 1];
* ``analyse`` runs all of it on a sheet's top rows, which is what the wizard and CLI call.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import PurePath

from core.domain.explain import NAMES, joined
from core.errors import ValidationError
from core.importers.sources import SOURCE_KINDS, FieldSpec, SourceKind, source_kind
from core.importers.values import CellValue, Period, cell_text, parse_period

# Header rows are looked for among the first rows only: exports never have long preambles.
HEADER_SCAN_ROWS = 30

# Below this confidence no kind is chosen automatically: the user (or --source) must say.
MIN_CONFIDENCE = 0.5

# ---------------------------------------------------------------------------------------
# Normalising header texts

_BRACKETS = str.maketrans(
    {
        "【": "(",
        "】": ")",
        "[": "(",
        "]": ")",
        "〔": "(",
        "〕": ")",
        "〖": "(",
        "〗": ")",
        "{": "(",
        "}": ")",
    }
)
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"), None)


def normalise_header(value: CellValue) -> str:
    """A header text reduced to what identifies it.

    Full-width forms become ASCII (NFKC: （）→(), ：→:), all bracket styles become
    parentheses, BOM/zero-width characters and every space (leading, trailing, inside)
    disappear, letters are case-folded, and the "*" templates put on required columns and a
    trailing colon are dropped.
    """
    text = value if isinstance(value, str) else cell_text(value)
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_BRACKETS)
    text = "".join(text.split()).casefold()
    return text.strip("*:").replace("(*)", "")


@dataclass(frozen=True)
class HeaderUnit:
    """What a unit in a header, "支付金额(万元)" or "直播时长(秒)", says about its values."""

    scale: float = 1.0
    unit_seconds: float | None = None
    percent: bool = False


_UNITS: dict[str, HeaderUnit] = {
    "元": HeaderUnit(),
    "rmb": HeaderUnit(),
    "¥": HeaderUnit(),
    "千元": HeaderUnit(scale=1e3),
    "万元": HeaderUnit(scale=1e4),
    "万": HeaderUnit(scale=1e4),
    "亿元": HeaderUnit(scale=1e8),
    "%": HeaderUnit(percent=True),
    "秒": HeaderUnit(unit_seconds=1.0),
    "s": HeaderUnit(unit_seconds=1.0),
    "分钟": HeaderUnit(unit_seconds=60.0),
    "分": HeaderUnit(unit_seconds=60.0),
    "min": HeaderUnit(unit_seconds=60.0),
    "小时": HeaderUnit(unit_seconds=3600.0),
    "h": HeaderUnit(unit_seconds=3600.0),
    "人": HeaderUnit(),
    "次": HeaderUnit(),
    "个": HeaderUnit(),
    "件": HeaderUnit(),
    "单": HeaderUnit(),
    "笔": HeaderUnit(),
}
_UNIT_SUFFIX = re.compile(r"(?P<base>.+?)\((?P<unit>[^()]*)\)")


def split_unit(normalised: str) -> tuple[str, HeaderUnit | None]:
    """("支付金额", 万元-unit) for "支付金额(万元)"; (text, None) when there is no known unit."""
    match = _UNIT_SUFFIX.fullmatch(normalised)
    if match is not None and match["unit"] in _UNITS:
        return match["base"], _UNITS[match["unit"]]
    return normalised, None


def header_signature(header_cells: Sequence[CellValue]) -> str:
    """A stable id of a header set, for reusing a saved column mapping on the next export."""
    names = [normalise_header(cell) for cell in header_cells]
    while names and not names[-1]:
        names.pop()
    return hashlib.sha256("\x1f".join(names).encode("utf-8")).hexdigest()[:32]


# ---------------------------------------------------------------------------------------
# Synonym index per kind


@dataclass(frozen=True)
class _Synonym:
    field: str
    priority: int  # position in the field's synonym list; lower wins


@cache
def _synonym_index(kind_id: str) -> dict[str, _Synonym]:
    """Normalised synonym (and its unit-less base) -> field, for one kind."""
    kind = SOURCE_KINDS[kind_id]
    index: dict[str, _Synonym] = {}
    bases: dict[str, _Synonym] = {}
    for spec in kind.fields:
        for priority, synonym in enumerate(spec.synonyms):
            normalised = normalise_header(synonym)
            index.setdefault(normalised, _Synonym(spec.name, priority))
            base, unit = split_unit(normalised)
            if unit is not None:
                bases.setdefault(base, _Synonym(spec.name, priority))
    for base, entry in bases.items():
        index.setdefault(base, entry)
    return index


@cache
def _ignored(kind_id: str) -> frozenset[str]:
    return frozenset(normalise_header(h) for h in SOURCE_KINDS[kind_id].known_ignored)


@cache
def _vocabulary() -> frozenset[str]:
    """Every header text any kind knows, for recognising a header row of an unknown kind."""
    words: set[str] = set()
    for kind_id in SOURCE_KINDS:
        words.update(_synonym_index(kind_id))
        words.update(_ignored(kind_id))
    return frozenset(words)


def _lookup(kind_id: str, normalised: str) -> tuple[_Synonym, HeaderUnit | None] | None:
    index = _synonym_index(kind_id)
    found = index.get(normalised)
    base, unit = split_unit(normalised)
    if found is not None:
        return found, unit
    if unit is not None and base in index:
        return index[base], unit
    return None


# ---------------------------------------------------------------------------------------
# Column mapping


@dataclass(frozen=True)
class ColumnMatch:
    """One column of the file taken as one field."""

    field: str
    column: int  # 0-based
    header: str  # as written in the file
    scale: float = 1.0  # from a unit such as (万元)
    unit_seconds: float | None = None  # from a unit such as (秒)
    percent: bool = False  # the header says (%): bare numbers are percentages


@dataclass(frozen=True)
class OtherColumn:
    """A column not used: unknown, knowingly ignored, or a second candidate for a taken field."""

    column: int
    header: str
    field: str | None = None  # for alternatives: the field it would have matched


@dataclass(frozen=True)
class ColumnMapping:
    """Which column feeds which field of ``kind``, and what is left over."""

    kind: str
    header_row: int  # 0-based row of the header in the sheet
    columns: dict[str, ColumnMatch]
    unknown: tuple[OtherColumn, ...] = ()
    ignored: tuple[OtherColumn, ...] = ()
    alternatives: tuple[OtherColumn, ...] = ()
    headers: tuple[str, ...] = ()  # every header cell's text, by column

    @property
    def source(self) -> SourceKind:
        return source_kind(self.kind)

    @property
    def missing_required(self) -> tuple[str, ...]:
        """Required fields without a column; an unmet either-or group is named "a|b"."""
        kind = self.source
        missing = [name for name in kind.required_fields if name not in self.columns]
        missing += [
            "|".join(group)
            for group in kind.required_any
            if not any(g in self.columns for g in group)
        ]
        return tuple(missing)

    def with_column(self, field_name: str, column: int) -> ColumnMapping:
        """The mapping after the user assigned ``column`` to ``field_name`` (wizard override)."""
        kind = self.source
        kind.field(field_name)  # KeyError for a field the kind does not have
        columns = {name: m for name, m in self.columns.items() if m.column != column}
        header = self.headers[column] if column < len(self.headers) else ""
        base_unit = split_unit(normalise_header(header))[1]
        columns[field_name] = _column_match(kind.field(field_name), column, header, base_unit)
        return replace(self, columns=columns)

    def without(self, field_name: str) -> ColumnMapping:
        """The mapping with ``field_name`` left unmapped."""
        return replace(self, columns={n: m for n, m in self.columns.items() if n != field_name})

    def require_complete(self, file_name: str) -> None:
        """Raises a ``ValidationError`` naming the required columns the file lacks."""
        missing = self.missing_required
        if not missing:
            return
        kind = self.source
        labels = [
            "/".join(kind.field(name).label_zh for name in group.split("|")) for group in missing
        ]
        raise ValidationError(
            "imports.missing_columns",
            file=file_name,
            source=kind.name_zh,
            kind=kind.id,
            columns=joined(labels, NAMES),
        )


def _column_match(
    spec: FieldSpec, column: int, header: str, unit: HeaderUnit | None
) -> ColumnMatch:
    unit = unit or HeaderUnit()
    return ColumnMatch(
        field=spec.name,
        column=column,
        header=header,
        scale=unit.scale,
        unit_seconds=unit.unit_seconds if spec.type == "duration" else None,
        percent=unit.percent,
    )


def match_columns(
    header_cells: Sequence[CellValue], kind_id: str, header_row: int = 0
) -> ColumnMapping:
    """Maps header cells to the fields of kind ``kind_id`` through its synonyms."""
    kind = source_kind(kind_id)
    headers = tuple(
        cell_text(cell).strip() if not isinstance(cell, str) else cell for cell in header_cells
    )
    best: dict[str, tuple[int, int, HeaderUnit | None]] = {}  # field -> (priority, column, unit)
    claimed: dict[int, str] = {}
    for column, header in enumerate(headers):
        normalised = normalise_header(header)
        if not normalised:
            continue
        found = _lookup(kind_id, normalised)
        if found is None:
            continue
        synonym, unit = found
        claimed[column] = synonym.field
        current = best.get(synonym.field)
        if current is None or synonym.priority < current[0]:
            best[synonym.field] = (synonym.priority, column, unit)
    columns = {
        name: _column_match(kind.field(name), column, headers[column].strip(), unit)
        for name, (_, column, unit) in best.items()
    }
    used = {m.column for m in columns.values()}
    ignored_names = _ignored(kind_id)
    unknown: list[OtherColumn] = []
    ignored: list[OtherColumn] = []
    alternatives: list[OtherColumn] = []
    for column, header in enumerate(headers):
        normalised = normalise_header(header)
        if not normalised or column in used:
            continue
        if column in claimed:
            alternatives.append(OtherColumn(column, header.strip(), claimed[column]))
        elif normalised in ignored_names or split_unit(normalised)[0] in ignored_names:
            ignored.append(OtherColumn(column, header.strip()))
        else:
            unknown.append(OtherColumn(column, header.strip()))
    return ColumnMapping(
        kind=kind_id,
        header_row=header_row,
        columns=columns,
        unknown=tuple(unknown),
        ignored=tuple(ignored),
        alternatives=tuple(alternatives),
        headers=headers,
    )


# ---------------------------------------------------------------------------------------
# Kind detection


@dataclass(frozen=True)
class KindGuess:
    """How well the header fits one kind."""

    kind: str
    confidence: float
    mapping: ColumnMapping


def _confidence(mapping: ColumnMapping) -> float:
    kind = mapping.source
    grouped = {name for group in kind.required_any for name in group}
    required = kind.required_fields
    needed = len(required) + len(kind.required_any)
    met = sum(name in mapping.columns for name in required) + sum(
        any(name in mapping.columns for name in group) for group in kind.required_any
    )
    optional = [s.name for s in kind.fields if not s.required and s.name not in grouped]
    optional_met = sum(name in mapping.columns for name in optional)
    # A file need not have every optional column: a handful of them is full marks.
    optional_score = min(1.0, optional_met / max(2, min(len(optional), 6))) if optional else 1.0
    headers = [h for h in mapping.headers if normalise_header(h)]
    recognised = len(mapping.columns) + len(mapping.alternatives) + len(mapping.ignored)
    precision = recognised / len(headers) if headers else 0.0
    score = 0.45 * (met / needed if needed else 1.0) + 0.25 * optional_score + 0.30 * precision
    if met < needed:
        score *= 0.6
    return round(score, 3)


def detect_kind(header_cells: Sequence[CellValue], header_row: int = 0) -> list[KindGuess]:
    """Every kind's fit to this header, best first."""
    guesses = []
    for kind_id in SOURCE_KINDS:
        mapping = match_columns(header_cells, kind_id, header_row)
        guesses.append(KindGuess(kind_id, _confidence(mapping), mapping))
    return sorted(guesses, key=lambda g: -g.confidence)


# ---------------------------------------------------------------------------------------
# Header row


@dataclass(frozen=True)
class HeaderGuess:
    row: int  # 0-based
    known: int  # how many of its cells are known header texts


def _is_texty(value: CellValue) -> bool:
    if not isinstance(value, str) or not value.strip():
        return False
    text = value.strip()
    return parse_period(text).value is None and not re.fullmatch(r"[-+¥$]?[\d,.%]+", text)


def find_header_row(rows: Sequence[Sequence[CellValue]]) -> HeaderGuess:
    """The row holding the column headers: the one with most known header texts.

    Title rows and preamble lines hold one cell or label/value pairs, so they lose to the
    real header. For a file of a kind Tidui does not know, the first row of several text
    cells followed by a row at least half as wide is taken instead.
    """
    vocabulary = _vocabulary()
    best = HeaderGuess(0, 0)
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        known = 0
        for cell in row:
            if isinstance(cell, str) and cell.strip():
                normalised = normalise_header(cell)
                if normalised in vocabulary or split_unit(normalised)[0] in vocabulary:
                    known += 1
        if known > best.known:
            best = HeaderGuess(index, known)
    if best.known >= 2:
        return best
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        filled = [cell for cell in row if cell is not None and cell_text(cell).strip()]
        if len(filled) < 2 or not all(_is_texty(cell) for cell in filled):
            continue
        following = rows[index + 1] if index + 1 < len(rows) else []
        if sum(1 for cell in following if cell not in ("", None)) * 2 >= len(filled):
            return HeaderGuess(index, best.known if best.row == index else 0)
    return best


# ---------------------------------------------------------------------------------------
# Store name and period from the preamble, title and file name


_STORE_LABELS = frozenset(
    normalise_header(label)
    for label in (
        "店铺名称",
        "店铺",
        "店铺名",
        "商家名称",
        "商家",
        "店铺账号",
        "账号",
        "账号名称",
        "店名",
    )
)
_PERIOD_LABELS = frozenset(
    normalise_header(label)
    for label in (
        "统计时间", "统计周期", "统计日期", "时间范围", "日期范围", "查询时间", "时间", "日期",
        "统计月份", "数据周期", "时间段",
    )
)  # fmt: skip
_STORE_SUFFIX = re.compile(
    r"(?:旗舰店|专营店|专卖店|企业店|官方店|官方旗舰店|自营店|精品店|直营店|小店|店)$"
)
# Words that end in 店 but name a platform or a generic shop, not a store.
_NOT_STORES = frozenset(
    {"抖店", "小店", "网店", "淘宝店", "天猫店", "京东店", "门店", "本店", "全店", "店", "抖音小店"}
)
_NAME_SPLIT = re.compile(r"[_\s()\[\]【】（）〔〕《》<>+,，、;；|~～]+")
_DATE_IN_TEXT = re.compile(
    r"(?<!\d)(?:\d{4}[-./年]\d{1,2}[-./月]\d{1,2}日?|\d{4}[-./年]\d{1,2}月?|\d{8}|\d{6})(?!\d)"
)


@dataclass(frozen=True)
class Preamble:
    """What the lines above the header say."""

    title: str | None = None
    store_name: str | None = None
    period: Period | None = None
    lines: tuple[tuple[str, str], ...] = ()  # (label, value) pairs as written


def _split_label(text: str) -> tuple[str, str] | None:
    for colon in ("：", ":"):
        if colon in text:
            label, value = text.split(colon, 1)
            if label.strip() and value.strip():
                return label.strip(), value.strip()
    return None


def store_names_in(text: str) -> list[str]:
    """Store-like names ("悦颜美妆旗舰店") among the words of a title or file name."""
    folded = unicodedata.normalize("NFKC", text)
    found: list[str] = []
    for token in _NAME_SPLIT.split(folded):
        token = token.strip("-—·.")
        if (
            len(token) >= 3
            and _STORE_SUFFIX.search(token)
            and token not in _NOT_STORES
            and not any(word in token for word in ("订单", "导出", "数据", "报表", "列表"))
        ):
            found.append(token)
    return found


def read_preamble(rows: Sequence[Sequence[CellValue]]) -> Preamble:
    """Title, store name and period from the rows above the header."""
    title: str | None = None
    store: str | None = None
    period: Period | None = None
    lines: list[tuple[str, str]] = []
    for row in rows:
        cells = [cell_text(c).strip() if not isinstance(c, str) else c.strip() for c in row]
        filled = [c for c in cells if c]
        if not filled:
            continue
        pairs: list[tuple[str, str]] = []
        for position, text in enumerate(cells):
            if not text:
                continue
            split = _split_label(text)
            if split is not None:
                pairs.append(split)
            elif normalise_header(text) in _STORE_LABELS | _PERIOD_LABELS:
                # Label and value in neighbouring cells: | 店铺名称 | 悦颜美妆旗舰店 |
                rest = [c for c in cells[position + 1 :] if c]
                if rest:
                    pairs.append((text, rest[0]))
        if not pairs and title is None and len(filled) == 1:
            title = filled[0]
            continue
        for label, value in pairs:
            lines.append((label, value))
            normalised = normalise_header(label)
            if normalised in _STORE_LABELS and store is None:
                store = value
            elif normalised in _PERIOD_LABELS and period is None:
                period = parse_period(value).value
    if store is None and title:
        names = store_names_in(title)
        store = names[0] if names else None
    return Preamble(title=title, store_name=store, period=period, lines=tuple(lines))


@dataclass(frozen=True)
class FileNameHints:
    """Store names and the period a file name suggests."""

    store_names: tuple[str, ...] = ()
    period: Period | None = None


def file_name_hints(file_name: str) -> FileNameHints:
    """E.g. "【生意参谋平台】店铺整体_日_悦颜美妆旗舰店_2024-01-01_2024-06-30.xls" →
    (悦颜美妆旗舰店, 2024-01-01..2024-06-30); "ExportOrderList202406.csv" → (—, 2024-06)."""
    stem = PurePath(file_name).stem
    folded = unicodedata.normalize("NFKC", stem)
    periods = [
        p for p in (parse_period(m.group(0)).value for m in _DATE_IN_TEXT.finditer(folded)) if p
    ]
    period = Period(min(p.start for p in periods), max(p.end for p in periods)) if periods else None
    return FileNameHints(tuple(dict.fromkeys(store_names_in(stem))), period)


def _fold_name(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def names_in_text(text: str, names: Iterable[str]) -> list[str]:
    """Which of the known ``names`` (stores, live accounts) appear in ``text``, longest first.

    A name contained in a longer name that also appears is dropped: "悦颜美妆旗舰店" in the
    text does not also mean "悦颜美妆".
    """
    folded = _fold_name(text)
    hits = sorted(
        {n for n in names if _fold_name(n) and _fold_name(n) in folded},
        key=lambda n: -len(_fold_name(n)),
    )
    kept: list[str] = []
    for name in hits:
        if not any(_fold_name(name) in _fold_name(longer) for longer in kept):
            kept.append(name)
    return kept


# ---------------------------------------------------------------------------------------
# Everything at once


@dataclass(frozen=True)
class SheetAnalysis:
    """What Tidui guesses about a sheet before the user confirms it."""

    file_name: str
    header: HeaderGuess
    header_cells: tuple[CellValue, ...]
    preamble: Preamble
    file_hints: FileNameHints
    guesses: tuple[KindGuess, ...]
    signature: str = field(default="")

    @property
    def best(self) -> KindGuess | None:
        """The detected kind, or None when nothing fits well enough to pick it alone."""
        if self.guesses and self.guesses[0].confidence >= MIN_CONFIDENCE:
            return self.guesses[0]
        return None

    def guess_for(self, kind_id: str) -> KindGuess:
        for guess in self.guesses:
            if guess.kind == kind_id:
                return guess
        source_kind(kind_id)  # raises the unknown-source error
        raise KeyError(kind_id)  # pragma: no cover - every known kind has a guess

    @property
    def store_candidates(self) -> tuple[str, ...]:
        """Store names found in the preamble, then the title, then the file name."""
        names: list[str] = []
        if self.preamble.store_name:
            names.append(self.preamble.store_name)
        names.extend(self.file_hints.store_names)
        return tuple(dict.fromkeys(names))

    @property
    def period(self) -> Period | None:
        return self.preamble.period or self.file_hints.period

    def mapping(self, kind_id: str | None = None) -> ColumnMapping:
        """The mapping for ``kind_id`` (default: the detected kind), checked for completeness.

        Raises a ``ValidationError`` when no kind is detected, or when the requested kind
        lacks required columns (naming them, and the kind the file looks like instead).
        """
        best = self.best
        if kind_id is None:
            if best is None:
                raise ValidationError(
                    "imports.unknown_kind",
                    file=self.file_name,
                    headers="、".join(
                        h for h in (cell_text(c).strip() for c in self.header_cells) if h
                    )[:200],
                )
            kind_id = best.kind
        mapping = self.guess_for(kind_id).mapping
        if mapping.missing_required and best is not None and best.kind != kind_id:
            expected, detected = source_kind(kind_id), source_kind(best.kind)
            raise ValidationError(
                "imports.wrong_kind",
                file=self.file_name,
                expected=expected.name_zh,
                detected=detected.name_zh,
                detected_id=detected.id,
            )
        mapping.require_complete(self.file_name)
        return mapping


def analyse(
    rows: Sequence[Sequence[CellValue]], file_name: str, header_row: int | None = None
) -> SheetAnalysis:
    """Header row (detected unless given), preamble, file-name hints and kind guesses."""
    header = find_header_row(rows) if header_row is None else HeaderGuess(header_row, 0)
    cells = tuple(rows[header.row]) if header.row < len(rows) else ()
    return SheetAnalysis(
        file_name=file_name,
        header=header,
        header_cells=cells,
        preamble=read_preamble(rows[: header.row]),
        file_hints=file_name_hints(file_name),
        guesses=tuple(detect_kind(cells, header.row)),
        signature=header_signature(cells),
    )
