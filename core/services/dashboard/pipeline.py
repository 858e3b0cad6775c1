"""Loading levels and staff; bench strength, successors and gaps per track.

Formulas: see the package docstring (core/services/dashboard/__init__.py)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain.rules import Readiness
from core.i18n import Message
from core.model import (
    Employee,
    GradeChange,
    Level,
    Track,
    Transition,
)
from core.services.dashboard.figures import Gap, LevelFigures, PersonRef, Staff, TrackFigures
from core.services.eligibility import readiness as el

# --- loading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _LevelInfo:
    id: int
    title: str
    rank: int
    track_id: int
    track: str
    archived: bool


def _levels(session: Session) -> tuple[list[tuple[int, str, bool]], dict[int, _LevelInfo]]:
    tracks = [
        (t.id, t.name, t.archived)
        for t in session.scalars(select(Track).order_by(Track.sort_order, Track.id))
    ]
    names = {tid: name for tid, name, _ in tracks}
    levels = {
        lv.id: _LevelInfo(
            lv.id, lv.title, lv.rank, lv.track_id, names.get(lv.track_id, ""), lv.archived
        )
        for lv in session.scalars(select(Level))
    }
    return tracks, levels


def _staff(session: Session, scope: set[int] | None) -> list[Staff]:
    conn = session.connection()
    changes: dict[int, list[tuple[date, int | None, int | None]]] = defaultdict(list)
    for employee_id, day, source, target in conn.execute(
        select(
            GradeChange.employee_id,
            GradeChange.effective_date,
            GradeChange.from_level_id,
            GradeChange.to_level_id,
        ).order_by(GradeChange.effective_date, GradeChange.id)
    ):
        changes[employee_id].append((day, source, target))
    found = []
    for employee_id, no, name, hired, left, level_id in conn.execute(
        select(
            Employee.id,
            Employee.no,
            Employee.name,
            Employee.hire_date,
            Employee.leave_date,
            Employee.level_id,
        ).order_by(Employee.no)
    ):
        if scope is not None and employee_id not in scope:
            continue
        found.append(
            Staff(employee_id, no, name, hired, left, level_id, tuple(changes[employee_id]))
        )
    return found


def _promotion_into(session: Session) -> dict[int, list[int]]:
    """to level → from levels of every live promotion transition."""
    found: dict[int, list[int]] = defaultdict(list)
    for source, target in session.execute(
        select(Transition.from_level_id, Transition.to_level_id).where(
            Transition.archived.is_(False), Transition.kind == "promotion"
        )
    ):
        found[target].append(source)
    return dict(found)


def _ref(person: el.Person, note: str = "") -> PersonRef:
    return PersonRef(person.id, person.no, person.name, person.track, person.level, note)


def _level_label(info: _LevelInfo, repeated: set[str]) -> str:
    if info.title in repeated:
        return Message(
            "dashboard.level_in_track", {"level": info.title, "track": info.track}
        ).text()
    return info.title


def _pipeline(
    tracks: Sequence[tuple[int, str, bool]],
    levels: Mapping[int, _LevelInfo],
    staff: Sequence[Staff],
    found: el.EligibilityList,
    into: Mapping[int, Sequence[int]],
    end: date,
    bench: float,
    viewer: int | None = None,
) -> tuple[tuple[TrackFigures, ...], tuple[Gap, ...]]:
    """Each track's levels with their head-count, ready and nearly-ready successors, and the
    gaps. ``viewer``: the supervisor whose view this is (her own readiness is not shown to her);
    a level whose only possible successor in view is she herself is no gap of her team's (it
    shows its head-count only)."""
    by_level: dict[int | None, list[PersonRef]] = defaultdict(list)
    for p in staff:
        if p.active_at(end):
            at = p.level_at(end)
            info = levels.get(at) if at is not None else None
            by_level[at].append(
                PersonRef(
                    p.id, p.no, p.name, info.track if info else "", info.title if info else ""
                )
            )
    ready: dict[int, list[PersonRef]] = defaultdict(list)
    nearly: dict[int, list[PersonRef]] = defaultdict(list)
    for c in found.candidates:
        if c.transition.kind != "promotion":
            continue
        note = c.transition.label()
        if c.status is Readiness.READY:
            ready[c.transition.to_level_id].append(_ref(c.person, note))
        elif c.status is Readiness.NEARLY:
            nearly[c.transition.to_level_id].append(_ref(c.person, note))
    live_titles = [lv.title for lv in levels.values() if not lv.archived]
    repeated = {t for t, n in Counter(live_titles).items() if n > 1}
    result: list[TrackFigures] = []
    gaps: list[Gap] = []
    for track_id, track_name, archived in tracks:
        if archived:
            continue
        rows = sorted(
            (
                lv
                for lv in levels.values()
                if lv.track_id == track_id and (not lv.archived or by_level.get(lv.id))
            ),
            key=lambda lv: (lv.rank, lv.id),
        )
        staffed = any(by_level.get(lv.id) for lv in rows)
        figures: list[LevelFigures] = []
        for lv in rows:
            people = tuple(by_level.get(lv.id, ()))
            sources = [levels[s] for s in into.get(lv.id, ()) if s in levels]
            below = tuple(dict.fromkeys(s.title for s in sources))
            reachable = bool(sources)
            feeders = {person.id for source in sources for person in by_level.get(source.id, ())}
            if viewer is not None and feeders == {viewer}:
                reachable = False  # her own succession: not hers to see, so not her team's gap
            required = max(1, math.ceil(bench * len(people) - 1e-9)) if reachable else 0
            r, n = tuple(ready.get(lv.id, ())), tuple(nearly.get(lv.id, ()))
            label = _level_label(lv, repeated)
            gap: Gap | None = None
            if reachable and staffed and len(r) < required:
                kind = "none_ready" if not r else "too_few"
                gap = Gap(
                    track_name,
                    lv.id,
                    lv.title,
                    kind,
                    len(people),
                    len(r),
                    required,
                    Message(
                        f"dashboard.gap.{kind}",
                        {
                            "level": label,
                            "count": len(people),
                            "ready": len(r),
                            "required": required,
                        },
                    ),
                )
                gaps.append(gap)
            figures.append(
                LevelFigures(
                    lv.id,
                    lv.title,
                    lv.rank,
                    track_name,
                    people,
                    r,
                    n,
                    below,
                    reachable,
                    required,
                    _sentence(lv.title, len(people), below, len(r), len(n), reachable),
                    gap,
                )
            )
        result.append(TrackFigures(track_name, tuple(figures)))
    return tuple(result), tuple(gaps)


def _sentence(
    level: str, count: int, below: Sequence[str], ready: int, nearly: int, reachable: bool
) -> Message:
    """ "运营主管：2人；5名运营专员达到运营主管标准" (and how many more are close)."""
    if not reachable:
        return Message("dashboard.level.entry", {"level": level, "count": count})
    params: dict[str, Any] = {
        "level": level,
        "count": count,
        "ready": ready,
        "nearly": nearly,
        "below": below[0] if len(below) == 1 else Message("dashboard.below.people"),
    }
    code = "dashboard.level.with_nearly" if nearly else "dashboard.level.line"
    return Message(code, params)
