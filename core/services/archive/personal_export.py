"""导出个人档案 (everything about one person, .xlsx + attachments zip) and the roster export (.xlsx).

Every text cell goes through ``safe_cell`` so a name like "=HYPERLINK(...)" cannot run as a
formula when the file is opened. The roster export uses the import template's columns, so an
exported roster can be edited and imported again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.domain import identity
from core.domain.metrics import ACHIEVEMENT_TYPES, EVALUATION_PARTS
from core.i18n import Message
from core.importers.templates import TEMPLATES
from core.model import Attachment, Employee, GradeChange, Level
from core.permissions import Perm, require
from core.services.archive import employees, stores
from core.services.archive import records as archive
from core.services.exports.xlsx_safety import safe_row
from core.session import AppSession
from core.storage.atomic import save_workbook, write_zip_atomic


@dataclass(frozen=True)
class ExportResult:
    workbook: Path
    attachments_zip: Path | None
    attachments: int


def _sheet(wb: Any, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet(title)
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(safe_row(row))
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    for i, header in enumerate(headers, start=1):
        widest = max([len(str(header)) * 2, *(len(str(r[i - 1] or "")) + 2 for r in rows)])
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(max(widest, 8), 50)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def export_personal_archive(app: AppSession, employee_id: int, out: Path) -> ExportResult:
    """Write one employee's whole archive to ``out`` (.xlsx); attachments go to ``<stem>_附件.zip``."""
    require(app.actor, Perm.EXPORT_DATA)
    from openpyxl import Workbook

    person = employees.get_employee(app, employee_id)  # masks what the actor may not see
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    _sheet(
        wb,
        "基本信息",
        ("项目", "内容"),
        [
            ("工号", person.no),
            ("姓名", person.name),
            ("性别", person.gender or ""),
            ("手机号", person.phone or ""),
            ("身份证号", person.id_number or ""),
            ("入职日期", person.hire_date),
            ("离职日期", person.leave_date),
            ("离职原因", person.leave_reason or ""),
            ("部门", person.department or ""),
            ("通道", person.track),
            ("职级", person.level),
            ("定级日期", person.level_since),
            ("直属上级", person.supervisor),
            ("月薪", person.salary),
            ("备注", person.notes),
        ],
    )
    with app.read() as s:
        levels = dict(s.execute(select(Level.id, Level.title)).all())
        grades = s.scalars(
            select(GradeChange)
            .where(GradeChange.employee_id == employee_id)
            .order_by(GradeChange.effective_date)
        ).all()
    show_salary = person.personal_visible
    _sheet(
        wb,
        "职级与薪资变动",
        ("生效日期", "原职级", "新职级", "原月薪", "新月薪", "原因"),
        [
            (
                g.effective_date,
                levels.get(g.from_level_id or 0, ""),
                levels.get(g.to_level_id or 0, ""),
                g.salary_before if show_salary else None,
                g.salary_after if show_salary else None,
                Message(f"archive.grade_reason.{g.reason}").text("zh")
                if g.reason in employees.SYSTEM_REASONS
                else g.reason,
            )
            for g in grades
        ],
    )
    _sheet(
        wb,
        "负责店铺",
        ("店铺/账号", "平台", "开始月份", "结束月份"),
        [
            (o.store, o.platform, o.start_month, o.end_month or "")
            for o in stores.ownerships_of(app, employee_id)
        ],
    )
    _sheet(
        wb,
        "培训记录",
        ("课程", "机构", "开始日期", "学时", "成绩", "是否通过", "证书"),
        [
            (t.course, t.provider, t.start_date, t.hours, t.score, _yes_no(t.passed), t.certificate_name or "")
            for t in archive.list_training(app, employee_id)
        ],
    )  # fmt: skip
    _sheet(
        wb,
        "成果记录",
        ("类型", "名称", "日期", "结果", "ROI", "带领人数", "备注", "证明材料"),
        [
            (
                ACHIEVEMENT_TYPES[a.type].name_zh if a.type in ACHIEVEMENT_TYPES else a.type,
                a.name, a.date, a.result, a.roi, a.team_size, a.notes,
                "、".join(name for _, name in a.evidence),
            )
            for a in archive.list_achievements(app, employee_id)
        ],
    )  # fmt: skip
    feedback = archive.list_feedback(app, employee_id)
    competencies = sorted({name for f in feedback for name in f.ratings})
    _sheet(
        wb,
        "评价反馈",
        ("日期", "评价人", "关系", "匿名", *competencies, "评语"),
        [
            (f.date, f.rater if not f.rater_hidden else "（匿名）", f.relation, _yes_no(f.anonymous),
             *(f.ratings.get(c) for c in competencies), f.comment)
            for f in feedback
        ],
    )  # fmt: skip
    _sheet(
        wb,
        "评估打分",
        ("评审周期", "部分", "项目", "分数", "评分人", "备注"),
        [
            (sc.period, EVALUATION_PARTS[sc.part].name_zh if sc.part in EVALUATION_PARTS else sc.part,
             sc.item, sc.score, sc.rater, sc.note)
            for sc in archive.list_scores(app, employee_id)
        ],
    )  # fmt: skip
    files = archive.list_attachments(app, employee_id)
    _sheet(
        wb,
        "附件清单",
        ("文件名", "大小(字节)", "关联", "上传时间"),
        [
            (a.filename, a.size, a.ref_kind or "", a.created_at.astimezone().strftime("%Y-%m-%d %H:%M") if a.created_at else "")
            for a in files
        ],
    )  # fmt: skip
    out = Path(out)
    save_workbook(wb, out)
    zip_path = None
    if files:
        zip_path = out.with_name(f"{out.stem}_附件.zip")
        used: set[str] = set()
        with app.read() as s:
            members = [
                (_unique(attachment.filename, used), attachment.data)
                for attachment in (s.get(Attachment, row.id) for row in files)
                if attachment is not None
            ]
        write_zip_atomic(zip_path, members)
    with app.uow() as uow:
        uow.audit(
            "employee.export",
            "employee",
            employee_id,
            after={"file": out.name, "attachments": len(files)},
        )
        uow.commit()
    return ExportResult(out, zip_path, len(files))


def _unique(name: str, used: set[str]) -> str:
    candidate, n = name, 1
    stem, dot, suffix = name.rpartition(".")
    while candidate in used:
        n += 1
        candidate = f"{stem}({n}).{suffix}" if dot else f"{name}({n})"
    used.add(candidate)
    return candidate


def roster_rows(app: AppSession, employee_ids: Sequence[int] | None = None) -> list[list[Any]]:
    """The roster in the import template's column order (personal data masked per permission).

    With ``employee_ids`` only those employees, in that order (the list as the user sorted it);
    ids the user may not see are left out, as they are from the whole roster.
    """
    personal = employees.may_see_personal_data(app.actor)
    with app.read() as s:
        scope = employees.visible_ids(s, app.actor)
        query = select(Employee).order_by(Employee.no)
        if scope is not None:
            query = query.where(Employee.id.in_(scope))
        people = list(s.scalars(query).all())
        if employee_ids is not None:
            by_id = {e.id: e for e in people}
            people = [by_id[i] for i in dict.fromkeys(employee_ids) if i in by_id]
        nos = {e.id: e.no for e in people}
        nos.update(dict(s.execute(select(Employee.id, Employee.no)).all()))
        levels = {lv.id: lv for lv in s.scalars(select(Level))}
        rows = []
        for e in people:
            level = levels.get(e.level_id or 0)
            track_name = level.track.name if level is not None else ""
            rows.append(
                [
                    e.no, e.name, e.gender or "",
                    (e.phone or "") if personal else identity.mask_phone(e.phone),
                    (e.id_number or "") if personal else identity.mask_id_number(e.id_number),
                    e.hire_date, e.leave_date, e.department or "", track_name,
                    level.title if level is not None else "",
                    nos.get(e.supervisor_id or 0, ""),
                    e.salary if personal else None,
                ]
            )  # fmt: skip
        return rows


def export_roster(app: AppSession, out: Path, employee_ids: Sequence[int] | None = None) -> int:
    """员工花名册 .xlsx in the import template's columns plus 状态; returns the number of employees.

    Everyone the user may see, or only ``employee_ids`` in their order (what the list shows).
    """
    require(app.actor, Perm.EXPORT_DATA)
    from openpyxl import Workbook

    headers = [f.header for f in TEMPLATES["roster"].columns]
    rows = roster_rows(app, employee_ids)
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    _sheet(
        wb,
        TEMPLATES["roster"].sheet,
        [*headers, "状态"],
        [[*r, "在职" if r[6] is None else "离职"] for r in rows],
    )
    ws = wb.worksheets[0]
    for column in ("A", "D", "E", "K"):  # 工号, 手机号, 身份证号, 上级工号 stay text
        for cell in ws[column][1:]:
            cell.number_format = "@"
    with app.uow() as uow:
        # audited first: an export the audit could not record (a full disk) is not left behind
        uow.audit(
            "employee.export_roster",
            "employee",
            None,
            after={"file": Path(out).name, "rows": len(rows)},
        )
        uow.session.flush()
        save_workbook(wb, Path(out))
        try:
            uow.commit()
        except BaseException:
            Path(out).unlink(missing_ok=True)
            raise
    return len(rows)
