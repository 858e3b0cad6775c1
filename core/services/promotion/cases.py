"""晋升申请: a case from its creation through 直属上级 → 人事 → 老板 to the decision and the effective date.

The moves are core/domain/cases.py's state machine; this module checks who may make them,
stores the trail, takes the snapshot at decision time and applies the change on the effective
date (level, salary, permissions, training, the grade history entry and the audit, in one
transaction). Choices written down (and in the README):

* the chain is resolved when a case is submitted (and again when it is resubmitted after
  退回补充, starting from the first step): a step with no account, or whose only approver is
  the employee the case is about, is skipped and the trail says why;
* the owner may act on any step; that is recorded as acting on the step's behalf;
* 驳回 and 退回补充 need a comment (the employee's archive shows it);
* days to decision count from the first submission to the owner's decision;
* until decided, a case shows today's criteria and scores; from the decision on, its snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import cases as dc
from core.domain import explain as ex
from core.domain import scoring
from core.domain.ladder_design import LadderDesign
from core.domain.rules import Readiness
from core.errors import NotFound, ValidationError
from core.i18n import Message, current_language, render
from core.model import (
    Attachment,
    CaseStep,
    Company,
    Employee,
    Entitlement,
    GradeChange,
    Level,
    PromotionCase,
    ReviewCycle,
    User,
)
from core.permissions import Perm, Role, can, require
from core.services.archive.employees import (
    ensure_reviewable,
    ensure_visible,
    review_scope,
    snapshot,
)
from core.services.eligibility import readiness as el
from core.services.ladder.saving import read_design
from core.services.promotion import config, scores
from core.services.promotion.cycles import active_case_exists, find_cycle
from core.session import Actor, AppSession, UnitOfWork

MAX_TEXT = 2000
STEP_PERMS = {
    dc.StepRole.SUPERVISOR: Perm.REVIEW_FIRST,
    dc.StepRole.HR: Perm.REVIEW_HR,
    dc.StepRole.OWNER: Perm.APPROVE_FINAL,
}


# --- reading a case -----------------------------------------------------------------------------


def chain_of(case: PromotionCase) -> tuple[dc.ChainStep, ...]:
    return tuple(dc.ChainStep.from_dict(step) for step in case.chain or ())


def waiting_role(case: PromotionCase) -> str | None:
    """Which role the case waits for: the step's, the owner's decision, or the creator's."""
    state = dc.CaseState(case.state)
    if state in (dc.CaseState.SUBMITTED, dc.CaseState.IN_REVIEW) and case.step is not None:
        chain = chain_of(case)
        return chain[case.step].role.value if case.step < len(chain) else None
    if state is dc.CaseState.APPROVED:
        return dc.StepRole.OWNER.value
    if state is dc.CaseState.RETURNED:
        return case.created_role or Role.HR.value
    return None


def waiting_logins(session: Session, case: PromotionCase) -> tuple[str, ...]:
    state = dc.CaseState(case.state)
    if state in (dc.CaseState.SUBMITTED, dc.CaseState.IN_REVIEW) and case.step is not None:
        return chain_of(case)[case.step].logins
    if state is dc.CaseState.APPROVED:
        return tuple(_logins(session, role=Role.OWNER.value))
    if state is dc.CaseState.RETURNED:
        return (case.created_by,)
    return ()


def _logins(
    session: Session, *, role: str | None = None, employee_id: int | None = None
) -> list[str]:
    query = select(User.login).where(User.disabled.is_(False)).order_by(User.id)
    if role is not None:
        query = query.where(User.role == role)
    if employee_id is not None:
        query = query.where(User.employee_id == employee_id)
    return list(session.scalars(query))


def may_act(actor: Actor, session: Session, case: PromotionCase) -> bool:
    """Whether the actor may approve / return / reject (or, at the end, decide) the case now."""
    state = dc.CaseState(case.state)
    if state in (dc.CaseState.SUBMITTED, dc.CaseState.IN_REVIEW, dc.CaseState.APPROVED):
        return actor.role == Role.OWNER.value or actor.login in waiting_logins(session, case)
    if state is dc.CaseState.RETURNED:
        return actor.login == case.created_by or actor.role == Role.OWNER.value
    return False


@dataclass(frozen=True)
class TrailEntry:
    position: int | None
    role: str
    login: str
    action: str
    comment: str
    at: datetime
    on_behalf: bool

    def text(self, lang: str | None = None) -> str:
        """The comment as a person reads it (a skipped step says why in words)."""
        if self.action == "skip" and self.comment.startswith("case.skip."):
            return render(self.comment, {}, lang)
        return self.comment


@dataclass(frozen=True)
class CaseSummary:
    id: int
    employee_id: int
    no: str
    name: str
    from_label: str
    to_label: str
    kind: str
    cycle: str | None
    state: str
    waiting_for: str | None
    waiting_logins: tuple[str, ...]
    created_by: str
    created_at: datetime
    decided_at: datetime | None
    days_to_decision: float | None
    days_waiting: float  # since the last move, for the open ones
    ready_when_created: bool

    def label(self) -> str:
        return f"{self.from_label} → {self.to_label}"


@dataclass(frozen=True)
class CaseView:
    """Everything the case view, the review screen, the reports and `case show` need."""

    summary: CaseSummary
    transition_id: int | None
    cycle_id: int | None
    as_of: str
    reason: str
    statement: str
    chain: tuple[dc.ChainStep, ...]
    step: int | None
    trail: tuple[TrailEntry, ...]
    criteria: tuple[dict[str, Any], ...]  # see _criterion_dict
    evaluation: dict[str, Any]  # scores.Evaluation.as_dict()
    salary_before: int | None
    salary_band: tuple[int | None, int | None]
    suggested_salary: tuple[int, int] | None
    permissions: tuple[str, ...]  # the new level's, as defaults for the decision
    training: tuple[str, ...]
    decision: dict[str, Any] | None
    from_snapshot: bool
    ladder_version: int | None
    evidence: tuple[tuple[int, str, int], ...]  # (attachment id, file name, size)
    can_act: bool
    actions: tuple[str, ...] = field(default=())

    @property
    def id(self) -> int:
        return self.summary.id

    @property
    def state(self) -> dc.CaseState:
        return dc.CaseState(self.summary.state)

    def scores(self) -> dict[str, float | None]:
        found: dict[str, float | None] = {
            p["key"]: p["score"] for p in self.evaluation.get("parts", [])
        }
        found["total"] = self.evaluation.get("total")
        return found


def _days(later: datetime, earlier: datetime) -> float:
    return round((later - earlier).total_seconds() / 86400, 2)


def _summary(session: Session, case: PromotionCase, now: datetime | None = None) -> CaseSummary:
    now = now or datetime.now(UTC)
    emp = session.get(Employee, case.employee_id)
    cycle = session.get(ReviewCycle, case.cycle_id) if case.cycle_id else None
    last = case.steps[-1].at if case.steps else case.submitted_at
    return CaseSummary(
        id=case.id,
        employee_id=case.employee_id,
        no=emp.no if emp else "",
        name=emp.name if emp else "",
        from_label=case.from_label,
        to_label=case.to_label,
        kind=case.kind,
        cycle=cycle.name if cycle else None,
        state=case.state,
        waiting_for=waiting_role(case),
        waiting_logins=waiting_logins(session, case),
        created_by=case.created_by,
        created_at=case.created_at,
        decided_at=case.decided_at,
        days_to_decision=_days(case.decided_at, case.created_at) if case.decided_at else None,
        days_waiting=_days(now, last),
        ready_when_created=case.ready_when_created,
    )


def _get(session: Session, actor: Actor, case_id: int) -> PromotionCase:
    case = session.get(PromotionCase, case_id)
    if case is None:
        raise NotFound("case.not_found", id=case_id)
    ensure_reviewable(session, actor, case.employee_id)
    return case


def criterion_text(criterion: Mapping[str, Any], key: str, lang: str | None = None) -> str:
    """A criterion's ``rule``, ``explanation`` or ``missing`` in ``lang`` (default: the UI's):
    the snapshot keeps both languages (``key`` and ``key_en``); older ones only Chinese."""
    english = (lang or current_language()) == "en"
    return str((criterion.get(f"{key}_en") if english else None) or criterion.get(key) or "")


def _criterion_dict(result: Any) -> dict[str, Any]:
    """One criterion as plain JSON, in both languages, with its months for a sparkline."""
    zh, en = result.as_dict("zh"), result.as_dict("en")

    def number(v: Any) -> Any:
        if isinstance(v, float) and v != v:  # NaN
            return None
        return v

    observed = zh["observed"]
    observed = [number(v) for v in observed] if isinstance(observed, list) else number(observed)
    return {
        "rule": zh["rule"],
        "rule_en": en["rule"],
        "met": bool(zh["met"]),
        "observed": observed,
        "required": zh["required"],
        "explanation": zh["explanation"],
        "explanation_en": en["explanation"],
        "missing": zh["missing"],
        "missing_en": en["missing"],
        "kind": result.spec.kind,
        "metric": result.spec.metric,
        "window": result.spec.window,
        "comparator": result.spec.comparator,
        "months": [
            {"month": d.month, "value": number(d.value), "met": d.met} for d in result.details
        ],
    }


criterion_dict = _criterion_dict  # for the review screen's candidates without a case


def _live(
    app: AppSession,
    case: PromotionCase,
    cycle: ReviewCycle | None,
    design: LadderDesign | None = None,
) -> tuple[str, tuple[dict[str, Any], ...], dict[str, Any], Readiness | None]:
    """Today's criteria and evaluation of an undecided case (as of the cycle's month); by the
    ladder ``design`` not yet saved when given."""
    as_of = cycle.as_of if cycle else None
    period = cycle.name if cycle else None
    progress = el.employee_progress(
        app,
        case.employee_id,
        as_of,
        transition_id=case.transition_id,
        period=period,
        design=design,
    )
    outlook = progress.outlooks[0] if progress.outlooks else None
    with app.read() as s:
        entries = scores.period_entries(s, case.employee_id, period)
        if case.transition_id is None:
            transition = None
        elif design is None:
            transition = el.transition_rules(s, case.transition_id)
        else:
            transition = el.transition_rules_in(design, case.transition_id)
    template = transition.template if transition else scoring.DEFAULT_TEMPLATE
    results = outlook.results if outlook else ()
    evaluation = scores.evaluate(template, results, entries)
    return (
        progress.as_of,
        tuple(_criterion_dict(r) for r in results),
        evaluation.as_dict(),
        outlook.status if outlook else None,
    )


def _band(session: Session, case: PromotionCase) -> tuple[int | None, int | None]:
    level = session.get(Level, case.to_level_id) if case.to_level_id else None
    return (level.salary_min, level.salary_max) if level else (None, None)


def _raise_range(session: Session, case: PromotionCase) -> tuple[float | None, float | None]:
    from core.model import Transition

    t = session.get(Transition, case.transition_id) if case.transition_id else None
    return (t.raise_min_pct, t.raise_max_pct) if t else (None, None)


def view_case(app: AppSession, case_id: int) -> CaseView:
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        case = _get(s, app.actor, case_id)
        cycle = s.get(ReviewCycle, case.cycle_id) if case.cycle_id else None
        if cycle is not None:
            s.expunge(cycle)
        summary = _summary(s, case)
        trail = tuple(
            TrailEntry(x.position, x.role, x.login, x.action, x.comment, x.at, x.on_behalf)
            for x in case.steps
        )
        band = _band(s, case)
        low_pct, high_pct = _raise_range(s, case)
        level = s.get(Level, case.to_level_id) if case.to_level_id else None
        evidence = tuple(
            (a.id, a.filename, a.size)
            for a in s.scalars(
                select(Attachment).where(
                    Attachment.ref_kind == "case", Attachment.ref_id == case.id
                )
            )
        )
        can_act = may_act(app.actor, s, case)
        snap = dict(case.snapshot) if case.snapshot else None
        decision = dict(case.decision) if case.decision else None
        transition_id, cycle_id = case.transition_id, case.cycle_id
        reason, statement, chain, step = case.reason, case.statement, chain_of(case), case.step
        salary_before, state = case.salary_before, dc.CaseState(case.state)
        s.expunge(case)
    if snap is not None:
        as_of = str(snap.get("as_of", ""))
        criteria = tuple(snap.get("criteria", ()))
        evaluation = dict(snap.get("evaluation", {}))
        version = snap.get("ladder_version")
    else:
        as_of, criteria, evaluation, _status = _live(app, case, cycle)
        version = None
    actions: list[str] = []
    if can_act:
        actions = [a.value for a in dc.legal_actions(state) if a is not dc.CaseAction.EFFECTIVE]
        if app.actor.role != Role.OWNER.value:
            actions = [a for a in actions if a not in ("decide", "revoke")]
    return CaseView(
        summary=summary,
        transition_id=transition_id,
        cycle_id=cycle_id,
        as_of=as_of,
        reason=reason,
        statement=statement,
        chain=chain,
        step=step,
        trail=trail,
        criteria=criteria,
        evaluation=evaluation,
        salary_before=salary_before,
        salary_band=band,
        suggested_salary=dc.suggested_salary(salary_before, low_pct, high_pct, band),
        permissions=tuple(level.permissions or ()) if level else (),
        training=tuple(level.trainings or ()) if level else (),
        decision=decision,
        from_snapshot=snap is not None,
        ladder_version=int(version) if isinstance(version, int) else None,
        evidence=evidence,
        can_act=can_act,
        actions=tuple(actions),
    )


def case_json(view: CaseView, lang: str | None = None) -> dict[str, Any]:
    """`tidui-cli case show --json` (docs/cli.md)."""
    criteria = [
        {
            "rule": criterion_text(c, "rule", lang or "zh"),
            "met": c.get("met"),
            "observed": c.get("observed"),
            "required": c.get("required"),
            "explanation": criterion_text(c, "explanation", lang or "zh"),
        }
        for c in view.criteria
    ]
    found = view.scores()
    decision = None
    if view.decision:
        decision = {
            "salary": view.decision.get("salary"),
            "effective": view.decision.get("effective"),
            "permissions": list(view.decision.get("permissions", [])),
            "training": list(view.decision.get("training", [])),
            "notice": view.decision.get("notice"),
        }
    s = view.summary
    return {
        "case": s.id,
        "employee": s.no,
        "name": s.name,
        "from": s.from_label,
        "to": s.to_label,
        "kind": s.kind,
        "cycle": s.cycle,
        "state": s.state,
        "waiting_for": s.waiting_for,
        "waiting_logins": list(s.waiting_logins),
        "as_of": view.as_of,
        "reason": view.reason or None,
        "steps": [
            {
                "role": t.role,
                "login": t.login,
                "action": t.action,
                "comment": t.text(lang),
                "at": t.at.isoformat(),
                "on_behalf": t.on_behalf,
            }
            for t in view.trail
        ],
        "scores": {
            "performance": found.get("performance"),
            "ability": found.get("ability"),
            "potential": found.get("potential"),
            "total": found.get("total"),
        },
        "criteria": criteria,
        "salary_band": list(view.salary_band),
        "suggested_salary": list(view.suggested_salary) if view.suggested_salary else None,
        "decision": decision,
        "days_to_decision": s.days_to_decision,
        "snapshot": view.from_snapshot,
    }


@dataclass(frozen=True)
class Rescored:
    """A case under approval whose total a ladder edit not yet saved would change."""

    summary: CaseSummary
    before: float | None
    after: float | None


UNDER_APPROVAL = dc.OPEN_STATES | {dc.CaseState.APPROVED}  # scored live, no snapshot yet


def rescored_by(app: AppSession, design: LadderDesign) -> list[Rescored]:
    """The cases under approval whose total (as shown, to 0.1) would change if ``design`` were
    saved: until the owner decides, a case is scored by today's template and rules, so new
    weights or thresholds re-score what the approvers have already signed."""
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        query = select(PromotionCase).where(
            PromotionCase.state.in_([x.value for x in UNDER_APPROVAL]),
            PromotionCase.snapshot.is_(None),
        )
        scope = review_scope(s, app.actor)
        cases = [c for c in s.scalars(query) if scope is None or c.employee_id in scope]
        saved = read_design(s)  # once, not again for every case's "before"
        pending = []
        for case in cases:
            cycle = s.get(ReviewCycle, case.cycle_id) if case.cycle_id else None
            if cycle is not None:
                s.expunge(cycle)
            pending.append((_summary(s, case), case, cycle))
            s.expunge(case)
    found = []
    for summary, case, cycle in pending:
        before = _live(app, case, cycle, saved)[2].get("total")
        after = _live(app, case, cycle, design)[2].get("total")
        if _shown(before) != _shown(after):
            found.append(Rescored(summary, before, after))
    return found


def _shown(total: float | None) -> float | None:
    return None if total is None else round(total, 1)


def list_cases(
    app: AppSession,
    *,
    state: str | None = None,
    mine: bool = False,
    cycle: int | str | None = None,
    employee_id: int | None = None,
) -> list[CaseSummary]:
    """Cases the actor may see (a supervisor: their team's), newest first; ``mine``: waiting on me."""
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    if state is not None and state not in {s.value for s in dc.CaseState}:
        raise ValidationError("case.unknown_state", field="state", state=state)
    with app.read() as s:
        query = select(PromotionCase).order_by(PromotionCase.id.desc())
        if state is not None:
            query = query.where(PromotionCase.state == state)
        if employee_id is not None:
            query = query.where(PromotionCase.employee_id == employee_id)
        if cycle is not None:
            query = query.where(PromotionCase.cycle_id == find_cycle(s, cycle).id)
        scope = review_scope(s, app.actor)
        found: list[CaseSummary] = []
        now = datetime.now(UTC)
        for case in s.scalars(query):
            if scope is not None and case.employee_id not in scope:
                continue
            if mine and not _waits_on(app.actor, s, case):
                continue
            found.append(_summary(s, case, now))
        return found


def cases_under_way(app: AppSession) -> dict[int, tuple[str, str]]:
    """employee id -> (state, target level) of their newest case still under way, for the
    employees the actor may see: one query, not ``list_cases``' full summary per case (the
    员工档案 list asks again on every change)."""
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    active = [s.value for s in dc.ACTIVE_STATES]
    with app.read() as s:
        scope = review_scope(s, app.actor)
        query = (
            select(PromotionCase.employee_id, PromotionCase.state, PromotionCase.to_label)
            .where(PromotionCase.state.in_(active))
            .order_by(PromotionCase.id.desc())
        )
        found: dict[int, tuple[str, str]] = {}
        for employee_id, state, to_label in s.execute(query):
            if (scope is None or employee_id in scope) and employee_id not in found:
                found[employee_id] = (state, to_label)
        return found


def _waits_on(actor: Actor, session: Session, case: PromotionCase) -> bool:
    """Waiting on this user in particular (the owner's power to act anywhere does not count)."""
    return actor.login in waiting_logins(session, case)


def my_queue(app: AppSession) -> list[CaseSummary]:
    """待我处理: the cases waiting on the logged-in user, oldest waiting first."""
    found = list_cases(app, mine=True)
    found.sort(key=lambda c: -c.days_waiting)
    return found


# --- creating -----------------------------------------------------------------------------------


def _resolved_chain(session: Session, emp: Employee) -> tuple[dc.ChainStep, ...]:
    roles = config.read_chain(session)
    candidates = {
        dc.StepRole.SUPERVISOR: (
            _logins(session, employee_id=emp.supervisor_id) if emp.supervisor_id else []
        ),
        dc.StepRole.HR: _logins(session, role=Role.HR.value),
        dc.StepRole.OWNER: _logins(session, role=Role.OWNER.value),
    }
    return dc.resolve_chain(roles, candidates, _logins(session, employee_id=emp.id))


def _trail(
    uow: UnitOfWork,
    case: PromotionCase,
    action: str,
    comment: str = "",
    *,
    position: int | None = None,
    role: str = "",
    on_behalf: bool = False,
    login: str | None = None,
) -> None:
    case.steps.append(
        CaseStep(
            position=position,
            role=role,
            login=login if login is not None else uow.actor.login,
            action=action,
            comment=comment,
            on_behalf=on_behalf,
            at=datetime.now(UTC),
        )
    )


def _note_skipped(uow: UnitOfWork, case: PromotionCase, start: int, stop: int) -> None:
    """Write a "skip" trail entry, with its reason code, for each skipped step in [start, stop)."""
    chain = chain_of(case)
    for i in range(start, stop):
        if chain[i].skipped:
            _trail(
                uow,
                case,
                "skip",
                chain[i].skipped or "",
                position=i,
                role=chain[i].role.value,
                login="",
            )


def _start_chain(uow: UnitOfWork, case: PromotionCase, emp: Employee) -> None:
    """(Re)submit: resolve the chain, note the skipped steps, wait at the first open one."""
    chain = _resolved_chain(uow.session, emp)
    case.chain = [step.as_dict() for step in chain]
    first = dc.first_open_step(chain)
    _note_skipped(uow, case, 0, first if first is not None else len(chain))
    case.step = first
    if first is None:  # cannot happen while an owner exists; be safe
        case.state = dc.CaseState.APPROVED.value


def _clean(text: str | None, field_name: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError("case.text_too_long", field=field_name, max=MAX_TEXT)
    return text


def create_case(
    app: AppSession,
    employee_id: int,
    to_level_id: int | None = None,
    *,
    transition_id: int | None = None,
    cycle: int | str | None = None,
    reason: str = "",
    statement: str = "",
) -> int:
    """HR or the owner proposes one of the employee's moves; someone not ready needs a reason."""
    require(app.actor, Perm.CREATE_CASE)
    reason = _clean(reason, "reason")
    statement = _clean(statement, "statement")
    with app.read() as s:
        emp = ensure_visible(s, app.actor, employee_id)
        if not emp.active:
            raise ValidationError("case.departed", field="employee", name=emp.name)
        if emp.level_id is None:
            raise ValidationError("case.no_level", field="employee", name=emp.name)
        moves = el.transitions_out_of(s, emp.level_id)
        chosen = next(
            (
                t
                for t in moves
                if (transition_id is not None and t.id == transition_id)
                or (transition_id is None and t.to_level_id == to_level_id)
            ),
            None,
        )
        if chosen is None:
            raise ValidationError("case.not_a_move", field="to", name=emp.name)
        cycle_row = find_cycle(s, cycle) if cycle is not None else None
        if cycle_row is not None:
            if cycle_row.state != "open":
                raise ValidationError("case.cycle.closed", field="cycle", name=cycle_row.name)
            if cycle_row.transition_ids and chosen.id not in cycle_row.transition_ids:
                raise ValidationError(
                    "case.cycle.not_in_cycle", field="to", cycle=cycle_row.name, move=chosen.label()
                )
        existing = active_case_exists(s, employee_id, chosen.id)
        if existing is not None:
            raise ValidationError("case.exists", field="to", id=existing, name=emp.name)
        name = emp.name
    progress = el.employee_progress(
        app,
        employee_id,
        cycle_row.as_of if cycle_row else None,
        transition_id=chosen.id,
        period=cycle_row.name if cycle_row else None,
    )
    ready = bool(progress.outlooks) and progress.outlooks[0].status is Readiness.READY
    if not ready and not reason:
        raise ValidationError("case.reason_required", field="reason", name=name)
    with app.uow() as uow:
        s = uow.session
        person = s.get(Employee, employee_id)
        assert person is not None
        from_label, to_label = chosen.ends()
        case = PromotionCase(
            employee_id=employee_id,
            transition_id=chosen.id,
            cycle_id=cycle_row.id if cycle_row else None,
            from_level_id=chosen.from_level_id,
            to_level_id=chosen.to_level_id,
            from_label=from_label,
            to_label=to_label,
            kind=chosen.kind,
            state=dc.CaseState.SUBMITTED.value,
            ready_when_created=ready,
            reason=reason,
            statement=statement,
            created_by=app.actor.login,
            created_role=app.actor.role,
            salary_before=person.salary,
        )
        s.add(case)
        _trail(uow, case, "submit", reason)
        _start_chain(uow, case, person)
        s.flush()
        uow.audit(
            "case.create",
            "promotion_case",
            case.id,
            None,
            {
                "employee_id": employee_id,
                "move": f"{from_label} → {to_label}",
                "cycle": cycle_row.name if cycle_row else None,
                "ready": ready,
                "reason": reason,
            },
        )
        uow.commit()
        return case.id


# --- acting on a case ---------------------------------------------------------------------------


def act(app: AppSession, case_id: int, action: str, comment: str = "") -> dc.CaseState:
    """同意 / 驳回 / 退回补充 at the step the case waits at (the owner may act on any step)."""
    try:
        move = dc.CaseAction(action)
    except ValueError:
        raise ValidationError("case.illegal_action", field="action", action=action) from None
    if move not in (dc.CaseAction.APPROVE, dc.CaseAction.REJECT, dc.CaseAction.RETURN):
        raise ValidationError("case.illegal_action", field="action", action=action)
    comment = _clean(comment, "comment")
    if move is not dc.CaseAction.APPROVE and not comment:
        raise ValidationError("case.comment_required", field="comment")
    actor = app.actor
    with app.uow() as uow:
        s = uow.session
        case = _get(s, actor, case_id)
        state = dc.CaseState(case.state)
        if state is dc.CaseState.APPROVED and move is dc.CaseAction.APPROVE:
            raise ValidationError("case.already_approved", id=case.id)
        if state is dc.CaseState.APPROVED:
            # only the owner may turn down an approved case before deciding
            require(actor, Perm.APPROVE_FINAL)
            target = dc.next_state(state, move)
            position, role, on_behalf = None, dc.StepRole.OWNER.value, False
        else:
            chain = chain_of(case)
            if case.step is None:
                dc.next_state(state, move)  # raises the right message for a closed case
                raise ValidationError(
                    "case.illegal_move",
                    state=Message(f"case.state.{state.value}"),
                    action=Message(f"case.action.{move.value}"),
                )
            target = dc.next_state(
                state, move, last_step=dc.first_open_step(chain, case.step + 1) is None
            )
            step = chain[case.step]
            position, role = case.step, step.role.value
            if actor.login in step.logins:
                on_behalf = False
                require(actor, STEP_PERMS[step.role]) if actor.role != Role.OWNER.value else None
            elif actor.role == Role.OWNER.value:
                on_behalf = True
            else:
                raise ValidationError(
                    "case.not_your_step",
                    role=Message(f"case.role.{step.role.value}"),
                    login=actor.login,
                )
        before = {"state": case.state, "step": case.step}
        _trail(uow, case, move.value, comment, position=position, role=role, on_behalf=on_behalf)
        case.state = target.value
        start = (position or 0) + 1
        if target is dc.CaseState.IN_REVIEW:
            assert case.step is not None
            case.step = dc.first_open_step(chain_of(case), case.step + 1)
            _note_skipped(uow, case, start, case.step or 0)
        else:
            if target is dc.CaseState.APPROVED:
                _note_skipped(uow, case, start, len(case.chain))
            case.step = None
        s.flush()
        uow.audit(
            f"case.{move.value}",
            "promotion_case",
            case.id,
            before,
            {"state": case.state, "step": case.step, "comment": comment, "on_behalf": on_behalf},
        )
        uow.commit()
        return target


def resubmit(
    app: AppSession, case_id: int, comment: str = "", statement: str | None = None
) -> None:
    """The creator (or the owner) sends a returned case back into the chain, from the first step."""
    comment = _clean(comment, "comment")
    with app.uow() as uow:
        s = uow.session
        case = _get(s, app.actor, case_id)
        state = dc.CaseState(case.state)
        target = dc.next_state(state, dc.CaseAction.RESUBMIT)
        if app.actor.login != case.created_by and app.actor.role != Role.OWNER.value:
            require(app.actor, Perm.CREATE_CASE)
        emp = s.get(Employee, case.employee_id)
        assert emp is not None
        if statement is not None:
            case.statement = _clean(statement, "statement")
        _trail(uow, case, "resubmit", comment)
        case.state = target.value
        case.submitted_at = datetime.now(UTC)
        _start_chain(uow, case, emp)
        s.flush()
        uow.audit(
            "case.resubmit",
            "promotion_case",
            case.id,
            {"state": state.value},
            {"state": case.state, "comment": comment},
        )
        uow.commit()


def withdraw(app: AppSession, case_id: int, comment: str = "") -> None:
    """The creator or the owner withdraws an undecided case."""
    comment = _clean(comment, "comment")
    with app.uow() as uow:
        case = _get(uow.session, app.actor, case_id)
        state = dc.CaseState(case.state)
        target = dc.next_state(state, dc.CaseAction.WITHDRAW)
        if app.actor.login != case.created_by and app.actor.role != Role.OWNER.value:
            raise ValidationError("case.not_creator", login=app.actor.login)
        _trail(uow, case, "withdraw", comment)
        case.state, case.step = target.value, None
        uow.audit(
            "case.withdraw",
            "promotion_case",
            case.id,
            {"state": state.value},
            {"state": case.state, "comment": comment},
        )
        uow.commit()


def set_statement(app: AppSession, case_id: int, statement: str) -> None:
    """The self-statement 自述, editable until the case is decided."""
    statement = _clean(statement, "statement")
    with app.uow() as uow:
        case = _get(uow.session, app.actor, case_id)
        if dc.CaseState(case.state) not in dc.OPEN_STATES | {dc.CaseState.APPROVED}:
            raise ValidationError(
                "case.closed",
                state=Message(f"case.state.{case.state}"),
                action=Message("case.action.edit"),
            )
        if not (can(app.actor, Perm.CREATE_CASE) or may_act(app.actor, uow.session, case)):
            require(app.actor, Perm.CREATE_CASE)
        before = case.statement
        case.statement = statement
        uow.audit(
            "case.statement",
            "promotion_case",
            case.id,
            {"statement": before},
            {"statement": statement},
        )
        uow.commit()


def add_evidence(app: AppSession, case_id: int, filename: str, data: bytes) -> int:
    """An evidence file (活动方案, 直播复盘 …) kept encrypted in the company file with the case."""
    from core.services.archive.records import add_attachment_in

    with app.uow() as uow:
        case = _get(uow.session, app.actor, case_id)
        if not (can(app.actor, Perm.CREATE_CASE) or may_act(app.actor, uow.session, case)):
            require(app.actor, Perm.CREATE_CASE)
        attachment = add_attachment_in(uow, case.employee_id, filename, data, "case", case.id)
        uow.commit()
        return attachment.id


# --- the owner's decision and the effective date -------------------------------------------------


def _values(session: Session, case: PromotionCase, decision: Mapping[str, Any]) -> dict[str, str]:
    """The placeholder values of the notice and the letter for a decided case."""
    emp = session.get(Employee, case.employee_id)
    company = session.scalar(select(Company.name)) or ""
    effective = date.fromisoformat(str(decision.get("effective")))
    from_level = session.get(Level, case.from_level_id) if case.from_level_id else None
    to_level = session.get(Level, case.to_level_id) if case.to_level_id else None
    from_title = from_level.title if from_level else case.from_label
    to_title = to_level.title if to_level else case.to_label
    if from_title == to_title:  # a transfer between tracks: name the tracks too
        from_title, to_title = case.from_label, case.to_label
    return {
        "姓名": emp.name if emp else "",
        "工号": emp.no if emp else "",
        "原职级": from_title,
        "新职级": to_title,
        "生效日期": dc.date_text(effective),
        "公司名称": company,
        "月薪": f"{int(decision.get('salary') or 0):,}",
        "日期": dc.date_text(date.today()),
        "新增权限": "、".join(decision.get("permissions") or []),
        "培训": "、".join(decision.get("training") or []),
    }


def notice_text(session: Session, case: PromotionCase, decision: Mapping[str, Any]) -> str:
    template = config.read_notice(session)
    if case.kind == "transfer" and template == dc.DEFAULT_NOTICE:
        template = dc.DEFAULT_TRANSFER_NOTICE
    text, unknown, empty = dc.fill(template, _values(session, case, decision))
    if unknown or empty:
        raise ValidationError(
            "case.notice.unfilled",
            names=ex.joined(("{" + n + "}" for n in unknown + empty), ex.NAMES),
        )
    return text


def _names(values: Sequence[str] | None, default: Sequence[str]) -> list[str]:
    if values is None:
        return list(default)
    cleaned = []
    for v in values:
        v = str(v).strip()
        if v and v not in cleaned:
            cleaned.append(v[:200])
    return cleaned


def decide(
    app: AppSession,
    case_id: int,
    salary: float,
    effective: date,
    *,
    permissions: Sequence[str] | None = None,
    training: Sequence[str] | None = None,
    today: date | None = None,
) -> dc.CaseState:
    """The owner's decision on an approved case: salary inside the new band, effective date,
    permissions and training (default: the new level's). Publishes the case and takes its
    snapshot; on or after the effective date the change happens at once."""
    require(app.actor, Perm.APPROVE_FINAL)
    today = today or date.today()
    if not isinstance(effective, date):
        raise ValidationError("case.effective.invalid", field="effective", text=str(effective))
    with app.read() as s:
        case = _get(s, app.actor, case_id)
        dc.next_state(dc.CaseState(case.state), dc.CaseAction.DECIDE)
        cycle = s.get(ReviewCycle, case.cycle_id) if case.cycle_id else None
        band = _band(s, case)
        level = s.get(Level, case.to_level_id) if case.to_level_id else None
        default_perms = list(level.permissions or ()) if level else []
        default_training = list(level.trainings or ()) if level else []
        from core.model import Transition

        t = s.get(Transition, case.transition_id) if case.transition_id else None
        version = t.version if t else None
        if cycle is not None:
            s.expunge(cycle)
        s.expunge(case)
    amount = dc.check_salary(salary, band)
    as_of, criteria, evaluation, status = _live(app, case, cycle)
    with app.uow() as uow:
        s = uow.session
        case = _get(s, app.actor, case_id)
        state = dc.CaseState(case.state)
        target = dc.next_state(state, dc.CaseAction.DECIDE)
        decision: dict[str, Any] = {
            "salary": amount,
            "effective": effective.isoformat(),
            "permissions": _names(permissions, default_perms),
            "training": _names(training, default_training),
        }
        decision["notice"] = notice_text(s, case, decision)
        case.decision = decision
        case.snapshot = {
            "as_of": as_of,
            "criteria": list(criteria),
            "evaluation": evaluation,
            "ladder_version": version,
            "status": status.value if status else None,
            "salary_before": case.salary_before,
            "taken_at": datetime.now(UTC).isoformat(),
        }
        case.decided_at = datetime.now(UTC)
        case.state = target.value
        case.step = None
        _trail(uow, case, "decide", decision["notice"], role=dc.StepRole.OWNER.value)
        s.flush()
        uow.audit(
            "case.decide",
            "promotion_case",
            case.id,
            {"state": state.value},
            {"state": case.state, **decision},
        )
        if effective <= today:
            _apply_effective(uow, case)
            target = dc.CaseState.EFFECTIVE
        uow.commit()
        return target


def _apply_effective(uow: UnitOfWork, case: PromotionCase) -> None:
    """Level, salary, permissions and training change, with the grade history and the audit."""
    s = uow.session
    decision = case.decision or {}
    effective = date.fromisoformat(str(decision["effective"]))
    emp = s.get(Employee, case.employee_id)
    level = s.get(Level, case.to_level_id) if case.to_level_id else None
    if emp is None or level is None:
        raise ValidationError("case.effective.gone", id=case.id)
    before = snapshot(emp)
    s.add(
        GradeChange(
            employee_id=emp.id,
            effective_date=effective,
            from_level_id=emp.level_id,
            to_level_id=level.id,
            salary_before=emp.salary,
            salary_after=int(decision["salary"]),
            reason=("转岗" if case.kind == "transfer" else "晋升")
            + f"：{case.from_label} → {case.to_label}",
            case_ref=f"case:{case.id}",
        )
    )
    emp.level_id = level.id
    emp.track_id = level.track_id
    emp.level_since = effective
    emp.salary = int(decision["salary"])
    for kind, names in (
        ("permission", decision.get("permissions") or []),
        ("training", decision.get("training") or []),
    ):
        for name in names:
            s.add(
                Entitlement(
                    employee_id=emp.id,
                    kind=kind,
                    name=str(name),
                    granted_on=effective,
                    case_id=case.id,
                )
            )
    before_state = case.state
    case.state = dc.CaseState.EFFECTIVE.value
    case.effective_applied_at = datetime.now(UTC)
    _trail(uow, case, "effective", "", login=uow.actor.login)
    s.flush()
    uow.audit("employee.update", "employee", emp.id, before, snapshot(emp))
    uow.audit(
        "case.effective",
        "promotion_case",
        case.id,
        {"state": before_state},
        {"state": case.state, "effective": effective.isoformat()},
    )


def apply_due(app: AppSession, today: date | None = None) -> list[int]:
    """Make every published case whose effective date has come effective (run at log-in)."""
    today = today or date.today()
    with app.read() as s:
        due = [
            c.id
            for c in s.scalars(
                select(PromotionCase).where(PromotionCase.state == dc.CaseState.PUBLISHED.value)
            )
            if c.decision and date.fromisoformat(str(c.decision.get("effective"))) <= today
        ]
    done: list[int] = []
    for case_id in due:
        with app.uow() as uow:
            case = uow.session.get(PromotionCase, case_id)
            if case is None or case.state != dc.CaseState.PUBLISHED.value:
                continue
            _apply_effective(uow, case)
            uow.commit()
            done.append(case_id)
    return done


def revoke(app: AppSession, case_id: int, reason: str) -> None:
    """The owner revokes a published case before its effective date, with a reason."""
    require(app.actor, Perm.APPROVE_FINAL)
    reason = _clean(reason, "reason")
    if not reason:
        raise ValidationError("case.comment_required", field="reason")
    with app.uow() as uow:
        case = _get(uow.session, app.actor, case_id)
        state = dc.CaseState(case.state)
        target = dc.next_state(state, dc.CaseAction.REVOKE)
        case.state = target.value
        case.revoked_reason = reason
        _trail(uow, case, "revoke", reason, role=dc.StepRole.OWNER.value)
        uow.audit(
            "case.revoke",
            "promotion_case",
            case.id,
            {"state": state.value},
            {"state": case.state, "reason": reason},
        )
        uow.commit()
