"""The career ladder as the designer edits it: a plain-value design, its validation, and saving it.

The designer works on a ``LadderDesign`` (immutable values, so undo is just going back to an
earlier value) and saves it with ``save_design`` in one transaction that writes an audit entry
for every change. Criteria are versioned: whenever a transition's rules change its version is
bumped and the rules are copied into ``CriteriaVersion``, so a case decided under version 2 can
still show version 2 after the owner edits the ladder. Entities that history still refers to
(departed employees, grade changes, promotion cases) are archived instead of deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from core.domain import metrics as mx
from core.domain import rules, scoring
from core.domain.ladder_design import (
    DEFAULT_COMPETENCIES,
    CustomMetricSpec,
    EvaluationTemplateSpec,
    LadderDesign,
    LevelSpec,
    Problem,
    TrackSpec,
    TransitionSpec,
    rules_of,
    validate_design,
)
from core.errors import NotFound, ValidationError
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
