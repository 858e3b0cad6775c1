"""Promotion efficiency 晋升效率: decided and open cases.

Formulas: see the package docstring (core/services/dashboard/__init__.py)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.model import (
    CaseStep,
    Employee,
    PromotionCase,
    ReviewCycle,
)
from core.services.dashboard.figures import ENDED_STATES, OPEN_CASE_STATES, CaseFigures, OpenCase


def _days(later: datetime, earlier: datetime) -> float:
    """Days between two moments, 2 decimals (as ``promotion.cases`` counts them); a naive time
    (SQLite hands them back without a zone) is UTC."""
    if later.tzinfo is None:
        later = later.replace(tzinfo=UTC)
    if earlier.tzinfo is None:
        earlier = earlier.replace(tzinfo=UTC)
    return round((later - earlier).total_seconds() / 86400, 2)


def _cases(session: Session, scope: set[int] | None, now: datetime | None = None) -> CaseFigures:
    """Read straight from the case rows in three queries (``promotion.cases.list_cases`` builds a
    full summary per case, a dozen queries each: too slow for a page that opens first)."""
    from core.services.promotion.cases import waiting_role

    now = now or datetime.now(UTC)
    rows = [
        c
        for c in session.scalars(select(PromotionCase).order_by(PromotionCase.id.desc()))
        if scope is None or c.employee_id in scope
    ]
    if not rows:
        return CaseFigures(0, None, None, (), (), ())
    ids = [c.id for c in rows]
    last_move = dict(
        session.execute(
            select(CaseStep.case_id, func.max(CaseStep.at))
            .where(CaseStep.case_id.in_(ids))
            .group_by(CaseStep.case_id)
        ).all()
    )
    people = {
        i: (no, name)
        for i, no, name in session.execute(
            select(Employee.id, Employee.no, Employee.name).where(
                Employee.id.in_({c.employee_id for c in rows})
            )
        )
    }
    cycles = dict(session.execute(select(ReviewCycle.id, ReviewCycle.name)).all())
    decided: list[tuple[int, str, str, str, float]] = []
    waiting: list[OpenCase] = []
    per_cycle: Counter[str] = Counter()
    ended: Counter[str] = Counter()
    for c in rows:
        no, name = people.get(c.employee_id, ("", ""))
        move = f"{c.from_label} → {c.to_label}"
        per_cycle[cycles.get(c.cycle_id, "") if c.cycle_id else ""] += 1
        if c.decided_at is not None:
            decided.append((c.id, no, name, move, _days(c.decided_at, c.created_at)))
        elif c.state in OPEN_CASE_STATES:
            since = last_move.get(c.id) or c.submitted_at
            waiting.append(
                OpenCase(
                    c.id,
                    no,
                    name,
                    move,
                    c.state,
                    waiting_role(c),
                    _days(now, since),
                    cycles.get(c.cycle_id) if c.cycle_id else None,
                )
            )
        else:
            ended[c.state] += 1
    days = [d[4] for d in decided]
    waiting.sort(key=lambda o: -o.days_waiting)
    return CaseFigures(
        decided=len(decided),
        avg_days=round(sum(days) / len(days), 2) if days else None,
        max_days=max(days) if days else None,
        decided_cases=tuple(decided),
        open=tuple(waiting),
        per_cycle=tuple(sorted(per_cycle.items())),
        ended=tuple((state, ended[state]) for state in ENDED_STATES if ended[state]),
    )
