"""The three-part evaluation: template weights, part scores from KPIs and rubric items, the total."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.domain.rules import (
    AchievementRecord,
    CriterionSpec,
    EvaluationContext,
    evaluate,
    evaluate_transition,
)
from core.domain.scoring import (
    DEFAULT_TEMPLATE,
    EvaluationTemplate,
    RubricItem,
    TemplatePart,
    average_ratings,
    performance_score,
    score_evaluation,
    validate_template,
)

ITEMS = {
    "ability": {"策略答辩": 80.0, "数据分析": 70.0, "团队协作": 90.0},
    "potential": {"学习能力": 60.0, "创新能力": 70.0, "领导力": 80.0},
}


def kpi_results():  # type: ignore[no-untyped-def]
    """Three KPI criteria with attainment 1, 2/3 and 1/2, plus a tenure rule that must not count."""
    ctx = EvaluationContext(
        series={"gmv_growth": {"2024-04": 0.2, "2024-05": 0.1, "2024-06": 0.2}},
        achievements=[AchievementRecord("new_product", date(2024, 5, 1))],
        level_since=date(2020, 1, 1),
    )
    specs = [
        CriterionSpec("each_month", "gmv_growth", ">=", 0.0, 3),  # met: 1
        CriterionSpec("each_month", "gmv_growth", ">=", 0.15, 3),  # 2 of 3 months: 2/3
        CriterionSpec("count", None, ">=", 2, 3, "new_product"),  # 1 of 2: 1/2
        CriterionSpec("tenure", threshold=600),  # far off, but tenure is not performance
    ]
    return evaluate_transition(specs, ctx, "2024-06").results


def test_default_template_is_60_20_20_and_valid() -> None:
    assert [(p.key, p.weight) for p in DEFAULT_TEMPLATE.parts] == [
        ("performance", 60),
        ("ability", 20),
        ("potential", 20),
    ]
    assert [i.name for i in DEFAULT_TEMPLATE.part("ability").items] == [
        "策略答辩",
        "数据分析",
        "团队协作",
    ]  # type: ignore[union-attr]
    assert validate_template(DEFAULT_TEMPLATE) == []


def test_performance_is_the_mean_kpi_attainment_on_0_to_100() -> None:
    assert performance_score(kpi_results()) == pytest.approx((1 + 2 / 3 + 1 / 2) / 3 * 100)
    assert performance_score([]) is None


def test_total_is_the_weighted_sum_of_the_parts() -> None:
    score = score_evaluation(DEFAULT_TEMPLATE, kpi_results(), ITEMS)
    assert score.problems == ()
    assert score.parts["performance"] == pytest.approx(72.2222, abs=1e-3)
    assert score.parts["ability"] == pytest.approx(0.4 * 80 + 0.3 * 70 + 0.3 * 90)  # 80
    assert score.parts["potential"] == pytest.approx(0.4 * 60 + 0.3 * 70 + 0.3 * 80)  # 69
    assert score.total == pytest.approx(0.6 * 72.2222 + 0.2 * 80 + 0.2 * 69, abs=1e-3)
    # and the result is what score rules read
    ctx = EvaluationContext(scores=score.as_scores())
    assert evaluate(CriterionSpec("score", threshold=73), ctx, "2024-06").met
    assert not evaluate(
        CriterionSpec("score", threshold=70, score_part="potential"), ctx, "2024-06"
    ).met


def test_a_missing_item_score_leaves_the_part_and_total_open() -> None:
    partial = {"ability": {"策略答辩": 80.0, "数据分析": 70.0}, "potential": ITEMS["potential"]}
    score = score_evaluation(DEFAULT_TEMPLATE, kpi_results(), partial)
    assert score.parts["ability"] is None and score.total is None
    assert [p.text("zh") for p in score.problems] == ["“能力”缺少“团队协作”的评分"]
    assert [p.text("en") for p in score.problems] == ['Ability: no score yet for "团队协作"']


def test_an_item_score_outside_0_to_100_is_refused() -> None:
    wrong = {**ITEMS, "ability": {**ITEMS["ability"], "策略答辩": 850.0}}
    score = score_evaluation(DEFAULT_TEMPLATE, kpi_results(), wrong)
    assert score.total is None
    assert score.problems[0].text("zh") == "“策略答辩”的分数850应在0到100之间"


def test_a_transfer_without_kpi_rules_scores_performance_from_its_items() -> None:
    template = replace(
        DEFAULT_TEMPLATE,
        parts=(
            TemplatePart("performance", "绩效", 60, (RubricItem("主管评价", 100),)),
            *DEFAULT_TEMPLATE.parts[1:],
        ),
    )
    score = score_evaluation(template, [], {**ITEMS, "performance": {"主管评价": 90.0}})
    assert score.parts["performance"] == 90.0 and score.total is not None
    no_way = score_evaluation(DEFAULT_TEMPLATE, [], ITEMS)
    assert no_way.total is None
    assert no_way.problems[0].code == "rules.scoring.no_kpi"


@pytest.mark.parametrize(
    ("parts", "zh"),
    [
        (
            (
                TemplatePart("performance", "绩效", 60),
                TemplatePart("ability", "能力", 30, (RubricItem("a", 100),)),
            ),
            "绩效、能力、潜力的权重合计为90，应为100",
        ),
        (
            (
                TemplatePart("performance", "绩效", 80),
                TemplatePart("ability", "能力", 20, (RubricItem("a", 50), RubricItem("b", 40))),
            ),
            "“能力”各项目权重合计为90，应为100",
        ),
        (
            (TemplatePart("performance", "绩效", 80), TemplatePart("potential", "潜力", 20)),
            "“潜力”有权重但没有评分项目",
        ),
        (
            (
                TemplatePart("performance", "绩效", 110),
                TemplatePart("ability", "能力", -10, (RubricItem("a", 100),)),
            ),
            "“能力”的权重应为不小于0的数字",
        ),
        (
            (TemplatePart("performance", "绩效", 50), TemplatePart("performance", "业绩", 50)),
            "评估部分“业绩”出现了两次",
        ),
        (
            (TemplatePart("luck", "运气", 100, (RubricItem("a", 100),)),),
            "未知的评估部分“luck”，应为绩效、能力或潜力",
        ),
        ((), "评估模板还没有任何部分"),
    ],
)
def test_template_validation_says_what_to_fix(parts: tuple[TemplatePart, ...], zh: str) -> None:
    problems = validate_template(EvaluationTemplate("t", parts))
    assert zh in [p.text("zh") for p in problems]
    for p in problems:
        assert "{" not in p.text("en")


def test_several_raters_of_one_item_are_averaged() -> None:
    ratings = [
        ("ability", "策略答辩", 80),
        ("ability", "策略答辩", 90),
        ("potential", "领导力", 70),
    ]
    assert average_ratings(ratings) == {
        "ability": {"策略答辩": 85.0},
        "potential": {"领导力": 70.0},
    }


def test_templates_round_trip_through_the_stored_form() -> None:
    stored = DEFAULT_TEMPLATE.to_parts()
    assert stored[1]["items"][0]["rubric"]["90"].startswith("能独立提出")
    assert EvaluationTemplate.from_parts(DEFAULT_TEMPLATE.name, stored) == DEFAULT_TEMPLATE


@given(
    st.tuples(st.integers(0, 100), st.integers(0, 100)),
    st.dictionaries(st.sampled_from(["a", "b"]), st.floats(0, 100)),
)
def test_total_stays_within_0_to_100_when_complete(
    ab: tuple[int, int], scores: dict[str, float]
) -> None:
    a = ab[0]
    template = EvaluationTemplate(
        "t",
        (
            TemplatePart("performance", "绩效", 100 - a, (RubricItem("a", 100),)),
            TemplatePart(
                "ability", "能力", a, (RubricItem("a", ab[1]), RubricItem("b", 100 - ab[1]))
            ),
        ),
    )
    result = score_evaluation(template, [], {"performance": scores, "ability": scores})
    assert (result.total is not None) == ({"a", "b"} <= set(scores))
    if result.total is not None:
        assert -1e-9 <= result.total <= 100 + 1e-9
