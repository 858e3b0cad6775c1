"""The four promotion documents as a person receiving them reads them back (pdftotext, pdffonts)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from core.domain import cases as dc
from core.domain.identity import mask_id_number
from core.errors import PermissionDenied, ValidationError
from core.i18n import Message
from core.model import Employee, FileMeta
from core.progress import Cancelled, Progress
from core.reports import blocks as b
from core.reports import evaluation as ev
from core.reports import service, templates
from core.reports.common import EmployeeBlock, value_text
from core.reports.letter import preview_letter
from core.services.eligibility import readiness as el
from core.services.promotion import cases
from core.session import AppSession
from tests.core.reports.support import (
    CYCLE,
    PERMISSIONS,
    DemoCases,
    assert_cjk_embedded,
    flat,
    pages,
    pdftext,
)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _number(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@pytest.mark.parametrize("kind", ["evaluation", "letter", "announcement", "progress"])
def test_every_kind_embeds_a_subset_of_the_cjk_font(
    kind: str, owner: AppSession, demo_cases: DemoCases, out: Path
) -> None:
    data = service.render_report(owner, kind, demo_cases.sun, cycle=CYCLE)
    pdf = write(out / f"{kind}.pdf", data)
    assert_cjk_embedded(pdf)
    assert "第1页/共" in flat(pdftext(pdf))


def test_decided_evaluation_prints_its_snapshot_every_sentence_and_the_total(
    owner: AppSession, demo_cases: DemoCases, out: Path
) -> None:
    view = cases.view_case(owner, demo_cases.decided)
    pdf = write(
        out / "e.pdf",
        service.render_report(owner, "evaluation", demo_cases.sun, case_id=demo_cases.decided),
    )
    text = flat(pdftext(pdf))
    assert "孙悦" in text and flat("运营助理 → 运营专员") in text
    assert "决定时的数据快照（截至2024年6月）" in text
    assert view.criteria
    for criterion in view.criteria:  # the sentence the employee reads, its numbers included
        assert flat(criterion["explanation"]) in text
    total = view.evaluation["total"]
    assert total is not None
    assert f"总分{_number(total)}" in text
    for name in ("王芳86", "李娜80", "领导力"):  # each rater's score, each item
        assert name in text
    assert "同意，数据扎实。" in text and "代为处理" in text  # the trail with who acted how
    assert "、".join(PERMISSIONS) in text
    for signer in ev.SIGNERS:
        assert signer in text
    assert "悦颜美妆" in text  # the letterhead
    # her level when she was proposed, not the one the case gave her ("现职级 运营专员")
    assert "原通道/职级店铺运营/运营助理" in text and "现职级" not in text


def test_a_criterions_own_number_is_printed_whole_not_broken_across_lines(
    owner: AppSession, demo_cases: DemoCases, out: Path
) -> None:
    """孙悦's 要求 "1.5个百分点" was printed as 1.5个百分 / 点 in its narrow column (lists of
    months, "13%、14%、16%", may still wrap)."""
    view = cases.view_case(owner, demo_cases.decided)
    pdf = write(
        out / "e.pdf",
        service.render_report(owner, "evaluation", demo_cases.sun, case_id=demo_cases.decided),
    )
    printed = set(pdftext(pdf).split())  # each cell's text as laid out, piece by piece
    shown = [value_text(c, c.get(key)) for c in view.criteria for key in ("observed", "required")]
    assert any("个百分点" in value for value in shown)  # the case has a rate's change
    for value in shown:
        if "、" not in value:
            assert value in printed, value


def test_the_signatures_never_stand_alone_on_a_page(owner: AppSession, out: Path) -> None:
    """Most of the demo's reports run onto a second page; the signature box used to move there
    alone (a page of blank signature lines, with nothing to say what was signed). It now takes
    the section above it along, and the steps are named as the trail and the app name them."""
    with owner.read() as s:
        people = s.scalars(select(Employee.id).where(Employee.level_id.is_not(None))).all()
    two_pages = 0
    for employee_id in people:
        try:
            pdf = write(out / f"{employee_id}.pdf", ev.evaluation_report(owner, employee_id))
        except ValidationError:
            continue  # at the top of the ladder: nothing to evaluate for
        last = pages(pdf)
        two_pages += last > 1
        text = flat(pdftext(pdf, first=last, last=last))
        head = text.split("签字")[0]
        assert head.replace("悦颜美妆（演示）", "").replace("晋升评估报告", ""), (employee_id, text)
        assert "总经理" not in text and "环节" not in text and "老板" in text
    assert two_pages >= 3


def test_undecided_evaluation_says_as_of_which_month(
    owner: AppSession, demo_cases: DemoCases, out: Path
) -> None:
    pdf = write(
        out / "e.pdf",
        service.render_report(owner, "evaluation", demo_cases.chen, case_id=demo_cases.open),
    )
    text = flat(pdftext(pdf))
    assert "截至2024年6月的数据" in text and "陈静" in text and "快照" not in text
    assert "接近达标，提前评估。" in text
    assert "通道/现职级店铺运营/运营专员" in text and "原职级" not in text  # the level held now


def test_without_a_case_the_current_transition_is_printed(
    owner: AppSession, demo_cases: DemoCases, out: Path
) -> None:
    with owner.read() as s:
        liu = s.scalar(select(Employee.id).where(Employee.no == "E007"))
    assert liu is not None
    progress = el.employee_progress(owner, liu)
    pdf = write(out / "e.pdf", service.render_report(owner, "evaluation", liu))
    text = flat(pdftext(pdf))
    assert flat(progress.outlooks[0].transition.label()) in text
    for result in progress.outlooks[0].results:
        assert flat(result.explanation.text("zh")) in text


def test_the_id_number_is_masked_unless_asked_for_by_someone_who_may(
    owner: AppSession, demo_cases: DemoCases, out: Path
) -> None:
    with owner.read() as s:
        full = s.get(Employee, demo_cases.sun).id_number  # type: ignore[union-attr]
    assert full
    masked = flat(pdftext(write(out / "m.pdf", ev.evaluation_report(owner, demo_cases.sun))))
    assert mask_id_number(full) in masked and full not in masked
    shown = ev.evaluation_report(owner, demo_cases.sun, show_id_number=True)
    assert full in flat(pdftext(write(out / "s.pdf", shown)))


def test_a_supervisor_cannot_print(demo_cases: DemoCases) -> None:
    from core.services.admin import auth

    app = auth.log_in(demo_cases.path, "lina", "tidui-demo")
    try:
        with pytest.raises(PermissionDenied):
            service.render_report(app, "progress", demo_cases.sun)
    finally:
        app.close(backup=False)


def _values(app: AppSession, case_id: int) -> dict[str, str]:
    from core.model import PromotionCase
    from core.reports.letter import values_of

    with app.read() as s:
        case = s.get(PromotionCase, case_id)
        assert case is not None
        return values_of(s, case)


def test_the_letter_holds_every_placeholders_value_and_no_brace(
    owner: AppSession, demo_cases: DemoCases, out: Path
) -> None:
    everything = "".join("{" + name + "}" for name in templates.LETTER_FIELDS)
    template = f"兹通知：{everything}\n\n特此通知。"
    data = preview_letter(owner, template, demo_cases.decided)
    text = flat(pdftext(write(out / "l.pdf", data)))
    values = _values(owner, demo_cases.decided)
    for name in templates.LETTER_FIELDS:
        assert flat(values[name]) in text, name
    assert "{" not in text and "}" not in text
    assert values["新增权限"] == "、".join(PERMISSIONS)
    assert "公司盖章处" in text and "总经理签字" in text
    # the default template too, as printed by 工号 alone (the newest decided case)
    default = write(out / "d.pdf", service.render_report(owner, "letter", demo_cases.sun))
    text = flat(pdftext(default))
    assert "{" not in text and values["月薪"] in text and values["生效日期"] in text


def test_hr_reads_the_letter_template_but_only_the_owner_changes_it(hr: AppSession) -> None:
    assert templates.letter_template(hr) == templates.DEFAULT_LETTER
    with pytest.raises(PermissionDenied):
        templates.set_letter_template(hr, "{姓名}，恭喜。")


def test_the_letter_template_is_stored_checked_and_refused_when_unfilled(
    owner: AppSession, demo_cases: DemoCases
) -> None:
    with pytest.raises(ValidationError) as unknown:
        templates.set_letter_template(owner, "{姓名}，你的{职务}已调整。")
    assert "{职务}" in unknown.value.text("zh")
    try:
        templates.set_letter_template(owner, "{姓名}晋升为{新职级}。")
        assert templates.letter_template(owner) == "{姓名}晋升为{新职级}。"
        # a template that got an unknown placeholder anyway (an older file): never printed raw
        with owner.uow() as uow:
            meta = uow.session.get(FileMeta, templates.LETTER_KEY)
            assert meta is not None
            meta.value = "{姓名}：{职务}"
            uow.commit()
        with pytest.raises(ValidationError) as unfilled:
            service.render_report(owner, "letter", demo_cases.sun)
        assert "{职务}" in unfilled.value.text("zh")
    finally:
        templates.set_letter_template(owner, None)
    assert templates.letter_template(owner) == templates.DEFAULT_LETTER


def test_no_letter_for_an_undecided_case(owner: AppSession, demo_cases: DemoCases) -> None:
    with pytest.raises(ValidationError) as undecided:
        service.render_report(owner, "letter", demo_cases.chen, case_id=demo_cases.open)
    assert undecided.value.code == "report.letter.undecided"
    with pytest.raises(ValidationError) as none:
        service.render_report(owner, "letter", demo_cases.chen)
    assert none.value.code == "report.letter.no_decided_case"


def test_the_announcement_lists_the_cycles_decided_cases(
    owner: AppSession, demo_cases: DemoCases, out: Path
) -> None:
    view = cases.view_case(owner, demo_cases.decided)
    assert view.decision is not None
    pdf = write(out / "a.pdf", service.render_report(owner, "announcement", cycle=CYCLE))
    text = flat(pdftext(pdf))
    assert flat(view.decision["notice"]) in text
    assert "晋升公示" in text and CYCLE in text and "陈静" not in text  # undecided: not shown
    assert "名同事的晋升予以公示" in text  # promotions only: not "晋升（转岗）"
    assert pages(pdf) == 1


def test_the_progress_sheet_explains_each_next_move_and_the_training(
    owner: AppSession, demo_cases: DemoCases, out: Path
) -> None:
    from core.services.archive import records as archive

    progress = el.employee_progress(owner, demo_cases.chen)
    pdf = write(out / "p.pdf", service.render_report(owner, "progress", demo_cases.chen))
    text = flat(pdftext(pdf))
    assert "陈静" in text and "个人晋升进度单" in text
    for outlook in progress.outlooks:
        assert flat(outlook.transition.label()) in text
        for result in outlook.results:
            assert flat(result.explanation.text("zh")) in text
            if result.missing and not result.met:
                assert flat(result.missing.text("zh")) in text
    for course in archive.list_training(owner, demo_cases.chen):
        assert flat(course.course) in text


def test_a_batch_writes_one_sheet_per_active_employee_and_can_be_cancelled(
    owner: AppSession, out: Path
) -> None:
    result = service.write_all(owner, "progress", out / "all")
    with owner.read() as s:
        active = s.scalars(select(Employee.no).where(Employee.leave_date.is_(None))).all()
    assert len(result.written) == len(active) == 14  # the demo's payroll in 2024-06
    assert all(p.name.endswith("_个人晋升进度单.pdf") for p in result.written)
    notes: list[str] = []

    def cancel_after_two(done: int, total: int, note: Message | None) -> None:
        notes.append(note.text("zh") if note else "")
        if done == 1:  # Cancel pressed while the second sheet is being written
            stop.cancel()

    stop = Progress(cancel_after_two)
    with pytest.raises(Cancelled):
        service.write_all(owner, "progress", out / "some", progress=stop)
    assert len(list((out / "some").glob("*.pdf"))) == 2  # whole files, nothing half-written
    assert notes[0] == "正在生成 王芳 的文书…"
    letters = service.write_all(owner, "letter", out / "letters")
    # 孙悦's case here and the demo's finished cycle 2023下半年 (刘洋, 吴昊, 林晓, 赵磊, 宋佳)
    assert len(letters.written) == 6 and len(letters.skipped) == 8


def _criterion(i: int) -> dict[str, object]:
    months = [f"2024-{m:02d}" for m in range(1, 7)]
    return {
        "rule": f"第{i}项：连续6个月店铺GMV增长率不低于{10 + i}%（含直播间与分销渠道的全部成交）",
        "met": i % 3 != 0,
        "observed": [0.1 + i / 100] * 6,
        "required": (10 + i) / 100,
        "explanation": f"条件{i}：近6个月中已满足{i % 6}个月（1月 {10 + i}.5%，2月 9.0% ✗，"
        f"3月 {12 + i}.0%，4月 13.0%，5月 14.0%，6月 16.0%），最近一个月的数据来自生意参谋导出",
        "missing": None if i % 3 else f"还差{i % 6 + 1}个月达到{10 + i}%",
        "kind": "each_month",
        "metric": "gmv_growth",
        "window": 6,
        "months": [
            {"month": m, "value": 0.1 + j / 100, "met": j != 1} for j, m in enumerate(months)
        ],
    }


def test_twenty_criteria_and_long_texts_flow_onto_page_two_without_losing_a_word(
    out: Path,
) -> None:
    long_name = "欧阳" + "慕容" * 20 + "雪"
    person = EmployeeBlock(
        1, "E100", long_name, "运营部（华东区域电商事业部）", "店铺运营", "运营助理",
        date(2023, 3, 1), date(2023, 3, 1), "王芳", "3301**********1234", None, True,
    )  # fmt: skip
    comment = "这是一段很长的评语，" * 40
    data = ev.EvaluationData(
        head=b.Letterhead("一家名字非常长的电子商务有限公司（杭州）" * 2, None, ev.TITLE),
        employee=person,
        from_label="运营助理",
        to_label="运营专员",
        cycle="2024上半年",
        as_of="2024-06",
        criteria=tuple(_criterion(i) for i in range(1, 21)),
        evaluation={"parts": [], "total": None},
        reason=comment,
        trail=(
            ev.TrailRow(datetime(2024, 7, 1, 9, 30, tzinfo=UTC), "hr", "hr", "approve", comment),
        ),
    )
    pdf = write(out / "twenty.pdf", ev.render_evaluation(data))
    assert pages(pdf) >= 2
    text = flat(pdftext(pdf))
    assert flat(long_name) in text and flat(comment) in text
    for criterion in data.criteria:
        assert flat(str(criterion["explanation"])) in text
    assert "第2页/共" in flat(pdftext(pdf, first=2, last=2))
    assert "条件20" in flat(pdftext(pdf, first=2))  # the list goes on on page 2


def test_fill_never_prints_a_raw_placeholder() -> None:
    _text, unknown, empty = dc.fill("{姓名}{职务}{月薪}", {"姓名": "孙悦", "月薪": " "})
    assert unknown == ["职务"] and empty == ["月薪"]
    from core.reports.letter import fill_letter

    with pytest.raises(ValidationError) as err:
        fill_letter("{姓名}{职务}{月薪}", {"姓名": "孙悦", "月薪": " "})
    assert "{职务}" in err.value.text("zh") and "{月薪}" in err.value.text("zh")


def test_by_employee_alone_the_case_under_review_is_printed(
    owner: AppSession, demo_cases: DemoCases, out: Path
) -> None:
    pdf = write(out / "e.pdf", service.render_report(owner, "evaluation", demo_cases.chen))
    assert f"#{demo_cases.open}" in flat(pdftext(pdf))  # 陈静's open case, not a bare transition
    # 孙悦's case is decided and she is on her new level: her next move is printed
    text = flat(
        pdftext(write(out / "s.pdf", service.render_report(owner, "evaluation", demo_cases.sun)))
    )
    assert "运营专员→运营主管" in text and "快照" not in text and "审批记录" not in text


def test_a_report_without_a_case_prints_the_scores_of_the_cycle_it_names(
    demo_cases: DemoCases, tmp_path: Path
) -> None:
    """吴昊's report for 2024上半年 printed "总分 69.3" from the 2023下半年 scores given for his
    move before, under 评审周期 "—". The scores are the named cycle's (else the newest open
    one's), and the report says which cycle that is."""
    from core.services.admin import auth
    from core.services.promotion import cycles
    from tests.conftest import copy_company
    from tests.core.reports.support import PASSWORD

    app = auth.log_in(copy_company(demo_cases.path, tmp_path), "demo", PASSWORD)
    try:
        cycles.open_cycle(app, "2024下半年", "2024-06")  # newer than 孙悦's scored 2024上半年
        scored = flat(
            pdftext(
                write(tmp_path / "a.pdf", ev.evaluation_report(app, demo_cases.sun, cycle=CYCLE))
            )
        )
        assert "评审周期2024上半年" in scored and "评分未完成" not in scored
        newest = flat(pdftext(write(tmp_path / "b.pdf", ev.evaluation_report(app, demo_cases.sun))))
        assert "评审周期2024下半年" in newest and "评分未完成" in newest
        for text in (scored, newest):
            assert "评审周期—" not in text
    finally:
        app.close(backup=False)


def test_a_reprinted_letter_and_announcement_carry_the_decision_day(
    demo_cases: DemoCases, tmp_path: Path
) -> None:
    """A promotion decided on 2023-12-27 and printed again years later was signed "2026年12月7日"
    and its 公示期 began that day: both carry the day it was decided and published."""
    from core.model import PromotionCase
    from core.services.admin import auth
    from tests.conftest import copy_company
    from tests.core.reports.support import PASSWORD

    app = auth.log_in(copy_company(demo_cases.path, tmp_path), "demo", PASSWORD)
    try:
        with app.uow() as uow:
            case = uow.session.get(PromotionCase, demo_cases.decided)
            assert case is not None
            case.decided_at = datetime(2023, 12, 27, 13, 30, tzinfo=UTC)  # 21:30 in 北京
            uow.commit()
        letter = flat(
            pdftext(write(tmp_path / "l.pdf", service.render_report(app, "letter", demo_cases.sun)))
        )
        notice = flat(
            pdftext(
                write(tmp_path / "a.pdf", service.render_report(app, "announcement", cycle=CYCLE))
            )
        )
        today = flat(b.date_text(date.today()))
        assert "2023年12月27日" in letter and today not in letter
        assert "自2023年12月27日起" in notice and today not in notice
    finally:
        app.close(backup=False)


def test_a_typed_performance_score_is_printed_with_its_item_and_rater(
    owner: AppSession, out: Path
) -> None:
    """李娜's move to 运营总监 has no KPI rule: her 绩效 is the 年度绩效 王芳 entered. The
    report printed "绩效 60% — 82", without the item or who gave it."""
    from tests.core.reports.support import employee

    li = employee(owner, "E002")
    pdf = write(out / "e.pdf", service.render_report(owner, "evaluation", li, cycle=CYCLE))
    text = flat(pdftext(pdf))
    assert "年度绩效（100%）王芳82" in text, text[:600]
