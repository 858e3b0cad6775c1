"""Who is ready for which move, through the company file: Template A cases computed by hand.

Every verdict here was worked out on paper from the rule semantics of docs/design.md;
the last tests check that the 达标名单 (batch path) and 晋升进度 (explained path) agree.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from sqlalchemy import select

from core.domain.rules import Readiness
from core.errors import PermissionDenied, ValidationError
from core.model import Criterion, GradeChange, Transition
from core.services.eligibility import readiness as eligibility
from core.session import AppSession
from tests.conftest import as_role
from tests.core.services.test_metrics_seed import Seed, gmv_with_growth

AS_OF = "2024-03"
# 运营助理 → 运营专员 (Template A): GMV growth ≥ 15% in each of 3 months; conversion up ≥ 2 pp
# over those 3 months; ≥ 2 successful new-product launches within them.
GROWTH_OF_THE_BRIEF = (0.162, 0.098, 0.175)  # "1月 16.2%, 2月 9.8% ✗, 3月 17.5%"


def assistant(
    seed: Seed,
    no: str,
    name: str,
    growths: tuple[float, float, float] = (0.16, 0.2, 0.17),
    conversion: tuple[float, float] = (0.025, 0.046),
    launches: tuple[date, ...] = (date(2024, 1, 15), date(2024, 3, 2)),
    **person: object,
) -> int:
    """An assistant running one store from 2023-12 with the given growth, conversion and launches."""
    emp = seed.employee(no, name, "运营助理", **person)  # type: ignore[arg-type]
    shop = seed.store(f"{name}的店")
    seed.own(emp, shop, "2023-12")
    gmv = gmv_with_growth(100_000.0, growths)
    visitors = [100_000, 100_000, 100_000, 100_000]
    buyers = [round(conversion[0] * 100_000), 3000, 3500, round(conversion[1] * 100_000)]
    seed.months(shop, "2023-12", gmv, batch=seed.batch(), visitors=visitors, buyers=buyers)
    for day in launches:
        seed.achievement(emp, "new_product", day)
    return emp


def by_person(found: eligibility.EligibilityList) -> dict[str, eligibility.Candidate]:
    return {f"{c.person.no}:{c.transition.to_level}": c for c in found.candidates}


def test_template_a_assistant_cases(company_home: AppSession) -> None:
    seed = Seed(company_home)
    ready = assistant(seed, "E007", "周杰")
    nearly = assistant(seed, "E006", "孙悦", growths=GROWTH_OF_THE_BRIEF)
    # launches on the window's first and last day count, the day before and a failed one do not
    edge = assistant(
        seed,
        "E010",
        "徐丽",
        launches=(date(2024, 1, 1), date(2024, 3, 31)),
    )
    short = assistant(seed, "E011", "马超", launches=(date(2023, 12, 31), date(2024, 4, 1)))
    seed.achievement(short, "new_product", date(2024, 2, 1), result="失败")
    seed.achievement(short, "new_product", date(2024, 2, 2))
    # GMV(M−1) = 0: growth is undefined, so not met (and not an infinite success)
    zero = seed.employee("E012", "胡月", "运营助理")
    shop = seed.store("零起点店")
    seed.own(zero, shop, "2023-12")
    seed.months(shop, "2023-12", [0.0, 1000.0, 1200.0, 1400.0], batch=seed.batch())
    # a departed employee with perfect numbers is not on the list
    assistant(seed, "E013", "郭强", left=date(2024, 3, 15))

    found = eligibility.eligibility_list(company_home, AS_OF)
    rows = by_person(found)
    assert found.as_of == AS_OF
    assert "E013:运营专员" not in rows
    assert rows["E007:运营专员"].status is Readiness.READY
    assert rows["E007:运营专员"].met == (True, True, True)
    assert rows["E006:运营专员"].status is Readiness.NEARLY  # all but one met
    assert rows["E006:运营专员"].met == (False, True, True)
    assert rows["E010:运营专员"].status is Readiness.READY
    assert rows["E011:运营专员"].met == (True, True, False)  # only 1 launch counts
    assert rows["E012:运营专员"].met[0] is False
    assert rows["E012:运营专员"].status is Readiness.NOT_READY  # no conversion data either
    assert {c.person.no for c in found.shortlist()} == {"E006", "E007", "E010", "E011"}

    progress = eligibility.employee_progress(company_home, nearly, AS_OF)
    (outlook,) = progress.outlooks
    growth, conversion, launches = outlook.results
    assert growth.explanation.text("zh") == (
        "GMV增长率≥15%: 近3个月中已满足2个月 (1月 16.2%, 2月 9.8% ✗, 3月 17.5%)"
    )
    assert growth.missing is not None and "2月 9.8% ✗" in growth.missing.text("zh")
    assert conversion.met and conversion.observed == pytest.approx(0.021)
    assert launches.met and launches.observed == 2
    assert outlook.summary().text("zh") == "接近达标（2/3项条件已满足）"
    assert outlook.summary().text("en") == "Nearly ready (2 of 3 criteria met)"

    (short_outlook,) = eligibility.employee_progress(company_home, short, AS_OF).outlooks
    missing = short_outlook.results[2].missing
    assert missing is not None and missing.text("zh") == "还差1次新品上线"
    edge_results = eligibility.employee_progress(company_home, edge, AS_OF).outlooks[0].results
    assert [a.date for a in edge_results[2].evidence] == [date(2024, 1, 1), date(2024, 3, 31)]
    assert ready  # (used above through its 工号)


def test_conversion_change_is_in_percentage_points_and_needs_both_ends(
    company_home: AppSession,
) -> None:
    seed = Seed(company_home)
    just = assistant(seed, "E001", "甲", conversion=(0.03, 0.05))  # +2.0 pp exactly: met
    under = assistant(seed, "E002", "乙", conversion=(0.03, 0.0499))  # +1.99 pp: not met
    found = by_person(eligibility.eligibility_list(company_home, AS_OF))
    assert found["E001:运营专员"].met[1] is True
    assert found["E002:运营专员"].met[1] is False
    # the month before the window (2023-12) is needed: as of 2024-04 the window starts at 2024-01
    later = by_person(eligibility.eligibility_list(company_home, "2024-04"))
    assert later["E001:运营专员"].met[1] is False
    (outlook,) = eligibility.employee_progress(company_home, under, AS_OF).outlooks
    missing = outlook.results[1].missing
    assert missing is not None and missing.text("zh") == "转化率还差0.01个百分点"
    assert just


def specialist(seed: Seed, no: str, name: str, repurchase: float = 0.32) -> int:
    """A specialist with 6 months of ≥ 18% growth and the given repurchase rate, Jan–Jun 2024."""
    emp = seed.employee(no, name, "运营专员")
    shop = seed.store(f"{name}的旗舰店")
    seed.own(emp, shop, "2023-12")
    gmv = gmv_with_growth(100_000.0, [0.2] * 6)
    seed.months(
        shop,
        "2023-12",
        gmv,
        batch=seed.batch(),
        visitors=[50_000] * 7,
        buyers=[1000] * 7,
        old=[round(repurchase * 1000)] * 7,
    )
    return emp


def test_template_a_specialist_campaign_conditions(company_home: AppSession) -> None:
    # 运营专员 → 运营主管: growth ≥ 18% × 6; repurchase ≥ 30% (6-month average);
    # ≥ 3 successful 活动策划 with ROI ≥ 2 and a team of ≥ 2 within the 6 months
    seed = Seed(company_home)
    chen = specialist(seed, "E004", "陈静")
    for day, roi, team in ((date(2024, 3, 8), 2.6, 2), (date(2024, 5, 20), 2.1, 2),
                           (date(2024, 6, 18), 3.4, 3)):  # fmt: skip
        seed.achievement(chen, "campaign", day, roi=roi, team=team)
    liu = specialist(seed, "E005", "刘洋", repurchase=0.29)
    seed.achievement(liu, "campaign", date(2024, 2, 1), roi=2.0, team=2)
    seed.achievement(liu, "campaign", date(2024, 3, 1), roi=1.9, team=5)  # ROI too low
    seed.achievement(liu, "campaign", date(2024, 4, 1), roi=3.0, team=1)  # team too small
    seed.achievement(liu, "campaign", date(2024, 5, 1), roi=None, team=3)  # ROI unknown
    seed.achievement(liu, "campaign", date(2024, 6, 1), roi=4.0, team=4, result="失败")

    found = by_person(eligibility.eligibility_list(company_home, "2024-06"))
    assert found["E004:运营主管"].status is Readiness.READY
    assert found["E005:运营主管"].met == (True, False, False)
    # 29% against 30%: within the 10% margin; 1 of 3 campaigns is not — two unmet: not ready
    assert found["E005:运营主管"].status is Readiness.NOT_READY
    (outlook,) = eligibility.employee_progress(company_home, liu, "2024-06").outlooks
    assert outlook.results[2].observed == 1
    assert outlook.results[2].missing is not None
    assert outlook.results[2].missing.text("zh") == "还差2次活动策划（ROI≥2，带领≥2人）"


def test_nearly_ready_margin_is_configurable(company_home: AppSession) -> None:
    seed = Seed(company_home)
    # growth 14% and 14.5% in two months: two unmet criteria, each within 10% of 15%
    assistant(seed, "E001", "甲", growths=(0.14, 0.145, 0.2))
    found = by_person(eligibility.eligibility_list(company_home, AS_OF))
    assert found["E001:运营专员"].status is Readiness.NEARLY
    eligibility.set_margin(company_home, 0.0)
    assert eligibility.margin(company_home) == 0.0
    found = by_person(eligibility.eligibility_list(company_home, AS_OF))
    # with no margin, growth met in only 1 of 3 months is not near (it was, as "all but one")
    assert found["E001:运营专员"].status is Readiness.NOT_READY
    eligibility.set_margin(company_home, 0.5)
    found = by_person(eligibility.eligibility_list(company_home, AS_OF))
    assert found["E001:运营专员"].status is Readiness.NEARLY  # 14% is within half of 15%
    with pytest.raises(ValidationError):
        eligibility.set_margin(company_home, 0.9)
    hr = as_role(company_home, "hr1", "hr")
    with pytest.raises(PermissionDenied):
        eligibility.set_margin(hr, 0.2)


def test_two_unmet_criteria_within_margin_are_nearly_and_outside_are_not(
    company_home: AppSession,
) -> None:
    seed = Seed(company_home)
    # growth misses by ≤ 1.5 pp of 15 (10%) and conversion +1.9 pp (within 10% of 2 pp)
    assistant(seed, "E001", "甲", growths=(0.14, 0.16, 0.16), conversion=(0.03, 0.049))
    assistant(seed, "E002", "乙", growths=(0.10, 0.16, 0.16), conversion=(0.03, 0.049))
    found = by_person(eligibility.eligibility_list(company_home, AS_OF))
    assert found["E001:运营专员"].status is Readiness.NEARLY
    assert found["E002:运营专员"].status is Readiness.NOT_READY
    eligibility.set_margin(company_home, 0.0)
    found = by_person(eligibility.eligibility_list(company_home, AS_OF))
    assert found["E001:运营专员"].status is Readiness.NOT_READY


def test_lower_is_better_metric_rule(company_home: AppSession) -> None:
    seed = Seed(company_home)
    emp = assistant(seed, "E001", "甲")
    with company_home.uow() as uow:
        transition = uow.session.scalars(select(Transition)).first()
        assert transition is not None
        transition.criteria.append(
            Criterion(
                kind="each_month",
                metric="inventory_turnover_days",
                comparator="<=",
                threshold=30.0,
                window=3,
                position=9,
                conditions={},
            )
        )
        uow.commit()
    for month, days in (("2024-01", 28.0), ("2024-02", 30.0), ("2024-03", 31.0)):
        seed.manual(emp, "inventory_turnover_days", month, days)
    (outlook,) = eligibility.employee_progress(company_home, emp, AS_OF).outlooks
    turnover = outlook.results[-1]
    assert [d.met for d in turnover.details] == [True, True, False]
    assert turnover.explanation.text("zh") == (
        "库存周转天数≤30天: 近3个月中已满足2个月 (1月 28天, 2月 30天, 3月 31天 ✗)"
    )
    found = by_person(eligibility.eligibility_list(company_home, AS_OF))
    assert found["E001:运营专员"].met == (True, True, True, False)
    assert found["E001:运营专员"].status is Readiness.NEARLY


def test_tenure_and_score_rules_to_director(company_home: AppSession) -> None:
    # 运营主管 → 运营总监: at least 12 months as 主管, evaluation total ≥ 85
    seed = Seed(company_home)
    li = seed.employee("E002", "李娜", "运营主管", level_since=date(2023, 3, 1))
    zhao = seed.employee("E003", "赵磊", "运营主管", level_since=None)
    with company_home.uow() as uow:
        uow.session.add(
            GradeChange(
                employee_id=zhao,
                effective_date=date(2023, 6, 2),
                to_level_id=seed.level("运营主管"),
            )
        )
        uow.commit()
    # an older period first, then the latest one (two raters of one item are averaged)
    seed.score(li, "2023下半年", "ability", "策略答辩", 50, date(2023, 12, 20))
    for part, item, score in (
        ("performance", "年度绩效", 90),
        ("ability", "策略答辩", 80),
        ("ability", "策略答辩", 90),
        ("ability", "数据分析", 90),
        ("ability", "团队协作", 80),
        ("potential", "学习能力", 90),
        ("potential", "创新能力", 80),
        ("potential", "领导力", 70),
    ):
        seed.score(li, "2024上半年", part, item, score, date(2024, 6, 28))
    progress = eligibility.employee_progress(company_home, li, "2024-06")
    (outlook,) = progress.outlooks
    score, tenure = outlook.results
    ability = 0.4 * 85 + 0.3 * 90 + 0.3 * 80
    potential = 0.4 * 90 + 0.3 * 80 + 0.3 * 70
    total = 0.6 * 90 + 0.2 * ability + 0.2 * potential
    assert score.observed == pytest.approx(total)
    assert score.met is (total >= 85)
    assert tenure.met and tenure.observed == 16  # March 2023 to June 2024
    # 赵磊: no level_since, so the grade change (2 June: counts from July) gives 12 months
    (zhao_outlook,) = eligibility.employee_progress(company_home, zhao, "2024-06").outlooks
    assert zhao_outlook.results[1].observed == 12 and zhao_outlook.results[1].met
    assert zhao_outlook.results[0].met is False  # no evaluation yet
    assert zhao_outlook.results[0].missing is not None
    found = by_person(eligibility.eligibility_list(company_home, "2024-06"))
    assert found["E002:运营总监"].met == (score.met, True)
    assert found["E003:运营总监"].met == (False, True)
    assert found["E003:运营总监"].status is Readiness.NEARLY


def test_supervisor_sees_only_their_team(company_home: AppSession) -> None:
    seed = Seed(company_home)
    lead = seed.employee("E004", "陈静", "运营专员")
    assistant(seed, "E006", "孙悦", supervisor=lead)
    other = assistant(seed, "E008", "黄婷")
    sup = seed.supervisor("chenjing", "E004")
    found = eligibility.eligibility_list(sup, AS_OF)
    assert {c.person.no for c in found.candidates} == {"E006"}  # her team, not herself
    (own,) = eligibility.employee_progress(sup, lead, AS_OF).outlooks  # hers, in her archive
    assert own.results
    with pytest.raises(PermissionDenied):
        eligibility.employee_progress(sup, other, AS_OF)


def test_as_of_defaults_to_the_last_complete_month_with_data(company_home: AppSession) -> None:
    seed = Seed(company_home)
    assistant(seed, "E001", "甲")  # data up to 2024-03
    found = eligibility.eligibility_list(company_home, today=date(2024, 9, 1))
    assert found.as_of == "2024-03" and found.latest_month == "2024-03"
    found = eligibility.eligibility_list(company_home, today=date(2024, 3, 20))
    assert found.as_of == "2024-02"
    with pytest.raises(ValidationError):
        eligibility.eligibility_list(company_home, "2024-13")


def test_a_path_without_rules_is_never_ready(company_home: AppSession) -> None:
    seed = Seed(company_home)
    emp = assistant(seed, "E001", "甲")
    with company_home.uow() as uow:
        for criterion in uow.session.scalars(select(Criterion)):
            uow.session.delete(criterion)
        uow.commit()
    found = by_person(eligibility.eligibility_list(company_home, AS_OF))
    assert found["E001:运营专员"].status is Readiness.NOT_READY
    (outlook,) = eligibility.employee_progress(company_home, emp, AS_OF).outlooks
    assert outlook.status is Readiness.NOT_READY
    assert "还没有设置任何条件" in outlook.summary().text("zh")


# --- the list (batch) and the panel (one by one) agree ----------------------------------------


def test_list_and_progress_panel_agree_on_a_seeded_template_b_company(
    company_beauty: AppSession,
) -> None:
    seed = Seed(company_beauty)
    rng = np.random.default_rng(6)
    levels = ["运营助理", "运营专员", "运营主管", "用户运营/运营专员", "数据运营/运营专员"]
    people = []
    for i in range(24):
        title = levels[i % len(levels)]
        since = date(2023, 1 + i % 12, 1 + i % 27) if i % 7 else None
        emp = seed.employee(f"E{i:03d}", f"员工{i}", title, level_since=since)
        people.append(emp)
        shop = seed.store(f"店{i}")
        seed.own(emp, shop, "2023-06" if i % 3 else "2023-11", None if i % 4 else "2024-04")
        growth = rng.uniform(0.05, 0.3, 12)
        gmv = gmv_with_growth(float(rng.uniform(50_000, 200_000)), list(growth))
        gmv = [None if rng.random() < 0.05 else g for g in gmv]
        visitors = [int(v) for v in rng.integers(20_000, 60_000, 13)]
        buyers = [int(v * rng.uniform(0.01, 0.06)) for v in visitors]
        old = [int(b * rng.uniform(0.2, 0.4)) for b in buyers]
        seed.months(
            shop, "2023-06", gmv, batch=seed.batch(), visitors=visitors, buyers=buyers, old=old
        )
        for _ in range(int(rng.integers(0, 6))):
            kind = str(rng.choice(["live_support", "new_product", "proposal", "campaign"]))
            day = date(2024, int(rng.integers(1, 7)), int(rng.integers(1, 29)))
            seed.achievement(emp, kind, day, "成功" if rng.random() < 0.8 else "失败",
                             team=int(rng.integers(1, 4)))  # fmt: skip
        if i % 2:
            for month in ("2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"):
                seed.manual(emp, "report_accuracy", month, float(rng.uniform(0.9, 1.0)))
        if i % 3 == 0:
            for part, item in (("ability", "策略答辩"), ("ability", "数据分析"),
                               ("ability", "团队协作"), ("potential", "学习能力"),
                               ("potential", "创新能力"), ("potential", "领导力"),
                               ("performance", "年度绩效")):  # fmt: skip
                seed.score(emp, "2024上半年", part, item, float(rng.uniform(70, 100)))
    # a shared store, run by two people at once
    shared = seed.store("共享店")
    seed.own(people[0], shared, "2024-01")
    seed.own(people[5], shared, "2024-01")
    seed.months(shared, "2024-01", [9000.0, 11000.0, 12000.0], batch=seed.batch())

    for as_of in ("2024-03", "2024-06"):
        found = eligibility.eligibility_list(company_beauty, as_of)
        assert len(found.candidates) > 24
        for candidate in found.candidates:
            progress = eligibility.employee_progress(
                company_beauty, candidate.person.id, as_of, transition_id=candidate.transition.id
            )
            (outlook,) = progress.outlooks
            assert outlook.status is candidate.status, candidate
            assert tuple(r.met for r in outlook.results) == candidate.met, candidate
            assert tuple(r.attainment for r in outlook.results) == pytest.approx(
                candidate.attainment
            )


def test_an_unfinished_evaluation_says_so_instead_of_no_score(company_home: AppSession) -> None:
    seed = Seed(company_home)
    li = seed.employee("E002", "李娜", "运营主管", level_since=date(2023, 3, 1))
    seed.score(li, "2024上半年", "ability", "策略答辩", 80, date(2024, 6, 28))
    seed.score(li, "2024上半年", "potential", "领导力", 76, date(2024, 6, 28))
    (outlook,) = eligibility.employee_progress(company_home, li, "2024-06").outlooks
    score = outlook.results[0]
    assert score.observed is None and not score.met
    assert "只录入了2项评分" in score.explanation.text("zh")
    assert "尚无评估得分" not in score.explanation.text("zh")
    assert score.missing is not None and "补全" in score.missing.text("zh")


def _evaluated(seed: Seed, employee: int, period: str, score: float, day: date | None) -> None:
    """Every item of the default template scored ``score`` in ``period``."""
    from core.domain.scoring import DEFAULT_TEMPLATE

    items = [(p.key, i.name) for p in DEFAULT_TEMPLATE.parts for i in p.items]
    for part, item in [("performance", "年度绩效"), *items]:
        seed.score(employee, period, part, item, score, day)


def test_the_latest_evaluation_is_the_latest_period_not_the_latest_entry(
    company_home: AppSession,
) -> None:
    """GUI audit 4: one late rating typed into 2024上半年 made it 'the latest evaluation' over
    2024下半年 (imported, undated) and flipped 李娜 from 已达标 (95) to 接近达标 (81.2)."""
    from core.services.promotion import cycles

    seed = Seed(company_home)
    li = seed.employee("E002", "李娜", "运营主管", level_since=date(2023, 3, 1))
    cycles.open_cycle(company_home, "2024下半年", "2024-06")  # as the audit opened it
    _evaluated(seed, li, "2024上半年", 80, None)
    _evaluated(seed, li, "2024下半年", 95, None)
    (outlook,) = eligibility.employee_progress(company_home, li, "2024-06").outlooks
    assert outlook.results[0].observed == pytest.approx(95)
    seed.score(li, "2024上半年", "ability", "团队协作", 86, date(2024, 12, 30))  # a late rating
    (outlook,) = eligibility.employee_progress(company_home, li, "2024-06").outlooks
    assert outlook.results[0].observed == pytest.approx(95) and outlook.results[0].met
    found = by_person(eligibility.eligibility_list(company_home, "2024-06"))
    assert found["E002:运营总监"].met[0] is True
    # a cycle's 截至月份 orders it even when its name says nothing
    cycles.open_cycle(company_home, "年中评审", "2024-03")
    _evaluated(seed, li, "年中评审", 60, date(2024, 12, 31))
    (outlook,) = eligibility.employee_progress(company_home, li, "2024-06").outlooks
    assert outlook.results[0].observed == pytest.approx(95)


def test_looking_back_a_later_evaluation_is_not_there_yet(company_home: AppSession) -> None:
    """GUI audit 4: as of 2023年12月, 李娜 was judged on her 2024上半年 score. Looking back, only
    evaluations judged by then count; today's list counts every evaluation made so far."""
    seed = Seed(company_home)
    li = seed.employee("E002", "李娜", "运营主管", level_since=date(2022, 3, 1))
    _evaluated(seed, li, "2023下半年", 90, date(2023, 12, 20))
    _evaluated(seed, li, "2024上半年", 81, date(2024, 6, 28))
    back = eligibility.employee_progress(company_home, li, "2023-12").outlooks[0].results[0]
    assert back.observed == pytest.approx(90) and back.met
    earlier = eligibility.employee_progress(company_home, li, "2023-06").outlooks[0].results[0]
    assert earlier.observed is None and earlier.met is False  # no evaluation yet then
    now = eligibility.employee_progress(company_home, li, None).outlooks[0].results[0]
    assert now.observed == pytest.approx(81)
