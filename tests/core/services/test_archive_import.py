"""The five Tidui-template samples go in cleanly; bad rows are reported by row and column; undo restores."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.errors import PermissionDenied, ValidationError
from core.importers import templates as template_specs
from core.model import Achievement, Employee, ScoreEntry, Store, StoreOwnership, TrainingRecord
from core.services.archive import employees, stores
from core.services.archive import template_import as ai
from core.services.imports import templates as import_templates
from core.session import AppSession
from tests.conftest import as_role
from tests.core.services.archive_support import new_batch, sample_rows, seed_ladder


def apply(
    app: AppSession, kind: str, rows: list[dict[str, object]]
) -> tuple[int, list[ai.RowProblem]]:
    batch = new_batch(app, kind)
    with app.uow() as uow:
        issues = ai.APPLIERS[kind](uow, rows, batch)
        uow.commit()
    return batch, issues


def open_sample_cycle(app: AppSession) -> None:
    """The samples' scores name the cycle 2024上半年, which must exist before they import."""
    from core.services.promotion.cycles import find_cycle, open_cycle

    with app.read() as s:
        try:
            find_cycle(s, "2024上半年")
            return
        except ValidationError:
            pass
    open_cycle(app, "2024上半年", "2024-06")


def import_all_samples(app: AppSession) -> dict[str, list[ai.RowProblem]]:
    open_sample_cycle(app)
    found = {}
    for kind, name in (
        ("roster", "员工花名册.xlsx"),
        ("store-owners", "店铺负责人.xlsx"),
        ("training", "培训记录.xlsx"),
        ("achievements", "成果记录.xlsx"),
        ("scores", "评估打分.xlsx"),
    ):
        found[kind] = apply(app, kind, sample_rows(name))[1]
    return found


def test_the_five_samples_import_cleanly(company: AppSession) -> None:
    seed_ladder(company)
    issues = import_all_samples(company)
    assert all(i.severity == "warning" for found in issues.values() for i in found)
    # the sample's synthetic ID numbers mostly fail the GB 11643 check digit: kept, with a warning
    assert {i.message.code for i in issues["roster"]} == {"archive.import.id_checksum_kept"}
    assert {i.column for i in issues["roster"]} == {"身份证号"}
    for kind in ("store-owners", "training", "achievements", "scores"):
        assert issues[kind] == [], kind

    rows = {r.no: r for r in employees.list_employees(company)}
    assert len(rows) == 15
    assert sum(1 for r in rows.values() if not r.active) == 2  # two departed employees
    assert rows["E002"].supervisor == "王芳" and rows["E011"].track == "数据运营"
    assert rows["E012"].leave_date == date(2023, 12, 31)
    detail = employees.get_employee(company, rows["E010"].id)
    assert detail.id_number == "33010219990505012X" and detail.salary == 5500
    assert detail.phone == "13800000010" and detail.gender == "女"

    with company.read() as s:
        assert s.scalar(select(func.count(StoreOwnership.id))) == 6
        assert s.scalar(select(func.count(TrainingRecord.id))) == 3
        assert s.scalar(select(func.count(Achievement.id))) == 8
        assert s.scalar(select(func.count(ScoreEntry.id))) == 5
        live = s.scalars(select(Store).where(Store.name == "悦颜小美")).one()
        assert live.kind == "live_account" and live.platform == "抖音直播"
        shop = s.scalars(select(Store).where(Store.name == "悦颜美妆专营店")).one()
        # the store changed hands in 2023-07
        assert stores.owners_in_month(s, shop.id, "2023-06") == [rows["E012"].id]
        assert stores.owners_in_month(s, shop.id, "2023-07") == [rows["E006"].id]
        campaigns = s.scalars(select(Achievement).where(Achievement.type == "campaign")).all()
        assert sorted((a.roi, a.team_size) for a in campaigns) == [(2.1, 2), (2.6, 2), (3.4, 3)]
        failed = s.scalars(select(TrainingRecord).where(TrainingRecord.passed.is_(False))).one()
        assert failed.course == "数据分析入门" and failed.score == 58
        score = s.scalars(select(ScoreEntry).where(ScoreEntry.item == "领导力")).one()
        assert (score.part, score.score, score.rater) == ("potential", 78, "李娜")


def test_importing_the_same_rows_again_changes_nothing(company: AppSession) -> None:
    seed_ladder(company)
    import_all_samples(company)
    again = import_all_samples(company)
    assert {i.message.code for i in again["training"]} == {"archive.import.already_recorded"}
    assert again["roster"] == []  # nothing changed, so no ID warnings either
    with company.read() as s:
        assert s.scalar(select(func.count(Employee.id))) == 15
        assert s.scalar(select(func.count(Achievement.id))) == 8


def test_bad_roster_rows_name_row_and_column(company: AppSession) -> None:
    seed_ladder(company)
    rows = [
        {
            "工号": "E1",
            "姓名": "甲",
            "入职日期": "2024-01-01",
            "通道": "店铺运营",
            "职级": "运营助理",
            "直属上级工号": "E3",
        },
        {"工号": "E2", "姓名": "乙", "入职日期": "2024/02/30", "手机号": "1234"},
        {"工号": "E1", "姓名": "甲二", "入职日期": "2024-01-01"},
        {"工号": "E3", "姓名": "丙", "入职日期": "2024-01-01", "职级": "运营主管"},
        {
            "工号": "E4",
            "姓名": "丁",
            "入职日期": "2024-03-01",
            "离职日期": "2024-02-01",
            "直属上级工号": "E4",
        },
        {"工号": "E5", "姓名": "戊", "入职日期": "2024-03-01", "直属上级工号": "E2"},
        {"工号": "E6", "姓名": "己", "入职日期": "2024-03-01", "通道": "不存在"},
    ]
    _, issues = apply(company, "roster", rows)
    found = {(i.row, i.column, i.message.code) for i in issues}
    assert (3, "入职日期", "archive.import.bad_date") in found
    assert (3, "手机号", "archive.phone.invalid") in found
    assert (4, "工号", "archive.import.duplicate_no") in found
    assert (
        5,
        "职级",
        "archive.import.ambiguous_level",
    ) in found  # 运营主管 exists in all four tracks
    assert (2, "直属上级工号", "archive.import.supervisor_row_invalid") in found  # E3's row failed
    assert (6, "离职日期", "archive.leave_date.before_hire") in found
    assert (7, "直属上级工号", "archive.import.supervisor_row_invalid") in found
    assert (8, "通道", "archive.import.unknown_track") in found
    assert ai.rows_with_errors(issues) == {2, 3, 4, 5, 6, 7, 8}
    assert employees.list_employees(company) == []
    text = next(i for i in issues if i.row == 3 and i.column == "入职日期").as_json("zh")
    assert text == {
        "row": 3,
        "column": "入职日期",
        "message": "无法识别的日期“2024/02/30”，请写成 2024-03-01。",
    }


def test_supervisor_loops_across_file_and_archive(company: AppSession) -> None:
    _, issues = apply(
        company,
        "roster",
        [
            {"no": "A", "name": "甲", "hire_date": date(2024, 1, 1), "supervisor_no": "B"},
            {"no": "B", "name": "乙", "hire_date": date(2024, 1, 1), "supervisor_no": "A"},
            {"no": "C", "name": "丙", "hire_date": date(2024, 1, 1), "supervisor_no": "A"},
            {"no": "D", "name": "丁", "hire_date": date(2024, 1, 1), "supervisor_no": "X"},
        ],
    )
    by_row = {i.row: i.message.code for i in issues}
    assert by_row[2] == by_row[3] == "archive.import.supervisor_loop"
    assert by_row[4] == "archive.import.supervisor_row_invalid"
    assert by_row[5] == "archive.import.unknown_supervisor"


def test_roster_update_keeps_blank_cells_and_undo_restores(company: AppSession) -> None:
    levels = seed_ladder(company)
    emp_id = employees.create_employee(
        company,
        employees.EmployeeInput(
            no="E004", name="陈静", hire_date=date(2022, 2, 14), phone="13800000004",
            level_id=levels[("店铺运营", "运营助理")], salary=5500,
        ),
    )  # fmt: skip
    batch, issues = apply(
        company,
        "roster",
        [
            {"工号": "E004", "职级": "运营专员", "通道": "店铺运营", "月薪": 8000.0},
            {"工号": "E100", "姓名": "新人", "入职日期": date(2024, 6, 1), "直属上级工号": "E004"},
        ],
    )
    assert issues == []
    got = employees.get_employee(company, emp_id)
    assert (got.level, got.salary, got.phone, got.name) == ("运营专员", 8000, "13800000004", "陈静")
    assert [r.no for r in employees.list_employees(company)] == ["E004", "E100"]
    with company.uow() as uow:
        ai.undo_archive_batch(uow, batch)
        uow.commit()
    got = employees.get_employee(company, emp_id)
    assert (got.level, got.salary) == ("运营助理", 5500)
    assert [r.no for r in employees.list_employees(company)] == ["E004"]


def test_undo_of_store_owner_batch_removes_periods_and_new_stores(company: AppSession) -> None:
    seed_ladder(company)
    apply(company, "roster", sample_rows("员工花名册.xlsx"))
    batch, _ = apply(company, "store-owners", sample_rows("店铺负责人.xlsx"))
    with company.uow() as uow:
        ai.undo_archive_batch(uow, batch)
        uow.commit()
    with company.read() as s:
        assert s.scalar(select(func.count(StoreOwnership.id))) == 0
        assert s.scalar(select(func.count(Store.id))) == 0


def test_other_rows_report_unknown_employees_and_bad_values(company: AppSession) -> None:
    apply(company, "roster", [{"no": "E1", "name": "甲", "hire_date": "2024-01-01"}])
    _, issues = apply(
        company,
        "achievements",
        [
            {"工号": "E9", "类型": "新品上线", "名称": "x", "日期": "2024-01-01"},
            {"工号": "E1", "类型": "拉新", "名称": "x", "日期": "2024-01-01"},
            {
                "工号": "E1",
                "类型": "活动策划",
                "名称": "x",
                "日期": "2024-01-01",
                "ROI": "2:1",
                "带领人数": "2.5",
            },
            {"工号": "E1", "类型": "活动策划", "名称": "ok", "日期": 45300, "ROI": "2.5:1"},
        ],
    )
    found = {(i.row, i.column, i.message.code) for i in issues}
    assert found == {
        (2, "工号", "archive.import.unknown_employee"),
        (3, "类型", "archive.achievement.bad_type"),
        (4, "带领人数", "archive.import.bad_integer"),
    }
    with company.read() as s:
        ok = s.scalars(select(Achievement)).one()
        assert ok.roi == 2.5 and ok.date == date(2024, 1, 9)  # Excel serial 45300
    _, issues = apply(
        company, "scores", [{"工号": "E1", "评审周期": "2024", "项目": "随便", "分数": 120}]
    )
    assert {i.message.code for i in issues} == {
        "archive.import.unknown_cycle",
        "archive.import.bad_item",
        "archive.import.bad_score",
    }
    cycle = next(i for i in issues if i.message.code == "archive.import.unknown_cycle")
    assert (cycle.row, cycle.column) == (2, "评审周期")
    assert "2024" in cycle.message.text("zh") and "评审周期" in cycle.message.text("zh")
    _, issues = apply(
        company,
        "store-owners",
        [
            {
                "店铺": "店",
                "平台": "天猫",
                "工号": "E1",
                "开始月份": "2024-05",
                "结束月份": "2024-01",
            }
        ],
    )
    assert [(i.column, i.message.code) for i in issues] == [
        ("结束月份", "archive.store.end_before_start")
    ]


def test_import_needs_the_import_permission(company: AppSession) -> None:
    sup = as_role(company, "sup", "supervisor")
    with sup.uow() as uow, pytest.raises(PermissionDenied):
        ai.apply_training(uow, [], None)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(["工号", "课程", "开始日期", "学时", "成绩", "是否通过"]),
        st.one_of(st.none(), st.text(max_size=12), st.floats(allow_nan=True), st.integers()),
    )
)
def test_any_training_row_gives_issues_not_crashes(
    company: AppSession, row: dict[str, object]
) -> None:
    with company.uow() as uow:
        issues = ai.apply_training(uow, [row], None)
        # nothing committed: each example leaves the file as it was
    assert all(isinstance(i.message.text("en"), str) for i in issues)


def test_templates_have_the_canonical_headers_and_lists(company: AppSession) -> None:
    from openpyxl import load_workbook

    expected = {
        "roster": "工号 姓名 性别 手机号 身份证号 入职日期 离职日期 部门 通道 职级 直属上级工号 月薪",
        "store-owners": "店铺 平台 工号 开始月份 结束月份",
        "training": "工号 课程 机构 开始日期 学时 成绩 是否通过",
        "achievements": "工号 类型 名称 日期 结果 ROI 带领人数",
        "scores": "工号 评审周期 项目 分数 评分人 备注",
    }
    for kind, headers in expected.items():
        data = import_templates.template_bytes(kind, tracks=["店铺运营"], levels=["运营助理"])
        wb = load_workbook(BytesIO(data))
        ws = wb.worksheets[0]
        assert [c.value for c in ws[1]] == headers.split(), kind
        assert ws.freeze_panes == "A2"
        lists = {
            str(dv.sqref).split(":")[0][0]
            for dv in ws.data_validations.dataValidation
            if dv.type == "list"
        }
        if kind == "roster":
            assert lists == {"C", "I", "J"}  # 性别, 通道, 职级
            assert ws["E2"].number_format == "@"  # ID numbers stay text in Excel
        if kind == "achievements":
            assert {"B", "E"} <= lists
        # the template's own headers map back to its fields
        for cell in ws[1]:
            assert template_specs.field_for_header(kind, str(cell.value)) is not None


def test_sample_headers_and_synonyms_map_to_fields() -> None:
    assert template_specs.field_for_header("roster", "员工编号") == "no"
    assert template_specs.field_for_header("roster", " 入职时间 ") == "hire_date"
    assert template_specs.field_for_header("roster", "员工姓名") == "name"
    assert template_specs.field_for_header("roster", "unknown") is None
