"""Settings, the figures' value types and the pure parts (bands, head-counts, turnover).

Formulas: see the package docstring (core/services/dashboard/__init__.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from core.domain import months as mo
from core.errors import ValidationError
from core.i18n import Message
from core.model import (
    FileMeta,
)
from core.permissions import Perm, require
from core.session import AppSession

BENCH_KEY = "dashboard.bench_strength"
NINE_BOX_KEY = "dashboard.nine_box"
DEFAULT_BENCH = 1.0
DEFAULT_CUTOFFS = (60.0, 80.0)
MAX_BENCH = 10.0
ROLLING_MONTHS = 12
RETENTION_YEARS = 3  # cohorts: the hires of each of the 3 calendar years ending at M's year
BUSINESS_MONTHS = 24  # the GMV chart covers the 24 months ending at the as-of month
OPEN_CASE_STATES = ("submitted", "in_review", "returned", "approved")
ENDED_STATES = ("rejected", "withdrawn")  # closed before the owner decided


# --- settings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    bench_strength: float = DEFAULT_BENCH  # ready successors wanted per position
    low: float = DEFAULT_CUTOFFS[0]  # 9-box: below → 1, from here → 2
    high: float = DEFAULT_CUTOFFS[1]  # from here → 3


def read_settings(session: Session) -> Settings:
    bench = DEFAULT_BENCH
    stored = session.get(FileMeta, BENCH_KEY)
    if stored is not None:
        try:
            value = float(stored.value)
        except ValueError:
            value = DEFAULT_BENCH
        if 0 < value <= MAX_BENCH:
            bench = value
    low, high = DEFAULT_CUTOFFS
    stored = session.get(FileMeta, NINE_BOX_KEY)
    if stored is not None:
        try:
            a, b = (float(x) for x in stored.value.split(","))
        except ValueError:
            a, b = DEFAULT_CUTOFFS
        if 0 <= a < b <= 100:
            low, high = a, b
    return Settings(bench, low, high)


def settings(app: AppSession) -> Settings:
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        return read_settings(s)


def set_settings(app: AppSession, bench_strength: float, low: float, high: float) -> Settings:
    """Change the bench strength (ready successors per position) and the 9-box cut-offs."""
    require(app.actor, Perm.EDIT_LADDER)
    if not (isinstance(bench_strength, int | float) and 0 < bench_strength <= MAX_BENCH):
        raise ValidationError("dashboard.bad_bench", field="bench_strength", max=f"{MAX_BENCH:g}")
    if not (
        isinstance(low, int | float) and isinstance(high, int | float) and 0 <= low < high <= 100
    ):
        raise ValidationError("dashboard.bad_cutoffs", field="cutoffs")
    new = Settings(float(bench_strength), float(low), float(high))
    with app.uow() as uow:
        before = read_settings(uow.session)
        for key, value in (
            (BENCH_KEY, repr(new.bench_strength)),
            (NINE_BOX_KEY, f"{new.low!r},{new.high!r}"),
        ):
            row = uow.session.get(FileMeta, key)
            if row is None:
                uow.session.add(FileMeta(key=key, value=value))
            else:
                row.value = value
        uow.audit(
            "dashboard.settings",
            "file_meta",
            BENCH_KEY,
            before={"bench": before.bench_strength, "low": before.low, "high": before.high},
            after={"bench": new.bench_strength, "low": new.low, "high": new.high},
        )
        uow.commit()
    return new


# --- the figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRef:
    """Someone behind a number (for the click-through lists)."""

    id: int
    no: str
    name: str
    track: str = ""
    level: str = ""
    note: str = ""  # e.g. the move they are ready for, the leave date


@dataclass(frozen=True)
class LevelFigures:
    level_id: int
    level: str
    rank: int
    track: str
    people: tuple[PersonRef, ...]  # at the level at end of M
    ready: tuple[PersonRef, ...]  # one promotion below, 已达标 for this level
    nearly: tuple[PersonRef, ...]  # one promotion below, 接近达标
    below: tuple[str, ...]  # titles of the levels promotions come from
    reachable: bool  # some live promotion leads here
    required: int  # ready successors wanted (0 when not reachable)
    sentence: Message
    gap: Gap | None = None

    @property
    def headcount(self) -> int:
        return len(self.people)

    @property
    def ready_in(self) -> int:
        return len(self.ready)

    @property
    def nearly_in(self) -> int:
        return len(self.nearly)


@dataclass(frozen=True)
class Gap:
    track: str
    level_id: int
    level: str
    kind: str  # none_ready | too_few
    headcount: int
    ready: int
    required: int
    message: Message


@dataclass(frozen=True)
class TrackFigures:
    track: str
    levels: tuple[LevelFigures, ...]  # bottom (rank 1) first

    @property
    def headcount(self) -> int:
        return sum(lv.headcount for lv in self.levels)


@dataclass(frozen=True)
class Turnover:
    """Separations ÷ average month-end head-count over ``months`` (first, last), × 100."""

    first: str
    last: str
    separations: int
    avg_headcount: float
    leavers: tuple[PersonRef, ...] = ()

    @property
    def pct(self) -> float | None:
        if self.avg_headcount <= 0:
            return None
        return self.separations / self.avg_headcount * 100


@dataclass(frozen=True)
class LevelTurnover:
    track: str
    level: str
    rolling: Turnover
    calendar: Turnover


@dataclass(frozen=True)
class TrackTurnover:
    track: str
    rolling: Turnover
    calendar: Turnover


@dataclass(frozen=True)
class Retention:
    first: str  # the cohort's first month of hire
    last: str  # its last month of hire (≤ the as-of month)
    hired: int
    stayed: int  # still employed at the end of the as-of month
    pct: float | None  # stayed ÷ hired × 100; None for an empty cohort


@dataclass(frozen=True)
class PeopleFlow:
    rolling: Turnover
    calendar: Turnover
    by_track: tuple[TrackTurnover, ...]
    by_level: tuple[LevelTurnover, ...]
    hires: tuple[PersonRef, ...]  # hired inside the rolling window
    retention: tuple[Retention, ...] = ()  # one cohort per calendar year of hire, oldest first


@dataclass(frozen=True)
class PromotionMonth:
    month: str
    promotions: tuple[PersonRef, ...]
    transfers: tuple[PersonRef, ...]


@dataclass(frozen=True)
class OpenCase:
    id: int
    no: str
    name: str
    move: str
    state: str
    waiting_for: str | None
    days_waiting: float
    cycle: str | None


@dataclass(frozen=True)
class CaseFigures:
    decided: int
    avg_days: float | None
    max_days: float | None
    decided_cases: tuple[tuple[int, str, str, str, float], ...]  # id, no, name, move, days
    open: tuple[OpenCase, ...]
    per_cycle: tuple[tuple[str, int], ...]  # cycle name ("" = none), cases
    # cases closed without a decision: ("rejected" | "withdrawn", how many), so that decided +
    # open + these are every case the cycles count
    ended: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class NineBoxEntry:
    employee_id: int
    no: str
    name: str
    track: str
    level: str
    performance_score: float
    potential_score: float
    performance: int  # 1..3
    potential: int  # 1..3


@dataclass(frozen=True)
class NineBox:
    period: str | None  # the review cycle (评审周期) the scores are from
    low: float
    high: float
    entries: tuple[NineBoxEntry, ...]
    unplaced: tuple[PersonRef, ...] = ()  # scored, but performance or potential missing

    def cell(self, performance: int, potential: int) -> tuple[NineBoxEntry, ...]:
        return tuple(
            e for e in self.entries if e.performance == performance and e.potential == potential
        )


@dataclass(frozen=True)
class BusinessMonth:
    month: str
    gmv: float | None  # company GMV (shops)
    live_gmv: float  # orders through live accounts
    by_track: tuple[
        tuple[str, float], ...
    ] = ()  # (track, GMV of the shops its people run); "" 未分配

    @property
    def live_share(self) -> float | None:
        if self.gmv is None or self.gmv <= 0:
            return None
        return self.live_gmv / self.gmv


@dataclass(frozen=True)
class CompetencyNeed:
    """One competency a level expects, against the people one promotion below."""

    competency: str
    expected: int  # the ladder's expected proficiency (1–5)
    reached: tuple[PersonRef, ...]  # mean rating ≥ expected
    short: tuple[PersonRef, ...]  # rated, mean below expected
    unrated: tuple[PersonRef, ...]  # no rating of this competency

    @property
    def reached_count(self) -> int:
        return len(self.reached)

    @property
    def not_reached_count(self) -> int:
        return len(self.short) + len(self.unrated)


@dataclass(frozen=True)
class CompetencyGap:
    level_id: int
    level: str
    track: str
    below: tuple[str, ...]  # the levels promotions into this one come from
    people: tuple[PersonRef, ...]  # at those levels at the end of the as-of month
    needs: tuple[CompetencyNeed, ...]  # the ladder's order
    sentence: Message


@dataclass(frozen=True)
class ChecklistItem:
    key: str  # ladder | roster | owners | data | cycle
    label: Message
    done: bool


@dataclass(frozen=True)
class Dashboard:
    as_of: str
    settings: Settings
    tracks: tuple[TrackFigures, ...]
    gaps: tuple[Gap, ...]
    flow: PeopleFlow
    promotions: tuple[PromotionMonth, ...]  # the 12 months ending at as_of
    cases: CaseFigures
    nine_box: NineBox
    business: tuple[BusinessMonth, ...]
    checklist: tuple[ChecklistItem, ...]
    latest_month: str | None = None  # the newest month with data (for the month picker)
    competency: tuple[CompetencyGap, ...] = ()  # 能力缺口, one per level expecting competencies

    @property
    def is_new(self) -> bool:
        """A company that has not got its people or its data in yet: show the checklist."""
        done = {c.key: c.done for c in self.checklist}
        return not (done.get("roster") and done.get("ladder"))

    def level(self, level_id: int) -> LevelFigures | None:
        for t in self.tracks:
            for lv in t.levels:
                if lv.level_id == level_id:
                    return lv
        return None


# --- pure parts (tested on hand-computed values) -------------------------------------------------


def band(score: float, low: float, high: float) -> int:
    """9-box band of a 0–100 score: < low → 1, low ≤ s < high → 2, ≥ high → 3."""
    if score >= high:
        return 3
    if score >= low:
        return 2
    return 1


@dataclass(frozen=True)
class Staff:
    id: int
    no: str
    name: str
    hired: date | None
    left: date | None
    level_id: int | None
    changes: tuple[tuple[date, int | None, int | None], ...]  # (day, from, to), oldest first

    def active_at(self, day: date) -> bool:
        return (self.hired is None or self.hired <= day) and (self.left is None or self.left >= day)

    def level_at(self, day: date) -> int | None:
        before = [c for c in self.changes if c[0] <= day]
        if before:
            return before[-1][2]
        if self.changes:
            return self.changes[0][1]
        return self.level_id


def headcount_at(staff: Iterable[Staff], day: date) -> Counter[int | None]:
    """level id → people at that level at ``day`` (None: active without a level)."""
    found: Counter[int | None] = Counter()
    for person in staff:
        if person.active_at(day):
            found[person.level_at(day)] += 1
    return found


def month_end_counts(
    staff: Iterable[Staff], months: Iterable[str]
) -> dict[str, Counter[int | None]]:
    """month → ``headcount_at`` its last day (computed once, shared by every turnover figure)."""
    people = list(staff)
    return {m: headcount_at(people, mo.last_day(m)) for m in months}


def turnover(
    staff: Sequence[Staff],
    first: str,
    last: str,
    levels: set[int] | None = None,
    counts: Mapping[str, Counter[int | None]] | None = None,
) -> Turnover:
    """Turnover over the months first..last; ``levels`` limits it to people at those levels;
    ``counts`` are month-end head-counts already computed (``month_end_counts``)."""
    months = mo.month_range(first, last)
    start, end = mo.first_day(first), mo.last_day(last)
    total = 0
    for m in months:
        at_end = (
            counts[m] if counts is not None and m in counts else headcount_at(staff, mo.last_day(m))
        )
        total += (
            sum(at_end.values())
            if levels is None
            else sum(n for lv, n in at_end.items() if lv in levels)
        )
    leavers = tuple(
        PersonRef(p.id, p.no, p.name, note=p.left.isoformat())
        for p in staff
        if p.left is not None
        and start <= p.left <= end
        and (levels is None or p.level_at(p.left) in levels)
    )
    avg = total / len(months) if months else 0.0
    return Turnover(first, last, len(leavers), avg, leavers)


def retention(staff: Iterable[Staff], first: str, last: str, at: date) -> Retention:
    """Cohort retention: of the people hired in months ``first``..``last``, how many are still
    employed on ``at`` (no leave date, or a leave date on or after it) — stayed ÷ hired × 100."""
    start, end = mo.first_day(first), mo.last_day(last)
    cohort = [p for p in staff if p.hired is not None and start <= p.hired <= end]
    stayed = sum(1 for p in cohort if p.left is None or p.left >= at)
    pct = stayed / len(cohort) * 100 if cohort else None
    return Retention(first, last, len(cohort), stayed, pct)


def proficiency(ratings: Sequence[float]) -> float | None:
    """A person's proficiency in a competency: the mean of the ratings received (None: unrated)."""
    return sum(ratings) / len(ratings) if ratings else None
