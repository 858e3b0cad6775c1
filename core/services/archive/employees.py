"""Employee profiles: list, read, create, edit, departure and anonymisation, each one audited transaction.

Who sees whom is decided here, not in the GUI: owner and HR see everyone, a supervisor sees their
own record and everyone whose supervisor chain leads to them. ID numbers, phones and salaries are
masked/hidden for roles without ``Perm.VIEW_PERSONAL_DATA``. Audit snapshots never hold personal
identifiers in clear, so anonymising an employee leaves no copy of them behind in the log.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from core.domain import identity
from core.domain.pinyin import initials
from core.errors import NotFound, PermissionDenied, ValidationError
from core.i18n import Message
from core.model import (
    Attachment,
    Employee,
    Feedback,
    GradeChange,
    Level,
    StoreOwnership,
    Track,
)
from core.permissions import HasRole, Perm, can, require
from core.session import Actor, AppSession, UnitOfWork

GENDERS = ("男", "女")
MAX_SALARY = 10_000_000
# System reasons of a GradeChange; the timeline renders them as archive.grade_reason.<code>.
REASON_HIRE = "hire"
REASON_EDIT = "edit"
REASON_IMPORT = "import"
SYSTEM_REASONS = (REASON_HIRE, REASON_EDIT, REASON_IMPORT)


@dataclass(frozen=True)
class EmployeeRow:
    """One line of the 员工档案 list: no personal identifiers, only what the list shows and filters on."""

    id: int
    no: str
    name: str
    initials: str
    track_id: int | None
    track: str
    level_id: int | None
    level: str
    level_rank: int
    department: str
    supervisor_id: int | None
    supervisor: str
    hire_date: date | None
    leave_date: date | None
    anonymised: bool = False

    @property
    def active(self) -> bool:
        return self.leave_date is None


@dataclass
class EmployeeInput:
    """What the form (or an import row) says an employee should look like."""

    no: str = ""
    name: str = ""
    gender: str | None = None
    phone: str | None = None
    id_number: str | None = None
    hire_date: date | None = None
    leave_date: date | None = None
    leave_reason: str | None = None
    department: str | None = None
    track_id: int | None = None
    level_id: int | None = None
    supervisor_id: int | None = None
    salary: int | None = None
    notes: str = ""
    # when a level or salary change takes effect, and why (blank: today, an edit)
    change_date: date | None = None
    change_reason: str = ""


@dataclass(frozen=True)
class EmployeeDetail:
    """An employee as the form shows them; personal fields are masked unless the actor may see them."""

    id: int
    no: str
    name: str
    gender: str | None
    phone: str | None
    id_number: str | None
    hire_date: date | None
    leave_date: date | None
    leave_reason: str | None
    department: str | None
    track_id: int | None
    track: str
    level_id: int | None
    level: str
    level_since: date | None
    supervisor_id: int | None
    supervisor: str
    salary: int | None
    notes: str
    anonymised: bool
    personal_visible: bool

    @property
    def active(self) -> bool:
        return self.leave_date is None

    def as_input(self) -> EmployeeInput:
        return EmployeeInput(
            no=self.no,
            name=self.name,
            gender=self.gender,
            phone=self.phone,
            id_number=self.id_number,
            hire_date=self.hire_date,
            leave_date=self.leave_date,
            leave_reason=self.leave_reason,
            department=self.department,
            track_id=self.track_id,
            level_id=self.level_id,
            supervisor_id=self.supervisor_id,
            salary=self.salary,
            notes=self.notes,
        )


@dataclass(frozen=True)
class FieldIssue:
    """A problem with one form field (``field`` is an EmployeeInput attribute name)."""

    field: str
    message: Message


class EmployeeInvalid(ValidationError):
    """Every problem found in an employee's data; the code and params are those of the first."""

    def __init__(self, issues: list[FieldIssue]) -> None:
        first = issues[0]
        super().__init__(first.message.code, field=first.field, **first.message.params)
        self.issues = issues


@dataclass(frozen=True)
class LevelChoice:
    id: int
    title: str
    rank: int


@dataclass(frozen=True)
class TrackChoice:
    id: int
    name: str
    levels: tuple[LevelChoice, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class PersonChoice:
    id: int
    no: str
    name: str
    active: bool


# --- who may see whom -------------------------------------------------------------------------


def visible_ids(session: Session, actor: Actor) -> set[int] | None:
    """The employee ids ``actor`` may see, or None for everyone."""
    if can(actor, Perm.VIEW_ALL_EMPLOYEES):
        return None
    if actor.employee_id is None:
        return set()
    children: dict[int, list[int]] = defaultdict(list)
    for emp_id, sup_id in session.execute(select(Employee.id, Employee.supervisor_id)):
        if sup_id is not None:
            children[sup_id].append(emp_id)
    team = {actor.employee_id}
    todo = [actor.employee_id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in team:
                team.add(child)
                todo.append(child)
    return team


def review_scope(session: Session, actor: Actor) -> set[int] | None:
    """The employees whose promotion reviews (cases, candidacies, scores, the 9宫格) ``actor`` may
    see, or None for everyone: a supervisor's team without the supervisor. She reviews her team;
    her own case is reviewed by others, and its scores and comments are not hers to read before it
    is announced."""
    return without_self(visible_ids(session, actor), actor)


def without_self(scope: set[int] | None, actor: Actor) -> set[int] | None:
    """``review_scope`` from a ``visible_ids`` already read."""
    if scope is not None and actor.employee_id is not None:
        return scope - {actor.employee_id}
    return scope


def ensure_reviewable(session: Session, actor: Actor, employee_id: int) -> None:
    """Refuse, as ``ensure_visible`` does, a promotion review ``actor`` may not see."""
    if session.get(Employee, employee_id) is None:
        raise NotFound("archive.employee.not_found", id=employee_id)
    scope = review_scope(session, actor)
    if scope is not None and employee_id not in scope:
        raise PermissionDenied(
            login=actor.login, role=actor.role, perm=Perm.VIEW_ALL_EMPLOYEES.value
        )


def ensure_visible(session: Session, actor: Actor, employee_id: int) -> Employee:
    """The employee, if it exists and ``actor`` may see it (a supervisor: only their own team)."""
    emp = session.get(Employee, employee_id)
    if emp is None:
        raise NotFound("archive.employee.not_found", id=employee_id)
    scope = visible_ids(session, actor)
    if scope is not None and employee_id not in scope:
        raise PermissionDenied(
            login=actor.login, role=actor.role, perm=Perm.VIEW_ALL_EMPLOYEES.value
        )
    return emp


def may_see_personal_data(actor: HasRole) -> bool:
    return can(actor, Perm.VIEW_PERSONAL_DATA)


# --- reading ----------------------------------------------------------------------------------


def list_employees(app: AppSession) -> list[EmployeeRow]:
    """Everyone the actor may see, ordered by 工号 (one query; 5,000 rows load in well under a second)."""
    boss = aliased(Employee)
    with app.read() as s:
        scope = visible_ids(s, app.actor)
        query = (
            select(
                Employee.id,
                Employee.no,
                Employee.name,
                Employee.track_id,
                Track.name,
                Employee.level_id,
                Level.title,
                Level.rank,
                Employee.department,
                Employee.supervisor_id,
                boss.name,
                Employee.hire_date,
                Employee.leave_date,
                Employee.anonymised,
            )
            .outerjoin(Level, Level.id == Employee.level_id)
            .outerjoin(Track, Track.id == Employee.track_id)
            .outerjoin(boss, boss.id == Employee.supervisor_id)
            .order_by(Employee.no)
        )
        if scope is not None:
            query = query.where(Employee.id.in_(scope))
        return [
            EmployeeRow(
                id=r[0],
                no=r[1],
                name=r[2],
                initials=initials(r[2]),
                track_id=r[3],
                track=r[4] or "",
                level_id=r[5],
                level=r[6] or "",
                level_rank=r[7] or 0,
                department=r[8] or "",
                supervisor_id=r[9],
                supervisor=r[10] or "",
                hire_date=r[11],
                leave_date=r[12],
                anonymised=bool(r[13]),
            )
            for r in s.execute(query)
        ]


def _detail(s: Session, emp: Employee, actor: Actor) -> EmployeeDetail:
    personal = may_see_personal_data(actor)
    level = s.get(Level, emp.level_id) if emp.level_id else None
    track = s.get(Track, emp.track_id) if emp.track_id else None
    boss = s.get(Employee, emp.supervisor_id) if emp.supervisor_id else None
    return EmployeeDetail(
        id=emp.id,
        no=emp.no,
        name=emp.name,
        gender=emp.gender,
        phone=emp.phone if personal else (identity.mask_phone(emp.phone) or None),
        id_number=emp.id_number if personal else (identity.mask_id_number(emp.id_number) or None),
        hire_date=emp.hire_date,
        leave_date=emp.leave_date,
        leave_reason=emp.leave_reason,
        department=emp.department,
        track_id=emp.track_id,
        track=track.name if track else "",
        level_id=emp.level_id,
        level=level.title if level else "",
        level_since=emp.level_since,
        supervisor_id=emp.supervisor_id,
        supervisor=boss.name if boss else "",
        salary=emp.salary if personal else None,
        notes=emp.notes,
        anonymised=emp.anonymised,
        personal_visible=personal,
    )


def get_employee(app: AppSession, employee_id: int) -> EmployeeDetail:
    with app.read() as s:
        return _detail(s, ensure_visible(s, app.actor, employee_id), app.actor)


_NUMBERED = re.compile(r"^(.*?)(\d+)$")


def next_no(app: AppSession) -> str | None:
    """The number after the company's highest, for a new employee: "E016" gives "E017" (the
    prefix and the zero-padding kept; where numbers differ in prefix, the most used one); None
    when no number ends in digits. Departed and anonymised people count too: a number is
    never given twice."""
    require(app.actor, Perm.EDIT_EMPLOYEES)
    with app.read() as s:
        numbers = s.scalars(select(Employee.no)).all()
    found: dict[str, tuple[int, int, int]] = {}  # prefix → (how many, highest, digits)
    for no in numbers:
        match = _NUMBERED.match(no or "")
        if match is None:
            continue
        prefix, digits = match.groups()
        count, highest, width = found.get(prefix, (0, -1, 0))
        found[prefix] = (count + 1, max(highest, int(digits)), max(width, len(digits)))
    if not found:
        return None
    prefix, (_count, highest, width) = max(found.items(), key=lambda item: item[1][0])
    return f"{prefix}{highest + 1:0{width}d}"


def find_by_no(session: Session, no: str) -> Employee | None:
    """The employee with 工号 ``no`` (case and surrounding blanks ignored)."""
    wanted = no.strip()
    if not wanted:
        return None
    return session.scalar(select(Employee).where(func.upper(Employee.no) == wanted.upper()))


def ladder_choices(app: AppSession) -> list[TrackChoice]:
    """Tracks (not archived) with their levels bottom-up, for the form's 通道/职级 boxes."""
    with app.read() as s:
        tracks = s.scalars(
            select(Track).where(Track.archived.is_(False)).order_by(Track.sort_order, Track.id)
        ).all()
        return [
            TrackChoice(
                t.id, t.name, tuple(LevelChoice(lv.id, lv.title, lv.rank) for lv in t.levels)
            )
            for t in tracks
        ]


def supervisor_choices(app: AppSession, keep: int | None = None) -> list[PersonChoice]:
    """Employees who can be picked as 直属上级 (active first), among those the actor may see,
    and ``keep`` (the one already set) even when outside them: 李娜's own form showed her
    直属上级 blank, 王芳 not being on her team, while her list row named 王芳."""
    found = [
        PersonChoice(r.id, r.no, r.name, r.active)
        for r in sorted(list_employees(app), key=lambda r: (not r.active, r.no))
        if not r.anonymised
    ]
    if keep is not None and all(p.id != keep for p in found):
        with app.read() as s:
            boss = s.get(Employee, keep)
            if boss is not None:
                found.append(PersonChoice(boss.id, boss.no, boss.name, boss.leave_date is None))
    return found


def departments(app: AppSession) -> list[str]:
    with app.read() as s:
        found = s.scalars(
            select(Employee.department).where(Employee.department.is_not(None)).distinct()
        ).all()
        return sorted(d for d in found if d)


# --- validation -------------------------------------------------------------------------------


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    stripped = text.strip()
    return stripped or None


def normalise(data: EmployeeInput) -> EmployeeInput:
    """Trimmed text, ID number and phone in their stored forms, blanks as None."""
    phone = _clean(data.phone)
    id_number = _clean(data.id_number)
    return replace(
        data,
        no=(data.no or "").strip(),
        name=(data.name or "").strip(),
        gender=_clean(data.gender),
        phone=identity.normalise_phone(phone) if phone else None,
        id_number=identity.normalise_id_number(id_number) if id_number else None,
        leave_reason=_clean(data.leave_reason),
        department=_clean(data.department),
        notes=(data.notes or "").strip(),
        change_reason=(data.change_reason or "").strip(),
    )


def supervisor_loop(
    supervisors: Mapping[int, int | None], employee_id: int, supervisor_id: int
) -> bool:
    """True when making ``supervisor_id`` the boss of ``employee_id`` would close a circle."""
    seen: set[int] = set()
    current: int | None = supervisor_id
    while current is not None and current not in seen:
        if current == employee_id:
            return True
        seen.add(current)
        current = supervisors.get(current)
    return False


def check_employee(
    session: Session,
    data: EmployeeInput,
    employee_id: int | None = None,
    *,
    strict_id_checksum: bool = True,
    today: date | None = None,
) -> list[FieldIssue]:
    """Every problem with ``data`` (already normalised), per field; empty when it may be saved."""
    issues: list[FieldIssue] = []

    def bad(field_name: str, code: str, **params: Any) -> None:
        issues.append(FieldIssue(field_name, Message(code, params)))

    current = session.get(Employee, employee_id) if employee_id is not None else None
    if not data.no:
        bad("no", "archive.no.required")
    elif len(data.no) > 32:
        bad("no", "archive.no.too_long", no=data.no)
    else:
        other = find_by_no(session, data.no)
        if other is not None and other.id != employee_id:
            bad("no", "archive.no.duplicate", no=data.no, name=other.name)
    if not data.name:
        bad("name", "archive.name.required")
    elif len(data.name) > 64:
        bad("name", "archive.name.too_long")
    if data.gender is not None and data.gender not in GENDERS:
        bad("gender", "archive.gender.invalid", text=data.gender)
    if data.phone and not (current is not None and current.phone == data.phone):
        problem = identity.phone_problem(data.phone)
        if problem is not None:
            issues.append(FieldIssue("phone", problem))
    if data.id_number and not (current is not None and current.id_number == data.id_number):
        problem = identity.id_number_problem(data.id_number, today)
        if problem is not None and (
            strict_id_checksum or not identity.is_checksum_problem(problem)
        ):
            issues.append(FieldIssue("id_number", problem))
        twin = session.scalar(select(Employee).where(Employee.id_number == data.id_number).limit(1))
        if twin is not None and twin.id != employee_id:
            bad("id_number", "archive.id_number.duplicate", no=twin.no, name=twin.name)
    if data.hire_date is None:
        bad("hire_date", "archive.hire_date.required")
    if (
        data.leave_date is not None
        and data.hire_date is not None
        and data.leave_date < data.hire_date
    ):
        bad(
            "leave_date",
            "archive.leave_date.before_hire",
            leave=data.leave_date.isoformat(),
            hire=data.hire_date.isoformat(),
        )
    if data.level_id is not None:
        level = session.get(Level, data.level_id)
        if level is None:
            bad("level_id", "archive.level.unknown", id=data.level_id)
        elif data.track_id is not None and level.track_id != data.track_id:
            track = session.get(Track, data.track_id)
            bad(
                "level_id",
                "archive.level.other_track",
                level=level.title,
                track=track.name if track else "",
            )
    if data.track_id is not None and session.get(Track, data.track_id) is None:
        bad("track_id", "archive.track.unknown", id=data.track_id)
    if data.supervisor_id is not None:
        if employee_id is not None and data.supervisor_id == employee_id:
            bad("supervisor_id", "archive.supervisor.self")
        else:
            boss = session.get(Employee, data.supervisor_id)
            if boss is None:
                bad("supervisor_id", "archive.supervisor.unknown", id=data.supervisor_id)
            elif employee_id is not None:
                chain = dict(session.execute(select(Employee.id, Employee.supervisor_id)).all())
                if supervisor_loop(chain, employee_id, data.supervisor_id):
                    bad("supervisor_id", "archive.supervisor.loop", name=boss.name, no=boss.no)
            unchanged = current is not None and current.supervisor_id == data.supervisor_id
            # a boss who left later does not block other edits of their former team member
            if (
                boss is not None
                and boss.leave_date is not None
                and data.leave_date is None
                and not unchanged
            ):
                bad("supervisor_id", "archive.supervisor.departed", name=boss.name)
    if data.salary is not None and not 0 <= data.salary <= MAX_SALARY:
        bad("salary", "archive.salary.out_of_range", salary=data.salary)
    return issues


# --- writing ----------------------------------------------------------------------------------


def snapshot(emp: Employee) -> dict[str, Any]:
    """What the audit log keeps of an employee: personal identifiers only in masked form."""
    return {
        "no": emp.no,
        "name": emp.name,
        "gender": emp.gender,
        "phone": identity.mask_phone(emp.phone) or None,
        "id_number": identity.mask_id_number(emp.id_number) or None,
        "hire_date": emp.hire_date,
        "leave_date": emp.leave_date,
        "leave_reason": emp.leave_reason,
        "department": emp.department,
        "track_id": emp.track_id,
        "level_id": emp.level_id,
        "level_since": emp.level_since,
        "supervisor_id": emp.supervisor_id,
        "salary": emp.salary,
    }


def _changed(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


_EDITABLE = (
    "no",
    "name",
    "gender",
    "phone",
    "id_number",
    "hire_date",
    "leave_date",
    "leave_reason",
    "department",
    "track_id",
    "level_id",
    "supervisor_id",
    "salary",
    "notes",
)


def _with_track(session: Session, data: EmployeeInput) -> EmployeeInput:
    """A level implies its track, so the form may pick only a level."""
    if data.level_id is not None and data.track_id is None:
        level = session.get(Level, data.level_id)
        if level is not None:
            return replace(data, track_id=level.track_id)
    return data


def _keep_masked(current: Employee | None, data: EmployeeInput) -> EmployeeInput:
    """A masked value handed back unchanged by a form means 'keep what is stored'."""
    if current is None:
        return data
    if data.phone and "*" in data.phone:
        data = replace(data, phone=current.phone)
    if data.id_number and "*" in data.id_number:
        data = replace(data, id_number=current.id_number)
    return data


def apply_input(
    uow: UnitOfWork,
    data: EmployeeInput,
    employee_id: int | None = None,
    *,
    reason: str = REASON_EDIT,
    strict_id_checksum: bool = True,
    today: date | None = None,
) -> Employee:
    """Validate and write ``data`` inside ``uow`` (no commit): new employee or changes, grade history, audit.

    Shared by the form (through create/update_employee) and the roster import.
    """
    s = uow.session
    current = s.get(Employee, employee_id) if employee_id is not None else None
    if employee_id is not None and current is None:
        raise NotFound("archive.employee.not_found", id=employee_id)
    data = _with_track(s, normalise(_keep_masked(current, data)))
    issues = check_employee(
        s, data, employee_id, strict_id_checksum=strict_id_checksum, today=today
    )
    if issues:
        raise EmployeeInvalid(issues)
    effective = data.change_date or today or date.today()
    change_reason = data.change_reason or reason
    if current is None:
        emp = Employee(no=data.no, name=data.name)
        for name in _EDITABLE:
            setattr(emp, name, getattr(data, name))
        emp.level_since = data.change_date or data.hire_date if data.level_id else None
        s.add(emp)
        s.flush()
        if data.level_id is not None or data.salary is not None:
            s.add(
                GradeChange(
                    employee_id=emp.id,
                    effective_date=data.hire_date or effective,
                    to_level_id=data.level_id,
                    salary_after=data.salary,
                    reason=REASON_HIRE,
                )
            )
        uow.audit("employee.create", "employee", emp.id, after=snapshot(emp))
        return emp
    before = snapshot(current)
    old_level, old_salary = current.level_id, current.salary
    for name in _EDITABLE:
        setattr(current, name, getattr(data, name))
    if current.level_id != old_level:
        current.level_since = effective if current.level_id is not None else None
    if current.level_id != old_level or current.salary != old_salary:
        s.add(
            GradeChange(
                employee_id=current.id,
                effective_date=effective,
                from_level_id=old_level,
                to_level_id=current.level_id,
                salary_before=old_salary,
                salary_after=current.salary,
                reason=change_reason,
            )
        )
    old, new = _changed(before, snapshot(current))
    if old or new:
        uow.audit("employee.update", "employee", current.id, before=old, after=new)
    return current


def create_employee(app: AppSession, data: EmployeeInput) -> int:
    require(app.actor, Perm.EDIT_EMPLOYEES)
    with app.uow() as uow:
        emp = apply_input(uow, data)
        uow.commit()
        return emp.id


def update_employee(app: AppSession, employee_id: int, data: EmployeeInput) -> None:
    require(app.actor, Perm.EDIT_EMPLOYEES)
    with app.uow() as uow:
        ensure_visible(uow.session, app.actor, employee_id)
        apply_input(uow, data, employee_id)
        uow.commit()


def validate(
    app: AppSession, data: EmployeeInput, employee_id: int | None = None
) -> list[FieldIssue]:
    """The form's live check: the same rules saving applies, without writing anything."""
    with app.read() as s:
        current = s.get(Employee, employee_id) if employee_id is not None else None
        clean = _with_track(s, normalise(_keep_masked(current, data)))
        return check_employee(s, clean, employee_id)


def mark_departed(app: AppSession, employee_id: int, leave_date: date, reason: str = "") -> None:
    """离职: the record and its history stay; store periods still open end with the leaving month."""
    require(app.actor, Perm.EDIT_EMPLOYEES)
    with app.uow() as uow:
        s = uow.session
        emp = ensure_visible(s, app.actor, employee_id)
        if emp.hire_date is not None and leave_date < emp.hire_date:
            raise ValidationError(
                "archive.leave_date.before_hire",
                field="leave_date",
                leave=leave_date.isoformat(),
                hire=emp.hire_date.isoformat(),
            )
        before = {"leave_date": emp.leave_date, "leave_reason": emp.leave_reason}
        emp.leave_date, emp.leave_reason = leave_date, (reason.strip() or None)
        leaving_month = f"{leave_date.year:04d}-{leave_date.month:02d}"
        closed = []
        for own in s.scalars(
            select(StoreOwnership).where(
                StoreOwnership.employee_id == emp.id, StoreOwnership.end_month.is_(None)
            )
        ):
            if own.start_month <= leaving_month:
                own.end_month = leaving_month
                closed.append(own.id)
        uow.audit(
            "employee.depart",
            "employee",
            emp.id,
            before=before,
            after={
                "leave_date": leave_date,
                "leave_reason": emp.leave_reason,
                "closed_store_periods": closed,
            },
        )
        uow.commit()


def reinstate(app: AppSession, employee_id: int) -> None:
    """Undo a departure recorded by mistake (store periods closed then stay closed)."""
    require(app.actor, Perm.EDIT_EMPLOYEES)
    with app.uow() as uow:
        emp = ensure_visible(uow.session, app.actor, employee_id)
        if emp.anonymised:
            raise ValidationError("archive.anonymise.already")
        before = {"leave_date": emp.leave_date, "leave_reason": emp.leave_reason}
        emp.leave_date, emp.leave_reason = None, None
        uow.audit("employee.reinstate", "employee", emp.id, before=before, after={})
        uow.commit()


def anonymise(app: AppSession, employee_id: int) -> None:
    """PIPL/GDPR erasure of a departed employee: personal fields and files go, the numbers stay.

    Kept: 工号, dates, level and salary history, stores run, training and achievement figures,
    scores (they carry the company's statistics). Removed: name, gender, phone, ID number,
    notes, leave reason, attachments, feedback comments about them, their name as a rater.
    """
    require(app.actor, Perm.ANONYMISE)
    with app.uow() as uow:
        s = uow.session
        emp = ensure_visible(s, app.actor, employee_id)
        if emp.leave_date is None:
            raise ValidationError("archive.anonymise.active", name=emp.name)
        if emp.anonymised:
            raise ValidationError("archive.anonymise.already")
        emp.name = f"#{emp.no}"
        emp.gender = emp.phone = emp.id_number = emp.leave_reason = None
        emp.notes = ""
        emp.anonymised = True
        files = s.scalars(select(Attachment).where(Attachment.employee_id == emp.id)).all()
        for attachment in files:
            s.delete(attachment)
        for fb in s.scalars(select(Feedback).where(Feedback.employee_id == emp.id)):
            fb.comment = ""
        for fb in s.scalars(select(Feedback).where(Feedback.rater_employee_id == emp.id)):
            fb.rater_name = emp.name
        uow.audit(
            "employee.anonymise",
            "employee",
            emp.id,
            after={"no": emp.no, "attachments_removed": len(files)},
        )
        uow.commit()
