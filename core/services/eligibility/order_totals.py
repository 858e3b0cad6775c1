"""The store-month totals of the orders (OrderMonthTotal), kept in step with import and undo.

A shop importing every month's order export holds millions of orders by its third year; the
KPIs need only each store-month's GMV, distinct buyers and returning buyers, and the batches
they came from. Those are summed here when orders are written or taken back, for the
store-months that changed, and the KPIs, the dashboard and the KPI tab read the totals instead
of the orders (fact_loading.py).

What counts is what has always counted: counted orders (not 交易关闭), not replaced by a later
import (``superseded_by``), of a batch not undone. Money is summed in whole fen, so exactly.
A returning buyer (老买家) of a month had a counted order in the same shop within the twelve
months before, as 生意参谋 counts them (365 days, here by month); a month gets that figure only
when orders of some month of its window are imported (otherwise: unknown, not zero). Changing a
month's orders therefore also changes the returning buyers of the twelve months after it.

``refresh`` is the one writer; ``cells_of_batch`` names what a batch touches (call it before
undo deletes the rows); ``rebuild`` recomputes everything (migration, ``verify``'s comparison).
An import hands ``refresh`` the orders it has just written as ``Fresh`` sums of the arrays it
already holds, so that a month of 100,000 new orders is not read back from the encrypted file:
only the orders stored before them are read, and the two are added up exactly as one query
over both would (``fresh_orders``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, distinct, func, insert, select, union, update
from sqlalchemy.orm import Session

from core.domain import metrics as mx
from core.domain import months as mo
from core.i18n import Message
from core.model import ImportBatch, OrderFact, OrderMonthBuyers, OrderMonthTotal, Store

STORE = "store"
LIVE = "live"
RETURNING_LOOKBACK = 12

# Between buyer keys when SQLite hands a store-month's keys over as one text; a key holding it
# is noticed (more pieces than keys) and that month is read key by key instead.
_KEY_SEPARATOR = ","

Cell = tuple[str, int, str]  # (kind, store or live account, month)


@dataclass(frozen=True)
class Total:
    """One store-month as the orders say it is (what an OrderMonthTotal row holds)."""

    kind: str
    store_id: int
    month: str
    gmv_fen: int
    orders: int
    buyers: int
    returning: int | None
    batches: tuple[int, ...]
    # the month's buyers as kept in OrderMonthBuyers (``pack_keys``, sorted); None: none kept
    buyer_keys: bytes | None = None


def fen_sum(column: Any) -> Any:
    """SUM of a money column in whole fen: exact, whatever the number or order of the rows."""
    return func.sum(func.round(column * mx.FEN))


# Tidui's buyer pseudonyms: 20 lowercase hex digits (a 10-byte keyed BLAKE2b, importers/table.py)
_KEY_HEX = 20


def pack_keys(keys: set[str]) -> bytes | None:
    """A month's distinct buyer keys as one blob: each key's 10 bytes, sorted (the same buyers
    give the same bytes, so undo leaves the file as it was); None when a key is not a pseudonym
    of Tidui's form (the blob would not give it back exactly)."""
    if not keys:
        return b""
    if set(map(len, keys)) != {_KEY_HEX}:
        return None
    joined = "".join(keys)
    try:
        packed = bytes.fromhex(joined)
    except ValueError:
        return None
    if packed.hex() != joined:  # upper case or spaces, which fromhex accepts
        return None
    return np.sort(np.frombuffer(packed, dtype=f"S{_KEY_HEX // 2}")).tobytes()


def unpack_keys(blob: bytes) -> set[str]:
    """The keys ``pack_keys`` packed (the slices cut in C: a third faster than a comprehension,
    and month 37 unpacks twelve months of them)."""
    text = blob.hex()
    ends = range(_KEY_HEX, len(text) + 1, _KEY_HEX)
    return set(map(text.__getitem__, map(slice, range(0, len(text), _KEY_HEX), ends)))


def undone_batches(session: Session) -> set[int]:
    """The import batches that were undone (their rows never count)."""
    return set(session.scalars(select(ImportBatch.id).where(ImportBatch.undone_at.is_not(None))))


def _active(session: Session) -> tuple[Any, ...]:
    undone = sorted(undone_batches(session))
    return (
        OrderFact.counted.is_(True),
        OrderFact.superseded_by.is_(None),
        OrderFact.batch_id.not_in(undone) if undone else OrderFact.batch_id.is_not(None),
    )


def cells_of_batch(session: Session, batch_id: int, *, own: bool = True) -> set[Cell]:
    """The store-months whose totals batch ``batch_id`` changes: those of its own orders and of
    the orders it replaced (for undo: ask before the rows are deleted). ``own=False``: only the
    replaced ones (an import knows its own from ``Fresh.cells``)."""
    replaced = select(OrderFact.store_id, OrderFact.live_account_id, OrderFact.month).where(
        OrderFact.superseded_by == batch_id
    )
    query: Any = replaced
    if own:
        query = union(
            select(OrderFact.store_id, OrderFact.live_account_id, OrderFact.month).where(
                OrderFact.batch_id == batch_id
            ),
            replaced,
        )
    cells: set[Cell] = set()
    for store_id, account_id, month in session.execute(query):
        cells.add((STORE, store_id, month))
        if account_id is not None:
            cells.add((LIVE, account_id, month))
    return cells


def newest_order(session: Session) -> int:
    """The highest order id: a batch's orders written after this call all have greater ids."""
    return int(session.scalar(select(func.max(OrderFact.id))) or 0)


@dataclass
class OrderArrays:
    """Orders as an import holds them before writing them, one entry per order."""

    store_ids: Sequence[int] | np.ndarray
    months: Sequence[str] | np.ndarray
    amounts: np.ndarray  # float yuan, as stored
    counted: np.ndarray  # bool
    buyer_keys: Sequence[str | None] | np.ndarray
    live_account_ids: Sequence[int | None] | np.ndarray


@dataclass
class Fresh:
    """What batch ``batch_id`` has just written (every order with an id above ``after``),
    summed: shop → month → (GMV in fen, orders, distinct buyer keys), live account → month →
    (GMV in fen, orders), counted orders only; ``cells`` are all the store-months its orders
    are in, counted or not (what ``cells_of_batch`` would find); ``packed`` holds each shop-month's
    fresh buyer keys already packed (``pack_keys``), for the month no earlier order shares."""

    batch_id: int
    after: int
    stores: dict[int, dict[str, tuple[int, int, set[str]]]]
    accounts: dict[int, dict[str, tuple[int, int]]]
    cells: set[Cell]
    packed: dict[int, dict[str, bytes | None]] = field(default_factory=dict)


# Beyond this many fen a float sum is no longer exact in SQLite either; the orders are then
# read back (never seen: 9e13 fen is 900 billion yuan).
_EXACT_FEN = 2.0**53 / 16


def _fen(amounts: np.ndarray) -> np.ndarray | None:
    """round(amount * 100) per order as SQLite's round() gives it (half away from zero: it
    adds 0.5 to the magnitude and truncates), or None when a value is not a plain amount."""
    scaled = np.asarray(amounts, dtype=np.float64) * mx.FEN
    if not np.isfinite(scaled).all() or (np.abs(scaled) >= _EXACT_FEN).any():
        return None
    return (np.sign(scaled) * np.trunc(np.abs(scaled) + 0.5)).astype(np.int64)


def fresh_orders(batch_id: int, after: int, parts: Sequence[OrderArrays]) -> Fresh | None:
    """``Fresh`` sums of the orders ``parts`` that batch ``batch_id`` writes after order id
    ``after``; None when they cannot be summed exactly here (``refresh`` then reads them)."""
    stores: dict[int, dict[str, tuple[int, int, set[str]]]] = defaultdict(dict)
    accounts: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    cells: set[Cell] = set()
    for part in parts:
        fen = _fen(part.amounts)
        if fen is None:
            return None
        # whole columns at once: one shop and one or two months per export, so group by codes
        owner_codes, owner_ids = pd.factorize(np.asarray(part.store_ids, dtype=np.int64))
        month_codes, month_names = pd.factorize(pd.Series(part.months, dtype=object))
        live = part.live_account_ids
        live_list = live.tolist() if isinstance(live, np.ndarray) else list(live)
        has_live = live_list.count(None) != len(live_list)
        accounts_of = (
            np.array([-1 if a is None else a for a in live_list], dtype=np.int64)
            if has_live
            else None
        )
        counted = np.asarray(part.counted, dtype=bool)
        keys = part.buyer_keys
        key_list = keys.tolist() if isinstance(keys, np.ndarray) else list(keys)
        for o, owner in enumerate(owner_ids.tolist()):
            of_owner = owner_codes == o
            for m, month in enumerate(month_names.tolist()):
                here = of_owner & (month_codes == m)
                if not here.any():
                    continue
                cells.add((STORE, owner, month))
                if accounts_of is not None:
                    cells.update((LIVE, a, month) for a in set(accounts_of[here].tolist()) - {-1})
                take = here & counted
                count = int(take.sum())
                if not count:
                    continue
                was = stores[owner].get(month, (0, 0, set()))
                buyers = set(compress(key_list, take.tolist()))
                buyers.discard(None)
                stores[owner][month] = (
                    was[0] + int(fen[take].sum()),
                    was[1] + count,
                    was[2] | buyers,
                )
                if accounts_of is None:
                    continue
                for account in set(accounts_of[take].tolist()) - {-1}:
                    mine = take & (accounts_of == account)
                    was_live = accounts[account].get(month, (0, 0))
                    accounts[account][month] = (
                        was_live[0] + int(fen[mine].sum()),
                        was_live[1] + int(mine.sum()),
                    )
    # Packed here, while the import's rows are still being stored on the other thread, rather
    # than in ``refresh`` after them (100,000 keys: about 0.01 s).
    packed = {
        owner: {month: pack_keys(sums[2]) for month, sums in months.items()}
        for owner, months in stores.items()
    }
    return Fresh(batch_id, after, dict(stores), dict(accounts), cells, packed)


def refresh(session: Session, cells: Iterable[Cell], fresh: Fresh | None = None) -> None:
    """Make the totals of ``cells`` (and the returning buyers after them) what the orders say;
    the orders of ``fresh`` are taken from its sums, not read."""
    by_store, by_account = _by_owner(cells)
    if not by_store and not by_account:
        return
    active = _active(session)
    if fresh is not None:
        active = (*active, OrderFact.id <= fresh.after)
    for store_id, months in sorted(by_store.items()):
        _refresh_store(session, active, store_id, sorted(months), fresh)
    for account_id, months in sorted(by_account.items()):
        _refresh_account(session, active, account_id, sorted(months), fresh)


def _by_owner(cells: Iterable[Cell]) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """(shop → its months, live account → its months) of ``cells``."""
    by_store: dict[int, set[str]] = defaultdict(set)
    by_account: dict[int, set[str]] = defaultdict(set)
    for kind, owner, month in cells:
        (by_store if kind == STORE else by_account)[owner].add(month)
    return by_store, by_account


def rebuild(session: Session) -> None:
    """Every total again from the orders (a file from before the totals; a repair)."""
    session.execute(delete(OrderMonthTotal))
    session.execute(delete(OrderMonthBuyers))
    refresh(session, _every_cell(session))


def _every_cell(session: Session) -> set[Cell]:
    cells: set[Cell] = set()
    for store_id, month in session.execute(select(OrderFact.store_id, OrderFact.month).distinct()):
        cells.add((STORE, store_id, month))
    for account_id, month in session.execute(
        select(OrderFact.live_account_id, OrderFact.month)
        .where(OrderFact.live_account_id.is_not(None))
        .distinct()
    ):
        if account_id is not None:
            cells.add((LIVE, account_id, month))
    return cells


def computed(session: Session) -> list[Total]:
    """Every total as the orders say it is now, without writing (``verify`` compares)."""
    active = _active(session)
    by_store, by_account = _by_owner(_every_cell(session))
    found: list[Total] = []
    for store_id, months in sorted(by_store.items()):
        sums, keys = _store_sums(session, active, store_id, sorted(months))
        returning = _returning(keys, set(sums))
        found.extend(
            Total(
                STORE,
                store_id,
                m,
                *sums[m][:3],
                returning.get(m),
                sums[m][3],
                pack_keys(keys.get(m, set())) or None,
            )
            for m in sorted(sums)
        )
    for account_id, months in sorted(by_account.items()):
        for month, (fen, count, batches) in sorted(
            _account_sums(session, active, account_id, sorted(months)).items()
        ):
            found.append(Total(LIVE, account_id, month, fen, count, 0, None, batches))
    return found


def problems(session: Session) -> list[Message]:
    """What ``verify`` says when the table and the orders disagree (nothing when they agree)."""
    wrong = sorted(
        set(computed(session)) ^ set(stored(session)), key=lambda t: (t.store_id, t.month)
    )
    if not wrong:
        return []
    first = wrong[0]
    name = session.scalar(select(Store.name).where(Store.id == first.store_id)) or first.store_id
    cells = {(t.kind, t.store_id, t.month) for t in wrong}
    return [
        Message("verify.order_totals", {"count": len(cells), "example": f"{name} {first.month}"})
    ]


def stored(session: Session) -> list[Total]:
    """Every total as the table holds it, with the buyer keys kept beside it."""
    t = OrderMonthTotal
    b = OrderMonthBuyers
    kept = {
        (store_id, month): blob
        for store_id, month, blob in session.execute(select(b.store_id, b.month, b.keys))
    }
    return [
        Total(
            r.kind,
            r.store_id,
            r.month,
            r.gmv_fen,
            r.orders,
            r.buyers,
            r.returning_buyers,
            tuple(r.batches),
            kept.get((r.store_id, r.month)) if r.kind == STORE else None,
        )
        for r in session.execute(
            select(
                t.kind,
                t.store_id,
                t.month,
                t.gmv_fen,
                t.orders,
                t.buyers,
                t.returning_buyers,
                t.batches,
            ).order_by(t.kind.desc(), t.store_id, t.month)
        )
    ]


# --- one shop ---------------------------------------------------------------------------------


def _month_filter(column: Any, months: Sequence[str]) -> tuple[Any, ...]:
    """The months named one by one: the orders' index is month first (ix_order_month_store),
    so ``month IN (…)`` seeks each month's rows of the shop, where a range of months would walk
    every shop's rows of those months."""
    return (column.in_(months),)


def _batch_ids(text: str | None) -> tuple[int, ...]:
    return tuple(sorted({int(b) for b in text.split(",")})) if text else ()


def _store_sums(
    session: Session,
    active: tuple[Any, ...],
    store_id: int,
    months: Sequence[str],
    fresh: Fresh | None = None,
) -> tuple[dict[str, tuple[int, int, int, tuple[int, ...]]], dict[str, set[str]]]:
    """month → (GMV in fen, orders, distinct buyers, batches) of the shop's active orders in
    ``months``, and month → the distinct buyer keys (for the returning buyers); with ``fresh``
    (whose orders ``active`` leaves out) its sums added in."""
    sums: dict[str, tuple[int, int, int, tuple[int, ...]]] = {}
    keys: dict[str, set[str]] = {}
    if fresh is not None and fresh.stores.get(store_id):
        added = fresh.stores[store_id]
        stored, stored_keys = _store_sums(session, active, store_id, months)
        for month in months:
            old = stored.get(month)
            new = added.get(month)
            if new is None:
                if old is not None:
                    sums[month] = old
                    if month in stored_keys:
                        keys[month] = stored_keys[month]
                continue
            unique = stored_keys.get(month, set()) | new[2]
            fen, count = new[0], new[1]
            ids: tuple[int, ...] = (fresh.batch_id,)
            if old is not None:
                fen, count = fen + old[0], count + old[1]
                ids = tuple(sorted({*old[3], fresh.batch_id}))
            sums[month] = (fen, count, len(unique), ids)
            if unique:
                keys[month] = unique
        return sums, keys
    where = (OrderFact.store_id == store_id, *_month_filter(OrderFact.month, months), *active)
    for month, fen, count, text, key_count, batches in session.execute(
        select(
            OrderFact.month,
            fen_sum(OrderFact.amount),
            func.count(),
            func.group_concat(OrderFact.buyer_key, _KEY_SEPARATOR),
            func.count(OrderFact.buyer_key),
            func.group_concat(distinct(OrderFact.batch_id)),
        )
        .where(*where)
        .group_by(OrderFact.month)
    ):
        pieces = text.split(_KEY_SEPARATOR) if text is not None else []
        if len(pieces) == key_count:
            unique = set(pieces)
        else:  # a key holding the separator: read the month key by key
            unique = set(
                session.scalars(
                    select(OrderFact.buyer_key).where(
                        *where, OrderFact.month == month, OrderFact.buyer_key.is_not(None)
                    )
                )
            )
        sums[month] = (int(fen or 0), int(count), len(unique), _batch_ids(batches))
        if unique:
            keys[month] = unique
    return sums, keys


def _returning(by_month: dict[str, set[str]], wanted: set[str]) -> dict[str, int]:
    """Returning buyers of the ``wanted`` months that have buyers and some earlier month of
    their window with buyers; ``by_month`` holds each month's distinct keys (non-empty sets).
    Counted with set operations (in C): the buyers of the month also among the buyers of the
    twelve months before it."""
    found: dict[str, int] = {}
    for month in sorted(wanted):
        buyers = by_month.get(month)
        if not buyers:
            continue
        before = [
            by_month[earlier]
            for k in range(1, RETURNING_LOOKBACK + 1)
            if (earlier := mo.add(month, -k)) in by_month
        ]
        if before:
            found[month] = _among_any(buyers, before)
    return found


def _among_any(buyers: set[str], months: list[set[str]]) -> int:
    """How many of ``buyers`` are in at least one of ``months``: each month takes out those
    it holds, so nothing is counted twice, and no union of the twelve months is built (a
    month of 28,000 buyers against twelve of 10,000: 5 ms instead of 9; a straggler month of
    a few buyers: nothing instead of 6)."""
    left = set(buyers)
    count = 0
    for keys in months:
        hit = left & keys
        if hit:
            count += len(hit)
            left -= hit
            if not left:
                break
    return count


def _kept_keys(
    session: Session,
    active: tuple[Any, ...],
    store_id: int,
    months: Sequence[str],
    fresh: Fresh | None,
) -> dict[str, set[str]]:
    """month → distinct buyer keys of the shop's ``months`` whose totals are not being changed,
    from the keys kept beside those totals (a month with orders but no kept keys, or keys not
    of Tidui's form, is read from its orders)."""
    t = OrderMonthTotal
    b = OrderMonthBuyers
    found: dict[str, set[str]] = {}
    for month, blob in session.execute(
        select(b.month, b.keys).where(b.store_id == store_id, *_month_filter(b.month, months))
    ):
        if blob:
            found[month] = unpack_keys(blob)
    unkept = [
        month
        for month, buyers in session.execute(
            select(t.month, t.buyers).where(
                t.kind == STORE, t.store_id == store_id, *_month_filter(t.month, months)
            )
        )
        if buyers and month not in found
    ]
    if unkept:
        found.update(_store_sums(session, active, store_id, sorted(unkept), fresh)[1])
    return found


def _refresh_store(
    session: Session,
    active: tuple[Any, ...],
    store_id: int,
    months: Sequence[str],
    fresh: Fresh | None = None,
) -> None:
    t = OrderMonthTotal
    sums, keys = _store_sums(session, active, store_id, months, fresh)
    # A month whose buyers are all fresh ones (the fresh keys are among them: as many means the
    # same) takes the blob packed beside the fresh sums.
    ready: dict[str, bytes | None] = {}
    if fresh is not None:
        for month, blob in fresh.packed.get(store_id, {}).items():
            added = fresh.stores[store_id][month][2]
            if month in keys and len(keys[month]) == len(added):
                ready[month] = blob
    _replace(session, STORE, store_id, months, sums, keys, ready)
    # the returning buyers of these months and of the twelve after each
    reach = mo.range(months[0], mo.add(months[-1], RETURNING_LOOKBACK))
    affected = set(
        session.scalars(
            select(t.month).where(
                t.kind == STORE, t.store_id == store_id, *_month_filter(t.month, reach)
            )
        )
    )
    affected &= {m for first in months for m in mo.range(first, mo.add(first, RETURNING_LOOKBACK))}
    if not affected:
        return
    window = mo.range(mo.add(min(affected), -RETURNING_LOOKBACK), max(affected))
    unread = [m for m in window if m not in sums]
    if unread:
        keys.update(_kept_keys(session, active, store_id, unread, fresh))
    returning = _returning({m: k for m, k in keys.items() if m in set(window)}, affected)
    for month in sorted(affected):
        session.execute(
            update(t)
            .where(t.kind == STORE, t.store_id == store_id, t.month == month)
            .values(returning_buyers=returning.get(month))
        )


def _account_sums(
    session: Session, active: tuple[Any, ...], account_id: int, months: Sequence[str]
) -> dict[str, tuple[int, int, tuple[int, ...]]]:
    found: dict[str, tuple[int, int, tuple[int, ...]]] = {}
    for month, fen, count, batches in session.execute(
        select(
            OrderFact.month,
            fen_sum(OrderFact.amount),
            func.count(),
            func.group_concat(distinct(OrderFact.batch_id)),
        )
        .where(
            OrderFact.live_account_id == account_id,
            *_month_filter(OrderFact.month, months),
            *active,
        )
        .group_by(OrderFact.month)
    ):
        found[month] = (int(fen or 0), int(count), _batch_ids(batches))
    return found


def _refresh_account(
    session: Session,
    active: tuple[Any, ...],
    account_id: int,
    months: Sequence[str],
    fresh: Fresh | None = None,
) -> None:
    sums = _account_sums(session, active, account_id, months)
    added = fresh.accounts.get(account_id, {}) if fresh is not None else {}
    for month in months:
        if month not in added:
            continue
        assert fresh is not None
        fen, count = added[month]
        old = sums.get(month)
        if old is None:
            sums[month] = (fen, count, (fresh.batch_id,))
        else:
            sums[month] = (old[0] + fen, old[1] + count, tuple(sorted({*old[2], fresh.batch_id})))
    _replace(
        session,
        LIVE,
        account_id,
        months,
        {m: (fen, count, 0, batches) for m, (fen, count, batches) in sums.items()},
    )


def _replace(
    session: Session,
    kind: str,
    owner: int,
    months: Sequence[str],
    sums: dict[str, tuple[int, int, int, tuple[int, ...]]],
    keys: dict[str, set[str]] | None = None,
    packed: dict[str, bytes | None] | None = None,
) -> None:
    """The ``kind`` totals of ``owner`` in ``months``: those of ``sums`` (month → GMV in fen,
    orders, buyers, batches), none for the months it lacks, with the buyer ``keys`` of each
    month packed beside them (shops; ``packed``: months whose keys are packed already);
    returning buyers are set after."""
    t = OrderMonthTotal
    session.execute(
        delete(t).where(t.kind == kind, t.store_id == owner, *_month_filter(t.month, months))
    )
    if sums:
        session.execute(
            insert(t),
            [
                {
                    "kind": kind,
                    "store_id": owner,
                    "month": month,
                    "gmv_fen": fen,
                    "orders": count,
                    "buyers": buyers,
                    "returning_buyers": None,
                    "batches": list(batches),
                }
                for month, (fen, count, buyers, batches) in sums.items()
            ],
        )
    if keys is None:
        return
    b = OrderMonthBuyers
    session.execute(delete(b).where(b.store_id == owner, *_month_filter(b.month, months)))
    ready = packed or {}
    rows = [
        {"store_id": owner, "month": month, "keys": blob}
        for month in sums
        if (blob := ready[month] if month in ready else pack_keys(keys.get(month, set())))
    ]
    if rows:
        session.execute(insert(b), rows)
