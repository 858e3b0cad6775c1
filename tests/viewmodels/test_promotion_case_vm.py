"""The case view's viewmodel without a window: what it shows, the moves each user is offered,
refusals with the core's sentence, the decision inside the band, revoking; and 待我处理."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from core.domain.rules import Readiness
from core.services.admin import auth
from core.services.eligibility import readiness as el
from core.session import AppSession
from desktop.viewmodels import worker
from desktop.viewmodels.promotion_case_vm import CaseViewModel, first_of_next_month
from desktop.viewmodels.promotion_create_vm import CreateCasesViewModel, Proposal
from desktop.viewmodels.promotion_queue_vm import QueueViewModel
from desktop.viewmodels.session_vm import SessionViewModel
from tests.viewmodels.promotion_fixtures import PASSWORD, as_user, copy_demo


@pytest.fixture
def demo_file(demo_sources: Callable[[bool], Path]) -> Path:
    return demo_sources(False)  # built once per test process: copy it, never open it


@pytest.fixture
def owner(demo_file: Path, tmp_path: Path) -> Iterator[AppSession]:
    app = auth.log_in(copy_demo(demo_file, tmp_path), "demo", PASSWORD)
    yield app
    worker.wait_all()
    app.close(backup=False)


def proposal(app: AppSession, no: str, to_level: str) -> Proposal:
    found = el.eligibility_list(app, None)
    c = next(
        c
        for c in found.candidates
        if c.person.no == no
        and c.transition.to_level == to_level
        and c.transition.kind == "promotion"
    )
    return Proposal(c.person.id, c.transition.id, c.person.name, c.transition.label(), c.status)


def case_vm(qtbot: QtBot, app: AppSession, case_id: int) -> CaseViewModel:
    del qtbot
    vm = CaseViewModel(SessionViewModel(app), case_id)
    assert vm.load_now(), vm.error
    return vm


def ok(qtbot: QtBot, move: Callable[..., bool], *args: Any) -> None:
    """A move that succeeds; the case is then read again in the background."""
    vm = move.__self__  # type: ignore[attr-defined]
    with qtbot.waitSignal(vm.loaded, timeout=20000):
        assert move(*args), vm.error


def refused(qtbot: QtBot, move: Callable[..., bool], *args: Any) -> str:
    """A move the core refuses: it runs in the background, the core's sentence comes back."""
    vm = move.__self__  # type: ignore[attr-defined]
    with qtbot.waitSignal(vm.failed, timeout=20000) as failed:
        assert move(*args)
    assert not vm.busy and vm.error == failed.args[0]
    return str(failed.args[0])


def propose_chen_jing(app: AppSession) -> int:
    """陈静 E004 (李娜's team) for 运营主管: nearly ready, so a reason is needed."""
    create = CreateCasesViewModel(SessionViewModel(app))
    p = proposal(app, "E004", "运营主管")
    assert p.status is not Readiness.READY and create.needs_reason([p])
    refused = create.create([p], None, "")
    assert refused[0].case_id is None and "提名理由" in refused[0].error
    done = create.create([p], None, "带队止跌，建议破格")
    assert done[0].error == "" and done[0].case_id is not None
    return done[0].case_id


def test_the_chain_through_the_case_view_to_the_decision(qtbot: QtBot, owner: AppSession) -> None:
    case_id = propose_chen_jing(owner)
    lina, hr = as_user(owner, "lina"), as_user(owner, "hr")

    # 李娜 (direct supervisor) sees it in 待我处理 and may approve, return or reject
    queue = QueueViewModel(SessionViewModel(lina))
    queue.load_now()
    assert queue.count == 1 and queue.model.index(0, 1).data() == "陈静"
    vm = case_vm(qtbot, lina, case_id)
    assert vm.actions() == ["approve", "return", "reject"]
    header = dict(vm.header())
    assert header["员工"] == "陈静（E004）" and header["状态"] == "已提交"
    assert "lina" in header["当前处理"] and header["晋升路径"].endswith("运营主管")
    assert vm.reason == "带队止跌，建议破格"
    criteria = vm.criteria()
    assert criteria and any(not c.met for c in criteria) and all(c.explanation for c in criteria)
    assert any("%" in c.observed for c in criteria)  # rates in their unit, not 0.2
    parts = [line for line in vm.score_lines() if line.level == 0]
    assert [p.name for p in parts] == ["绩效", "能力", "潜力"]
    assert "最高99" in parts[0].tip and not parts[1].tip  # the performance rule on hover
    assert vm.total_text().startswith("总分")

    # 退回补充 needs a comment: the core's sentence, nothing changes
    assert "理由" in refused(qtbot, vm.act, "return", "")
    vm.load_now()
    assert vm.state == "submitted"
    ok(qtbot, vm.act, "return", "请补充直播复盘")
    assert vm.state == "returned" and vm.actions() == []

    # the creator (the owner here) resubmits; 李娜 approves, then HR
    boss = case_vm(qtbot, owner, case_id)
    assert "resubmit" in boss.actions() and "withdraw" in boss.actions()
    ok(qtbot, boss.act, "resubmit", "已补充")
    ok(qtbot, case_vm(qtbot, lina, case_id).act, "approve", "同意")
    hr_vm = case_vm(qtbot, hr, case_id)
    assert hr_vm.actions() == ["approve", "return", "reject"]  # HR may not withdraw
    ok(qtbot, hr_vm.act, "approve")
    assert hr_vm.state == "in_review" and hr_vm.actions() == []

    # the owner approves the last step, then decides: the suggested salary is inside the band,
    # one outside it is refused with the core's sentence
    boss.load_now()
    assert boss.actions()[:3] == ["approve", "return", "reject"]
    ok(qtbot, boss.act, "approve")
    assert boss.state == "approved" and "decide" in boss.actions()
    low, high = boss.band
    assert boss.salary_problem(boss.default_salary()) == ""
    assert boss.default_effective(date(2024, 12, 15)) == date(2025, 1, 1)
    if high is not None:
        assert "薪资带宽" in boss.salary_problem(high + 1)
        assert not boss.decide(high + 1, date.today(), [], [])
        assert "薪资带宽" in boss.error and boss.state == "approved"
    past = date.today() - timedelta(days=3)
    ok(qtbot, boss.decide, boss.default_salary(), past, boss.default_permissions(), ["带教培训"])
    assert boss.state == "effective"
    assert "生效" in dict(boss.header())["决定"]
    assert [t.action for t in boss.trail()] == [
        "提交", "退回补充", "重新提交", "同意", "同意", "同意", "决定并公示", "生效"
    ]  # fmt: skip
    assert [t.who for t in boss.trail()][3:6] == ["lina", "hr", "demo"]
    assert boss.actions() == []
    assert queue.fetch() == []  # nothing waits on 李娜 any more
    del low


def test_revoking_a_published_case_needs_a_reason(qtbot: QtBot, owner: AppSession) -> None:
    case_id = propose_chen_jing(owner)
    for login in ("lina", "hr"):
        ok(qtbot, case_vm(qtbot, as_user(owner, login), case_id).act, "approve")
    boss = case_vm(qtbot, owner, case_id)
    ok(qtbot, boss.act, "approve")
    ahead = first_of_next_month(date.today()) + timedelta(days=40)
    ok(qtbot, boss.decide, boss.default_salary(), ahead, [], [])
    assert boss.state == "published" and boss.actions() == ["revoke"]
    assert refused(qtbot, boss.act, "revoke", "")
    ok(qtbot, boss.act, "revoke", "预算调整")
    assert boss.state == "revoked" and boss.actions() == []


def test_a_supervisor_is_offered_nothing_on_a_case_not_waiting_on_her(
    qtbot: QtBot, owner: AppSession
) -> None:
    case_id = propose_chen_jing(owner)
    ok(qtbot, case_vm(qtbot, as_user(owner, "lina"), case_id).act, "approve")
    lina = case_vm(qtbot, as_user(owner, "lina"), case_id)
    assert lina.actions() == [] and lina.state == "in_review"
    assert refused(qtbot, lina.act, "approve")  # the core refuses a second approval


def test_evidence_and_the_self_statement(qtbot: QtBot, owner: AppSession, tmp_path: Path) -> None:
    case_id = propose_chen_jing(owner)
    vm = case_vm(qtbot, as_user(owner, "hr"), case_id)
    assert vm.can_add_evidence and vm.can_edit_statement
    plan = tmp_path / "活动方案.pdf"
    plan.write_bytes(b"%PDF-1.4 plan")
    ok(qtbot, vm.add_evidence, plan)
    [(attachment_id, name, _size)] = vm.evidence()
    assert name == "活动方案.pdf"
    opened = vm.open_evidence(attachment_id)
    assert opened is not None and opened.read_bytes() == b"%PDF-1.4 plan"
    vm.cleanup()
    assert not opened.exists()
    assert not vm.add_evidence(tmp_path / "missing.pdf") and vm.error
    ok(qtbot, vm.set_statement, "负责3家店铺，半年GMV增长22%")
    assert case_vm(qtbot, owner, case_id).statement == "负责3家店铺，半年GMV增长22%"


def test_the_owner_sets_the_approval_chain(qtbot: QtBot, owner: AppSession) -> None:
    from desktop.viewmodels.promotion_settings_vm import ChainViewModel

    del qtbot
    vm = ChainViewModel(SessionViewModel(owner))
    assert vm.allowed and vm.chain() == ["supervisor", "hr", "owner"]
    assert vm.steps() == [("supervisor", True), ("hr", True)]
    assert vm.save(["hr", "supervisor"])
    assert vm.chain() == ["hr", "supervisor", "owner"]
    assert vm.save(["hr"])
    assert vm.steps() == [("hr", True), ("supervisor", False)]
    hr = ChainViewModel(SessionViewModel(as_user(owner, "hr")))
    assert not hr.allowed and not hr.save([]) and hr.error
    assert vm.chain() == ["hr", "owner"]


def test_a_move_runs_off_the_gui_thread(
    qtbot: QtBot, owner: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """同意 returns at once with the case busy (the window keeps painting); one move at a time;
    the core's work happens on a pool thread; then the case is read again."""
    import threading

    from core.services.promotion import cases

    case_id = propose_chen_jing(owner)
    vm = case_vm(qtbot, as_user(owner, "lina"), case_id)
    threads: list[str] = []
    real_act = cases.act

    def spying_act(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real_act(*args, **kwargs)

    busy: list[bool] = []
    vm.busy_changed.connect(busy.append)
    acted: list[str] = []
    vm.acted.connect(acted.append)
    monkeypatch.setattr(cases, "act", spying_act)
    with qtbot.waitSignal(vm.loaded, timeout=20000):
        assert vm.act("approve", "同意")
        assert vm.busy and acted == [] and vm.state == "submitted"
        assert not vm.act("reject", "second click")  # refused while the first runs
    assert threads and threads[0] != threading.main_thread().name
    assert busy == [True, False] and acted == ["approve"] and not vm.busy
    assert vm.state == "in_review"


def test_the_progress_panel_lines_say_where_the_case_is(qtbot: QtBot, owner: AppSession) -> None:
    from desktop.viewmodels.promotion_queue_vm import CaseListViewModel

    case_id = propose_chen_jing(owner)
    chen = case_vm(qtbot, owner, case_id).view
    assert chen is not None
    lines = CaseListViewModel(SessionViewModel(owner), chen.summary.employee_id)
    lines.load_now()
    [line] = lines.status_lines()
    assert line.case_id == case_id and line.title.startswith(f"晋升申请 #{case_id}：")
    assert (line.state, line.step, line.open) == ("已提交", "", True)
    assert line.holder == "当前处理：直属上级（lina）"  # the step and who holds it, once
    ok(qtbot, case_vm(qtbot, as_user(owner, "lina"), case_id).act, "return", "请补充")
    lines.load_now()
    [line] = lines.status_lines()
    assert (line.state, line.step, line.holder) == (
        "退回补充",
        "退回给发起人补充",
        "当前处理：demo",
    )
    lines.set_employee(None)
    lines.load_now()
    assert lines.status_lines() == []


def test_the_owner_edits_the_notice_template(qtbot: QtBot, owner: AppSession) -> None:
    """Placeholders listed; a preview with a real case's values; an unknown placeholder refused
    with the core's sentence (nothing saved); a saved template is the one a decision publishes."""
    from desktop.viewmodels.promotion_settings_vm import NoticeTemplateViewModel

    vm = NoticeTemplateViewModel(SessionViewModel(owner))
    assert vm.allowed and vm.template() == vm.default()
    names = [name for name, _hint in vm.placeholders()]
    assert names[:4] == ["{姓名}", "{工号}", "{原职级}", "{新职级}"] and "{生效日期}" in names
    text, source = vm.preview("{姓名}晋升为{新职级}，自{生效日期}起生效。")
    assert "晋升为" in text and "{" not in text and source  # the demo's data or an example

    case_id = propose_chen_jing(owner)
    text, source = vm.preview("恭喜{姓名}（{工号}）晋升为{新职级}！")
    # the latest decided case: the demo's finished cycle 2023下半年 decided 刘洋's last
    assert text == "恭喜刘洋（E005）晋升为运营专员！" and "刘洋" in source

    bad = "恭喜{姓名}升任{职位}"
    assert "{职位}" in vm.problem(bad) and "可用" in vm.problem(bad)
    assert vm.preview(bad) == ("", "")
    assert not vm.save(bad) and "{职位}" in vm.error
    assert vm.template() == vm.default()  # nothing saved
    assert vm.problem("") and not vm.save("  ")

    assert vm.save("{公司名称}公示：{姓名}自{生效日期}起任{新职级}。"), vm.error
    assert vm.template() == "{公司名称}公示：{姓名}自{生效日期}起任{新职级}。"
    for login in ("lina", "hr"):
        ok(qtbot, case_vm(qtbot, as_user(owner, login), case_id).act, "approve")
    boss = case_vm(qtbot, owner, case_id)
    ok(qtbot, boss.act, "approve")
    ahead = first_of_next_month(date.today()) + timedelta(days=40)
    ok(qtbot, boss.decide, boss.default_salary(), ahead, [], [])
    notice = dict(boss.header())["决定"]
    assert "公示：陈静自" in notice and "起任运营主管" in notice
    hr = NoticeTemplateViewModel(SessionViewModel(as_user(owner, "hr")))
    assert not hr.allowed and not hr.save("{姓名}") and hr.error


def test_a_rate_change_reads_in_percentage_points_as_the_printed_report_says(
    qtbot: QtBot, owner: AppSession
) -> None:
    """孙悦's 转化率较3个月前提升≥1.5个百分点: the case view showed its 3.5% − 1.9% as "1.6%", a
    relative rise to the eye, while the rule and the PDF said 1.6个百分点."""
    from core.reports.common import value_text
    from core.services.promotion import cases

    done = CreateCasesViewModel(SessionViewModel(owner)).create(
        [proposal(owner, "E006", "运营专员")], None, ""
    )
    case_id = done[0].case_id
    assert case_id is not None, done[0].error
    line = next(c for c in case_vm(qtbot, owner, case_id).criteria() if "转化率" in c.rule)
    assert line.observed.endswith("个百分点") and "%" not in line.observed, line.observed
    raw = next(c for c in cases.view_case(owner, case_id).criteria if "转化率" in c["rule"])
    assert value_text({**raw, "unit": "percent"}, raw["observed"]) == line.observed


def test_english_lists_use_english_separators(qtbot: QtBot, owner: AppSession) -> None:
    """The case dialog read "Total 91.9 (绩效 100×60%，能力 78×20%，潜力 81.6×20%)" and a month by
    month value "13%、14%、16%" in English. The built-in part names read in English too; a
    name the owner typed would stay as typed."""
    from desktop import i18n
    from desktop.viewmodels.promotion_case_vm import observed_text

    done = CreateCasesViewModel(SessionViewModel(owner)).create(
        [proposal(owner, "E006", "运营专员")], None, ""
    )
    case_id = done[0].case_id
    assert case_id is not None, done[0].error
    vm = case_vm(qtbot, owner, case_id)
    chinese = vm.total_text()
    assert "，" in chinese
    i18n.install("en")
    try:
        total = vm.total_text()
        assert total.startswith("Total ") and "，" not in total and "%, " in total, total
        assert "Performance 100×60%" in total and "绩效" not in total, total
        assert [line.name for line in vm.score_lines() if line.level == 0] == [
            "Performance",
            "Ability",
            "Potential",
        ]
        assert observed_text("gmv_growth", [0.13, 0.14], "en") == "13%, 14%"
    finally:
        i18n.install("zh")
    assert vm.total_text() == chinese
    assert observed_text("gmv_growth", [0.13, 0.14], "zh") == "13%、14%"


def test_the_reason_hint_names_who_is_not_ready(qapp: object) -> None:
    def person(name: str, status: Readiness) -> Proposal:
        return Proposal(1, 1, name, "运营助理 → 运营专员", status)

    hint = CreateCasesViewModel.reason_hint
    # "有人尚未达标" read oddly for the one person proposed: she is named
    assert hint([person("陈静", Readiness.NEARLY)]).startswith("陈静尚未达标：")
    both = [person("陈静", Readiness.NEARLY), person("刘洋", Readiness.NOT_READY)]
    assert hint(both).startswith("陈静、刘洋尚未达标：")
    assert hint([person("孙悦", Readiness.READY)]) == "已达标；理由可不填。"
    assert hint([person("孙悦", Readiness.READY)] * 2) == "都已达标；理由可不填。"


def test_a_skipped_step_is_named_in_the_case_header(qtbot: QtBot, owner: AppSession) -> None:
    """孙悦's supervisor 陈静 has no account, so her step is skipped: the GUI audit found that
    only as a line in the trail. The header says it, with why."""
    done = CreateCasesViewModel(SessionViewModel(owner)).create(
        [proposal(owner, "E006", "运营专员")], None, ""
    )
    case_id = done[0].case_id
    assert case_id is not None, done[0].error
    header = dict(case_vm(qtbot, owner, case_id).header())
    assert header["已跳过"] == "直属上级：没有对应的账号"
    chen = CreateCasesViewModel(SessionViewModel(owner)).create(
        [proposal(owner, "E004", "运营主管")], None, "带队止跌"
    )
    assert chen[0].case_id is not None, chen[0].error
    assert "已跳过" not in dict(case_vm(qtbot, owner, chen[0].case_id).header())  # lina acts


def _summary(case_id: int, state: str, move: tuple[str, str]) -> Any:
    from datetime import UTC, datetime

    from core.services.promotion.cases import CaseSummary

    moment = datetime(2024, 1, case_id, tzinfo=UTC)
    return CaseSummary(
        case_id, 15, "E015", "林晓", *move, "promotion", None, state, None, (), "hr",
        moment, moment, 1.0, 0.0, True,
    )  # fmt: skip


def test_a_case_that_took_effect_is_not_shown_above_the_next_move() -> None:
    """林晓's 运营助理 → 运营专员 case took effect in 2023: above the card of her next move
    (运营专员 → 运营主管) it read as that move's case. An ended attempt still shows."""
    from desktop.viewmodels.promotion_queue_vm import status_lines

    took_effect = _summary(3, "effective", ("运营助理", "运营专员"))
    assert status_lines([took_effect]) == []
    rejected = _summary(9, "rejected", ("运营专员", "运营主管"))
    [line] = status_lines([rejected, took_effect])
    assert (line.case_id, line.state, line.open) == (9, "已驳回", False)
    # the latest decided one only: an attempt before the move that took effect is history too
    assert status_lines([_summary(2, "rejected", ("运营助理", "运营专员")), took_effect]) == []
    going = _summary(12, "submitted", ("运营专员", "运营主管"))
    assert [s.case_id for s in status_lines([going, took_effect])] == [12]


def test_the_creator_may_withdraw_at_any_step(qtbot: QtBot, owner: AppSession) -> None:
    """GUI audit 5: hr's 撤回 vanished once her case went on to the supervisor, though the core
    lets the creator withdraw an undecided case at any step. Someone else at that step (lina)
    is not offered it."""
    hr = as_user(owner, "hr")
    case_id = propose_chen_jing(hr)
    mine = case_vm(qtbot, hr, case_id)
    assert mine.view is not None and not mine.view.can_act  # at lina's step now
    assert "withdraw" in mine.actions()
    assert "withdraw" not in case_vm(qtbot, as_user(owner, "lina"), case_id).actions()
    ok(qtbot, mine.act, "withdraw", "时机未到")
    assert mine.state == "withdrawn" and "withdraw" not in mine.actions()
