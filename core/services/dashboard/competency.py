"""能力缺口: for each level the ladder expects competencies of, who one promotion below reaches them.

Formulas: see the package docstring (core/services/dashboard/__init__.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain import explain as ex
from core.i18n import Message
from core.model import Feedback, Level
from core.services.dashboard.figures import (
    CompetencyGap,
    CompetencyNeed,
    PersonRef,
    Staff,
    proficiency,
)
from core.services.dashboard.pipeline import _LevelInfo


def _ratings(session: Session, end: date) -> dict[int, dict[str, list[float]]]:
    """employee → competency → every rating received up to ``end`` (self-ratings left out)."""
    found: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    query = select(Feedback.employee_id, Feedback.ratings).where(
        Feedback.relation != "自评", Feedback.date <= end
    )
    for employee_id, ratings in session.execute(query):
        for name, value in (ratings or {}).items():
            if isinstance(value, int | float):
                found[employee_id][str(name)].append(float(value))
    return found


def _expected(raw: Mapping[str, Any] | None) -> tuple[tuple[str, int], ...]:
    return tuple(
        (str(k), int(v)) for k, v in (raw or {}).items() if isinstance(v, int | float) and v > 0
    )


def competency_gap(
    level: str,
    expected: Sequence[tuple[str, int]],
    people: Sequence[PersonRef],
    ratings: Mapping[int, Mapping[str, Sequence[float]]],
    level_id: int = 0,
    track: str = "",
    below: tuple[str, ...] = (),
) -> CompetencyGap:
    """The gap of one level (pure): each expected competency against ``people``' mean ratings."""
    needs = []
    for name, want in expected:
        reached, short, unrated = [], [], []
        for person in people:
            mean = proficiency(ratings.get(person.id, {}).get(name, ()))
            if mean is None:
                unrated.append(person)
            elif mean >= want:
                reached.append(person)
            else:
                short.append(person)
        needs.append(CompetencyNeed(name, want, tuple(reached), tuple(short), tuple(unrated)))
    return CompetencyGap(
        level_id, level, track, below, tuple(people), tuple(needs), _sentence(level, people, needs)
    )


def _sentence(level: str, people: Sequence[PersonRef], needs: Sequence[CompetencyNeed]) -> Message:
    if not people:
        return Message("dashboard.competency.nobody_below", {"level": level})
    if not needs:
        return Message("dashboard.competency.no_model", {"level": level})
    if all(len(n.unrated) == len(people) for n in needs):  # nobody rated: say so, not "short"
        return Message("dashboard.competency.unrated", {"level": level, "count": len(people)})
    best = max(needs, key=lambda n: n.reached_count)  # first of the most reached
    # only what is behind the best is weak: "1人数据分析达到2级，策略制定…尚无评价" was said of
    # competencies one person had reached too, exactly as many as 数据分析
    weak = [n for n in needs if n.reached_count < best.reached_count]
    if best.reached_count == 0:
        return Message("dashboard.competency.none", {"level": level, "count": len(people)})
    if best.reached_count == len(people) and not weak:
        return Message("dashboard.competency.all", {"level": level, "count": len(people)})
    if not weak and not any(n.short for n in needs):  # the others are only unrated yet
        return Message(
            "dashboard.competency.all_but_unrated",
            {
                "level": level,
                "count": best.reached_count,
                "unrated": max(len(n.unrated) for n in needs),
            },
        )
    if not weak:
        return Message(
            "dashboard.competency.partial",
            {
                "level": level,
                "count": best.reached_count,
                "competency": best.competency,
                "expected": best.expected,
            },
        )
    lowest = min(n.reached_count for n in weak)
    weakest = [n for n in weak if n.reached_count == lowest]
    unrated = max(len(n.unrated) for n in weakest)
    # An unrated person has not been judged short: say how many are unrated, and when nobody
    # below was rated short at all, say the competency is unrated rather than "未达标".
    if all(not n.short for n in weakest):
        code = "dashboard.competency.but_unrated"
    elif unrated:
        code = "dashboard.competency.but_some_unrated"
    else:
        code = "dashboard.competency.but"
    return Message(
        code,
        {
            "level": level,
            "count": best.reached_count,
            "competency": best.competency,
            "expected": best.expected,
            "weak": ex.joined((n.competency for n in weakest), ex.NAMES),
            "weak_count": lowest,
            "unrated": unrated,
        },
    )


def _competency(
    session: Session,
    levels: Mapping[int, _LevelInfo],
    staff: Sequence[Staff],
    into: Mapping[int, Sequence[int]],
    end: date,
) -> tuple[CompetencyGap, ...]:
    """One gap per live level reached by a promotion whose ladder entry expects competencies."""
    expected = {
        lv_id: _expected(raw)
        for lv_id, raw in session.execute(select(Level.id, Level.competencies))
    }
    ratings = _ratings(session, end)
    at: dict[int, list[PersonRef]] = defaultdict(list)
    for p in staff:
        if p.active_at(end):
            lv = p.level_at(end)
            if lv is not None and lv in levels:
                info = levels[lv]
                at[lv].append(PersonRef(p.id, p.no, p.name, info.track, info.title))
    found = []
    for lv_id in sorted(
        (i for i in into if i in levels and not levels[i].archived and expected.get(i)),
        key=lambda i: (levels[i].track_id, levels[i].rank, i),
    ):
        info = levels[lv_id]
        sources = [s for s in dict.fromkeys(into[lv_id]) if s in levels]
        people = [p for s in sources for p in at.get(s, ())]
        found.append(
            competency_gap(
                info.title,
                expected[lv_id],
                people,
                ratings,
                lv_id,
                info.track,
                tuple(dict.fromkeys(levels[s].title for s in sources)),  # one title per name
            )
        )
    return tuple(found)
