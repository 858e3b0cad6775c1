"""Property tests for every rule kind, and proof that the batch evaluator agrees with evaluate()."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.domain import months as mo
from core.domain.rules import (
    AchievementConditions,
    AchievementRecord,
    CriterionResult,
    CriterionSpec,
    EmployeeBatch,
    EvaluationContext,
    evaluate,
    evaluate_batch,
    readiness,
    readiness_batch,
    validate,
)
from core.domain.scoring import performance_score, performance_score_batch

AXIS = mo.range("2023-07", "2024-12")
AS_OF = st.one_of(
    st.sampled_from(AXIS[7:]),  # the usual case: enough history before the as-of month
    st.sampled_from(mo.range("2023-05", "2025-01")),  # windows over the edges of the data
)
METRICS = ["gmv_growth", "conversion_rate", "inventory_turnover_days", "gmv"]
THRESHOLDS = {
    "gmv_growth": [-0.05, 0.0, 0.12, 0.15, 0.18],
    "conversion_rate": [0.0, 0.015, 0.02, 0.3],
    "inventory_turnover_days": [0.0, 5.0, 30.0],
    "gmv": [0.0, 1000.0, 50_000.0],
}
CHANGE_THRESHOLDS = {
    "gmv_growth": [-0.02, 0.0, 0.015, 0.02],
    "conversion_rate": [-0.01, 0.0, 0.015, 0.02],
    "inventory_turnover_days": [-5.0, 0.0, 3.0],
    "gmv": [-1000.0, 0.0, 1000.0],
}
TYPES = ["new_product", "campaign", "live_support", "活动策划"]


def value_for(metric: str) -> st.SearchStrategy[float]:
    grid = THRESHOLDS[metric] + [t + d for t in THRESHOLDS[metric] for d in (-0.01, 0.01)]
    scale = {"gmv": 100_000.0, "inventory_turnover_days": 60.0}.get(metric, 0.5)
    return st.one_of(
        st.sampled_from(grid),
        st.floats(-scale / 5, scale, allow_nan=False).map(lambda x: round(x, 4)),
    )


@st.composite
def specs(
    draw: st.DrawFn,
    kinds: tuple[str, ...] = ("each_month", "change", "average", "count", "tenure", "score"),
    metrics: tuple[str, ...] = tuple(METRICS),
) -> CriterionSpec:
    kind = draw(st.sampled_from(kinds))
    cmp = draw(st.sampled_from([">=", ">", "<=", "<"]))
    if kind in ("each_month", "average", "change"):
        metric = draw(st.sampled_from(metrics))
        table = CHANGE_THRESHOLDS if kind == "change" else THRESHOLDS
        return CriterionSpec(
            kind, metric, cmp, draw(st.sampled_from(table[metric])), draw(st.integers(1, 7))
        )
    if kind == "count":
        cmp = draw(st.sampled_from([">=", ">", "<="]))
        conditions = AchievementConditions(
            draw(st.sampled_from([None, 2.0])),
            draw(st.sampled_from([None, 2])),
            draw(st.booleans()),
        )
        return CriterionSpec(kind, None, cmp, float(draw(st.integers(1, 4))), draw(st.integers(1, 12)),
                             draw(st.sampled_from(TYPES[:3])), conditions)  # fmt: skip
    if kind == "tenure":
        return CriterionSpec(kind, comparator=cmp, threshold=float(draw(st.integers(0, 24))))
    return CriterionSpec(kind, comparator=cmp, threshold=float(draw(st.sampled_from([0, 60, 75, 80]))),
                         score_part=draw(st.sampled_from([None, "total", "ability", "performance"])))  # fmt: skip


achievements = st.builds(
    AchievementRecord,
    type=st.sampled_from(TYPES),
    date=st.dates(date(2022, 10, 1), date(2025, 3, 31)),
    result=st.sampled_from(["成功", "失败", "", "success"]),
    roi=st.sampled_from([None, 1.5, 2.0, 3.0]),
    team_size=st.sampled_from([None, 1, 2, 3]),
)


@st.composite
def contexts(draw: st.DrawFn, metrics_only: bool = False) -> EvaluationContext:
    series = {}
    for metric in METRICS:
        shape = draw(st.sampled_from(["none", "sparse", "steady", "steady"]))
        if shape == "none":
            continue
        if shape == "sparse":  # sparse and erratic
            series[metric] = draw(
                st.dictionaries(st.sampled_from(AXIS), st.one_of(st.none(), value_for(metric)))
            )
        else:  # a steady employee: one level, a few months off it, rarely a month missing
            base = draw(value_for(metric))
            off = draw(st.dictionaries(st.sampled_from(AXIS), value_for(metric), max_size=4))
            gone = draw(st.sets(st.sampled_from(AXIS), max_size=1))
            series[metric] = {m: None if m in gone else off.get(m, base) for m in AXIS}
    if metrics_only:
        return EvaluationContext(series=series)
    return EvaluationContext(
        series=series,
        achievements=draw(st.lists(achievements, max_size=8)),
        level_since=draw(st.one_of(st.none(), st.dates(date(2021, 1, 1), date(2025, 3, 1)))),
        scores={
            p: draw(st.one_of(st.none(), st.sampled_from([59.5, 60.0, 75.0, 80.5])))
            for p in draw(
                st.lists(st.sampled_from(["total", "ability", "performance"]), unique=True)
            )
        },
    )


# --- properties of each kind ------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(specs(("each_month",)), contexts(metrics_only=True), AS_OF)
def test_each_month_met_iff_the_worst_month_meets(
    spec: CriterionSpec, ctx: EvaluationContext, as_of: str
) -> None:
    assert spec.metric is not None
    values = [ctx.value(spec.metric, m) for m in mo.window(as_of, spec.window)]
    r = evaluate(spec, ctx, as_of)
    if any(v is None for v in values):
        assert not r.met
        return
    worst = max(values) if spec.comparator in ("<=", "<") else min(values)  # type: ignore[type-var]
    assert (
        r.met
        == evaluate(
            replace(spec, window=1), EvaluationContext(series={spec.metric: {as_of: worst}}), as_of
        ).met
    )


@settings(max_examples=100, deadline=None)
@given(
    specs(("each_month", "average", "change")),
    contexts(metrics_only=True),
    AS_OF,
    st.floats(0, 1000),
)
def test_moving_values_the_better_way_never_unmeets(
    spec: CriterionSpec, ctx: EvaluationContext, as_of: str, shift: float
) -> None:
    assert spec.metric is not None
    before = evaluate(spec, ctx, as_of)
    if not before.met:
        return
    better = shift if spec.comparator in (">=", ">") else -shift
    series = {spec.metric: dict(ctx.series.get(spec.metric, {}))}
    if spec.kind == "change":  # only the end month moves; the starting month stays
        series[spec.metric][as_of] = ctx.value(spec.metric, as_of) + better  # type: ignore[operator]
    else:
        series[spec.metric] = {
            m: None if v is None else v + better for m, v in series[spec.metric].items()
        }
    assert evaluate(spec, EvaluationContext(series=series), as_of).met


@settings(max_examples=100, deadline=None)
@given(
    specs(("each_month", "average", "change"), ("gmv_growth",)), contexts(metrics_only=True), AS_OF
)
def test_lower_is_better_mirrors_higher_is_better(
    spec: CriterionSpec, ctx: EvaluationContext, as_of: str
) -> None:
    assert spec.metric is not None  # gmv_growth: a metric whose negation stays in its range
    flipped = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}[spec.comparator]
    mirror = replace(spec, comparator=flipped, threshold=-spec.threshold)
    negated = {
        spec.metric: {
            m: None if v is None else -v for m, v in ctx.series.get(spec.metric, {}).items()
        }
    }
    assume(not validate(mirror))
    assert (
        evaluate(spec, ctx, as_of).met
        == evaluate(mirror, EvaluationContext(series=negated), as_of).met
    )


@settings(max_examples=100, deadline=None)
@given(specs(("count",)), contexts(), AS_OF)
def test_count_is_the_successful_matching_achievements_inside_the_calendar_window(
    spec: CriterionSpec, ctx: EvaluationContext, as_of: str
) -> None:
    first = mo.first_day(mo.add(as_of, -(spec.window - 1)))
    last = mo.last_day(as_of)
    cond = spec.conditions
    expected = sum(
        1
        for a in ctx.achievements
        if (
            a.type == spec.achievement_type
            or (a.type == "活动策划" and spec.achievement_type == "campaign")
        )
        and first <= a.date <= last
        and a.result != "失败"
        and (not cond.require_success or a.result in ("成功", "success"))
        and (cond.roi_min is None or (a.roi is not None and a.roi >= cond.roi_min))
        and (cond.team_min is None or (a.team_size is not None and a.team_size >= cond.team_min))
    )
    r = evaluate(spec, ctx, as_of)
    assert r.observed == expected
    # one more qualifying achievement on the window's last day never hurts a "≥" rule
    if spec.comparator == ">=" and r.met:
        extra = AchievementRecord(spec.achievement_type or "", last)
        grown = replace(ctx, achievements=[*ctx.achievements, extra])
        if cond.roi_min is None and cond.team_min is None:
            assert evaluate(spec, grown, as_of).met
    # and one dated the day after the window changes nothing
    later = replace(
        ctx,
        achievements=[
            *ctx.achievements,
            AchievementRecord(spec.achievement_type or "", last + timedelta(days=1)),
        ],
    )
    assert evaluate(spec, later, as_of).observed == expected


@settings(max_examples=100, deadline=None)
@given(specs(), contexts(), AS_OF)
def test_attainment_gap_and_sentences_are_consistent(
    spec: CriterionSpec, ctx: EvaluationContext, as_of: str
) -> None:
    r = evaluate(spec, ctx, as_of)
    assert 0.0 <= r.attainment <= 1.0
    assert (r.attainment == 1.0) == r.met
    if r.met:
        assert r.gap == 0.0 and r.missing is None
    else:
        assert r.gap is None or r.gap >= 0
        assert r.missing is not None
    for message in (r.rule, r.explanation, r.missing):
        if message is None:
            continue
        for lang in ("zh", "en"):
            text = message.text(lang)
            assert text and "{" not in text and "rules." not in text, text
    assert r.as_dict("en")["met"] == r.met


# --- the batch evaluator gives the same verdicts ----------------------------------------------


def _same(scalar: float | None, batch: float) -> bool:
    if scalar is None:
        return math.isnan(batch)
    return scalar == batch


def _observed(r: CriterionResult) -> float | None:
    if isinstance(r.observed, tuple):
        values = list(r.observed)
        if any(v is None for v in values):
            return None
        return max(values) if r.spec.comparator in ("<=", "<") else min(values)  # type: ignore[type-var]
    return r.observed


@settings(max_examples=150, deadline=None)
@given(st.lists(specs(), min_size=1, max_size=4), st.lists(contexts(), min_size=1, max_size=5), AS_OF,
       st.sampled_from([0.0, 0.1, 0.3]))  # fmt: skip
def test_batch_equals_evaluate(
    rules: list[CriterionSpec], people: list[EvaluationContext], as_of: str, margin: float
) -> None:
    batch = EmployeeBatch.from_contexts(people, AXIS)
    # data outside the axis would be invisible to the batch; the axis covers every generated month
    batch_results = [evaluate_batch(spec, batch, as_of) for spec in rules]
    scalar = [[evaluate(spec, ctx, as_of) for spec in rules] for ctx in people]
    for i, spec in enumerate(rules):
        for row, results in enumerate(scalar):
            r, b = results[i], batch_results[i]
            assert bool(b.met[row]) == r.met, (spec, row)
            assert b.attainment[row] == r.attainment, (spec, row, b.attainment[row], r.attainment)
            assert _same(r.gap, b.gap[row]), (spec, row, r.gap, b.gap[row])
            assert _same(_observed(r), b.observed[row]), (spec, row, r.observed, b.observed[row])
    statuses = readiness_batch(rules, batch_results, len(people), margin)
    performance = performance_score_batch(rules, batch_results, len(people))
    for row, results in enumerate(scalar):
        assert statuses[row] == readiness(results, margin).value
        assert _same(performance_score(results), performance[row])


def test_batch_with_no_criteria_is_ready_and_empty_batches_work() -> None:
    two = EmployeeBatch.from_contexts([EvaluationContext(), EvaluationContext()], AXIS)
    assert list(readiness_batch([], [], two.size)) == ["ready", "ready"]
    empty = EmployeeBatch.from_contexts([], AXIS)
    result = evaluate_batch(CriterionSpec("each_month", "gmv", ">=", 1, 3), empty, "2024-06")
    assert result.met.shape == (0,)
    assert np.isnan(performance_score_batch([], [], 1)).all()
