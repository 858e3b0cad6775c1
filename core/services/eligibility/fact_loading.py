"""Reading the company file into a FactBook (load_facts): the queries, then the grid filled
source by source, each a named step.

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

Callers import load_facts from metrics, where it has always been.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from core.domain import metrics as mx
from core.domain import months as mo
from core.model import (
    ImportBatch,
    LiveSessionFact,
    ManualMetricValue,
    OrderMonthTotal,
    Store,
    StoreDayFact,
    StoreMonthFact,
    StoreOwnership,
)
from core.services.eligibility import order_totals
from core.services.eligibility.fact_book import (
    LIVE_FIELDS,
    OVERVIEW_SOURCE,
    STORE_FIELDS,
    BatchInfo,
    FactBook,
    StoreInfo,
    _Grid,
    _latest_per_key,
)
from core.services.eligibility.order_totals import RETURNING_LOOKBACK

__all__ = ["RETURNING_LOOKBACK", "load_facts"]

_Query = TypeVar("_Query", bound=Select)


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
        order_totals.undone_batches(session),
    )
    month_rows = _store_month_rows(conn, scope)
    day_rows = _store_day_rows(conn, scope)
    order_rows = _order_totals(conn, scope, order_totals.STORE)
    live_rows = _live_session_rows(conn, scope)
    live_order_rows = _order_totals(conn, scope, order_totals.LIVE)
    _load_manual(conn, scope, book, with_sources)

    grid = _fact_grid((month_rows, day_rows, order_rows, live_rows), live_order_rows, book.manual)
    if with_sources:
        grid.sources = book.sources
    width = max(len(grid.months), 1)
    derived_rows = _fill_overviews(grid, month_rows, day_rows, width)
    _fill_orders(grid, order_rows, derived_rows, width)
    _fill_live_sessions(grid, live_rows, width)
    _fill_live_orders(grid, live_order_rows)

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
            order_totals.fen_sum(LiveSessionFact.gmv),
            func.count(LiveSessionFact.id),
        )
        .where(LiveSessionFact.superseded_by.is_(None))
        .group_by(LiveSessionFact.store_id, LiveSessionFact.month, LiveSessionFact.batch_id)
    )
    rows = conn.execute(scope.restrict(query, LiveSessionFact.store_id, LiveSessionFact.month))
    return [r for r in rows.all() if scope.usable(r[2])]


def _order_totals(conn: Any, scope: _Scope, kind: str) -> list[Any]:
    """(store or live account, month, GMV in fen, buyers, returning buyers, batches) of the
    store-month totals of the orders (order_totals.py keeps them in step with the orders)."""
    t = OrderMonthTotal
    query = select(t.store_id, t.month, t.gmv_fen, t.buyers, t.returning_buyers, t.batches).where(
        t.kind == kind
    )
    return list(conn.execute(scope.restrict(query, t.store_id, t.month)).all())


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
    """1. shop overviews: a monthly row (the latest import of it) wins over daily rows. Both
    forms stay active for one store-month only in files imported before an import of one over
    the other was an overlap (core/services/imports/facts.py asks skip or replace since).

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
    grid: _Grid, order_rows: Sequence[Any], derived_rows: Sequence[Any], width: int
) -> None:
    """2. orders fill in what no overview gives (GMV, paid buyers); then order-derived month rows."""
    order_cells: set[tuple[int, str]] = set()
    if order_rows:
        rows_i, cols_i = grid.index([r[0] for r in order_rows], [r[1] for r in order_rows])
        batches_of = [tuple(r[5]) for r in order_rows] if grid.sources is not None else []
        # Where the orders give the buyers, they give the returning buyers too (repurchase);
        # an overview's own figures are never mixed with them.
        buyers_from_orders = np.isnan(grid.cell("paid_buyers")[rows_i, cols_i]) & np.isnan(
            grid.cell("old_buyers")[rows_i, cols_i]
        )
        grid.fill("gmv", rows_i, cols_i, [r[2] / mx.FEN for r in order_rows], batches_of)
        grid.fill("paid_buyers", rows_i, cols_i, [r[3] or None for r in order_rows], batches_of)
        returning = [
            k
            for k, (r, take) in enumerate(zip(order_rows, buyers_from_orders, strict=True))
            if take and r[4] is not None
        ]
        if returning:
            grid.fill(
                "old_buyers",
                rows_i[returning],
                cols_i[returning],
                [order_rows[k][4] for k in returning],
                [batches_of[k] for k in returning] if grid.sources is not None else [],
            )
        order_cells = {(r[0], r[1]) for r in order_rows}
    _fill_latest(grid, [r for r in derived_rows if (r[0], r[1]) not in order_cells], width)


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


def _fill_live_orders(grid: _Grid, live_order_rows: Sequence[Any]) -> None:
    """3. then 抖店 orders attributed to a live account give its live GMV where sessions do not."""
    if not live_order_rows:
        return
    rows_i, cols_i = grid.index([r[0] for r in live_order_rows], [r[1] for r in live_order_rows])
    grid.fill(
        "live_gmv",
        rows_i,
        cols_i,
        [r[2] / mx.FEN for r in live_order_rows],
        [tuple(r[5]) for r in live_order_rows] if grid.sources is not None else [],
    )


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
