"""Employee profiles: create, edit, validate, departure, anonymisation, and who may see what."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.errors import PermissionDenied, ValidationError
from core.model import AuditEntry, Employee, GradeChange
from core.services.archive import employees, stores
from core.services.archive import records as archive
from core.services.archive.employees import EmployeeInput, EmployeeInvalid
from core.session import AppSession
from tests.conftest import as_role
from tests.core.services.archive_support import seed_ladder

ID_OK = "11010519491231002X"


def person(no: str, name: str, **more: object) -> EmployeeInput:
    return EmployeeInput(no=no, name=name, hire_date=date(2022, 1, 10), **more)  # type: ignore[arg-type]


def codes(err: EmployeeInvalid) -> dict[str, str]:
    return {i.field: i.message.code for i in err.issues}


def test_create_and_read_back(company: AppSession) -> None:
    levels = seed_ladder(company)
    emp_id = employees.create_employee(
        company,
        person(
            " E001 ", "王芳", gender="女", phone="138 0000 0001", id_number=ID_OK.lower(),
            level_id=levels[("店铺运营", "运营专员")], salary=8000, department="运营部",
        ),
    )  # fmt: skip
    got = employees.get_employee(company, emp_id)
    assert (got.no, got.name, got.phone, got.id_number) == ("E001", "王芳", "13800000001", ID_OK)
    assert got.track == "店铺运营" and got.level == "运营专员"  # the level implies its track
    assert got.level_since == date(2022, 1, 10)
    rows = employees.list_employees(company)
    assert [(r.no, r.name, r.initials, r.active) for r in rows] == [("E001", "王芳", "wf", True)]
    with company.read() as s:
        grade = s.scalars(select(GradeChange)).one()
        assert grade.reason == "hire" and grade.salary_after == 8000
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "employee.create")).one()
        assert audit.after is not None
        assert audit.after["id_number"] == "1101**********002X"  # never in clear in the log
        assert audit.after["phone"] == "138****0001"


def test_all_problems_are_reported_at_once(company: AppSession) -> None:
    employees.create_employee(company, person("E001", "王芳"))
    with pytest.raises(EmployeeInvalid) as caught:
        employees.create_employee(
            company,
            EmployeeInput(
                no="e001", name="", phone="12345", id_number="110105194912310021",
                hire_date=date(2024, 5, 1), leave_date=date(2024, 4, 1),
            ),
        )  # fmt: skip
    assert codes(caught.value) == {
        "no": "archive.no.duplicate",
        "name": "archive.name.required",
        "phone": "archive.phone.invalid",
        "id_number": "archive.id_number.checksum",
        "leave_date": "archive.leave_date.before_hire",
    }
    assert "王芳" in caught.value.text("zh")  # the duplicate 工号 names its owner


def test_supervisor_self_and_loops_are_refused(company: AppSession) -> None:
    boss = employees.create_employee(company, person("E001", "王芳"))
    mid = employees.create_employee(company, person("E002", "李娜", supervisor_id=boss))
    low = employees.create_employee(company, person("E003", "陈静", supervisor_id=mid))
    data = employees.get_employee(company, boss).as_input()
    with pytest.raises(EmployeeInvalid) as caught:
        employees.update_employee(
            company, boss, EmployeeInput(**{**data.__dict__, "supervisor_id": low})
        )
    assert codes(caught.value) == {"supervisor_id": "archive.supervisor.loop"}
    with pytest.raises(EmployeeInvalid) as caught:
        employees.update_employee(
            company, boss, EmployeeInput(**{**data.__dict__, "supervisor_id": boss})
        )
    assert codes(caught.value) == {"supervisor_id": "archive.supervisor.self"}


def test_level_and_salary_changes_become_grade_history(company: AppSession) -> None:
    levels = seed_ladder(company)
    emp_id = employees.create_employee(
        company, person("E004", "陈静", level_id=levels[("店铺运营", "运营助理")], salary=5500)
    )
    data = employees.get_employee(company, emp_id).as_input()
    data.level_id = levels[("店铺运营", "运营专员")]
    data.salary = 8000
    data.change_date = date(2024, 7, 1)
    data.change_reason = "晋升"
    employees.update_employee(company, emp_id, data)
    got = employees.get_employee(company, emp_id)
    assert got.level == "运营专员" and got.level_since == date(2024, 7, 1)
    events = archive.timeline(company, emp_id)
    kinds = [(e.kind, e.title.text("zh")) for e in events if e.kind in ("grade", "salary")]
    assert ("grade", "职级：运营助理 → 运营专员") in kinds
    assert ("salary", "月薪：5,500 → 8,000 元") in kinds


def test_level_of_another_track_is_refused(company: AppSession) -> None:
    levels = seed_ladder(company)
    with company.read() as s:
        from core.model import Level

        track_id = s.get(Level, levels[("直播运营", "运营助理")]).track_id  # type: ignore[union-attr]
    with pytest.raises(EmployeeInvalid) as caught:
        employees.create_employee(
            company,
            person("E9", "某人", track_id=track_id, level_id=levels[("店铺运营", "运营助理")]),
        )
    assert codes(caught.value) == {"level_id": "archive.level.other_track"}


def test_departure_closes_store_periods_and_keeps_history(company: AppSession) -> None:
    emp_id = employees.create_employee(company, person("E012", "胡月"))
    store_id = stores.add_store(company, "悦颜美妆专营店", "淘宝")
    stores.add_ownership(company, store_id, emp_id, "2023-01")
    with pytest.raises(ValidationError):
        employees.mark_departed(company, emp_id, date(2021, 1, 1), "")
    employees.mark_departed(company, emp_id, date(2023, 6, 30), "个人原因")
    got = employees.get_employee(company, emp_id)
    assert not got.active and got.leave_reason == "个人原因"
    assert [(o.start_month, o.end_month) for o in stores.ownerships_of(company, emp_id)] == [
        ("2023-01", "2023-06")
    ]
    assert [r.no for r in employees.list_employees(company)] == ["E012"]  # still listed, as 离职


def test_anonymise_is_owner_only_and_keeps_the_numbers(company: AppSession) -> None:
    emp_id = employees.create_employee(
        company, person("E013", "郭强", phone="13800000013", id_number=ID_OK, salary=5500)
    )
    archive.add_training(company, emp_id, archive.TrainingInput(course="直播运营进阶", hours=12))
    archive.add_attachment(company, emp_id, "体检报告.pdf", b"%PDF personal")
    with pytest.raises(ValidationError) as active:
        employees.anonymise(company, emp_id)
    assert active.value.code == "archive.anonymise.active"
    employees.mark_departed(company, emp_id, date(2024, 3, 15))
    hr = as_role(company, "hr1", "hr")
    with pytest.raises(PermissionDenied):
        employees.anonymise(hr, emp_id)
    employees.anonymise(company, emp_id)
    got = employees.get_employee(company, emp_id)
    assert got.name == "#E013" and got.phone is None and got.id_number is None and got.anonymised
    assert got.salary == 5500 and got.hire_date == date(2022, 1, 10)
    assert [t.course for t in archive.list_training(company, emp_id)] == ["直播运营进阶"]
    assert archive.list_attachments(company, emp_id) == []


def test_supervisor_sees_only_own_team_and_no_personal_data(company: AppSession) -> None:
    boss = employees.create_employee(company, person("E001", "王芳"))
    lead = employees.create_employee(company, person("E003", "赵磊", supervisor_id=boss))
    member = employees.create_employee(
        company,
        person(
            "E008", "黄婷", supervisor_id=lead, phone="13800000008", id_number=ID_OK, salary=5500
        ),
    )
    employees.create_employee(company, person("E004", "陈静", supervisor_id=boss))
    sup = as_role(company, "zhaolei", "supervisor")
    # link the account to 赵磊's employee record, as the owner would
    with company.uow() as uow:
        from core.model import User

        uow.session.scalars(select(User).where(User.login == "zhaolei")).one().employee_id = lead
        uow.commit()
    from core.services.admin.auth import unlock_again

    sup = unlock_again(company, "zhaolei", "other-pass-1")
    assert [r.no for r in employees.list_employees(sup)] == ["E003", "E008"]
    seen = employees.get_employee(sup, member)
    assert seen.phone == "138****0008" and seen.id_number == "1101**********002X"
    assert seen.salary is None and not seen.personal_visible
    with pytest.raises(PermissionDenied):
        employees.get_employee(sup, boss)
    with pytest.raises(PermissionDenied):
        employees.update_employee(sup, member, seen.as_input())
    with pytest.raises(PermissionDenied):
        archive.list_training(sup, boss)


def test_hr_sees_personal_data_and_a_masked_value_sent_back_keeps_the_stored_one(
    company: AppSession,
) -> None:
    emp_id = employees.create_employee(
        company, person("E005", "刘洋", phone="13800000005", id_number=ID_OK)
    )
    hr = as_role(company, "hr1", "hr")
    assert employees.get_employee(hr, emp_id).id_number == ID_OK
    data = employees.get_employee(company, emp_id).as_input()
    data.phone, data.id_number = "138****0005", "1101**********002X"
    data.department = "运营部"
    employees.update_employee(company, emp_id, data)
    with company.read() as s:
        emp = s.get(Employee, emp_id)
        assert emp is not None and emp.phone == "13800000005" and emp.id_number == ID_OK
        assert emp.department == "运营部"


def test_unchanged_imported_bad_checksum_does_not_block_other_edits(company: AppSession) -> None:
    emp_id = employees.create_employee(company, person("E002", "李娜"))
    with company.uow() as uow:  # as a roster import would have stored it
        uow.session.get(Employee, emp_id).id_number = "330102199203052345"  # type: ignore[union-attr]
        uow.commit()
    data = employees.get_employee(company, emp_id).as_input()
    data.department = "运营部"
    employees.update_employee(company, emp_id, data)  # no error: the ID number was not touched
    data.id_number = "330102199203052346"
    with pytest.raises(EmployeeInvalid):
        employees.update_employee(company, emp_id, data)


def test_the_next_number_follows_the_highest_one_with_its_prefix_and_padding(
    company: AppSession,
) -> None:
    assert employees.next_no(company) is None  # nobody yet: nothing to follow
    for no, name in (("E009", "王芳"), ("E010", "李娜"), ("E002", "赵磊"), ("实习1", "钱多")):
        employees.create_employee(
            company, EmployeeInput(no=no, name=name, hire_date=date(2022, 1, 1))
        )
    assert employees.next_no(company) == "E011"  # the most used prefix, zero-padded
    departed = employees.create_employee(
        company, EmployeeInput(no="E011", name="孙悦", hire_date=date(2022, 1, 1))
    )
    employees.mark_departed(company, departed, date(2024, 1, 31))
    assert employees.next_no(company) == "E012"  # a departed person's number is not reused
    with pytest.raises(PermissionDenied):
        employees.next_no(as_role(company, "boss2", "supervisor"))
