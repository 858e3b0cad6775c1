"""Training, achievements, feedback (anonymous raters), attachments, competencies, timeline and exports."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.errors import PermissionDenied, ValidationError
from core.model import User
from core.services.admin.auth import unlock_again
from core.services.archive import employees, personal_export, stores
from core.services.archive import records as archive
from core.services.archive.employees import EmployeeInput
from core.services.exports.xlsx_safety import safe_cell
from core.session import AppSession
from tests.conftest import as_role
from tests.core.services.archive_support import seed_ladder


def hire(app: AppSession, no: str, name: str, **more: object) -> int:
    return employees.create_employee(
        app,
        EmployeeInput(no=no, name=name, hire_date=date(2023, 3, 1), **more),  # type: ignore[arg-type]
    )


def supervisor_session(app: AppSession, login: str, employee_id: int) -> AppSession:
    as_role(app, login, "supervisor")
    with app.uow() as uow:
        uow.session.scalars(select(User).where(User.login == login)).one().employee_id = employee_id
        uow.commit()
    return unlock_again(app, login, "other-pass-1")


def test_training_with_certificate_and_timeline(company: AppSession) -> None:
    emp = hire(company, "E006", "孙悦")
    record = archive.add_training(
        company,
        emp,
        archive.TrainingInput("直播运营进阶", "抖音电商学习中心", date(2024, 3, 2), 12, 86, True),
        certificate=("证书.pdf", b"%PDF-1.4 cert"),
    )
    rows = archive.list_training(company, emp)
    assert [(r.id, r.course, r.passed, r.certificate_name) for r in rows] == [
        (record, "直播运营进阶", True, "证书.pdf")
    ]
    with pytest.raises(ValidationError) as bad:
        archive.add_training(company, emp, archive.TrainingInput("x", score=120))
    assert bad.value.code == "archive.training.bad_score"
    titles = [e.title.text("zh") for e in archive.timeline(company, emp)]
    assert titles[0] == "培训：直播运营进阶" and titles[-1] == "入职（工号 E006）"


def test_achievements_with_evidence(company: AppSession) -> None:
    emp = hire(company, "E004", "陈静")
    archive.add_achievement(
        company,
        emp,
        archive.AchievementInput("活动策划", "618大促", date(2024, 6, 18), "成功", 3.4, 3),
        evidence=[("方案.pptx", b"plan"), ("复盘.xlsx", b"review")],
    )
    row = archive.list_achievements(company, emp)[0]
    assert row.type == "campaign" and row.type_name("en") == "campaign"
    assert [name for _, name in row.evidence] == ["方案.pptx", "复盘.xlsx"]
    with pytest.raises(ValidationError) as bad:
        archive.add_achievement(
            company, emp, archive.AchievementInput("拉新", "x", date(2024, 1, 1))
        )
    assert bad.value.code == "archive.achievement.bad_type"
    archive.delete_achievement(company, row.id)
    assert archive.list_achievements(company, emp) == []
    assert len(archive.list_attachments(company, emp)) == 2  # the files stay in 附件


def test_anonymous_feedback_hides_the_rater_from_all_but_the_owner(company: AppSession) -> None:
    boss = hire(company, "E001", "王芳")
    member = hire(company, "E004", "陈静", supervisor_id=boss)
    archive.add_feedback(
        company,
        member,
        archive.FeedbackInput(
            "同事", date(2024, 6, 1), {"数据分析": 4, "团队协作": 5}, "配合好", True, boss
        ),
    )
    hr = as_role(company, "hr1", "hr")
    owner_view = archive.list_feedback(company, member)[0]
    hr_view = archive.list_feedback(hr, member)[0]
    assert owner_view.rater == "王芳" and not owner_view.rater_hidden
    assert (
        hr_view.rater == ""
        and hr_view.rater_hidden
        and hr_view.ratings == {"数据分析": 4, "团队协作": 5}
    )
    assert all("王芳" not in e.title.text("zh") for e in archive.timeline(hr, member))
    with pytest.raises(ValidationError) as bad:
        archive.add_feedback(
            company, member, archive.FeedbackInput("同事", date(2024, 6, 1), {"数据分析": 6})
        )
    assert bad.value.code == "archive.feedback.bad_rating"


def test_supervisor_rates_own_team_only(company: AppSession) -> None:
    boss = hire(company, "E001", "王芳")
    lead = hire(company, "E003", "赵磊", supervisor_id=boss)
    member = hire(company, "E008", "黄婷", supervisor_id=lead)
    sup = supervisor_session(company, "zhaolei", lead)
    archive.add_feedback(
        sup, member, archive.FeedbackInput("上级", date(2024, 6, 1), {"直播控场": 3})
    )
    assert archive.list_feedback(sup, member)[0].rater == "赵磊"
    with pytest.raises(PermissionDenied):
        archive.add_feedback(
            sup, boss, archive.FeedbackInput("下属", date(2024, 6, 1), {"领导力": 2})
        )
    with pytest.raises(PermissionDenied):
        archive.add_feedback(
            sup, lead, archive.FeedbackInput("上级", date(2024, 6, 1), {"领导力": 5})
        )
    with pytest.raises(PermissionDenied):
        archive.add_training(sup, member, archive.TrainingInput("x"))


def test_competency_profile_against_level_expectations(company: AppSession) -> None:
    levels = seed_ladder(company)
    emp = hire(company, "E004", "陈静", level_id=levels[("店铺运营", "运营专员")])
    archive.add_feedback(
        company, emp, archive.FeedbackInput("上级", date(2024, 1, 1), {"数据分析": 4})
    )
    archive.add_feedback(
        company, emp, archive.FeedbackInput("同事", date(2024, 2, 1), {"数据分析": 3, "领导力": 2})
    )
    archive.add_feedback(
        company, emp, archive.FeedbackInput("自评", date(2024, 2, 1), {"数据分析": 5})
    )
    profile = {p.name: p for p in archive.competency_profile(company, emp)}
    assert (
        profile["数据分析"].current == 3.5 and profile["数据分析"].ratings == 2
    )  # self-rating left out
    assert profile["数据分析"].expected == 2 and profile["领导力"].expected == 1
    assert profile["直播控场"].current is None and len(profile) == 7


def test_competency_model_can_be_replaced_by_the_owner(company: AppSession) -> None:
    assert [c.name for c in archive.list_competencies(company)][:2] == ["数据分析", "策略制定"]
    archive.save_competencies(
        company, [archive.CompetencyDef("选品能力", ("1", "2", "3", "4", "5"))]
    )
    assert [c.name for c in archive.list_competencies(company)] == ["选品能力"]
    hr = as_role(company, "hr1", "hr")
    with pytest.raises(PermissionDenied):
        archive.save_competencies(hr, [])


def test_attachment_opens_through_a_temp_file_that_is_removed(company: AppSession) -> None:
    emp = hire(company, "E001", "王芳")
    content = "合同内容".encode() * 100
    att = archive.add_attachment(company, emp, "劳动合同.pdf", content)
    temp = archive.TempFiles()
    path = temp.open_copy(company, att)
    assert path.name == "劳动合同.pdf" and path.read_bytes() == content
    temp.cleanup()
    assert not path.exists() and not path.parent.exists()
    with pytest.raises(ValidationError):
        archive.add_attachment(company, emp, "big.bin", b"0" * (archive.MAX_ATTACHMENT_BYTES + 1))
    archive.delete_attachment(company, att)
    assert archive.list_attachments(company, emp) == []


def test_store_periods(company: AppSession) -> None:
    a = hire(company, "E012", "胡月")
    b = hire(company, "E006", "孙悦")
    store = stores.add_store(company, "悦颜美妆专营店", "taobao")
    stores.add_ownership(company, store, a, "2023-01")
    with pytest.raises(ValidationError) as overlap:
        stores.add_ownership(company, store, a, "2023-05", "2023-08")
    assert overlap.value.code == "archive.store.overlap"
    with pytest.raises(ValidationError):
        stores.add_ownership(company, store, b, "2023-07", "2023-01")
    stores.hand_over(company, store, b, "2023年7月")
    with company.read() as s:
        assert stores.owners_in_month(s, store, "2023-06") == [a]
        assert stores.owners_in_month(s, store, "2023-07") == [b]
    listed = [
        (o.employee_no, o.platform, o.start_month, o.end_month)
        for o in stores.all_ownerships(company)
    ]
    assert listed == [("E012", "淘宝", "2023-01", "2023-06"), ("E006", "淘宝", "2023-07", None)]
    live = stores.add_store(company, "悦颜小美", "抖音直播")
    assert next(s for s in stores.list_stores(company) if s.id == live).kind == "live_account"
    with pytest.raises(ValidationError):
        stores.add_store(company, "悦颜小美", "抖音直播")
    stores.delete_store(company, live)


def test_personal_export_has_every_part_and_the_files(company: AppSession, tmp_path: Path) -> None:
    emp = hire(company, "E004", '=HYPERLINK("http://x")', phone="13800000004")
    archive.add_training(
        company,
        emp,
        archive.TrainingInput("团队管理技巧", "内部培训", date(2024, 4, 13), 8, 91, True),
    )
    archive.add_attachment(company, emp, "a.txt", b"one")
    archive.add_attachment(company, emp, "a.txt", b"two")
    result = personal_export.export_personal_archive(company, emp, tmp_path / "陈静.xlsx")
    wb = load_workbook(result.workbook)
    assert wb.sheetnames == [
        "基本信息",
        "职级与薪资变动",
        "负责店铺",
        "培训记录",
        "成果记录",
        "评价反馈",
        "评估打分",
        "附件清单",
    ]
    basics = {r[0]: r[1] for r in wb["基本信息"].iter_rows(min_row=2, values_only=True)}
    assert basics["姓名"] == '\'=HYPERLINK("http://x")'  # formula neutralised
    assert basics["手机号"] == "13800000004"
    assert wb["培训记录"]["A2"].value == "团队管理技巧"
    assert result.attachments_zip is not None
    with zipfile.ZipFile(result.attachments_zip) as bundle:
        assert sorted(bundle.namelist()) == ["a(2).txt", "a.txt"]


def test_roster_export_is_formula_safe_and_masked_for_supervisors(
    company: AppSession, tmp_path: Path
) -> None:
    boss = hire(company, "E001", "王芳")
    hire(company, "E002", "+cmd|' /C calc'!A0", supervisor_id=boss, id_number="11010519491231002X")
    count = personal_export.export_roster(company, tmp_path / "roster.xlsx")
    assert count == 2
    ws = load_workbook(tmp_path / "roster.xlsx").worksheets[0]
    assert [c.value for c in ws[1]][:3] == ["工号", "姓名", "性别"]
    assert ws["B3"].value.startswith("'+") and ws["E3"].value == "11010519491231002X"
    assert ws["K3"].value == "E001" and ws["M3"].value == "在职"
    rows = personal_export.roster_rows(supervisor_session(company, "wf", boss))
    assert rows[1][4] == "1101**********002X"


def test_safe_cell() -> None:
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-2") == "'-2"
    assert safe_cell(-2) == -2
    assert safe_cell("王芳") == "王芳"
    assert safe_cell(None) is None


def test_roster_export_of_chosen_employees_keeps_their_order(
    company: AppSession, tmp_path: Path
) -> None:
    first = hire(company, "E001", "王芳")
    hire(company, "E002", "李娜")
    third = hire(company, "E003", "张伟")
    out = tmp_path / "roster.xlsx"
    out.write_bytes(b"the user's old file")
    count = personal_export.export_roster(company, out, [third, first, third])
    assert count == 2
    ws = load_workbook(out).worksheets[0]
    assert [r[0] for r in ws.iter_rows(min_row=2, values_only=True)] == ["E003", "E001"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp file left
    assert personal_export.export_roster(company, out, []) == 0


def test_the_timeline_names_the_relation_in_the_readers_language(company: AppSession) -> None:
    """The English growth timeline read "Feedback from 孙悦 (自评)": the stored relation went into
    the sentence as it is kept, in Chinese."""
    emp = hire(company, "E006", "孙悦")
    archive.add_feedback(
        company, emp, archive.FeedbackInput("自评", date(2024, 6, 1), {"数据分析": 4}, "", False)
    )
    feedback = next(e for e in archive.timeline(company, emp) if e.kind == "feedback")
    assert feedback.title.text("en").endswith("(self)"), feedback.title.text("en")
    assert feedback.title.text("zh").endswith("（自评）")
