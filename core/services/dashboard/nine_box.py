"""The 9宫格 from the latest review cycle's scores (the latest with any).

Formulas: see the package docstring (core/services/dashboard/__init__.py)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import periods, scoring
from core.domain.rules import KPI_KINDS
from core.model import (
    Employee,
    ReviewCycle,
    ScoreEntry,
)
from core.services.dashboard.figures import NineBox, NineBoxEntry, PersonRef, Settings, band
from core.services.eligibility import readiness as el
from core.services.eligibility.readiness import evaluation_scores


def _latest_period(session: Session, scope: set[int] | None) -> tuple[str | None, str | None]:
    """(period name, as-of month) of the latest review cycle with scores for anyone in
    ``scope`` (a cycle just opened, nobody rated yet, would empty the 9宫格 for everyone), else
    of the latest cycle, else of the latest scores."""
    cycles = session.scalars(
        select(ReviewCycle).order_by(
            ReviewCycle.as_of.desc(), ReviewCycle.created_at.desc(), ReviewCycle.id.desc()
        )
    ).all()
    if cycles:
        rated: set[str] = set()
        for employee_id, period in session.execute(
            select(ScoreEntry.employee_id, ScoreEntry.period).distinct()
        ):
            if scope is None or employee_id in scope:
                rated.add(period)
        scored = next((c for c in cycles if c.name in rated), cycles[0])
        return scored.name, scored.as_of
    seen: dict[str, periods.PeriodSeen] = {}
    for employee_id, period, scored_on, entry_id in session.execute(
        select(ScoreEntry.employee_id, ScoreEntry.period, ScoreEntry.scored_on, ScoreEntry.id)
    ):
        if scope is not None and employee_id not in scope:
            continue
        seen.setdefault(period, periods.PeriodSeen()).saw(scored_on, entry_id)
    return periods.latest_period(seen, {}), None


def _kpi_performance(candidate: el.Candidate) -> float | None:
    values = [
        a
        for spec, a in zip(candidate.transition.rules, candidate.attainment, strict=True)
        if spec.kind in KPI_KINDS
    ]
    if not values:
        return None
    return sum(values) / len(values) * scoring.WEIGHT_TOTAL


def _nine_box(
    session: Session,
    scope: set[int] | None,
    found: el.EligibilityList,
    settings_: Settings,
) -> NineBox:
    period, _ = _latest_period(session, scope)
    if period is None:
        return NineBox(None, settings_.low, settings_.high, ())
    ratings: dict[int, list[tuple[str, str, float]]] = defaultdict(list)
    for employee_id, part, item, score in session.execute(
        select(ScoreEntry.employee_id, ScoreEntry.part, ScoreEntry.item, ScoreEntry.score).where(
            ScoreEntry.period == period
        )
    ):
        if scope is None or employee_id in scope:
            ratings[employee_id].append((part, item, float(score)))
    source = found
    people = {c.person.id: c.person for c in source.candidates}
    # per person, their first promotion's rubric and KPI part: what their evaluation is scored by
    judged_by: dict[int, tuple[scoring.EvaluationTemplate, float | None]] = {}
    for c in source.candidates:
        if c.transition.kind == "promotion" and c.person.id not in judged_by:
            template = c.transition.template or scoring.DEFAULT_TEMPLATE
            judged_by[c.person.id] = (template, _kpi_performance(c))
    names = {
        i: (no, name)
        for i, no, name in session.execute(
            select(Employee.id, Employee.no, Employee.name).where(Employee.id.in_(list(ratings)))
        )
    }
    entries: list[NineBoxEntry] = []
    unplaced: list[PersonRef] = []
    for employee_id, rows in ratings.items():
        # the parts as the evaluation report scores them (its rubric's item weights; no part
        # until each of its items is rated): a plain mean of the items rated so far put 陈静 at
        # 潜力 中 while her report said 潜力 — (评分未完成)
        judged = judged_by.get(employee_id)
        parts = (
            evaluation_scores(judged[0], scoring.average_ratings(rows), judged[1]) if judged else {}
        )
        perf, potential = parts.get("performance"), parts.get("potential")
        person = people.get(employee_id)
        no, name = names.get(employee_id, ("", ""))
        if person is None or perf is None or potential is None:
            unplaced.append(
                PersonRef(
                    employee_id,
                    no,
                    name,
                    person.track if person else "",
                    person.level if person else "",
                )
            )
            continue
        entries.append(
            NineBoxEntry(
                employee_id,
                person.no,
                person.name,
                person.track,
                person.level,
                round(perf, 2),
                round(potential, 2),
                band(perf, settings_.low, settings_.high),
                band(potential, settings_.low, settings_.high),
            )
        )
    entries.sort(key=lambda e: e.no)
    unplaced.sort(key=lambda p: p.no)
    return NineBox(period, settings_.low, settings_.high, tuple(entries), tuple(unplaced))
