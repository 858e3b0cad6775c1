"""The career ladder design as plain values: tracks, levels, transitions, evaluation templates and
custom metrics (``LadderDesign``, immutable, so the designer's undo is going back to an earlier
value), the rules of a transition (``rules_of``) and the design's validation (``validate_design``).

Nothing here touches the company file: core/services/ladder/saving.py reads and saves a design.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.domain import explain as ex
from core.domain import metrics as mx
from core.domain import rules, scoring
from core.i18n import Message

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
