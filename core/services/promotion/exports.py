"""Payroll and evaluation sheets: 调薪记录 (salary changes) and 评估结果 (evaluations) as .xlsx.

Every text cell goes through xlsx_safety (formula-safe) and the file is written atomically.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from core.i18n import Message
from core.model import (
    Employee,
    GradeChange,
    Level,
    PromotionCase,
    ReviewCycle,
    ScoreEntry,
)
from core.permissions import Perm, require
from core.services.admin import audit
from core.services.admin.audit import AuditFilter
from core.services.archive.employees import visible_ids
from core.services.exports.xlsx_safety import safe_row
from core.session import AppSession
from core.storage.atomic import save_workbook

SALARY_COLUMNS = (
    "工号",
    "姓名",
    "生效日期",
    "原职级",
    "新职级",
    "原月薪",
    "新月薪",
    "调整幅度",
    "原因",
    "申请编号",
)
EVALUATION_COLUMNS = ("工号", "姓名", "评审周期", "维度", "项目", "分数", "评分人", "备注")
PART_NAMES = {"performance": "绩效", "ability": "能力", "potential": "潜力"}


def _sheet(title: str, header: tuple[str, ...]):  # type: ignore[no-untyped-def]
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(safe_row(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    return workbook, sheet


def export_salary_changes(app: AppSession, out: Path, lang: str | None = None) -> int:
    """Every grade change with a salary (promotions, transfers, hand edits): for payroll."""
    require(app.actor, Perm.EXPORT_DATA)
    workbook, sheet = _sheet(Message("case.export.salary.sheet").text(lang), SALARY_COLUMNS)
    count = 0
    with app.read() as s:
        scope = visible_ids(s, app.actor)
        levels = dict(s.execute(select(Level.id, Level.title)).all())
        people = {e.id: (e.no, e.name) for e in s.scalars(select(Employee))}
        for g in s.scalars(
            select(GradeChange).order_by(GradeChange.effective_date, GradeChange.id)
        ):
            if scope is not None and g.employee_id not in scope:
                continue
            no, name = people.get(g.employee_id, ("", ""))
            change = None
            if g.salary_before and g.salary_after is not None:
                change = round((g.salary_after - g.salary_before) / g.salary_before, 4)
            sheet.append(
                safe_row(
                    [
                        no,
                        name,
                        g.effective_date,
                        levels.get(g.from_level_id, "") if g.from_level_id else "",
                        levels.get(g.to_level_id, "") if g.to_level_id else "",
                        g.salary_before,
                        g.salary_after,
                        change,
                        g.reason,
                        g.case_ref or "",
                    ]
                )
            )
            sheet.cell(sheet.max_row, 3).number_format = "yyyy-mm-dd"
            sheet.cell(sheet.max_row, 8).number_format = "0.0%"
            count += 1
    save_workbook(workbook, Path(out))
    return count


def export_evaluations(app: AppSession, out: Path, lang: str | None = None) -> int:
    """Every assessment score (cycle, part, item, score, rater) and, per decided case, its total."""
    require(app.actor, Perm.EXPORT_DATA)
    workbook, sheet = _sheet(
        Message("case.export.evaluations.sheet").text(lang), EVALUATION_COLUMNS
    )
    count = 0
    with app.read() as s:
        scope = visible_ids(s, app.actor)
        people = {e.id: (e.no, e.name) for e in s.scalars(select(Employee))}
        for e in s.scalars(
            select(ScoreEntry).order_by(ScoreEntry.period, ScoreEntry.employee_id, ScoreEntry.id)
        ):
            if scope is not None and e.employee_id not in scope:
                continue
            no, name = people.get(e.employee_id, ("", ""))
            sheet.append(
                safe_row(
                    [
                        no,
                        name,
                        e.period,
                        PART_NAMES.get(e.part, e.part),
                        e.item,
                        e.score,
                        e.rater,
                        e.note,
                    ]
                )
            )
            count += 1
        cycles = dict(s.execute(select(ReviewCycle.id, ReviewCycle.name)).all())
        for case in s.scalars(select(PromotionCase).where(PromotionCase.snapshot.is_not(None))):
            if scope is not None and case.employee_id not in scope:
                continue
            no, name = people.get(case.employee_id, ("", ""))
            evaluation = (case.snapshot or {}).get("evaluation") or {}
            for part in evaluation.get("parts", []):
                sheet.append(
                    safe_row(
                        [no, name, cycles.get(case.cycle_id, "") if case.cycle_id else "",
                         PART_NAMES.get(part.get("key"), part.get("name")), f"#{case.id} 维度得分",
                         part.get("score"), "", f"{case.from_label} → {case.to_label}"]
                    )
                )  # fmt: skip
            sheet.append(
                safe_row(
                    [no, name, cycles.get(case.cycle_id, "") if case.cycle_id else "", "总分",
                     f"#{case.id} 加权总分", evaluation.get("total"), "", f"{case.from_label} → {case.to_label}"]
                )
            )  # fmt: skip
            count += 1
    save_workbook(workbook, Path(out))
    return count


AUDIT_COLUMNS = ("时间", "账号", "操作", "对象", "编号", "修改前", "修改后", "哈希")


def export_audit(app: AppSession, out: Path, where: AuditFilter | None = None) -> int:
    """The audit log as the owner reads it (before/after as JSON text), formula-safe; only the
    entries ``where`` selects (the viewer's filter), oldest first."""
    import json

    require(app.actor, Perm.VIEW_AUDIT)
    workbook, sheet = _sheet("审计日志", AUDIT_COLUMNS)
    count = 0
    rows = audit.list_entries(app, where or AuditFilter(), limit=None)
    for a in reversed(rows):
        sheet.append(
            safe_row(
                [
                    a.at.replace(tzinfo=None),
                    a.actor,
                    a.action,
                    a.entity,
                    a.entity_id or "",
                    json.dumps(a.before, ensure_ascii=False) if a.before else "",
                    json.dumps(a.after, ensure_ascii=False) if a.after else "",
                    a.hash,
                ]
            )
        )
        count += 1
    save_workbook(workbook, Path(out))
    return count
