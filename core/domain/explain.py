"""The sentences of the rule engine: each rule as an employee reads it, and why it is met or what is missing.

Everything here returns ``Message`` objects so the GUI, the CLI, the PDFs and the tests say the
same thing in zh or en. A sentence is built from smaller pieces (a metric name, a month, a
formatted value) that are themselves Messages; ``Phrase`` renders such nested pieces in the
language the whole sentence is asked for.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.domain import metrics as mx
from core.domain import months as mo
from core.i18n import Message, current_language, render

if TYPE_CHECKING:
    from core.domain.rules import AchievementRecord, CriterionSpec


def _resolve(value: Any, lang: str) -> Any:
    return value.text(lang) if isinstance(value, Message) else value


@dataclass(frozen=True)
class Phrase(Message):
    """A Message whose parameters may be Messages too, rendered in the sentence's language."""

    def text(self, lang: str | None = None) -> str:
        lang = lang or current_language()
        return render(self.code, {k: _resolve(v, lang) for k, v in self.params.items()}, lang)


@dataclass(frozen=True)
class Joined(Message):
    """Several pieces joined by the separator whose message code is ``code``."""

    def text(self, lang: str | None = None) -> str:
        lang = lang or current_language()
        separator = render(self.code, None, lang)
        return separator.join(str(_resolve(item, lang)) for item in self.params["items"])


@dataclass(frozen=True)
class _Term(Message):
    """rules.term without the catalogue: its template is the text in each language itself
    ("{zh}", "{en}"), and a report on a thousand people draws 50,000 of them."""

    def text(self, lang: str | None = None) -> str:
        lang = lang or current_language()
        return str(self.params["en" if lang == "en" else "zh"])


def term(zh: str, en: str) -> Message:
    """A piece of text known in both languages (a name, a formatted value)."""
    return _Term("rules.term", {"zh": zh, "en": en})


# Names listed in a sentence: 店铺A、店铺B but "store A, store B" in English.
NAMES = "rules.sep.names"


def joined(items: Iterable[Any], separator: str = "rules.sep.list") -> Joined:
    """``items`` listed with the separator of message ``separator`` in the sentence's language
    (core's counterpart of the desktop's ``listed``)."""
    return Joined(separator, {"items": tuple(items)})


EMPTY = term("", "")


def n_months(n: int) -> Message:
    return term(f"{n}个月", "1 month" if n == 1 else f"{n} months")


def month_term(month: str, reference: str | None = None) -> Message:
    """A month as shown in details: "3月"/"Mar" inside the as-of year, else "2023年12月"/"Dec 2023"."""
    return term(mo.short_label(month, "zh", reference), mo.short_label(month, "en", reference))


def months_list(months: Sequence[str], reference: str | None = None) -> Joined:
    return joined(month_term(m, reference) for m in months)


def comparator_term(comparator: str) -> Message:
    symbol = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}.get(comparator, comparator)
    return term(symbol, symbol)


def value_term(unit: str, value: float | None, decimals: int | None = None) -> Message:
    return term(
        mx.format_value(unit, value, "zh", decimals), mx.format_value(unit, value, "en", decimals)
    )


def amount_term(unit: str, amount: float, decimals: int | None = None) -> Message:
    return term(
        mx.format_amount(unit, amount, "zh", decimals),
        mx.format_amount(unit, amount, "en", decimals),
    )


def change_term(unit: str, change: float | None, decimals: int | None = None) -> Message:
    return term(
        mx.format_change(unit, change, "zh", decimals),
        mx.format_change(unit, change, "en", decimals),
    )


_DISPLAY_DECIMALS = {"percent": 1, "days": 1, "ratio": 2}


def most_decimals(unit: str) -> int:
    """The most decimals a value of ``unit`` is shown with: its precision (metrics.PRECISION),
    in the unit shown (percent: 0.01 percentage point = 2 decimals of the percentage)."""
    return mx.precision(unit) - (2 if unit == "percent" else 0)


def display_decimals(
    unit: str,
    value: float,
    near: float | None = None,
    start: int | None = None,
    most: int | None = None,
) -> int:
    """Decimals for an observed value: short, but never so short that it looks equal to the threshold.

    "15.0%" next to "≥15%" with a ✗ would confuse anyone, so a value that rounds onto the
    threshold without being it gets more decimals (14.99% rather than 15.0%), up to the
    precision values are judged at: a value judged equal to the threshold is shown equal to it.
    """
    if start is not None:
        decimals = start
    elif unit == "yuan":
        decimals = 0 if abs(value) >= 1000 else 2
    elif unit in ("count", "people"):
        decimals = 0 if float(value).is_integer() else 2
    else:
        decimals = _DISPLAY_DECIMALS.get(unit, 2)
    if near is None or math.isnan(value) or value == near:
        return decimals
    most = most_decimals(unit) if most is None else most
    while decimals < most:
        shown_value = mx.format_value(unit, value, "en", decimals)
        shown_threshold = mx.format_value(unit, near, "en", max(decimals, 0))
        if shown_value != shown_threshold:
            break
        decimals += 1
    return decimals


def observed_term(unit: str, value: float | None, near: float | None = None) -> Message:
    if value is None:
        return value_term(unit, None)
    return value_term(unit, value, display_decimals(unit, value, near))


def observed_change_term(unit: str, change: float, near: float | None = None) -> Message:
    decimals = display_decimals(unit, change, near)
    return change_term(unit, change, decimals)


# --- what a rule says ------------------------------------------------------------------------


def metric_term(code: str | None, custom: Mapping[str, mx.Metric] | None = None) -> Message:
    if not code:
        return term("（未选指标）", "(no metric)")
    found = mx.metric(code, custom)
    return term(found.name_zh, found.name_en) if found else term(code, code)


def achievement_term(code: str | None, count: float = 1) -> Message:
    """The type's name for ``count`` of them: English takes the singular when the count reads
    as 1 where it is shown (format_value: a threshold of 0.99999 or 1.00001 shows "1", and read
    "1 campaigns")."""
    found = mx.ACHIEVEMENT_TYPES.get(code or "")
    if found is None:
        shown = code or "（未选成果类型）"
        return term(shown, code or "(no achievement type)")
    one = mx.format_value("count", count) == "1"
    return term(found.name_zh, found.name("en", 1 if one else 2))


def score_part_term(part: str | None) -> Message:
    found = mx.EVALUATION_PARTS.get(part or "total")
    if found is None:
        return term("评估总分", "Evaluation total")
    return term(f"{found.name_zh}得分", f"{found.name_en} score")


def unit_of(spec: CriterionSpec, custom: Mapping[str, mx.Metric] | None = None) -> str:
    found = mx.metric(spec.metric or "", custom)
    return found.unit if found else "ratio"


def condition(spec: CriterionSpec, custom: Mapping[str, mx.Metric] | None = None) -> Phrase:
    """The metric, comparator and threshold alone: "GMV增长率≥15%"."""
    return Phrase(
        "rules.condition",
        {
            "metric": metric_term(spec.metric, custom),
            "cmp": comparator_term(spec.comparator),
            "value": value_term(unit_of(spec, custom), spec.threshold),
        },
    )


def conditions_term(spec: CriterionSpec) -> Message:
    items: list[Message] = []
    cond = spec.conditions
    if cond.roi_min is not None:
        items.append(Message("rules.cond.roi", {"roi": mx.format_value("ratio", cond.roi_min)}))
    if cond.team_min is not None:
        items.append(Message("rules.cond.team", {"team": mx.format_value("count", cond.team_min)}))
    if not cond.require_success:
        items.append(Message("rules.cond.any_result"))
    if not items:
        return EMPTY
    return Phrase("rules.conditions", {"items": joined(items, "rules.sep.conditions")})


def rule_message(spec: CriterionSpec, custom: Mapping[str, mx.Metric] | None = None) -> Message:
    """The rule as the employee reads it: "连续3个月GMV增长率≥15%"."""
    unit = unit_of(spec, custom)
    cmp = comparator_term(spec.comparator)
    window = max(int(spec.window), 0)
    if spec.kind == "each_month":
        if window == 1:
            return Phrase(
                "rules.describe.each_month_single", {"condition": condition(spec, custom)}
            )
        return Phrase(
            "rules.describe.each_month",
            {"months": n_months(window), "window": window, "condition": condition(spec, custom)},
        )
    if spec.kind == "change":
        metric = metric_term(spec.metric, custom)
        if spec.comparator in (">=", ">") and spec.threshold >= 0:
            code, shown_cmp, amount = "rules.describe.change_up", cmp, spec.threshold
        elif spec.comparator in ("<=", "<") and spec.threshold <= 0:
            flipped = {"<=": ">=", "<": ">"}[spec.comparator]
            code, shown_cmp, amount = (
                "rules.describe.change_down",
                comparator_term(flipped),
                -spec.threshold,
            )
        else:
            return Phrase(
                "rules.describe.change",
                {
                    "metric": metric,
                    "months": n_months(window),
                    "cmp": cmp,
                    "amount": change_term(unit, spec.threshold),
                },
            )
        return Phrase(
            code,
            {
                "metric": metric,
                "months": n_months(window),
                "cmp": shown_cmp,
                "amount": amount_term(unit, amount),
            },
        )
    if spec.kind == "average":
        return Phrase(
            "rules.describe.average",
            {
                "metric": metric_term(spec.metric, custom),
                "months": n_months(window),
                "cmp": cmp,
                "value": value_term(unit, spec.threshold),
            },
        )
    if spec.kind == "count":
        return Phrase(
            "rules.describe.count",
            {
                "months": n_months(window),
                "cmp": cmp,
                "count": mx.format_value("count", spec.threshold),
                "type": achievement_term(spec.achievement_type, spec.threshold),
                "conditions": conditions_term(spec),
            },
        )
    if spec.kind == "tenure":
        months = (
            n_months(int(spec.threshold))
            if float(spec.threshold).is_integer()
            else term(f"{spec.threshold:g}个月", f"{spec.threshold:g} months")
        )
        if spec.comparator == ">=":
            return Phrase("rules.describe.tenure", {"months": months})
        return Phrase("rules.describe.tenure_cmp", {"cmp": cmp, "months": months})
    if spec.kind == "score":
        value = mx.format_value("ratio", spec.threshold)
        if (spec.score_part or "total") == "total":
            return Phrase("rules.describe.score_total", {"cmp": cmp, "value": value})
        return Phrase(
            "rules.describe.score_part",
            {"part": score_part_term(spec.score_part), "cmp": cmp, "value": value},
        )
    return Message("rules.describe.unknown_kind", {"kind": str(spec.kind)})


def describe(
    spec: CriterionSpec, lang: str | None = None, custom: Mapping[str, mx.Metric] | None = None
) -> str:
    """The rule sentence in ``lang``: "连续3个月GMV增长率≥15%" / "GMV growth ≥ 15% in each of 3 consecutive months"."""
    return rule_message(spec, custom).text(lang)


# --- why a rule is met, and what is missing ---------------------------------------------------


def month_detail(
    month: str, value: float | None, failed: bool, unit: str, threshold: float, reference: str
) -> Phrase:
    """One month in a details list: "2月 9.8% ✗" or "2月 无数据 ✗"."""
    shown = month_term(month, reference)
    if value is None:
        return Phrase("rules.detail.no_data", {"month": shown})
    code = "rules.detail.value_failed" if failed else "rules.detail.value"
    return Phrase(code, {"month": shown, "value": observed_term(unit, value, threshold)})


def explain_each_month(
    spec: CriterionSpec,
    custom: Mapping[str, mx.Metric] | None,
    as_of: str,
    details: Sequence[tuple[str, float | None, bool]],
) -> tuple[Message, Message | None]:
    unit = unit_of(spec, custom)
    items = [month_detail(m, v, not ok, unit, spec.threshold, as_of) for m, v, ok in details]
    met_count = sum(1 for _, _, ok in details if ok)
    cond = condition(spec, custom)
    explanation = Phrase(
        "rules.explain.each_month",
        {
            "condition": cond,
            "months": n_months(len(details)),
            "met": met_count,
            "details": joined(items),
        },
    )
    failing = [item for item, (_, _, ok) in zip(items, details, strict=True) if not ok]
    if not failing:
        return explanation, None
    missing = Phrase(
        "rules.missing.each_month",
        {"condition": cond, "months": n_months(len(failing)), "details": joined(failing)},
    )
    return explanation, missing


def explain_no_data(
    spec: CriterionSpec,
    custom: Mapping[str, mx.Metric] | None,
    rule: Message,
    missing_months: Sequence[str],
    as_of: str,
) -> tuple[Message, Message]:
    shown = months_list(missing_months, as_of)
    return (
        Phrase("rules.explain.change_no_data", {"rule": rule, "months": shown}),
        Phrase(
            "rules.missing.no_data", {"metric": metric_term(spec.metric, custom), "months": shown}
        ),
    )


def shortfall_term(unit: str, gap: float, threshold: float) -> Message:
    """How much is missing, shown with enough decimals not to read as zero."""
    # a shortfall against a threshold finer than the precision may be finer too
    decimals = display_decimals(unit, gap, 0.0 if gap != 0 else None, most=6)
    if unit == "percent":
        decimals = max(decimals, 1)
    return amount_term(unit, gap, decimals)


def explain_change(
    spec: CriterionSpec,
    custom: Mapping[str, mx.Metric] | None,
    rule: Message,
    start: tuple[str, float],
    end: tuple[str, float],
    change: float,
    met: bool,
    gap: float,
    as_of: str,
) -> tuple[Message, Message | None]:
    unit = unit_of(spec, custom)
    explanation = Phrase(
        "rules.explain.change",
        {
            "rule": rule,
            "to_month": month_term(end[0], as_of),
            "to_value": observed_term(unit, end[1]),
            "from_month": month_term(start[0], as_of),
            "from_value": observed_term(unit, start[1]),
            "change": observed_change_term(unit, change, spec.threshold),
        },
    )
    if met:
        return explanation, None
    missing = Phrase(
        "rules.missing.change",
        {
            "metric": metric_term(spec.metric, custom),
            "amount": shortfall_term(unit, gap, spec.threshold),
        },
    )
    return explanation, missing


def explain_average(
    spec: CriterionSpec,
    custom: Mapping[str, mx.Metric] | None,
    rule: Message,
    details: Sequence[tuple[str, float | None]],
    mean: float | None,
    met: bool,
    gap: float | None,
    as_of: str,
) -> tuple[Message, Message | None]:
    unit = unit_of(spec, custom)
    items = [month_detail(m, v, False, unit, spec.threshold, as_of) for m, v in details]
    gaps = [m for m, v in details if v is None]
    if gaps:
        explanation = Phrase(
            "rules.explain.average_incomplete",
            {"rule": rule, "missing": n_months(len(gaps)), "details": joined(items)},
        )
        missing = Phrase(
            "rules.missing.no_data",
            {"metric": metric_term(spec.metric, custom), "months": months_list(gaps, as_of)},
        )
        return explanation, missing
    assert mean is not None
    explanation = Phrase(
        "rules.explain.average",
        {
            "rule": rule,
            "value": observed_term(unit, mean, spec.threshold),
            "details": joined(items),
        },
    )
    if met:
        return explanation, None
    return explanation, Phrase(
        "rules.missing.average",
        {
            "metric": metric_term(spec.metric, custom),
            "amount": shortfall_term(unit, gap or 0.0, spec.threshold),
        },
    )


_MAX_LISTED_ACHIEVEMENTS = 5


def explain_count(
    spec: CriterionSpec,
    rule: Message,
    counted: Sequence[AchievementRecord],
    excluded: int,
    met: bool,
) -> tuple[Message, Message | None]:
    if counted and len(counted) <= _MAX_LISTED_ACHIEVEMENTS:
        listed = joined(
            Phrase("rules.count.item", {"date": a.date.isoformat(), "name": a.name})
            if a.name
            else a.date.isoformat()
            for a in counted
        )
        items: Message = Phrase("rules.count.items", {"items": listed})
    else:
        items = EMPTY
    extra = Phrase("rules.count.excluded", {"count": excluded}) if excluded else EMPTY
    explanation = Phrase(
        "rules.explain.count",
        {"rule": rule, "count": len(counted), "items": items, "excluded": extra},
    )
    if met:
        return explanation, None
    needed = _count_needed(len(counted), spec.comparator, spec.threshold)
    if needed > 0:
        missing = Phrase(
            "rules.missing.count",
            {
                "count": needed,
                "type": achievement_term(spec.achievement_type, needed),
                "conditions": conditions_term(spec),
            },
        )
    else:
        over = _count_over(len(counted), spec.comparator, spec.threshold)
        missing = Phrase(
            "rules.missing.count_over",
            {"count": over, "type": achievement_term(spec.achievement_type, over)},
        )
    return explanation, missing


def _count_needed(count: int, comparator: str, threshold: float) -> int:
    """How many more achievements would satisfy a ≥ / > rule (0 for ≤ / < rules)."""
    if comparator == ">=":
        return max(0, math.ceil(threshold - count))
    if comparator == ">":
        return max(0, math.floor(threshold - count) + 1)
    return 0


def _count_over(count: int, comparator: str, threshold: float) -> int:
    if comparator == "<=":
        return max(0, math.ceil(count - threshold))
    if comparator == "<":
        return max(0, math.floor(count - threshold) + 1)
    return 0


def explain_tenure(
    spec: CriterionSpec, rule: Message, months: int | None, met: bool
) -> tuple[Message, Message | None]:
    if months is None:
        return (
            Phrase("rules.explain.tenure_unknown", {"rule": rule}),
            Message("rules.missing.tenure_unknown"),
        )
    explanation = Phrase("rules.explain.tenure", {"rule": rule, "months": n_months(months)})
    if met:
        return explanation, None
    needed = _count_needed(months, spec.comparator, spec.threshold)
    if needed <= 0:
        return explanation, Phrase("rules.missing.tenure_over", {"months": n_months(months)})
    return explanation, Phrase("rules.missing.tenure", {"months": n_months(needed)})


def explain_score(
    spec: CriterionSpec,
    rule: Message,
    score: float | None,
    met: bool,
    gap: float | None,
    entered: int = 0,
) -> tuple[Message, Message | None]:
    part = score_part_term(spec.score_part)
    if score is None and entered:
        return (
            Phrase("rules.explain.score_incomplete", {"rule": rule, "n": entered}),
            Phrase("rules.missing.score_incomplete", {"part": part}),
        )
    if score is None:
        return (
            Phrase("rules.explain.score_none", {"rule": rule}),
            Phrase("rules.missing.score_none", {"part": part}),
        )
    decimals = display_decimals("ratio", score, spec.threshold, 1)
    shown = mx.format_value("ratio", score, "zh", decimals)
    explanation = Phrase("rules.explain.score", {"rule": rule, "value": shown})
    if met:
        return explanation, None
    # the shortfall as the reader works it out from the printed numbers: "总分 81.2" with
    # "还差3.84分" against ≥ 85 did not add up (81.16 was judged, 81.2 shown)
    printed = abs(spec.threshold - round(score, decimals))
    if round(printed, decimals) > 0:
        amount = mx.format_value("ratio", printed, "zh", decimals)
    else:
        amount = mx.format_value(
            "ratio", gap or 0.0, "zh", display_decimals("ratio", gap or 0.0, 0.0)
        )
    return explanation, Phrase("rules.missing.score", {"part": part, "amount": amount})


def explain_invalid(rule: Message, problems: Sequence[Message]) -> tuple[Message, Message]:
    listed = joined(problems, "rules.sep.problems")
    return (
        Phrase("rules.explain.invalid", {"rule": rule, "problems": listed}),
        Phrase("rules.missing.invalid", {"problems": listed}),
    )
