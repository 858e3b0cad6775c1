"""Saving a ladder design: one transaction, audited, criteria versioned, history never rewritten."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.domain import ladder_design
from core.domain.rules import CriterionSpec
from core.errors import PermissionDenied, ValidationError
from core.model import AuditEntry, CriteriaVersion, Employee, GradeChange, Level, Transition
from core.services.ladder import saving as ladder
from core.session import AppSession
from tests.conftest import as_role


def _audit_count(app: AppSession) -> int:
    with app.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry)) or 0


def _small_design() -> ladder_design.LadderDesign:
    d = ladder_design.LadderDesign()
    track = ladder_design.TrackSpec(d.new_id(), "直播运营")
    d = d.put_track(track)
    low = ladder_design.LevelSpec(
        d.new_id(), track.id, "主播助理", rank=1, salary_min=4000, salary_max=5000
    )
    d = d.put_level(low)
    high = ladder_design.LevelSpec(
        d.new_id(), track.id, "主播", rank=2, permissions=("直播排期决定权",)
    )
    d = d.put_level(high)
    path = ladder_design.TransitionSpec(
        d.new_id(),
        low.id,
        high.id,
        criteria=(
            CriterionSpec(kind="average", metric="live_order_conversion", threshold=0.05, window=3),
        ),
    )
    return d.put_transition(path)


def test_a_new_design_is_saved_and_read_back_with_real_ids(company: AppSession) -> None:
    design = _small_design()
    before = _audit_count(company)
    result = ladder.save_design(company, design)
    saved = ladder.load_design(company)
    assert [t.name for t in saved.tracks] == ["直播运营"]
    assert [lv.title for lv in saved.levels_of(saved.tracks[0].id)] == ["主播助理", "主播"]
    assert all(i > 0 for i in result.ids.values())
    (path,) = saved.transitions
    assert path.criteria == design.transitions[0].criteria
    assert path.version == 1
    assert saved.level(path.from_level_id).title == "主播助理"  # type: ignore[union-attr]
    # one audit entry per created track, level and transition, in the same transaction
    assert _audit_count(company) - before == 4 == result.changes


def test_saving_an_unchanged_design_changes_nothing(company_home: AppSession) -> None:
    before = _audit_count(company_home)
    result = ladder.save_design(company_home, ladder.load_design(company_home))
    assert result.changes == 0
    assert _audit_count(company_home) == before


def test_changing_criteria_bumps_the_version_and_keeps_the_old_rules(
    company_home: AppSession,
) -> None:
    design = ladder.load_design(company_home)
    first = design.transitions[0]
    old_rules = ladder_design.rules_of(first)
    stricter = dataclasses.replace(first.criteria[0], threshold=0.2)
    design = design.put_transition(
        dataclasses.replace(first, criteria=(stricter, *first.criteria[1:]))
    )
    ladder.save_design(company_home, design)

    after = ladder.load_design(company_home).transition(first.id)
    assert after is not None and after.version == 2
    assert after.criteria[0].threshold == 0.2
    with company_home.read() as s:
        assert ladder.transition_criteria(s, first.id, 1) == old_rules
        assert ladder.transition_criteria(s, first.id, 2)[0].threshold == 0.2
        assert ladder.transition_criteria(s, first.id) == ladder_design.rules_of(after)
    history = ladder.criteria_history(company_home, first.id)
    assert [v.version for v in history] == [1, 2]
    assert history[0].from_level == "店铺运营/运营助理"


def test_editing_only_the_raise_does_not_bump_the_version(company_home: AppSession) -> None:
    design = ladder.load_design(company_home)
    first = design.transitions[0]
    ladder.save_design(
        company_home, design.put_transition(dataclasses.replace(first, raise_max_pct=35.0))
    )
    after = ladder.load_design(company_home).transition(first.id)
    assert after is not None and after.version == 1 and after.raise_max_pct == 35.0


def test_an_invalid_rule_blocks_saving_and_leaves_the_file_as_it_was(
    company_home: AppSession,
) -> None:
    design = ladder.load_design(company_home)
    first = design.transitions[0]
    broken = CriterionSpec(kind="each_month", metric=None, threshold=0.1, window=0)
    bad = design.put_transition(dataclasses.replace(first, criteria=(*first.criteria, broken)))
    problems = ladder_design.validate_design(bad)
    assert problems and all(p.criterion == 3 for p in problems)
    assert "第4条规则" in problems[0].text("zh")
    with pytest.raises(ValidationError) as err:
        ladder.save_design(company_home, bad)
    assert "运营助理→运营专员" in err.value.text("zh")
    assert ladder.load_design(company_home) == design


def test_level_and_transition_problems_are_reported() -> None:
    d = _small_design()
    low, high = d.levels
    d = d.put_level(dataclasses.replace(high, title="主播助理", salary_min=9000, salary_max=8000))
    d = d.put_transition(
        ladder_design.TransitionSpec(d.new_id(), low.id, low.id, raise_min_pct=50, raise_max_pct=30)
    )
    codes = {p.message.code for p in ladder_design.validate_design(d)}
    assert {
        "ladder.level.duplicate",
        "ladder.level.salary_order",
        "ladder.transition.same_level",
        "ladder.transition.raise_order",
    } <= codes


def test_two_levels_may_swap_titles(company_home: AppSession) -> None:
    design = ladder.load_design(company_home)
    a, b = design.levels[0], design.levels[1]
    design = design.put_level(dataclasses.replace(a, title=b.title)).put_level(
        dataclasses.replace(b, title=a.title)
    )
    ladder.save_design(company_home, design)
    saved = ladder.load_design(company_home)
    assert saved.level(a.id).title == b.title  # type: ignore[union-attr]
    assert saved.level(b.id).title == a.title  # type: ignore[union-attr]


def _add_employee(app: AppSession, level_id: int, left: bool) -> None:
    with app.uow() as uow:
        uow.session.add(
            Employee(
                no="E1",
                name="张三",
                level_id=level_id,
                leave_date=date(2024, 1, 31) if left else None,
            )
        )
        uow.commit()


def test_a_level_with_active_employees_cannot_be_deleted(company_home: AppSession) -> None:
    design = ladder.load_design(company_home)
    director = next(lv for lv in design.levels if lv.title == "运营总监")
    _add_employee(company_home, director.id, left=False)
    assert ladder.references(company_home, "level", director.id).active_employees == 1
    with pytest.raises(ValidationError) as err:
        ladder.save_design(company_home, design.without_level(director.id))
    assert "运营总监" in err.value.text("zh")
    assert ladder.load_design(company_home).level(director.id) is not None


def test_a_level_history_refers_to_is_archived_not_deleted(company_home: AppSession) -> None:
    design = ladder.load_design(company_home)
    director = next(lv for lv in design.levels if lv.title == "运营总监")
    _add_employee(company_home, director.id, left=True)
    refs = ladder.references(company_home, "level", director.id)
    assert refs.history == 1 and refs.active_employees == 0
    result = ladder.save_design(company_home, design.without_level(director.id))
    assert result.archived == ("店铺运营/运营总监",)
    kept = ladder.load_design(company_home).level(director.id)
    assert kept is not None and kept.archived


def test_an_unreferenced_level_and_its_paths_are_deleted(company_home: AppSession) -> None:
    design = ladder.load_design(company_home)
    director = next(lv for lv in design.levels if lv.title == "运营总监")
    ladder.save_design(company_home, design.without_level(director.id))
    with company_home.read() as s:
        assert s.get(Level, director.id) is None
        assert s.scalar(select(func.count()).select_from(Transition)) == 2
        # the deleted path's rules stay readable for anything decided under them
        orphans = list(
            s.scalars(select(CriteriaVersion).where(CriteriaVersion.transition_id.is_(None)))
        )
    assert [v.to_level for v in orphans] == ["店铺运营/运营总监"]


def test_a_grade_change_keeps_its_level(company_home: AppSession) -> None:
    design = ladder.load_design(company_home)
    specialist = next(lv for lv in design.levels if lv.title == "运营专员")
    with company_home.uow() as uow:
        emp = Employee(no="E2", name="李四", leave_date=date(2024, 5, 1))
        uow.session.add(emp)
        uow.session.flush()
        uow.session.add(
            GradeChange(
                employee_id=emp.id, effective_date=date(2023, 1, 1), to_level_id=specialist.id
            )
        )
        uow.commit()
    track = design.sorted_tracks()[0]
    result = ladder.save_design(company_home, design.without_track(track.id))
    saved = ladder.load_design(company_home)
    kept_track = saved.track(track.id)
    assert kept_track is not None and kept_track.archived
    assert [lv.title for lv in saved.levels if not lv.archived] == []
    assert "店铺运营/运营专员" in result.archived


def test_hr_may_read_but_not_change_the_ladder(company_home: AppSession) -> None:
    hr = as_role(company_home, "hr1", "hr")
    design = ladder.load_design(hr)
    with pytest.raises(PermissionDenied):
        ladder.save_design(hr, design)


def test_a_custom_metric_can_be_used_by_a_rule(company: AppSession) -> None:
    d = _small_design()
    d = d.put_metric(
        ladder_design.CustomMetricSpec("fans_growth", "粉丝增长数", "Fan growth", "people")
    )
    path = d.transitions[0]
    rule = CriterionSpec(kind="each_month", metric="fans_growth", threshold=500, window=2)
    d = d.put_transition(dataclasses.replace(path, criteria=(*path.criteria, rule)))
    ladder.save_design(company, d)
    saved = ladder.load_design(company)
    assert saved.custom_metrics == d.custom_metrics
    with company.read() as s:
        assert "fans_growth" in ladder.custom_metrics(s)
    # a built-in code may not be taken
    clash = saved.put_metric(ladder_design.CustomMetricSpec("gmv", "我的GMV"))
    assert any(
        p.message.code == "ladder.metric.builtin_code" for p in ladder_design.validate_design(clash)
    )


def test_deleting_a_template_clears_it_from_paths(company_home: AppSession) -> None:
    design = ladder.load_design(company_home)
    template = design.default_template()
    assert template is not None
    ladder.save_design(company_home, design.without_template(template.id))
    saved = ladder.load_design(company_home)
    assert saved.templates == ()
    assert all(t.evaluation_template_id is None for t in saved.transitions)


def test_rules_of_adds_the_minimum_tenure_once() -> None:
    spec = ladder_design.TransitionSpec(1, 1, 2, min_tenure_months=6)
    assert ladder_design.rules_of(spec) == (CriterionSpec(kind="tenure", threshold=6),)
    with_tenure = dataclasses.replace(spec, criteria=(CriterionSpec(kind="tenure", threshold=9),))
    assert ladder_design.rules_of(with_tenure) == with_tenure.criteria


# --- any valid design survives a save and a load -------------------------------------------------

_titles = st.text(alphabet="运营专员主管总监助理数据直播用户", min_size=1, max_size=6)


@st.composite
def designs(draw: st.DrawFn) -> ladder_design.LadderDesign:
    d = ladder_design.LadderDesign()
    for name in draw(st.lists(_titles, min_size=1, max_size=3, unique=True)):
        track = ladder_design.TrackSpec(d.new_id(), name)
        d = d.put_track(track)
        for rank, title in enumerate(draw(st.lists(_titles, max_size=4, unique=True)), start=1):
            low = draw(st.none() | st.integers(0, 20000))
            d = d.put_level(
                ladder_design.LevelSpec(
                    d.new_id(),
                    track.id,
                    title,
                    rank=rank,
                    salary_min=low,
                    salary_max=None if low is None else low + draw(st.integers(0, 5000)),
                    permissions=tuple(
                        draw(
                            st.lists(
                                st.sampled_from(ladder_design.COMMON_PERMISSIONS),
                                max_size=2,
                                unique=True,
                            )
                        )
                    ),
                )
            )
    level_ids = [lv.id for lv in d.levels]
    if len(level_ids) >= 2:
        pairs = draw(
            st.lists(
                st.tuples(st.sampled_from(level_ids), st.sampled_from(level_ids)).filter(
                    lambda p: p[0] != p[1]
                ),
                max_size=4,
                unique=True,
            )
        )
        for a, b in pairs:
            window = draw(st.integers(1, 12))
            threshold = draw(st.sampled_from([0.05, 0.1, 0.15, 0.3]))
            rule = CriterionSpec(
                kind="each_month", metric="gmv_growth", threshold=threshold, window=window
            )
            d = d.put_transition(
                ladder_design.TransitionSpec(
                    d.new_id(),
                    a,
                    b,
                    kind=draw(st.sampled_from(ladder_design.TRANSITION_KINDS)),
                    criteria=(rule,),
                )
            )
    return d


def _without_ids(d: ladder_design.LadderDesign) -> object:
    labels = {lv.id: d.level_label(lv.id) for lv in d.levels}
    return (
        sorted(t.name for t in d.tracks),
        sorted(
            (d.level_label(lv.id), lv.rank, lv.salary_min, lv.salary_max, lv.permissions)
            for lv in d.levels
        ),
        sorted(
            (labels[t.from_level_id], labels[t.to_level_id], t.kind, t.criteria)
            for t in d.transitions
        ),
    )


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(design=designs())
def test_any_valid_design_round_trips_through_the_file(
    company: AppSession, design: ladder_design.LadderDesign
) -> None:
    assert ladder_design.validate_design(design) == []
    # replace whatever the previous example saved
    current = ladder.load_design(company)
    for track in current.tracks:
        current = current.without_track(track.id)
    ladder.save_design(company, current)
    ladder.save_design(company, design)
    assert _without_ids(ladder.load_design(company)) == _without_ids(design)
