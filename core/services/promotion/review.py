"""The promotion review screen's data: a cycle's candidate rows, one candidate's detail and an
aligned comparison of two or three candidates of the same transition.

Built only from the existing services (cycle candidates, case view); no rule is evaluated here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select

from core.domain import months as mo
from core.domain import scoring
from core.errors import PermissionDenied, ValidationError
from core.model import Transition
from core.permissions import Perm, can
from core.services.archive import records
from core.services.eligibility import readiness as el
from core.services.promotion import cases as case_service
from core.services.promotion import scores
from core.services.promotion.cycles import CycleCandidateRow, CycleRow, cycle_candidates, get_cycle

__all__ = [
    "CompareLine",
    "CompetencyLine",
    "CycleRow",
    "FeedbackExcerpt",
    "ReviewDetail",
    "ReviewRow",
    "compare",
    "review_detail",
    "review_rows",
]
from core.session import AppSession

EXCERPTS = 6  # the newest 360 comments the panel quotes


@dataclass(frozen=True)
class ReviewRow:
    """One line of the review screen's candidate list."""

    employee_id: int
    no: str
    name: str
    transition_id: int
    transition: str
    state: str | None  # the case's state, None without a case
    total: float | None
    readiness: str  # ready | nearly | not
    holder: str | None  # the role the case waits on
    case_id: int | None

    @property
    def key(self) -> tuple[int, int]:
        return (self.employee_id, self.transition_id)


@dataclass(frozen=True)
class CriterionLine:
    rule: str
    met: bool
    observed: Any
    required: Any
    explanation: str
    series: tuple[float | None, ...]  # month by month, for the sparkline (KPI criteria)
    months: tuple[str, ...]
    metric: str | None = None  # the metric's code: observed and required are shown in its unit
    kind: str | None = None  # the rule's kind ("change": a rate's change is in percentage points)


@dataclass(frozen=True)
class CompetencyLine:
    """One competency the target level expects, against the candidate's 360 ratings."""

    competency: str
    expected: int | None  # the target level's expected proficiency (1–5); None: not expected
    mean: float | None  # mean of the ratings received (self-ratings left out); None: unrated
    raters: int

    @property
    def reached(self) -> bool | None:
        if self.expected is None or self.mean is None:
            return None
        return self.mean >= self.expected


@dataclass(frozen=True)
class FeedbackExcerpt:
    date: str
    relation: str
    rater: str  # "" for an anonymous rater the actor may not name
    comment: str
    anonymous: bool


@dataclass(frozen=True)
class ReviewDetail:
    row: ReviewRow
    parts: tuple[dict[str, Any], ...]  # scores.Evaluation.as_dict()["parts"]
    total: float | None
    criteria: tuple[CriterionLine, ...]
    trail: tuple[case_service.TrailEntry, ...] = ()
    evidence: tuple[tuple[int, str, int], ...] = ()
    actions: tuple[str, ...] = field(default=())
    competencies: tuple[CompetencyLine, ...] = ()
    feedback: tuple[FeedbackExcerpt, ...] = ()


def _row(c: CycleCandidateRow, total: float | None) -> ReviewRow:
    return ReviewRow(
        employee_id=c.employee_id,
        no=c.no,
        name=c.name,
        transition_id=c.transition_id,
        transition=c.transition,
        state=c.case_state,
        total=total,
        readiness=str(c.status),
        holder=c.waiting_for,
        case_id=c.case_id,
    )


def review_rows(app: AppSession, cycle_id: int | str, lang: str = "zh") -> list[ReviewRow]:
    """The cycle's candidates as the review screen lists them, their moves named in ``lang``. The
    total is the one the detail panel shows: the case's, or without a case today's evaluation
    (list and panel never differ)."""
    rows = []
    cycle = get_cycle(app, cycle_id)
    for c in cycle_candidates(app, cycle_id, lang):
        if c.case_id is not None:
            total = case_service.view_case(app, c.case_id).evaluation.get("total")
            rows.append(_row(c, total))
        else:
            row = _row(c, None)
            rows.append(_row(c, _live_detail(app, cycle, row).total))
    return rows


def _criterion(d: dict[str, Any]) -> CriterionLine:
    """One criterion of a case's snapshot (or of today's results, as a snapshot would hold it):
    both languages are stored, the UI's is shown (the English review read "最近一次评估为81.2")."""
    months = d.get("months") or []
    return CriterionLine(
        rule=case_service.criterion_text(d, "rule"),
        met=bool(d["met"]),
        observed=d["observed"],
        required=d["required"],
        explanation=case_service.criterion_text(d, "explanation"),
        series=tuple(m["value"] for m in months),
        months=tuple(str(m["month"]) for m in months),
        metric=d.get("metric"),
        kind=d.get("kind"),
    )


def review_detail(app: AppSession, cycle: CycleRow, row: ReviewRow) -> ReviewDetail:
    """One candidate's detail; without a case only the row (the case dialog starts one)."""
    competencies, feedback = competencies_of(app, cycle, row)
    if row.case_id is None:
        live = _live_detail(app, cycle, row)
        return replace(live, competencies=competencies, feedback=feedback)
    view = case_service.view_case(app, row.case_id)
    return ReviewDetail(
        row=row,
        parts=tuple(view.evaluation.get("parts", [])),
        total=view.evaluation.get("total"),
        criteria=tuple(_criterion(d) for d in view.criteria),
        trail=view.trail,
        evidence=view.evidence,
        actions=view.actions,
        competencies=competencies,
        feedback=feedback,
    )


def competencies_of(
    app: AppSession, cycle: CycleRow, row: ReviewRow
) -> tuple[tuple[CompetencyLine, ...], tuple[FeedbackExcerpt, ...]]:
    """The target level's expected competencies against the candidate's 360 ratings received up
    to the end of the cycle's as-of month (self-ratings left out, as the dashboard's 能力缺口
    counts them), and the newest comments. An anonymous comment is quoted only for those who may
    see anonymous raters (the owner); its ratings count for everyone."""
    end = mo.last_day(cycle.as_of)
    with app.read() as s:
        target = s.scalar(select(Transition.to_level_id).where(Transition.id == row.transition_id))
    try:
        profile = records.competency_profile(app, row.employee_id, until=end, level_id=target)
        received = [f for f in records.list_feedback(app, row.employee_id) if f.date <= end]
    except PermissionDenied:  # someone outside the actor's team: no ratings to show
        return (), ()
    expected = [p for p in profile if p.expected]
    lines = tuple(
        CompetencyLine(
            p.name,
            int(p.expected) if p.expected else None,
            p.current,
            p.ratings,
        )
        for p in (expected or [p for p in profile if p.ratings])
    )
    may_quote_anonymous = can(app.actor, Perm.VIEW_ANONYMOUS_RATER)
    excerpts = tuple(
        FeedbackExcerpt(f.date.isoformat(), f.relation, f.rater, f.comment, f.anonymous)
        for f in received  # newest first
        if f.comment.strip() and (may_quote_anonymous or not f.anonymous)
    )[:EXCERPTS]
    return lines, excerpts


def _live_detail(app: AppSession, cycle: CycleRow, row: ReviewRow) -> ReviewDetail:
    """A candidate without a case: today's criteria and evaluation, as the case view shows them."""
    progress = el.employee_progress(
        app, row.employee_id, cycle.as_of, transition_id=row.transition_id, period=cycle.name
    )
    outlook = progress.outlooks[0] if progress.outlooks else None
    with app.read() as s:
        entries = scores.period_entries(s, row.employee_id, cycle.name)
        transition = el.transition_rules(s, row.transition_id)
    results = outlook.results if outlook else ()
    template = transition.template if transition else scoring.DEFAULT_TEMPLATE
    evaluation = scores.evaluate(template, results, entries).as_dict()
    return ReviewDetail(
        row=row,
        parts=tuple(evaluation["parts"]),
        total=evaluation["total"],
        criteria=tuple(_criterion(case_service.criterion_dict(r)) for r in results),
    )


@dataclass(frozen=True)
class CompareLine:
    section: str  # criteria | parts
    label: str
    values: tuple[str, ...]
    differs: bool


def compare(details: Sequence[ReviewDetail]) -> list[CompareLine]:
    """Two or three candidates of the same transition, the same rows aligned, differences flagged."""
    if not 2 <= len(details) <= 3:
        raise ValidationError("review.compare.count", field="candidates")
    if len({d.row.transition for d in details}) != 1:  # same from → to (tracks may differ)
        raise ValidationError("review.compare.transition", field="candidates")
    lines: list[CompareLine] = []

    def add(section: str, label: str, values: list[str]) -> None:
        lines.append(CompareLine(section, label, tuple(values), len(set(values)) > 1))

    rules = list(dict.fromkeys(c.rule for d in details for c in d.criteria))
    for rule in rules:
        found = [next((c for c in d.criteria if c.rule == rule), None) for d in details]
        add("criteria", rule, ["" if c is None else ("✓" if c.met else "✗") for c in found])
    names = list(dict.fromkeys(str(p["name"]) for d in details for p in d.parts))
    for name in names:
        scores = [next((p["score"] for p in d.parts if p["name"] == name), None) for d in details]
        add("parts", name, ["" if s is None else f"{s:.1f}" for s in scores])
    totals = ["" if d.total is None else f"{d.total:.1f}" for d in details]
    add("parts", "total", totals)
    return lines
