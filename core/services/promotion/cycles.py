"""评审周期: opening, closing and reopening a review cycle, and who its candidates are.

A cycle's candidates are everyone ready or nearly ready, as of the cycle's month, for a
transition in the cycle, plus anyone HR added by hand, plus anyone with a case in the cycle.
A closed cycle is read-only: no scores, no new cases (the owner may reopen it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain import months as mo
from core.domain import scoring
from core.domain.cases import ACTIVE_STATES, CaseState
from core.domain.rules import Readiness
from core.errors import ValidationError
from core.model import CycleCandidate, Employee, PromotionCase, ReviewCycle
from core.permissions import Perm, require
from core.services.archive.employees import ensure_visible, review_scope
from core.services.eligibility import readiness as el
from core.services.promotion import scores
from core.session import AppSession

MAX_NAME = 32


@dataclass(frozen=True)
class CycleRow:
    id: int
    name: str
    as_of: str
    deadline: date | None
    state: str  # open | closed
    transition_ids: tuple[int, ...]  # empty = every transition
    created_by: str

    def as_json(self) -> dict[str, object]:
        return {
            "cycle": self.id,
            "name": self.name,
            "as_of": self.as_of,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "state": self.state,
            "transitions": list(self.transition_ids),
        }


def _row(c: ReviewCycle) -> CycleRow:
    return CycleRow(
        c.id,
        c.name,
        c.as_of,
        c.deadline,
        c.state,
        tuple(int(t) for t in c.transition_ids or ()),
        c.created_by,
    )


def find_cycle(session: Session, cycle: int | str) -> ReviewCycle:
    """A cycle by id or by name (what the CLI and the 评估打分 template name it by)."""
    found: ReviewCycle | None
    if isinstance(cycle, int):
        found = session.get(ReviewCycle, cycle)
    else:
        found = session.scalar(select(ReviewCycle).where(ReviewCycle.name == cycle.strip()))
    if found is None:
        raise ValidationError("case.cycle.not_found", field="cycle", name=str(cycle))
    return found


def open_cycle(
    app: AppSession,
    name: str,
    as_of: str | None = None,
    deadline: date | None = None,
    transition_ids: list[int] | None = None,
    *,
    today: date | None = None,
) -> CycleRow:
    """The owner opens a cycle (as of: default the last complete month with data)."""
    require(app.actor, Perm.MANAGE_CYCLES)
    name = (name or "").strip()
    if not name:
        raise ValidationError("case.cycle.name_required", field="name")
    if len(name) > MAX_NAME:
        raise ValidationError("case.cycle.name_too_long", field="name", max=MAX_NAME)
    with app.uow() as uow:
        s = uow.session
        if s.scalar(select(func.count()).where(ReviewCycle.name == name)):
            raise ValidationError("case.cycle.duplicate", field="name", name=name)
        if as_of is None or not str(as_of).strip():
            from core.services.eligibility import metrics as kpi

            month = kpi.default_as_of(kpi.latest_data_month(s), today)
        else:
            if not mo.is_month(str(as_of).strip()):
                raise ValidationError("case.cycle.bad_month", field="as_of", text=str(as_of))
            month = mo.parse(str(as_of))
        known = {t.id for ts in el.all_transitions(s) for t in ts}
        chosen = sorted(set(transition_ids or ()))
        unknown = [t for t in chosen if t not in known]
        if unknown:
            raise ValidationError(
                "case.cycle.unknown_transition", field="transitions", id=unknown[0]
            )
        cycle = ReviewCycle(
            name=name,
            as_of=month,
            deadline=deadline,
            transition_ids=chosen,
            state="open",
            created_by=app.actor.login,
        )
        s.add(cycle)
        s.flush()
        uow.audit("cycle.open", "review_cycle", cycle.id, None, _row(cycle).as_json())
        uow.commit()
        return _row(cycle)


def list_cycles(app: AppSession) -> list[CycleRow]:
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        cycles = s.scalars(
            select(ReviewCycle).order_by(ReviewCycle.created_at.desc(), ReviewCycle.id.desc())
        )
        return [_row(c) for c in cycles]


def get_cycle(app: AppSession, cycle: int | str) -> CycleRow:
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        return _row(find_cycle(s, cycle))


def _set_state(app: AppSession, cycle_id: int, state: str) -> CycleRow:
    require(app.actor, Perm.MANAGE_CYCLES)
    with app.uow() as uow:
        cycle = find_cycle(uow.session, cycle_id)
        if cycle.state == state:
            return _row(cycle)
        before = cycle.state
        cycle.state = state
        cycle.closed_at = datetime.now(UTC) if state == "closed" else None
        uow.audit(
            f"cycle.{'close' if state == 'closed' else 'reopen'}",
            "review_cycle",
            cycle.id,
            {"state": before},
            {"state": state},
        )
        uow.commit()
        return _row(cycle)


def close_cycle(app: AppSession, cycle_id: int) -> CycleRow:
    return _set_state(app, cycle_id, "closed")


def reopen_cycle(app: AppSession, cycle_id: int) -> CycleRow:
    return _set_state(app, cycle_id, "open")


def update_cycle(
    app: AppSession,
    cycle_id: int,
    *,
    deadline: date | None = None,
    transition_ids: list[int] | None = None,
) -> CycleRow:
    require(app.actor, Perm.MANAGE_CYCLES)
    with app.uow() as uow:
        cycle = find_cycle(uow.session, cycle_id)
        before = _row(cycle).as_json()
        cycle.deadline = deadline
        if transition_ids is not None:
            cycle.transition_ids = sorted(set(transition_ids))
        uow.audit("cycle.update", "review_cycle", cycle.id, before, _row(cycle).as_json())
        uow.commit()
        return _row(cycle)


# --- candidates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CycleCandidateRow:
    """One candidate of a cycle on one transition, with the case if there is one."""

    employee_id: int
    no: str
    name: str
    transition_id: int
    transition: str  # "运营助理 → 运营专员"
    from_level: str  # the two ends as the label names them ("运营专员（店铺运营）" across tracks)
    to_level: str
    status: Readiness
    met: int
    total: int
    source: str  # rules | manual | case
    template: scoring.EvaluationTemplate
    case_id: int | None = None
    case_state: str | None = None
    waiting_for: str | None = None
    typed_performance: bool = False  # no KPI rule scores the move: its performance is typed


def add_candidate(app: AppSession, cycle_id: int, employee_id: int, transition_id: int) -> None:
    """HR adds someone by hand (e.g. nearly ready, or proposed for a reason)."""
    require(app.actor, Perm.CREATE_CASE)
    with app.uow() as uow:
        s = uow.session
        cycle = find_cycle(s, cycle_id)
        if cycle.state != "open":
            raise ValidationError("case.cycle.closed", field="cycle", name=cycle.name)
        emp = ensure_visible(s, app.actor, employee_id)
        transition = el.transition_rules(s, transition_id)
        if transition is None or transition.from_level_id != emp.level_id:
            raise ValidationError("case.not_a_move", field="to", name=emp.name)
        allowed = {int(t) for t in cycle.transition_ids or ()}
        if allowed and transition_id not in allowed:
            raise ValidationError(
                "case.cycle.move_not_included", field="to", name=cycle.name, move=transition.label()
            )
        exists = s.scalar(
            select(CycleCandidate.id).where(
                CycleCandidate.cycle_id == cycle.id,
                CycleCandidate.employee_id == employee_id,
                CycleCandidate.transition_id == transition_id,
            )
        )
        if exists is None:
            row = CycleCandidate(
                cycle_id=cycle.id,
                employee_id=employee_id,
                transition_id=transition_id,
                added_by=app.actor.login,
            )
            s.add(row)
            s.flush()
            uow.audit(
                "cycle.candidate.add",
                "cycle_candidate",
                row.id,
                None,
                {"cycle": cycle.name, "employee_id": employee_id, "transition_id": transition_id},
            )
        uow.commit()


def remove_candidate(app: AppSession, cycle_id: int, employee_id: int, transition_id: int) -> None:
    """Takes back a hand-added candidate (someone ready or with a case stays listed anyway)."""
    require(app.actor, Perm.CREATE_CASE)
    with app.uow() as uow:
        cycle = find_cycle(uow.session, cycle_id)
        if cycle.state != "open":
            raise ValidationError("case.cycle.closed", field="cycle", name=cycle.name)
        ensure_visible(uow.session, app.actor, employee_id)
        row = uow.session.scalar(
            select(CycleCandidate).where(
                CycleCandidate.cycle_id == cycle_id,
                CycleCandidate.employee_id == employee_id,
                CycleCandidate.transition_id == transition_id,
            )
        )
        if row is not None:
            uow.session.delete(row)
            uow.audit(
                "cycle.candidate.remove",
                "cycle_candidate",
                row.id,
                {"employee_id": employee_id, "transition_id": transition_id},
                None,
            )
        uow.commit()


def cycle_candidates(
    app: AppSession, cycle_id: int | str, lang: str = "zh"
) -> list[CycleCandidateRow]:
    """Everyone ready or nearly ready for a transition of the cycle, the hand-added, and the
    people with a case in the cycle (those the actor may see), ordered by 工号. The moves are
    named in ``lang`` (its brackets: 运营专员（数据运营） but "运营专员 (数据运营)" in English); a
    case's own move stays as the case stored it."""
    from core.services.promotion.cases import waiting_role

    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        cycle = find_cycle(s, cycle_id)
        cid, name, as_of = cycle.id, cycle.name, cycle.as_of
        allowed = set(int(t) for t in cycle.transition_ids or ())
        manual = {
            (e, t)
            for e, t in s.execute(
                select(CycleCandidate.employee_id, CycleCandidate.transition_id).where(
                    CycleCandidate.cycle_id == cid
                )
            )
        }
        cases = {
            (c.employee_id, c.transition_id): c
            for c in s.scalars(
                select(PromotionCase)
                .where(PromotionCase.cycle_id == cid)
                .order_by(PromotionCase.id)
            )
            if c.transition_id is not None
        }
        case_info = {key: (c.id, c.state, waiting_role(c)) for key, c in cases.items()}
        # a decided case is judged by its snapshot: the list says what the case says
        decided = {key: _snapshot_verdict(c.snapshot) for key, c in cases.items() if c.snapshot}
        scope = review_scope(s, app.actor)
        names = {
            i: (no, n) for i, no, n in s.execute(select(Employee.id, Employee.no, Employee.name))
        }
    found = el.eligibility_list(app, as_of, period=name)
    # Someone this cycle promoted now stands a level higher; what the rules say of their next
    # step (judged at the cycle's month from today's level) is not this cycle's business.
    moved_on = {
        e
        for (e, _t), (_id, state, _w) in case_info.items()
        if state in (CaseState.EFFECTIVE, CaseState.PUBLISHED)
    }
    rows: list[CycleCandidateRow] = []
    for c in found.candidates:
        key = (c.person.id, c.transition.id)
        if allowed and c.transition.id not in allowed:
            continue
        if scope is not None and c.person.id not in scope:
            continue  # a supervisor's own candidacy: others review it
        if c.person.id in moved_on and key not in case_info and key not in manual:
            continue
        source = None
        if key in case_info:
            source = "case"
        elif key in manual:
            source = "manual"
        elif c.status is not Readiness.NOT_READY:
            source = "rules"
        if source is None:
            continue
        info = case_info.get(key)
        status, met, total = decided.get(key) or (c.status, c.met_count, c.total)
        rows.append(
            CycleCandidateRow(
                c.person.id,
                c.person.no,
                c.person.name,
                c.transition.id,
                c.transition.label(lang),
                *c.transition.ends(lang),
                status,
                met,
                total,
                source,
                c.transition.template,
                info[0] if info else None,
                info[1] if info else None,
                info[2] if info else None,
                typed_performance=not scores.kpi_scored(c.transition),
            )
        )
    listed = {(r.employee_id, r.transition_id) for r in rows}
    # a case whose person has since moved on (promoted, departed) still belongs to the cycle
    for key, (case_id, state, waiting) in case_info.items():
        if key in listed or (scope is not None and key[0] not in scope):
            continue
        no, person = names.get(key[0], ("", ""))
        with app.read() as s:
            found_case = s.get(PromotionCase, case_id)
            assert found_case is not None
            from_label, to_label = found_case.from_label, found_case.to_label
        status, met, total = decided.get(key) or (Readiness.NOT_READY, 0, 0)
        rows.append(
            CycleCandidateRow(
                key[0], no, person, key[1], f"{from_label} → {to_label}", from_label, to_label,
                status, met, total, "case", scoring.DEFAULT_TEMPLATE, case_id, state, waiting,
            )
        )  # fmt: skip
    rows.sort(key=lambda r: (r.no, r.transition_id))
    return rows


def _snapshot_verdict(snapshot: Any) -> tuple[Readiness, int, int] | None:
    """(status, criteria met, criteria) as a decided case's snapshot holds them; None when the
    snapshot says no status (then the rules' verdict stands)."""
    if not isinstance(snapshot, dict):
        return None
    try:
        status = Readiness(str(snapshot.get("status")))
    except ValueError:
        return None
    criteria = [c for c in snapshot.get("criteria") or () if isinstance(c, dict)]
    return status, sum(1 for c in criteria if c.get("met")), len(criteria)


def active_case_exists(session: Session, employee_id: int, transition_id: int) -> int | None:
    return session.scalar(
        select(PromotionCase.id).where(
            PromotionCase.employee_id == employee_id,
            PromotionCase.transition_id == transition_id,
            PromotionCase.state.in_([s.value for s in ACTIVE_STATES]),
        )
    )
