"""The FactBook: the resolved monthly figures of the stores, who ran which store when, and hand
entries, held in memory as stores × months arrays, and what it answers per employee (the
store-months they ran, their metric series, where each number came from, everybody at once).

fact_loading.load_facts reads a book from the company file; this module never touches the file.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import numpy.typing as npt

from core.domain import metrics as mx
from core.domain import months as mo

# Columns of the store facts and the catalogue metric each one feeds.
STORE_FIELDS: tuple[str, ...] = ("gmv", "visitors", "paid_buyers", "old_buyers")
LIVE_FIELDS: tuple[str, ...] = (
    "live_viewers",
    "live_comments",
    "live_likes",
    "live_buyers",
    "live_gmv",
    "live_sessions",
)
OVERVIEW_SOURCE = "sycm-shop"
MANUAL_SOURCE = "manual"

StoreMonthValues = dict[str, dict[str, float]]  # month -> metric code -> value
Sources = dict[str, dict[str, tuple[int, ...]]]  # month -> metric code -> batch ids


@dataclass(frozen=True)
class SourceRef:
    """Where one number came from: an import batch (file, kind, store) or a hand entry."""

    batch_id: int | None
    file_name: str
    kind: str  # an import source kind of docs/cli.md, or "manual"
    store: str  # the store / live account the figure belongs to ("" for hand-entered values)
    imported_at: datetime | None = None


@dataclass(frozen=True)
class BatchInfo:
    id: int
    file_name: str
    source: str
    created_at: datetime | None


@dataclass(frozen=True)
class StoreInfo:
    id: int
    name: str
    platform: str
    kind: str


@dataclass
class FactBook:
    """The resolved monthly figures of the stores loaded, who ran which store when, and hand entries.

    ``grid[code]`` is stores × ``months`` (rows in ``store_ids`` order, NaN = no figure) after the
    overview-vs-orders precedence; ``periods[employee]`` lists (store, start month, end month or
    None) ownership periods; ``manual[employee][code][month]`` holds hand-entered values.
    ``sources[store][month][code]`` (loaded on request) names the batches behind each figure.
    """

    months: tuple[str, ...] = ()  # consecutive, oldest first
    store_ids: tuple[int, ...] = ()
    grid: dict[str, mx.FloatArray] = field(default_factory=dict)
    periods: dict[int, list[tuple[int, str, str | None]]] = field(default_factory=dict)
    manual: dict[int, dict[str, dict[str, float]]] = field(default_factory=dict)
    sources: dict[int, Sources] = field(default_factory=dict)
    manual_sources: dict[int, dict[str, dict[str, int | None]]] = field(default_factory=dict)
    stores: dict[int, StoreInfo] = field(default_factory=dict)
    batches: dict[int, BatchInfo] = field(default_factory=dict)

    @classmethod
    def from_values(
        cls,
        values: Mapping[int, Mapping[str, Mapping[str, float]]],
        periods: Mapping[int, Sequence[tuple[int, str, str | None]]] | None = None,
        manual: Mapping[int, Mapping[str, Mapping[str, float]]] | None = None,
    ) -> FactBook:
        """A book from plain store -> month -> code -> value figures (tests, demo data)."""
        months = sorted(
            {m for by_month in values.values() for m in by_month}
            | {m for by_code in (manual or {}).values() for v in by_code.values() for m in v}
        )
        axis = tuple(mo.range(months[0], months[-1])) if months else ()
        store_ids = tuple(sorted(values))
        grid = _Grid(store_ids, axis)
        for store_id, by_month in values.items():
            for month, figures in by_month.items():
                for code, value in figures.items():
                    grid.cell(code)[grid.row[store_id], grid.col[month]] = value
        return cls(
            axis,
            store_ids,
            grid.arrays,
            {e: list(p) for e, p in (periods or {}).items()},
            {e: {c: dict(v) for c, v in by_code.items()} for e, by_code in (manual or {}).items()},
        )

    # --- what is in it ----------------------------------------------------------------------

    def months_with_data(self) -> list[str]:
        """Every month some store or hand entry has a figure for, oldest first."""
        found = {self.months[c] for c in np.flatnonzero(self._present().any(axis=0))}
        for by_code in self.manual.values():
            for by_month in by_code.values():
                found.update(by_month)
        return sorted(found)

    def _present(self) -> npt.NDArray[np.bool_]:
        """stores × months: True where the store has any figure that month."""
        present = np.zeros((len(self.store_ids), len(self.months)), dtype=bool)
        for values in self.grid.values():
            present |= ~np.isnan(values)
        return present

    def _columns(self, start: str, end: str | None) -> range:
        """The axis columns of an ownership period (both ends inclusive)."""
        if not self.months:
            return range(0)
        first = _month_number(self.months[0])
        lo = max(_month_number(start) - first, 0)
        hi = (
            len(self.months) - 1
            if end is None
            else min(_month_number(end) - first, len(self.months) - 1)
        )
        return range(lo, hi + 1)

    def _index(self) -> tuple[dict[int, int], dict[str, int], npt.NDArray[np.bool_]]:
        """Row of each store, column of each month and ``_present()``, computed once per book.

        Asked for once per employee (a list of 1,000 people asks 1,000 times), so kept; a book
        whose axes or grid arrays are replaced computes them again.
        """
        key = (self.store_ids, self.months, tuple((c, id(v)) for c, v in self.grid.items()))
        cached = self.__dict__.get("_indexed")
        if cached is None or cached[0] != key:
            row = {s: i for i, s in enumerate(self.store_ids)}
            col = {m: i for i, m in enumerate(self.months)}
            cached = (key, row, col, self._present())
            self.__dict__["_indexed"] = cached
        return cached[1], cached[2], cached[3]

    def owned_months(self, employee_id: int) -> dict[int, list[str]]:
        """store -> the months (with data) ``employee_id`` ran it, each month once, oldest first."""
        row, _col, present = self._index()
        owned: dict[int, npt.NDArray[np.bool_]] = {}
        for store_id, start, end in self.periods.get(employee_id, ()):
            r = row.get(store_id)
            if r is None:
                continue
            columns = self._columns(start, end)
            if not len(columns):
                continue
            mask = owned.get(store_id)
            if mask is None:
                mask = owned[store_id] = np.zeros(len(self.months), dtype=bool)
            mask[columns.start : columns.stop] |= present[r, columns.start : columns.stop]
        return {
            store_id: [self.months[c] for c in np.flatnonzero(owned[store_id])]
            for store_id in sorted(owned)
            if owned[store_id].any()
        }

    def store_facts(self, employee_id: int) -> list[StoreMonthValues]:
        """Per store (by id), only the months this employee ran it: what employee_series takes."""
        row, col, _present = self._index()
        result: list[StoreMonthValues] = []
        for store_id, months in self.owned_months(employee_id).items():
            r = row[store_id]
            columns = [col[m] for m in months]
            values = {code: grid[r, columns].tolist() for code, grid in self.grid.items()}
            by_month: StoreMonthValues = {}
            for i, month in enumerate(months):
                # v == v: not NaN
                by_month[month] = {code: v[i] for code, v in values.items() if v[i] == v[i]}
            result.append(by_month)
        return result

    def series(self, employee_id: int, custom: Mapping[str, mx.Metric] | None = None) -> mx.Series:
        """Every metric of one employee month by month (derived rates and growth included)."""
        return mx.employee_series(
            self.store_facts(employee_id), self.manual.get(employee_id, {}), custom
        )

    def sources_of(self, employee_id: int) -> dict[str, dict[str, tuple[SourceRef, ...]]]:
        """metric code -> month -> where its value came from (derived metrics: their inputs)."""
        raw: dict[str, dict[str, set[tuple[int | None, int | None]]]] = defaultdict(
            lambda: defaultdict(set)
        )
        for store_id, months in self.owned_months(employee_id).items():
            by_month = self.sources.get(store_id, {})
            for month in months:
                for code, batch_ids in by_month.get(month, {}).items():
                    raw[code][month].update((b, store_id) for b in batch_ids)
        for code, by_month_manual in self.manual_sources.get(employee_id, {}).items():
            for month, batch_id in by_month_manual.items():
                raw[code][month].add((batch_id, None))
        for code, (numerators, denominator) in mx.RATIOS.items():
            for part in (*numerators, denominator):
                for month, refs in list(raw.get(part, {}).items()):
                    raw[code][month].update(refs)
        for code, base in mx.GROWTHS.items():
            for month, refs in list(raw.get(base, {}).items()):
                raw[code][month].update(refs)
                raw[code][mo.add(month, 1)].update(refs)
        return {
            code: {month: self._refs(refs) for month, refs in by_month.items()}
            for code, by_month in raw.items()
        }

    def _refs(self, pairs: Iterable[tuple[int | None, int | None]]) -> tuple[SourceRef, ...]:
        found: list[SourceRef] = []
        for batch_id, store_id in sorted(pairs, key=lambda p: (p[0] or 0, p[1] or 0)):
            batch = self.batches.get(batch_id) if batch_id is not None else None
            store = self.stores.get(store_id) if store_id is not None else None
            found.append(
                SourceRef(
                    batch_id,
                    batch.file_name if batch else "",
                    batch.source if batch else MANUAL_SOURCE,
                    store.name if store else "",
                    batch.created_at if batch else None,
                )
            )
        return tuple(found)

    # --- everybody at once, for the batch evaluator -------------------------------------------

    def arrays(
        self, employee_ids: Sequence[int], custom: Mapping[str, mx.Metric] | None = None
    ) -> dict[str, mx.FloatArray]:
        """Every metric as employees × ``months`` arrays (NaN = no data), rows in ``employee_ids`` order.

        Ownership entries are listed store by store, so each cell is summed in the very order
        FactBook.series sums it (the batch and the one-by-one verdicts then agree to the bit).
        """
        width = len(self.months)
        n = len(employee_ids)
        row = {s: i for i, s in enumerate(self.store_ids)}
        chunks: list[npt.NDArray[np.int64]] = []
        for e, employee_id in enumerate(employee_ids):
            for store_id, start, end in self.periods.get(employee_id, ()):
                r = row.get(store_id)
                columns = self._columns(start, end)
                if r is None or not columns:
                    continue
                cells = np.arange(columns.start, columns.stop, dtype=np.int64)
                chunks.append((r * n + e) * width + cells)
        # one entry per (store, employee, month), sorted store by store
        keys = np.unique(np.concatenate(chunks)) if chunks else np.zeros(0, dtype=np.int64)
        owner_store, rest = np.divmod(keys, n * width) if width and n else (keys, keys)
        owner_employee, owner_month = np.divmod(rest, width) if width else (rest, rest)
        manual: dict[str, mx.FloatArray] = {}
        col = {m: i for i, m in enumerate(self.months)}
        for e, employee_id in enumerate(employee_ids):
            for code, by_month in self.manual.get(employee_id, {}).items():
                target = manual.get(code)
                if target is None:
                    target = manual[code] = np.full((n, width), np.nan)
                for month, value in by_month.items():
                    c = col.get(month)
                    if c is not None:
                        target[e, c] = value
        if not self.grid and not manual:
            return {}
        store_values = self.grid or {"gmv": np.full((len(self.store_ids), width), np.nan)}
        return mx.employee_arrays(
            store_values,
            owner_employee.astype(np.int64),
            owner_store.astype(np.int64),
            owner_month.astype(np.int64),
            n,
            manual,
            custom,
        )


# --- helpers the book shares with fact_loading (private to this package) ----------------------


@functools.lru_cache(maxsize=4096)
def _month_number(month: str) -> int:
    """months.index, remembered: a thousand ownership periods share a few dozen months."""
    return mo.index(month)


class _Grid:
    """stores × months arrays being filled source by source; a filled cell is never overwritten."""

    def __init__(self, store_ids: Sequence[int], months: Sequence[str]) -> None:
        self.row = {s: i for i, s in enumerate(store_ids)}
        self.col = {m: i for i, m in enumerate(months)}
        self.shape = (len(store_ids), len(months))
        self.arrays: dict[str, mx.FloatArray] = {}
        self.sources: dict[int, Sources] | None = None
        self.store_ids = tuple(store_ids)
        self.months = tuple(months)

    def cell(self, code: str) -> mx.FloatArray:
        found = self.arrays.get(code)
        if found is None:
            found = self.arrays[code] = np.full(self.shape, np.nan)
        return found

    def index(
        self, stores: Sequence[int], months: Sequence[str]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        return (
            np.fromiter((self.row[s] for s in stores), dtype=np.int64, count=len(stores)),
            np.fromiter((self.col[m] for m in months), dtype=np.int64, count=len(months)),
        )

    def fill(
        self,
        code: str,
        rows: npt.NDArray[np.int64],
        cols: npt.NDArray[np.int64],
        values: Sequence[object] | mx.FloatArray,
        batches: Sequence[tuple[int, ...]] | None = None,
    ) -> None:
        """Give ``code`` its value in each (row, col) that has none yet (one entry per cell)."""
        if len(rows) == 0:
            return
        numbers = np.asarray(values, dtype=np.float64)
        target = self.cell(code)
        take = np.isnan(target[rows, cols]) & ~np.isnan(numbers)
        target[rows[take], cols[take]] = numbers[take]
        if self.sources is not None and batches is not None:
            for i in np.flatnonzero(take).tolist():
                store, month = self.store_ids[rows[i]], self.months[cols[i]]
                by_code = self.sources.setdefault(store, {}).setdefault(month, {})
                by_code[code] = tuple(sorted(set(batches[i])))


def _latest_per_key(
    keys: npt.NDArray[np.int64], batches: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Indices of the rows kept when, per key, the row of the latest batch wins."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((batches, keys))
    sorted_keys = keys[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = sorted_keys[1:] != sorted_keys[:-1]
    return order[last]
