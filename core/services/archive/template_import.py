"""Applying parsed rows of Tidui's own templates (roster, store owners, training, achievements, scores,
metric values).

The import engine reads and maps a file; these functions take its rows — mappings of field key
(see core/services/imports/templates.py; the canonical Chinese header or a synonym works too) to a
value, already typed or still text — validate them, write what is valid inside the caller's unit
of work, and return one RowProblem per problem. A row with an error is skipped as a whole; a
warning keeps the row (e.g. an ID number whose check digit is wrong is kept, as HR must see it).
Row numbers are those a user sees in Excel: the row's ``"_row"`` value, else position + 2.

Everything a batch wrote can be taken back by ``undo_archive_batch``; what a roster import
overwrote is kept in ``ImportBatch.undo_data``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.domain import explain as ex
from core.domain import identity
from core.domain import months as mo
from core.domain.metrics import achievement_type_code
from core.errors import TiduiError, ValidationError
from core.i18n import Message
from core.importers import values as cell
from core.importers.problems import RowProblem
from core.importers.templates import TEMPLATES, field_for_header
from core.model import (
    Achievement,
    Employee,
    GradeChange,
    ImportBatch,
    Level,
    ManualMetricValue,
    ScoreEntry,
    Store,
    StoreOwnership,
    Track,
    TrainingRecord,
    referring_columns,
)
from core.permissions import Perm, require
from core.services.archive import employees as emps
from core.services.archive import records as archive
from core.services.archive import stores
from core.session import UnitOfWork

ROW_KEY = "_row"


def rows_with_errors(issues: Iterable[RowProblem]) -> set[int]:
    """Row numbers that were skipped (the import counts them as not imported)."""
    return {i.row for i in issues if i.severity == "error"}


class _Bad(Exception):
    """A value that cannot be used: carries the Message for the cell."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.code)
        self.message = message


# --- reading one row --------------------------------------------------------------------------


class _Row:
    """One row's values by field key, whatever the caller used as keys."""

    def __init__(self, kind: str, number: int, values: Mapping[str, Any]) -> None:
        self.kind = kind
        self.row_no = number
        self.values: dict[str, Any] = {}
        for key, value in values.items():
            if key == ROW_KEY:
                continue
            field_key = field_for_header(kind, str(key))
            if field_key is not None and field_key not in self.values:
                self.values[field_key] = value
        self.issues: list[RowProblem] = []

    def header(self, key: str) -> str:
        return TEMPLATES[self.kind].field(key).header

    def error(self, key: str | None, message: Message) -> None:
        self.issues.append(
            RowProblem(self.row_no, self.header(key) if key else None, message, "error")
        )

    def warn(self, key: str | None, message: Message) -> None:
        self.issues.append(
            RowProblem(self.row_no, self.header(key) if key else None, message, "warning")
        )

    @property
    def ok(self) -> bool:
        return not any(i.severity == "error" for i in self.issues)

    def raw(self, key: str) -> Any:
        value = self.values.get(key)
        return None if _missing(value) else value

    def _get(self, key: str, parse: Callable[[Any], Any], required: bool) -> Any:
        value = self.raw(key)
        if value is None:
            if required:
                self.error(key, Message("archive.import.required", {"column": self.header(key)}))
            return None
        try:
            return parse(value)
        except _Bad as bad:
            self.error(key, bad.message)
            return None

    def text(self, key: str, required: bool = False) -> str | None:
        return self._get(key, _text, required)

    def day(self, key: str, required: bool = False) -> date | None:
        return self._get(key, _date, required)

    def month(self, key: str, required: bool = False) -> str | None:
        return self._get(key, _month, required)

    def number(self, key: str, required: bool = False) -> float | None:
        return self._get(key, _number, required)

    def integer(self, key: str, required: bool = False) -> int | None:
        return self._get(key, _integer, required)

    def flag(self, key: str, required: bool = False) -> bool | None:
        return self._get(key, _bool, required)


# Cell values are read with the import engine's parsers (core.importers.values), the one
# definition of what "2024/3/1", "45300", "1,234", "2:1" or "是" in a spreadsheet means; only
# the messages are the archive's own.


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        text = cell.unwrap(value)
        return not text or text in cell.MISSING_MARKERS
    try:
        return bool(value != value)  # NaN, NaT
    except (TypeError, ValueError):
        return True  # pandas.NA


def _shown(value: Any) -> str:
    """The cell as the user wrote it, for messages."""
    return cell.unwrap(cell.cell_text(value))


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return cell.parse_text(value).value or ""


def _date(value: Any) -> date:
    parsed = cell.parse_date(value)
    if parsed.value is None:
        raise _Bad(Message("archive.import.bad_date", {"text": _shown(value)}))
    return parsed.value


def _month(value: Any) -> str:
    parsed = cell.parse_month(value)
    if parsed.value is None:
        raise _Bad(Message("archive.import.bad_month", {"text": _shown(value)}))
    return parsed.value


def _number(value: Any) -> float:
    parsed = None if isinstance(value, bool) else cell.parse_ratio(value)  # ROI 2.6:1 too
    if parsed is None or parsed.value is None:
        raise _Bad(Message("archive.import.bad_number", {"text": _shown(value)}))
    return parsed.value


def _integer(value: Any) -> int:
    number = _number(value)
    if not number.is_integer():
        raise _Bad(Message("archive.import.bad_integer", {"text": _shown(value)}))
    return int(number)


def _bool(value: Any) -> bool:
    parsed = cell.parse_bool(value)
    if parsed.value is None:
        raise _Bad(Message("archive.import.bad_yes_no", {"text": _shown(value)}))
    return parsed.value


def _rows(kind: str, rows: Sequence[Mapping[str, Any]]) -> list[_Row]:
    result = []
    for position, values in enumerate(rows):
        number = values.get(ROW_KEY)
        result.append(_Row(kind, int(number) if number is not None else position + 2, values))
    return result


def _employees_by_no(session: Session) -> dict[str, Employee]:
    return {e.no.strip().upper(): e for e in session.scalars(select(Employee))}


def _employee(row: _Row, by_no: Mapping[str, Employee]) -> Employee | None:
    no = row.text("no", required=True)
    if no is None:
        return None
    found = by_no.get(no.upper())
    if found is None:
        row.error("no", Message("archive.import.unknown_employee", {"no": no}))
    return found


def _batch_undo(session: Session, batch_id: int | None, key: str, data: dict[str, Any]) -> None:
    if batch_id is None:
        return
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        return
    merged = dict(batch.undo_data or {})
    merged[key] = data
    batch.undo_data = merged  # a new dict, so SQLAlchemy sees the JSON column change


# --- roster -----------------------------------------------------------------------------------

_FIELD_COLUMN = {
    "no": "no",
    "name": "name",
    "gender": "gender",
    "phone": "phone",
    "id_number": "id_number",
    "hire_date": "hire_date",
    "leave_date": "leave_date",
    "leave_reason": "leave_reason",
    "department": "department",
    "track_id": "track",
    "level_id": "level",
    "supervisor_id": "supervisor_no",
    "salary": "salary",
}
_GENDER_WORDS = {
    "男": "男",
    "女": "女",
    "m": "男",
    "f": "女",
    "male": "男",
    "female": "女",
    "男性": "男",
    "女性": "女",
}


@dataclass
class _RosterRow:
    row: _Row
    no: str
    data: emps.EmployeeInput
    supervisor_no: str | None
    current: Employee | None


def _resolve_level(
    row: _Row, session: Session, tracks: Mapping[str, Track], levels: Sequence[Level]
) -> tuple[int | None, int | None]:
    track_name, level_title = row.text("track"), row.text("level")
    track = None
    if track_name is not None:
        track = tracks.get(track_name)
        if track is None:
            row.error("track", Message("archive.import.unknown_track", {"track": track_name}))
            return None, None
    if level_title is None:
        return (track.id if track else None), None
    candidates = [
        lv
        for lv in levels
        if lv.title == level_title and (track is None or lv.track_id == track.id)
    ]
    if not candidates:
        if track is not None:
            row.error(
                "level",
                Message(
                    "archive.import.unknown_level_in_track",
                    {"level": level_title, "track": track.name},
                ),
            )
        else:
            row.error("level", Message("archive.import.unknown_level", {"level": level_title}))
        return None, None
    if len(candidates) > 1:
        row.error("level", Message("archive.import.ambiguous_level", {"level": level_title}))
        return None, None
    return candidates[0].track_id, candidates[0].id


def apply_roster(
    uow: UnitOfWork, rows: Sequence[Mapping[str, Any]], batch_id: int | None = None
) -> list[RowProblem]:
    """员工花名册: new 工号 become employees, known ones are updated (empty cells keep what is stored).

    Supervisors may be rows further down the same file. A level or salary that differs from the
    stored one is recorded as a grade change effective today (reason: import).
    """
    require(uow.actor, Perm.IMPORT_DATA)
    s = uow.session
    by_no = _employees_by_no(s)
    tracks = {t.name: t for t in s.scalars(select(Track))}
    levels = list(s.scalars(select(Level)))
    parsed: list[_RosterRow] = []
    seen: dict[str, int] = {}
    all_rows = _rows("roster", rows)

    for row in all_rows:
        no = row.text("no", required=True)
        if no is None:
            continue
        if no.upper() in seen:
            row.error(
                "no", Message("archive.import.duplicate_no", {"no": no, "first": seen[no.upper()]})
            )
            continue
        seen[no.upper()] = row.row_no
        current = by_no.get(no.upper())
        base = emps.EmployeeInput() if current is None else _input_of(current)
        gender_text = row.text("gender")
        gender = None
        if gender_text is not None:
            gender = _GENDER_WORDS.get(gender_text.lower())
            if gender is None:
                row.error("gender", Message("archive.gender.invalid", {"text": gender_text}))
        track_id, level_id = _resolve_level(row, s, tracks, levels)
        data = replace(
            base,
            no=no,
            name=row.text("name", required=current is None) or base.name,
            gender=gender or base.gender,
            phone=row.text("phone") or base.phone,
            id_number=row.text("id_number") or base.id_number,
            hire_date=row.day("hire_date", required=current is None) or base.hire_date,
            leave_date=row.day("leave_date") or base.leave_date,
            leave_reason=row.text("leave_reason") or base.leave_reason,
            department=row.text("department") or base.department,
            track_id=track_id if track_id is not None else base.track_id,
            level_id=level_id if level_id is not None else base.level_id,
            salary=_salary(row, base.salary),
            change_date=row.day("level_since"),
            supervisor_id=current.supervisor_id if current is not None else None,
        )
        supervisor_no = row.text("supervisor_no")
        clean = emps._with_track(s, emps.normalise(data))
        bad_columns = {i.column for i in row.issues}
        for issue in emps.check_employee(
            s, clean, current.id if current else None, strict_id_checksum=False
        ):
            column = _FIELD_COLUMN.get(issue.field)
            # supervisors are checked below, against this file's rows too; a cell that could
            # not be read already has its message
            if issue.field != "supervisor_id" and row.header(column or "no") not in bad_columns:
                row.error(column, issue.message)
        if clean.id_number and (current is None or current.id_number != clean.id_number):
            problem = identity.id_number_problem(clean.id_number)
            if identity.is_checksum_problem(problem):
                assert problem is not None
                row.warn("id_number", Message("archive.import.id_checksum_kept", problem.params))
        if row.ok:
            parsed.append(_RosterRow(row, no, clean, supervisor_no, current))

    _check_supervisors(parsed, by_no, set(seen))

    created: list[int] = []
    updated: dict[str, dict[str, Any]] = {}
    grade_before = set(s.scalars(select(GradeChange.id)))
    ids: dict[str, int] = {no: e.id for no, e in by_no.items()}
    for item in parsed:
        if not item.row.ok:
            continue
        before = _raw_fields(item.current) if item.current is not None else None
        try:
            emp = emps.apply_input(
                uow,
                item.data,
                item.current.id if item.current else None,
                reason=emps.REASON_IMPORT,
                strict_id_checksum=False,
            )
        except emps.EmployeeInvalid as invalid:  # a rule not foreseen above: report, skip the row
            for issue in invalid.issues:
                item.row.error(_FIELD_COLUMN.get(issue.field), issue.message)
            continue
        ids[item.no.upper()] = emp.id
        if before is None:
            created.append(emp.id)
        else:
            updated[str(emp.id)] = before
    for item in parsed:
        if not item.row.ok or item.supervisor_no is None:
            continue
        emp_id = ids[item.no.upper()]
        boss_id = ids[item.supervisor_no.upper()]
        member = s.get(Employee, emp_id)
        assert member is not None
        if member.supervisor_id != boss_id:
            uow.audit(
                "employee.update",
                "employee",
                member.id,
                before={"supervisor_id": member.supervisor_id},
                after={"supervisor_id": boss_id},
            )
            member.supervisor_id = boss_id
    s.flush()
    new_grades = sorted(set(s.scalars(select(GradeChange.id))) - grade_before)
    _batch_undo(
        s, batch_id, "roster", {"created": created, "updated": updated, "grade_changes": new_grades}
    )
    return [i for r in all_rows for i in r.issues]


def _salary(row: _Row, current: int | None) -> int | None:
    value = row.number("salary")
    if value is None:
        return current
    return round(value)


def _input_of(emp: Employee) -> emps.EmployeeInput:
    return emps.EmployeeInput(
        no=emp.no,
        name=emp.name,
        gender=emp.gender,
        phone=emp.phone,
        id_number=emp.id_number,
        hire_date=emp.hire_date,
        leave_date=emp.leave_date,
        leave_reason=emp.leave_reason,
        department=emp.department,
        track_id=emp.track_id,
        level_id=emp.level_id,
        supervisor_id=emp.supervisor_id,
        salary=emp.salary,
        notes=emp.notes,
    )


_RAW_FIELDS = ("no", "name", "gender", "phone", "id_number", "hire_date", "leave_date", "leave_reason",
               "department", "track_id", "level_id", "level_since", "supervisor_id", "salary")  # fmt: skip


def _raw_fields(emp: Employee) -> dict[str, Any]:
    values = {name: getattr(emp, name) for name in _RAW_FIELDS}
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


def _check_supervisors(
    parsed: list[_RosterRow], by_no: Mapping[str, Employee], in_file: set[str]
) -> None:
    """Unknown supervisors, self-supervision and loops, over the database and the file together."""
    db_boss = {e.no.upper(): (by_no_id(by_no, e.supervisor_id)) for e in by_no.values()}
    changed = True
    while changed:
        changed = False
        valid = {p.no.upper(): p for p in parsed if p.row.ok}
        chain = dict(db_boss)
        for p in valid.values():
            chain[p.no.upper()] = (
                p.supervisor_no.upper() if p.supervisor_no else db_boss.get(p.no.upper())
            )
        for p in valid.values():
            if p.supervisor_no is None:
                continue
            boss = p.supervisor_no.upper()
            if boss == p.no.upper():
                p.row.error("supervisor_no", Message("archive.supervisor.self"))
            elif boss not in by_no and boss not in valid:
                code = (
                    "archive.import.supervisor_row_invalid"
                    if boss in in_file
                    else "archive.import.unknown_supervisor"
                )
                p.row.error("supervisor_no", Message(code, {"no": p.supervisor_no}))
            elif _loops(chain, p.no.upper()):
                p.row.error(
                    "supervisor_no",
                    Message("archive.import.supervisor_loop", {"no": p.supervisor_no}),
                )
            else:
                continue
            changed = True


def by_no_id(by_no: Mapping[str, Employee], employee_id: int | None) -> str | None:
    if employee_id is None:
        return None
    for no, e in by_no.items():
        if e.id == employee_id:
            return no
    return None


def _loops(chain: Mapping[str, str | None], start: str) -> bool:
    seen: set[str] = set()
    current = chain.get(start)
    while current is not None and current not in seen:
        if current == start:
            return True
        seen.add(current)
        current = chain.get(current)
    return False


# --- store owners -----------------------------------------------------------------------------


def apply_store_owners(
    uow: UnitOfWork, rows: Sequence[Mapping[str, Any]], batch_id: int | None = None
) -> list[RowProblem]:
    """店铺负责人: who runs which store or live account from which month; unknown stores are created."""
    require(uow.actor, Perm.IMPORT_DATA)
    s = uow.session
    by_no = _employees_by_no(s)
    all_rows = _rows("store-owners", rows)
    created_stores: list[int] = []
    for row in all_rows:
        name = row.text("store", required=True)
        platform_text = row.text("platform", required=True)
        emp = _employee(row, by_no)
        start = row.month("start_month", required=True)
        end = row.month("end_month")
        if not row.ok:
            continue
        assert (
            name is not None and platform_text is not None and emp is not None and start is not None
        )
        if end is not None and mo.index(end) < mo.index(start):
            row.error(
                "end_month", Message("archive.store.end_before_start", {"start": start, "end": end})
            )
            continue
        platform = stores.normalise_platform(platform_text)
        store = stores.find_store(s, name, platform)
        if store is not None:
            duplicate = s.scalar(
                select(StoreOwnership.id).where(
                    StoreOwnership.store_id == store.id,
                    StoreOwnership.employee_id == emp.id,
                    StoreOwnership.start_month == start,
                    StoreOwnership.end_month.is_(None)
                    if end is None
                    else StoreOwnership.end_month == end,
                )
            )
            if duplicate is not None:
                row.warn(None, Message("archive.import.already_recorded", {}))
                continue
        try:
            if store is None:
                store = stores.add_store_in(uow, name, platform)
                created_stores.append(store.id)
            stores.add_ownership_in(uow, store.id, emp.id, start, end, batch_id)
        except TiduiError as err:
            row.error(_column_of(err, "start_month"), Message(err.code, err.params))
    _batch_undo(s, batch_id, "store-owners", {"created_stores": created_stores})
    return [i for r in all_rows for i in r.issues]


def _column_of(err: TiduiError, default: str) -> str:
    field_name = err.params.get("field")
    return (
        field_name
        if isinstance(field_name, str)
        and field_name in ("start_month", "end_month", "store", "platform")
        else default
    )


# --- training ---------------------------------------------------------------------------------


def apply_training(
    uow: UnitOfWork, rows: Sequence[Mapping[str, Any]], batch_id: int | None = None
) -> list[RowProblem]:
    require(uow.actor, Perm.IMPORT_DATA)
    s = uow.session
    by_no = _employees_by_no(s)
    all_rows = _rows("training", rows)
    for row in all_rows:
        emp = _employee(row, by_no)
        data = archive.TrainingInput(
            course=row.text("course", required=True) or "",
            provider=row.text("provider") or "",
            start_date=row.day("start_date"),
            hours=row.number("hours"),
            score=row.number("score"),
            passed=row.flag("passed"),
        )
        for key, message in archive.check_training(data):
            row.error(key if row.raw(key) is not None or key == "course" else None, message)
        if not row.ok:
            continue
        assert emp is not None
        twin = s.scalar(
            select(TrainingRecord.id).where(
                TrainingRecord.employee_id == emp.id,
                TrainingRecord.course == data.course.strip(),
                TrainingRecord.start_date.is_(None)
                if data.start_date is None
                else TrainingRecord.start_date == data.start_date,
            )
        )
        if twin is not None:
            row.warn(None, Message("archive.import.already_recorded", {}))
            continue
        archive.add_training_in(uow, emp.id, data, batch_id)
    return [i for r in all_rows for i in r.issues]


# --- achievements -----------------------------------------------------------------------------


def apply_achievements(
    uow: UnitOfWork, rows: Sequence[Mapping[str, Any]], batch_id: int | None = None
) -> list[RowProblem]:
    require(uow.actor, Perm.IMPORT_DATA)
    s = uow.session
    by_no = _employees_by_no(s)
    all_rows = _rows("achievements", rows)
    for row in all_rows:
        emp = _employee(row, by_no)
        type_text = row.text("type", required=True)
        result = row.text("result") or "成功"
        data = archive.AchievementInput(
            type=type_text or "",
            name=row.text("name", required=True) or "",
            date=row.day("date", required=True),
            result={
                "success": "成功",
                "fail": "失败",
                "failed": "失败",
                "是": "成功",
                "否": "失败",
            }.get(result.lower(), result),
            roi=row.number("roi"),
            team_size=row.integer("team_size"),
            notes=row.text("notes") or "",
        )
        if row.ok:
            for key, message in archive.check_achievement(data):
                row.error(key, message)
        if not row.ok:
            continue
        assert emp is not None and data.date is not None
        code = achievement_type_code(data.type)
        twin = s.scalar(
            select(Achievement.id).where(
                Achievement.employee_id == emp.id,
                Achievement.type == code,
                Achievement.name == data.name.strip(),
                Achievement.date == data.date,
            )
        )
        if twin is not None:
            row.warn(None, Message("archive.import.already_recorded", {}))
            continue
        archive.add_achievement_in(uow, emp.id, data, batch_id)
    return [i for r in all_rows for i in r.issues]


# --- assessment scores ------------------------------------------------------------------------

_PART_SEPARATORS = re.compile(r"\s*[-－—–:：/|]\s*")


def split_item(text: str, default_parts: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """ "能力-策略答辩" -> ("ability", "策略答辩"); a bare item name is looked up in ``default_parts``."""
    pieces = _PART_SEPARATORS.split(text.strip(), maxsplit=1)
    if len(pieces) == 2:
        part = archive.part_code(pieces[0])
        if part is not None and pieces[1]:
            return part, pieces[1]
    if default_parts and text.strip() in default_parts:
        return default_parts[text.strip()], text.strip()
    return None


def _template_items(session: Session) -> dict[str, str]:
    """Item name -> part code from the evaluation templates (so 策略答辩 alone finds 能力)."""
    from core.model import EvaluationTemplate

    items: dict[str, str] = {}
    for template in session.scalars(
        select(EvaluationTemplate).order_by(EvaluationTemplate.is_default.desc())
    ):
        for part in template.parts or []:
            for item in part.get("items", []) if isinstance(part, dict) else []:
                name = item.get("name") if isinstance(item, dict) else None
                if isinstance(name, str) and name not in items:
                    items[name] = str(part.get("key"))
    return items


def apply_scores(
    uow: UnitOfWork, rows: Sequence[Mapping[str, Any]], batch_id: int | None = None
) -> list[RowProblem]:
    """评估打分: one score per row for an item of the three-part evaluation, e.g. 能力-策略答辩 84."""
    require(uow.actor, Perm.IMPORT_DATA)
    s = uow.session
    by_no = _employees_by_no(s)
    known_items = _template_items(s)
    from core.model import ReviewCycle

    cycles = {name: state for name, state in s.execute(select(ReviewCycle.name, ReviewCycle.state))}
    all_rows = _rows("scores", rows)
    for row in all_rows:
        emp = _employee(row, by_no)
        period = row.text("period", required=True)
        if period is not None and period not in cycles:
            # a score names a review cycle the owner opened: never a silently new one
            known = (
                ex.joined(sorted(cycles), ex.NAMES)
                if cycles
                else Message("archive.import.no_cycles")
            )
            row.error(
                "period", Message("archive.import.unknown_cycle", {"name": period, "known": known})
            )
        elif period is not None and cycles[period] != "open":
            row.error("period", Message("archive.import.closed_cycle", {"name": period}))
        item_text = row.text("item", required=True)
        score = row.number("score", required=True)
        rater = row.text("rater") or ""
        note = row.text("note") or ""
        split = None
        if item_text is not None:
            split = split_item(item_text, known_items)
            if split is None:
                row.error("item", Message("archive.import.bad_item", {"text": item_text}))
        if score is not None and not 0 <= score <= 100:
            row.error("score", Message("archive.import.bad_score", {"score": score}))
        if not row.ok:
            continue
        assert emp is not None and period is not None and split is not None and score is not None
        part, item = split
        twin = s.scalar(
            select(ScoreEntry.id).where(
                ScoreEntry.employee_id == emp.id,
                ScoreEntry.period == period,
                ScoreEntry.part == part,
                ScoreEntry.item == item,
                ScoreEntry.rater == rater,
            )
        )
        if twin is not None:
            row.warn(None, Message("archive.import.already_recorded", {}))
            continue
        entry = ScoreEntry(
            employee_id=emp.id, period=period, part=part, item=item, score=score,
            rater=rater, note=note, batch_id=batch_id,
        )  # fmt: skip
        s.add(entry)
        s.flush()
        uow.audit(
            "score.add",
            "score",
            entry.id,
            after={
                "employee_id": emp.id,
                "period": period,
                "part": part,
                "item": item,
                "score": score,
                "rater": rater,
                "batch": batch_id,
            },
        )
    return [i for r in all_rows for i in r.issues]


# --- metric values -----------------------------------------------------------------------------


def apply_metric_values(
    uow: UnitOfWork, rows: Sequence[Mapping[str, Any]], batch_id: int | None = None
) -> list[RowProblem]:
    """指标数据: one monthly value of a hand-entered metric per row (e.g. E003 2024-03 30日留存率 12.5%).

    A value equal to the one already recorded is skipped with a warning; a different one is
    written as the newer value (undoing the batch brings the earlier one back).
    """
    from core.services.eligibility import metric_values

    require(uow.actor, Perm.IMPORT_DATA)
    s = uow.session
    by_no = _employees_by_no(s)
    metrics = metric_values.entry_metrics_in(s)
    all_rows = _rows("metrics", rows)
    for row in all_rows:
        emp = _employee(row, by_no)
        month = row.month("month", required=True)
        name = row.text("metric", required=True)
        raw = row.raw("value")
        if raw is None:
            row.error("value", Message("archive.import.required", {"column": row.header("value")}))
        metric = None
        if name is not None:
            metric = metric_values.find_metric(name, metrics)
            if metric is None:
                row.error("metric", metric_values.not_enterable(name))
        value = None
        if metric is not None and raw is not None:
            try:
                value = metric_values.parse_value(metric, raw)
            except TiduiError as bad:
                row.error("value", Message(bad.code, bad.params))
            else:
                problem = metric_values.range_problem(metric, value)
                if problem is not None:
                    row.error("value", problem)
        if not row.ok:
            continue
        assert emp is not None and month is not None and metric is not None and value is not None
        current = s.scalar(
            select(ManualMetricValue.value)
            .outerjoin(ImportBatch, ManualMetricValue.batch_id == ImportBatch.id)
            .where(
                ManualMetricValue.employee_id == emp.id,
                ManualMetricValue.metric == metric.code,
                ManualMetricValue.month == month,
                ImportBatch.undone_at.is_(None),
            )
            .order_by(ManualMetricValue.id.desc())
            .limit(1)
        )
        if current is not None and abs(float(current) - value) <= 1e-9 * max(1.0, abs(value)):
            row.warn(None, Message("archive.import.already_recorded", {}))
            continue
        metric_values.set_value_in(
            uow, emp.id, metric.code, month, value, row.text("note") or "", batch_id=batch_id
        )
    return [i for r in all_rows for i in r.issues]


APPLIERS: dict[
    str, Callable[[UnitOfWork, Sequence[Mapping[str, Any]], int | None], list[RowProblem]]
] = {
    "roster": apply_roster,
    "store-owners": apply_store_owners,
    "training": apply_training,
    "achievements": apply_achievements,
    "scores": apply_scores,
    "metrics": apply_metric_values,
}


# --- undo -------------------------------------------------------------------------------------


# What else may point at an employee a roster import created, and how to name it to the user.
_DEPENDENT_NAMES = {
    "achievements": "archive.records.achievements",
    "attachments": "archive.records.attachments",
    "feedback": "archive.records.feedback",
    "grade_changes": "archive.records.grade_changes",
    "manual_metric_values": "archive.records.metric_values",
    "score_entries": "archive.records.scores",
    "store_ownerships": "archive.records.store_ownerships",
    "training_records": "archive.records.training",
    "users": "archive.records.users",
}
_SHOWN_EMPLOYEES = 5


def _refuse_if_others_depend(
    session: Session, batch_id: int, created: Sequence[int], own_grades: set[int]
) -> None:
    """Refuse to delete the employees a roster batch created when anything else now refers to
    them: records imported later or entered by hand, a log-in linked to them, feedback they gave.
    Deleting them would silently take that data along (the schema cascades to their records)."""
    if not created:
        return
    found: dict[int, dict[str, int]] = {}
    for table, column in referring_columns("employees"):
        if table.name == "employees":
            continue  # supervisors: the link goes with the person, nothing else is lost
        query = select(column, func.count()).where(column.in_(created)).group_by(column)
        if "batch_id" in table.c:
            batch_column = table.c.batch_id
            query = query.where(or_(batch_column.is_(None), batch_column != batch_id))
        if table.name == "grade_changes" and own_grades:
            query = query.where(table.c.id.not_in(own_grades))
        for employee_id, count in session.execute(query):
            by_kind = found.setdefault(int(employee_id), {})
            name = _DEPENDENT_NAMES.get(table.name, table.name)
            by_kind[name] = by_kind.get(name, 0) + int(count)
    if not found:
        return
    people = {
        e.id: e for e in session.scalars(select(Employee).where(Employee.id.in_(list(found))))
    }
    parts = []
    for employee_id in sorted(found, key=lambda i: people[i].no if i in people else "")[
        :_SHOWN_EMPLOYEES
    ]:
        person = people.get(employee_id)
        records = ex.joined(
            (
                Message("archive.records.count", {"what": Message(code), "count": count})
                for code, count in sorted(found[employee_id].items())
            ),
            "archive.records.sep_kinds",
        )
        parts.append(
            Message(
                "archive.records.person",
                {
                    "no": person.no if person else employee_id,
                    "name": person.name if person else "",
                    "records": records,
                },
            )
        )
    more = len(found) - _SHOWN_EMPLOYEES
    raise ValidationError(
        "imports.undo_roster_in_use",
        batch=batch_id,
        people=ex.joined(parts, "archive.records.sep_people"),
        more=Message("archive.records.more", {"count": more}) if more > 0 else ex.EMPTY,
    )


def undo_archive_batch(uow: UnitOfWork, batch_id: int) -> None:
    """Take back what an archive import batch wrote (the engine then marks the batch undone).

    Rows that carry the batch id are deleted; employees the roster created are deleted, those it
    changed get their previous values back; stores created for it go if nothing else uses them.
    """
    require(uow.actor, Perm.IMPORT_DATA)
    s = uow.session
    batch = s.get(ImportBatch, batch_id)
    undo = dict(batch.undo_data or {}) if batch is not None else {}
    for table in (StoreOwnership, TrainingRecord, Achievement, ScoreEntry, ManualMetricValue):
        for record in s.scalars(select(table).where(table.batch_id == batch_id)).all():
            s.delete(record)
    s.flush()
    roster = undo.get("roster") or {}
    for grade_id in roster.get("grade_changes", []):
        grade = s.get(GradeChange, grade_id)
        if grade is not None:
            s.delete(grade)
    s.flush()
    for emp_id, before in (roster.get("updated") or {}).items():
        emp = s.get(Employee, int(emp_id))
        if emp is None:
            continue
        for name, value in before.items():
            if name in ("hire_date", "leave_date", "level_since") and isinstance(value, str):
                value = date.fromisoformat(value)
            setattr(emp, name, value)
    created = [i for i in roster.get("created", [])]
    _refuse_if_others_depend(s, batch_id, created, set(roster.get("grade_changes", [])))
    for emp in s.scalars(select(Employee).where(Employee.supervisor_id.in_(created))).all():
        if emp.id not in created:
            emp.supervisor_id = None
    s.flush()
    for emp_id in created:
        emp = s.get(Employee, emp_id)
        if emp is not None:
            s.delete(emp)
    s.flush()
    for store_id in (undo.get("store-owners") or {}).get("created_stores", []):
        store = s.get(Store, store_id)
        if store is None or stores.store_has_data(s, store_id):
            continue
        if (
            s.scalar(select(StoreOwnership.id).where(StoreOwnership.store_id == store_id).limit(1))
            is None
        ):
            s.delete(store)
    uow.audit(
        "import.undo_archive",
        "import_batch",
        batch_id,
        after={
            "employees_removed": len(created),
            "employees_restored": len(roster.get("updated") or {}),
        },
    )
