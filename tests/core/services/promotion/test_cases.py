"""A promotion case on the demo company: the chain, who may act, the decision, the effective date."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core.domain.cases import CaseState
from core.errors import PermissionDenied, TiduiError, ValidationError
from core.model import Employee, Entitlement, GradeChange, Level
from core.services import demo
from core.services.admin import auth
from core.services.promotion import cases, config, cycles, scores
from core.session import AppSession

PASSWORD = "tidui-demo"
CYCLE = demo.DEMO_CYCLE


@pytest.fixture
def demo_file(demo_sources: Callable[[bool], Path]) -> Path:
    return demo_sources(False)  # the tests walk their own cases; built once: copy, never open


@pytest.fixture
def owner(demo_file: Path, tmp_path: Path) -> Iterator[AppSession]:
    path = tmp_path / "demo.tidui"
    shutil.copy(demo_file, path)
    shutil.copy(str(demo_file) + ".keys", str(path) + ".keys")
    app = auth.log_in(path, "demo", PASSWORD)
    yield app
    app.close(backup=False)


def as_user(app: AppSession, login: str) -> AppSession:
    return auth.unlock_again(app, login, PASSWORD)


def emp_id(app: AppSession, no: str) -> int:
    with app.read() as s:
        found = s.scalar(select(Employee.id).where(Employee.no == no))
        assert found is not None
        return found


def level_id(app: AppSession, track: str, title: str) -> int:
    from core.model import Track

    with app.read() as s:
        found = s.scalar(
            select(Level.id)
            .join(Track, Track.id == Level.track_id)
            .where(Track.name == track, Level.title == title)
        )
        assert found is not None
        return found


def chen_jing_case(app: AppSession) -> int:
    """陈静 (E004) for 运营主管: nearly ready, so proposed with a reason; 李娜 (lina) supervises her."""
    return cases.create_case(
        app,
        emp_id(app, "E004"),
        level_id(app, "店铺运营", "运营主管"),
        cycle=CYCLE,
        reason="618 大促带队表现突出",
    )


def test_a_case_goes_supervisor_hr_owner_then_the_decision_changes_the_archive(
    owner: AppSession,
) -> None:
    case_id = chen_jing_case(owner)
    view = cases.view_case(owner, case_id)
    assert view.state is CaseState.SUBMITTED and view.summary.waiting_for == "supervisor"
    assert view.summary.waiting_logins == ("lina",)
    lina = as_user(owner, "lina")
    assert [c.id for c in cases.my_queue(lina)] == [case_id]
    assert cases.act(lina, case_id, "approve", "同意，带队能力强") is CaseState.IN_REVIEW
    hr = as_user(owner, "hr")
    assert [c.id for c in cases.my_queue(hr)] == [case_id]
    assert cases.act(hr, case_id, "approve") is CaseState.IN_REVIEW
    boss = as_user(owner, "demo")
    assert cases.act(boss, case_id, "approve") is CaseState.APPROVED
    view = cases.view_case(boss, case_id)
    assert view.actions and "decide" in view.actions
    assert view.salary_before == 8000
    low, _high = view.suggested_salary or (0, 0)
    assert view.salary_band[0] is not None and low >= view.salary_band[0]
    effective = date.today() - timedelta(days=1)
    state = cases.decide(boss, case_id, low, effective)
    assert state is CaseState.EFFECTIVE
    with boss.read() as s:
        emp = s.get(Employee, emp_id(boss, "E004"))
        assert emp is not None
        assert emp.level_id == level_id(boss, "店铺运营", "运营主管")
        assert emp.salary == low and emp.level_since == effective
        change = s.scalars(
            select(GradeChange).where(GradeChange.case_ref == f"case:{case_id}")
        ).one()
        assert (change.salary_before, change.salary_after) == (8000, low)
        granted = {
            e.name for e in s.scalars(select(Entitlement).where(Entitlement.case_id == case_id))
        }
    assert granted == set(view.permissions) | set(view.training)
    done = cases.view_case(boss, case_id)
    assert done.from_snapshot and done.decision is not None
    assert done.decision["notice"].startswith("陈静晋升为运营主管，自")
    actions = [(t.role, t.login, t.action) for t in done.trail]
    assert actions[:4] == [
        ("", "demo", "submit"),
        ("supervisor", "lina", "approve"),
        ("hr", "hr", "approve"),
        ("owner", "demo", "approve"),
    ]
    assert actions[-2:] == [("owner", "demo", "decide"), ("", "demo", "effective")]
    assert done.summary.days_to_decision is not None and done.summary.days_to_decision >= 0


def test_only_the_waiting_step_may_act_and_the_owner_acts_on_its_behalf(owner: AppSession) -> None:
    case_id = chen_jing_case(owner)
    hr = as_user(owner, "hr")
    with pytest.raises(ValidationError) as err:
        cases.act(hr, case_id, "approve")
    assert err.value.code == "case.not_your_step" and "直属上级" in err.value.text("zh")
    lina = as_user(owner, "lina")
    with pytest.raises(PermissionDenied):
        cases.create_case(lina, emp_id(lina, "E004"), transition_id=1)
    boss = as_user(owner, "demo")
    cases.act(boss, case_id, "approve", "代直属上级审批")
    view = cases.view_case(boss, case_id)
    step = view.trail[-1]
    assert (step.role, step.login, step.on_behalf) == ("supervisor", "demo", True)
    # the supervisor's step is done: approving it again is not possible for lina
    with pytest.raises(ValidationError) as err:
        cases.act(lina, case_id, "approve")
    assert err.value.code == "case.not_your_step"
    cases.act(hr, case_id, "approve")
    with pytest.raises(PermissionDenied):
        cases.decide(hr, case_id, 11000, date.today())
    with pytest.raises(ValidationError) as err:
        cases.decide(boss, case_id, 11000, date.today())  # still at the owner's approval step
    assert err.value.code == "case.illegal_move"


def test_a_step_without_an_account_is_skipped_and_the_trail_says_why(owner: AppSession) -> None:
    # 孙悦 (E006) is supervised by 陈静, who has no account; she is ready for 运营专员
    case_id = cases.create_case(
        owner, emp_id(owner, "E006"), level_id(owner, "店铺运营", "运营专员"), cycle=CYCLE
    )
    view = cases.view_case(owner, case_id)
    assert view.summary.waiting_for == "hr"
    skip = [t for t in view.trail if t.action == "skip"]
    assert [(t.role, t.text("zh")) for t in skip] == [("supervisor", "没有对应的账号")]


def test_someone_not_ready_needs_a_reason_and_one_open_case_per_move(owner: AppSession) -> None:
    target = level_id(owner, "店铺运营", "运营主管")
    with pytest.raises(ValidationError) as err:
        cases.create_case(owner, emp_id(owner, "E004"), target, cycle=CYCLE)
    assert err.value.code == "case.reason_required"
    chen_jing_case(owner)
    with pytest.raises(ValidationError) as err:
        chen_jing_case(owner)
    assert err.value.code == "case.exists"


def test_return_goes_back_to_the_creator_who_resubmits_from_the_first_step(
    owner: AppSession,
) -> None:
    case_id = chen_jing_case(owner)
    lina = as_user(owner, "lina")
    with pytest.raises(ValidationError) as err:
        cases.act(lina, case_id, "return")
    assert err.value.code == "case.comment_required"
    assert cases.act(lina, case_id, "return", "请补充618活动方案") is CaseState.RETURNED
    boss = as_user(owner, "demo")
    assert [c.id for c in cases.my_queue(boss)] == [case_id]
    cases.add_evidence(boss, case_id, "618活动方案.pdf", b"%PDF-1.4 plan")
    cases.resubmit(boss, case_id, "已补充方案")
    view = cases.view_case(boss, case_id)
    assert view.state is CaseState.SUBMITTED and view.summary.waiting_for == "supervisor"
    assert [name for _, name, _ in view.evidence] == ["618活动方案.pdf"]


def test_reject_ends_the_case_and_no_one_can_act_on_it_afterwards(owner: AppSession) -> None:
    case_id = chen_jing_case(owner)
    lina = as_user(owner, "lina")
    assert cases.act(lina, case_id, "reject", "GMV增长未连续达标") is CaseState.REJECTED
    boss = as_user(owner, "demo")
    with pytest.raises(ValidationError) as err:
        cases.act(boss, case_id, "approve")
    assert err.value.code == "case.closed"
    # a new case for the same move may be started later
    assert chen_jing_case(boss) != case_id


def approved(app: AppSession) -> int:
    case_id = chen_jing_case(app)
    for _ in range(3):
        cases.act(app, case_id, "approve")  # the owner may act on every step
    return case_id


def test_salary_outside_the_band_is_refused_and_nothing_changes(owner: AppSession) -> None:
    case_id = approved(owner)
    view = cases.view_case(owner, case_id)
    high = view.salary_band[1]
    assert high is not None
    with pytest.raises(ValidationError) as err:
        cases.decide(owner, case_id, high + 1, date.today())
    assert err.value.code == "case.salary.outside_band"
    assert cases.view_case(owner, case_id).state is CaseState.APPROVED


def test_a_future_effective_date_publishes_and_applies_at_the_first_log_in_on_or_after_it(
    owner: AppSession,
) -> None:
    case_id = approved(owner)
    later = date.today() + timedelta(days=30)
    assert cases.decide(owner, case_id, 11000, later) is CaseState.PUBLISHED
    with owner.read() as s:
        emp = s.get(Employee, emp_id(owner, "E004"))
        assert emp is not None and emp.salary == 8000
    assert cases.apply_due(owner, today=later - timedelta(days=1)) == []
    assert cases.apply_due(owner, today=later) == [case_id]
    with owner.read() as s:
        emp = s.get(Employee, emp_id(owner, "E004"))
        assert emp is not None and emp.salary == 11000


def test_a_published_case_can_be_revoked_with_a_reason(owner: AppSession) -> None:
    case_id = approved(owner)
    cases.decide(owner, case_id, 11000, date.today() + timedelta(days=30))
    with pytest.raises(ValidationError):
        cases.revoke(owner, case_id, "")
    cases.revoke(owner, case_id, "员工主动放弃")
    assert cases.view_case(owner, case_id).state is CaseState.REVOKED
    assert cases.apply_due(owner, today=date.today() + timedelta(days=60)) == []


def test_the_snapshot_does_not_change_when_the_data_it_was_built_on_is_undone(
    owner: AppSession,
) -> None:
    from core.model import ImportBatch
    from core.services.imports import engine as imports

    case_id = approved(owner)
    cases.decide(owner, case_id, 11000, date.today() + timedelta(days=30))
    before = cases.view_case(owner, case_id)
    assert before.criteria and any(c["kind"] == "each_month" for c in before.criteria)
    with owner.read() as s:
        batches = [
            b.id for b in s.scalars(select(ImportBatch).where(ImportBatch.source == "sycm-shop"))
        ]
    for batch in batches:
        imports.undo_import(owner, batch)
    after = cases.view_case(owner, case_id)
    assert after.criteria == before.criteria and after.evaluation == before.evaluation
    # while a live view of the same person has lost that data
    live = cases.case_json(cases.view_case(owner, chen_jing_case_for_transfer(owner)))
    assert live["snapshot"] is False


def chen_jing_case_for_transfer(app: AppSession) -> int:
    return cases.create_case(
        app, emp_id(app, "E004"), level_id(app, "用户运营", "运营专员"), reason="转岗"
    )


def test_scores_of_several_raters_are_averaged_with_their_spread(owner: AppSession) -> None:
    cycle = cycles.get_cycle(owner, CYCLE)
    e4 = emp_id(owner, "E004")
    hr = as_user(owner, "hr")
    target = scores.ScoreTarget(cycle.id, e4, "ability", "团队协作", rater="王芳")
    scores.enter_score(hr, target, 70)
    scores.enter_score(hr, scores.ScoreTarget(cycle.id, e4, "ability", "团队协作"), 90, "答辩")
    sheet = scores.score_sheet(hr, cycle.id)
    row = next(r for r in sheet.rows if r.employee_id == e4)
    cell = row.cells[("ability", "团队协作")]
    assert (cell.mine, cell.average, cell.spread, cell.count) == (90, 80, 20, 2)
    with pytest.raises(ValidationError) as err:
        scores.enter_score(hr, target, 101)
    assert err.value.code == "case.score.range"
    scores.enter_score(hr, target, None)  # cleared
    sheet = scores.score_sheet(hr, cycle.id)
    row = next(r for r in sheet.rows if r.employee_id == e4)
    assert row.cells[("ability", "团队协作")].count == 1


def test_the_performance_of_a_move_without_kpi_rules_is_typed_in_the_grid(
    owner: AppSession,
) -> None:
    cycle = cycles.get_cycle(owner, CYCLE)
    hr = as_user(owner, "hr")
    li, chen = emp_id(owner, "E002"), emp_id(owner, "E004")
    sheet = scores.score_sheet(hr, cycle.id)
    assert sheet.columns[-1].part == "performance"  # after the rated 能力 and 潜力 items
    li_row = next(r for r in sheet.rows if r.employee_id == li)  # 运营主管 → 运营总监: no KPI
    typed = li_row.cells[("performance", "年度绩效")]
    assert (typed.average, typed.count, typed.editable) == (82, 1, True)  # 王芳's, imported
    chen_row = next(r for r in sheet.rows if r.employee_id == chen)  # her KPI rules score it
    assert ("performance", "年度绩效") not in chen_row.cells
    scores.enter_score(hr, scores.ScoreTarget(cycle.id, li, "performance", "年度绩效"), 88)
    with owner.read() as s:
        entries = scores.period_entries(s, li, CYCLE)
    assert sorted(e[3] for e in entries if e[0] == "performance") == [82, 88]
    with pytest.raises(ValidationError) as err:  # 陈静's performance is her KPI attainment
        scores.enter_score(hr, scores.ScoreTarget(cycle.id, chen, "performance", "年度绩效"), 90)
    assert err.value.code == "case.score.unknown_item"


def test_a_supervisor_rates_only_their_own_team(owner: AppSession) -> None:
    cycle = cycles.get_cycle(owner, CYCLE)
    lina = as_user(owner, "lina")
    # 陈静 reports to 李娜; 刘洋 too; 吴昊 (E009) reports to 赵磊
    scores.enter_score(
        lina, scores.ScoreTarget(cycle.id, emp_id(owner, "E004"), "potential", "创新能力"), 82
    )
    with pytest.raises(PermissionDenied):
        scores.enter_score(
            lina, scores.ScoreTarget(cycle.id, emp_id(owner, "E009"), "potential", "创新能力"), 82
        )
    with pytest.raises(PermissionDenied):  # not herself
        scores.enter_score(
            lina, scores.ScoreTarget(cycle.id, emp_id(owner, "E002"), "potential", "创新能力"), 99
        )


def test_performance_is_the_kpi_attainment_and_the_total_the_weighted_parts() -> None:
    from core.domain import scoring
    from core.domain.rules import CriterionSpec, EvaluationContext, evaluate

    growth = CriterionSpec(kind="each_month", metric="gmv_growth", threshold=0.15, window=3)
    ctx = EvaluationContext(
        series={"gmv_growth": {"2024-04": 0.16, "2024-05": 0.10, "2024-06": 0.20}}
    )
    result = evaluate(growth, ctx, "2024-06")
    entries = [
        ("ability", "策略答辩", "王芳", 80.0, ""),
        ("ability", "策略答辩", "李娜", 90.0, ""),
        ("ability", "数据分析", "李娜", 70.0, ""),
        ("ability", "团队协作", "李娜", 60.0, ""),
        ("potential", "学习能力", "李娜", 90.0, ""),
        ("potential", "创新能力", "李娜", 80.0, ""),
        ("potential", "领导力", "李娜", 70.0, ""),
    ]
    found = scores.evaluate(scoring.DEFAULT_TEMPLATE, [result], entries)
    parts = {p.key: p for p in found.parts}
    assert parts["performance"].from_kpi
    assert parts["performance"].score == pytest.approx(200 / 3)  # 2 of 3 months met
    # ability: 策略答辩 85 ×40% + 数据分析 70 ×30% + 团队协作 60 ×30% = 73
    assert parts["ability"].score == pytest.approx(73)
    assert parts["potential"].score == pytest.approx(90 * 0.4 + 80 * 0.3 + 70 * 0.3)
    item = parts["ability"].items[0]
    assert (item.average, item.spread) == (85, 10)
    expected = 0.6 * 200 / 3 + 0.2 * 73 + 0.2 * (90 * 0.4 + 80 * 0.3 + 70 * 0.3)
    assert found.total == pytest.approx(expected)


def test_a_closed_cycle_takes_no_scores_and_no_cases_until_reopened(owner: AppSession) -> None:
    cycle = cycles.get_cycle(owner, CYCLE)
    cycles.close_cycle(owner, cycle.id)
    target = scores.ScoreTarget(cycle.id, emp_id(owner, "E004"), "ability", "团队协作")
    with pytest.raises(ValidationError) as err:
        scores.enter_score(owner, target, 80)
    assert err.value.code == "case.cycle.closed"
    with pytest.raises(ValidationError):
        chen_jing_case(owner)
    hr = as_user(owner, "hr")
    with pytest.raises(PermissionDenied):
        cycles.reopen_cycle(hr, cycle.id)
    boss = as_user(owner, "demo")
    cycles.reopen_cycle(boss, cycle.id)
    assert scores.enter_score(boss, target, 80) is not None


def test_the_cycle_lists_the_ready_and_nearly_ready_and_those_added_by_hand(
    owner: AppSession,
) -> None:
    found = cycles.cycle_candidates(owner, CYCLE)
    names = {(r.no, r.to_level) for r in found}
    assert ("E006", "运营专员") in names  # 孙悦, ready
    assert ("E004", "运营主管") in names  # 陈静, nearly
    assert all(r.source == "rules" for r in found)
    case_id = chen_jing_case(owner)
    row = next(r for r in cycles.cycle_candidates(owner, CYCLE) if r.case_id == case_id)
    assert row.source == "case" and row.waiting_for == "supervisor"


def test_the_approval_chain_is_configurable_by_the_owner(owner: AppSession) -> None:
    config.set_approval_chain(owner, ["hr", "owner"])
    case_id = chen_jing_case(owner)
    assert cases.view_case(owner, case_id).summary.waiting_for == "hr"
    with pytest.raises(TiduiError):
        config.set_approval_chain(owner, ["owner", "hr"])
    hr = as_user(owner, "hr")
    with pytest.raises(PermissionDenied):
        config.set_approval_chain(hr, ["owner"])


def test_the_notice_preview_of_a_company_with_no_decided_case_uses_the_latest_case(
    company_beauty: AppSession,
) -> None:
    """Without a decided case the 公示 preview fills in the latest case with the decision it would
    get by default (the first of next month, the current salary); the demo always has decided
    cases now (its finished cycle), so this path is shown on a company of its own."""
    from core.services.archive import employees
    from core.services.promotion import gui_support

    app = company_beauty
    assistant = level_id(app, "店铺运营", "运营助理")
    employee = employees.create_employee(
        app,
        employees.EmployeeInput(
            no="E001", name="张三", hire_date=date(2023, 1, 9), level_id=assistant, salary=5000
        ),
    )
    case_id = cases.create_case(
        app, employee, level_id(app, "店铺运营", "运营专员"), reason="试用期表现突出"
    )
    found = gui_support.notice_preview(
        app, "{姓名}晋升为{新职级}，月薪{月薪}元，自{生效日期}起生效。", date(2024, 6, 15)
    )
    assert found.text == "张三晋升为运营专员，月薪5,000元，自2024年7月1日起生效。"
    assert found.source == f"#{case_id} 张三"


def test_new_template_weights_name_the_cases_under_approval_they_re_score(
    fresh_demo: Callable[..., Path],
) -> None:
    """The GUI audit saved new 评估模板 weights and 孙悦's case, already approved by 人事, went
    from 91.9 to 89.7 without a word: ``rescored_by`` names such cases before the save."""
    import dataclasses

    from core.domain.scoring import EvaluationTemplate
    from core.services.ladder import saving as ladder

    app = auth.log_in(fresh_demo(with_cases=True), "demo", PASSWORD)
    try:
        design = ladder.load_design(app)
        assert cases.rescored_by(app, design) == []  # the saved design changes nothing
        spec = design.default_template()
        assert spec is not None
        weights = {"performance": 40.0, "ability": 40.0, "potential": 20.0}
        parts = tuple(dataclasses.replace(p, weight=weights[p.key]) for p in spec.template.parts)
        template = EvaluationTemplate(spec.template.name, parts)
        edited = dataclasses.replace(
            design,
            templates=tuple(
                dataclasses.replace(t, template=template) if t.id == spec.id else t
                for t in design.templates
            ),
        )
        found = {r.summary.no: r for r in cases.rescored_by(app, edited)}
        assert "E006" in found  # 孙悦, waiting for the owner
        sun = found["E006"]
        shown = cases.view_case(app, sun.summary.id).evaluation["total"]
        assert sun.before == pytest.approx(shown) and sun.after != pytest.approx(shown)
        decided = {c.no for c in cases.list_cases(app) if c.state in ("published", "effective")}
        assert not decided & set(found)  # a decided case keeps its snapshot
    finally:
        app.close(backup=False)


def test_a_decided_case_s_scores_no_longer_change(owner: AppSession) -> None:
    """GUI audit 5: lina typed 40 over her 72 for a decided case and nothing refused it; the
    grid then said 40 while the case, the review and the report kept the snapshot's 72."""
    cycle = cycles.get_cycle(owner, CYCLE)
    e4 = emp_id(owner, "E004")
    hr = as_user(owner, "hr")
    target = scores.ScoreTarget(cycle.id, e4, "ability", "团队协作")
    scores.enter_score(hr, target, 80)  # before the decision: typed freely
    case_id = chen_jing_case(owner)
    for login in ("lina", "hr", "demo"):
        cases.act(as_user(owner, login), case_id, "approve")
    low, _high = cases.view_case(owner, case_id).suggested_salary or (0, 0)
    cases.decide(owner, case_id, low, date.today() + timedelta(days=30))
    with pytest.raises(ValidationError) as err:
        scores.enter_score(hr, target, 40)
    assert err.value.code == "case.score.decided"
    assert (
        err.value.text("zh") == f"陈静的晋升申请 #{case_id} 已决定：评分已随决定保存，不能再修改。"
    )
    row = next(r for r in scores.score_sheet(hr, cycle.id).rows if r.employee_id == e4)
    assert not any(cell.editable for cell in row.cells.values())
    assert row.cells[("ability", "团队协作")].mine == 80
    others = [r for r in scores.score_sheet(hr, cycle.id).rows if r.employee_id != e4]
    assert any(cell.editable for r in others for cell in r.cells.values())
