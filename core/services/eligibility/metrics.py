"""Monthly metric series per employee, loaded from the imported facts through who ran which store when.

The rule semantics live in core/domain (metrics.employee_series / employee_arrays); the
eligibility services read the company file through this module:

* ``load_facts`` lays the facts out in a ``FactBook``: fact_loading.py says how (overview
  authoritative, daily rows summed, orders filling in, superseded and undone rows ignored, every
  number keeping its batches); the FactBook (fact_book.py) maps them to people through their
  StoreOwnership periods;
* ``latest_data_month`` / ``default_as_of``: the newest month with (nearly) complete data;
* ``employee_kpi``: one employee's KPI tab, with where each number came from.

The FactBook's names and ``load_facts`` stay importable from here, where callers use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from sqlalchemy import func, or_, select
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
)
from core.permissions import Perm, require
from core.services.archive.employees import ensure_visible
from core.services.eligibility.fact_book import (
    LIVE_FIELDS,
    MANUAL_SOURCE,
    OVERVIEW_SOURCE,
    STORE_FIELDS,
    BatchInfo,
    FactBook,
    SourceRef,
    Sources,
    StoreInfo,
    StoreMonthValues,
)
from core.services.eligibility.fact_loading import RETURNING_LOOKBACK, load_facts
from core.services.ladder.saving import custom_metrics
from core.session import AppSession

__all__ = [
    "LIVE_FIELDS",
    "MANUAL_SOURCE",
    "OVERVIEW_SOURCE",
    "RETURNING_LOOKBACK",
    "STORE_FIELDS",
    "BatchInfo",
    "EmployeeKpi",
    "FactBook",
    "MetricSeries",
    "SourceRef",
    "Sources",
    "StoreInfo",
    "StoreMonthValues",
    "default_as_of",
    "describe_source",
    "employee_kpi",
    "latest_data_month",
    "load_facts",
    "source_name",
]

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
