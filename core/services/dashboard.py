"""The talent-pipeline dashboard 梯队健康度: every figure of the first page and of `tidui-cli dashboard`.

The GUI and the CLI only draw what ``dashboard(app, as_of)`` returns; every figure is computed
here, from plain rows, with its formula written down (and in the README):

* **as of** month M: the 达标名单's month (the last complete month with data unless picked);
  "end of M" is M's last day.
* **head-count** of a level as of M: employees with hire date ≤ end of M (or none recorded) and
  no leave date before end of M (someone whose last day is the month's last day still counts),
  whose level at end of M is that level. The level at a day is the ``to_level`` of the latest
  grade change effective on or before it; before the first change it is that change's
  ``from_level``; without any change, today's level.
* **ready_in / nearly_in** of a level: the people one promotion below (every live *promotion*
  transition into the level, whatever track it comes from) who are 已达标 / 接近达标 for it in
  ``eligibility.eligibility_list(app, M)``. Transfers 转岗 are not succession and are not counted.
* **gap** 梯队断层 of a level that can be reached by a promotion, in a track with anyone in it:
  required = max(1, ⌈bench strength × head-count⌉) (bench strength: ready successors per
  position, default 1, ``file_meta['dashboard.bench_strength']``); ready_in = 0 is "无人达标 —
  梯队断层", 0 < ready_in < required is "后备不足". Entry levels (no promotion into them) have
  no gap.
* **turnover** over a window of months W (rolling: the 12 months ending at M; calendar year:
  January of M's year to M): separations = employees whose leave date falls inside W; average
  head-count = mean over the months m of W of the head-count at end of m; turnover % =
  separations ÷ average head-count × 100 (None while the average is 0). Per level, a separation
  counts at the level the person held on their leave date.
* **promotions per month**: grade changes effective in the month whose ``from`` and ``to``
  levels are set and differ; a promotion when the new level ranks higher, else a transfer.
* **case efficiency** (晋升效率): decided cases are those with the owner's decision
  (``decided_at``); days to decision = decision time − creation time (days, 2 decimals, as in
  ``promotion.cases.list_cases``); average and maximum over the decided cases; open cases are
  those submitted / in review / returned / approved and not decided, each with the days since
  its last step (or its submission).
* **9-box** 9宫格 from the latest review cycle's scores (latest ``as_of``, then newest; without a
  cycle the latest 评审周期 named in the scores): performance = the KPI part of the evaluation
  (the mean attainment × 100, as of M, of the KPI criteria of the person's first promotion
  transition, as ``promotion.scores.evaluate`` scores it; without KPI criteria the mean of any
  performance items entered); potential = the mean of the potential items (each item's raters averaged first).
  Band: score < low → 1, low ≤ score < high → 2, score ≥ high → 3 (cut-offs default 60/80,
  ``file_meta['dashboard.nine_box']`` as "60,80"). People without both scores are left out.
* **business**, the 24 months ending at M: company GMV of month m = Σ over shops (not live
  accounts) of the store-month GMV the KPIs use (``metrics.load_facts``' precedence: the shop
  overview's monthly row, else its daily rows, else the counted orders); live GMV = Σ amount of
  the counted, current orders of m attributed to a live account (``order_facts.live_account_id``);
  live share = live GMV ÷ company GMV (None without company GMV).
* **checklist** for a new company: 设计晋升通道 (a promotion transition exists), 导入花名册 (an
  employee), 设置店铺负责人 (a store owner period), 导入店铺数据 (a store fact), 开始评审周期
  (a review cycle); each ticks itself as the data arrives.

Supervisors see their own team only (head-counts, turnover, successors, 9-box and cases).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain import months as mo
from core.domain import scoring
from core.domain.rules import KPI_KINDS, Readiness
from core.errors import ValidationError
from core.i18n import Message
from core.model import (
    CaseStep,
    Employee,
    FileMeta,
    GradeChange,
    ImportBatch,
    Level,
    LiveSessionFact,
    OrderFact,
    PromotionCase,
    ReviewCycle,
    ScoreEntry,
    Store,
    StoreDayFact,
    StoreMonthFact,
    StoreOwnership,
    Track,
    Transition,
)
from core.permissions import Perm, require
from core.progress import NO_PROGRESS, Progress
from core.services.archive.employees import visible_ids
from core.services.eligibility import metrics as kpi
from core.services.eligibility import readiness as el
from core.services.exports.xlsx_safety import safe_row
from core.session import AppSession
from core.storage.atomic import save_workbook

BENCH_KEY = "dashboard.bench_strength"
NINE_BOX_KEY = "dashboard.nine_box"
DEFAULT_BENCH = 1.0
DEFAULT_CUTOFFS = (60.0, 80.0)
MAX_BENCH = 10.0
ROLLING_MONTHS = 12
BUSINESS_MONTHS = 24  # the GMV chart covers the 24 months ending at the as-of month
OPEN_CASE_STATES = ("submitted", "in_review", "returned", "approved")


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
class PeopleFlow:
    rolling: Turnover
    calendar: Turnover
    by_track: tuple[TrackTurnover, ...]
    by_level: tuple[LevelTurnover, ...]
    hires: tuple[PersonRef, ...]  # hired inside the rolling window


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

    @property
    def live_share(self) -> float | None:
        if self.gmv is None or self.gmv <= 0:
            return None
        return self.live_gmv / self.gmv


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
) -> tuple[tuple[TrackFigures, ...], tuple[Gap, ...]]:
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
    return PeopleFlow(rolling, calendar, by_track, by_level, hires)


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


def _days(later: datetime, earlier: datetime) -> float:
    """Days between two moments, 2 decimals (as ``promotion.cases`` counts them); a naive time
    (SQLite hands them back without a zone) is UTC."""
    if later.tzinfo is None:
        later = later.replace(tzinfo=UTC)
    if earlier.tzinfo is None:
        earlier = earlier.replace(tzinfo=UTC)
    return round((later - earlier).total_seconds() / 86400, 2)


def _cases(session: Session, scope: set[int] | None, now: datetime | None = None) -> CaseFigures:
    """Read straight from the case rows in three queries (``promotion.cases.list_cases`` builds a
    full summary per case, a dozen queries each: too slow for a page that opens first)."""
    from core.services.promotion.cases import waiting_role

    now = now or datetime.now(UTC)
    rows = [
        c
        for c in session.scalars(select(PromotionCase).order_by(PromotionCase.id.desc()))
        if scope is None or c.employee_id in scope
    ]
    if not rows:
        return CaseFigures(0, None, None, (), (), ())
    ids = [c.id for c in rows]
    last_move = dict(
        session.execute(
            select(CaseStep.case_id, func.max(CaseStep.at))
            .where(CaseStep.case_id.in_(ids))
            .group_by(CaseStep.case_id)
        ).all()
    )
    people = {
        i: (no, name)
        for i, no, name in session.execute(
            select(Employee.id, Employee.no, Employee.name).where(
                Employee.id.in_({c.employee_id for c in rows})
            )
        )
    }
    cycles = dict(session.execute(select(ReviewCycle.id, ReviewCycle.name)).all())
    decided: list[tuple[int, str, str, str, float]] = []
    waiting: list[OpenCase] = []
    per_cycle: Counter[str] = Counter()
    for c in rows:
        no, name = people.get(c.employee_id, ("", ""))
        move = f"{c.from_label} → {c.to_label}"
        per_cycle[cycles.get(c.cycle_id, "") if c.cycle_id else ""] += 1
        if c.decided_at is not None:
            decided.append((c.id, no, name, move, _days(c.decided_at, c.created_at)))
        elif c.state in OPEN_CASE_STATES:
            since = last_move.get(c.id) or c.submitted_at
            waiting.append(
                OpenCase(
                    c.id,
                    no,
                    name,
                    move,
                    c.state,
                    waiting_role(c),
                    _days(now, since),
                    cycles.get(c.cycle_id) if c.cycle_id else None,
                )
            )
    days = [d[4] for d in decided]
    waiting.sort(key=lambda o: -o.days_waiting)
    return CaseFigures(
        decided=len(decided),
        avg_days=round(sum(days) / len(days), 2) if days else None,
        max_days=max(days) if days else None,
        decided_cases=tuple(decided),
        open=tuple(waiting),
        per_cycle=tuple(sorted(per_cycle.items())),
    )


def _latest_period(session: Session, scope: set[int] | None) -> tuple[str | None, str | None]:
    """(period name, as-of month) of the latest review cycle, else of the latest scores."""
    cycle = session.scalars(
        select(ReviewCycle).order_by(
            ReviewCycle.as_of.desc(), ReviewCycle.created_at.desc(), ReviewCycle.id.desc()
        )
    ).first()
    if cycle is not None:
        return cycle.name, cycle.as_of
    latest: dict[str, tuple[date, int]] = {}
    for employee_id, period, scored_on, entry_id in session.execute(
        select(ScoreEntry.employee_id, ScoreEntry.period, ScoreEntry.scored_on, ScoreEntry.id)
    ):
        if scope is not None and employee_id not in scope:
            continue
        stamp = (scored_on or date.min, entry_id)
        latest[period] = max(latest.get(period, stamp), stamp)
    if not latest:
        return None, None
    return max(latest, key=lambda p: latest[p]), None


def _kpi_performance(candidate: el.Candidate) -> float | None:
    values = [
        a
        for spec, a in zip(candidate.transition.rules, candidate.attainment, strict=True)
        if spec.kind in KPI_KINDS
    ]
    if not values:
        return None
    return sum(values) / len(values) * scoring.WEIGHT_TOTAL


def _nine_box(
    session: Session,
    scope: set[int] | None,
    found: el.EligibilityList,
    settings_: Settings,
) -> NineBox:
    period, _ = _latest_period(session, scope)
    if period is None:
        return NineBox(None, settings_.low, settings_.high, ())
    ratings: dict[int, list[tuple[str, str, float]]] = defaultdict(list)
    for employee_id, part, item, score in session.execute(
        select(ScoreEntry.employee_id, ScoreEntry.part, ScoreEntry.item, ScoreEntry.score).where(
            ScoreEntry.period == period
        )
    ):
        if scope is None or employee_id in scope:
            ratings[employee_id].append((part, item, float(score)))
    source = found
    people = {c.person.id: c.person for c in source.candidates}
    performance: dict[int, float] = {}
    for c in source.candidates:
        if c.transition.kind != "promotion" or c.person.id in performance:
            continue
        value = _kpi_performance(c)
        if value is not None:
            performance[c.person.id] = value
    names = {
        i: (no, name)
        for i, no, name in session.execute(
            select(Employee.id, Employee.no, Employee.name).where(Employee.id.in_(list(ratings)))
        )
    }
    entries: list[NineBoxEntry] = []
    unplaced: list[PersonRef] = []
    for employee_id, rows in ratings.items():
        items = scoring.average_ratings(rows)
        potential_items = list(items.get("potential", {}).values())
        potential = sum(potential_items) / len(potential_items) if potential_items else None
        perf = performance.get(employee_id)
        if perf is None and items.get("performance"):
            typed = list(items["performance"].values())
            perf = sum(typed) / len(typed)
        person = people.get(employee_id)
        no, name = names.get(employee_id, ("", ""))
        if person is None or perf is None or potential is None:
            unplaced.append(
                PersonRef(
                    employee_id,
                    no,
                    name,
                    person.track if person else "",
                    person.level if person else "",
                )
            )
            continue
        entries.append(
            NineBoxEntry(
                employee_id,
                person.no,
                person.name,
                person.track,
                person.level,
                round(perf, 2),
                round(potential, 2),
                band(perf, settings_.low, settings_.high),
                band(potential, settings_.low, settings_.high),
            )
        )
    entries.sort(key=lambda e: e.no)
    unplaced.sort(key=lambda p: p.no)
    return NineBox(period, settings_.low, settings_.high, tuple(entries), tuple(unplaced))


def _company_gmv(session: Session, first: str, last: str, undone: set[int]) -> dict[str, float]:
    """month → Σ over shops of the store-month GMV, with ``metrics.load_facts``' precedence:
    a shop overview's monthly row (the latest import of it), else the store-month's daily rows
    summed, else its counted orders, else another monthly row. Summed by SQLite per month (four
    grouped queries, each store-month looked up through the store/month indexes) instead of
    loading the whole fact book; tested equal to the fact book's figure."""
    from sqlalchemy import and_, exists
    from sqlalchemy.orm import aliased

    shop = select(Store.id).where(Store.kind != "live_account")
    batches = sorted(undone)

    def ok(column: Any) -> Any:
        return column.not_in(batches) if batches else column.is_not(None)

    m, x = aliased(StoreMonthFact), aliased(StoreMonthFact)
    latest_overview = (
        select(func.max(x.batch_id))
        .where(
            x.store_id == m.store_id,
            x.month == m.month,
            x.source == kpi.OVERVIEW_SOURCE,
            x.superseded_by.is_(None),
            ok(x.batch_id),
        )
        .scalar_subquery()
    )
    totals: dict[str, float] = {}

    def add(query: Any) -> None:
        for month, amount in session.execute(query):
            if amount is not None:
                totals[month] = totals.get(month, 0.0) + float(amount)

    add(
        select(m.month, func.sum(m.gmv))
        .where(
            m.source == kpi.OVERVIEW_SOURCE,
            m.superseded_by.is_(None),
            m.month.between(first, last),
            m.store_id.in_(shop),
            m.batch_id == latest_overview,
        )
        .group_by(m.month)
    )

    def overview_of(store: Any, month: Any) -> Any:
        o = aliased(StoreMonthFact)
        return exists().where(
            o.store_id == store,
            o.month == month,
            o.source == kpi.OVERVIEW_SOURCE,
            o.superseded_by.is_(None),
            ok(o.batch_id),
        )

    def days_of(store: Any, month: Any) -> Any:
        d = aliased(StoreDayFact)
        return exists().where(
            d.store_id == store,
            d.month == month,
            d.gmv.is_not(None),
            d.superseded_by.is_(None),
            ok(d.batch_id),
        )

    def orders_of(store: Any, month: Any) -> Any:
        o = aliased(OrderFact)
        return exists().where(
            o.store_id == store,
            o.month == month,
            o.counted.is_(True),
            o.superseded_by.is_(None),
            ok(o.batch_id),
        )

    day = StoreDayFact
    add(
        select(day.month, func.sum(day.gmv))
        .where(
            day.superseded_by.is_(None),
            ok(day.batch_id),
            day.month.between(first, last),
            day.store_id.in_(shop),
            ~overview_of(day.store_id, day.month),
        )
        .group_by(day.month)
    )
    order = OrderFact
    add(
        select(order.month, func.sum(order.amount))
        .where(
            order.counted.is_(True),
            order.superseded_by.is_(None),
            ok(order.batch_id),
            order.month.between(first, last),
            order.store_id.in_(shop),
            ~overview_of(order.store_id, order.month),
            ~days_of(order.store_id, order.month),
        )
        .group_by(order.month)
    )
    d2, y = aliased(StoreMonthFact), aliased(StoreMonthFact)
    latest_derived = (
        select(func.max(y.batch_id))
        .where(
            and_(
                y.store_id == d2.store_id,
                y.month == d2.month,
                y.source != kpi.OVERVIEW_SOURCE,
                y.superseded_by.is_(None),
                ok(y.batch_id),
            )
        )
        .scalar_subquery()
    )
    add(
        select(d2.month, func.sum(d2.gmv))
        .where(
            d2.source != kpi.OVERVIEW_SOURCE,
            d2.superseded_by.is_(None),
            d2.month.between(first, last),
            d2.store_id.in_(shop),
            d2.batch_id == latest_derived,
            ~overview_of(d2.store_id, d2.month),
            ~days_of(d2.store_id, d2.month),
            ~orders_of(d2.store_id, d2.month),
        )
        .group_by(d2.month)
    )
    return totals


def _business(session: Session, as_of: str) -> tuple[BusinessMonth, ...]:
    first = mo.add(as_of, -(BUSINESS_MONTHS - 1))
    undone = set(session.scalars(select(ImportBatch.id).where(ImportBatch.undone_at.is_not(None))))
    gmv = _company_gmv(session, first, as_of, undone)
    live: dict[str, float] = {}
    query = (
        select(OrderFact.month, OrderFact.batch_id, func.sum(OrderFact.amount))
        .where(
            OrderFact.counted.is_(True),
            OrderFact.superseded_by.is_(None),
            OrderFact.live_account_id.is_not(None),
            OrderFact.month.between(first, as_of),
        )
        .group_by(OrderFact.month, OrderFact.batch_id)
    )
    for month, batch_id, amount in session.execute(query):
        if batch_id in undone:
            continue
        live[month] = live.get(month, 0.0) + float(amount or 0.0)
    months = sorted(m for m in set(gmv) | {m for m, v in live.items() if v})
    if not months:
        return ()
    return tuple(
        BusinessMonth(m, round(gmv[m], 2) if m in gmv else None, round(live.get(m, 0.0), 2))
        for m in mo.month_range(months[0], months[-1])
    )


def _checklist(session: Session) -> tuple[ChecklistItem, ...]:
    def exists(column: Any) -> bool:
        return session.scalar(select(column).limit(1)) is not None

    facts = (
        any(exists(c) for c in (StoreMonthFact.id, OrderFact.id, LiveSessionFact.id))
        or kpi.latest_data_month(session) is not None
    )
    done = {
        "ladder": session.scalar(
            select(Transition.id).where(Transition.archived.is_(False)).limit(1)
        )
        is not None,
        "roster": exists(Employee.id),
        "owners": exists(StoreOwnership.id),
        "data": facts,
        "cycle": exists(ReviewCycle.id),
    }
    return tuple(
        ChecklistItem(key, Message(f"dashboard.check.{key}"), value) for key, value in done.items()
    )


def dashboard(
    app: AppSession,
    as_of: str | None = None,
    *,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
    with_cases: bool = True,
) -> Dashboard:
    """Every figure of the dashboard as of ``as_of`` (default: the 达标名单's month)."""
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    if as_of is not None:
        mo.parse(as_of)
    found = el.eligibility_list(app, as_of, progress=progress, today=today)
    month = found.as_of
    end = mo.last_day(month)
    with app.read() as s:
        scope = visible_ids(s, app.actor)
        scope_set = None if scope is None else set(scope)
        current = read_settings(s)
        tracks_rows, levels = _levels(s)
        staff = _staff(s, scope_set)
        into = _promotion_into(s)
        tracks, gaps = _pipeline(
            tracks_rows, levels, staff, found, into, end, current.bench_strength
        )
        flow = _flow(staff, levels, month, [t[0] for t in tracks_rows])
        promotions = _promotions(staff, levels, month)
        checklist = _checklist(s)
        business = _business(s, month)
        nine = _nine_box(s, scope_set, found, current)
        cases = _cases(s, scope_set) if with_cases else CaseFigures(0, None, None, (), (), ())
    return Dashboard(
        month,
        current,
        tracks,
        gaps,
        flow,
        promotions,
        cases,
        nine,
        business,
        checklist,
        found.latest_month,
    )


# --- JSON (tidui-cli dashboard --json, docs/cli.md) -------------------------------------------------


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def as_json(d: Dashboard, lang: str | None = None) -> dict[str, Any]:
    """docs/cli.md's object exactly, then more figures under keys of their own."""
    return {
        "as_of": d.as_of,
        "tracks": [
            {
                "track": t.track,
                "levels": [
                    {
                        "level": lv.level,
                        "headcount": lv.headcount,
                        "ready_in": lv.ready_in,
                        "nearly_in": lv.nearly_in,
                    }
                    for lv in t.levels
                ],
            }
            for t in d.tracks
        ],
        "gaps": [{"level": g.level, "text": g.message.text(lang)} for g in d.gaps],
        "turnover": {
            "rolling_12m_pct": _r(d.flow.rolling.pct),
            "separations": d.flow.rolling.separations,
            "avg_headcount": _r(d.flow.rolling.avg_headcount),
        },
        "cases": {
            "decided": d.cases.decided,
            "avg_days": d.cases.avg_days,
            "max_days": d.cases.max_days,
        },
        "nine_box": [
            {"employee": e.no, "performance": e.performance, "potential": e.potential}
            for e in d.nine_box.entries
        ],
        # --- beyond docs/cli.md's minimum ---
        "sentences": [lv.sentence.text(lang) for t in d.tracks for lv in t.levels],
        "gap_tracks": [g.track for g in d.gaps],
        "calendar_turnover": {
            "first": d.flow.calendar.first,
            "last": d.flow.calendar.last,
            "pct": _r(d.flow.calendar.pct),
            "separations": d.flow.calendar.separations,
            "avg_headcount": _r(d.flow.calendar.avg_headcount),
        },
        "turnover_by_level": [
            {
                "track": x.track,
                "level": x.level,
                "rolling_12m_pct": _r(x.rolling.pct),
                "separations": x.rolling.separations,
                "avg_headcount": _r(x.rolling.avg_headcount),
            }
            for x in d.flow.by_level
        ],
        "promotions": [
            {"month": p.month, "promotions": len(p.promotions), "transfers": len(p.transfers)}
            for p in d.promotions
        ],
        "open_cases": [
            {
                "case": c.id,
                "employee": c.no,
                "state": c.state,
                "waiting_for": c.waiting_for,
                "days_waiting": c.days_waiting,
            }
            for c in d.cases.open
        ],
        "nine_box_period": d.nine_box.period,
        "business": [
            {
                "month": b.month,
                "gmv": b.gmv,
                "live_gmv": b.live_gmv,
                "live_share": _r(b.live_share, 4),
            }
            for b in d.business
        ],
        "checklist": {c.key: c.done for c in d.checklist},
    }


# --- tables (each chart's table view and its 导出 Excel) ---------------------------------------


@dataclass(frozen=True)
class Table:
    """A chart's figures as rows: what the table view shows and the export writes."""

    key: str
    title: Message
    columns: tuple[Message, ...]
    rows: tuple[tuple[Any, ...], ...] = field(default=())


def _m(code: str) -> Message:
    return Message(f"dashboard.col.{code}")


def tables(d: Dashboard) -> dict[str, Table]:
    """pipeline, nine_box, flow, cases, business."""
    pipeline = Table(
        "pipeline",
        Message("dashboard.table.pipeline"),
        tuple(
            _m(c)
            for c in ("track", "level", "headcount", "ready_in", "nearly_in", "required", "gap")
        ),
        tuple(
            (
                t.track,
                lv.level,
                lv.headcount,
                lv.ready_in,
                lv.nearly_in,
                lv.required or "",
                lv.gap.message.text() if lv.gap else "",
            )
            for t in d.tracks
            for lv in t.levels
        ),
    )
    nine = Table(
        "nine_box",
        Message("dashboard.table.nine_box"),
        tuple(
            _m(c)
            for c in (
                "no",
                "name",
                "track",
                "level",
                "performance_score",
                "potential_score",
                "performance",
                "potential",
            )
        ),
        tuple(
            (
                e.no,
                e.name,
                e.track,
                e.level,
                e.performance_score,
                e.potential_score,
                e.performance,
                e.potential,
            )
            for e in d.nine_box.entries
        ),
    )
    flow_rows: list[tuple[Any, ...]] = [
        (
            Message("dashboard.all_company").text(),
            "",
            _r(d.flow.rolling.pct, 1),
            d.flow.rolling.separations,
            _r(d.flow.rolling.avg_headcount),
            _r(d.flow.calendar.pct, 1),
            d.flow.calendar.separations,
            _r(d.flow.calendar.avg_headcount),
        )
    ]
    for x in d.flow.by_track:
        flow_rows.append(
            (
                x.track,
                "",
                _r(x.rolling.pct, 1),
                x.rolling.separations,
                _r(x.rolling.avg_headcount),
                _r(x.calendar.pct, 1),
                x.calendar.separations,
                _r(x.calendar.avg_headcount),
            )
        )
    for y in d.flow.by_level:
        flow_rows.append(
            (
                y.track,
                y.level,
                _r(y.rolling.pct, 1),
                y.rolling.separations,
                _r(y.rolling.avg_headcount),
                _r(y.calendar.pct, 1),
                y.calendar.separations,
                _r(y.calendar.avg_headcount),
            )
        )
    flow = Table(
        "flow",
        Message("dashboard.table.flow"),
        tuple(
            _m(c)
            for c in (
                "track",
                "level",
                "rolling_pct",
                "rolling_separations",
                "rolling_avg",
                "calendar_pct",
                "calendar_separations",
                "calendar_avg",
            )
        ),
        tuple(flow_rows),
    )
    cases_table = Table(
        "cases",
        Message("dashboard.table.cases"),
        tuple(_m(c) for c in ("case", "no", "name", "move", "state", "days")),
        tuple(
            [
                (i, no, name, move, Message("dashboard.case.decided").text(), days)
                for i, no, name, move, days in d.cases.decided_cases
            ]
            + [
                (
                    c.id,
                    c.no,
                    c.name,
                    c.move,
                    Message(f"dashboard.case.{c.state}").text(),
                    c.days_waiting,
                )
                for c in d.cases.open
            ]
        ),
    )
    business = Table(
        "business",
        Message("dashboard.table.business"),
        tuple(_m(c) for c in ("month", "gmv", "live_gmv", "live_share", "promotions")),
        tuple(
            (
                b.month,
                b.gmv,
                b.live_gmv,
                _r(b.live_share, 4),
                sum(len(p.promotions) for p in d.promotions if p.month == b.month),
            )
            for b in d.business
        ),
    )
    return {t.key: t for t in (pipeline, nine, flow, cases_table, business)}


def export_table(app: AppSession, table: Table, out: Path, lang: str | None = None) -> Path:
    """One chart's table as .xlsx; every text cell formula-safe, written atomically."""
    require(app.actor, Perm.EXPORT_DATA)
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = table.title.text(lang)[:31]
    sheet.append(safe_row([table.title.text(lang)]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(safe_row([c.text(lang) for c in table.columns]))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(safe_row(["" if v is None else v for v in row]))
    sheet.freeze_panes = "A3"
    out = Path(out)
    save_workbook(workbook, out)
    return out
