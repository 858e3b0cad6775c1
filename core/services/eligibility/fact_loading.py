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

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import Session

from core.domain import metrics as mx
from core.domain import months as mo
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
from core.services.eligibility.fact_book import (
    LIVE_FIELDS,
    OVERVIEW_SOURCE,
    STORE_FIELDS,
    BatchInfo,
    FactBook,
    StoreInfo,
    _Grid,
    _latest_per_key,
    _month_number,
)

_Query = TypeVar("_Query", bound=Select)


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
    buyer_keys = _BuyerKeys(scope)
    order_rows = _order_totals(conn, scope.restrict, scope.counted_orders, buyer_keys)
    live_rows = _live_session_rows(conn, scope)
    live_order_rows = _live_order_rows(conn, scope, order_rows)
    _load_manual(conn, scope, book, with_sources)

    grid = _fact_grid((month_rows, day_rows, order_rows, live_rows), live_order_rows, book.manual)
    if with_sources:
        grid.sources = book.sources
    width = max(len(grid.months), 1)
    derived_rows = _fill_overviews(grid, month_rows, day_rows, width)
    _fill_orders(conn, scope, grid, order_rows, derived_rows, width, buyer_keys)
    del buyer_keys
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
    buyer_keys: _BuyerKeys,
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
            _fill_returning_buyers(conn, scope, grid, wanted_cells, order_batches, buyer_keys)
        order_cells = {(r[0], r[1]) for r in order_rows}
    _fill_latest(grid, [r for r in derived_rows if (r[0], r[1]) not in order_cells], width)


def _fill_returning_buyers(
    conn: Any,
    scope: _Scope,
    grid: _Grid,
    cells: Sequence[tuple[int, str]],
    order_batches: Mapping[tuple[int, str], tuple[int, ...]],
    buyer_keys: _BuyerKeys,
) -> None:
    """old_buyers of the (store, month) ``cells`` counted from the orders' buyer pseudonyms."""
    returning = _returning_buyers(conn, scope.counted_orders, cells, buyer_keys)
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


# Buyer keys load_facts keeps from the order totals for the returning buyers, so the months
# it has just read are not read (nor split and counted) a second time; beyond this many, the
# other months are read again as before (a full load of years of orders stays lean: a kept
# key costs about 100 bytes).
KEPT_KEYS = 500_000


class _BuyerKeys:
    """The buyer keys of the store-months ``_order_totals`` read, kept for ``_returning_buyers``.

    The totals read exactly the keys ``_buyers_by_month`` would (the same counted orders, keys
    that are not NULL): a store-month the totals covered needs no second read when its keys
    were kept, or when the totals found no key there (``_buyers_by_month`` would find none).
    """

    def __init__(self, scope: _Scope) -> None:
        self.scope = scope
        self.sets: dict[tuple[int, str], set[str]] = {}
        self.dropped: set[tuple[int, str]] = set()  # covered, keys found, not kept
        self.usable = True  # False when the totals had to count keys in SQLite
        self._count = 0

    def keep(self, store_id: int, month: str, keys: set[str]) -> None:
        if not keys:
            return
        if self._count + len(keys) > KEPT_KEYS:
            self.dropped.add((store_id, month))
            return
        self._count += len(keys)
        self.sets[(store_id, month)] = keys

    def covered(self, store_id: int, month: str) -> bool:
        """Whether the totals' query looked at this store-month and kept what it found."""
        scope = self.scope
        if not self.usable or (store_id, month) in self.dropped:
            return False
        if scope.stores is not None and store_id not in scope.stores:
            return False
        return scope.months is None or scope.months[0] <= month <= scope.months[1]

    def of(self, store_id: int, month: str) -> set[str] | None:
        """The distinct keys of a covered store-month, None when it has none."""
        return self.sets.get((store_id, month))


def _order_totals(
    conn: Any,
    restrict: Callable[..., Any],
    counted_orders: tuple[Any, ...],
    buyer_keys: _BuyerKeys | None = None,
) -> list[tuple[Any, ...]]:
    """(store, month, GMV, distinct buyers, orders through a live account) per store-month.

    SQLite counts distinct values by building an index of them, which takes twice as long as
    the rest of the query for a month of 100,000 orders; it hands over the keys as one text
    instead, and a Python set counts them (same groups, same scan, so the same sums). The
    sets go into ``buyer_keys`` for the returning buyers.
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
            unique = set(buyers)
            found.append((store_id, month, gmv, len(unique), live_count))
            if buyer_keys is not None:
                buyer_keys.keep(store_id, month, unique)
        else:
            return found
    if buyer_keys is not None:
        buyer_keys.usable = False
        buyer_keys.sets.clear()
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
    conn: Any,
    counted_orders: tuple[Any, ...],
    cells: Sequence[tuple[int, str]],
    buyer_keys: _BuyerKeys | None = None,
) -> dict[tuple[int, str], int]:
    """Returning buyers per (store, month) of ``cells``, from the buyer pseudonyms of the orders.

    Only months whose store has orders in the lookback window get a figure: with no earlier
    orders imported, nobody can be told apart as new or returning (not zero, unknown). The
    store-months ``buyer_keys`` holds are taken from it; only the others are read.
    """
    wanted: dict[int, set[str]] = defaultdict(set)
    for store_id, month in cells:
        wanted[store_id].add(month)
    found: dict[tuple[int, str], int] = {}
    for store_id, months_wanted in wanted.items():
        window = mo.range(mo.add(min(months_wanted), -RETURNING_LOOKBACK), max(months_wanted))
        by_month: dict[str, set[str]] = {}
        unread: list[str] = []
        for month in window:
            if buyer_keys is None or not buyer_keys.covered(store_id, month):
                unread.append(month)
                continue
            keys = buyer_keys.of(store_id, month)
            if keys is not None:
                by_month[month] = keys
        if unread:
            by_month.update(_buyers_by_month(conn, counted_orders, store_id, unread))
        last_seen: dict[str, int] = {}
        ordered = sorted(by_month)
        for month in ordered:
            number = _month_number(month)
            buyers = by_month[month]
            if month in months_wanted and any(
                mo.add(month, -k) in by_month for k in range(1, RETURNING_LOOKBACK + 1)
            ):
                since = number - RETURNING_LOOKBACK
                found[(store_id, month)] = sum(
                    1 for b in buyers if last_seen.get(b, since - 1) >= since
                )
            if month != ordered[-1]:  # no later month looks back at the last one
                last_seen.update(dict.fromkeys(buyers, number))
    return found


def _buyers_by_month(
    conn: Any, counted_orders: tuple[Any, ...], store_id: int, months: Sequence[str]
) -> dict[str, set[str]]:
    """The distinct buyer pseudonyms of a store's counted orders in ``months``, month by month.

    SQLite hands each month's keys over as one text (split in C, not row by row); a key holding
    the separator is noticed (more pieces than keys) and the month is read row by row instead.
    """
    first, last = min(months), max(months)
    in_store = (
        OrderFact.store_id == store_id,
        OrderFact.month >= first,
        OrderFact.month <= last,
        OrderFact.buyer_key.is_not(None),
        *counted_orders,
    )
    if len(months) < len(mo.range(first, last)):
        in_store = (*in_store, OrderFact.month.in_(months))
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
