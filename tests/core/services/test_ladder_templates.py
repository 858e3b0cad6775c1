"""Built-in templates A (家居) and B (美妆): exactly the rules of docs/design.md, as an employee reads them."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from core.domain import ladder_design
from core.domain.explain import describe
from core.domain.metrics import CATALOGUE
from core.domain.rules import AchievementConditions, CriterionSpec
from core.errors import ValidationError
from core.model import Competency, CriteriaVersion
from core.services.ladder import saving as ladder
from core.services.ladder.templates import template_design
from core.session import AppSession


def _paths(
    design: ladder_design.LadderDesign,
) -> dict[tuple[str, str], ladder_design.TransitionSpec]:
    return {
        (design.level_label(t.from_level_id), design.level_label(t.to_level_id)): t
        for t in design.transitions
    }


def test_template_a_has_the_operations_ladder_and_exactly_the_brief_s_criteria(
    company_home: AppSession,
) -> None:
    design = ladder.load_design(company_home)
    assert [t.name for t in design.sorted_tracks()] == ["店铺运营"]
    track = design.sorted_tracks()[0]
    assert [(lv.rank, lv.title) for lv in design.levels_of(track.id)] == [
        (1, "运营助理"),
        (2, "运营专员"),
        (3, "运营主管"),
        (4, "运营总监"),
    ]
    paths = _paths(design)
    first = paths[("店铺运营/运营助理", "店铺运营/运营专员")]
    assert first.criteria == (
        CriterionSpec(kind="each_month", metric="gmv_growth", threshold=0.15, window=3),
        CriterionSpec(kind="change", metric="conversion_rate", threshold=0.02, window=3),
        CriterionSpec(kind="count", threshold=2, window=3, achievement_type="new_product"),
    )
    second = paths[("店铺运营/运营专员", "店铺运营/运营主管")]
    assert second.criteria == (
        CriterionSpec(kind="each_month", metric="gmv_growth", threshold=0.18, window=6),
        CriterionSpec(kind="average", metric="repurchase_rate", threshold=0.30, window=6),
        CriterionSpec(
            kind="count",
            threshold=3,
            window=6,
            achievement_type="campaign",
            conditions=AchievementConditions(roi_min=2, team_min=2),
        ),
    )
    assert (second.raise_min_pct, second.raise_max_pct) == (30, 50)
    assert [describe(c, "zh") for c in first.criteria] == [
        "连续3个月GMV增长率≥15%",
        "转化率较3个月前提升≥2个百分点",
        "近3个月完成≥2次新品上线",
    ]
    assert describe(second.criteria[2], "zh") == "近6个月完成≥3次活动策划（ROI≥2，带领≥2人）"


def test_template_a_supervisor_gets_the_incentives_of_the_brief(company_home: AppSession) -> None:
    design = ladder.load_design(company_home)
    supervisor = next(lv for lv in design.levels if lv.title == "运营主管")
    assert {"决定新品上线策略", "团队招聘权"} <= set(supervisor.permissions)
    assert {"电商运营峰会", "团队管理技巧"} <= set(supervisor.trainings)
    assert supervisor.salary_min is not None and supervisor.salary_max is not None
    assert supervisor.salary_min < supervisor.salary_max


def test_template_b_beauty_rules_and_horizontal_moves(company_beauty: AppSession) -> None:
    design = ladder.load_design(company_beauty)
    assert [t.name for t in design.sorted_tracks()] == [
        "店铺运营",
        "用户运营",
        "直播运营",
        "数据运营",
    ]
    paths = _paths(design)
    first = paths[("店铺运营/运营助理", "店铺运营/运营专员")]
    assert [describe(c, "zh") for c in first.criteria] == [
        "连续3个月GMV增长率≥12%",
        "转化率较3个月前提升≥1.5个百分点",
        "近3个月完成≥1次直播支持",
    ]
    second = paths[("店铺运营/运营专员", "店铺运营/运营主管")]
    assert second.criteria[2] == CriterionSpec(
        kind="count",
        threshold=3,
        window=6,
        achievement_type="new_product",
        conditions=AchievementConditions(team_min=2),
    )

    # "Levels as in A" in every operations track, each judged on its own measures (issue #20)
    def sentences(source: str, target: str) -> list[str]:
        return [describe(c, "zh") for c in paths[(source, target)].criteria]

    assert sentences("用户运营/运营助理", "用户运营/运营专员") == [
        "近3个月30日留存率平均≥30%",
        "连续3个月活跃用户增长率≥3%",
        "近3个月私域转化率平均≥5%",
    ]
    assert sentences("用户运营/运营专员", "用户运营/运营主管") == [
        "近6个月90日留存率平均≥20%",
        "近6个月复购率平均≥30%",
        "近6个月完成≥3次活动策划（带领≥2人）",
    ]
    assert sentences("直播运营/运营助理", "直播运营/运营专员") == [
        "连续3个月直播观看人数≥100,000",
        "近3个月直播互动率平均≥120%",
        "连续3个月直播下单转化率≥2.5%",
    ]
    assert sentences("直播运营/运营专员", "直播运营/运营主管") == [
        "连续6个月场均直播GMV≥¥60,000",
        "近6个月直播下单转化率平均≥3%",
        "近6个月完成≥3次活动策划（带领≥2人）",
    ]
    assert sentences("数据运营/运营专员", "店铺运营/运营主管") == [
        "近6个月报表准确率平均≥95%",
        "近6个月策略提升率平均≥5%",
        "近6个月完成≥2次创新提案",
    ]
    own_measures = {
        "用户运营": {"user"},
        "直播运营": {"live"},
        "数据运营": {"data"},
    }
    tracks = {t.id: t.name for t in design.tracks}
    levels = {lv.id: lv for lv in design.levels}
    for t in design.transitions:
        track = tracks[levels[t.from_level_id].track_id]
        metrics = [c.metric for c in t.criteria if c.metric]
        if track in own_measures and t.kind == "promotion":
            assert metrics and {CATALOGUE[m].category for m in metrics} <= own_measures[track]
    # every transfer has a criterion about the role it leads to
    for source, target, wanted in (
        ("店铺运营/运营专员", "用户运营/运营专员", "repurchase_rate"),
        ("用户运营/运营专员", "直播运营/运营专员", "live_support"),
        ("店铺运营/运营专员", "数据运营/运营专员", "report_accuracy"),
    ):
        about = [c.metric or c.achievement_type for c in paths[(source, target)].criteria]
        assert wanted in about, (source, target, about)
    # 店铺运营 → 用户运营 → 直播运营 as transfers between the specialists
    to_users = paths[("店铺运营/运营专员", "用户运营/运营专员")]
    to_live = paths[("用户运营/运营专员", "直播运营/运营专员")]
    assert to_users.kind == to_live.kind == "transfer"
    assert ("直播运营/运营专员", "用户运营/运营专员") not in paths
    # 运营专员 → 数据分析师 (数据运营's 运营专员) → 运营主管 (docs/design.md)
    assert paths[("店铺运营/运营专员", "数据运营/运营专员")].kind == "transfer"
    assert paths[("数据运营/运营专员", "店铺运营/运营主管")].kind == "promotion"


def test_template_b_fits_the_demo_company_roster(company_beauty: AppSession) -> None:
    """tests/data/samples/员工花名册.xlsx is the demo company's roster: every 通道/职级 pair exists."""
    design = ladder.load_design(company_beauty)
    tracks = {t.id: t.name for t in design.tracks}
    pairs = {(tracks[lv.track_id], lv.title) for lv in design.levels}
    roster = {
        ("店铺运营", "运营总监"),
        ("店铺运营", "运营主管"),
        ("直播运营", "运营主管"),
        ("店铺运营", "运营专员"),
        ("用户运营", "运营专员"),
        ("店铺运营", "运营助理"),
        ("直播运营", "运营助理"),
        ("直播运营", "运营专员"),
        ("用户运营", "运营助理"),
        ("数据运营", "运营助理"),
        ("数据运营", "运营专员"),
    }
    assert roster <= pairs


def test_templates_have_the_default_60_20_20_evaluation(company_beauty: AppSession) -> None:
    design = ladder.load_design(company_beauty)
    template = design.default_template()
    assert template is not None
    assert [(p.key, p.weight) for p in template.template.parts] == [
        ("performance", 60),
        ("ability", 20),
        ("potential", 20),
    ]
    ability = template.template.part("ability")
    assert ability is not None
    assert [i.name for i in ability.items] == ["策略答辩", "数据分析", "团队协作"]
    promotions = [t for t in design.transitions if t.kind == "promotion"]
    assert all(t.evaluation_template_id == template.id for t in promotions)


def test_templates_seed_competencies_and_version_1_snapshots(company_home: AppSession) -> None:
    with company_home.read() as s:
        names = list(s.scalars(select(Competency.name).order_by(Competency.sort_order)))
        snapshots = list(s.scalars(select(CriteriaVersion)))
    assert names == list(ladder_design.DEFAULT_COMPETENCIES)
    assert len(snapshots) == 3 and {v.version for v in snapshots} == {1}


def test_a_template_design_is_valid_and_an_unknown_template_is_refused() -> None:
    for name in ("home", "beauty"):
        assert ladder_design.validate_design(template_design(name)) == []
    with pytest.raises(ValidationError):
        template_design("shoes")


def test_thresholds_tidui_chose_are_marked_and_the_brief_s_are_not() -> None:
    from core.services.ladder.templates import is_tidui_threshold

    beauty = template_design("beauty")
    paths = _paths(beauty)
    shop = paths[("店铺运营/运营助理", "店铺运营/运营专员")]
    assert not any(is_tidui_threshold(c) for c in shop.criteria)  # the brief's numbers
    users = paths[("用户运营/运营专员", "用户运营/运营主管")]
    assert [is_tidui_threshold(c) for c in users.criteria] == [True, False, False]
    live = paths[("直播运营/运营助理", "直播运营/运营专员")]
    assert all(is_tidui_threshold(c) for c in live.criteria)
    # once the owner sets the threshold, it is theirs
    changed = replace(live.criteria[0], threshold=80_000)
    assert not is_tidui_threshold(changed)
