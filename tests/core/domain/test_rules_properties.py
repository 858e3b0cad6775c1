"""Property tests for every rule kind, and proof that the batch evaluator agrees with evaluate()."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.domain import explain as ex
from core.domain import metrics as mx
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


# --- exact at the threshold: money in fen, values judged as shown ----------------------------


JUNE, JULY = "2024-06", "2024-07"


def _month_of_days(total_fen: int, days: int, cut: list[int]) -> list[float]:
    """``days`` daily 支付金额 cells (yuan, 2 decimals) adding up to exactly ``total_fen``."""
    points = sorted({0, total_fen, *(c % (total_fen + 1) for c in cut[: days - 1])})
    while len(points) < days + 1:  # fewer distinct cuts than days: some days sell nothing
        points.insert(1, 0)
    return [(b - a) / 100 for a, b in pairwise(points)]


def _gmv_series(june_days: list[float], july_days: list[float]) -> mx.Series:
    """An employee's series from one store's daily rows, summed the way the FactBook sums them."""
    store = {
        JUNE: {"gmv": mx.money_sum(june_days)},
        JULY: {"gmv": mx.money_sum(july_days)},
    }
    return mx.employee_series([store])


def _parse_shown(text: str) -> Decimal:
    """The number in a shown value ("12.34%", "¥250,000", "+1.5 pp", "31.5 days")."""
    for junk in ("¥", ",", "%", " pp", " days", " day", "+"):
        text = text.replace(junk, "")
    return Decimal(text)


def _shown_meets(shown: Decimal, comparator: str, threshold: Decimal) -> bool:
    return {
        ">=": shown >= threshold,
        ">": shown > threshold,
        "<=": shown <= threshold,
        "<": shown < threshold,
    }[comparator]


def _threshold_shown(unit: str, threshold: float) -> Decimal:
    return _parse_shown(mx.format_value(unit, threshold, "en"))


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1_000_00, 900_000_00),  # June in fen
    st.sampled_from([0.12, 0.15, 0.18, 0.05, 0.3]),
    st.lists(st.integers(0, 10**12), min_size=29, max_size=29),
    st.lists(st.integers(0, 10**12), min_size=30, max_size=30),
    st.sampled_from([28, 30, 31]),
)
def test_growth_exactly_on_the_threshold_from_daily_fen_is_met(
    june_fen: int, growth: float, june_cuts: list[int], july_cuts: list[int], days: int
) -> None:
    # months whose growth is exactly the threshold: July = June × (1 + g) to the fen exactly
    percent = round(growth * 100)
    step = 100 // math.gcd(percent, 100)
    june_fen -= june_fen % step
    july_fen = june_fen + june_fen * percent // 100
    june = _month_of_days(june_fen, days, june_cuts)
    july = _month_of_days(july_fen, 31, july_cuts)
    series = _gmv_series(june, july)
    assert series["gmv"][JUNE] == june_fen / 100 and series["gmv"][JULY] == july_fen / 100
    ctx = EvaluationContext(series=series)
    spec = CriterionSpec("each_month", "gmv_growth", ">=", growth, 1)
    r = evaluate(spec, ctx, JULY)
    assert r.met, (june_fen, july_fen, series["gmv_growth"][JULY])
    assert "✗" not in r.explanation.text("zh")
    batch = EmployeeBatch.from_contexts([ctx], mo.range(JUNE, JULY))
    assert bool(evaluate_batch(spec, batch, JULY).met[0])
    # July short by one step of the precision (0.01 pp of June, at least a fen): not met
    short_fen = -(-june_fen // 10_000)
    biggest = max(range(len(july)), key=lambda i: july[i])
    assume(round(july[biggest] * 100) >= short_fen)
    fewer_july = list(july)
    fewer_july[biggest] = (round(july[biggest] * 100) - short_fen) / 100
    fewer = _gmv_series(june, fewer_july)
    assert not evaluate(spec, EvaluationContext(series=fewer), JULY).met


def test_the_issue_case_june_250000_july_280000_meets_12_percent() -> None:
    # 30 daily cells of June summing to exactly ¥250,000.00 (as floats they sum to 250000.00000000006)
    june = [8333.33] * 29 + [250_000 - 8333.33 * 29]
    june = [round(d, 2) for d in june]
    assert sum(june) != 250_000 and mx.money_sum(june) == 250_000
    july = [round(280_000 / 31, 2)] * 30
    july.append(round(280_000 - sum(mx.to_fen(d) for d in july) / 100, 2))
    assert mx.money_sum(july) == 280_000
    ctx = EvaluationContext(series=_gmv_series(june, july))
    spec = CriterionSpec("each_month", "gmv_growth", ">=", 0.12, 1)
    r = evaluate(spec, ctx, JULY)
    assert r.met and r.observed == (0.12,)
    assert "7月 12%" in r.explanation.text("zh") and "✗" not in r.explanation.text("zh")


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 2000),  # conversion rate in hundredths of a percentage point at the start
    st.sampled_from([0.015, 0.02, 0.01, -0.005]),
    st.integers(1, 6),
    st.sampled_from([1000, 3000, 7919, 10_000]),
)
def test_change_exactly_on_the_threshold_is_met(
    start: int, threshold: float, window: int, visitors: int
) -> None:
    # rates from counts: buyers / visitors, both rounded to what the store reported
    end = start + round(threshold * 10_000)
    assume(end >= 0)
    first = mo.add(JULY, -window)
    ctx = EvaluationContext(series={"conversion_rate": {first: start / 10_000, JULY: end / 10_000}})
    spec = CriterionSpec("change", "conversion_rate", ">=", threshold, window)
    r = evaluate(spec, ctx, JULY)
    assert r.met, (start, end, r.observed)
    batch = EmployeeBatch.from_contexts([ctx], mo.range(first, JULY))
    assert bool(evaluate_batch(spec, batch, JULY).met[0])
    assert r.missing is None


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([0.30, 0.95, 0.12, 0.033]),
    st.lists(st.integers(-300, 300), min_size=2, max_size=6),
)
def test_average_exactly_on_the_threshold_is_met(threshold: float, offsets: list[int]) -> None:
    # months in 0.01 pp steps around the threshold whose mean is exactly the threshold
    offsets = [*offsets, -sum(offsets)]
    base = round(threshold * 10_000)
    assume(all(0 <= base + o <= 10_000 for o in offsets))
    months = mo.window(JULY, len(offsets))
    ctx = EvaluationContext(
        series={
            "repurchase_rate": {
                m: (base + o) / 10_000 for m, o in zip(months, offsets, strict=True)
            }
        }
    )
    spec = CriterionSpec("average", "repurchase_rate", ">=", threshold, len(offsets))
    r = evaluate(spec, ctx, JULY)
    assert r.met, (threshold, offsets, r.observed)
    batch = EmployeeBatch.from_contexts([ctx], months)
    assert bool(evaluate_batch(spec, batch, JULY).met[0])
    # lower is better: the same months under "≤ threshold" are met too, and "<" is not
    assert evaluate(replace(spec, comparator="<="), ctx, JULY).met
    assert not evaluate(replace(spec, comparator="<"), ctx, JULY).met


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([20.0, 30.0, 45.5]),
    st.lists(st.integers(-200, 200), min_size=2, max_size=6),
)
def test_lower_is_better_exactly_on_the_threshold_is_met(
    threshold: float, offsets: list[int]
) -> None:
    # inventory turnover days (lower is better), each month exactly at or under the bar
    months = mo.window(JULY, len(offsets))
    values = {m: threshold - abs(o) / 100 for m, o in zip(months, offsets, strict=True)}
    values[JULY] = threshold
    ctx = EvaluationContext(series={"inventory_turnover_days": values})
    spec = CriterionSpec("each_month", "inventory_turnover_days", "<=", threshold, len(offsets))
    assert evaluate(spec, ctx, JULY).met
    average = CriterionSpec("average", "inventory_turnover_days", "<=", threshold, 1)
    assert evaluate(average, ctx, JULY).met


def _shown_values(r: CriterionResult, unit: str) -> list[tuple[Decimal, bool]]:
    """(the number a person reads, the verdict next to it) for every judged number of ``r``."""
    t = r.spec.threshold
    found: list[tuple[Decimal, bool]] = []
    if r.spec.kind == "each_month":
        for d in r.details:
            if d.value is not None:
                found.append(
                    (_parse_shown(ex.observed_term(unit, d.value, t).text("en")), bool(d.met))
                )
    elif r.spec.kind == "average" and isinstance(r.observed, float) and r.gap is not None:
        found.append((_parse_shown(ex.observed_term(unit, r.observed, t).text("en")), r.met))
    elif r.spec.kind == "change" and isinstance(r.observed, float):
        found.append((_parse_shown(ex.observed_change_term(unit, r.observed, t).text("en")), r.met))
    return found


@settings(max_examples=150, deadline=None)
@given(specs(("each_month", "average", "change")), contexts(metrics_only=True), AS_OF)
def test_the_value_shown_and_the_verdict_never_contradict(
    spec: CriterionSpec, ctx: EvaluationContext, as_of: str
) -> None:
    assert spec.metric is not None
    unit = ex.unit_of(spec)
    r = evaluate(spec, ctx, as_of)
    if spec.kind == "change":
        threshold = _parse_shown(mx.format_amount(unit, spec.threshold, "en"))
    else:
        threshold = _threshold_shown(unit, spec.threshold)
    for shown, met in _shown_values(r, unit):
        assert _shown_meets(shown, spec.comparator, threshold) == met, (spec, shown, met)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(0, 5_000_000_00), min_size=2, max_size=40),
    st.lists(st.integers(0, 5_000_000_00), min_size=2, max_size=40),
    st.sampled_from([0.0, 0.1, 0.12, 0.15, -0.05]),
    st.sampled_from([">=", ">", "<=", "<"]),
)
def test_any_daily_amounts_growth_shown_and_verdict_agree(
    june_fen: list[int], july_fen: list[int], threshold: float, comparator: str
) -> None:
    june = [f / 100 for f in june_fen]
    july = [f / 100 for f in july_fen]
    series = _gmv_series(june, july)
    assume(series["gmv_growth"][JULY] is not None)
    ctx = EvaluationContext(series=series)
    spec = CriterionSpec("each_month", "gmv_growth", comparator, threshold, 1)
    r = evaluate(spec, ctx, JULY)
    threshold_shown = _threshold_shown("percent", threshold)
    for shown, met in _shown_values(r, "percent"):
        assert _shown_meets(shown, comparator, threshold_shown) == met
    batch = EmployeeBatch.from_contexts([ctx], mo.range(JUNE, JULY))
    assert bool(evaluate_batch(spec, batch, JULY).met[0]) == r.met
