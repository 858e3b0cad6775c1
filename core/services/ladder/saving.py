"""The career ladder as the designer edits it: a plain-value design, its validation, and saving it.

The designer works on a ``LadderDesign`` (immutable values, so undo is just going back to an
earlier value) and saves it with ``save_design`` in one transaction that writes an audit entry
for every change. Criteria are versioned: whenever a transition's rules change its version is
bumped and the rules are copied into ``CriteriaVersion``, so a case decided under version 2 can
still show version 2 after the owner edits the ladder. Entities that history still refers to
(departed employees, grade changes, promotion cases) are archived instead of deleted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from core.domain import explain as ex
from core.domain import metrics as mx
from core.domain import rules, scoring
from core.errors import NotFound, ValidationError
from core.i18n import Message
from core.model import (
    Competency,
    CriteriaVersion,
    Criterion,
    CustomMetric,
    Employee,
    EvaluationTemplate,
    Level,
    Track,
    Transition,
    referring_columns,
)
from core.permissions import Perm, require
from core.session import AppSession, UnitOfWork

TRANSITION_KINDS: tuple[str, ...] = ("promotion", "transfer")  # 晋升 | 转岗
MAX_SALARY = 10_000_000  # CNY per month; beyond this a figure was typed with extra zeros
MAX_RAISE_PCT = 500.0
MAX_COMPETENCY_LEVEL = 5
DEFAULT_COMPETENCIES: tuple[str, ...] = (
    "数据分析",
    "策略制定",
    "团队协作",
    "学习能力",
    "创新能力",
    "领导力",
    "直播控场",
)
# Suggestions offered by the level form; the owner may type anything else.
COMMON_PERMISSIONS: tuple[str, ...] = (
    "决定新品上线策略",
    "团队招聘权",
    "营销预算审批",
    "活动方案审批",
    "直播排期决定权",
    "供应商谈判权",
)
COMMON_TRAININGS: tuple[str, ...] = (
    "电商运营峰会",
    "团队管理技巧",
    "直播运营进阶",
    "数据分析实战",
    "私域运营",
)


# --- the design as plain values ---------------------------------------------------------------


@dataclass(frozen=True)
class TrackSpec:
    """A track 通道 as the designer sees it; ``id`` < 0 until it is saved."""

    id: int
    name: str
    sort_order: int = 0
    archived: bool = False
    description: str = ""


@dataclass(frozen=True)
class LevelSpec:
    """A level 职级: rank 1 is the bottom of its track; salaries are CNY per month."""

    id: int
    track_id: int
    title: str
    rank: int = 1
    salary_min: int | None = None
    salary_max: int | None = None
    permissions: tuple[str, ...] = ()
    trainings: tuple[str, ...] = ()
    competencies: tuple[tuple[str, int], ...] = ()  # (competency name, expected level 1–5)
    description: str = ""
    archived: bool = False


@dataclass(frozen=True)
class TransitionSpec:
    """A path between two levels with its criteria; raises are percentages (30.0 = +30%)."""

    id: int
    from_level_id: int
    to_level_id: int
    kind: str = "promotion"
    min_tenure_months: int = 0
    evaluation_template_id: int | None = None
    raise_min_pct: float | None = None
    raise_max_pct: float | None = None
    criteria: tuple[rules.CriterionSpec, ...] = ()
    version: int = 1
    archived: bool = False


@dataclass(frozen=True)
class EvaluationTemplateSpec:
    """An evaluation template (parts, weights, rubric) under the id the file knows it by."""

    id: int
    template: scoring.EvaluationTemplate
    is_default: bool = False

    @property
    def name(self) -> str:
        return self.template.name


@dataclass(frozen=True)
class CustomMetricSpec:
    """A metric the owner added beside the built-in catalogue."""

    code: str
    name_zh: str
    name_en: str = ""
    unit: str = "count"
    direction: str = "higher"
    category: str = "custom"

    def metric(self) -> mx.Metric:
        return mx.custom_metric(
            self.code, self.name_zh, self.name_en, self.unit, self.direction, self.category
        )


@dataclass(frozen=True)
class LadderDesign:
    """Everything the ladder designer edits, as one immutable value."""

    tracks: tuple[TrackSpec, ...] = ()
    levels: tuple[LevelSpec, ...] = ()
    transitions: tuple[TransitionSpec, ...] = ()
    templates: tuple[EvaluationTemplateSpec, ...] = ()
    custom_metrics: tuple[CustomMetricSpec, ...] = ()

    # -- looking things up

    def track(self, track_id: int) -> TrackSpec | None:
        return next((t for t in self.tracks if t.id == track_id), None)

    def level(self, level_id: int) -> LevelSpec | None:
        return next((lv for lv in self.levels if lv.id == level_id), None)

    def transition(self, transition_id: int) -> TransitionSpec | None:
        return next((t for t in self.transitions if t.id == transition_id), None)

    def template(self, template_id: int | None) -> EvaluationTemplateSpec | None:
        return next((t for t in self.templates if t.id == template_id), None)

    def default_template(self) -> EvaluationTemplateSpec | None:
        return next((t for t in self.templates if t.is_default), None) or (
            self.templates[0] if self.templates else None
        )

    def sorted_tracks(self) -> list[TrackSpec]:
        return sorted(self.tracks, key=lambda t: (t.sort_order, t.id if t.id > 0 else 1 << 40))

    def levels_of(self, track_id: int) -> list[LevelSpec]:
        return sorted((lv for lv in self.levels if lv.track_id == track_id), key=lambda v: v.rank)

    def transitions_of(self, level_id: int) -> list[TransitionSpec]:
        """Transitions that start or end at the level."""
        return [t for t in self.transitions if level_id in (t.from_level_id, t.to_level_id)]

    def find_transition(self, from_level_id: int, to_level_id: int) -> TransitionSpec | None:
        return next(
            (
                t
                for t in self.transitions
                if t.from_level_id == from_level_id and t.to_level_id == to_level_id
            ),
            None,
        )

    def custom(self) -> dict[str, mx.Metric]:
        """The owner's metrics, as the rule engine takes them."""
        return {m.code: m.metric() for m in self.custom_metrics}

    def level_label(self, level_id: int) -> str:
        """ "店铺运营/运营主管": unambiguous when two tracks use the same title."""
        level = self.level(level_id)
        if level is None:
            return "?"
        track = self.track(level.track_id)
        return f"{track.name if track else '?'}/{level.title}"

    def new_id(self) -> int:
        """A temporary id (negative) not used by anything in the design yet."""
        ids = [
            0,
            *(t.id for t in self.tracks),
            *(lv.id for lv in self.levels),
            *(t.id for t in self.transitions),
            *(t.id for t in self.templates),
        ]
        return min(ids) - 1

    # -- changing the design (each returns a new design)

    def put_track(self, spec: TrackSpec) -> LadderDesign:
        return dataclasses.replace(self, tracks=_put(self.tracks, spec))

    def put_level(self, spec: LevelSpec) -> LadderDesign:
        return dataclasses.replace(self, levels=_put(self.levels, spec))

    def put_transition(self, spec: TransitionSpec) -> LadderDesign:
        return dataclasses.replace(self, transitions=_put(self.transitions, spec))

    def put_template(self, spec: EvaluationTemplateSpec) -> LadderDesign:
        templates = _put(self.templates, spec)
        if spec.is_default:  # one default at a time
            templates = tuple(
                t if t.id == spec.id else dataclasses.replace(t, is_default=False)
                for t in templates
            )
        return dataclasses.replace(self, templates=templates)

    def put_metric(self, spec: CustomMetricSpec) -> LadderDesign:
        others = tuple(m for m in self.custom_metrics if m.code != spec.code)
        kept = [m for m in self.custom_metrics if m.code == spec.code]
        if kept:
            metrics = tuple(spec if m.code == spec.code else m for m in self.custom_metrics)
        else:
            metrics = (*others, spec)
        return dataclasses.replace(self, custom_metrics=metrics)

    def without_transition(self, transition_id: int) -> LadderDesign:
        return dataclasses.replace(
            self, transitions=tuple(t for t in self.transitions if t.id != transition_id)
        )

    def without_level(self, level_id: int) -> LadderDesign:
        """The level goes, and so do the paths into and out of it."""
        return dataclasses.replace(
            self,
            levels=tuple(lv for lv in self.levels if lv.id != level_id),
            transitions=tuple(
                t for t in self.transitions if level_id not in (t.from_level_id, t.to_level_id)
            ),
        )

    def without_track(self, track_id: int) -> LadderDesign:
        design = self
        for level in self.levels_of(track_id):
            design = design.without_level(level.id)
        return dataclasses.replace(
            design, tracks=tuple(t for t in design.tracks if t.id != track_id)
        )

    def without_template(self, template_id: int) -> LadderDesign:
        transitions = tuple(
            dataclasses.replace(t, evaluation_template_id=None)
            if t.evaluation_template_id == template_id
            else t
            for t in self.transitions
        )
        return dataclasses.replace(
            self,
            templates=tuple(t for t in self.templates if t.id != template_id),
            transitions=transitions,
        )

    def with_ids(self, ids: Mapping[int, int]) -> LadderDesign:
        """The same design with temporary ids replaced by the real ones a save gave them.

        Lets the designer keep its undo history across a save.
        """
        if not ids:
            return self

        def real(some_id: int) -> int:
            return ids.get(some_id, some_id)

        return LadderDesign(
            tracks=tuple(dataclasses.replace(t, id=real(t.id)) for t in self.tracks),
            levels=tuple(
                dataclasses.replace(lv, id=real(lv.id), track_id=real(lv.track_id))
                for lv in self.levels
            ),
            transitions=tuple(
                dataclasses.replace(
                    t,
                    id=real(t.id),
                    from_level_id=real(t.from_level_id),
                    to_level_id=real(t.to_level_id),
                    evaluation_template_id=None
                    if t.evaluation_template_id is None
                    else real(t.evaluation_template_id),
                )
                for t in self.transitions
            ),
            templates=tuple(dataclasses.replace(t, id=real(t.id)) for t in self.templates),
            custom_metrics=self.custom_metrics,
        )

    def without_metric(self, code: str) -> LadderDesign:
        return dataclasses.replace(
            self, custom_metrics=tuple(m for m in self.custom_metrics if m.code != code)
        )


def _put(items: tuple[Any, ...], spec: Any) -> tuple[Any, ...]:
    if any(i.id == spec.id for i in items):
        return tuple(spec if i.id == spec.id else i for i in items)
    return (*items, spec)


def rules_of(transition: TransitionSpec) -> tuple[rules.CriterionSpec, ...]:
    """Every rule a candidate must meet: the criteria plus the minimum tenure of the form.

    The form's "minimum months at level" is a tenure rule the employee reads like the others;
    it is added here unless the criteria already hold a tenure rule.
    """
    found = transition.criteria
    if transition.min_tenure_months > 0 and not any(c.kind == "tenure" for c in found):
        found = (
            *found,
            rules.CriterionSpec(kind="tenure", threshold=float(transition.min_tenure_months)),
        )
    return found


# --- validation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something that blocks saving, attached to the entity (and criterion row) it is about."""

    entity: str  # track | level | transition | template | metric
    entity_id: int | str
    message: Message
    criterion: int | None = None  # row in the transition's criteria table

    def text(self, lang: str | None = None) -> str:
        return self.message.text(lang)


def criterion_problems(
    spec: rules.CriterionSpec, custom: Mapping[str, mx.Metric] | None = None
) -> list[Message]:
    """What is wrong with one criteria row (the rule engine's own checks)."""
    return rules.validate(spec, custom)


def validate_design(design: LadderDesign) -> list[Problem]:
    """Every problem that blocks saving the design, in the order the designer shows them."""
    found: list[Problem] = []
    custom = design.custom()
    names: dict[str, int] = {}
    for track in design.sorted_tracks():
        name = track.name.strip()
        if not name:
            found.append(Problem("track", track.id, Message("ladder.track.name_required")))
        elif name in names:
            found.append(
                Problem("track", track.id, Message("ladder.track.duplicate", {"name": name}))
            )
        names.setdefault(name, track.id)

    titles: dict[tuple[int, str], int] = {}
    for level in design.levels:
        title = level.title.strip()
        if design.track(level.track_id) is None:
            found.append(Problem("level", level.id, Message("ladder.level.no_track")))
        if not title:
            found.append(Problem("level", level.id, Message("ladder.level.title_required")))
        elif (level.track_id, title) in titles:
            owner = design.track(level.track_id)
            found.append(
                Problem(
                    "level",
                    level.id,
                    Message(
                        "ladder.level.duplicate",
                        {"title": title, "track": owner.name if owner else ""},
                    ),
                )
            )
        titles.setdefault((level.track_id, title), level.id)
        if level.rank < 1:
            found.append(Problem("level", level.id, Message("ladder.level.bad_rank")))
        for amount in (level.salary_min, level.salary_max):
            if amount is not None and not 0 <= amount <= MAX_SALARY:
                found.append(
                    Problem("level", level.id, Message("ladder.level.bad_salary", {"title": title}))
                )
                break
        if (
            level.salary_min is not None
            and level.salary_max is not None
            and level.salary_min > level.salary_max
        ):
            found.append(
                Problem("level", level.id, Message("ladder.level.salary_order", {"title": title}))
            )
        for competency, expected in level.competencies:
            if not 1 <= expected <= MAX_COMPETENCY_LEVEL:
                found.append(
                    Problem(
                        "level",
                        level.id,
                        Message(
                            "ladder.level.bad_competency",
                            {"name": competency, "max": MAX_COMPETENCY_LEVEL},
                        ),
                    )
                )

    pairs: set[tuple[int, int]] = set()
    for t in design.transitions:
        label = _transition_label(design, t)
        source, target = design.level(t.from_level_id), design.level(t.to_level_id)
        if source is None or target is None:
            found.append(Problem("transition", t.id, Message("ladder.transition.no_level")))
        if t.from_level_id == t.to_level_id:
            found.append(
                Problem(
                    "transition", t.id, Message("ladder.transition.same_level", {"path": label})
                )
            )
        if (t.from_level_id, t.to_level_id) in pairs:
            found.append(
                Problem("transition", t.id, Message("ladder.transition.duplicate", {"path": label}))
            )
        pairs.add((t.from_level_id, t.to_level_id))
        if t.kind not in TRANSITION_KINDS:
            found.append(
                Problem("transition", t.id, Message("ladder.transition.bad_kind", {"kind": t.kind}))
            )
        if not 0 <= t.min_tenure_months <= rules.MAX_TENURE_MONTHS:
            found.append(
                Problem(
                    "transition",
                    t.id,
                    Message("ladder.transition.bad_tenure", {"max": rules.MAX_TENURE_MONTHS}),
                )
            )
        for pct in (t.raise_min_pct, t.raise_max_pct):
            if pct is not None and not -100 < pct <= MAX_RAISE_PCT:
                found.append(
                    Problem(
                        "transition",
                        t.id,
                        Message("ladder.transition.bad_raise", {"max": MAX_RAISE_PCT}),
                    )
                )
                break
        if (
            t.raise_min_pct is not None
            and t.raise_max_pct is not None
            and t.raise_min_pct > t.raise_max_pct
        ):
            found.append(
                Problem(
                    "transition", t.id, Message("ladder.transition.raise_order", {"path": label})
                )
            )
        if (
            t.evaluation_template_id is not None
            and design.template(t.evaluation_template_id) is None
        ):
            found.append(Problem("transition", t.id, Message("ladder.transition.no_template")))
        for row, spec in enumerate(t.criteria):
            for message in criterion_problems(spec, custom):
                found.append(
                    Problem(
                        "transition",
                        t.id,
                        ex.Phrase(
                            "ladder.criterion.problem",
                            {"path": label, "row": row + 1, "problem": message},
                        ),
                        criterion=row,
                    )
                )

    template_names: set[str] = set()
    for template in design.templates:
        name = template.name.strip()
        if not name:
            found.append(Problem("template", template.id, Message("ladder.template.name_required")))
        elif name in template_names:
            found.append(
                Problem(
                    "template", template.id, Message("ladder.template.duplicate", {"name": name})
                )
            )
        template_names.add(name)
        for message in scoring.validate_template(template.template):
            found.append(
                Problem(
                    "template",
                    template.id,
                    ex.Phrase("ladder.template.problem", {"name": name, "problem": message}),
                )
            )

    codes: set[str] = set()
    for metric in design.custom_metrics:
        found.extend(Problem("metric", metric.code, m) for m in _metric_problems(metric, codes))
        codes.add(metric.code)
    return found


def _metric_problems(metric: CustomMetricSpec, taken: set[str]) -> list[Message]:
    problems: list[Message] = []
    code = metric.code.strip()
    if not code or not code.replace("_", "").isalnum() or not code.isascii():
        problems.append(Message("ladder.metric.bad_code", {"code": code}))
    elif code in mx.CATALOGUE:
        problems.append(Message("ladder.metric.builtin_code", {"code": code}))
    elif code in taken:
        problems.append(Message("ladder.metric.duplicate", {"code": code}))
    if not metric.name_zh.strip():
        problems.append(Message("ladder.metric.name_required", {"code": code}))
    if metric.unit not in mx.UNITS:
        problems.append(Message("ladder.metric.bad_unit", {"unit": metric.unit}))
    if metric.direction not in mx.DIRECTIONS:
        problems.append(Message("ladder.metric.bad_direction", {"direction": metric.direction}))
    return problems


def _transition_label(design: LadderDesign, t: TransitionSpec) -> str:
    source, target = design.level(t.from_level_id), design.level(t.to_level_id)
    return f"{source.title if source else '?'}→{target.title if target else '?'}"


# --- between rows and values ----------------------------------------------------------------------


def criterion_spec(row: Criterion) -> rules.CriterionSpec:
    """The rule engine's view of a stored criterion."""
    return rules.CriterionSpec.from_dict(
        {
            "kind": row.kind,
            "metric": row.metric,
            "comparator": row.comparator,
            "threshold": row.threshold,
            "window": row.window,
            "achievement_type": row.achievement_type,
            "conditions": row.conditions,
            "score_part": row.score_part,
        }
    )


def criterion_columns(spec: rules.CriterionSpec) -> dict[str, Any]:
    """The stored columns of a criterion (conditions in their JSON form)."""
    data = spec.to_dict()
    data["window"] = int(data["window"])
    data["threshold"] = float(data["threshold"])
    return data


def _track_spec(row: Track) -> TrackSpec:
    return TrackSpec(row.id, row.name, row.sort_order, row.archived, row.description)


def _level_spec(row: Level) -> LevelSpec:
    return LevelSpec(
        id=row.id,
        track_id=row.track_id,
        title=row.title,
        rank=row.rank,
        salary_min=row.salary_min,
        salary_max=row.salary_max,
        permissions=tuple(str(p) for p in row.permissions or ()),
        trainings=tuple(str(t) for t in row.trainings or ()),
        competencies=tuple((str(k), int(v)) for k, v in (row.competencies or {}).items()),
        description=row.description,
        archived=row.archived,
    )


def _transition_spec(row: Transition) -> TransitionSpec:
    return TransitionSpec(
        id=row.id,
        from_level_id=row.from_level_id,
        to_level_id=row.to_level_id,
        kind=row.kind,
        min_tenure_months=row.min_tenure_months,
        evaluation_template_id=row.evaluation_template_id,
        raise_min_pct=row.raise_min_pct,
        raise_max_pct=row.raise_max_pct,
        criteria=tuple(criterion_spec(c) for c in row.criteria),
        version=row.version,
        archived=row.archived,
    )


def _template_spec(row: EvaluationTemplate) -> EvaluationTemplateSpec:
    return EvaluationTemplateSpec(
        row.id, scoring.EvaluationTemplate.from_parts(row.name, row.parts or []), row.is_default
    )


def _metric_spec(row: CustomMetric) -> CustomMetricSpec:
    return CustomMetricSpec(
        row.code, row.name_zh, row.name_en, row.unit, row.direction, row.category
    )


def read_design(session: Session) -> LadderDesign:
    """The ladder stored in the file (archived parts included), without a permission check."""
    tracks = session.scalars(select(Track).order_by(Track.sort_order, Track.id)).all()
    levels = session.scalars(select(Level).order_by(Level.track_id, Level.rank, Level.id)).all()
    transitions = session.scalars(select(Transition).order_by(Transition.id)).all()
    templates = session.scalars(select(EvaluationTemplate).order_by(EvaluationTemplate.id)).all()
    metrics = session.scalars(select(CustomMetric).order_by(CustomMetric.code)).all()
    return LadderDesign(
        tracks=tuple(_track_spec(t) for t in tracks),
        levels=tuple(_level_spec(lv) for lv in levels),
        transitions=tuple(_transition_spec(t) for t in transitions),
        templates=tuple(_template_spec(t) for t in templates),
        custom_metrics=tuple(_metric_spec(m) for m in metrics),
    )


def load_design(app: AppSession) -> LadderDesign:
    require(app.actor, Perm.VIEW_LADDER)
    with app.read() as session:
        return read_design(session)


def custom_metrics(session: Session) -> dict[str, mx.Metric]:
    """The owner's metrics by code, as the rule engine takes them (``custom=``)."""
    return {row.code: _metric_spec(row).metric() for row in session.scalars(select(CustomMetric))}


def competency_names(app: AppSession) -> list[str]:
    """The competency model's names (the archive keeps their descriptors), for level expectations."""
    require(app.actor, Perm.VIEW_LADDER)
    with app.read() as session:
        names = list(
            session.scalars(select(Competency.name).order_by(Competency.sort_order, Competency.id))
        )
    return names or list(DEFAULT_COMPETENCIES)


def metric_catalogue(custom: Mapping[str, mx.Metric] | None = None) -> list[mx.Metric]:
    """Built-in metrics in catalogue order, then the owner's own."""
    return [*mx.CATALOGUE.values(), *(custom or {}).values()]


def transition_criteria(
    session: Session, transition_id: int, version: int | None = None
) -> tuple[rules.CriterionSpec, ...]:
    """The rules of a transition (its minimum tenure included) now, or as they were at ``version``.

    A promotion case stores the version it was decided under and reads its rules back here.
    """
    if version is None:
        row = session.get(Transition, transition_id)
        if row is None:
            raise NotFound("ladder.transition.not_found", id=transition_id)
        return rules_of(_transition_spec(row))
    snapshot = session.scalar(
        select(CriteriaVersion).where(
            CriteriaVersion.transition_id == transition_id, CriteriaVersion.version == version
        )
    )
    if snapshot is None:
        raise NotFound("ladder.version.not_found", id=transition_id, version=version)
    return snapshot_rules(snapshot)


def snapshot_rules(snapshot: CriteriaVersion) -> tuple[rules.CriterionSpec, ...]:
    """The rules kept in a criteria snapshot, minimum tenure included as in ``rules_of``."""
    spec = TransitionSpec(
        id=snapshot.transition_id or 0,
        from_level_id=0,
        to_level_id=0,
        min_tenure_months=snapshot.min_tenure_months,
        criteria=tuple(rules.CriterionSpec.from_dict(c) for c in snapshot.criteria or []),
    )
    return rules_of(spec)


def criteria_history(app: AppSession, transition_id: int) -> list[CriteriaVersion]:
    """Every version of a transition's criteria, oldest first (detached rows, read-only)."""
    require(app.actor, Perm.VIEW_LADDER)
    with app.read() as session:
        found = list(
            session.scalars(
                select(CriteriaVersion)
                .where(CriteriaVersion.transition_id == transition_id)
                .order_by(CriteriaVersion.version)
            )
        )
        session.expunge_all()
        return found


# --- who still refers to a part of the ladder -----------------------------------------------------

# Our own children go with their parent: criteria rows, and criteria snapshots (which keep
# their copy when the transition goes), so they never keep a transition alive.
_OWN_CHILDREN = {"criteria", "criteria_versions"}


def _referring_columns(target: str) -> list[tuple[Table, Any]]:
    return [(t, c) for t, c in referring_columns(target) if t.name not in _OWN_CHILDREN]


def reference_count(session: Session, target: str, entity_id: int) -> int:
    """How many rows of any table (employees, grade changes, cases, ...) point at the entity.

    Read from the schema's foreign keys, so tables added by later features count too.
    """
    total = 0
    for table, column in _referring_columns(target):
        total += (
            session.scalar(select(func.count()).select_from(table).where(column == entity_id)) or 0
        )
    return total


@dataclass(frozen=True)
class References:
    """What refers to a level or transition, for the designer's delete confirmation."""

    active_employees: int = 0  # employees holding the level now (deleting is refused)
    history: int = 0  # any other row: departed employees, grade changes, promotion cases ...

    @property
    def any(self) -> bool:
        return bool(self.active_employees or self.history)


def references(app: AppSession, entity: str, entity_id: int) -> References:
    """What refers to a track, level or transition that is already saved (new ones: nothing)."""
    require(app.actor, Perm.VIEW_LADDER)
    if entity_id <= 0:
        return References()
    target = {"track": "tracks", "level": "levels", "transition": "transitions"}[entity]
    with app.read() as session:
        return _references(session, target, entity_id)


def _active_employees(session: Session, target: str, entity_id: int) -> int:
    column = {"levels": Employee.level_id, "tracks": Employee.track_id}.get(target)
    if column is None:
        return 0
    return (
        session.scalar(
            select(func.count())
            .select_from(Employee)
            .where(column == entity_id, Employee.leave_date.is_(None))
        )
        or 0
    )


def _references(session: Session, target: str, entity_id: int) -> References:
    active = _active_employees(session, target, entity_id)
    total = reference_count(session, target, entity_id)
    if target == "tracks":  # its own levels are not "history"
        total -= (
            session.scalar(
                select(func.count()).select_from(Level).where(Level.track_id == entity_id)
            )
            or 0
        )
    if target == "levels":  # paths in and out of it go with it
        total -= (
            session.scalar(
                select(func.count())
                .select_from(Transition)
                .where(
                    (Transition.from_level_id == entity_id) | (Transition.to_level_id == entity_id)
                )
            )
            or 0
        )
    return References(active, max(total - active, 0))


# --- saving -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveResult:
    """How the save went: the real id of each temporary id, and what was archived instead of deleted."""

    ids: dict[int, int] = field(default_factory=dict)
    changes: int = 0
    archived: tuple[
        str, ...
    ] = ()  # labels of entities kept (archived) because history refers to them


def first_problem_error(problems: Sequence[Problem]) -> ValidationError:
    first = problems[0]
    return ValidationError(
        "ladder.invalid", count=len(problems), first=first.message, entity=first.entity
    )


def save_design(app: AppSession, design: LadderDesign) -> SaveResult:
    """Write the design to the file in one transaction, with an audit entry per change."""
    require(app.actor, Perm.EDIT_LADDER)
    problems = validate_design(design)
    if problems:
        raise first_problem_error(problems)
    with app.uow() as uow:
        result = apply_design(uow, design)
        uow.commit()
    return result


def apply_design(uow: UnitOfWork, design: LadderDesign) -> SaveResult:
    """``save_design`` inside a unit of work the caller commits (ladder import uses it)."""
    require(uow.actor, Perm.EDIT_LADDER)
    problems = validate_design(design)
    if problems:
        raise first_problem_error(problems)
    return _Saver(uow.session, uow.actor.login, uow.audit, design).run()


def write_design_unaudited(session: Session, login: str, design: LadderDesign) -> SaveResult:
    """Write a (valid) design while a company file is being created; its caller audits once."""
    problems = validate_design(design)
    if problems:
        raise first_problem_error(problems)
    return _Saver(session, login, None, design).run()


def _level_columns(spec: LevelSpec, track_id: int) -> dict[str, Any]:
    return {
        "track_id": track_id,
        "title": spec.title.strip(),
        "rank": spec.rank,
        "salary_min": spec.salary_min,
        "salary_max": spec.salary_max,
        "permissions": list(spec.permissions),
        "trainings": list(spec.trainings),
        "competencies": dict(spec.competencies),
        "description": spec.description,
        "archived": spec.archived,
    }


def _transition_columns(
    spec: TransitionSpec, from_id: int, to_id: int, template_id: int | None
) -> dict[str, Any]:
    return {
        "from_level_id": from_id,
        "to_level_id": to_id,
        "kind": spec.kind,
        "min_tenure_months": spec.min_tenure_months,
        "evaluation_template_id": template_id,
        "raise_min_pct": spec.raise_min_pct,
        "raise_max_pct": spec.raise_max_pct,
        "archived": spec.archived,
    }


def _columns_of(row: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def _changed(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


class _Saver:
    """One save: diff the design against the rows, apply it, audit every change."""

    def __init__(
        self,
        session: Session,
        login: str,
        audit: Callable[..., None] | None,
        design: LadderDesign,
    ) -> None:
        self.s = session
        self.login = login
        self._audit = audit
        self.design = design
        self.ids: dict[int, int] = {}
        self.changes = 0
        self.archived: list[str] = []

    def real(self, some_id: int | None) -> int | None:
        if some_id is None:
            return None
        return self.ids.get(some_id, some_id)

    def audit(
        self,
        action: str,
        entity: str,
        entity_id: object,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        if self._audit is not None:
            self._audit(action, entity, entity_id, before=before, after=after)
        self.changes += 1

    def run(self) -> SaveResult:
        self._metrics()
        self._templates()
        self._tracks()
        self._levels()
        self._transitions()
        self._removals()
        self.s.flush()
        return SaveResult(dict(self.ids), self.changes, tuple(self.archived))

    # custom metrics first: criteria may refer to them
    def _metrics(self) -> None:
        rows = {m.code: m for m in self.s.scalars(select(CustomMetric))}
        wanted = {m.code: m for m in self.design.custom_metrics}
        names = ("name_zh", "name_en", "unit", "direction", "category")
        for code, old in rows.items():
            if code not in wanted:
                self.audit(
                    "ladder.metric.delete", "custom_metric", code, _columns_of(old, names), None
                )
                self.s.delete(old)
        for code, spec in wanted.items():
            after = {n: getattr(spec, n) for n in names}
            row = rows.get(code)
            if row is None:
                self.s.add(CustomMetric(code=code, **after))
                self.audit("ladder.metric.create", "custom_metric", code, None, after)
            else:
                before_c, after_c = _changed(_columns_of(row, names), after)
                if after_c:
                    for k, v in after_c.items():
                        setattr(row, k, v)
                    self.audit("ladder.metric.update", "custom_metric", code, before_c, after_c)

    def _templates(self) -> None:
        rows = {t.id: t for t in self.s.scalars(select(EvaluationTemplate))}
        wanted = {t.id for t in self.design.templates}
        for tid, old in rows.items():
            if tid not in wanted:
                others = reference_count(self.s, "evaluation_templates", tid) - (
                    self.s.scalar(
                        select(func.count())
                        .select_from(Transition)
                        .where(Transition.evaluation_template_id == tid)
                    )
                    or 0
                )
                if others > 0:
                    raise ValidationError("ladder.template.in_use", name=old.name, count=others)
                self.audit(
                    "ladder.template.delete",
                    "evaluation_template",
                    tid,
                    {"name": old.name, "parts": old.parts},
                    None,
                )
                self.s.delete(old)
        self.s.flush()
        renamed: list[tuple[EvaluationTemplate, str]] = []
        for spec in self.design.templates:
            after = {
                "name": spec.name.strip(),
                "parts": spec.template.to_parts(),
                "is_default": spec.is_default,
            }
            row = rows.get(spec.id) if spec.id > 0 else None
            if row is None:
                row = EvaluationTemplate(**{**after, "name": f"\x00{spec.id}"})
                self.s.add(row)
                self.s.flush()
                self.ids[spec.id] = row.id
                renamed.append((row, spec.name.strip()))
                self.audit("ladder.template.create", "evaluation_template", row.id, None, after)
                continue
            before_c, after_c = _changed(_columns_of(row, after), after)
            if after_c:
                for k, v in after_c.items():
                    if k == "name":
                        row.name = f"\x00{row.id}"  # two templates may swap names
                        renamed.append((row, v))
                    else:
                        setattr(row, k, v)
                self.audit(
                    "ladder.template.update", "evaluation_template", row.id, before_c, after_c
                )
        self.s.flush()
        for row, name in renamed:
            row.name = name

    def _tracks(self) -> None:
        rows = {t.id: t for t in self.s.scalars(select(Track))}
        names = ("name", "sort_order", "archived", "description")
        renamed: list[tuple[Track, str]] = []
        for spec in self.design.tracks:
            after = {
                "name": spec.name.strip(),
                "sort_order": spec.sort_order,
                "archived": spec.archived,
                "description": spec.description,
            }
            row = rows.get(spec.id) if spec.id > 0 else None
            if row is None:
                row = Track(**{**after, "name": f"\x00{spec.id}"})
                self.s.add(row)
                self.s.flush()
                self.ids[spec.id] = row.id
                renamed.append((row, spec.name.strip()))
                self.audit("ladder.track.create", "track", row.id, None, after)
                continue
            before_c, after_c = _changed(_columns_of(row, names), after)
            if after_c:
                for k, v in after_c.items():
                    if k == "name":
                        row.name = f"\x00{row.id}"
                        renamed.append((row, v))
                    else:
                        setattr(row, k, v)
                self.audit("ladder.track.update", "track", row.id, before_c, after_c)
        self.s.flush()
        for row, name in renamed:
            row.name = name
        self.s.flush()

    def _levels(self) -> None:
        rows = {lv.id: lv for lv in self.s.scalars(select(Level))}
        renamed: list[tuple[Level, str]] = []
        for spec in self.design.levels:
            track_id = self.real(spec.track_id)
            assert track_id is not None
            after = _level_columns(spec, track_id)
            row = rows.get(spec.id) if spec.id > 0 else None
            if row is None:
                row = Level(**{**after, "title": f"\x00{spec.id}"})
                self.s.add(row)
                self.s.flush()
                self.ids[spec.id] = row.id
                renamed.append((row, after["title"]))
                self.audit("ladder.level.create", "level", row.id, None, after)
                continue
            before_c, after_c = _changed(_columns_of(row, after), after)
            if after_c:
                for k, v in after_c.items():
                    if k == "title":
                        row.title = f"\x00{row.id}"
                        renamed.append((row, v))
                    else:
                        setattr(row, k, v)
                self.audit("ladder.level.update", "level", row.id, before_c, after_c)
        self.s.flush()
        for row, title in renamed:
            row.title = title
        self.s.flush()

    def _transitions(self) -> None:
        rows = {t.id: t for t in self.s.scalars(select(Transition))}
        wanted = {t.id for t in self.design.transitions}
        # Paths that leave first, so that a path re-drawn between the same two levels fits.
        for tid, old in rows.items():
            if tid not in wanted:
                self._remove_transition(old)
        self.s.flush()
        for spec in self.design.transitions:
            from_id, to_id = self.real(spec.from_level_id), self.real(spec.to_level_id)
            assert from_id is not None and to_id is not None
            after = _transition_columns(
                spec, from_id, to_id, self.real(spec.evaluation_template_id)
            )
            criteria = [criterion_columns(c) for c in spec.criteria]
            row = rows.get(spec.id) if spec.id > 0 else None
            if row is None:
                row = Transition(**after, version=1)
                row.criteria = [Criterion(position=i, **c) for i, c in enumerate(criteria)]
                self.s.add(row)
                self.s.flush()
                self.ids[spec.id] = row.id
                self._snapshot(row, criteria)
                self.audit(
                    "ladder.transition.create",
                    "transition",
                    row.id,
                    None,
                    {**after, "criteria": criteria, "version": 1},
                )
                continue
            before_c, after_c = _changed(_columns_of(row, after), after)
            old_criteria = [criterion_columns(criterion_spec(c)) for c in row.criteria]
            rules_changed = old_criteria != criteria or "min_tenure_months" in after_c
            for k, v in after_c.items():
                setattr(row, k, v)
            if rules_changed:
                before_c.update({"criteria": old_criteria, "version": row.version})
                row.version += 1
                row.criteria = [Criterion(position=i, **c) for i, c in enumerate(criteria)]
                self.s.flush()
                self._snapshot(row, criteria)
                after_c.update({"criteria": criteria, "version": row.version})
            if after_c:
                self.audit("ladder.transition.update", "transition", row.id, before_c, after_c)

    def _snapshot(self, row: Transition, criteria: list[dict[str, Any]]) -> None:
        self.s.add(
            CriteriaVersion(
                transition_id=row.id,
                version=row.version,
                from_level=self._level_name(row.from_level_id),
                to_level=self._level_name(row.to_level_id),
                min_tenure_months=row.min_tenure_months,
                criteria=criteria,
                created_by=self.login,
            )
        )

    def _level_name(self, level_id: int) -> str:
        level = self.s.get(Level, level_id)
        if level is None:
            return "?"
        track = self.s.get(Track, level.track_id)
        return f"{track.name if track else '?'}/{level.title}"

    def _remove_transition(self, row: Transition) -> None:
        label = f"{self._level_name(row.from_level_id)}→{self._level_name(row.to_level_id)}"
        before = {
            "from_level_id": row.from_level_id,
            "to_level_id": row.to_level_id,
            "version": row.version,
        }
        if reference_count(self.s, "transitions", row.id) > 0:
            if not row.archived:
                row.archived = True
                self.archived.append(label)
                self.audit(
                    "ladder.transition.archive", "transition", row.id, before, {"archived": True}
                )
            return
        self.audit(
            "ladder.transition.delete", "transition", row.id, {**before, "path": label}, None
        )
        self.s.delete(row)

    def _removals(self) -> None:
        """Levels, then tracks, that left the design: deleted, or archived when history needs them."""
        self.s.flush()
        wanted_levels = {self.real(lv.id) for lv in self.design.levels}
        for row in list(self.s.scalars(select(Level))):
            if row.id in wanted_levels:
                continue
            label = self._level_name(row.id)
            refs = _references(self.s, "levels", row.id)
            if refs.active_employees:
                raise ValidationError(
                    "ladder.level.in_use", level=label, count=refs.active_employees
                )
            remaining_paths = (
                self.s.scalar(
                    select(func.count())
                    .select_from(Transition)
                    .where(
                        (Transition.from_level_id == row.id) | (Transition.to_level_id == row.id)
                    )
                )
                or 0
            )
            if refs.history or remaining_paths:
                if not row.archived:
                    row.archived = True
                    self.archived.append(label)
                    self.audit(
                        "ladder.level.archive",
                        "level",
                        row.id,
                        {"title": row.title},
                        {"archived": True},
                    )
                continue
            self.audit(
                "ladder.level.delete",
                "level",
                row.id,
                {"title": row.title, "track_id": row.track_id, "path": label},
                None,
            )
            self.s.delete(row)
        self.s.flush()
        wanted_tracks = {self.real(t.id) for t in self.design.tracks}
        for track in list(self.s.scalars(select(Track))):
            if track.id in wanted_tracks:
                continue
            refs = _references(self.s, "tracks", track.id)
            if refs.active_employees:
                raise ValidationError(
                    "ladder.track.in_use", track=track.name, count=refs.active_employees
                )
            kept_levels = (
                self.s.scalar(
                    select(func.count()).select_from(Level).where(Level.track_id == track.id)
                )
                or 0
            )
            if refs.history or kept_levels:
                if not track.archived:
                    track.archived = True
                    self.archived.append(track.name)
                    self.audit(
                        "ladder.track.archive",
                        "track",
                        track.id,
                        {"name": track.name},
                        {"archived": True},
                    )
                continue
            self.audit("ladder.track.delete", "track", track.id, {"name": track.name}, None)
            self.s.delete(track)
