"""Who is ready for which move as of a month, and what is still missing: the rule engine over the company file.

Everything here loads and arranges; the verdicts come from core/domain/rules.py. The 达标名单
evaluates every active employee at once through the batch evaluator and builds no sentences;
one employee's 晋升进度 and the CLI go criterion by criterion through ``rules.evaluate``, which
also explains. Both give the same verdicts (the rule engine's tests prove batch == evaluate,
and ours prove it again over the company file).

Choices written down here (and in the user guide):

* "as of" is the last complete month with data, unless the caller picks a month;
* departed employees (a leave date is set) and employees without a level are left out;
  supervisors see their own team only;
* time at the current level counts from Employee.level_since, else from the last grade change
  to that level, else (for someone whose level never changed) from the hire date;
* a score rule reads the latest evaluation period's item scores (several raters of an item
  are averaged); the performance part is the transition's KPI attainment, as in an evaluation,
  and a part without rubric items in the template is the mean of the items entered for it;
* a transition with no rule at all is never "ready" (it is a gap in the ladder, not a pass).
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import explain as ex
from core.domain import metrics as mx
from core.domain import months as mo
from core.domain import periods, scoring
from core.domain.ladder_design import LadderDesign, rules_of
from core.domain.rules import (
    DEFAULT_MARGIN,
    SCORES_ENTERED,
    AchievementRecord,
    AchievementTable,
    BatchResult,
    CriterionResult,
    CriterionSpec,
    EmployeeBatch,
    EvaluationContext,
    Readiness,
    TransitionProgress,
    evaluate,
    evaluate_batch,
    is_failed,
    is_success,
    level_start_index,
    readiness,
    readiness_batch,
)
from core.errors import ValidationError
from core.i18n import Message
from core.model import Achievement, Employee, FileMeta, GradeChange, ReviewCycle, ScoreEntry
from core.permissions import Perm, require
from core.progress import NO_PROGRESS, Progress
from core.services.archive.employees import ensure_visible, review_scope, visible_ids
from core.services.eligibility import metrics as kpi
from core.services.exports.xlsx_safety import safe_row
from core.services.ladder.saving import read_design
from core.session import Actor, AppSession
from core.storage.atomic import save_workbook

MARGIN_KEY = "eligibility.margin"
MAX_MARGIN = 0.5
SCORE_KIND = "score"


# --- what the engine looks at, as plain values ------------------------------------------------


@dataclass(frozen=True)
class TransitionRules:
    """A move out of a level with every rule a candidate must meet (minimum tenure included)."""

    id: int
    kind: str  # promotion | transfer
    from_level_id: int
    to_level_id: int
    from_level: str
    to_level: str
    from_track: str
    to_track: str
    rules: tuple[CriterionSpec, ...]
    template: scoring.EvaluationTemplate

    def ends(self, lang: str = "zh") -> tuple[str, str]:
        """The two levels as a reader should see them. Titles repeat across tracks (运营专员 in
        店铺运营 and 用户运营): a move between tracks names them, or it would read 运营专员 → 运营专员.
        The brackets are ``lang``'s: 运营专员（数据运营） but "运营专员 (数据运营)" in English."""
        if self.from_track != self.to_track:
            opening, closing = (" (", ")") if lang == "en" else ("（", "）")
            return (
                f"{self.from_level}{opening}{self.from_track}{closing}",
                f"{self.to_level}{opening}{self.to_track}{closing}",
            )
        return self.from_level, self.to_level

    def label(self, lang: str = "zh") -> str:
        return " → ".join(self.ends(lang))

    @property
    def has_score_rules(self) -> bool:
        return any(spec.kind == SCORE_KIND for spec in self.rules)


@dataclass(frozen=True)
class Person:
    """An active employee as eligibility sees them."""

    id: int
    no: str
    name: str
    department: str
    track: str
    level_id: int
    level: str
    supervisor: str
    level_since: date | None


@dataclass(frozen=True)
class Candidate:
    """One employee on one transition: a row of the 达标名单 (verdicts only, no sentences)."""

    person: Person
    transition: TransitionRules
    status: Readiness
    met: tuple[bool, ...]
    attainment: tuple[float, ...]

    @property
    def met_count(self) -> int:
        return sum(self.met)

    @property
    def total(self) -> int:
        return len(self.met)

    @property
    def ready(self) -> bool:
        return self.status is Readiness.READY

    @property
    def completion(self) -> float:
        """Mean attainment of the criteria (0..1): how far along the person is."""
        return sum(self.attainment) / len(self.attainment) if self.attainment else 0.0

    def unmet_rules(self, custom: Mapping[str, mx.Metric] | None = None) -> list[Message]:
        return [
            ex.rule_message(spec, custom)
            for spec, ok in zip(self.transition.rules, self.met, strict=True)
            if not ok
        ]


@dataclass(frozen=True)
class EligibilityList:
    """Every active employee the actor may see, on every transition out of their level."""

    as_of: str
    latest_month: str | None
    margin: float
    transitions: tuple[TransitionRules, ...]
    candidates: tuple[Candidate, ...]
    custom: Mapping[str, mx.Metric] = field(default_factory=dict)

    def counts(self) -> dict[Readiness, int]:
        found = dict.fromkeys(Readiness, 0)
        for c in self.candidates:
            found[c.status] += 1
        return found

    def shortlist(self) -> list[Candidate]:
        """Ready now or nearly ready: what the 达标名单 shows by default."""
        return [c for c in self.candidates if c.status is not Readiness.NOT_READY]


@dataclass(frozen=True)
class TransitionOutlook:
    """One transition of one employee, every criterion explained."""

    transition: TransitionRules
    progress: TransitionProgress

    @property
    def status(self) -> Readiness:
        return self.progress.status

    @property
    def results(self) -> tuple[CriterionResult, ...]:
        return self.progress.results

    def summary(self) -> Message:
        if not self.transition.rules:
            return Message("eligibility.no_rules")
        return self.progress.summary()


@dataclass(frozen=True)
class EmployeeProgress:
    """An employee's 晋升进度: each transition out of their level as of a month."""

    person: Person | None  # None for a departed employee or one without a level
    as_of: str
    latest_month: str | None
    margin: float
    outlooks: tuple[TransitionOutlook, ...]
    custom: Mapping[str, mx.Metric] = field(default_factory=dict)


# --- loading ----------------------------------------------------------------------------------


@dataclass
class _Company:
    """Everything the rules need about a set of people as of one month, read in one go."""

    as_of: str
    people: list[Person]
    transitions: dict[int, list[TransitionRules]]  # from level -> transitions
    achievements: list[tuple[int, str, date, str, float | None, int | None, str]]
    item_scores: dict[int, dict[str, dict[str, float]]]
    book: kpi.FactBook
    custom: dict[str, mx.Metric]
    latest_month: str | None
    margin: float

    def records(self, employee_id: int) -> tuple[AchievementRecord, ...]:
        return tuple(
            AchievementRecord(kind, day, result, roi, team, name)
            for who, kind, day, result, roi, team, name in self.achievements
            if who == employee_id
        )

    def achievement_table(self) -> AchievementTable:
        """Everybody's achievements as the batch evaluator's columns (rows = people order)."""
        row_of = {p.id: i for i, p in enumerate(self.people)}
        rows = [a for a in self.achievements if a[0] in row_of]
        kinds = {k: mx.achievement_type_code(k) or k for k in {a[1] for a in rows}}
        results = {r: (is_success(r), is_failed(r)) for r in {a[3] for a in rows}}
        return AchievementTable(
            employee=np.fromiter((row_of[a[0]] for a in rows), dtype=np.int64, count=len(rows)),
            type=np.array([kinds[a[1]] for a in rows], dtype=np.str_),
            day=np.fromiter((a[2].toordinal() for a in rows), dtype=np.int64, count=len(rows)),
            success=np.fromiter((results[a[3]][0] for a in rows), dtype=bool, count=len(rows)),
            failed=np.fromiter((results[a[3]][1] for a in rows), dtype=bool, count=len(rows)),
            roi=np.array([np.nan if a[4] is None else a[4] for a in rows], dtype=np.float64),
            team_size=np.array([np.nan if a[5] is None else a[5] for a in rows], dtype=np.float64),
        )


def _transitions(design: LadderDesign) -> dict[int, list[TransitionRules]]:
    default = design.default_template()
    found: dict[int, list[TransitionRules]] = defaultdict(list)
    for t in design.transitions:
        source, target = design.level(t.from_level_id), design.level(t.to_level_id)
        if t.archived or source is None or target is None or target.archived:
            continue
        chosen = design.template(t.evaluation_template_id) or default
        source_track, target_track = design.track(source.track_id), design.track(target.track_id)
        found[t.from_level_id].append(
            TransitionRules(
                id=t.id,
                kind=t.kind,
                from_level_id=source.id,
                to_level_id=target.id,
                from_level=source.title,
                to_level=target.title,
                from_track=source_track.name if source_track else "",
                to_track=target_track.name if target_track else "",
                rules=rules_of(t),
                template=chosen.template if chosen else scoring.DEFAULT_TEMPLATE,
            )
        )
    for ts in found.values():
        # promotions first, then up the ladder, so a list reads bottom-up per level
        ts.sort(key=lambda r: (r.kind != "promotion", r.to_level, r.id))
    return dict(found)


def transitions_out_of(session: Session, level_id: int) -> list[TransitionRules]:
    """The live transitions out of one level, with their rules and evaluation template."""
    return list(_transitions(read_design(session)).get(level_id, ()))


def all_transitions(session: Session) -> list[list[TransitionRules]]:
    """Every live transition, grouped by the level it leaves."""
    return list(_transitions(read_design(session)).values())


def transition_rules(session: Session, transition_id: int) -> TransitionRules | None:
    return transition_rules_in(read_design(session), transition_id)


def transition_rules_in(design: LadderDesign, transition_id: int) -> TransitionRules | None:
    """One transition's rules and template in ``design`` (saved or not); None when it has none."""
    for found in _transitions(design).values():
        for t in found:
            if t.id == transition_id:
                return t
    return None


def _people(
    session: Session, actor: Actor, design: LadderDesign, employee_ids: Iterable[int] | None
) -> list[Person]:
    # a list (the 达标名单, the dashboard's counts, the badges) is of the people the actor
    # reviews: a supervisor's team without herself; one person asked for by id (her own
    # archive's 晋升进度 included) needs only to be visible
    scope = (
        visible_ids(session, actor) if employee_ids is not None else review_scope(session, actor)
    )
    query = select(
        Employee.id,
        Employee.no,
        Employee.name,
        Employee.department,
        Employee.level_id,
        Employee.level_since,
        Employee.hire_date,
        Employee.supervisor_id,
    ).where(Employee.leave_date.is_(None), Employee.level_id.is_not(None))
    if employee_ids is not None:
        query = query.where(Employee.id.in_(set(employee_ids)))
    conn = session.connection()  # plain rows: this runs for the whole list on every refresh
    rows = [r for r in conn.execute(query) if scope is None or r[0] in scope]
    bosses = {r[7] for r in rows if r[7] is not None}
    names: dict[int, str] = (
        {
            i: n
            for i, n in conn.execute(
                select(Employee.id, Employee.name).where(Employee.id.in_(bosses))
            )
        }
        if bosses
        else {}
    )
    changes: dict[int, list[tuple[int | None, date]]] = defaultdict(list)
    ids = [r[0] for r in rows]
    if ids:
        for employee_id, to_level, day in conn.execute(
            select(GradeChange.employee_id, GradeChange.to_level_id, GradeChange.effective_date)
            .where(GradeChange.employee_id.in_(ids))
            .order_by(GradeChange.effective_date, GradeChange.id)
        ):
            changes[employee_id].append((to_level, day))
    levels = {lv.id: lv for lv in design.levels}
    tracks = {t.id: t for t in design.tracks}
    people: list[Person] = []
    for employee_id, no, name, department, level_id, level_since, hired, boss in rows:
        assert level_id is not None
        level = levels.get(level_id)
        track = tracks.get(level.track_id) if level else None
        people.append(
            Person(
                id=employee_id,
                no=no,
                name=name,
                department=department or "",
                track=track.name if track else "",
                level_id=level_id,
                level=level.title if level else "",
                supervisor=names.get(boss, "") if boss is not None else "",
                level_since=_level_since(level_id, level_since, hired, changes[employee_id]),
            )
        )
    people.sort(key=lambda p: p.no)
    return people


def _level_since(
    level_id: int,
    recorded: date | None,
    hired: date | None,
    changes: Sequence[tuple[int | None, date]],
) -> date | None:
    if recorded is not None:
        return recorded
    to_this = [day for to_level, day in changes if to_level == level_id]
    if to_this:
        return to_this[-1]
    return hired if not changes else None


def _achievements(
    session: Session, ids: Sequence[int], since: date | None = None, until: date | None = None
) -> list[tuple[int, str, date, str, float | None, int | None, str]]:
    if not ids:
        return []
    query = (
        select(
            Achievement.employee_id,
            Achievement.type,
            Achievement.date,
            Achievement.result,
            Achievement.roi,
            Achievement.team_size,
            Achievement.name,
        )
        .where(Achievement.employee_id.in_(ids))
        .order_by(Achievement.date, Achievement.id)
    )
    if since is not None:
        query = query.where(Achievement.date >= since)
    if until is not None:
        query = query.where(Achievement.date <= until)
    return [tuple(r) for r in session.connection().execute(query)]  # type: ignore[misc]


def _latest_item_scores(
    session: Session, ids: Sequence[int], period: str | None = None, until: str | None = None
) -> dict[int, dict[str, dict[str, float]]]:
    """Per employee, item scores per part of their latest evaluation period (or of ``period``,
    a review cycle's name, when a case or the cycle's screen asks): the latest by the month it
    was judged as of (core/domain/periods.py), not by its last entry, and with ``until`` the
    latest judged by that month."""
    entries: dict[int, dict[str, list[tuple[str, str, float]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    seen: dict[int, dict[str, periods.PeriodSeen]] = defaultdict(dict)
    if not ids:
        return {}
    for (
        employee_id,
        entry_period,
        part,
        item,
        score,
        scored_on,
        entry_id,
    ) in session.connection().execute(
        select(
            ScoreEntry.employee_id,
            ScoreEntry.period,
            ScoreEntry.part,
            ScoreEntry.item,
            ScoreEntry.score,
            ScoreEntry.scored_on,
            ScoreEntry.id,
        ).where(ScoreEntry.employee_id.in_(ids))
    ):
        if period is not None and entry_period != period:
            continue
        entries[employee_id][entry_period].append((part, item, score))
        stamp = seen[employee_id].setdefault(entry_period, periods.PeriodSeen())
        stamp.saw(scored_on, entry_id)
    marks = cycle_marks(session) if period is None else {}
    result: dict[int, dict[str, dict[str, float]]] = {}
    for employee_id, by_period in entries.items():
        latest = (
            period if period is not None else periods.latest_period(seen[employee_id], marks, until)
        )
        if latest is not None and latest in by_period:
            result[employee_id] = scoring.average_ratings(by_period[latest])
    return result


def cycle_marks(session: Session) -> dict[str, periods.CycleMark]:
    """The review cycles' 截至月份 and order, for ordering evaluation periods."""
    rows = session.execute(
        select(ReviewCycle.name, ReviewCycle.as_of).order_by(ReviewCycle.created_at, ReviewCycle.id)
    )
    return periods.cycle_marks((name, as_of) for name, as_of in rows)


def read_margin(session: Session) -> float:
    """How far from its threshold an unmet criterion may be for 接近达标 (fraction, default 10%)."""
    stored = session.get(FileMeta, MARGIN_KEY)
    if stored is None:
        return DEFAULT_MARGIN
    try:
        value = float(stored.value)
    except ValueError:
        return DEFAULT_MARGIN
    return value if 0 <= value <= MAX_MARGIN else DEFAULT_MARGIN


def lookback(transitions: Iterable[TransitionRules]) -> int:
    """How many months before "as of" any rule looks (a growth needs the month before too)."""
    longest = 1
    for t in transitions:
        for spec in t.rules:
            if spec.kind in ("each_month", "average", "change", "count"):
                span = max(int(spec.window), 1) + (1 if spec.kind == "change" else 0)
                if spec.metric in mx.GROWTHS:
                    span += 1
                longest = max(longest, span)
    return longest


def _load(
    session: Session,
    actor: Actor,
    as_of: str | None,
    today: date | None,
    employee_ids: Iterable[int] | None = None,
    *,
    whole_history: bool = False,
    period: str | None = None,
    design: LadderDesign | None = None,
) -> _Company:
    """Read what the rules need; unless ``whole_history``, only the months they will look at.
    ``design`` judges by a ladder not yet saved (the designer's "what would change")."""
    latest = kpi.latest_data_month(session)
    today_month = kpi.default_as_of(latest, today)
    month = mo.parse(as_of) if as_of is not None and str(as_of).strip() else today_month
    if design is None:
        design = read_design(session)
    transitions = _transitions(design)
    people = _people(session, actor, design, employee_ids)
    ids = [p.id for p in people]
    months: tuple[str, str] | None = None
    since: date | None = None
    until: date | None = None
    if not whole_history:
        months = (mo.add(month, -(lookback(_flat(transitions)) - 1)), month)
        since, until = mo.first_day(months[0]), mo.last_day(month)
    return _Company(
        as_of=month,
        people=people,
        transitions=transitions,
        achievements=_achievements(session, ids, since, until),
        # looking back (an earlier 截至月份 than today's), an evaluation judged after it is not
        # yet there; today, every evaluation made so far counts, whatever its 截至月份
        item_scores=_latest_item_scores(
            session, ids, period, month if month < today_month else None
        ),
        book=kpi.load_facts(session, None if employee_ids is None else ids, months=months),
        custom=design.custom(),
        latest_month=latest,
        margin=read_margin(session),
    )


def _flat(transitions: Mapping[int, Sequence[TransitionRules]]) -> list[TransitionRules]:
    return [t for ts in transitions.values() for t in ts]


# --- scores -----------------------------------------------------------------------------------


def evaluation_scores(
    template: scoring.EvaluationTemplate,
    item_scores: Mapping[str, Mapping[str, float]],
    performance: float | None,
) -> dict[str, float | None]:
    """The scores a score rule reads: each part (0–100) and the weighted total.

    ``performance`` is the transition's KPI attainment score (None without KPI rules). A part
    with rubric items is scored from them exactly as an evaluation is; a part without items is the
    mean of whatever items were entered for it. The total needs every part.
    """
    if not any(item_scores.values()):
        # nothing entered yet: only the KPI part can have a score, so there is no total
        return {
            "total": None,
            **{
                p.key: performance
                if p.key == "performance"
                and performance is not None
                and not math.isnan(performance)
                else None
                for p in template.parts
            },
        }
    scored = scoring.score_evaluation(template, (), item_scores)
    parts: dict[str, float | None] = {}
    for part in template.parts:
        value = scored.parts.get(part.key)
        if part.key == "performance" and performance is not None and not math.isnan(performance):
            value = performance
        elif not part.items:
            entered = list(item_scores.get(part.key, {}).values())
            value = sum(entered) / len(entered) if entered else None
        parts[part.key] = value
    total: float | None = None
    if not scoring.validate_template(template) and all(v is not None for v in parts.values()):
        total = 0.0
        for part in template.parts:
            score = parts[part.key]
            assert score is not None
            total += part.weight * score / scoring.WEIGHT_TOTAL
    return {"total": total, **parts}


# --- everybody at once: the 达标名单 -------------------------------------------------------------


def _batch(company: _Company) -> EmployeeBatch:
    people = company.people
    axis = company.book.months
    series = company.book.arrays([p.id for p in people], company.custom)
    table = company.achievement_table()
    level_start = np.array([level_start_index(p.level_since) for p in people], dtype=np.float64)
    return EmployeeBatch(len(people), axis, series, table, level_start, {})


def _score_arrays(
    company: _Company, transition: TransitionRules, rows: Sequence[int], performance: np.ndarray
) -> dict[str, mx.FloatArray]:
    n = len(company.people)
    arrays = {part: np.full(n, np.nan) for part in mx.SCORE_PARTS}
    for row in rows:
        person = company.people[row]
        perf = float(performance[row])
        scores = evaluation_scores(
            transition.template,
            company.item_scores.get(person.id, {}),
            None if math.isnan(perf) else perf,
        )
        for part, value in scores.items():
            if part in arrays and value is not None:
                arrays[part][row] = value
    return arrays


def _evaluate_list(company: _Company, as_of: str, progress: Progress) -> tuple[Candidate, ...]:
    people = company.people
    batch = _batch(company)
    n = batch.size
    rows_at: dict[int, list[int]] = defaultdict(list)
    for row, person in enumerate(people):
        rows_at[person.level_id].append(row)
    candidates: list[tuple[int, Candidate]] = []
    transitions = [t for t in tuple(_flat(company.transitions)) if rows_at.get(t.from_level_id)]
    for done, transition in enumerate(transitions):
        progress.step(done, len(transitions))
        rows = rows_at[transition.from_level_id]
        results: dict[int, BatchResult] = {}
        for i, spec in enumerate(transition.rules):
            if spec.kind != SCORE_KIND:
                results[i] = evaluate_batch(spec, batch, as_of, company.custom)
        if transition.has_score_rules:
            kpi_specs = [transition.rules[i] for i in results]
            performance = scoring.performance_score_batch(kpi_specs, list(results.values()), n)
            scored = dataclasses.replace(
                batch, scores=_score_arrays(company, transition, rows, performance)
            )
            for i, spec in enumerate(transition.rules):
                if spec.kind == SCORE_KIND:
                    results[i] = evaluate_batch(spec, scored, as_of, company.custom)
        ordered = [results[i] for i in range(len(transition.rules))]
        status = readiness_batch(transition.rules, ordered, n, company.margin)
        # plain Python values per row, taken out of the arrays in one go each
        index = np.array(rows, dtype=np.int64)
        met_rows = (
            np.array([r.met[index] for r in ordered]).T.tolist() if ordered else [[]] * len(rows)
        )
        attainment_rows = (
            np.array([r.attainment[index] for r in ordered]).T.tolist()
            if ordered
            else [[]] * len(rows)
        )
        statuses = [Readiness(s) for s in status[index].tolist()]
        for i, row in enumerate(rows):
            candidates.append(
                (
                    row,
                    Candidate(
                        people[row],
                        transition,
                        statuses[i] if transition.rules else Readiness.NOT_READY,
                        tuple(met_rows[i]),
                        tuple(attainment_rows[i]),
                    ),
                )
            )
    progress.step(len(transitions), len(transitions))
    candidates.sort(key=lambda rc: rc[0])
    return tuple(c for _, c in candidates)


def eligibility_list(
    app: AppSession,
    as_of: str | None = None,
    *,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
    period: str | None = None,
) -> EligibilityList:
    """The 达标名单 as of ``as_of`` (default: the last complete month with data); score rules
    read the ``period`` (a review cycle's name) when given, else each person's latest."""
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        company = _load(s, app.actor, as_of, today, period=period)
    candidates = _evaluate_list(company, company.as_of, progress)
    return EligibilityList(
        company.as_of,
        company.latest_month,
        company.margin,
        tuple(_flat(company.transitions)),
        candidates,
        company.custom,
    )


# --- one employee, explained: 晋升进度 and the CLI ----------------------------------------------


def _outlook(
    company: _Company, person: Person, transition: TransitionRules, as_of: str
) -> TransitionOutlook:
    ctx = EvaluationContext(
        series=company.book.series(person.id, company.custom),
        achievements=company.records(person.id),
        level_since=person.level_since,
    )
    results: dict[int, CriterionResult] = {}
    for i, spec in enumerate(transition.rules):
        if spec.kind != SCORE_KIND:
            results[i] = evaluate(spec, ctx, as_of, company.custom)
    if transition.has_score_rules:
        performance = scoring.performance_score(list(results.values()))
        items = company.item_scores.get(person.id, {})
        scores = evaluation_scores(transition.template, items, performance)
        # "incomplete" rather than "no score yet" when some item scores exist (issue 11)
        entered = float(sum(len(v) for v in items.values()))
        scored = dataclasses.replace(ctx, scores={**scores, SCORES_ENTERED: entered})
        for i, spec in enumerate(transition.rules):
            if spec.kind == SCORE_KIND:
                results[i] = evaluate(spec, scored, as_of, company.custom)
    ordered = tuple(results[i] for i in range(len(transition.rules)))
    status = readiness(ordered, company.margin) if ordered else Readiness.NOT_READY
    return TransitionOutlook(transition, TransitionProgress(as_of, status, ordered))


def employee_progress(
    app: AppSession,
    employee_id: int,
    as_of: str | None = None,
    *,
    transition_id: int | None = None,
    today: date | None = None,
    period: str | None = None,
    design: LadderDesign | None = None,
) -> EmployeeProgress:
    """One employee's 晋升进度: every transition out of their level (or just ``transition_id``);
    score rules read the ``period`` (a review cycle's name) when given, else the latest one.
    ``design``: judge by that ladder instead of the saved one."""
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        ensure_visible(s, app.actor, employee_id)
        company = _load(
            s,
            app.actor,
            as_of,
            today,
            [employee_id],
            whole_history=True,
            period=period,
            design=design,
        )
    month = company.as_of
    if not company.people:
        return EmployeeProgress(
            None, month, company.latest_month, company.margin, (), company.custom
        )
    person = company.people[0]
    outlooks = tuple(
        _outlook(company, person, t, month)
        for t in company.transitions.get(person.level_id, ())
        if transition_id is None or t.id == transition_id
    )
    return EmployeeProgress(
        person, month, company.latest_month, company.margin, outlooks, company.custom
    )


def report(
    app: AppSession, as_of: str | None = None, *, today: date | None = None
) -> tuple[str, list[tuple[Person, TransitionOutlook]]]:
    """Every active employee the actor may see on every transition out of their level, explained."""
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        company = _load(s, app.actor, as_of, today)
    month = company.as_of
    found = [
        (person, _outlook(company, person, t, month))
        for person in company.people
        for t in company.transitions.get(person.level_id, ())
    ]
    return month, found


def _number(value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def as_json(person: Person, outlook: TransitionOutlook, lang: str | None = None) -> dict[str, Any]:
    """One entry of ``tidui-cli eligibility --json`` (docs/cli.md, with status/missing added)."""
    criteria = []
    for result in outlook.results:
        entry = result.as_dict(lang)
        observed = entry["observed"]
        entry["observed"] = (
            [_number(v) for v in observed] if isinstance(observed, list) else _number(observed)
        )
        entry["kind"] = result.spec.kind
        entry["metric"] = result.spec.metric
        entry["window"] = result.spec.window
        criteria.append(entry)
    missing = [m.text(lang) for m in outlook.progress.missing()]
    if not outlook.transition.rules:
        missing = [Message("eligibility.no_rules").text(lang)]
    return {
        "employee": person.no,
        "name": person.name,
        "from": outlook.transition.from_level,
        "to": outlook.transition.to_level,
        "ready": outlook.status is Readiness.READY,
        "status": outlook.status.value,
        "kind": outlook.transition.kind,
        "track": outlook.transition.to_track,
        "from_track": outlook.transition.from_track,
        "to_track": outlook.transition.to_track,
        "as_of": outlook.progress.as_of,
        "met": outlook.progress.met_count,
        "total": len(outlook.results),
        "criteria": criteria,
        "missing": missing,
    }


# --- the 接近达标 margin --------------------------------------------------------------------


def margin(app: AppSession) -> float:
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        return read_margin(s)


def set_margin(app: AppSession, value: float) -> None:
    """Change how close an unmet criterion must be for 接近达标 (0–50% of its threshold)."""
    require(app.actor, Perm.EDIT_LADDER)
    if not (isinstance(value, int | float) and 0 <= value <= MAX_MARGIN):
        raise ValidationError(
            "eligibility.bad_margin", field="margin", max=f"{MAX_MARGIN * 100:g}%"
        )
    with app.uow() as uow:
        stored = uow.session.get(FileMeta, MARGIN_KEY)
        before = read_margin(uow.session)
        if stored is None:
            uow.session.add(FileMeta(key=MARGIN_KEY, value=repr(float(value))))
        else:
            stored.value = repr(float(value))
        uow.audit(
            "eligibility.margin",
            "file_meta",
            MARGIN_KEY,
            before={"margin": before},
            after={"margin": float(value)},
        )
        uow.commit()


# --- export ---------------------------------------------------------------------------------------

EXPORT_COLUMNS: tuple[str, ...] = (
    "eligibility.col.no",
    "eligibility.col.name",
    "eligibility.col.department",
    "eligibility.col.track",
    "eligibility.col.from",
    "eligibility.col.to",
    "eligibility.col.kind",
    "eligibility.col.status",
    "eligibility.col.met",
    "eligibility.col.completion",
    "eligibility.col.unmet",
)


def export_xlsx(
    app: AppSession,
    found: EligibilityList,
    candidates: Sequence[Candidate],
    out: Path,
    lang: str | None = None,
) -> Path:
    """Write the rows shown (``candidates`` of ``found``) to an .xlsx; every text cell formula-safe."""
    require(app.actor, Perm.EXPORT_DATA)
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from core.services.admin.company import get_info

    company = get_info(app).name
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = Message("eligibility.export.sheet").text(lang)
    sheet.append(
        safe_row(
            [
                Message(
                    "eligibility.export.title",
                    {"company": company, "month": mo.label(found.as_of, lang or "zh")},
                ).text(lang)
            ]
        )
    )
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(safe_row([Message(code).text(lang) for code in EXPORT_COLUMNS]))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    kinds = {"promotion": "eligibility.kind.promotion", "transfer": "eligibility.kind.transfer"}
    for c in candidates:
        unmet = ex.joined(c.unmet_rules(found.custom), "rules.sep.problems").text(lang)
        sheet.append(
            safe_row(
                [
                    c.person.no,
                    c.person.name,
                    c.person.department,
                    c.person.track,
                    c.transition.from_level,
                    c.transition.to_level,
                    Message(kinds.get(c.transition.kind, "eligibility.kind.promotion")).text(lang),
                    c.status.message().text(lang),
                    f"{c.met_count}/{c.total}",
                    round(c.completion, 4),
                    unmet,
                ]
            )
        )
        sheet.cell(sheet.max_row, 10).number_format = "0%"
    sheet.freeze_panes = "A3"
    for letter, width in zip("ABCDEFGHIJK", (10, 10, 12, 12, 12, 12, 8, 10, 8, 8, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    out = Path(out)
    save_workbook(workbook, out)
    return out
