"""Small read-only look-ups the promotion screens need and the core did not have yet.

Kept apart from the use-case modules so the lead can fold them in (or replace them) freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from core.permissions import Perm, require
from core.services.eligibility import readiness as el
from core.session import AppSession


def transitions(app: AppSession, lang: str = "zh") -> list[tuple[int, str]]:
    """Every live transition as (id, "运营助理 → 运营专员"), bottom of the ladder first, named in
    ``lang`` (a move across tracks: 运营专员（数据运营） but "运营专员 (数据运营)" in English)."""
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        found = el._transitions(el.read_design(s))
    flat = [t for ts in found.values() for t in ts]

    def label(t: el.TransitionRules) -> str:
        # "运营助理 → 运营专员" exists on several tracks: name the track when it does not change
        same = t.from_track == t.to_track and t.from_track
        return f"{t.from_track} · {t.label(lang)}" if same else t.label(lang)

    return [(t.id, label(t)) for t in sorted(flat, key=lambda t: t.id)]


def move_labels(app: AppSession, lang: str = "zh") -> dict[int, str]:
    """Every live transition's id and its "from → to" in ``lang``, as the cycle screens name it."""
    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        found = el._transitions(el.read_design(s))
    return {t.id: t.label(lang) for ts in found.values() for t in ts}


def default_cycle_month(app: AppSession, today: date | None = None) -> str:
    """The as-of month a new cycle gets when none is given: the last complete month with data."""
    from core.services.eligibility import metrics as kpi

    require(app.actor, Perm.VIEW_ELIGIBILITY)
    with app.read() as s:
        return kpi.default_as_of(kpi.latest_data_month(s), today)


@dataclass(frozen=True)
class Addable:
    """Someone HR may add to a cycle by hand: a current employee and one move out of their level
    that the cycle includes."""

    employee_id: int
    no: str
    name: str
    transition_id: int
    move: str  # "运营助理 → 运营专员"

    def label(self) -> str:
        return f"{self.no} {self.name} · {self.move}"


def addable_candidates(app: AppSession, cycle_id: int, lang: str = "zh") -> list[Addable]:
    """Everyone the actor may see, still employed, with a move of the cycle out of their level,
    not added by hand before, by 工号 (the screen also leaves out whom the rules already list);
    the moves named in ``lang``."""
    from core.model import CycleCandidate, Employee, ReviewCycle
    from core.services.archive.employees import visible_ids
    from core.services.promotion.cycles import find_cycle

    require(app.actor, Perm.CREATE_CASE)
    with app.read() as s:
        cycle: ReviewCycle = find_cycle(s, cycle_id)
        allowed = {int(t) for t in cycle.transition_ids or ()}
        moves = el._transitions(el.read_design(s))
        added = {
            (e, t)
            for e, t in s.execute(
                select(CycleCandidate.employee_id, CycleCandidate.transition_id).where(
                    CycleCandidate.cycle_id == cycle.id
                )
            )
        }
        scope = visible_ids(s, app.actor)
        people = s.execute(
            select(Employee.id, Employee.no, Employee.name, Employee.level_id)
            .where(Employee.leave_date.is_(None), Employee.level_id.is_not(None))
            .order_by(Employee.no)
        ).all()
    found: list[Addable] = []
    for employee_id, no, name, level_id in people:
        if level_id is None or (scope is not None and employee_id not in scope):
            continue
        for t in sorted(moves.get(level_id, []), key=lambda t: t.id):
            if (allowed and t.id not in allowed) or (employee_id, t.id) in added:
                continue
            found.append(Addable(employee_id, no, name, t.id, t.label(lang)))
    return found


@dataclass(frozen=True)
class NoticePreview:
    text: str  # the notice as it would be published ('' while a placeholder is unknown)
    source: str  # whose case the values come from: "晋升申请 #3 陈静（已决定）"
    unknown: tuple[str, ...]  # placeholders the template names that Tidui does not know
    empty: tuple[str, ...]  # placeholders without a value for this case


def notice_preview(app: AppSession, template: str, today: date | None = None) -> NoticePreview:
    """The 公示 template filled with a real case's values: the latest decided case, else the
    latest case with the decision it would get by default (first of next month, current salary);
    a company without cases yet gets an example person."""
    from core.domain import cases as dc
    from core.model import Company, Employee, PromotionCase
    from core.services.promotion import cases
    from core.services.promotion.config import NOTICE_FIELDS

    require(app.actor, Perm.VIEW_ELIGIBILITY)
    today = today or date.today()
    unknown = tuple(p for p in dc.placeholders(template) if p not in NOTICE_FIELDS)
    with app.read() as s:
        decided = s.scalar(
            select(PromotionCase)
            .where(PromotionCase.decision.is_not(None))
            .order_by(PromotionCase.decided_at.desc(), PromotionCase.id.desc())
            .limit(1)
        )
        case = decided or s.scalar(select(PromotionCase).order_by(PromotionCase.id.desc()).limit(1))
        if case is not None:
            emp = s.get(Employee, case.employee_id)
            name = emp.name if emp else ""
            if case.decision:
                decision = dict(case.decision)
                source = f"#{case.id} {name}"
            else:
                first = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
                salary = case.salary_before or (emp.salary if emp else None) or 0
                decision = {"effective": first.isoformat(), "salary": salary}
                source = f"#{case.id} {name}"
            values = cases._values(s, case, decision)
        else:
            source = ""
            values = {
                "姓名": "张三",
                "工号": "E001",
                "原职级": "运营专员",
                "新职级": "运营主管",
                "生效日期": dc.date_text(date(today.year, today.month, 1)),
                "公司名称": s.scalar(select(Company.name)) or "",
                "月薪": "9,000",
                "日期": dc.date_text(today),
            }
    values = {k: v for k, v in values.items() if k in NOTICE_FIELDS}
    text, _unknown, empty = dc.fill(template, values)
    return NoticePreview("" if unknown else text, source, unknown, tuple(empty))
