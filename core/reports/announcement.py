"""晋升公示: the notice for the board, every decided (已公示 / 已生效) case of one review cycle.

Each case prints the 公示 sentence stored with its decision (decision["notice"]), the very text
the owner saw when deciding, after a table of who moves where from when.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from core.errors import ValidationError
from core.model import PromotionCase, ReviewCycle
from core.permissions import Perm, require
from core.reports import blocks as b
from core.reports.common import decision_day, letterhead
from core.reports.letter import DECIDED
from core.services.archive.employees import visible_ids
from core.session import AppSession

TITLE = "晋升公示"
OBJECTION_DAYS = 5


@dataclass(frozen=True)
class NoticeRow:
    name: str
    no: str
    from_label: str
    to_label: str
    effective: date | None
    notice: str
    kind: str = "promotion"  # promotion | transfer


def _moves(rows: Sequence[NoticeRow]) -> str:
    """晋升, 转岗, or both, as the listed cases are (five promotions read "晋升（转岗）")."""
    kinds = {r.kind for r in rows}
    if kinds == {"transfer"}:
        return "转岗"
    return "晋升与转岗" if "transfer" in kinds else "晋升"


@dataclass(frozen=True)
class AnnouncementData:
    head: b.Letterhead
    cycle: str | None
    rows: tuple[NoticeRow, ...]
    day: date


def cycle_of_case(app: AppSession, case_id: int) -> str | None:
    with app.read() as s:
        case = s.get(PromotionCase, case_id)
        if case is None:
            from core.errors import NotFound

            raise NotFound("case.not_found", id=case_id)
        cycle = s.get(ReviewCycle, case.cycle_id) if case.cycle_id else None
        return cycle.name if cycle else None


def latest_cycle(app: AppSession, employee_id: int | None = None) -> str | None:
    """The cycle of the newest decided case (of one employee, when given)."""
    with app.read() as s:
        query = (
            select(PromotionCase.cycle_id)
            .where(PromotionCase.state.in_(DECIDED), PromotionCase.cycle_id.is_not(None))
            .order_by(PromotionCase.decided_at.desc(), PromotionCase.id.desc())
            .limit(1)
        )
        if employee_id is not None:
            query = query.where(PromotionCase.employee_id == employee_id)
        found = s.scalar(query)
        cycle = s.get(ReviewCycle, found) if found else None
        return cycle.name if cycle else None


def announcement_data(
    app: AppSession, cycle: str | None, case_ids: list[int] | None = None
) -> AnnouncementData:
    """The decided cases of ``cycle`` (or just ``case_ids``), in the order they were decided."""
    from core.model import Employee
    from core.services.promotion.cycles import find_cycle

    require(app.actor, Perm.PRINT_REPORTS)
    with app.read() as s:
        head = letterhead(s, TITLE)
        query = select(PromotionCase).where(PromotionCase.state.in_(DECIDED))
        cycle_name = None
        if cycle is not None:
            row = find_cycle(s, cycle)
            cycle_name = row.name
            query = query.where(PromotionCase.cycle_id == row.id)
        if case_ids:
            query = query.where(PromotionCase.id.in_(case_ids))
        scope = visible_ids(s, app.actor)
        rows = []
        published: list[date] = []
        for case in s.scalars(query.order_by(PromotionCase.decided_at, PromotionCase.id)):
            if scope is not None and case.employee_id not in scope:
                continue
            emp = s.get(Employee, case.employee_id)
            published.append(decision_day(case))
            decision = case.decision or {}
            effective = decision.get("effective")
            rows.append(
                NoticeRow(
                    name=emp.name if emp else "",
                    no=emp.no if emp else "",
                    from_label=case.from_label,
                    to_label=case.to_label,
                    effective=date.fromisoformat(str(effective)) if effective else None,
                    notice=str(decision.get("notice") or ""),
                    kind=case.kind,
                )
            )
    if not rows:
        raise ValidationError("report.announcement.none", cycle=cycle_name or "—")
    # the 公示期 begins when the last of its cases was published, not when the page is printed
    return AnnouncementData(head, cycle_name, tuple(rows), max(published))


def story(data: AnnouncementData) -> list[Any]:
    cycle = f"“{data.cycle}”" if data.cycle else ""
    found: list[Any] = [
        b.spacer(4),
        b.para(TITLE, "title"),
        b.spacer(3),
        b.para(
            f"根据{cycle}晋升评审结果，经公司研究决定，"
            f"对以下 {len(data.rows)} 名同事的{_moves(data.rows)}予以公示：",
            "notice",
        ),
        b.spacer(3),
    ]
    rows: list[list[Any]] = [["序号", "姓名", "工号", "原职级", "新职级", "生效日期"]]
    for i, r in enumerate(data.rows, 1):
        rows.append(
            [str(i), r.name, r.no, r.from_label, r.to_label, b.date_text(r.effective) or "—"]
        )
    found.append(b.table(rows, [9, 20, 16, 34, 34, 26], zebra=True))
    found.append(b.spacer(4))
    for i, r in enumerate(data.rows, 1):
        found.append(b.para(f"{i}. {r.notice}", "notice"))
    found += [
        b.spacer(4),
        b.para(
            f"公示期为 {OBJECTION_DAYS} 个工作日，自{b.date_text(data.day)}起。"
            "如有异议，请在公示期内以书面形式向人事部门反映。",
            "notice",
        ),
        b.spacer(10),
        b.seal_block(data.head.company, data.day, signer="负责人"),
    ]
    return found


def render_announcement(data: AnnouncementData) -> bytes:
    return b.build_pdf(story(data), data.head, title=f"{TITLE} — {data.cycle or ''}")


def announcement_report(
    app: AppSession,
    cycle: str | None = None,
    *,
    case_id: int | None = None,
    employee_id: int | None = None,
) -> bytes:
    """The notice of a cycle; without one, the cycle of the case, else of the employee's (or the
    company's) newest decided case."""
    if cycle is None and case_id is not None:
        cycle = cycle_of_case(app, case_id)
        if cycle is None:
            return render_announcement(announcement_data(app, None, [case_id]))
    if cycle is None:
        cycle = latest_cycle(app, employee_id)
    if cycle is None:
        raise ValidationError("report.announcement.none", cycle="—")
    return render_announcement(announcement_data(app, cycle))
