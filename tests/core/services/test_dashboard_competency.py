"""能力缺口 (core/services/dashboard/competency.py, formula in the package docstring) on hand-computed data."""

from __future__ import annotations

from datetime import date

from core.model import Feedback, Level
from core.services import dashboard as db
from core.session import AppSession
from tests.core.services.test_metrics_seed import Seed


def _ref(i: int) -> db.PersonRef:
    return db.PersonRef(i, f"E{i}", f"员工{i}")


def test_competency_gap_counts_who_reaches_each_expectation() -> None:
    people = [_ref(1), _ref(2), _ref(3), _ref(4)]
    ratings = {
        1: {"数据分析": [3.0, 4.0], "领导力": [2.0]},  # 3.5 ≥ 3; 2 < 3
        2: {"数据分析": [3.0], "领导力": [3.0, 3.0]},  # 3 ≥ 3 (equal reaches); 3 ≥ 3
        3: {"数据分析": [5.0], "领导力": [1.0, 2.0]},  # 5; 1.5
        4: {"数据分析": [2.0, 3.0]},  # 2.5 < 3; 领导力 unrated
    }
    gap = db.competency_gap("运营主管", [("数据分析", 3), ("领导力", 3)], people, ratings)
    analysis, leadership = gap.needs
    assert [p.no for p in analysis.reached] == ["E1", "E2", "E3"]
    assert [p.no for p in analysis.short] == ["E4"] and analysis.unrated == ()
    assert [p.no for p in leadership.reached] == ["E2"]
    assert [p.no for p in leadership.short] == ["E1", "E3"]
    assert [p.no for p in leadership.unrated] == ["E4"]
    assert (leadership.reached_count, leadership.not_reached_count) == (1, 3)
    # E4 was never rated on 领导力: counted apart, not as falling short
    assert gap.sentence.text("zh") == (
        "运营主管：3人数据分析达到3级，但领导力未达标（1人达到，1人尚无评价）"
    )


def test_a_competency_nobody_was_rated_on_is_unrated_not_short() -> None:
    people = [_ref(1), _ref(2)]
    ratings = {1: {"数据分析": [4.0]}, 2: {"数据分析": [3.0]}}
    gap = db.competency_gap("运营主管", [("数据分析", 3), ("领导力", 3)], people, ratings)
    assert gap.sentence.text("zh") == "运营主管：2人数据分析达到3级，领导力尚无评价（2人未评）"
    assert "未达标" not in gap.sentence.text("zh")
    rated = {1: {"数据分析": [4.0], "领导力": [2.0]}, 2: {"数据分析": [3.0], "领导力": [3.0]}}
    both = db.competency_gap("运营主管", [("数据分析", 3), ("领导力", 3)], people, rated)
    assert both.sentence.text("zh") == "运营主管：2人数据分析达到3级，但领导力未达标（1人达到）"


def test_competency_gap_sentences_at_the_edges() -> None:
    people = [_ref(1), _ref(2)]
    need = [("数据分析", 3)]
    assert db.competency_gap("主管", need, [], {}).sentence.text("zh") == "主管：下一级暂无人员"
    nobody = db.competency_gap("主管", need, people, {1: {"数据分析": [2.0]}})
    assert nobody.sentence.text("zh") == "主管：下一级2人均未达到能力要求"
    everyone = {1: {"数据分析": [3.0]}, 2: {"数据分析": [4.0]}}
    assert db.competency_gap("主管", need, people, everyone).sentence.text("zh") == (
        "主管：下一级2人各项能力均达标"
    )
    unrated = db.competency_gap("主管", need, people, {})
    assert unrated.sentence.text("zh") == "主管：下一级2人尚无360能力评价，无法判断能力缺口"
    some = db.competency_gap("主管", need, people, {1: {"数据分析": [3.0]}})
    assert some.sentence.text("zh") == "主管：1人各项能力均达标，另有1人尚无评价"
    # one of two reached every competency, the other is unrated on all: no competency is
    # behind another (it read "1人数据分析达到2级，策略制定尚无评价（1人未评）")
    level = [("数据分析", 2), ("策略制定", 2)]
    even = db.competency_gap("专员", level, people, {1: {"数据分析": [2.0], "策略制定": [3.0]}})
    assert even.sentence.text("zh") == "专员：1人各项能力均达标，另有1人尚无评价"
    # as many reached each, and some fell short: no competency is named as the weak one
    short = {1: {"数据分析": [2.0], "策略制定": [1.0]}, 2: {"数据分析": [1.0], "策略制定": [2.0]}}
    assert db.competency_gap("专员", level, people, short).sentence.text("zh") == (
        "专员：1人数据分析达到2级"
    )


def test_competency_gap_through_the_file(company_home: AppSession) -> None:
    seed = Seed(company_home)
    supervisor = seed.level("运营主管")
    with company_home.uow() as uow:
        level = uow.session.get(Level, supervisor)
        assert level is not None
        level.competencies = {"数据分析": 3, "领导力": 3}
        uow.commit()
    a = seed.employee("E001", "甲", "运营专员")
    b = seed.employee("E002", "乙", "运营专员")
    c = seed.employee("E003", "丙", "运营专员")
    seed.employee("E004", "丁", "运营专员", left=date(2024, 1, 31))  # gone by 2024-03
    seed.employee("E005", "戊", "运营主管")  # at the level itself, not below it

    def rate(who: int, relation: str, day: date, **ratings: int) -> None:
        with company_home.uow() as uow:
            uow.session.add(Feedback(employee_id=who, relation=relation, date=day, ratings=ratings))
            uow.commit()

    rate(a, "上级", date(2024, 2, 1), 数据分析=4, 领导力=2)
    rate(a, "自评", date(2024, 2, 1), 领导力=5)  # self-ratings do not count
    rate(b, "同事", date(2024, 2, 1), 数据分析=3, 领导力=2)
    rate(b, "上级", date(2024, 2, 1), 领导力=3)  # 领导力 2.5 < 3
    rate(c, "上级", date(2024, 2, 1), 数据分析=3)
    rate(c, "上级", date(2024, 4, 1), 领导力=5)  # after the as-of month: not yet
    d = db.dashboard(company_home, "2024-03")
    gaps = {g.level: g for g in d.competency}
    gap = gaps["运营主管"]
    assert [p.no for p in gap.people] == ["E001", "E002", "E003"]
    assert gap.below == ("运营专员",)
    counts = {n.competency: (n.reached_count, len(n.short), len(n.unrated)) for n in gap.needs}
    assert counts == {"数据分析": (3, 0, 0), "领导力": (0, 2, 1)}
    assert gap.sentence.text("zh") == (
        "运营主管：3人数据分析达到3级，但领导力未达标（0人达到，1人尚无评价）"
    )
    row = next(r for r in db.as_json(d, "zh")["competency_gaps"] if r["level"] == "运营主管")
    assert row["competencies"][1] == {
        "competency": "领导力",
        "expected": 3,
        "reached": 0,
        "not_reached": 3,
        "unrated": 1,
    }
    table = db.tables(d)["competency"]
    assert ("店铺运营", "运营主管", 3, "领导力", 3, 0, 2, 1) in table.rows
