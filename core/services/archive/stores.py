"""Stores and live accounts, and who runs each of them in which months: the link from store data to people.

A store's monthly figures become an employee's KPIs through ownership periods (start month to end
month, inclusive, end open while they still run it). Two people may run one store in the same
month (each gets its full figures, docs/design.md); one person may not hold two overlapping periods
on the same store, which would count it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain import months as mo
from core.errors import NotFound, ValidationError
from core.model import Employee, Store, StoreOwnership
from core.model.facts import LiveSessionFact, OrderFact, StoreDayFact, StoreMonthFact
from core.permissions import Perm, require
from core.services.archive.employees import ensure_visible, visible_ids
from core.session import AppSession, UnitOfWork

LIVE_PLATFORM = "抖音直播"
PLATFORMS = ("天猫", "淘宝", "抖音", LIVE_PLATFORM, "京东", "拼多多", "快手", "小红书", "微信")
# How platforms are written in spreadsheets -> the name Tidui stores.
_PLATFORM_SYNONYMS = {
    "tmall": "天猫",
    "天猫商城": "天猫",
    "taobao": "淘宝",
    "淘宝网": "淘宝",
    "douyin": "抖音",
    "抖店": "抖音",
    "抖音小店": "抖音",
    "抖音电商": "抖音",
    "douyin live": LIVE_PLATFORM,
    "抖音直播间": LIVE_PLATFORM,
    "直播": LIVE_PLATFORM,
    "jd": "京东",
    "pdd": "拼多多",
    "kuaishou": "快手",
    "xiaohongshu": "小红书",
}


@dataclass(frozen=True)
class OwnershipRow:
    id: int
    store_id: int
    store: str
    platform: str
    kind: str
    employee_id: int
    employee_no: str
    employee_name: str
    start_month: str
    end_month: str | None
    from_import: bool

    def covers(self, month: str) -> bool:
        return self.start_month <= month and (self.end_month is None or month <= self.end_month)


@dataclass(frozen=True)
class StoreRow:
    id: int
    name: str
    platform: str
    kind: str
    aliases: tuple[str, ...]


def normalise_platform(text: str) -> str:
    value = " ".join(text.split())
    return _PLATFORM_SYNONYMS.get(value.lower(), value)


def kind_for(platform: str) -> str:
    return "live_account" if platform == LIVE_PLATFORM else "shop"


def _month(value: str | None, field: str, *, required: bool) -> str | None:
    if value is None or not str(value).strip():
        if required:
            raise ValidationError("archive.store.month_required", field=field)
        return None
    return mo.parse(str(value))


def check_period(start: str, end: str | None) -> None:
    if end is not None and mo.index(end) < mo.index(start):
        raise ValidationError(
            "archive.store.end_before_start", field="end_month", start=start, end=end
        )


def periods_overlap(a_start: str, a_end: str | None, b_start: str, b_end: str | None) -> bool:
    """True when two inclusive month periods (None = still open) share at least one month."""
    a_last = a_end or "9999-12"
    b_last = b_end or "9999-12"
    return a_start <= b_last and b_start <= a_last


# --- stores -----------------------------------------------------------------------------------


def find_store(session: Session, name: str, platform: str | None = None) -> Store | None:
    """The store called ``name`` (or having it as an alias), on ``platform`` when given."""
    wanted = name.strip()
    query = select(Store)
    if platform:
        query = query.where(Store.platform == normalise_platform(platform))
    candidates = session.scalars(query).all()
    for store in candidates:
        if store.name == wanted:
            return store
    for store in candidates:
        if wanted in (store.aliases or []):
            return store
    return None


def list_stores(app: AppSession) -> list[StoreRow]:
    with app.read() as s:
        return [
            StoreRow(st.id, st.name, st.platform, st.kind, tuple(st.aliases or ()))
            for st in s.scalars(select(Store).order_by(Store.platform, Store.name))
        ]


def add_store_in(
    uow: UnitOfWork, name: str, platform: str, aliases: list[str] | None = None
) -> Store:
    name = " ".join(name.split())
    platform = normalise_platform(platform or "")
    if not name:
        raise ValidationError("archive.store.name_required", field="name")
    if not platform:
        raise ValidationError("archive.store.platform_required", field="platform")
    if find_store(uow.session, name, platform) is not None:
        raise ValidationError("archive.store.exists", field="name", name=name, platform=platform)
    store = Store(
        name=name,
        platform=platform,
        kind=kind_for(platform),
        aliases=[a.strip() for a in aliases or [] if a.strip()],
    )
    uow.session.add(store)
    uow.session.flush()
    uow.audit(
        "store.create",
        "store",
        store.id,
        after={"name": name, "platform": platform, "kind": store.kind, "aliases": store.aliases},
    )
    return store


def add_store(app: AppSession, name: str, platform: str, aliases: list[str] | None = None) -> int:
    require(app.actor, Perm.EDIT_EMPLOYEES)
    with app.uow() as uow:
        store = add_store_in(uow, name, platform, aliases)
        uow.commit()
        return store.id


def store_has_data(session: Session, store_id: int) -> bool:
    for table in (StoreDayFact, StoreMonthFact, LiveSessionFact):
        if session.scalar(select(table.id).where(table.store_id == store_id).limit(1)) is not None:
            return True
    return _has_orders(session, store_id)


def _has_orders(session: Session, store_id: int) -> bool:
    """Whether any order is the store's, asked month by month: the orders' index is month
    first (ix_order_month_store), so each question is a seek, where asking by store alone
    would read every order of the file (millions after a few years) to find none."""
    earliest = select(func.min(OrderFact.month))
    month = session.scalar(earliest)
    while month is not None:
        found = select(OrderFact.id).where(OrderFact.month == month, OrderFact.store_id == store_id)
        if session.scalar(found.limit(1)) is not None:
            return True
        month = session.scalar(earliest.where(OrderFact.month > month))
    return False


def delete_store(app: AppSession, store_id: int) -> None:
    """Only a store without imported data can go (its data would silently vanish otherwise)."""
    require(app.actor, Perm.EDIT_EMPLOYEES)
    with app.uow() as uow:
        store = uow.session.get(Store, store_id)
        if store is None:
            raise NotFound("archive.store.not_found", id=store_id)
        if store_has_data(uow.session, store_id):
            raise ValidationError("archive.store.has_data", name=store.name)
        uow.audit(
            "store.delete",
            "store",
            store.id,
            before={"name": store.name, "platform": store.platform},
        )
        uow.session.delete(store)
        uow.commit()


# --- ownership periods ------------------------------------------------------------------------


def _rows(session: Session, query: Any) -> list[OwnershipRow]:
    result = []
    for own, store, emp in session.execute(query):
        result.append(
            OwnershipRow(
                own.id,
                store.id,
                store.name,
                store.platform,
                store.kind,
                emp.id,
                emp.no,
                emp.name,
                own.start_month,
                own.end_month,
                own.batch_id is not None,
            )
        )
    return result


def _ownership_query() -> Any:
    return (
        select(StoreOwnership, Store, Employee)
        .join(Store, Store.id == StoreOwnership.store_id)
        .join(Employee, Employee.id == StoreOwnership.employee_id)
        .order_by(StoreOwnership.start_month, Store.name)
    )


def ownerships_of(app: AppSession, employee_id: int) -> list[OwnershipRow]:
    """The stores and live accounts one employee runs or ran (负责店铺/直播账号 tab)."""
    with app.read() as s:
        ensure_visible(s, app.actor, employee_id)
        return _rows(s, _ownership_query().where(StoreOwnership.employee_id == employee_id))


def all_ownerships(app: AppSession) -> list[OwnershipRow]:
    """Every period the actor may see (supervisors: their team's)."""
    with app.read() as s:
        scope = visible_ids(s, app.actor)
        query = _ownership_query()
        if scope is not None:
            query = query.where(StoreOwnership.employee_id.in_(scope))
        return _rows(s, query)


def owners_in_month(session: Session, store_id: int, month: str) -> list[int]:
    """Who ran ``store_id`` in ``month`` (each gets the store's full figures)."""
    found = session.scalars(
        select(StoreOwnership).where(
            StoreOwnership.store_id == store_id, StoreOwnership.start_month <= month
        )
    )
    return sorted({o.employee_id for o in found if o.end_month is None or month <= o.end_month})


def check_ownership(
    session: Session,
    store_id: int,
    employee_id: int,
    start: str,
    end: str | None,
    ignore_id: int | None = None,
) -> None:
    """Raise when the period is backwards or overlaps the same person's period on the same store."""
    check_period(start, end)
    for other in session.scalars(
        select(StoreOwnership).where(
            StoreOwnership.store_id == store_id, StoreOwnership.employee_id == employee_id
        )
    ):
        if other.id != ignore_id and periods_overlap(
            start, end, other.start_month, other.end_month
        ):
            raise ValidationError(
                "archive.store.overlap",
                field="start_month",
                start=other.start_month,
                end=other.end_month or "…",
            )


def add_ownership_in(
    uow: UnitOfWork,
    store_id: int,
    employee_id: int,
    start_month: str,
    end_month: str | None = None,
    batch_id: int | None = None,
) -> StoreOwnership:
    s = uow.session
    store = s.get(Store, store_id)
    if store is None:
        raise NotFound("archive.store.not_found", id=store_id)
    start = _month(start_month, "start_month", required=True)
    assert start is not None
    end = _month(end_month, "end_month", required=False)
    check_ownership(s, store_id, employee_id, start, end)
    own = StoreOwnership(
        store_id=store_id,
        employee_id=employee_id,
        start_month=start,
        end_month=end,
        batch_id=batch_id,
    )
    s.add(own)
    s.flush()
    uow.audit(
        "store.owner_add",
        "store_ownership",
        own.id,
        after={
            "store": store.name,
            "platform": store.platform,
            "employee_id": employee_id,
            "start_month": start,
            "end_month": end,
            "batch": batch_id,
        },
    )
    return own


def add_ownership(
    app: AppSession, store_id: int, employee_id: int, start_month: str, end_month: str | None = None
) -> int:
    require(app.actor, Perm.EDIT_EMPLOYEES)
    with app.uow() as uow:
        ensure_visible(uow.session, app.actor, employee_id)
        own = add_ownership_in(uow, store_id, employee_id, start_month, end_month)
        uow.commit()
        return own.id


def update_ownership(
    app: AppSession, ownership_id: int, start_month: str, end_month: str | None
) -> None:
    require(app.actor, Perm.EDIT_EMPLOYEES)
    with app.uow() as uow:
        own = uow.session.get(StoreOwnership, ownership_id)
        if own is None:
            raise NotFound("archive.store.period_not_found", id=ownership_id)
        start = _month(start_month, "start_month", required=True)
        assert start is not None
        end = _month(end_month, "end_month", required=False)
        check_ownership(uow.session, own.store_id, own.employee_id, start, end, ignore_id=own.id)
        before = {"start_month": own.start_month, "end_month": own.end_month}
        own.start_month, own.end_month = start, end
        uow.audit(
            "store.owner_update",
            "store_ownership",
            own.id,
            before=before,
            after={"start_month": start, "end_month": end},
        )
        uow.commit()


def remove_ownership(app: AppSession, ownership_id: int) -> None:
    require(app.actor, Perm.EDIT_EMPLOYEES)
    with app.uow() as uow:
        own = uow.session.get(StoreOwnership, ownership_id)
        if own is None:
            raise NotFound("archive.store.period_not_found", id=ownership_id)
        uow.audit(
            "store.owner_remove",
            "store_ownership",
            own.id,
            before={
                "store_id": own.store_id,
                "employee_id": own.employee_id,
                "start_month": own.start_month,
                "end_month": own.end_month,
            },
        )
        uow.session.delete(own)
        uow.commit()


def hand_over(app: AppSession, store_id: int, to_employee_id: int, from_month: str) -> int:
    """店铺交接: open periods of others end the month before ``from_month``; the new owner starts then."""
    require(app.actor, Perm.EDIT_EMPLOYEES)
    start = mo.parse(from_month)
    with app.uow() as uow:
        s = uow.session
        ensure_visible(s, app.actor, to_employee_id)
        last = mo.add(start, -1)
        for own in s.scalars(
            select(StoreOwnership).where(
                StoreOwnership.store_id == store_id,
                StoreOwnership.end_month.is_(None),
                StoreOwnership.employee_id != to_employee_id,
            )
        ):
            if own.start_month <= last:
                uow.audit(
                    "store.owner_update",
                    "store_ownership",
                    own.id,
                    before={"end_month": None},
                    after={"end_month": last},
                )
                own.end_month = last
        own = add_ownership_in(uow, store_id, to_employee_id, start)
        uow.commit()
        return own.id
