"""The review screen's data on the demo company: rows, one candidate's detail, a comparison."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.errors import ValidationError
from core.services.admin import auth
from core.services.promotion import review
from core.services.promotion.cycles import CycleRow, list_cycles
from core.session import AppSession
from tests.viewmodels.promotion_fixtures import PASSWORD, copy_demo


@pytest.fixture
def demo_file(demo_sources: Callable[[bool], Path]) -> Path:
    return demo_sources(False)  # built once per test process: copy it, never open it


@pytest.fixture
def owner(demo_file: Path, tmp_path: Path) -> Iterator[AppSession]:
    app = auth.log_in(copy_demo(demo_file, tmp_path), "demo", PASSWORD)
    yield app
    app.close(backup=False)


def _cycle(app: AppSession) -> CycleRow:
    return list_cycles(app)[0]


def _rows(app: AppSession) -> list[review.ReviewRow]:
    return review.review_rows(app, _cycle(app).id)


def test_rows_show_name_transition_readiness_and_total(owner: AppSession) -> None:
    rows = _rows(owner)
    assert all(r.name and "→" in r.transition for r in rows)
    assert {r.readiness for r in rows} <= {"ready", "nearly", "not"}
    assert all(r.state for r in rows if r.case_id)


def test_detail_has_criteria_with_monthly_series(owner: AppSession) -> None:
    row = next(r for r in _rows(owner) if r.name == "陈静")
    detail = review.review_detail(owner, _cycle(owner), row)
    assert not all(c.met for c in detail.criteria)  # only nearly ready: GMV missed one month
    kpi = [c for c in detail.criteria if c.series]
    assert detail.total is None  # ability and potential not yet scored
    assert kpi and len(kpi[0].series) == len(kpi[0].months)
    assert [p["key"] for p in detail.parts]


def test_compare_needs_two_or_three_of_one_transition(owner: AppSession) -> None:
    rows = _rows(owner)
    detail = review.review_detail(owner, _cycle(owner), rows[0])
    with pytest.raises(ValidationError):
        review.compare([detail])
    by_transition: dict[str, list[review.ReviewRow]] = {}
    for r in rows:
        by_transition.setdefault(r.transition, []).append(r)
    same = max(by_transition.values(), key=len)[:2]
    assert len(same) == 2
    with pytest.raises(ValidationError):
        mixed = next(r for r in rows if r.transition != same[0].transition)
        review.compare([review.review_detail(owner, _cycle(owner), r) for r in (same[0], mixed)])
    lines = review.compare([review.review_detail(owner, _cycle(owner), r) for r in same])
    assert all(len(line.values) == 2 for line in lines)
    assert any(line.section == "criteria" for line in lines)
    for line in lines:
        assert line.differs == (len(set(line.values)) > 1)


def test_the_listed_total_is_the_total_the_detail_shows(owner: AppSession) -> None:
    """李娜 has no case yet: the list showed — while the panel showed 81.2."""
    cycle = _cycle(owner)
    for row in review.review_rows(owner, cycle.id):
        assert row.total == review.review_detail(owner, cycle, row).total, row.name


def test_competencies_count_ratings_up_to_the_cycles_month_and_leave_self_ratings_out(
    owner: AppSession,
) -> None:
    """A rating given after the cycle's as-of month does not count yet; a self-rating never does;
    a supervisor outside the candidate's team sees no ratings rather than an error."""
    from datetime import date

    from sqlalchemy import select

    from core.model import Employee
    from core.services.archive import records

    cycle = _cycle(owner)
    row = next(r for r in _rows(owner) if r.name == "孙悦" and r.transition.endswith("运营专员"))
    before, _ = review.competencies_of(owner, cycle, row)
    with owner.read() as s:
        boss = s.scalar(select(Employee.id).where(Employee.no == "E001"))
    late = records.FeedbackInput(
        relation="上级", date=date(2024, 8, 1), ratings={"团队协作": 1}, rater_employee_id=boss
    )
    records.add_feedback(owner, row.employee_id, late)  # after 2024-06: not in this cycle
    selfie = records.FeedbackInput(relation="自评", date=date(2024, 6, 2), ratings={"团队协作": 5})
    records.add_feedback(owner, row.employee_id, selfie)
    after, quotes = review.competencies_of(owner, cycle, row)
    assert after == before
    teamwork = next(c for c in after if c.competency == "团队协作")
    assert (teamwork.expected, teamwork.mean, teamwork.raters, teamwork.reached) == (
        3,
        3.5,
        2,
        True,
    )
    assert all(q.date <= "2024-06-30" for q in quotes)

    live = next(r for r in _rows(owner) if r.name == "黄婷")  # 直播部, under 赵磊 (E003)
    assert any(c.mean is not None for c in review.competencies_of(owner, cycle, live)[0])
    other_team = auth.unlock_again(owner, "lina", PASSWORD)  # 李娜 supervises E002's team only
    lines, quoted = review.competencies_of(other_team, cycle, live)
    assert all(c.mean is None for c in lines) and quoted == ()


def test_the_criteria_are_in_the_language_shown(
    demo_sources: Callable[[bool], Path], tmp_path: Path
) -> None:
    """A case's snapshot keeps each criterion in both languages; the English review showed the
    Chinese ones ("在当前职级满12个月: 已满37个月"), with and without a case."""
    from core import i18n

    owner = auth.log_in(copy_demo(demo_sources(True), tmp_path), "demo", PASSWORD)

    def chinese(text: str) -> bool:
        return any("\u4e00" <= ch <= "\u9fff" for ch in text)

    cycle = next(c for c in list_cycles(owner) if c.name == "2024上半年")
    rows = review.review_rows(owner, cycle.id)
    chosen = [next(r for r in rows if r.case_id), next(r for r in rows if not r.case_id)]
    before = [review.review_detail(owner, cycle, row).criteria for row in chosen]
    i18n.set_language("en")
    try:
        after = [review.review_detail(owner, cycle, row).criteria for row in chosen]
    finally:
        i18n.set_language("zh")
    for zh, en in zip(before, after, strict=True):
        assert zh and len(zh) == len(en)
        assert all(chinese(line.explanation) for line in zh)
        for line_zh, line_en in zip(zh, en, strict=True):  # the names in them are data
            assert line_en.rule != line_zh.rule and not chinese(line_en.rule), line_en
            assert line_en.explanation != line_zh.explanation, line_en
            assert not any(word in line_en.explanation for word in ("已满", "最近一次", "已完成"))
            assert line_en.met == line_zh.met
    owner.close(backup=False)


def test_a_supervisor_reviews_her_team_not_herself(owner: AppSession) -> None:
    """李娜 (E002) rates and reviews her team; her own candidacy for 运营总监, with 王芳's scores of
    her, was in her 晋升评审, her 候选人 and her score grid. The owner still sees it."""
    from core.services.promotion import scores

    lina = auth.unlock_again(owner, "lina", PASSWORD)
    cycle = next(c for c in list_cycles(owner) if c.name == "2024上半年")
    assert "E002" in {r.no for r in review.review_rows(owner, cycle.id)}
    theirs = {r.no for r in review.review_rows(lina, cycle.id)}
    assert theirs and "E002" not in theirs
    assert "E002" not in {r.no for r in scores.score_sheet(lina, cycle.id).rows}


def test_a_supervisor_s_lists_leave_her_own_readiness_to_her_archive(owner: AppSession) -> None:
    """GUI audits 2 and 3: 李娜's 达标名单 listed her own row (评估总分 81.2, 还差3.8分, from
    王芳's scores of her) and her dashboard's "运营总监 接近 1" opened a list of only herself.
    Her lists are of the people she reviews; her own 晋升进度 stays in her archive."""
    from core.services import dashboard
    from core.services.archive import employees
    from core.services.eligibility import readiness as el

    lina = auth.unlock_again(owner, "lina", PASSWORD)
    assert "E002" in {c.person.no for c in el.eligibility_list(owner).candidates}
    mine = {c.person.no for c in el.eligibility_list(lina).candidates}
    assert mine and "E002" not in mine
    me = next(r.id for r in employees.list_employees(lina) if r.no == "E002")
    (outlook,) = el.employee_progress(lina, me).outlooks  # her own archive still shows it
    assert outlook.results[0].observed is not None
    figures = dashboard.dashboard(lina)
    director = next(lv for t in figures.tracks for lv in t.levels if lv.level == "运营总监")
    assert director.nearly_in == 0
