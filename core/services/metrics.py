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

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

import numpy as np
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
from core.permissions import Perm, require
from core.services.employees import ensure_visible
from core.services.ladder import custom_metrics
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
    kind: str  # an import source kind of CLI.md, or "manual"
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
    """The resolved monthly figures of every store loaded, who ran which store when, and hand entries.

    ``values[store][month][code]`` is one store-month after the overview-vs-orders precedence;
    ``periods[employee]`` lists (store, start month, end month or None) ownership periods;
    ``manual[employee][code][month]`` holds hand-entered metric values.
    """

    values: dict[int, StoreMonthValues] = field(default_factory=dict)
    sources: dict[int, Sources] = field(default_factory=dict)
    periods: dict[int, list[tuple[int, str, str | None]]] = field(default_factory=dict)
    manual: dict[int, dict[str, dict[str, float]]] = field(default_factory=dict)
    manual_sources: dict[int, dict[str, dict[str, int | None]]] = field(default_factory=dict)
    stores: dict[int, StoreInfo] = field(default_factory=dict)
    batches: dict[int, BatchInfo] = field(default_factory=dict)
    with_sources: bool = False

    # --- what is in it ----------------------------------------------------------------------

    def months(self) -> list[str]:
        """Every month some store or hand entry has a figure for, oldest first."""
        found: set[str] = set()
        for by_month in self.values.values():
            found.update(by_month)
        for by_code in self.manual.values():
            for by_month_manual in by_code.values():
                found.update(by_month_manual)
        return sorted(found)

    def owned_months(self, employee_id: int) -> dict[int, list[str]]:
        """store -> the months (with data) ``employee_id`` ran it, each month once, oldest first."""
        owned: dict[int, set[str]] = defaultdict(set)
        for store_id, start, end in self.periods.get(employee_id, ()):
            for month in self.values.get(store_id, {}):
                if start <= month and (end is None or month <= end):
                    owned[store_id].add(month)
        return {store_id: sorted(owned[store_id]) for store_id in sorted(owned)}

    def store_facts(self, employee_id: int) -> list[StoreMonthValues]:
        """Per store (by id), only the months this employee ran it: what employee_series takes."""
        result: list[StoreMonthValues] = []
        for store_id, months in self.owned_months(employee_id).items():
            by_month = self.values[store_id]
            result.append({m: by_month[m] for m in months})
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
        self,
        employee_ids: Sequence[int],
        months: Sequence[str],
        custom: Mapping[str, mx.Metric] | None = None,
    ) -> dict[str, mx.FloatArray]:
        """Every metric as employees × ``months`` arrays (NaN = no data), rows in ``employee_ids`` order.

        ``months`` must be consecutive (growth compares neighbouring columns). Ownership entries are
        listed store by store, so each cell is summed in the order FactBook.series sums it.
        """
        column = {m: i for i, m in enumerate(months)}
        row_of = {e: i for i, e in enumerate(employee_ids)}
        store_ids = sorted(self.values)
        store_row = {s: i for i, s in enumerate(store_ids)}
        width = len(months)
        codes = sorted(
            {c for by_month in self.values.values() for v in by_month.values() for c in v}
        )
        store_values = {code: np.full((len(store_ids), width), np.nan) for code in codes}
        for store_id, by_month in self.values.items():
            r = store_row[store_id]
            for month, values in by_month.items():
                c = column.get(month)
                if c is None:
                    continue
                for code, value in values.items():
                    store_values[code][r, c] = value
        entries: list[tuple[int, int, int]] = []
        for employee_id in employee_ids:
            e = row_of[employee_id]
            for store_id, owned in self.owned_months(employee_id).items():
                s = store_row[store_id]
                entries.extend((s, e, column[m]) for m in owned if m in column)
        entries.sort()
        owner_store = np.array([x[0] for x in entries], dtype=np.int64)
        owner_employee = np.array([x[1] for x in entries], dtype=np.int64)
        owner_month = np.array([x[2] for x in entries], dtype=np.int64)
        manual: dict[str, mx.FloatArray] = {}
        for employee_id in employee_ids:
            e = row_of[employee_id]
            for code, manual_months in self.manual.get(employee_id, {}).items():
                target = manual.get(code)
                if target is None:
                    target = manual[code] = np.full((len(employee_ids), width), np.nan)
                for month, value in manual_months.items():
                    c = column.get(month)
                    if c is not None:
                        target[e, c] = value
        if not store_values and not manual:
            return {}
        if not store_values:
            store_values = {"gmv": np.full((0, width), np.nan)}
        return mx.employee_arrays(
            store_values,
            owner_employee,
            owner_store,
            owner_month,
            len(employee_ids),
            manual,
            custom,
        )


# --- loading ----------------------------------------------------------------------------------


def _undone_batches(session: Session) -> set[int]:
    return set(session.scalars(select(ImportBatch.id).where(ImportBatch.undone_at.is_not(None))))


def _put(
    target: dict[int, StoreMonthValues],
    sources: dict[int, Sources] | None,
    store_id: int,
    month: str,
    code: str,
    value: object,
    batch_ids: Iterable[int],
) -> None:
    """Set one figure unless a higher-priority source already gave it."""
    if value is None:
        return
    by_code = target.setdefault(store_id, {}).setdefault(month, {})
    if code in by_code:
        return
    # a server database may hand sums back as Decimal
    by_code[code] = float(value) if isinstance(value, int | float) else float(str(value))
    if sources is not None:
        sources.setdefault(store_id, {}).setdefault(month, {})[code] = tuple(sorted(batch_ids))


def _accumulate(sums: list[float | None], figures: Sequence[object]) -> None:
    """Add one row's figures to running sums; a figure nobody reported stays None."""
    for i, value in enumerate(figures):
        if isinstance(value, int | float):
            sums[i] = (sums[i] or 0.0) + float(value)


def load_facts(
    session: Session,
    employee_ids: Iterable[int] | None = None,
    *,
    with_sources: bool = False,
) -> FactBook:
    """Read facts, ownership periods and hand entries (of ``employee_ids`` only, if given)."""
    wanted = None if employee_ids is None else set(employee_ids)
    book = FactBook(with_sources=with_sources)
    ownership_query = select(
        StoreOwnership.employee_id,
        StoreOwnership.store_id,
        StoreOwnership.start_month,
        StoreOwnership.end_month,
    )
    if wanted is not None:
        ownership_query = ownership_query.where(StoreOwnership.employee_id.in_(wanted))
    for employee_id, store_id, start, end in session.execute(ownership_query):
        book.periods.setdefault(employee_id, []).append((store_id, start, end))
    store_filter = None if wanted is None else {s for ps in book.periods.values() for s, _, _ in ps}
    undone = _undone_batches(session)
    sources = book.sources if with_sources else None
    values = book.values

    def restrict(query: _Query, column: Any) -> _Query:
        return query if store_filter is None else query.where(column.in_(store_filter))

    # 1. shop overviews: a monthly row wins over daily rows; the later batch wins between rows
    month_rows = session.execute(
        restrict(
            select(
                StoreMonthFact.store_id,
                StoreMonthFact.month,
                StoreMonthFact.source,
                StoreMonthFact.batch_id,
                StoreMonthFact.gmv,
                StoreMonthFact.visitors,
                StoreMonthFact.paid_buyers,
                StoreMonthFact.old_buyers,
            ).where(StoreMonthFact.superseded_by.is_(None)),
            StoreMonthFact.store_id,
        )
    ).all()
    overview: dict[tuple[int, str], tuple[int, tuple[object, ...]]] = {}
    derived_from_orders: dict[tuple[int, str], tuple[int, tuple[object, ...]]] = {}
    for month_row in month_rows:
        store_id, month, source, batch_id = month_row[:4]
        if batch_id in undone:
            continue
        target = overview if source == OVERVIEW_SOURCE else derived_from_orders
        key = (store_id, month)
        kept = target.get(key)
        if kept is None or batch_id > kept[0]:
            target[key] = (batch_id, tuple(month_row[4:]))
    for (store_id, month), (batch_id, kept_figures) in overview.items():
        for code, value in zip(STORE_FIELDS, kept_figures, strict=True):
            _put(values, sources, store_id, month, code, value, (batch_id,))

    day_rows = session.execute(
        restrict(
            select(
                StoreDayFact.store_id,
                StoreDayFact.day,
                StoreDayFact.month,
                StoreDayFact.batch_id,
                StoreDayFact.gmv,
                StoreDayFact.visitors,
                StoreDayFact.paid_buyers,
                StoreDayFact.old_buyers,
            ).where(StoreDayFact.superseded_by.is_(None)),
            StoreDayFact.store_id,
        )
    ).all()
    latest_day: dict[tuple[int, date], tuple[int, str, tuple[object, ...]]] = {}
    for day_row in day_rows:
        store_id, day, month, batch_id = day_row[:4]
        if batch_id in undone:
            continue
        kept_day = latest_day.get((store_id, day))
        if kept_day is None or batch_id > kept_day[0]:
            latest_day[(store_id, day)] = (batch_id, month, tuple(day_row[4:]))
    day_sums: dict[tuple[int, str], list[float | None]] = {}
    day_batches: dict[tuple[int, str], set[int]] = defaultdict(set)
    for (store_id, _day), (batch_id, month, day_figures) in latest_day.items():
        key = (store_id, month)
        if key in overview:
            continue  # the month's own overview row already counts these days
        _accumulate(day_sums.setdefault(key, [None] * len(STORE_FIELDS)), day_figures)
        day_batches[key].add(batch_id)
    for (store_id, month), sums in day_sums.items():
        for code, day_total in zip(STORE_FIELDS, sums, strict=True):
            _put(values, sources, store_id, month, code, day_total, day_batches[(store_id, month)])

    # 2. orders fill in what no overview gives: GMV, paid buyers
    live_order_filter = (
        OrderFact.counted.is_(True),
        OrderFact.superseded_by.is_(None),
        OrderFact.batch_id.not_in(undone) if undone else OrderFact.batch_id.is_not(None),
    )
    order_totals = session.execute(
        restrict(
            select(
                OrderFact.store_id,
                OrderFact.month,
                func.sum(OrderFact.amount),
                func.count(distinct(OrderFact.buyer_key)),
            )
            .where(*live_order_filter)
            .group_by(OrderFact.store_id, OrderFact.month),
            OrderFact.store_id,
        )
    ).all()
    order_batches: dict[tuple[int, str], list[int]] = defaultdict(list)
    for store_id, month, batch_id in session.execute(
        restrict(
            select(OrderFact.store_id, OrderFact.month, OrderFact.batch_id)
            .where(*live_order_filter)
            .distinct(),
            OrderFact.store_id,
        )
    ):
        order_batches[(store_id, month)].append(batch_id)
    from_orders: set[tuple[int, str]] = set()
    for store_id, month, amount, buyers in order_totals:
        key = (store_id, month)
        from_orders.add(key)
        batch_ids = order_batches[key]
        _put(values, sources, store_id, month, "gmv", amount, batch_ids)
        _put(values, sources, store_id, month, "paid_buyers", buyers or None, batch_ids)
    for (store_id, month), (batch_id, kept_figures) in derived_from_orders.items():
        if (store_id, month) in from_orders:
            continue  # the orders themselves are at hand; their totals were just taken
        for code, value in zip(STORE_FIELDS, kept_figures, strict=True):
            _put(values, sources, store_id, month, code, value, (batch_id,))

    # 3. live accounts: the sessions, then 抖店 orders attributed to the account for live GMV
    live_rows = session.execute(
        restrict(
            select(
                LiveSessionFact.store_id,
                LiveSessionFact.month,
                LiveSessionFact.batch_id,
                func.sum(LiveSessionFact.viewers),
                func.sum(LiveSessionFact.comments),
                func.sum(LiveSessionFact.likes),
                func.sum(LiveSessionFact.buyers),
                func.sum(LiveSessionFact.gmv),
                func.count(LiveSessionFact.id),
            )
            .where(LiveSessionFact.superseded_by.is_(None))
            .group_by(LiveSessionFact.store_id, LiveSessionFact.month, LiveSessionFact.batch_id),
            LiveSessionFact.store_id,
        )
    ).all()
    live_sums: dict[tuple[int, str], list[float | None]] = {}
    live_batches: dict[tuple[int, str], list[int]] = defaultdict(list)
    for live_row in live_rows:
        store_id, month, batch_id = live_row[:3]
        if batch_id in undone:
            continue
        key = (store_id, month)
        _accumulate(live_sums.setdefault(key, [None] * len(LIVE_FIELDS)), live_row[3:])
        live_batches[key].append(batch_id)
    for (store_id, month), sums in live_sums.items():
        for code, live_total in zip(LIVE_FIELDS, sums, strict=True):
            _put(
                values, sources, store_id, month, code, live_total, live_batches[(store_id, month)]
            )
    live_orders = session.execute(
        restrict(
            select(
                OrderFact.live_account_id,
                OrderFact.month,
                func.sum(OrderFact.amount),
            )
            .where(OrderFact.live_account_id.is_not(None), *live_order_filter)
            .group_by(OrderFact.live_account_id, OrderFact.month),
            OrderFact.live_account_id,
        )
    ).all()
    if live_orders:
        live_order_batches: dict[tuple[int, str], list[int]] = defaultdict(list)
        for account_id, month, batch_id in session.execute(
            restrict(
                select(OrderFact.live_account_id, OrderFact.month, OrderFact.batch_id)
                .where(OrderFact.live_account_id.is_not(None), *live_order_filter)
                .distinct(),
                OrderFact.live_account_id,
            )
        ):
            if account_id is not None:
                live_order_batches[(account_id, month)].append(batch_id)
        for account_id, month, amount in live_orders:
            if account_id is None:
                continue
            _put(
                values,
                sources,
                account_id,
                month,
                "live_gmv",
                amount,
                live_order_batches[(account_id, month)],
            )

    # 4. hand-entered values (the latest entry of a month wins)
    manual_query = select(
        ManualMetricValue.employee_id,
        ManualMetricValue.metric,
        ManualMetricValue.month,
        ManualMetricValue.value,
        ManualMetricValue.batch_id,
    ).order_by(ManualMetricValue.id)
    if wanted is not None:
        manual_query = manual_query.where(ManualMetricValue.employee_id.in_(wanted))
    for employee_id, code, month, value, manual_batch in session.execute(manual_query):
        if manual_batch is not None and manual_batch in undone:
            continue
        book.manual.setdefault(employee_id, {}).setdefault(code, {})[month] = float(value)
        if with_sources:
            book.manual_sources.setdefault(employee_id, {}).setdefault(code, {})[month] = (
                manual_batch
            )

    if with_sources:
        used = {
            b
            for by_month in book.sources.values()
            for c in by_month.values()
            for v in c.values()
            for b in v
        }
        used |= {
            b
            for by_code in book.manual_sources.values()
            for by_month_ids in by_code.values()
            for b in by_month_ids.values()
            if b is not None
        }
        if used:
            for row in session.execute(
                select(
                    ImportBatch.id,
                    ImportBatch.file_name,
                    ImportBatch.source,
                    ImportBatch.created_at,
                ).where(ImportBatch.id.in_(used))
            ):
                book.batches[row[0]] = BatchInfo(row[0], row[1], row[2], row[3])
        store_ids = set(book.values) | {s for ps in book.periods.values() for s, _, _ in ps}
        if store_ids:
            for store_id, name, platform, kind in session.execute(
                select(Store.id, Store.name, Store.platform, Store.kind).where(
                    Store.id.in_(store_ids)
                )
            ):
                book.stores[store_id] = StoreInfo(store_id, name, platform, kind)
    return book


def latest_data_month(session: Session) -> str | None:
    """The newest month any imported or hand-entered metric figure exists for."""
    found: list[str] = []
    for column, superseded in (
        (StoreMonthFact.month, StoreMonthFact.superseded_by),
        (StoreDayFact.month, StoreDayFact.superseded_by),
        (OrderFact.month, OrderFact.superseded_by),
        (LiveSessionFact.month, LiveSessionFact.superseded_by),
    ):
        value = session.scalar(select(func.max(column)).where(superseded.is_(None)))
        if value:
            found.append(value)
    manual = session.scalar(select(func.max(ManualMetricValue.month)))
    if manual:
        found.append(manual)
    return max(found) if found else None


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


def employee_kpi(app: AppSession, employee_id: int) -> EmployeeKpi:
    """Every metric ``employee_id`` has data for, month by month, with where each number came from."""
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        ensure_visible(s, app.actor, employee_id)
        custom = custom_metrics(s)
        book = load_facts(s, [employee_id], with_sources=True)
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
    return EmployeeKpi(employee_id, months, tuple(found))
