"""People flow: turnover per track and level, promotions per month.

Formulas: see the package docstring (core/services/dashboard/__init__.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from core.domain import months as mo
from core.services.dashboard.figures import (
    RETENTION_YEARS,
    ROLLING_MONTHS,
    LevelTurnover,
    PeopleFlow,
    PersonRef,
    PromotionMonth,
    Staff,
    TrackTurnover,
    month_end_counts,
    retention,
    turnover,
)
from core.services.dashboard.pipeline import _LevelInfo


def _flow(
    staff: Sequence[Staff],
    levels: Mapping[int, _LevelInfo],
    as_of: str,
    track_order: Sequence[int] = (),
) -> PeopleFlow:
    first = mo.add(as_of, -(ROLLING_MONTHS - 1))
    january = f"{as_of[:4]}-01"
    counts = month_end_counts(staff, mo.month_range(first, as_of))  # January is among them
    rolling = turnover(staff, first, as_of, counts=counts)
    calendar = turnover(staff, january, as_of, counts=counts)
    order = {tid: i for i, tid in enumerate(track_order)}
    by_track_ids: dict[str, set[int]] = defaultdict(set)
    for lv in sorted(levels.values(), key=lambda x: (order.get(x.track_id, len(order)), x.rank)):
        by_track_ids[lv.track].add(lv.id)
    seen_levels = {
        lv
        for p in staff
        for lv in [p.level_id, *(c[2] for c in p.changes), *(c[1] for c in p.changes)]
        if lv is not None and lv in levels
    }
    by_track = tuple(
        TrackTurnover(
            track,
            turnover(staff, first, as_of, ids, counts),
            turnover(staff, january, as_of, ids, counts),
        )
        for track, ids in by_track_ids.items()
        if ids & seen_levels
    )
    by_level = tuple(
        LevelTurnover(
            levels[lv].track,
            levels[lv].title,
            turnover(staff, first, as_of, {lv}, counts),
            turnover(staff, january, as_of, {lv}, counts),
        )
        for lv in sorted(
            seen_levels,
            key=lambda i: (order.get(levels[i].track_id, len(order)), levels[i].rank, i),
        )
    )
    start, end = mo.first_day(first), mo.last_day(as_of)
    hires = tuple(
        PersonRef(p.id, p.no, p.name, note=p.hired.isoformat())
        for p in staff
        if p.hired is not None and start <= p.hired <= end
    )
    year = int(as_of[:4])
    cohorts = tuple(
        retention(staff, f"{y}-01", min(f"{y}-12", as_of), end)
        for y in range(year - RETENTION_YEARS + 1, year + 1)
    )
    return PeopleFlow(rolling, calendar, by_track, by_level, hires, cohorts)


def _promotions(
    staff: Sequence[Staff], levels: Mapping[int, _LevelInfo], as_of: str
) -> tuple[PromotionMonth, ...]:
    months = mo.window(as_of, ROLLING_MONTHS)
    promos: dict[str, list[PersonRef]] = defaultdict(list)
    moves: dict[str, list[PersonRef]] = defaultdict(list)
    for p in staff:
        for day, source, target in p.changes:
            if source is None or target is None or source == target:
                continue
            a, b = levels.get(source), levels.get(target)
            if a is None or b is None:
                continue
            ref = PersonRef(p.id, p.no, p.name, b.track, b.title, f"{a.title} → {b.title}")
            (promos if b.rank > a.rank else moves)[mo.of_date(day)].append(ref)
    return tuple(
        PromotionMonth(m, tuple(promos.get(m, ())), tuple(moves.get(m, ()))) for m in months
    )
