"""晋升通知书: the letter a promoted employee receives, from the company's editable template.

Only a decided case (已公示 / 已生效) has a letter. Its values are those of the decision (the same
as the 公示 text's); an unknown placeholder or one without a value stops the printing with a
message naming it, so a letter never leaves the office with "{月薪}" in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from core.domain import cases as dc
from core.errors import NotFound, ValidationError
from core.model import Company, PromotionCase
from core.permissions import Perm, require
from core.reports import blocks as b
from core.reports.common import decision_day, letterhead
from core.reports.templates import read_letter
from core.services.archive.employees import ensure_visible
from core.session import AppSession

TITLE = "晋升通知书"
DECIDED = (dc.CaseState.PUBLISHED.value, dc.CaseState.EFFECTIVE.value)


@dataclass(frozen=True)
class LetterData:
    head: b.Letterhead
    text: str
    company: str
    day: date
    name: str


def values_of(session: Any, case: PromotionCase) -> dict[str, str]:
    """The placeholder values of a decided case; no new permissions / training reads "无"
    (the decision said so), every other value must be there."""
    from core.services.promotion import cases as pc

    values = pc._values(session, case, case.decision or {})  # the 公示 text's own values
    values["日期"] = dc.date_text(decision_day(case))  # the decision's, however late the reprint
    for key in ("新增权限", "培训"):
        if not values.get(key, "").strip():
            values[key] = "无"
    return values


def fill_letter(template: str, values: dict[str, str]) -> str:
    """The filled text, or a ValidationError naming every placeholder left without a value."""
    text, unknown, empty = dc.fill(template, values)
    if unknown or empty:
        raise ValidationError(
            "report.letter.unfilled", names="、".join("{" + n + "}" for n in unknown + empty)
        )
    return text


def decided_case_of(app: AppSession, employee_id: int) -> int:
    """The employee's latest decided case (for a letter asked for by 工号 alone)."""
    with app.read() as s:
        emp = ensure_visible(s, app.actor, employee_id)
        found = s.scalar(
            select(PromotionCase.id)
            .where(PromotionCase.employee_id == employee_id, PromotionCase.state.in_(DECIDED))
            .order_by(PromotionCase.decided_at.desc(), PromotionCase.id.desc())
            .limit(1)
        )
        if found is None:
            raise ValidationError("report.letter.no_decided_case", name=emp.name, no=emp.no)
        return int(found)


def latest_decided_case(app: AppSession) -> int | None:
    """The newest decided case the actor may see (the template editor previews with it)."""
    from core.services.archive.employees import visible_ids

    require(app.actor, Perm.PRINT_REPORTS)
    with app.read() as s:
        scope = visible_ids(s, app.actor)
        query = (
            select(PromotionCase.id, PromotionCase.employee_id)
            .where(PromotionCase.state.in_(DECIDED))
            .order_by(PromotionCase.decided_at.desc(), PromotionCase.id.desc())
        )
        for case_id, employee_id in s.execute(query):
            if scope is None or employee_id in scope:
                return int(case_id)
    return None


def letter_data(app: AppSession, case_id: int, template: str | None = None) -> LetterData:
    require(app.actor, Perm.PRINT_REPORTS)
    require(app.actor, Perm.VIEW_PERSONAL_DATA)  # the letter states the salary
    with app.read() as s:
        case = s.get(PromotionCase, case_id)
        if case is None:
            raise NotFound("case.not_found", id=case_id)
        emp = ensure_visible(s, app.actor, case.employee_id)
        if case.state not in DECIDED or not case.decision:
            raise ValidationError("report.letter.undecided", id=case_id, name=emp.name)
        values = values_of(s, case)
        text = fill_letter(template if template is not None else read_letter(s), values)
        company = s.scalar(select(Company.name)) or ""
        return LetterData(letterhead(s, TITLE), text, company, decision_day(case), emp.name)


def story(data: LetterData) -> list[Any]:
    found: list[Any] = [b.spacer(6), b.para(TITLE, "title"), b.spacer(6)]
    for block in data.text.split("\n\n"):
        found.append(b.para(block.strip("\n"), "letter"))
        found.append(b.spacer(3))
    found.append(b.spacer(12))
    found.append(b.seal_block(data.company, data.day))
    return found


def render_letter(data: LetterData) -> bytes:
    return b.build_pdf(story(data), data.head, title=f"{TITLE} — {data.name}")


def letter_report(app: AppSession, employee_id: int, case_id: int | None = None) -> bytes:
    if case_id is None:
        case_id = decided_case_of(app, employee_id)
    data = letter_data(app, case_id)
    with app.read() as s:
        case = s.get(PromotionCase, case_id)
        if case is not None and case.employee_id != employee_id:
            raise ValidationError("report.case.other_employee", id=case_id, name=data.name)
    return render_letter(data)


def preview_letter(app: AppSession, template: str, case_id: int | None = None) -> bytes:
    """The editor's live preview: a decided case's letter with the text being edited, or (with
    no decided case yet) the template filled with sample values."""
    if case_id is not None:
        return render_letter(letter_data(app, case_id, template))
    require(app.actor, Perm.PRINT_REPORTS)
    with app.read() as s:
        head = letterhead(s, TITLE)
    sample = {
        "姓名": "张三",
        "工号": "E000",
        "原职级": "运营助理",
        "新职级": "运营专员",
        "生效日期": dc.date_text(date.today()),
        "月薪": "8,000",
        "新增权限": "决定新品上线策略",
        "培训": "电商运营进阶",
        "公司名称": head.company,
        "日期": dc.date_text(date.today()),
    }
    text = fill_letter(template, sample)
    return render_letter(LetterData(head, text, head.company, date.today(), "张三"))
