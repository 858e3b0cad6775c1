"""Promotion criteria: what a rule says, whether an employee meets it as of a month, and why.

Semantics follow docs/design.md ("Rule kinds") exactly. ``evaluate`` is the
reference, one employee and one criterion at a time, with explanations; ``evaluate_batch``
computes the same verdicts for everybody at once over employees × months arrays, and the
test suite proves the two agree. A criterion that is not set up correctly is never met.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from core.domain import explain as ex
from core.domain import metrics as mx
from core.domain import months as mo
from core.i18n import Message

RuleKind = Literal["each_month", "change", "average", "count", "tenure", "score"]
RULE_KINDS: tuple[str, ...] = ("each_month", "change", "average", "count", "tenure", "score")
COMPARATORS: tuple[str, ...] = (">=", ">", "<=", "<")
METRIC_KINDS: tuple[str, ...] = ("each_month", "change", "average")
# Kinds whose attainment makes up the performance part; tenure says nothing about performance
# and a score rule would feed the evaluation back into itself.
KPI_KINDS: tuple[str, ...] = ("each_month", "change", "average", "count")
MAX_WINDOW = 60
MAX_TENURE_MONTHS = 600
# Beyond ±1000% a rate threshold is a 15-typed-for-0.15 mistake, not an ambition.
_PERCENT_LIMIT = 10.0
# An unmet criterion never shows full attainment, so "attainment 1.0" always means "met".
UNMET_CAP = 0.99
DEFAULT_MARGIN = 0.10
# The one criterion still unmet counts as 接近 only when at least this far along (attainment).
HALFWAY = 0.5

SUCCESS_RESULTS = frozenset({"成功", "success", "succeeded", "ok"})
FAILED_RESULTS = frozenset({"失败", "failed", "fail", "failure"})


@dataclass(frozen=True)
class AchievementConditions:
    """Extra conditions of a count rule: minimum ROI, minimum team size, success required."""

    roi_min: float | None = None
    team_min: int | None = None
    require_success: bool = True

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> AchievementConditions:
        """From the stored form {"roi_min": 2, "team_min": 2, "result": "成功"}."""
        data = data or {}
        roi = data.get("roi_min")
        team = data.get("team_min")
        result = data.get("result", "成功")
        return cls(
            roi_min=None if roi in (None, "") else float(roi),
            team_min=None if team in (None, "") else int(team),
            require_success=bool(result),
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"result": "成功" if self.require_success else None}
        if self.roi_min is not None:
            data["roi_min"] = self.roi_min
        if self.team_min is not None:
            data["team_min"] = self.team_min
        return data


@dataclass(frozen=True)
class CriterionSpec:
    """One quantified rule of a transition.

    ``threshold`` is in the metric's stored unit: rates as fractions (15% = 0.15), and for a
    change rule on a rate the difference in percentage points as a fraction (2 pp = 0.02).
    ``window`` is a number of months (ignored by tenure and score rules).
    """

    kind: str
    metric: str | None = None
    comparator: str = ">="
    threshold: float = 0.0
    window: int = 1
    achievement_type: str | None = None
    conditions: AchievementConditions = field(default_factory=AchievementConditions)
    score_part: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CriterionSpec:
        """From the columns of a stored criterion (or a ladder JSON export)."""
        window = data.get("window")
        return cls(
            kind=str(data.get("kind", "")),
            metric=data.get("metric") or None,
            comparator=str(data.get("comparator") or ">="),
            threshold=float(data.get("threshold") or 0.0),
            window=1 if window is None else int(window),
            achievement_type=data.get("achievement_type") or None,
            conditions=AchievementConditions.from_dict(data.get("conditions")),
            score_part=data.get("score_part") or None,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "metric": self.metric,
            "comparator": self.comparator,
            "threshold": self.threshold,
            "window": self.window,
            "achievement_type": self.achievement_type,
            "conditions": self.conditions.to_dict(),
            "score_part": self.score_part,
        }


@dataclass(frozen=True)
class AchievementRecord:
    """One recorded 成果; ``type`` is a code of metrics.ACHIEVEMENT_TYPES (or its Chinese name)."""

    type: str
    date: date
    result: str = "成功"
    roi: float | None = None
    team_size: int | None = None
    name: str = ""


@dataclass(frozen=True)
class EvaluationContext:
    """Everything the rules may look at for one employee.

    ``series`` maps metric code -> month -> value (None or absent = no data), as built by
    metrics.employee_series. ``scores`` holds the latest evaluation: "total", "performance",
    "ability", "potential". ``level_since`` is the day the employee reached the current level.
    """

    series: Mapping[str, Mapping[str, float | None]] = field(default_factory=dict)
    achievements: Sequence[AchievementRecord] = ()
    level_since: date | None = None
    scores: Mapping[str, float | None] = field(default_factory=dict)

    def value(self, metric: str, month: str) -> float | None:
        found = self.series.get(metric, {}).get(month)
        if found is None or math.isnan(found):
            return None
        return float(found)


@dataclass(frozen=True)
class MonthDetail:
    """One month looked at by a rule; ``met`` is None where a month is not judged on its own."""

    month: str
    value: float | None
    met: bool | None


@dataclass(frozen=True)
class CriterionResult:
    """The verdict on one criterion for one employee as of one month.

    ``attainment`` (0..1, 1 only when met) says how close the employee is and feeds the
    performance score; ``gap`` is how far from the threshold in the rule's own unit (0 when
    met, None when missing data makes it unknowable) and decides "nearly ready".
    """

    spec: CriterionSpec
    as_of: str
    met: bool
    observed: float | tuple[float | None, ...] | None
    required: float
    attainment: float
    gap: float | None
    rule: Message
    explanation: Message
    missing: Message | None
    details: tuple[MonthDetail, ...] = ()
    evidence: tuple[AchievementRecord, ...] = ()

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The JSON shape of docs/cli.md's eligibility output for one criterion."""
        observed = list(self.observed) if isinstance(self.observed, tuple) else self.observed
        return {
            "rule": self.rule.text(lang),
            "met": self.met,
            "observed": observed,
            "required": self.required,
            "explanation": self.explanation.text(lang),
            "missing": self.missing.text(lang) if self.missing else None,
        }


# --- comparing --------------------------------------------------------------------------------


def compare(value: float, comparator: str, threshold: float) -> bool:
    if comparator == ">=":
        return value >= threshold
    if comparator == ">":
        return value > threshold
    if comparator == "<=":
        return value <= threshold
    if comparator == "<":
        return value < threshold
    return False


def compare_at(unit: str, value: float, comparator: str, threshold: float) -> bool:
    """``compare`` for a value already rounded to its unit's precision (metrics.PRECISION).

    The threshold's own float noise (12.3 / 100 is not quite 0.123) is absorbed, far below
    one step of the precision, so a value shown equal to the threshold is treated as equal.
    """
    eps = mx.tolerance(unit)
    if comparator == ">=":
        return value >= threshold - eps
    if comparator == ">":
        return value > threshold + eps
    if comparator == "<=":
        return value <= threshold + eps
    if comparator == "<":
        return value < threshold - eps
    return False


# Scores (0–100) are judged, like metric values, at the precision they are shown at.
SCORE_UNIT = "ratio"


def shortfall(value: float, comparator: str, threshold: float) -> float:
    """How far ``value`` is on the wrong side of ``threshold`` (negative when comfortably met)."""
    return value - threshold if comparator in ("<=", "<") else threshold - value


def closeness(value: float | None, comparator: str, threshold: float, met: bool) -> float:
    """Attainment of a single observed value: 1 when met, else 1 − shortfall/|threshold| in [0, 0.99]."""
    if met:
        return 1.0
    if value is None or threshold == 0:
        return 0.0
    ratio = 1.0 - shortfall(value, comparator, threshold) / abs(threshold)
    return min(max(ratio, 0.0), UNMET_CAP)


def is_failed(result: str | None) -> bool:
    return (result or "").strip().lower() in FAILED_RESULTS


def is_success(result: str | None) -> bool:
    return (result or "").strip().lower() in SUCCESS_RESULTS


def achievement_counts(a: AchievementRecord, conditions: AchievementConditions) -> bool:
    """Whether one achievement counts for a count rule: failed ones never do."""
    if is_failed(a.result):
        return False
    if conditions.require_success and not is_success(a.result):
        return False
    if conditions.roi_min is not None and (a.roi is None or a.roi < conditions.roi_min):
        return False
    return not (
        conditions.team_min is not None
        and (a.team_size is None or a.team_size < conditions.team_min)
    )


def _type_code(text: str) -> str:
    return mx.achievement_type_code(text) or text


# --- checking a rule --------------------------------------------------------------------------


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def validate(spec: CriterionSpec, custom: Mapping[str, mx.Metric] | None = None) -> list[Message]:
    """What is wrong with a rule, as messages for the ladder designer (empty when it is usable)."""
    problems: list[Message] = []
    if spec.kind not in RULE_KINDS:
        return [Message("rules.invalid.kind", {"kind": str(spec.kind)})]
    if spec.comparator not in COMPARATORS:
        problems.append(Message("rules.invalid.comparator", {"comparator": str(spec.comparator)}))
    if not _is_number(spec.threshold):
        problems.append(Message("rules.invalid.threshold_nan"))
        return problems
    t = float(spec.threshold)
    if spec.kind in (*METRIC_KINDS, "count") and (
        not isinstance(spec.window, int) or not 1 <= spec.window <= MAX_WINDOW
    ):
        problems.append(Message("rules.invalid.window", {"window": spec.window, "max": MAX_WINDOW}))

    if spec.kind in METRIC_KINDS:
        if not spec.metric:
            problems.append(Message("rules.invalid.no_metric"))
            return problems
        found = mx.metric(spec.metric, custom)
        if found is None:
            problems.append(Message("rules.invalid.unknown_metric", {"metric": spec.metric}))
            return problems
        problems.extend(_threshold_problems(spec, found, t))
    elif spec.kind == "count":
        if not spec.achievement_type:
            problems.append(Message("rules.invalid.no_achievement_type"))
        elif spec.achievement_type not in mx.ACHIEVEMENT_TYPES:
            problems.append(
                Message("rules.invalid.unknown_achievement_type", {"type": spec.achievement_type})
            )
        least = 1 if spec.comparator == ">=" else 0
        if not t.is_integer() or t < least:
            problems.append(Message("rules.invalid.count_threshold", {"min": least}))
        cond = spec.conditions
        if cond.roi_min is not None and not (_is_number(cond.roi_min) and cond.roi_min > 0):
            problems.append(Message("rules.invalid.roi"))
        if cond.team_min is not None and not (
            isinstance(cond.team_min, int) and cond.team_min >= 1
        ):
            problems.append(Message("rules.invalid.team"))
    elif spec.kind == "tenure":
        if not t.is_integer() or not 0 <= t <= MAX_TENURE_MONTHS:
            problems.append(Message("rules.invalid.tenure_threshold", {"max": MAX_TENURE_MONTHS}))
    elif spec.kind == "score":
        if (spec.score_part or "total") not in mx.SCORE_PARTS:
            problems.append(Message("rules.invalid.score_part", {"part": str(spec.score_part)}))
        if not 0 <= t <= 100:
            problems.append(Message("rules.invalid.score_threshold"))
    return problems


def _threshold_problems(spec: CriterionSpec, found: mx.Metric, t: float) -> list[Message]:
    """A threshold outside what the metric can plausibly be (or change by) is a typing mistake."""
    low, high = found.min_value, found.max_value
    shown_low: Message | None
    shown_high: Message | None
    if found.unit == "percent":
        low = -_PERCENT_LIMIT if low is None else low
        high = _PERCENT_LIMIT if high is None else high
    if spec.kind == "change":
        if low is None or high is None:
            return []
        span = high - low
        low, high = -span, span
        shown_low = ex.change_term(found.unit, low)
        shown_high = ex.change_term(found.unit, high)
    else:
        shown_low = ex.value_term(found.unit, low) if low is not None else None
        shown_high = ex.value_term(found.unit, high) if high is not None else None
    metric_name = ex.term(found.name_zh, found.name_en)
    if spec.kind == "change":
        shown_value: Message = ex.change_term(found.unit, t)
    else:
        shown_value = ex.value_term(found.unit, t)
    if high is None and low is not None and t < low:
        return [
            ex.Phrase(
                "rules.invalid.threshold_below",
                {"metric": metric_name, "value": shown_value, "low": shown_low},
            )
        ]
    if (low is not None and t < low) or (high is not None and t > high):
        return [
            ex.Phrase(
                "rules.invalid.threshold_range",
                {"metric": metric_name, "value": shown_value, "low": shown_low, "high": shown_high},
            )
        ]
    return []


# --- evaluating one rule for one employee ----------------------------------------------------

# What a rule says and what is wrong with it depend on the rule and the company's own metrics
# alone, not on the employee: a report on 1,000 people evaluates the same few dozen rules
# thousands of times (0.04 s of wording and checking them again). Kept per rule with the very
# metrics mapping it was checked against (held here, so its identity cannot be reused).
_Checked = tuple[Mapping[str, mx.Metric] | None, Message, tuple[Message, ...]]
_CHECKED: dict[CriterionSpec, _Checked] = {}
_CHECKED_MAX = 512


def _checked(
    spec: CriterionSpec, custom: Mapping[str, mx.Metric] | None
) -> tuple[Message, list[Message]]:
    """(the rule as a sentence, what is wrong with it) — ``rule_message`` and ``validate``."""
    kept = _CHECKED.get(spec)
    if kept is not None and kept[0] is custom:
        return kept[1], list(kept[2])
    rule = ex.rule_message(spec, custom)
    problems = validate(spec, custom)
    if len(_CHECKED) >= _CHECKED_MAX:
        _CHECKED.clear()
    _CHECKED[spec] = (custom, rule, tuple(problems))
    return rule, problems


def evaluate(
    spec: CriterionSpec,
    ctx: EvaluationContext,
    as_of: str,
    custom: Mapping[str, mx.Metric] | None = None,
) -> CriterionResult:
    """Whether the employee described by ``ctx`` meets ``spec`` as of month ``as_of``, and why."""
    as_of = mo.parse(as_of)
    rule, problems = _checked(spec, custom)
    if problems:
        explanation, missing = ex.explain_invalid(rule, problems)
        return CriterionResult(
            spec, as_of, False, None, spec.threshold, 0.0, None, rule, explanation, missing
        )
    evaluator = _EVALUATORS[spec.kind]
    return evaluator(spec, ctx, as_of, rule, custom)


def _each_month(
    spec: CriterionSpec,
    ctx: EvaluationContext,
    as_of: str,
    rule: Message,
    custom: Mapping[str, mx.Metric] | None,
) -> CriterionResult:
    assert spec.metric is not None
    t, cmp = spec.threshold, spec.comparator
    unit = ex.unit_of(spec, custom)
    rows: list[tuple[str, float | None, bool]] = []
    for month in mo.window(as_of, spec.window):
        value = mx.quantize(unit, ctx.value(spec.metric, month))
        rows.append((month, value, value is not None and compare_at(unit, value, cmp, t)))
    met_months = sum(1 for _, _, ok in rows if ok)
    met = met_months == len(rows)
    gap: float | None
    if any(v is None for _, v, _ in rows):
        gap = None
    elif met:
        gap = 0.0
    else:
        gap = max(max(shortfall(v, cmp, t), 0.0) for _, v, _ in rows if v is not None)
    explanation, missing = ex.explain_each_month(spec, custom, as_of, rows)
    return CriterionResult(
        spec,
        as_of,
        met,
        tuple(v for _, v, _ in rows),
        t,
        met_months / spec.window,
        gap,
        rule,
        explanation,
        missing,
        tuple(MonthDetail(m, v, ok) for m, v, ok in rows),
    )


def _change(
    spec: CriterionSpec,
    ctx: EvaluationContext,
    as_of: str,
    rule: Message,
    custom: Mapping[str, mx.Metric] | None,
) -> CriterionResult:
    assert spec.metric is not None
    t, cmp = spec.threshold, spec.comparator
    unit = ex.unit_of(spec, custom)
    start_month = mo.add(as_of, -spec.window)
    start = mx.quantize(unit, ctx.value(spec.metric, start_month))
    end = mx.quantize(unit, ctx.value(spec.metric, as_of))
    details = (MonthDetail(start_month, start, None), MonthDetail(as_of, end, None))
    if start is None or end is None:
        gaps = [m for m, v in ((start_month, start), (as_of, end)) if v is None]
        explanation, missing = ex.explain_no_data(spec, custom, rule, gaps, as_of)
        return CriterionResult(
            spec, as_of, False, None, t, 0.0, None, rule, explanation, missing, details
        )
    change = mx.quantize(unit, end - start)
    assert change is not None
    met = compare_at(unit, change, cmp, t)
    gap = 0.0 if met else max(shortfall(change, cmp, t), 0.0)
    explanation, missing_msg = ex.explain_change(
        spec, custom, rule, (start_month, start), (as_of, end), change, met, gap, as_of
    )
    return CriterionResult(
        spec,
        as_of,
        met,
        change,
        t,
        closeness(change, cmp, t, met),
        gap,
        rule,
        explanation,
        missing_msg,
        details,
    )


def _average(
    spec: CriterionSpec,
    ctx: EvaluationContext,
    as_of: str,
    rule: Message,
    custom: Mapping[str, mx.Metric] | None,
) -> CriterionResult:
    assert spec.metric is not None
    t, cmp, n = spec.threshold, spec.comparator, spec.window
    unit = ex.unit_of(spec, custom)
    rows = [(m, mx.quantize(unit, ctx.value(spec.metric, m))) for m in mo.window(as_of, n)]
    total = 0.0
    available = 0
    for _, value in rows:
        if value is not None:
            total += value
            available += 1
    # the mean of the months as shown, judged as shown
    mean = mx.quantize(unit, total / available) if available else None
    gap: float | None
    if available == n:
        assert mean is not None
        met = compare_at(unit, mean, cmp, t)
        attainment = closeness(mean, cmp, t, met)
        gap = 0.0 if met else max(shortfall(mean, cmp, t), 0.0)
    else:
        # A month without data makes the average unknowable, so the rule is not met; the
        # attainment still credits the months that are there.
        met = False
        mean_meets = mean is not None and compare_at(unit, mean, cmp, t)
        attainment = closeness(mean, cmp, t, mean_meets) * (available / n)
        gap = None
    explanation, missing = ex.explain_average(spec, custom, rule, rows, mean, met, gap, as_of)
    return CriterionResult(
        spec,
        as_of,
        met,
        mean,
        t,
        attainment,
        gap,
        rule,
        explanation,
        missing,
        tuple(MonthDetail(m, v, None) for m, v in rows),
    )


def count_window(as_of: str, window: int) -> tuple[date, date]:
    """First and last day (inclusive) of the ``window`` calendar months ending at ``as_of``."""
    return mo.first_day(mo.add(as_of, -(window - 1))), mo.last_day(as_of)


def _count(
    spec: CriterionSpec,
    ctx: EvaluationContext,
    as_of: str,
    rule: Message,
    custom: Mapping[str, mx.Metric] | None,
) -> CriterionResult:
    t, cmp = spec.threshold, spec.comparator
    first, last = count_window(as_of, spec.window)
    counted: list[AchievementRecord] = []
    excluded = 0
    for a in sorted(ctx.achievements, key=lambda a: a.date):
        if _type_code(a.type) != spec.achievement_type or not first <= a.date <= last:
            continue
        if achievement_counts(a, spec.conditions):
            counted.append(a)
        else:
            excluded += 1
    count = float(len(counted))
    met = compare(count, cmp, t)
    gap = 0.0 if met else max(shortfall(count, cmp, t), 0.0)
    explanation, missing = ex.explain_count(spec, rule, counted, excluded, met)
    return CriterionResult(
        spec,
        as_of,
        met,
        count,
        t,
        closeness(count, cmp, t, met),
        gap,
        rule,
        explanation,
        missing,
        evidence=tuple(counted),
    )


def _tenure(
    spec: CriterionSpec,
    ctx: EvaluationContext,
    as_of: str,
    rule: Message,
    custom: Mapping[str, mx.Metric] | None,
) -> CriterionResult:
    t, cmp = spec.threshold, spec.comparator
    if ctx.level_since is None:
        explanation, missing = ex.explain_tenure(spec, rule, None, False)
        return CriterionResult(spec, as_of, False, None, t, 0.0, None, rule, explanation, missing)
    months = mo.months_at_level(ctx.level_since, as_of)
    met = compare(float(months), cmp, t)
    gap = 0.0 if met else max(shortfall(float(months), cmp, t), 0.0)
    explanation, missing_msg = ex.explain_tenure(spec, rule, months, met)
    return CriterionResult(
        spec,
        as_of,
        met,
        float(months),
        t,
        closeness(float(months), cmp, t, met),
        gap,
        rule,
        explanation,
        missing_msg,
    )


# In EvaluationContext.scores beside the parts: how many item scores the latest evaluation has,
# so a total that cannot be computed yet says "incomplete" rather than "no scores".
SCORES_ENTERED = "entered_items"


def _score(
    spec: CriterionSpec,
    ctx: EvaluationContext,
    as_of: str,
    rule: Message,
    custom: Mapping[str, mx.Metric] | None,
) -> CriterionResult:
    t, cmp = spec.threshold, spec.comparator
    raw = ctx.scores.get(spec.score_part or "total")
    score = None if raw is None or math.isnan(raw) else mx.quantize(SCORE_UNIT, float(raw))
    met = score is not None and compare_at(SCORE_UNIT, score, cmp, t)
    gap = None if score is None else (0.0 if met else max(shortfall(score, cmp, t), 0.0))
    entered = ctx.scores.get(SCORES_ENTERED) or 0  # item scores of an unfinished evaluation
    explanation, missing = ex.explain_score(spec, rule, score, met, gap, int(entered))
    return CriterionResult(
        spec, as_of, met, score, t, closeness(score, cmp, t, met), gap, rule, explanation, missing
    )


_EVALUATORS = {
    "each_month": _each_month,
    "change": _change,
    "average": _average,
    "count": _count,
    "tenure": _tenure,
    "score": _score,
}


# --- readiness for a transition ---------------------------------------------------------------


class Readiness(StrEnum):
    READY = "ready"  # 已达标: every criterion met
    NEARLY = "nearly"  # 接近达标
    NOT_READY = "not_ready"  # 未达标

    def message(self) -> Message:
        return Message(f"rules.readiness.{self.value}")


def within_margin(gap: float | None, threshold: float, margin: float) -> bool:
    """True when an unmet criterion misses by no more than ``margin`` of its threshold."""
    return gap is not None and gap <= margin * abs(threshold)


def halfway(result: CriterionResult) -> bool:
    """True when an unmet criterion is at least half-way to its threshold, or is an evaluation
    score not yet given (the review cycle is where it will be: the one thing left to do)."""
    if result.gap is None:
        return result.spec.kind == "score"
    return result.attainment >= HALFWAY


def readiness(results: Sequence[CriterionResult], margin: float = DEFAULT_MARGIN) -> Readiness:
    """Ready when all criteria are met. Nearly when every unmet one misses by no more than
    ``margin`` of its threshold (10% by default), or when only one is unmet and it is at least
    half-way there (``HALFWAY``: 5 of 6 months, 1 of 2 launches, a score of 81 for 85).
    A criterion that missing data makes unknowable is not near (nobody knows how far it is),
    except an evaluation score not yet given when it is the only thing left.
    """
    unmet = [r for r in results if not r.met]
    if not unmet:
        return Readiness.READY
    if all(within_margin(r.gap, r.required, margin) for r in unmet):
        return Readiness.NEARLY
    if len(unmet) == 1 and halfway(unmet[0]):
        return Readiness.NEARLY
    return Readiness.NOT_READY


@dataclass(frozen=True)
class TransitionProgress:
    """The verdict on every criterion of one transition for one employee, and the overall status."""

    as_of: str
    status: Readiness
    results: tuple[CriterionResult, ...]

    @property
    def met_count(self) -> int:
        return sum(1 for r in self.results if r.met)

    @property
    def ready(self) -> bool:
        return self.status is Readiness.READY

    def summary(self) -> Message:
        return ex.Phrase(
            "rules.progress.summary",
            {"status": self.status.message(), "met": self.met_count, "total": len(self.results)},
        )

    def missing(self) -> list[Message]:
        return [r.missing for r in self.results if r.missing is not None]


def evaluate_transition(
    specs: Iterable[CriterionSpec],
    ctx: EvaluationContext,
    as_of: str,
    margin: float = DEFAULT_MARGIN,
    custom: Mapping[str, mx.Metric] | None = None,
) -> TransitionProgress:
    results = tuple(evaluate(spec, ctx, as_of, custom) for spec in specs)
    return TransitionProgress(mo.parse(as_of), readiness(results, margin), results)


# --- the same verdicts for everybody at once --------------------------------------------------

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class AchievementTable:
    """All achievements of a batch as columns; ``employee`` is the row in the batch."""

    employee: npt.NDArray[np.int64]
    type: npt.NDArray[np.str_]
    day: npt.NDArray[np.int64]  # date.toordinal()
    success: BoolArray
    failed: BoolArray
    roi: FloatArray  # NaN = not recorded
    team_size: FloatArray  # NaN = not recorded

    @classmethod
    def from_records(cls, rows: Iterable[tuple[int, AchievementRecord]]) -> AchievementTable:
        pairs = list(rows)
        return cls(
            employee=np.array([e for e, _ in pairs], dtype=np.int64),
            type=np.array([_type_code(a.type) for _, a in pairs], dtype=np.str_),
            day=np.array([a.date.toordinal() for _, a in pairs], dtype=np.int64),
            success=np.array([is_success(a.result) for _, a in pairs], dtype=bool),
            failed=np.array([is_failed(a.result) for _, a in pairs], dtype=bool),
            roi=np.array([np.nan if a.roi is None else a.roi for _, a in pairs], dtype=np.float64),
            team_size=np.array(
                [np.nan if a.team_size is None else a.team_size for _, a in pairs],
                dtype=np.float64,
            ),
        )


@dataclass(frozen=True)
class EmployeeBatch:
    """Many employees' data as arrays: metric series are employees × ``months`` (NaN = no data).

    ``level_start`` is the month index (months.index) from which time at the current level
    counts (the month of promotion, or the next one when promoted after the 1st), NaN if unknown.
    """

    size: int
    months: tuple[str, ...]
    series: Mapping[str, FloatArray]
    achievements: AchievementTable
    level_start: FloatArray
    scores: Mapping[str, FloatArray]

    @classmethod
    def from_contexts(
        cls, contexts: Sequence[EvaluationContext], months: Sequence[str]
    ) -> EmployeeBatch:
        """Lay out per-employee contexts on a common month axis (consecutive months)."""
        axis = tuple(months)
        codes = sorted({code for ctx in contexts for code in ctx.series})
        series = {
            code: np.array(
                [mx.series_to_array(ctx.series.get(code, {}), axis) for ctx in contexts],
                dtype=np.float64,
            ).reshape(len(contexts), len(axis))
            for code in codes
        }
        table = AchievementTable.from_records(
            (row, a) for row, ctx in enumerate(contexts) for a in ctx.achievements
        )
        level_start = np.array(
            [level_start_index(ctx.level_since) for ctx in contexts], dtype=np.float64
        )
        parts = sorted({p for ctx in contexts for p in ctx.scores})
        scores = {
            p: np.array(
                [np.nan if (v := ctx.scores.get(p)) is None else v for ctx in contexts],
                dtype=np.float64,
            )
            for p in parts
        }
        return cls(len(contexts), axis, series, table, level_start, scores)

    def window(self, metric: str, as_of: str, n: int) -> FloatArray:
        """employees × n values of ``metric`` for the n months ending at ``as_of`` (NaN outside the data)."""
        out = np.full((self.size, n), np.nan)
        values = self.series.get(metric)
        if values is None or not self.months:
            return out
        first = mo.index(as_of) - (n - 1) - mo.index(self.months[0])
        lo, hi = max(first, 0), min(first + n, len(self.months))
        if lo < hi:
            out[:, lo - first : hi - first] = values[:, lo:hi]
        return out


def level_start_index(level_since: date | None) -> float:
    if level_since is None:
        return math.nan
    return float(mo.index(mo.of_date(level_since)) + (1 if level_since.day > 1 else 0))


@dataclass(frozen=True)
class BatchResult:
    """Per-employee verdicts on one criterion: the batch counterpart of CriterionResult.

    ``observed`` is the rule's single number (for each-month rules: the worst month), NaN
    when unknown; ``gap`` is NaN where CriterionResult.gap is None.
    """

    met: BoolArray
    attainment: FloatArray
    gap: FloatArray
    observed: FloatArray


def _compare_array_at(
    unit: str, values: FloatArray, comparator: str, threshold: float
) -> BoolArray:
    """``compare_at`` elementwise (NaN never meets)."""
    eps = mx.tolerance(unit)
    with np.errstate(invalid="ignore"):
        if comparator == ">=":
            return values >= threshold - eps
        if comparator == ">":
            return values > threshold + eps
        if comparator == "<=":
            return values <= threshold + eps
        if comparator == "<":
            return values < threshold - eps
    return np.zeros(values.shape, dtype=bool)


def _compare_array(values: FloatArray, comparator: str, threshold: float) -> BoolArray:
    with np.errstate(invalid="ignore"):
        if comparator == ">=":
            return values >= threshold
        if comparator == ">":
            return values > threshold
        if comparator == "<=":
            return values <= threshold
        if comparator == "<":
            return values < threshold
    return np.zeros(values.shape, dtype=bool)


def _shortfall_array(values: FloatArray, comparator: str, threshold: float) -> FloatArray:
    return values - threshold if comparator in ("<=", "<") else threshold - values


def _closeness_array(
    values: FloatArray, comparator: str, threshold: float, met: BoolArray
) -> FloatArray:
    if threshold == 0:
        return np.where(met, 1.0, 0.0)
    ratio = 1.0 - _shortfall_array(values, comparator, threshold) / abs(threshold)
    ratio = np.minimum(np.maximum(ratio, 0.0), UNMET_CAP)
    return np.where(met, 1.0, np.where(np.isnan(values), 0.0, ratio))


def _gap_array(values: FloatArray, comparator: str, threshold: float, met: BoolArray) -> FloatArray:
    gap = np.maximum(_shortfall_array(values, comparator, threshold), 0.0)
    return np.where(met, 0.0, gap)


def evaluate_batch(
    spec: CriterionSpec,
    batch: EmployeeBatch,
    as_of: str,
    custom: Mapping[str, mx.Metric] | None = None,
) -> BatchResult:
    """``evaluate`` for every employee of ``batch`` at once (verdicts and numbers, no sentences)."""
    as_of = mo.parse(as_of)
    n = batch.size
    t, cmp = float(spec.threshold), spec.comparator
    if validate(spec, custom):
        return BatchResult(
            np.zeros(n, dtype=bool), np.zeros(n), np.full(n, np.nan), np.full(n, np.nan)
        )
    unit = ex.unit_of(spec, custom)
    if spec.kind == "each_month":
        assert spec.metric is not None
        values = mx.quantize_array(unit, batch.window(spec.metric, as_of, spec.window))
        ok = _compare_array_at(unit, values, cmp, t)
        met = np.asarray(ok.all(axis=1), dtype=bool)
        missing = np.isnan(values).any(axis=1)
        worst_gap = np.maximum(_shortfall_array(values, cmp, t), 0.0).max(axis=1)
        gap = np.where(missing, np.nan, np.where(met, 0.0, worst_gap))
        worst = values.max(axis=1) if cmp in ("<=", "<") else values.min(axis=1)
        attainment = ok.sum(axis=1) / spec.window
        return BatchResult(met, attainment, gap, worst)
    if spec.kind == "change":
        assert spec.metric is not None
        values = mx.quantize_array(unit, batch.window(spec.metric, as_of, spec.window + 1))
        change = mx.quantize_array(unit, values[:, -1] - values[:, 0])
        met = _compare_array_at(unit, change, cmp, t)
        return BatchResult(
            met, _closeness_array(change, cmp, t, met), _gap_array(change, cmp, t, met), change
        )
    if spec.kind == "average":
        assert spec.metric is not None
        values = mx.quantize_array(unit, batch.window(spec.metric, as_of, spec.window))
        present = ~np.isnan(values)
        total = np.zeros(n)
        # column by column, in month order, so the sum is the very float evaluate() computes
        for column in range(spec.window):
            total = total + np.where(present[:, column], values[:, column], 0.0)
        available = present.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = mx.quantize_array(unit, np.where(available > 0, total / available, np.nan))
        complete = available == spec.window
        mean_meets = _compare_array_at(unit, mean, cmp, t)
        met = complete & mean_meets
        closeness_all = _closeness_array(mean, cmp, t, mean_meets)
        attainment = np.where(complete, closeness_all, closeness_all * (available / spec.window))
        gap = np.where(complete, _gap_array(mean, cmp, t, met), np.nan)
        return BatchResult(met, attainment, gap, mean)
    if spec.kind == "count":
        first, last = count_window(as_of, spec.window)
        table = batch.achievements
        cond = spec.conditions
        keep = (
            (table.type == spec.achievement_type)
            & (table.day >= first.toordinal())
            & (table.day <= last.toordinal())
            & ~table.failed
        )
        if cond.require_success:
            keep &= table.success
        with np.errstate(invalid="ignore"):
            if cond.roi_min is not None:
                keep &= table.roi >= cond.roi_min
            if cond.team_min is not None:
                keep &= table.team_size >= cond.team_min
        count = np.bincount(table.employee[keep], minlength=n).astype(np.float64)
        met = _compare_array(count, cmp, t)
        return BatchResult(
            met, _closeness_array(count, cmp, t, met), _gap_array(count, cmp, t, met), count
        )
    if spec.kind == "tenure":
        months = np.maximum(mo.index(as_of) + 1 - batch.level_start, 0.0)
        months = np.where(np.isnan(batch.level_start), np.nan, months)
        met = _compare_array(months, cmp, t)
        gap = np.where(np.isnan(months), np.nan, _gap_array(months, cmp, t, met))
        return BatchResult(met, _closeness_array(months, cmp, t, met), gap, months)
    # score
    score = mx.quantize_array(
        SCORE_UNIT, batch.scores.get(spec.score_part or "total", np.full(n, np.nan))
    )
    met = _compare_array_at(SCORE_UNIT, score, cmp, t)
    gap = np.where(np.isnan(score), np.nan, _gap_array(score, cmp, t, met))
    return BatchResult(met, _closeness_array(score, cmp, t, met), gap, score)


def readiness_batch(
    specs: Sequence[CriterionSpec],
    results: Sequence[BatchResult],
    size: int,
    margin: float = DEFAULT_MARGIN,
) -> npt.NDArray[np.str_]:
    """``readiness`` for ``size`` employees: an array of "ready" / "nearly" / "not_ready"."""
    unmet = np.zeros(size, dtype=np.int64)
    all_within = np.ones(size, dtype=bool)
    all_halfway = np.ones(size, dtype=bool)  # every unmet criterion ``halfway``
    for spec, result in zip(specs, results, strict=True):
        unmet += ~result.met
        known = ~np.isnan(result.gap)
        with np.errstate(invalid="ignore"):
            within = known & (result.gap <= margin * abs(spec.threshold))
        all_within &= result.met | within
        halfway_there = known & (result.attainment >= HALFWAY)
        if spec.kind == "score":  # an evaluation not yet given is the one thing left to do
            halfway_there |= ~known
        all_halfway &= result.met | halfway_there
    nearly = all_within | ((unmet == 1) & all_halfway)
    status = np.where(
        unmet == 0,
        Readiness.READY.value,
        np.where(nearly, Readiness.NEARLY.value, Readiness.NOT_READY.value),
    )
    return status.astype("<U9")
