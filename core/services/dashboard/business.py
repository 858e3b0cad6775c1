"""Company GMV, live share and the new-company checklist.

Formulas: see the package docstring (core/services/dashboard/__init__.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain import months as mo
from core.i18n import Message
from core.model import (
    Employee,
    ImportBatch,
    LiveSessionFact,
    OrderFact,
    ReviewCycle,
    Store,
    StoreDayFact,
    StoreMonthFact,
    StoreOwnership,
    Transition,
)
from core.services.dashboard.figures import BUSINESS_MONTHS, BusinessMonth, ChecklistItem
from core.services.eligibility import metrics as kpi


def _company_gmv(session: Session, first: str, last: str, undone: set[int]) -> dict[str, float]:
    """month → Σ over shops of the store-month GMV, with ``metrics.load_facts``' precedence:
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
    totals: dict[str, float] = {}

    def add(query: Any) -> None:
        for month, amount in session.execute(query):
            if amount is not None:
                totals[month] = totals.get(month, 0.0) + float(amount)

    add(
        select(m.month, func.sum(m.gmv))
        .where(
            m.source == kpi.OVERVIEW_SOURCE,
            m.superseded_by.is_(None),
            m.month.between(first, last),
            m.store_id.in_(shop),
            m.batch_id == latest_overview,
        )
        .group_by(m.month)
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
        o = aliased(OrderFact)
        return exists().where(
            o.store_id == store,
            o.month == month,
            o.counted.is_(True),
            o.superseded_by.is_(None),
            ok(o.batch_id),
        )

    day = StoreDayFact
    add(
        select(day.month, func.sum(day.gmv))
        .where(
            day.superseded_by.is_(None),
            ok(day.batch_id),
            day.month.between(first, last),
            day.store_id.in_(shop),
            ~overview_of(day.store_id, day.month),
        )
        .group_by(day.month)
    )
    order = OrderFact
    add(
        select(order.month, func.sum(order.amount))
        .where(
            order.counted.is_(True),
            order.superseded_by.is_(None),
            ok(order.batch_id),
            order.month.between(first, last),
            order.store_id.in_(shop),
            ~overview_of(order.store_id, order.month),
            ~days_of(order.store_id, order.month),
        )
        .group_by(order.month)
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
        select(d2.month, func.sum(d2.gmv))
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
        .group_by(d2.month)
    )
    return totals


def _business(session: Session, as_of: str) -> tuple[BusinessMonth, ...]:
    first = mo.add(as_of, -(BUSINESS_MONTHS - 1))
    undone = set(session.scalars(select(ImportBatch.id).where(ImportBatch.undone_at.is_not(None))))
    gmv = _company_gmv(session, first, as_of, undone)
    live: dict[str, float] = {}
    query = (
        select(OrderFact.month, OrderFact.batch_id, func.sum(OrderFact.amount))
        .where(
            OrderFact.counted.is_(True),
            OrderFact.superseded_by.is_(None),
            OrderFact.live_account_id.is_not(None),
            OrderFact.month.between(first, as_of),
        )
        .group_by(OrderFact.month, OrderFact.batch_id)
    )
    for month, batch_id, amount in session.execute(query):
        if batch_id in undone:
            continue
        live[month] = live.get(month, 0.0) + float(amount or 0.0)
    months = sorted(m for m in set(gmv) | {m for m, v in live.items() if v})
    if not months:
        return ()
    return tuple(
        BusinessMonth(m, round(gmv[m], 2) if m in gmv else None, round(live.get(m, 0.0), 2))
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
