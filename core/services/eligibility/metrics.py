"""Monthly metric series per employee, loaded from the imported facts through who ran which store when.

The rule semantics live in core/domain (metrics.employee_series / employee_arrays); this module
only reads the company file and lays the facts out for them:

* a store-month's figures come from the shop overview (生意参谋 "sycm-shop": a monthly row, or
  the sum of its daily rows) where one exists; figures the overview lacks are filled in from the
  store's orders (counted orders only: GMV = Σ amount, paid buyers = distinct buyers);
* a live account's month is the sum of its live sessions; 抖店 orders attributed to the account
  fill in its live GMV where no session data exists;
* rows replaced by a later import (``superseded_by``) and rows of undone batches are ignored;
  of two overview rows for the same store-month the later import wins;
* an employee's month is made of the stores they ran that month (StoreOwnership, both ends
  inclusive); a store run by two people counts fully for each;
* every number keeps the batches it came from, so the KPI tab can say where it was imported.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select, distinct, func, or_, select
from sqlalchemy.orm import Session

from core.domain import explain as ex
from core.domain import metrics as mx
from core.domain import months as mo
from core.i18n import Message
from core.model import (
    ImportBatch,
    LiveSessionFact,
    ManualMetricValue,
    OrderFact,
    Store,
    StoreDayFact,
    StoreMonthFact,
    StoreOwnership,
)
from core.permissions import Perm, require
from core.services.archive.employees import ensure_visible
from core.services.ladder.saving import custom_metrics
from core.session import AppSession

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

_Query = TypeVar("_Query", bound=Select)
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


# --- loading ----------------------------------------------------------------------------------


def _undone_batches(session: Session) -> set[int]:
    return set(session.scalars(select(ImportBatch.id).where(ImportBatch.undone_at.is_not(None))))


class _Scope:
    """What load_facts reads: whose hand entries, which stores and months, which batches count."""

    def __init__(
        self,
        employees: set[int] | None,
        stores: set[int] | None,
        months: tuple[str, str] | None,
        undone: set[int],
    ) -> None:
        self.employees = employees  # None: everybody
        self.stores = stores  # None: every store
        self.months = months  # (first, last); None: every month
        self.undone = undone
        self.counted_orders = (
            OrderFact.counted.is_(True),
            OrderFact.superseded_by.is_(None),
            OrderFact.batch_id.not_in(undone) if undone else OrderFact.batch_id.is_not(None),
        )

    def restrict(self, query: _Query, store_column: Any, month_column: Any) -> _Query:
        if self.stores is not None:
            query = query.where(store_column.in_(self.stores))
        if self.months is not None:
            query = query.where(month_column >= self.months[0], month_column <= self.months[1])
        return query

    def usable(self, batch_id: int | None) -> bool:
        return batch_id is None or batch_id not in self.undone


def load_facts(
    session: Session,
    employee_ids: Iterable[int] | None = None,
    *,
    months: tuple[str, str] | None = None,
    with_sources: bool = False,
) -> FactBook:
    """Read facts, ownership periods and hand entries (of ``employee_ids`` only, if given).

    ``months`` (first, last) limits the facts read to what the rules will look at; the list of
    1,000 people then reads a few months instead of years. Queries go through the connection
    (plain rows, no ORM bookkeeping): this is the eligibility list's hot path.
    """
    wanted = None if employee_ids is None else set(employee_ids)
    conn = session.connection()
    book = FactBook()
    book.periods = _ownership_periods(conn, wanted)
    scope = _Scope(
        wanted,
        None if wanted is None else {s for ps in book.periods.values() for s, _, _ in ps},
        months,
        _undone_batches(session),
    )
    month_rows = _store_month_rows(conn, scope)
    day_rows = _store_day_rows(conn, scope)
    order_rows = _order_totals(conn, scope.restrict, scope.counted_orders)
    live_rows = _live_session_rows(conn, scope)
    live_order_rows = _live_order_rows(conn, scope, order_rows)
    _load_manual(conn, scope, book, with_sources)

    grid = _fact_grid((month_rows, day_rows, order_rows, live_rows), live_order_rows, book.manual)
    if with_sources:
        grid.sources = book.sources
    width = max(len(grid.months), 1)
    derived_rows = _fill_overviews(grid, month_rows, day_rows, width)
    _fill_orders(conn, scope, grid, order_rows, derived_rows, width)
    _fill_live_sessions(grid, live_rows, width)
    _fill_live_orders(conn, scope, grid, live_order_rows)

    book.months, book.store_ids, book.grid = grid.months, grid.store_ids, grid.arrays
    if with_sources:
        _describe_sources(session, book)
    return book


# --- loading: the queries ---------------------------------------------------------------------


def _ownership_periods(
    conn: Any, wanted: set[int] | None
) -> dict[int, list[tuple[int, str, str | None]]]:
    """employee -> (store, start month, end month or None) of every store they ran."""
    query = select(
        StoreOwnership.employee_id,
        StoreOwnership.store_id,
        StoreOwnership.start_month,
        StoreOwnership.end_month,
    )
    if wanted is not None:
        query = query.where(StoreOwnership.employee_id.in_(wanted))
    periods: dict[int, list[tuple[int, str, str | None]]] = {}
    for employee_id, store_id, start, end in conn.execute(query):
        periods.setdefault(employee_id, []).append((store_id, start, end))
    return periods


def _store_month_rows(conn: Any, scope: _Scope) -> list[Any]:
    """(store, month, source, batch, gmv, visitors, paid buyers, old buyers) of monthly rows."""
    query = select(
        StoreMonthFact.store_id,
        StoreMonthFact.month,
        StoreMonthFact.source,
        StoreMonthFact.batch_id,
        StoreMonthFact.gmv,
        StoreMonthFact.visitors,
        StoreMonthFact.paid_buyers,
        StoreMonthFact.old_buyers,
    ).where(StoreMonthFact.superseded_by.is_(None))
    rows = conn.execute(scope.restrict(query, StoreMonthFact.store_id, StoreMonthFact.month))
    return [r for r in rows.all() if scope.usable(r[3])]


def _store_day_rows(conn: Any, scope: _Scope) -> list[Any]:
    """(store, month, day, batch, gmv, visitors, paid buyers, old buyers) of daily overviews."""
    query = select(
        StoreDayFact.store_id,
        StoreDayFact.month,
        StoreDayFact.day,
        StoreDayFact.batch_id,
        StoreDayFact.gmv,
        StoreDayFact.visitors,
        StoreDayFact.paid_buyers,
        StoreDayFact.old_buyers,
    ).where(StoreDayFact.superseded_by.is_(None))
    rows = conn.execute(scope.restrict(query, StoreDayFact.store_id, StoreDayFact.month))
    return [r for r in rows.all() if scope.usable(r[3])]


def _live_session_rows(conn: Any, scope: _Scope) -> list[Any]:
    """(account, month, batch, Σ viewers, comments, likes, buyers, GMV in fen, sessions)."""
    query = (
        select(
            LiveSessionFact.store_id,
            LiveSessionFact.month,
            LiveSessionFact.batch_id,
            func.sum(LiveSessionFact.viewers),
            func.sum(LiveSessionFact.comments),
            func.sum(LiveSessionFact.likes),
            func.sum(LiveSessionFact.buyers),
            _fen_sum(LiveSessionFact.gmv),
            func.count(LiveSessionFact.id),
        )
        .where(LiveSessionFact.superseded_by.is_(None))
        .group_by(LiveSessionFact.store_id, LiveSessionFact.month, LiveSessionFact.batch_id)
    )
    rows = conn.execute(scope.restrict(query, LiveSessionFact.store_id, LiveSessionFact.month))
    return [r for r in rows.all() if scope.usable(r[2])]


def _live_order_rows(conn: Any, scope: _Scope, order_rows: Sequence[Any]) -> list[Any]:
    """(live account, month, GMV in fen) of the counted orders attributed to a live account."""
    # Without a store filter the order rows are every order this query could find: when none
    # came through a live account (淘宝 orders never do), this query, a scan of every order of
    # the months, is known to find nothing.
    if scope.stores is None and not any(r[4] for r in order_rows):
        return []
    query = (
        select(OrderFact.live_account_id, OrderFact.month, _fen_sum(OrderFact.amount))
        .where(OrderFact.live_account_id.is_not(None), *scope.counted_orders)
        .group_by(OrderFact.live_account_id, OrderFact.month)
    )
    rows = conn.execute(scope.restrict(query, OrderFact.live_account_id, OrderFact.month))
    return list(rows.all())


def _load_manual(conn: Any, scope: _Scope, book: FactBook, with_sources: bool) -> None:
    """Hand entries into ``book.manual`` (and their batches into ``book.manual_sources``)."""
    query = select(
        ManualMetricValue.employee_id,
        ManualMetricValue.metric,
        ManualMetricValue.month,
        ManualMetricValue.value,
        ManualMetricValue.batch_id,
    ).order_by(ManualMetricValue.id)
    if scope.employees is not None:
        query = query.where(ManualMetricValue.employee_id.in_(scope.employees))
    if scope.months is not None:
        query = query.where(
            ManualMetricValue.month >= scope.months[0], ManualMetricValue.month <= scope.months[1]
        )
    for employee_id, code, month, value, manual_batch in conn.execute(query):
        if not scope.usable(manual_batch):
            continue
        # the latest entry of a month wins
        book.manual.setdefault(employee_id, {}).setdefault(code, {})[month] = float(value)
        if with_sources:
            book.manual_sources.setdefault(employee_id, {}).setdefault(code, {})[month] = (
                manual_batch
            )


# --- loading: laying the rows out -------------------------------------------------------------


def _fact_grid(
    fact_rows: Iterable[Sequence[Any]],
    live_order_rows: Sequence[Any],
    manual: Mapping[int, Mapping[str, Mapping[str, float]]],
) -> _Grid:
    """The empty grid whose axes hold every month and store any fact row mentions."""
    all_months: set[str] = set()
    all_stores: set[int] = set()
    for rows in fact_rows:
        all_months.update(r[1] for r in rows)
        all_stores.update(r[0] for r in rows)
    all_months.update(r[1] for r in live_order_rows if r[0] is not None)
    for by_code in manual.values():
        for by_month in by_code.values():
            all_months.update(by_month)
    all_stores.update(r[0] for r in live_order_rows if r[0] is not None)
    axis = tuple(mo.range(min(all_months), max(all_months))) if all_months else ()
    return _Grid(sorted(all_stores), axis)


def _fill_overviews(
    grid: _Grid, month_rows: Sequence[Any], day_rows: Sequence[Any], width: int
) -> list[Any]:
    """1. shop overviews: a monthly row (the latest import of it) wins over daily rows.

    Returns the monthly rows of other sources (derived from orders), filled in later.
    """
    overview_cells: set[tuple[int, str]] = set()
    derived_rows = []
    overview_rows = []
    for r in month_rows:
        if r[2] == OVERVIEW_SOURCE:
            overview_rows.append(r)
            overview_cells.add((r[0], r[1]))
        else:
            derived_rows.append(r)
    _fill_latest(grid, overview_rows, width)
    days = [r for r in day_rows if (r[0], r[1]) not in overview_cells]
    if days:
        rows_i, cols_i = grid.index([r[0] for r in days], [r[1] for r in days])
        day_numbers = np.fromiter((r[2].toordinal() for r in days), dtype=np.int64)
        day_batches = np.fromiter((r[3] for r in days), dtype=np.int64)
        # per store and day, the latest import of it
        kept = _latest_per_key(rows_i * 10_000_000 + day_numbers, day_batches)
        _fill_sums(
            grid,
            STORE_FIELDS,
            rows_i[kept] * width + cols_i[kept],
            lambda f: np.array([days[k][4 + f] for k in kept], dtype=np.float64),
            lambda k: int(day_batches[kept[k]]),
            width,
        )
    return derived_rows


def _fill_sums(
    grid: _Grid,
    codes: Sequence[str],
    cells: npt.NDArray[np.int64],
    column: Callable[[int], mx.FloatArray],
    batch_of: Callable[[int], int],
    width: int,
) -> None:
    """Each of ``codes`` summed per cell (row × width + col) over the rows in that cell.

    ``cells[k]`` is row k's cell, ``column(f)`` the figures of ``codes[f]`` row by row (NaN: none)
    and ``batch_of(k)`` row k's batch (asked only when the grid keeps sources).
    """
    unique_cells, inverse = np.unique(cells, return_inverse=True)
    batches_by_cell: list[tuple[int, ...]] | None = None
    if grid.sources is not None:
        collected: list[set[int]] = [set() for _ in unique_cells]
        for k, i in enumerate(inverse):
            collected[i].add(batch_of(k))
        batches_by_cell = [tuple(sorted(b)) for b in collected]
    for f, code in enumerate(codes):
        raw = column(f)
        has = ~np.isnan(raw)
        total = _exact_total(code, inverse, raw, has, len(unique_cells))
        seen = np.bincount(inverse, has, len(unique_cells)) > 0
        grid.fill(
            code,
            unique_cells // width,
            unique_cells % width,
            np.where(seen, total, np.nan),
            batches_by_cell,
        )


def _fill_orders(
    conn: Any,
    scope: _Scope,
    grid: _Grid,
    order_rows: Sequence[Any],
    derived_rows: Sequence[Any],
    width: int,
) -> None:
    """2. orders fill in what no overview gives (GMV, paid buyers); then order-derived month rows."""
    order_cells: set[tuple[int, str]] = set()
    if order_rows:
        rows_i, cols_i = grid.index([r[0] for r in order_rows], [r[1] for r in order_rows])
        order_batches = (
            _order_batches(conn, scope.restrict, scope.counted_orders, OrderFact.store_id)
            if grid.sources is not None
            else {}
        )
        batches_of = [order_batches.get((r[0], r[1]), ()) for r in order_rows]
        # Where the orders give the buyers, they give the returning buyers too (repurchase);
        # an overview's own figures are never mixed with them.
        buyers_from_orders = np.isnan(grid.cell("paid_buyers")[rows_i, cols_i]) & np.isnan(
            grid.cell("old_buyers")[rows_i, cols_i]
        )
        grid.fill("gmv", rows_i, cols_i, [r[2] / mx.FEN for r in order_rows], batches_of)
        grid.fill("paid_buyers", rows_i, cols_i, [r[3] or None for r in order_rows], batches_of)
        wanted_cells = [
            (r[0], r[1]) for r, take in zip(order_rows, buyers_from_orders, strict=True) if take
        ]
        if wanted_cells:
            _fill_returning_buyers(conn, scope, grid, wanted_cells, order_batches)
        order_cells = {(r[0], r[1]) for r in order_rows}
    _fill_latest(grid, [r for r in derived_rows if (r[0], r[1]) not in order_cells], width)


def _fill_returning_buyers(
    conn: Any,
    scope: _Scope,
    grid: _Grid,
    cells: Sequence[tuple[int, str]],
    order_batches: Mapping[tuple[int, str], tuple[int, ...]],
) -> None:
    """old_buyers of the (store, month) ``cells`` counted from the orders' buyer pseudonyms."""
    returning = _returning_buyers(conn, scope.counted_orders, cells)
    if not returning:
        return
    found_cells = list(returning)
    r_i, c_i = grid.index([c[0] for c in found_cells], [c[1] for c in found_cells])
    grid.fill(
        "old_buyers",
        r_i,
        c_i,
        [returning[c] for c in found_cells],
        [order_batches.get(c, ()) for c in found_cells],
    )


def _fill_live_sessions(grid: _Grid, live_rows: Sequence[Any], width: int) -> None:
    """3. live accounts: the sums of their sessions, month by month."""
    if not live_rows:
        return

    def column(f: int) -> mx.FloatArray:
        raw = np.array([r[3 + f] for r in live_rows], dtype=np.float64)
        if LIVE_FIELDS[f] == "live_gmv":  # summed in fen by the query
            raw = raw / mx.FEN
        return raw

    rows_i, cols_i = grid.index([r[0] for r in live_rows], [r[1] for r in live_rows])
    _fill_sums(
        grid,
        LIVE_FIELDS,
        rows_i * width + cols_i,
        column,
        lambda k: int(live_rows[k][2]),
        width,
    )


def _fill_live_orders(
    conn: Any, scope: _Scope, grid: _Grid, live_order_rows: Sequence[Any]
) -> None:
    """3. then 抖店 orders attributed to a live account give its live GMV where sessions do not."""
    live_orders: list[tuple[int, str, float]] = [
        (r[0], r[1], r[2]) for r in live_order_rows if r[0] is not None
    ]
    if not live_orders:
        return
    rows_i, cols_i = grid.index([r[0] for r in live_orders], [r[1] for r in live_orders])
    account_batches = (
        _order_batches(
            conn,
            scope.restrict,
            (OrderFact.live_account_id.is_not(None), *scope.counted_orders),
            OrderFact.live_account_id,
        )
        if grid.sources is not None
        else {}
    )
    grid.fill(
        "live_gmv",
        rows_i,
        cols_i,
        [r[2] / mx.FEN for r in live_orders],
        [account_batches.get((r[0], r[1]), ()) for r in live_orders],
    )


def _fen_sum(column: Any) -> Any:
    """SUM of a money column in whole fen: exact, whatever the number or order of the rows."""
    return func.sum(func.round(column * mx.FEN))


def _exact_total(
    code: str,
    inverse: npt.NDArray[np.int64],
    raw: mx.FloatArray,
    has: npt.NDArray[np.bool_],
    cells: int,
) -> mx.FloatArray:
    """Per cell, the sum of ``raw`` where ``has``; money is added in whole fen, so exactly."""
    if mx.is_money(code):
        fen = np.bincount(inverse, np.where(has, np.rint(raw * mx.FEN), 0.0), cells)
        return np.asarray(fen / mx.FEN, dtype=np.float64)
    return np.asarray(np.bincount(inverse, np.where(has, raw, 0.0), cells), dtype=np.float64)


# Between buyer keys when SQLite hands a store-month's keys over as one text; a key holding it
# is noticed (more pieces than keys) and then counted by SQLite itself.
_KEY_SEPARATOR = ","


def _order_totals(
    conn: Any, restrict: Callable[..., Any], counted_orders: tuple[Any, ...]
) -> list[tuple[Any, ...]]:
    """(store, month, GMV, distinct buyers, orders through a live account) per store-month.

    SQLite counts distinct values by building an index of them, which takes twice as long as
    the rest of the query for a month of 100,000 orders; it hands over the keys as one text
    instead, and a Python set counts them (same groups, same scan, so the same sums).
    """

    def grouped(*extra: Any) -> Any:
        return restrict(
            select(OrderFact.store_id, OrderFact.month, _fen_sum(OrderFact.amount), *extra)
            .where(*counted_orders)
            .group_by(OrderFact.store_id, OrderFact.month),
            OrderFact.store_id,
            OrderFact.month,
        )

    live = func.count(OrderFact.live_account_id)
    if conn.dialect.name == "sqlite":
        found: list[tuple[Any, ...]] = []
        result = conn.execute(
            grouped(
                func.group_concat(OrderFact.buyer_key, _KEY_SEPARATOR),
                func.count(OrderFact.buyer_key),
                live,
            )
        )
        for store_id, month, gmv, keys, key_count, live_count in result:
            buyers = keys.split(_KEY_SEPARATOR) if keys is not None else []
            if len(buyers) != key_count:
                result.close()
                break
            found.append((store_id, month, gmv, len(set(buyers)), live_count))
        else:
            return found
    return [
        tuple(r) for r in conn.execute(grouped(func.count(distinct(OrderFact.buyer_key)), live))
    ]


def _fill_latest(grid: _Grid, rows: Sequence[Any], width: int) -> None:
    """Store-month rows (store, month, source, batch, gmv, visitors, buyers, old): latest batch wins."""
    if not rows:
        return
    rows_i, cols_i = grid.index([r[0] for r in rows], [r[1] for r in rows])
    batches = np.fromiter((r[3] for r in rows), dtype=np.int64, count=len(rows))
    kept = _latest_per_key(rows_i * width + cols_i, batches)
    batch_of = [(b,) for b in batches[kept].tolist()] if grid.sources is not None else None
    kept_rows = [rows[k] for k in kept.tolist()]
    columns = list(zip(*kept_rows, strict=True))
    for f, code in enumerate(STORE_FIELDS):
        grid.fill(
            code,
            rows_i[kept],
            cols_i[kept],
            np.array(columns[4 + f], dtype=np.float64),
            batch_of,
        )


# A buyer of a month is a returning buyer (老买家) when they had a counted order in the same store
# within the twelve months before, as 生意参谋 counts them (365 days, here by month).
RETURNING_LOOKBACK = 12


def _returning_buyers(
    conn: Any, counted_orders: tuple[Any, ...], cells: Sequence[tuple[int, str]]
) -> dict[tuple[int, str], int]:
    """Returning buyers per (store, month) of ``cells``, from the buyer pseudonyms of the orders.

    Only months whose store has orders in the lookback window get a figure: with no earlier
    orders imported, nobody can be told apart as new or returning (not zero, unknown).
    """
    wanted: dict[int, set[str]] = defaultdict(set)
    for store_id, month in cells:
        wanted[store_id].add(month)
    found: dict[tuple[int, str], int] = {}
    for store_id, months_wanted in wanted.items():
        by_month = _buyers_by_month(
            conn,
            counted_orders,
            store_id,
            mo.add(min(months_wanted), -RETURNING_LOOKBACK),
            max(months_wanted),
        )
        last_seen: dict[str, int] = {}
        for month in sorted(by_month):
            number = _month_number(month)
            buyers = by_month[month]
            if month in months_wanted and any(
                mo.add(month, -k) in by_month for k in range(1, RETURNING_LOOKBACK + 1)
            ):
                since = number - RETURNING_LOOKBACK
                found[(store_id, month)] = sum(
                    1 for b in buyers if last_seen.get(b, since - 1) >= since
                )
            last_seen.update(dict.fromkeys(buyers, number))
    return found


def _buyers_by_month(
    conn: Any, counted_orders: tuple[Any, ...], store_id: int, first: str, last: str
) -> dict[str, set[str]]:
    """The distinct buyer pseudonyms of a store's counted orders, month by month.

    SQLite hands each month's keys over as one text (split in C, not row by row); a key holding
    the separator is noticed (more pieces than keys) and the month is read row by row instead.
    """
    in_store = (
        OrderFact.store_id == store_id,
        OrderFact.month >= first,
        OrderFact.month <= last,
        OrderFact.buyer_key.is_not(None),
        *counted_orders,
    )
    found: dict[str, set[str]] = {}
    for month, keys, count in conn.execute(
        select(
            OrderFact.month,
            func.group_concat(OrderFact.buyer_key, _KEY_SEPARATOR),
            func.count(OrderFact.buyer_key),
        )
        .where(*in_store)
        .group_by(OrderFact.month)
    ):
        pieces = keys.split(_KEY_SEPARATOR) if keys is not None else []
        if len(pieces) == count:
            found[month] = set(pieces)
        else:
            found[month] = set(
                conn.execute(
                    select(OrderFact.buyer_key).where(*in_store, OrderFact.month == month)
                ).scalars()
            )
    return found


def _order_batches(
    conn: Any, restrict: Any, conditions: tuple[Any, ...], store_column: Any
) -> dict[tuple[int, str], tuple[int, ...]]:
    found: dict[tuple[int, str], set[int]] = defaultdict(set)
    for store_id, month, batch_id in conn.execute(
        restrict(
            select(store_column, OrderFact.month, OrderFact.batch_id).where(*conditions).distinct(),
            store_column,
            OrderFact.month,
        )
    ):
        found[(store_id, month)].add(batch_id)
    return {key: tuple(sorted(b)) for key, b in found.items()}


def _describe_sources(session: Session, book: FactBook) -> None:
    """Names of the batches and stores the KPI tab's tooltips mention."""
    used = {
        b
        for by_month in book.sources.values()
        for by_code in by_month.values()
        for batch_ids in by_code.values()
        for b in batch_ids
    }
    used |= {
        b
        for by_code in book.manual_sources.values()
        for by_month_ids in by_code.values()
        for b in by_month_ids.values()
        if b is not None
    }
    if used:
        for batch_id, file_name, source, created in session.execute(
            select(
                ImportBatch.id, ImportBatch.file_name, ImportBatch.source, ImportBatch.created_at
            ).where(ImportBatch.id.in_(used))
        ):
            book.batches[batch_id] = BatchInfo(batch_id, file_name, source, created)
    store_ids = set(book.store_ids) | {s for ps in book.periods.values() for s, _, _ in ps}
    if store_ids:
        for store_id, name, platform, kind in session.execute(
            select(Store.id, Store.name, Store.platform, Store.kind).where(Store.id.in_(store_ids))
        ):
            book.stores[store_id] = StoreInfo(store_id, name, platform, kind)


# Sources whose rows are dated within the month (daily overviews, orders): a month of theirs
# counts only once its rows reach the last week (months.COMPLETE_FROM_DAY).
_DATED_SOURCES = ("sycm-shop", "taobao-orders", "douyin-orders")


def latest_data_month(session: Session) -> str | None:
    """The newest month with (nearly) complete imported or hand-entered metric figures.

    Called whenever the 达标名单 or a KPI tab opens: the small tables (monthly overviews, live
    sessions, hand entries) are read whole; daily rows and orders, millions of them after a few
    years, are only looked up month by month, newest first, through the store/month indexes.
    """
    found: list[str] = []
    for column, superseded in (
        (StoreMonthFact.month, StoreMonthFact.superseded_by),
        (LiveSessionFact.month, LiveSessionFact.superseded_by),
    ):
        value = session.scalar(select(func.max(column)).where(superseded.is_(None)))
        if value:
            found.append(value)
    manual = session.scalar(select(func.max(ManualMetricValue.month)))
    if manual:
        found.append(manual)
    floor = max(found, default="")
    candidates = {
        month
        for months in session.scalars(
            select(ImportBatch.months).where(
                ImportBatch.undone_at.is_(None), ImportBatch.source.in_(_DATED_SOURCES)
            )
        )
        for month in months or ()
        if isinstance(month, str) and month > floor
    }
    if candidates:
        store_ids = list(session.scalars(select(Store.id)))
        for month in sorted(candidates, reverse=True):
            if _reaches_last_week(session, store_ids, month):
                return month
    return floor or None


def _reaches_last_week(session: Session, store_ids: list[int], month: str) -> bool:
    """Whether daily rows or counted orders of ``month`` reach its last week (indexed look-ups)."""
    first, last = mo.first_day(month), mo.last_day(month)
    late = first.replace(day=mo.COMPLETE_FROM_DAY)
    day_row = session.scalar(
        select(StoreDayFact.id)
        .where(
            StoreDayFact.store_id.in_(store_ids),
            StoreDayFact.day >= late,
            StoreDayFact.day <= last,
            StoreDayFact.superseded_by.is_(None),
        )
        .limit(1)
    )
    if day_row is not None:
        return True
    order = session.scalar(
        select(OrderFact.id)
        .where(
            OrderFact.store_id.in_(store_ids),
            OrderFact.month == month,
            OrderFact.superseded_by.is_(None),
            OrderFact.counted.is_(True),
            or_(
                OrderFact.paid_at.is_(None),
                OrderFact.paid_at >= datetime(late.year, late.month, late.day),
            ),
        )
        .limit(1)
    )
    return order is not None


def default_as_of(latest: str | None, today: date | None = None) -> str:
    """The last complete month with data: never the month still running, never after the data."""
    complete = mo.last_complete_before(today or date.today())
    if latest is None or not mo.is_month(latest):
        return complete
    return min(latest, complete)


# --- one employee's KPI tab -------------------------------------------------------------------


@dataclass(frozen=True)
class MetricSeries:
    """One metric of one employee: value and sources per month (months without data are absent)."""

    metric: mx.Metric
    values: dict[str, float]
    sources: dict[str, tuple[SourceRef, ...]]


@dataclass(frozen=True)
class EmployeeKpi:
    employee_id: int
    months: tuple[str, ...]  # consecutive, oldest first, covering every month with data
    metrics: tuple[MetricSeries, ...]  # catalogue order, then the owner's metrics
    # the company's newest month with (nearly) complete data; later months hold only a part of
    # theirs (orders paid just after a month ended, a month still running) and say so
    complete_until: str | None = None

    def incomplete(self, month: str) -> bool:
        return self.complete_until is not None and month > self.complete_until


def employee_kpi(app: AppSession, employee_id: int) -> EmployeeKpi:
    """Every metric ``employee_id`` has data for, month by month, with where each number came from."""
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        ensure_visible(s, app.actor, employee_id)
        custom = custom_metrics(s)
        book = load_facts(s, [employee_id], with_sources=True)
        complete_until = latest_data_month(s)
    series = book.series(employee_id, custom)
    sources = book.sources_of(employee_id)
    found: list[MetricSeries] = []
    all_months: set[str] = set()
    known = [*mx.CATALOGUE.values(), *custom.values()]
    for metric in known:
        by_month = {
            m: float(v)
            for m, v in series.get(metric.code, {}).items()
            if v is not None and not np.isnan(v)
        }
        if not by_month:
            continue
        all_months.update(by_month)
        refs = sources.get(metric.code, {})
        found.append(
            MetricSeries(
                metric, dict(sorted(by_month.items())), {m: refs.get(m, ()) for m in by_month}
            )
        )
    months = tuple(mo.range(min(all_months), max(all_months))) if all_months else ()
    return EmployeeKpi(employee_id, months, tuple(found), complete_until)


def source_name(kind: str) -> Message:
    """The name of an import source kind ("生意参谋店铺概况"), or 手工录入 for hand entries."""
    if kind == MANUAL_SOURCE:
        return Message("eligibility.source.manual_kind")
    from core.importers.sources import SOURCE_KINDS

    found = SOURCE_KINDS.get(kind)
    return ex.term(found.name_zh, found.name_en) if found else ex.term(kind, kind)


def describe_source(ref: SourceRef) -> Message:
    """One line of the KPI tab's hover: which batch, file and store a number came from."""
    if ref.batch_id is None:
        return Message("eligibility.source.manual")
    params = {
        "batch": ref.batch_id,
        "file": ref.file_name,
        "kind": source_name(ref.kind),
        "store": ref.store,
    }
    code = "eligibility.source.batch_store" if ref.store else "eligibility.source.batch"
    return ex.Phrase(code, params)
