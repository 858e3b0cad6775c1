"""评估打分: entering item scores for a cycle's candidates, and the three-part evaluation with its breakdown.

The numbers come from one path: ``eligibility.evaluation_scores`` (the same that a score rule
reads), so a case, the review screen, a report and the 达标名单 never disagree. What this
module adds is the breakdown a person checks by hand: every rater's score per item, the
average and the spread, each part's weight and score.

Performance is never typed: it is the transition's KPI criteria as of the cycle's month, each
criterion's attainment mapped to 0–100 (met = 100; not met = how close, capped at 99; no data =
0; see docs in the README), averaged.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import periods, scoring
from core.domain.rules import KPI_KINDS, CriterionResult
from core.errors import PermissionDenied, ValidationError
from core.i18n import Message
from core.model import Employee, PromotionCase, ReviewCycle, ScoreEntry
from core.permissions import Perm, Role, can, require
from core.services.archive.employees import review_scope, visible_ids
from core.services.eligibility.readiness import cycle_marks
from core.session import Actor, AppSession

SCORED_PARTS = ("ability", "potential")
# A move without KPI rules has its performance typed (the KPI attainment cannot give it): its
# template's performance items, or, when the part has none, this one item, entered by HR or the
# owner. Before, only an imported spreadsheet could enter it, and "评估总分≥85" stayed unmet.
TYPED_PERFORMANCE = scoring.RubricItem("年度绩效", 100.0, (), (Role.HR.value,))


def kpi_scored(transition: Any) -> bool:
    """Whether the KPI attainment scores the transition's performance (it has KPI rules)."""
    return any(spec.kind in KPI_KINDS for spec in transition.rules)


def typed_items(part: scoring.TemplatePart) -> tuple[scoring.RubricItem, ...]:
    """The items a typed performance part is entered by: its own, or the one 年度绩效."""
    return part.items or (TYPED_PERFORMANCE,)


def typed_performance(transition: Any) -> tuple[scoring.RubricItem, ...]:
    """The performance items typed for ``transition`` (none when its KPI rules score it)."""
    part = transition.template.part("performance")
    return () if part is None or kpi_scored(transition) else typed_items(part)


@dataclass(frozen=True)
class Rating:
    rater: str
    score: float
    note: str = ""


@dataclass(frozen=True)
class ItemScore:
    part: str
    name: str
    weight: float
    ratings: tuple[Rating, ...] = ()
    rubric: tuple[tuple[str, str], ...] = ()
    raters: tuple[str, ...] = ()

    @property
    def average(self) -> float | None:
        if not self.ratings:
            return None
        return math.fsum(r.score for r in self.ratings) / len(self.ratings)

    @property
    def spread(self) -> float | None:
        """Highest minus lowest rating (0 with one rater, None with none)."""
        if not self.ratings:
            return None
        scores = [r.score for r in self.ratings]
        return max(scores) - min(scores)


@dataclass(frozen=True)
class PartScore:
    key: str
    name: str
    weight: float
    score: float | None
    items: tuple[ItemScore, ...] = ()
    from_kpi: bool = False


@dataclass(frozen=True)
class Evaluation:
    """One candidate's three-part evaluation: parts, the weighted total and what is missing."""

    template: str
    parts: tuple[PartScore, ...]
    total: float | None
    problems: tuple[Message, ...] = field(default=())

    def scores(self) -> dict[str, float | None]:
        found: dict[str, float | None] = {p.key: p.score for p in self.parts}
        found["total"] = self.total
        return found

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON (stored in a case's snapshot, printed in reports)."""
        return {
            "template": self.template,
            "total": self.total,
            "parts": [
                {
                    "key": p.key,
                    "name": p.name,
                    "weight": p.weight,
                    "score": p.score,
                    "from_kpi": p.from_kpi,
                    "items": [
                        {
                            "name": i.name,
                            "weight": i.weight,
                            "average": i.average,
                            "spread": i.spread,
                            "ratings": [
                                {"rater": r.rater, "score": r.score, "note": r.note}
                                for r in i.ratings
                            ],
                        }
                        for i in p.items
                    ],
                }
                for p in self.parts
            ],
        }


def evaluate(
    template: scoring.EvaluationTemplate,
    kpi_results: Sequence[CriterionResult],
    entries: Iterable[tuple[str, str, str, float, str]],
) -> Evaluation:
    """The evaluation from the KPI results and (part, item, rater, score, note) entries."""
    from core.services.eligibility.readiness import evaluation_scores

    by_item: dict[tuple[str, str], list[Rating]] = defaultdict(list)
    for part, item, rater, score, note in entries:
        by_item[(part, item)].append(Rating(rater, float(score), note))
    averaged: dict[str, dict[str, float]] = defaultdict(dict)
    for (part, item), ratings in by_item.items():
        averaged[part][item] = math.fsum(r.score for r in ratings) / len(ratings)
    performance = scoring.performance_score(kpi_results)
    numbers = evaluation_scores(template, averaged, performance)
    parts: list[PartScore] = []
    problems: list[Message] = list(scoring.validate_template(template))
    for tpart in template.parts:
        from_kpi = tpart.key == "performance" and performance is not None
        items = tuple(
            ItemScore(
                tpart.key,
                item.name,
                item.weight,
                tuple(by_item.get((tpart.key, item.name), ())),
                item.rubric,
                item.raters,
            )
            for item in tpart.items
        )
        if not tpart.items and not from_kpi:
            # a part without rubric items is the mean of the items entered for it (a typed
            # 年度绩效 of a move without KPI rules): they are listed, each an equal share, or
            # the report printed 绩效 82 with no word of who gave it or for what
            entered = sorted(name for part, name in by_item if part == tpart.key)
            items = tuple(
                ItemScore(tpart.key, name, 100 / len(entered), tuple(by_item[(tpart.key, name)]))
                for name in entered
            )
        if not from_kpi:
            for scored in items:
                if not scored.ratings:
                    problems.append(
                        Message(
                            "case.score.missing_item", {"part": tpart.name, "item": scored.name}
                        )
                    )
        parts.append(
            PartScore(tpart.key, tpart.name, tpart.weight, numbers.get(tpart.key), items, from_kpi)
        )
    return Evaluation(template.name, tuple(parts), numbers.get("total"), tuple(problems))


def period_entries(
    session: Session, employee_id: int, period: str | None
) -> list[tuple[str, str, str, float, str]]:
    """(part, item, rater, score, note) of one employee's cycle (None: their latest period)."""
    query = select(
        ScoreEntry.part,
        ScoreEntry.item,
        ScoreEntry.rater,
        ScoreEntry.score,
        ScoreEntry.note,
        ScoreEntry.period,
        ScoreEntry.scored_on,
        ScoreEntry.id,
    ).where(ScoreEntry.employee_id == employee_id)
    rows = list(session.execute(query))
    if period is None and rows:
        # the same latest period as the rules read (readiness._latest_item_scores)
        seen: dict[str, periods.PeriodSeen] = {}
        for r in rows:
            seen.setdefault(r.period, periods.PeriodSeen()).saw(r.scored_on, r.id)
        period = periods.latest_period(seen, cycle_marks(session))
    return [
        (r.part, r.item, r.rater or "", float(r.score), r.note or "")
        for r in rows
        if r.period == period
    ]


# --- entering scores ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreTarget:
    """What one grid cell writes: a candidate's item in a cycle, as one rater."""

    cycle_id: int
    employee_id: int
    part: str
    item: str
    rater: str | None = None  # HR entering a paper form names the rater; default: the actor


def _item_spec(
    session: Session, employee_id: int, part: str, item: str, cycle: ReviewCycle
) -> scoring.RubricItem:
    """The item in the evaluation template of one of the employee's transitions in the cycle."""
    from core.services.eligibility.readiness import transitions_out_of

    emp = session.get(Employee, employee_id)
    if emp is None or emp.level_id is None:
        raise ValidationError("case.score.not_candidate", field="employee")
    allowed = set(cycle.transition_ids or ())
    for transition in transitions_out_of(session, emp.level_id):
        if allowed and transition.id not in allowed:
            continue
        found = transition.template.part(part)
        if found is None:
            continue
        items = found.items or (typed_performance(transition) if part == "performance" else ())
        for candidate in items:
            if candidate.name == item:
                return candidate
    raise ValidationError("case.score.unknown_item", field="item", part=part, item=item)


def may_rate_item(actor: Actor, item: scoring.RubricItem) -> bool:
    """Whether the actor's role may rate this item at all (the template may reserve it)."""
    if actor.role == Role.OWNER.value:
        return True
    return not item.raters or actor.role in item.raters


def _check_rater(
    session: Session, actor: Actor, employee_id: int, item: scoring.RubricItem
) -> None:
    if not (can(actor, Perm.ENTER_SCORES) or can(actor, Perm.RATE_ABILITY)):
        require(actor, Perm.ENTER_SCORES)
    if actor.employee_id == employee_id and actor.role != Role.OWNER.value:
        raise PermissionDenied(login=actor.login, role=actor.role, perm=Perm.ENTER_SCORES.value)
    if not can(actor, Perm.ENTER_SCORES):
        # a supervisor: their own team (direct and indirect reports) only
        scope = visible_ids(session, actor)
        if scope is not None and employee_id not in scope:
            raise PermissionDenied(
                login=actor.login, role=actor.role, perm=Perm.VIEW_ALL_EMPLOYEES.value
            )
    if not may_rate_item(actor, item):
        raise ValidationError("case.score.not_your_item", field="item", item=item.name)


def check_score(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError("case.score.range", field="score", score=str(value))
    if not 0 <= value <= 100:
        raise ValidationError("case.score.range", field="score", score=f"{value:g}")
    return float(value)


def open_cycle_or_fail(session: Session, cycle_id: int) -> ReviewCycle:
    cycle = session.get(ReviewCycle, cycle_id)
    if cycle is None:
        raise ValidationError("case.cycle.not_found", field="cycle", name=str(cycle_id))
    if cycle.state != "open":
        raise ValidationError("case.cycle.closed", field="cycle", name=cycle.name)
    return cycle


def enter_score(
    app: AppSession, target: ScoreTarget, score: float | None, note: str = ""
) -> int | None:
    """Save one cell as typed (one audited transaction): a number 0–100, or None to clear it.

    The owner rates everything; HR enters any item and may record another rater (a paper
    form); a supervisor rates their own team on the items the template gives supervisors, as
    themselves. Returns the entry id (None when cleared).
    """
    actor = app.actor
    value = None if score is None else check_score(score)
    note = (note or "").strip()
    with app.uow() as uow:
        s = uow.session
        cycle = open_cycle_or_fail(s, target.cycle_id)
        item = _item_spec(s, target.employee_id, target.part, target.item, cycle)
        _check_rater(s, actor, target.employee_id, item)
        decided = decided_cases(s, cycle.id).get(target.employee_id)
        if decided is not None:
            employee = s.get(Employee, target.employee_id)
            name = employee.name if employee is not None else ""
            raise ValidationError("case.score.decided", field="score", name=name, case=decided)
        rater = actor.display_name
        if target.rater and target.rater.strip() and can(actor, Perm.ENTER_SCORES):
            rater = target.rater.strip()
        entry = s.scalar(
            select(ScoreEntry).where(
                ScoreEntry.employee_id == target.employee_id,
                ScoreEntry.period == cycle.name,
                ScoreEntry.part == target.part,
                ScoreEntry.item == target.item,
                ScoreEntry.rater == rater,
            )
        )
        before = None if entry is None else {"score": entry.score, "note": entry.note}
        where = {
            "employee_id": target.employee_id,
            "period": cycle.name,
            "part": target.part,
            "item": target.item,
            "rater": rater,
        }
        if value is None:
            if entry is None:
                return None
            s.delete(entry)
            uow.audit("score.delete", "score", entry.id, {**where, **(before or {})}, None)
            uow.commit()
            return None
        if entry is None:
            entry = ScoreEntry(
                employee_id=target.employee_id,
                period=cycle.name,
                part=target.part,
                item=target.item,
                score=value,
                rater=rater,
                note=note,
                scored_on=date.today(),
            )
            s.add(entry)
        else:
            entry.score, entry.note = value, note
        s.flush()
        uow.audit("score.set", "score", entry.id, before, {**where, "score": value, "note": note})
        uow.commit()
        return entry.id


# --- the grid ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetColumn:
    part: str
    part_name: str
    item: str
    weight: float
    rubric: tuple[tuple[str, str], ...]
    raters: tuple[str, ...]


@dataclass(frozen=True)
class SheetCell:
    mine: float | None  # this rater's score
    note: str
    average: float | None
    spread: float | None
    count: int
    editable: bool


@dataclass(frozen=True)
class SheetRow:
    employee_id: int
    no: str
    name: str
    transition_id: int
    transition: str
    ends: tuple[str, str]  # the levels the move goes from and to, as ``transition`` names them
    cells: Mapping[tuple[str, str], SheetCell]  # (part, item) -> cell; absent = not in template


@dataclass(frozen=True)
class ScoreSheet:
    cycle_id: int
    cycle: str
    open: bool
    rater: str
    columns: tuple[SheetColumn, ...]
    rows: tuple[SheetRow, ...]


def decided_cases(session: Session, cycle_id: int) -> dict[int, int]:
    """employee id → the decided case (its scores frozen in its snapshot) of the cycle: their
    scores in it are the decision's and no longer change (a person shares one set of scores
    across their moves of a cycle)."""
    return {
        employee_id: case_id
        for employee_id, case_id in session.execute(
            select(PromotionCase.employee_id, PromotionCase.id).where(
                PromotionCase.cycle_id == cycle_id,
                PromotionCase.snapshot.is_not(None),
                PromotionCase.state != "revoked",  # a revoked decision holds nothing
            )
        )
    }


def score_sheet(
    app: AppSession, cycle_id: int, rater: str | None = None, lang: str = "zh"
) -> ScoreSheet:
    """The cycle's candidates × the ability and potential items of their transition's template,
    and the typed performance of a move without KPI rules (the moves named in ``lang``)."""
    from core.services.promotion.cycles import cycle_candidates

    actor = app.actor
    require(actor, Perm.VIEW_ELIGIBILITY)
    candidates = cycle_candidates(app, cycle_id, lang)
    with app.read() as s:
        cycle = s.get(ReviewCycle, cycle_id)
        assert cycle is not None
        me = rater.strip() if rater and rater.strip() and can(actor, Perm.ENTER_SCORES) else None
        me = me or actor.display_name
        scope = review_scope(s, actor)
        frozen = decided_cases(s, cycle.id)
        columns: dict[tuple[str, str], SheetColumn] = {}
        rows: list[SheetRow] = []
        seen: set[tuple[int, int]] = set()
        entries: dict[int, list[tuple[str, str, str, float, str]]] = {}
        for c in candidates:
            if (c.employee_id, c.transition_id) in seen:
                continue
            seen.add((c.employee_id, c.transition_id))
            if c.employee_id not in entries:
                entries[c.employee_id] = period_entries(s, c.employee_id, cycle.name)
            cells: dict[tuple[str, str], SheetCell] = {}
            for part in c.template.parts:
                if part.key in SCORED_PARTS:
                    items = part.items
                elif part.key == "performance" and c.typed_performance:
                    items = typed_items(part)
                else:
                    continue
                for item in items:
                    key = (part.key, item.name)
                    columns.setdefault(
                        key,
                        SheetColumn(
                            part.key, part.name, item.name, item.weight, item.rubric, item.raters
                        ),
                    )
                    ratings = [
                        e for e in entries[c.employee_id] if e[0] == part.key and e[1] == item.name
                    ]
                    mine = next((e for e in ratings if e[2] == me), None)
                    scores = [e[3] for e in ratings]
                    may = (
                        cycle.state == "open"
                        and (can(actor, Perm.ENTER_SCORES) or can(actor, Perm.RATE_ABILITY))
                        and (actor.employee_id != c.employee_id or actor.role == Role.OWNER.value)
                        and (
                            scope is None or c.employee_id in scope or can(actor, Perm.ENTER_SCORES)
                        )
                        and may_rate_item(actor, item)
                        and c.employee_id not in frozen
                    )
                    cells[key] = SheetCell(
                        mine[3] if mine else None,
                        mine[4] if mine else "",
                        math.fsum(scores) / len(scores) if scores else None,
                        (max(scores) - min(scores)) if scores else None,
                        len(scores),
                        may,
                    )
            ends = (c.from_level, c.to_level)
            rows.append(
                SheetRow(c.employee_id, c.no, c.name, c.transition_id, c.transition, ends, cells)
            )
    order = {p: i for i, p in enumerate((*SCORED_PARTS, "performance"))}  # typed last
    ordered = sorted(columns.values(), key=lambda col: order.get(col.part, 9))
    return ScoreSheet(cycle_id, cycle.name, cycle.state == "open", me, tuple(ordered), tuple(rows))
