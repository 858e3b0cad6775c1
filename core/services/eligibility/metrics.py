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
    StoreOwnership,
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
    "DEFAULT_SPAN",
    "LIVE_FIELDS",
    "MANUAL_SOURCE",
    "OVERVIEW_SOURCE",
    "RETURNING_LOOKBACK",
    "SPANS",
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
    "newest_data_month",
    "source_name",
]

# Sources whose rows are dated within the month (daily overviews, orders): a month of theirs
# counts only once its rows reach the last week (months.COMPLETE_FROM_DAY).
_DATED_SOURCES = ("sycm-shop", "taobao-orders", "douyin-orders")


def _data_months(session: Session) -> tuple[str, list[str]]:
    """(floor, batch months): the newest month of the small tables (monthly overviews, live
    sessions, hand entries; their month indexes answer it) and every month that the live
    batches of dated sources (daily overviews, orders) say they hold."""
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
    batch_months = [
        month
        for months in session.scalars(
            select(ImportBatch.months).where(
                ImportBatch.undone_at.is_(None), ImportBatch.source.in_(_DATED_SOURCES)
            )
        )
        for month in months or ()
        if isinstance(month, str)
    ]
    return max(found, default=""), batch_months


def latest_data_month(session: Session, known: tuple[str, list[str]] | None = None) -> str | None:
    """The newest month with (nearly) complete imported or hand-entered metric figures.

    Called whenever the 达标名单 or a KPI tab opens: the small tables (monthly overviews, live
    sessions, hand entries) are asked for their newest month; daily rows and orders, millions
    of them after a few years, are only looked up month by month, newest first, through the
    store/month indexes. ``known``: what ``_data_months`` already read in this transaction.
    """
    floor, batch_months = known if known is not None else _data_months(session)
    candidates = {month for month in batch_months if month > floor}
    if candidates:
        store_ids = list(session.scalars(select(Store.id)))
        for month in sorted(candidates, reverse=True):
            if _reaches_last_week(session, store_ids, month):
                return month
    return floor or None


def newest_data_month(session: Session, known: tuple[str, list[str]] | None = None) -> str | None:
    """The newest month with any imported or hand-entered figure, complete or not."""
    floor, batch_months = known if known is not None else _data_months(session)
    return max([floor, *batch_months]) or None


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
    months: tuple[str, ...]  # consecutive, oldest first, covering every month with data shown
    metrics: tuple[MetricSeries, ...]  # catalogue order, then the owner's metrics
    # the company's newest month with (nearly) complete data; later months hold only a part of
    # theirs (orders paid just after a month ended, a month still running) and say so
    complete_until: str | None = None
    # how many whole months the tab shows (the newest ones and any part month after them);
    # None: every month with data
    span: int | None = None
    # the employee ran stores or has hand entries before the first month shown
    earlier: bool = False

    def incomplete(self, month: str) -> bool:
        return self.complete_until is not None and month > self.complete_until


# What the KPI tab shows unless asked for more: a year, newest first. Three years of 36 months
# are there under 全部月份, but a tab that opens on them reads three times the facts.
DEFAULT_SPAN = 12
SPANS = (12, 24, None)


def _employee_months(session: Session, employee_id: int) -> tuple[str | None, str | None, bool]:
    """(first, last, open): the months the employee ran a store or has hand entries for; ``open``
    when a store of theirs has no end month yet."""
    starts: list[str] = []
    ends: list[str] = []
    still_running = False
    for start, end in session.execute(
        select(StoreOwnership.start_month, StoreOwnership.end_month).where(
            StoreOwnership.employee_id == employee_id
        )
    ):
        starts.append(start)
        if end is None:
            still_running = True
        else:
            ends.append(end)
    low, high = session.execute(
        select(func.min(ManualMetricValue.month), func.max(ManualMetricValue.month)).where(
            ManualMetricValue.employee_id == employee_id
        )
    ).one()
    if low:
        starts.append(low)
        ends.append(high)
    return min(starts, default=None), max(ends, default=None), still_running


def _window(
    session: Session, employee_id: int, span: int, newest: str | None, complete_until: str | None
) -> tuple[tuple[str, str] | None, str | None, bool]:
    """(months to read, first month shown, earlier data exists) for the newest ``span`` months.

    The window ends at the employee's newest month with data (their last store month, or the
    company's newest month while they still run one) and counts ``span`` whole months back from
    the newest complete one; a month more is read, for the first month's growth."""
    first_own, last_own, running = _employee_months(session, employee_id)
    if newest is None or first_own is None:
        return None, None, False
    last = newest if running or last_own is None else min(last_own, newest)
    anchor = min(last, complete_until) if complete_until else last
    first = mo.add(anchor, -(span - 1))
    return (mo.add(first, -1), last), first, first_own < first


def employee_kpi(
    app: AppSession, employee_id: int, *, span: int | None = DEFAULT_SPAN
) -> EmployeeKpi:
    """The metrics ``employee_id`` has data for, month by month, with where each number came from.

    ``span``: the newest that many whole months (plus a part month after them); None: all."""
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    if span is not None and span < 1:
        raise ValueError(f"span must be at least 1 month, not {span}")
    with app.read() as s:
        ensure_visible(s, app.actor, employee_id)
        custom = custom_metrics(s)
        data_months = _data_months(s)
        complete_until = latest_data_month(s, data_months)
        window: tuple[str, str] | None = None
        first_shown: str | None = None
        earlier = False
        if span is not None:
            window, first_shown, earlier = _window(
                s, employee_id, span, newest_data_month(s, data_months), complete_until
            )
        book = load_facts(s, [employee_id], months=window, with_sources=True)
    series = book.series(employee_id, custom)
    sources = book.sources_of(employee_id)
    found: list[MetricSeries] = []
    all_months: set[str] = set()
    known = [*mx.CATALOGUE.values(), *custom.values()]
    for metric in known:
        by_month = {
            m: float(v)
            for m, v in series.get(metric.code, {}).items()
            if v is not None and not np.isnan(v) and (first_shown is None or m >= first_shown)
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
    return EmployeeKpi(employee_id, months, tuple(found), complete_until, span, earlier)


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
