"""Monthly values of the metrics that no store export delivers, entered by hand or imported.

Some criteria are about figures only the team knows: 库存周转天数, 30日留存率, 报表准确率 and the
owner's own metrics (catalogue source "manual"). HR enters them per employee and month on the
KPI tab, or imports them with Tidui's 指标数据 template (``archive_import.apply_metric_values``).

Each value is a ``ManualMetricValue`` row; for one employee, metric and month the newest row wins
(the KPI engine, core/services/eligibility/metrics.py, reads them in id order). Entering a value by hand
replaces the earlier hand-entered one; an imported value stays with its batch, so undoing the
batch in 导入记录 brings back exactly what was there before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import explain as ex
from core.domain import metrics as mx
from core.domain import months as mo
from core.errors import NotFound, ValidationError
from core.i18n import Message
from core.importers import values as cell
from core.model import ImportBatch, ManualMetricValue
from core.permissions import Perm, require
from core.services.archive.employees import ensure_visible
from core.services.ladder.saving import custom_metrics
from core.session import AppSession, UnitOfWork

NOTE_MAX = 200


@dataclass(frozen=True)
class MetricValueRow:
    """One entered value as the KPI tab lists it."""

    id: int
    employee_id: int
    metric: mx.Metric
    month: str
    value: float
    note: str
    batch_id: int | None  # None: entered by hand
    file_name: str | None  # the imported file, for imported values
    effective: bool  # False when a newer value of the same month replaced it

    @property
    def by_hand(self) -> bool:
        return self.batch_id is None


def entry_metrics(app: AppSession) -> list[mx.Metric]:
    """The metrics a value can be entered for: the catalogue's manual ones, then the owner's."""
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        return entry_metrics_in(s)


def entry_metrics_in(session: Session) -> list[mx.Metric]:
    built_in = [m for m in mx.CATALOGUE.values() if "manual" in m.sources]
    return [*built_in, *custom_metrics(session).values()]


def find_metric(text: str, metrics: list[mx.Metric]) -> mx.Metric | None:
    """The metric named ``text``: its code, Chinese or English name (blanks and case ignored)."""
    wanted = "".join(str(text).split()).lower()
    for metric in metrics:
        names = (metric.code, metric.name_zh, metric.name_en)
        if wanted in {"".join(n.split()).lower() for n in names if n}:
            return metric
    return None


def range_problem(metric: mx.Metric, value: float) -> Message | None:
    """Why ``value`` (stored scale: 0.125 for 12.5%) is not plausible for ``metric``, or None."""
    low, high = metric.min_value, metric.max_value
    if (low is None or value >= low) and (high is None or value <= high):
        return None
    shown = ex.observed_term(metric.unit, value)

    def bound(value: float | None, lang: str) -> str:
        return "…" if value is None else ex.observed_term(metric.unit, value).text(lang)

    bounds = ex.term(*(f"{bound(low, lang)} – {bound(high, lang)}" for lang in ("zh", "en")))
    code = "metric_values.percent_scale" if metric.unit == "percent" else "metric_values.range"
    return Message(code, {"metric": _name(metric), "value": shown, "range": bounds})


def _name(metric: mx.Metric) -> Message:
    return ex.term(metric.name_zh, metric.name_en)


def parse_value(metric: mx.Metric, raw: object) -> float:
    """A cell or typed text as the stored value: "12.5%" and 0.125 are both 12.5% for a percent
    metric; "1,234" and "¥88" for amounts. Raises ``ValidationError`` naming what was expected."""
    value = raw if isinstance(raw, int | float | str) else str(raw)
    if metric.unit == "percent":
        parsed = cell.parse_rate(value, "decimal")  # a bare number is a fraction, "%" divides
    else:
        parsed = cell.parse_money(value)
    if parsed.value is None:
        code = (
            "metric_values.bad_percent" if metric.unit == "percent" else "metric_values.bad_number"
        )
        raise ValidationError(code, text=str(raw), metric=_name(metric))
    return float(parsed.value)


def list_values(app: AppSession, employee_id: int) -> list[MetricValueRow]:
    """Every entered value of ``employee_id``, newest month first, hand-entered and imported."""
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        ensure_visible(s, app.actor, employee_id)
        known = {m.code: m for m in entry_metrics_in(s)}
        rows = s.execute(
            select(ManualMetricValue, ImportBatch.file_name, ImportBatch.undone_at)
            .outerjoin(ImportBatch, ManualMetricValue.batch_id == ImportBatch.id)
            .where(ManualMetricValue.employee_id == employee_id)
            .order_by(ManualMetricValue.id)
        ).all()
    latest: dict[tuple[str, str], int] = {}
    kept = []
    for value, file_name, undone_at in rows:
        if value.batch_id is not None and undone_at is not None:
            continue
        kept.append((value, file_name))
        latest[(value.metric, value.month)] = value.id
    found = [
        MetricValueRow(
            value.id,
            value.employee_id,
            known.get(value.metric) or mx.custom_metric(value.metric, value.metric),
            value.month,
            float(value.value),
            value.note or "",
            value.batch_id,
            file_name,
            latest[(value.metric, value.month)] == value.id,
        )
        for value, file_name in kept
    ]
    found.sort(key=lambda r: (r.month, r.metric.code, r.id), reverse=True)
    return found


def not_enterable(name: str) -> Message:
    """Why no value can be entered for the metric named ``name`` (code or name)."""
    built_in = find_metric(name, list(mx.CATALOGUE.values()))
    if built_in is not None:
        return Message("metric_values.from_imports", {"metric": _name(built_in)})
    return Message("metric_values.unknown_metric", {"metric": name})


def check_entry(
    metrics: Mapping[str, mx.Metric], code: str, month: str, value: float
) -> list[Message]:
    """What is wrong with an entry (empty when it can be saved)."""
    problems: list[Message] = []
    metric = metrics.get(code)
    if metric is None:
        problems.append(not_enterable(code))
    if not mo.is_month(month):
        problems.append(Message("metric_values.bad_month", {"text": month}))
    if metric is not None:
        problem = range_problem(metric, value)
        if problem is not None:
            problems.append(problem)
    return problems


def set_value(
    app: AppSession, employee_id: int, code: str, month: str, value: float, note: str = ""
) -> int:
    """Enter ``value`` for ``employee_id``'s ``code`` in ``month`` by hand (replacing an earlier
    hand-entered value of that month); returns the new row's id."""
    require(app.actor, Perm.EDIT_EMPLOYEES)
    with app.uow() as uow:
        ensure_visible(uow.session, app.actor, employee_id)
        metrics = {m.code: m for m in entry_metrics_in(uow.session)}
        problems = check_entry(metrics, code, month, value)
        if problems:
            raise ValidationError(problems[0].code, **problems[0].params)
        new_id = set_value_in(uow, employee_id, code, month, value, note)
        uow.commit()
        return new_id


def set_value_in(
    uow: UnitOfWork,
    employee_id: int,
    code: str,
    month: str,
    value: float,
    note: str = "",
    batch_id: int | None = None,
) -> int:
    """Write one checked value inside ``uow`` (by hand: replaces the hand-entered one)."""
    s = uow.session
    before = None
    if batch_id is None:
        for old in s.scalars(
            select(ManualMetricValue).where(
                ManualMetricValue.employee_id == employee_id,
                ManualMetricValue.metric == code,
                ManualMetricValue.month == month,
                ManualMetricValue.batch_id.is_(None),
            )
        ).all():
            before = float(old.value)
            s.delete(old)
        s.flush()
    row = ManualMetricValue(
        employee_id=employee_id,
        metric=code,
        month=month,
        value=float(value),
        note=note.strip()[:NOTE_MAX],
        batch_id=batch_id,
    )
    s.add(row)
    s.flush()
    uow.audit(
        "metric_value.set",
        "metric_value",
        row.id,
        before={"value": before} if before is not None else None,
        after={
            "employee_id": employee_id,
            "metric": code,
            "month": month,
            "value": float(value),
            "batch": batch_id,
        },
    )
    return row.id


def delete_value(app: AppSession, value_id: int) -> None:
    """Delete a hand-entered value (imported ones go with their batch, in 导入记录)."""
    require(app.actor, Perm.EDIT_EMPLOYEES)
    with app.uow() as uow:
        row = uow.session.get(ManualMetricValue, value_id)
        if row is None:
            raise NotFound("metric_values.not_found", id=value_id)
        ensure_visible(uow.session, app.actor, row.employee_id)
        if row.batch_id is not None:
            batch = uow.session.get(ImportBatch, row.batch_id)
            raise ValidationError(
                "metric_values.imported", file=batch.file_name if batch is not None else "?"
            )
        uow.audit(
            "metric_value.delete",
            "metric_value",
            row.id,
            before={
                "employee_id": row.employee_id,
                "metric": row.metric,
                "month": row.month,
                "value": float(row.value),
            },
        )
        uow.session.delete(row)
        uow.commit()
