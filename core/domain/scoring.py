"""The three-part evaluation (绩效/能力/潜力): template weights, part scores and the weighted total.

Performance comes from the transition's KPI criteria (each criterion's attainment, averaged
and mapped to 0–100); ability and potential come from rubric item scores (0–100) given by
raters. Weights are percentages: the parts of a template add up to 100, and so do the items
inside a part.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from core.domain import explain as ex
from core.domain import metrics as mx
from core.domain.rules import KPI_KINDS, BatchResult, CriterionResult, CriterionSpec
from core.i18n import Message

WEIGHT_TOTAL = 100.0
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class RubricItem:
    """One scored item of a part (e.g. 策略答辩), with its weight inside the part and band texts."""

    name: str
    weight: float
    rubric: tuple[tuple[str, str], ...] = ()  # (lowest score of the band, what it looks like)
    # who may rate it in score entry (supervisor | hr | owner); empty = every rating role
    raters: tuple[str, ...] = ()


@dataclass(frozen=True)
class TemplatePart:
    key: str  # performance | ability | potential
    name: str
    weight: float
    items: tuple[RubricItem, ...] = ()


@dataclass(frozen=True)
class EvaluationTemplate:
    name: str
    parts: tuple[TemplatePart, ...]

    @classmethod
    def from_parts(cls, name: str, parts: Iterable[Mapping[str, Any]]) -> EvaluationTemplate:
        """From the stored list [{"key", "name", "weight", "items": [{"name", "weight", "rubric"}]}]."""
        built: list[TemplatePart] = []
        for part in parts:
            items = tuple(
                RubricItem(
                    str(item.get("name", "")),
                    float(item.get("weight") or 0),
                    tuple((str(k), str(v)) for k, v in (item.get("rubric") or {}).items()),
                    tuple(str(r) for r in item.get("raters") or ()),
                )
                for item in part.get("items") or ()
            )
            built.append(
                TemplatePart(
                    str(part.get("key", "")),
                    str(part.get("name", "")),
                    float(part.get("weight") or 0),
                    items,
                )
            )
        return cls(name, tuple(built))

    def to_parts(self) -> list[dict[str, Any]]:
        return [
            {
                "key": p.key,
                "name": p.name,
                "weight": p.weight,
                "items": [
                    {
                        "name": i.name,
                        "weight": i.weight,
                        "rubric": dict(i.rubric),
                        **({"raters": list(i.raters)} if i.raters else {}),
                    }
                    for i in p.items
                ],
            }
            for p in self.parts
        ]

    def part(self, key: str) -> TemplatePart | None:
        return next((p for p in self.parts if p.key == key), None)


def _bands(*texts: str) -> tuple[tuple[str, str], ...]:
    return tuple(zip(("90", "75", "60", "0"), texts, strict=True))


DEFAULT_TEMPLATE = EvaluationTemplate(
    "默认评估模板",
    (
        TemplatePart("performance", "绩效", 60),
        TemplatePart(
            "ability",
            "能力",
            20,
            (
                RubricItem(
                    "策略答辩",
                    40,
                    _bands(
                        "能独立提出店铺衰退期的完整运营策略并用数据论证",
                        "策略基本完整，论证有少量缺口",
                        "能说明主要思路，需要指导补全",
                        "未能形成可执行的策略",
                    ),
                ),
                RubricItem(
                    "数据分析",
                    30,
                    _bands(
                        "能从多平台数据中发现问题并量化影响",
                        "能正确解读核心指标的变化",
                        "会看报表，结论偶有偏差",
                        "无法解读核心指标",
                    ),
                ),
                RubricItem(
                    "团队协作",
                    30,
                    _bands(
                        "主动协调跨岗位资源，推动项目落地",
                        "协作顺畅，按时交付",
                        "需要提醒才能配合",
                        "协作经常出现问题",
                    ),
                ),
            ),
        ),
        TemplatePart(
            "potential",
            "潜力",
            20,
            (
                RubricItem(
                    "学习能力",
                    40,
                    _bands(
                        "快速掌握直播、私域等新技能并带来成果",
                        "按计划学会新技能",
                        "学习新技能较慢",
                        "不愿学习新技能",
                    ),
                ),
                RubricItem(
                    "创新能力",
                    30,
                    _bands(
                        "提出并落地被采纳的创新提案",
                        "提出过被采纳的改进建议",
                        "偶有想法，未形成提案",
                        "没有改进建议",
                    ),
                ),
                RubricItem(
                    "领导力",
                    30,
                    _bands(
                        "带教新人并带领小组完成项目",
                        "带教过新人",
                        "能给同事提供帮助",
                        "尚未体现",
                    ),
                ),
            ),
        ),
    ),
)


def part_term(part: TemplatePart) -> Message:
    """The part's name: translated for the three built-in parts, the owner's text otherwise."""
    known = mx.EVALUATION_PARTS.get(part.key)
    if known is not None and part.name in ("", known.name_zh, known.name_en):
        return ex.term(known.name_zh, known.name_en)
    return ex.term(part.name, part.name)


def _close_to(total: float, expected: float) -> bool:
    return abs(total - expected) < _TOLERANCE


def validate_template(template: EvaluationTemplate) -> list[Message]:
    """What is wrong with a template's weights, as messages (empty when it can be used)."""
    problems: list[Message] = []
    if not template.parts:
        return [Message("rules.scoring.no_parts")]
    seen: set[str] = set()
    for part in template.parts:
        if part.key not in mx.EVALUATION_PARTS:
            problems.append(Message("rules.scoring.unknown_part", {"part": part.key}))
        elif part.key in seen:
            problems.append(ex.Phrase("rules.scoring.duplicate_part", {"part": part_term(part)}))
        seen.add(part.key)
        if not math.isfinite(part.weight) or part.weight < 0:
            problems.append(ex.Phrase("rules.scoring.negative_weight", {"name": part_term(part)}))
        # performance is scored from the KPI rules; the other parts need items to be scored at all
        if part.key != "performance" and part.weight > 0 and not part.items:
            problems.append(ex.Phrase("rules.scoring.no_items", {"part": part_term(part)}))
        if part.items:
            names = [i.name for i in part.items]
            for name in sorted({n for n in names if names.count(n) > 1}):
                problems.append(
                    ex.Phrase(
                        "rules.scoring.duplicate_item", {"part": part_term(part), "item": name}
                    )
                )
            for item in part.items:
                if not math.isfinite(item.weight) or item.weight < 0:
                    problems.append(ex.Phrase("rules.scoring.negative_weight", {"name": item.name}))
            item_total = sum(i.weight for i in part.items)
            if not _close_to(item_total, WEIGHT_TOTAL):
                problems.append(
                    ex.Phrase(
                        "rules.scoring.item_weights",
                        {"part": part_term(part), "total": mx.format_value("ratio", item_total)},
                    )
                )
    total = sum(p.weight for p in template.parts)
    if not _close_to(total, WEIGHT_TOTAL):
        problems.append(
            Message("rules.scoring.part_weights", {"total": mx.format_value("ratio", total)})
        )
    return problems


def performance_score(results: Sequence[CriterionResult]) -> float | None:
    """0–100 from the KPI criteria's attainment (their plain mean); None without KPI criteria."""
    kpi = [r.attainment for r in results if r.spec.kind in KPI_KINDS]
    if not kpi:
        return None
    total = 0.0
    for attainment in kpi:
        total += attainment
    return total / len(kpi) * WEIGHT_TOTAL


def performance_score_batch(
    specs: Sequence[CriterionSpec], results: Sequence[BatchResult], size: int
) -> npt.NDArray[np.float64]:
    """``performance_score`` per employee (NaN without KPI criteria)."""
    total = np.zeros(size)
    count = 0
    for spec, result in zip(specs, results, strict=True):
        if spec.kind in KPI_KINDS:
            total = total + result.attainment
            count += 1
    if count == 0:
        return np.full(size, np.nan)
    return total / count * WEIGHT_TOTAL


def average_ratings(entries: Iterable[tuple[str, str, float]]) -> dict[str, dict[str, float]]:
    """Item scores per part from (part, item, score) ratings: several raters of one item are averaged."""
    sums: dict[tuple[str, str], tuple[float, int]] = {}
    for part, item, score in entries:
        total, n = sums.get((part, item), (0.0, 0))
        sums[(part, item)] = (total + float(score), n + 1)
    result: dict[str, dict[str, float]] = {}
    for (part, item), (total, n) in sums.items():
        result.setdefault(part, {})[item] = total / n
    return result


@dataclass(frozen=True)
class EvaluationScore:
    """Part scores (0–100, None when incomplete) and the weighted total (None while any part is)."""

    parts: dict[str, float | None]
    total: float | None
    problems: tuple[Message, ...] = field(default=())

    def as_scores(self) -> dict[str, float | None]:
        """The mapping score rules read (EvaluationContext.scores)."""
        return {"total": self.total, **self.parts}


def _item_part_score(
    part: TemplatePart, scores: Mapping[str, float], problems: list[Message]
) -> float | None:
    total = 0.0
    complete = True
    for item in part.items:
        score = scores.get(item.name)
        if score is None or not math.isfinite(score):
            problems.append(
                ex.Phrase(
                    "rules.scoring.missing_item", {"part": part_term(part), "item": item.name}
                )
            )
            complete = False
            continue
        if not 0 <= score <= WEIGHT_TOTAL:
            problems.append(
                Message(
                    "rules.scoring.score_range",
                    {"item": item.name, "score": mx.format_value("ratio", score)},
                )
            )
            complete = False
            continue
        total += item.weight * score / WEIGHT_TOTAL
    return total if complete and part.items else None


def score_evaluation(
    template: EvaluationTemplate,
    kpi_results: Sequence[CriterionResult],
    item_scores: Mapping[str, Mapping[str, float]],
) -> EvaluationScore:
    """Score one employee's evaluation.

    The performance part is the KPI attainment score when the transition has KPI criteria,
    otherwise it is scored from its own items like the other parts (e.g. a transfer without
    KPI rules). A part with a missing or out-of-range item score stays None, and so does the
    total: a half-filled evaluation must not look like a low one.
    """
    problems: list[Message] = list(validate_template(template))
    parts: dict[str, float | None] = {}
    kpi_score = performance_score(kpi_results)
    for part in template.parts:
        if part.key == "performance" and kpi_score is not None:
            parts[part.key] = kpi_score
        elif part.key == "performance" and not part.items:
            problems.append(Message("rules.scoring.no_kpi"))
            parts[part.key] = None
        else:
            parts[part.key] = _item_part_score(part, item_scores.get(part.key, {}), problems)
    total: float | None = None
    if not problems:
        total = 0.0
        for part in template.parts:
            score = parts[part.key]
            assert score is not None
            total += part.weight * score / WEIGHT_TOTAL
    return EvaluationScore(parts, total, tuple(problems))
