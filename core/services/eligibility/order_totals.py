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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, distinct, func, insert, select, union, update
from sqlalchemy.orm import Session

from core.domain import metrics as mx
from core.domain import months as mo
from core.i18n import Message
from core.model import ImportBatch, OrderFact, OrderMonthTotal, Store

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


def fen_sum(column: Any) -> Any:
    """SUM of a money column in whole fen: exact, whatever the number or order of the rows."""
    return func.sum(func.round(column * mx.FEN))


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


def cells_of_batch(session: Session, batch_id: int) -> set[Cell]:
    """The store-months whose totals batch ``batch_id`` changes: those of its own orders and of
    the orders it replaced (for undo: ask before the rows are deleted)."""
    own = select(OrderFact.store_id, OrderFact.live_account_id, OrderFact.month).where(
        OrderFact.batch_id == batch_id
    )
    replaced = select(OrderFact.store_id, OrderFact.live_account_id, OrderFact.month).where(
        OrderFact.superseded_by == batch_id
    )
    cells: set[Cell] = set()
    for store_id, account_id, month in session.execute(union(own, replaced)):
        cells.add((STORE, store_id, month))
        if account_id is not None:
            cells.add((LIVE, account_id, month))
    return cells


def refresh(session: Session, cells: Iterable[Cell]) -> None:
    """Make the totals of ``cells`` (and the returning buyers after them) what the orders say."""
    by_store, by_account = _by_owner(cells)
    if not by_store and not by_account:
        return
    active = _active(session)
    for store_id, months in sorted(by_store.items()):
        _refresh_store(session, active, store_id, sorted(months))
    for account_id, months in sorted(by_account.items()):
        _refresh_account(session, active, account_id, sorted(months))


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
            Total(STORE, store_id, m, *sums[m][:3], returning.get(m), sums[m][3])
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
    """Every total as the table holds it."""
    t = OrderMonthTotal
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
    first, last = months[0], months[-1]
    found: tuple[Any, ...] = (column >= first, column <= last)
    if len(months) < len(mo.range(first, last)):
        found = (*found, column.in_(months))
    return found


def _batch_ids(text: str | None) -> tuple[int, ...]:
    return tuple(sorted({int(b) for b in text.split(",")})) if text else ()


def _store_sums(
    session: Session, active: tuple[Any, ...], store_id: int, months: Sequence[str]
) -> tuple[dict[str, tuple[int, int, int, tuple[int, ...]]], dict[str, set[str]]]:
    """month → (GMV in fen, orders, distinct buyers, batches) of the shop's active orders in
    ``months``, and month → the distinct buyer keys (for the returning buyers)."""
    sums: dict[str, tuple[int, int, int, tuple[int, ...]]] = {}
    keys: dict[str, set[str]] = {}
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
            found[month] = len(buyers & set().union(*before))
    return found


def _refresh_store(
    session: Session, active: tuple[Any, ...], store_id: int, months: Sequence[str]
) -> None:
    t = OrderMonthTotal
    sums, keys = _store_sums(session, active, store_id, months)
    _replace(session, STORE, store_id, months, sums)
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
        keys.update(_store_sums(session, active, store_id, unread)[1])
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
    session: Session, active: tuple[Any, ...], account_id: int, months: Sequence[str]
) -> None:
    sums = _account_sums(session, active, account_id, months)
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
) -> None:
    """The ``kind`` totals of ``owner`` in ``months``: those of ``sums`` (month → GMV in fen,
    orders, buyers, batches), none for the months it lacks; returning buyers are set after."""
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
