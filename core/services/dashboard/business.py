"""Company GMV, live share and the new-company checklist.

Formulas: see the package docstring (core/services/dashboard/__init__.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain import metrics as mx
from core.domain import months as mo
from core.i18n import Message
from core.model import (
    Employee,
    LiveSessionFact,
    OrderFact,
    OrderMonthTotal,
    ReviewCycle,
    Store,
    StoreDayFact,
    StoreMonthFact,
    StoreOwnership,
    Transition,
)
from core.services.dashboard.figures import BUSINESS_MONTHS, BusinessMonth, ChecklistItem
from core.services.eligibility import metrics as kpi
from core.services.eligibility import order_totals


def _store_gmv(
    session: Session, first: str, last: str, undone: set[int]
) -> dict[tuple[int, str], float]:
    """(shop, month) → the store-month GMV, with ``metrics.load_facts``' precedence:
    a shop overview's monthly row (the latest import of it), else the store-month's daily rows
    summed, else its counted orders, else another monthly row. Summed by SQLite per month (four
    grouped queries, each store-month looked up through the store/month indexes) instead of
    loading the whole fact book; tested equal to the fact book's figure."""
    from sqlalchemy import and_, exists
    from sqlalchemy.orm import aliased

    shop = select(Store.id).where(Store.kind != "live_account")
    batches = sorted(undone)

    def ok(column: Any) -> Any:
        return column.not_in(batches) if batches else column.is_not(None)

    m, x = aliased(StoreMonthFact), aliased(StoreMonthFact)
    latest_overview = (
        select(func.max(x.batch_id))
        .where(
            x.store_id == m.store_id,
            x.month == m.month,
            x.source == kpi.OVERVIEW_SOURCE,
            x.superseded_by.is_(None),
            ok(x.batch_id),
        )
        .scalar_subquery()
    )
    totals: dict[tuple[int, str], float] = {}

    def add(query: Any) -> None:
        for store, month, amount in session.execute(query):
            if amount is not None:
                totals[store, month] = totals.get((store, month), 0.0) + float(amount)

    add(
        select(m.store_id, m.month, func.sum(m.gmv))
        .where(
            m.source == kpi.OVERVIEW_SOURCE,
            m.superseded_by.is_(None),
            m.month.between(first, last),
            m.store_id.in_(shop),
            m.batch_id == latest_overview,
        )
        .group_by(m.store_id, m.month)
    )

    def overview_of(store: Any, month: Any) -> Any:
        o = aliased(StoreMonthFact)
        return exists().where(
            o.store_id == store,
            o.month == month,
            o.source == kpi.OVERVIEW_SOURCE,
            o.superseded_by.is_(None),
            ok(o.batch_id),
        )

    def days_of(store: Any, month: Any) -> Any:
        d = aliased(StoreDayFact)
        return exists().where(
            d.store_id == store,
            d.month == month,
            d.gmv.is_not(None),
            d.superseded_by.is_(None),
            ok(d.batch_id),
        )

    def orders_of(store: Any, month: Any) -> Any:
        o = aliased(OrderMonthTotal)
        return exists().where(o.kind == order_totals.STORE, o.store_id == store, o.month == month)

    day = StoreDayFact
    add(
        select(day.store_id, day.month, func.sum(day.gmv))
        .where(
            day.superseded_by.is_(None),
            ok(day.batch_id),
            day.month.between(first, last),
            day.store_id.in_(shop),
            ~overview_of(day.store_id, day.month),
        )
        .group_by(day.store_id, day.month)
    )
    # the orders' store-month totals (order_totals.py), summed in whole fen
    order = OrderMonthTotal
    add(
        select(order.store_id, order.month, func.sum(order.gmv_fen) / mx.FEN)
        .where(
            order.kind == order_totals.STORE,
            order.month.between(first, last),
            order.store_id.in_(shop),
            ~overview_of(order.store_id, order.month),
            ~days_of(order.store_id, order.month),
        )
        .group_by(order.store_id, order.month)
    )
    d2, y = aliased(StoreMonthFact), aliased(StoreMonthFact)
    latest_derived = (
        select(func.max(y.batch_id))
        .where(
            and_(
                y.store_id == d2.store_id,
                y.month == d2.month,
                y.source != kpi.OVERVIEW_SOURCE,
                y.superseded_by.is_(None),
                ok(y.batch_id),
            )
        )
        .scalar_subquery()
    )
    add(
        select(d2.store_id, d2.month, func.sum(d2.gmv))
        .where(
            d2.source != kpi.OVERVIEW_SOURCE,
            d2.superseded_by.is_(None),
            d2.month.between(first, last),
            d2.store_id.in_(shop),
            d2.batch_id == latest_derived,
            ~overview_of(d2.store_id, d2.month),
            ~days_of(d2.store_id, d2.month),
            ~orders_of(d2.store_id, d2.month),
        )
        .group_by(d2.store_id, d2.month)
    )
    return totals


def _track_gmv(
    store_gmv: Mapping[tuple[int, str], float],
    owners: Sequence[tuple[int, int, str, str | None]],
    track_of: Callable[[int, str], str | None],
) -> dict[str, dict[str, float]]:
    """track → month → the GMV of the shops run by that track's people (pure).

    ``owners`` are (store, employee, first month, last month or None); ``track_of(employee,
    month)`` the track of the employee's level at the end of that month. A shop-month run by
    people of several tracks is split evenly between those tracks; one nobody runs (or whose
    runner has no level) counts under "" (未分配), so the tracks add up to the company GMV.
    """
    runs: dict[int, list[tuple[int, str, str | None]]] = {}
    for store, employee, start, end in owners:
        runs.setdefault(store, []).append((employee, start, end))
    found: dict[str, dict[str, float]] = {}
    for (store, month), amount in store_gmv.items():
        tracks = sorted(
            {
                track_of(employee, month) or ""
                for employee, start, end in runs.get(store, ())
                if start <= month and (end is None or month <= end)
            }
        ) or [""]
        for track in tracks:
            per = found.setdefault(track, {})
            per[month] = per.get(month, 0.0) + amount / len(tracks)
    return found


def _business(
    session: Session,
    as_of: str,
    track_of: Callable[[int, str], str | None] | None = None,
) -> tuple[BusinessMonth, ...]:
    first = mo.add(as_of, -(BUSINESS_MONTHS - 1))
    undone = order_totals.undone_batches(session)
    by_store = _store_gmv(session, first, as_of, undone)
    gmv: dict[str, float] = {}
    for (_store, month), amount in by_store.items():
        gmv[month] = gmv.get(month, 0.0) + amount
    per_track: dict[str, dict[str, float]] = {}
    if track_of is not None:
        owners = [
            (o.store_id, o.employee_id, o.start_month, o.end_month)
            for o in session.scalars(select(StoreOwnership))
            if o.batch_id is None or o.batch_id not in undone
        ]
        per_track = _track_gmv(by_store, owners, track_of)
    live: dict[str, float] = {}
    query = (
        select(OrderMonthTotal.month, func.sum(OrderMonthTotal.gmv_fen))
        .where(
            OrderMonthTotal.kind == order_totals.LIVE,
            OrderMonthTotal.month.between(first, as_of),
        )
        .group_by(OrderMonthTotal.month)
    )
    for month, fen in session.execute(query):
        live[month] = live.get(month, 0.0) + float(fen or 0) / mx.FEN
    months = sorted(m for m in set(gmv) | {m for m, v in live.items() if v})
    if not months:
        return ()
    return tuple(
        BusinessMonth(
            m,
            round(gmv[m], 2) if m in gmv else None,
            round(live.get(m, 0.0), 2),
            tuple(
                (track, round(per[m], 2)) for track, per in sorted(per_track.items()) if m in per
            ),
        )
        for m in mo.month_range(months[0], months[-1])
    )


def _checklist(session: Session) -> tuple[ChecklistItem, ...]:
    def exists(column: Any) -> bool:
        return session.scalar(select(column).limit(1)) is not None

    facts = (
        any(exists(c) for c in (StoreMonthFact.id, OrderFact.id, LiveSessionFact.id))
        or kpi.latest_data_month(session) is not None
    )
    done = {
        "ladder": session.scalar(
            select(Transition.id).where(Transition.archived.is_(False)).limit(1)
        )
        is not None,
        "roster": exists(Employee.id),
        "owners": exists(StoreOwnership.id),
        "data": facts,
        "cycle": exists(ReviewCycle.id),
    }
    return tuple(
        ChecklistItem(key, Message(f"dashboard.check.{key}"), value) for key, value in done.items()
    )
