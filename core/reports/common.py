"""What every promotion document reads from the company file: the letterhead and the employee block.

Read-only; each report module gathers its data into plain values here and renders from them, so a
report can be rendered (and tested) from values alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.domain import metrics as mx
from core.domain.identity import mask_id_number
from core.errors import NotFound, PermissionDenied
from core.model import Company, Employee, GradeChange, Level, Track
from core.permissions import Perm, require
from core.reports.blocks import Letterhead
from core.services.archive.employees import ensure_visible, find_by_no, may_see_personal_data
from core.session import AppSession


@dataclass(frozen=True)
class EmployeeBlock:
    id: int
    no: str
    name: str
    department: str
    track: str
    level: str
    hire_date: date | None
    level_since: date | None
    supervisor: str
    id_number: str  # masked unless asked for and allowed
    salary: int | None  # None when the reader may not see it
    active: bool
    held_then: bool = False  # track / level / level_since are as when a case was made


def letterhead(session: Session, document: str) -> Letterhead:
    company = session.scalar(select(Company).limit(1))
    if company is None:
        return Letterhead("", None, document)
    return Letterhead(company.name, company.logo, document)


def employee_block(
    session: Session, app: AppSession, employee_id: int, *, show_id_number: bool = False
) -> EmployeeBlock:
    """The employee as a printout shows them; the full ID number only when asked and allowed."""
    emp = ensure_visible(session, app.actor, employee_id)
    personal = may_see_personal_data(app.actor)
    if show_id_number and not personal:
        raise PermissionDenied(
            login=app.actor.login, role=app.actor.role, perm=Perm.VIEW_PERSONAL_DATA.value
        )
    level = session.get(Level, emp.level_id) if emp.level_id else None
    track = session.get(Track, emp.track_id) if emp.track_id else None
    boss = session.get(Employee, emp.supervisor_id) if emp.supervisor_id else None
    id_number = emp.id_number or ""
    return EmployeeBlock(
        id=emp.id,
        no=emp.no,
        name=emp.name,
        department=emp.department or "",
        track=track.name if track else "",
        level=level.title if level else "",
        hire_date=emp.hire_date,
        level_since=emp.level_since,
        supervisor=boss.name if boss else "",
        id_number=id_number if show_id_number else mask_id_number(id_number),
        salary=emp.salary if personal else None,
        active=emp.leave_date is None,
    )


def as_when_proposed(session: Session, block: EmployeeBlock, case: Any) -> EmployeeBlock:
    """``block`` with the level the person held when ``case`` was made, and since when: once the
    case (or a later one) took effect, the employee's own level is the new one, and a decided
    case's report printed "现职级 运营专员 since 2024-01-01" under "运营助理 → 运营专员"."""
    if case.from_level_id is None or case.from_level_id == _current_level(session, block.id):
        return block
    level = session.get(Level, case.from_level_id)
    if level is None:
        return block
    track = session.get(Track, level.track_id)
    since = session.scalar(
        select(func.max(GradeChange.effective_date)).where(
            GradeChange.employee_id == block.id,
            GradeChange.to_level_id == level.id,
            GradeChange.effective_date <= case.created_at.date(),
        )
    )
    return replace(
        block,
        track=track.name if track else "",
        level=level.title,
        level_since=since,  # None ("—") when the archive has no change into that level
        held_then=True,
    )


def decision_day(case: Any) -> date:
    """The day (on this PC's clock) a decided case was decided and published: the date a letter
    and an announcement carry, however much later they are printed again (a 2023-12-27 decision
    reprinted in 2026 was signed and its 公示期 began "2026年12月7日")."""
    moment = case.decided_at
    if moment is None:
        return date.today()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().date()


def _current_level(session: Session, employee_id: int) -> int | None:
    emp = session.get(Employee, employee_id)
    return emp.level_id if emp is not None else None


def employee_id_of(app: AppSession, no: str) -> int:
    """The id of the employee with 工号 ``no`` the actor may see (else a clear error)."""
    require(app.actor, Perm.PRINT_REPORTS)
    with app.read() as s:
        emp = find_by_no(s, no)
        if emp is None:
            raise NotFound("report.employee.not_found", no=no)
        ensure_visible(s, app.actor, emp.id)
        return emp.id


def active_employee_ids(app: AppSession) -> list[tuple[int, str, str]]:
    """(id, 工号, 姓名) of every active employee the actor may see, by 工号."""
    from core.services.archive.employees import list_employees

    require(app.actor, Perm.PRINT_REPORTS)
    return [(r.id, r.no, r.name) for r in list_employees(app) if r.active and not r.anonymised]


def unit_of(criterion: dict[str, Any]) -> str:
    if criterion.get("unit"):
        return str(criterion["unit"])
    found = mx.metric(str(criterion.get("metric") or ""))
    return found.unit if found else "ratio"


def with_units(session: Session, criteria: Any) -> tuple[dict[str, Any], ...]:
    """The criteria with each one's unit ("percent", "yuan" …), the company's own metrics
    included, so a printed value reads as the sentence does (27.8%, not 0.278)."""
    from core.services.ladder.saving import custom_metrics

    custom = custom_metrics(session)
    found = []
    for criterion in criteria:
        metric = mx.metric(str(criterion.get("metric") or ""), custom)
        found.append({**criterion, "unit": metric.unit if metric else "ratio"})
    return tuple(found)


def value_text(criterion: dict[str, Any], value: Any) -> str:
    """A criterion's observed or required value as the rule sentence shows it."""
    if value is None:
        return "无数据"
    if isinstance(value, list):
        return "、".join(value_text(criterion, v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        kind = criterion.get("kind")
        if kind not in ("each_month", "change", "average"):
            return mx.format_value("ratio", float(value), "zh", 1)
        unit = unit_of(criterion)
        return mx.format_criterion_value(unit, kind, float(value), "zh", 0 if unit == "yuan" else 1)
    return str(value)
