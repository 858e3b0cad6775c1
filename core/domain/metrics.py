"""The metric catalogue as data, the achievement types and evaluation parts, and how monthly metrics are derived.

Rates are stored as fractions (0.15 = 15%). An employee's month is the sum of the stores they
ran that month (a store run by two people counts fully for each); rates are recomputed from
those sums, never averaged, so two stores of very different size weigh what they really weigh.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from core.domain import months as mo

Unit = Literal["yuan", "percent", "count", "days", "ratio", "people"]
Direction = Literal["higher", "lower"]
Category = Literal["store", "user", "live", "data", "custom"]
Value = float | None
Series = dict[str, dict[str, Value]]  # metric code -> month -> value (None = no data)
FloatArray = npt.NDArray[np.float64]

UNITS: tuple[Unit, ...] = ("yuan", "percent", "count", "days", "ratio", "people")
DIRECTIONS: tuple[Direction, ...] = ("higher", "lower")

# The precision a value is compared with a threshold at, and shown at most: decimals of the
# stored value. Rates and growths to 0.01 percentage point (0.1200 = 12.00%), money to the fen,
# counts, people and days (averages of them) to 0.01. A value is rounded to it before any
# verdict, so the number a person reads is the number that was judged: 12.00% meets ≥ 12%
# even when the float arithmetic behind it gave 0.11999999999999975.
PRECISION: dict[str, int] = {
    "percent": 4,
    "yuan": 2,
    "count": 2,
    "people": 2,
    "days": 2,
    "ratio": 4,
}
# Money is summed in whole fen (integers, exact in a float up to ¥90 trillion), never as yuan
# floats: thirty days of ¥8,333.33 add up to exactly ¥249,999.90.
FEN = 100.0


@dataclass(frozen=True)
class Metric:
    """One measurable thing a criterion can be about, with where its monthly value comes from."""

    code: str
    name_zh: str
    name_en: str
    unit: Unit
    direction: Direction = "higher"
    category: Category = "store"
    # import kinds (see docs/cli.md) that deliver it, or "manual" / "derived"
    sources: tuple[str, ...] = ("manual",)
    derived_from: tuple[str, ...] = ()
    # summed over the stores an employee runs; everything else is recomputed or entered per person
    additive: bool = False
    # plausible range of one monthly value, used to reject thresholds typed in the wrong scale
    min_value: float | None = None
    max_value: float | None = None

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang == "en" else self.name_zh

    @property
    def derived(self) -> bool:
        return "derived" in self.sources


def _m(
    code: str,
    zh: str,
    en: str,
    unit: Unit,
    category: Category,
    sources: tuple[str, ...],
    *,
    direction: Direction = "higher",
    derived_from: tuple[str, ...] = (),
    lo: float | None = None,
    hi: float | None = None,
) -> Metric:
    additive = unit in ("yuan", "count", "people") and "derived" not in sources
    return Metric(code, zh, en, unit, direction, category, sources, derived_from, additive, lo, hi)


_SHOP_SOURCES = ("sycm-shop", "taobao-orders", "douyin-orders")
_LIVE = ("douyin-live",)

CATALOGUE: dict[str, Metric] = {
    m.code: m
    for m in (
        # store operations 店铺运营
        _m("gmv", "GMV", "GMV", "yuan", "store", _SHOP_SOURCES, lo=0),
        _m("gmv_growth", "GMV增长率", "GMV growth", "percent", "store", ("derived",),
           derived_from=("gmv",), lo=-1),
        _m("visitors", "访客数", "Visitors", "people", "store", ("sycm-shop",), lo=0),
        _m("paid_buyers", "支付买家数", "Paid buyers", "people", "store", ("sycm-shop",), lo=0),
        _m("old_buyers", "老买家数", "Returning buyers", "people", "store", ("sycm-shop",), lo=0),
        _m("conversion_rate", "转化率", "Conversion rate", "percent", "store", ("derived",),
           derived_from=("paid_buyers", "visitors"), lo=0, hi=1),
        _m("inventory_turnover_days", "库存周转天数", "Inventory turnover days", "days", "store",
           ("manual",), direction="lower", lo=0),
        _m("new_product_success_rate", "新品成功率", "New-product success rate", "percent",
           "store", ("manual",), lo=0, hi=1),
        # user operations 用户运营
        _m("repurchase_rate", "复购率", "Repurchase rate", "percent", "user", ("derived",),
           derived_from=("old_buyers", "paid_buyers"), lo=0, hi=1),
        _m("retention_30d", "30日留存率", "30-day retention", "percent", "user", ("manual",),
           lo=0, hi=1),
        _m("retention_90d", "90日留存率", "90-day retention", "percent", "user", ("manual",),
           lo=0, hi=1),
        _m("active_user_growth", "活跃用户增长率", "Active-user growth", "percent", "user",
           ("manual",), lo=-1),
        _m("private_domain_conversion", "私域转化率", "Private-domain conversion", "percent",
           "user", ("manual",), lo=0, hi=1),
        # live operations 直播运营
        _m("live_viewers", "直播观看人数", "Live viewers", "people", "live", _LIVE, lo=0),
        _m("live_comments", "直播评论数", "Live comments", "count", "live", _LIVE, lo=0),
        _m("live_likes", "直播点赞数", "Live likes", "count", "live", _LIVE, lo=0),
        _m("live_buyers", "直播成交人数", "Live buyers", "people", "live", _LIVE, lo=0),
        _m("live_interaction_rate", "直播互动率", "Live interaction rate", "percent", "live",
           ("derived",), derived_from=("live_comments", "live_likes", "live_viewers"), lo=0),
        _m("live_order_conversion", "直播下单转化率", "Live order conversion", "percent", "live",
           ("derived",), derived_from=("live_buyers", "live_viewers"), lo=0, hi=1),
        _m("live_gmv", "直播GMV", "Live GMV", "yuan", "live", (*_LIVE, "douyin-orders"), lo=0),
        _m("live_sessions", "直播场次", "Live sessions", "count", "live", _LIVE, lo=0),
        _m("live_gmv_per_session", "场均直播GMV", "Live GMV per session", "yuan", "live",
           ("derived",), derived_from=("live_gmv", "live_sessions"), lo=0),
        # data operations 数据运营
        _m("report_accuracy", "报表准确率", "Report accuracy", "percent", "data", ("manual",),
           lo=0, hi=1),
        _m("strategy_uplift", "策略提升率", "Strategy uplift", "percent", "data", ("manual",),
           lo=-1),
    )
}  # fmt: skip

# Derived rates: (numerator codes, denominator code); the value is sum(numerators) / denominator.
RATIOS: dict[str, tuple[tuple[str, ...], str]] = {
    "conversion_rate": (("paid_buyers",), "visitors"),
    "repurchase_rate": (("old_buyers",), "paid_buyers"),
    "live_interaction_rate": (("live_comments", "live_likes"), "live_viewers"),
    "live_order_conversion": (("live_buyers",), "live_viewers"),
    "live_gmv_per_session": (("live_gmv",), "live_sessions"),
}
# Month-on-month growth rates: growth code -> the metric it is the growth of.
GROWTHS: dict[str, str] = {"gmv_growth": "gmv"}


def metric(code: str, custom: Mapping[str, Metric] | None = None) -> Metric | None:
    """The built-in or custom metric with ``code``, or None if nobody defined it."""
    found = CATALOGUE.get(code)
    if found is None and custom is not None:
        found = custom.get(code)
    return found


def custom_metric(
    code: str,
    name_zh: str,
    name_en: str = "",
    unit: str = "count",
    direction: str = "higher",
    category: str = "custom",
) -> Metric:
    """A metric the owner added (entered by hand or imported from Tidui's metrics template)."""
    the_unit: Unit = unit if unit in UNITS else "count"
    the_direction: Direction = "lower" if direction == "lower" else "higher"
    the_category: Category = category if category in ("store", "user", "live", "data") else "custom"  # type: ignore[assignment]
    return Metric(
        code, name_zh, name_en or name_zh, the_unit, the_direction, the_category, ("manual",)
    )


# --- achievement types and evaluation parts -------------------------------------------------


@dataclass(frozen=True)
class AchievementType:
    """A kind of 成果 an employee records, counted by count rules."""

    code: str
    name_zh: str
    name_en: str  # singular, as in "1 campaign"
    plural_en: str

    def name(self, lang: str = "zh", count: float = 1) -> str:
        if lang == "en":
            return self.name_en if count == 1 else self.plural_en
        return self.name_zh


ACHIEVEMENT_TYPES: dict[str, AchievementType] = {
    t.code: t
    for t in (
        AchievementType("new_product", "新品上线", "new-product launch", "new-product launches"),
        AchievementType("campaign", "活动策划", "campaign", "campaigns"),
        AchievementType(
            "live_support", "直播支持", "live session supported", "live sessions supported"
        ),
        AchievementType("proposal", "创新提案", "innovation proposal", "innovation proposals"),
        AchievementType("mentoring", "带教新人", "newcomer coached", "newcomers coached"),
    )
}


def achievement_type_code(text: str) -> str | None:
    """The type code for a code or a Chinese/English name as it appears in a spreadsheet."""
    wanted = text.strip().lower()
    for t in ACHIEVEMENT_TYPES.values():
        if wanted in (t.code, t.name_zh, t.name_en.lower(), t.plural_en.lower()):
            return t.code
    return None


@dataclass(frozen=True)
class EvaluationPart:
    """One of the three parts of an evaluation (绩效/能力/潜力)."""

    code: str
    name_zh: str
    name_en: str

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang == "en" else self.name_zh


EVALUATION_PARTS: dict[str, EvaluationPart] = {
    p.code: p
    for p in (
        EvaluationPart("performance", "绩效", "Performance"),
        EvaluationPart("ability", "能力", "Ability"),
        EvaluationPart("potential", "潜力", "Potential"),
    )
}
SCORE_PARTS: tuple[str, ...] = ("total", *EVALUATION_PARTS)


def template_part_name(part: Mapping[str, Any], lang: str = "zh") -> str:
    """A stored template part's name in ``lang``: the built-in 绩效/能力/潜力 as Performance /
    Ability / Potential in English; a name the owner typed stays as typed."""
    name = str(part.get("name", ""))
    builtin = EVALUATION_PARTS.get(str(part.get("key", "")))
    if builtin is not None and name == builtin.name_zh:
        return builtin.name(lang)
    return name


def precision(unit: str) -> int:
    """Decimals of the stored value at which ``unit`` values are compared (see PRECISION)."""
    return PRECISION.get(unit, 4)


def quantize(unit: str, value: float | None) -> float | None:
    """``value`` rounded to its unit's precision (None and NaN stay as they are)."""
    if value is None or math.isnan(value):
        return value
    return float(np.round(np.float64(value), precision(unit)))


def quantize_array(unit: str, values: FloatArray) -> FloatArray:
    """``quantize`` elementwise, by the very same rounding (the batch evaluator agrees to the bit)."""
    return np.asarray(np.round(values, precision(unit)), dtype=np.float64)


def tolerance(unit: str) -> float:
    """Far below one step of the precision: absorbs a threshold's own float noise (12.3/100)."""
    return 10.0 ** -(precision(unit) + 6)


def to_fen(value: float) -> float:
    """A yuan amount in whole fen (a float holding an integer)."""
    return float(np.rint(np.float64(value) * FEN))


def money_sum(values: Iterable[float]) -> float:
    """Yuan amounts added exactly: in whole fen, then back to yuan (to the fen)."""
    total = 0.0
    for value in values:
        total += to_fen(value)
    return total / FEN


def is_money(code: str, custom: Mapping[str, Metric] | None = None) -> bool:
    found = CATALOGUE.get(code) or (custom or {}).get(code)
    return found is not None and found.unit == "yuan"


# --- showing values ---------------------------------------------------------------------------


def _number(value: float, decimals: int) -> str:
    """Thousands separators, at most ``decimals`` decimals, no trailing zeros."""
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def exact_decimals(value: float, scale: float = 1.0, most: int = 4) -> int:
    """The fewest decimals (up to ``most``) that show ``value * scale`` without rounding it."""
    scaled = value * scale
    for decimals in (0, 1, 2, 3):
        if decimals >= most:
            break
        if abs(round(scaled, decimals) - scaled) < 1e-9 * max(1.0, abs(scaled)):
            return decimals
    return most


def format_value(unit: str, value: Value, lang: str = "zh", decimals: int | None = None) -> str:
    """A value as a person reads it: "16.2%", "¥12,345", "12.5天" / "12.5 days".

    ``decimals`` None shows the value exactly (up to 4 decimals), as thresholds need.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "无数据" if lang != "en" else "no data"
    if unit == "percent":
        d = exact_decimals(value, 100) if decimals is None else decimals
        return _number(value * 100, d) + "%"
    d = exact_decimals(value) if decimals is None else decimals
    if unit == "yuan":
        sign = "-" if value < 0 else ""
        return f"{sign}¥{_number(abs(value), d)}"
    if unit == "days":
        shown = _number(value, d)
        if lang == "en":
            return f"{shown} day" if shown == "1" else f"{shown} days"
        return f"{shown}天"
    return _number(value, d)


def format_amount(unit: str, amount: float, lang: str = "zh", decimals: int | None = None) -> str:
    """A difference between two values: percentage points for rates, the unit otherwise."""
    if unit == "percent":
        d = exact_decimals(amount, 100) if decimals is None else decimals
        shown = _number(amount * 100, d)
        return f"{shown} pp" if lang == "en" else f"{shown}个百分点"
    return format_value(unit, amount, lang, decimals)


def format_criterion_value(
    unit: str, kind: str | None, value: float, lang: str = "zh", decimals: int | None = None
) -> str:
    """A rule's observed or required number in its metric's unit; a ``change`` rule's in the
    amount of change (转化率 3.5% − 1.9% is 1.6个百分点, not 1.6%). The case view, the review
    checklist and the printed evaluation report all write it through here."""
    if kind == "change":
        return format_amount(unit, value, lang, decimals)
    return format_value(unit, value, lang, decimals)


def format_change(unit: str, change: Value, lang: str = "zh", decimals: int | None = None) -> str:
    """A signed difference ("+1.8个百分点", "-¥2,000")."""
    if change is None or math.isnan(change):
        return format_value(unit, None, lang)
    sign = "+" if change > 0 else ("-" if change < 0 else "")
    return sign + format_amount(unit, abs(change), lang, decimals)


# --- deriving an employee's monthly series ---------------------------------------------------

StoreFacts = Mapping[str, Mapping[str, Value]]  # month -> metric code -> value, one store


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def employee_series(
    stores: Iterable[StoreFacts],
    manual: Mapping[str, Mapping[str, Value]] | None = None,
    custom: Mapping[str, Metric] | None = None,
) -> Series:
    """An employee's monthly series of every metric, from the stores they ran and hand-entered values.

    ``stores`` holds, per store, only the months this employee ran it. Additive metrics
    (money, counts, people) are summed over those stores. A derived rate is recomputed from
    the stores that report both its numerator and its denominator that month, so a Douyin
    shop without visitor numbers cannot inflate a Tmall shop's conversion rate. Rates and
    other non-additive values found in store facts are ignored (they are recomputed), so
    importers may pass the platform's own rate columns harmlessly.

    Hand-entered (``manual``) money and counts are added like one more store; a hand-entered
    rate or other non-additive value only fills a month the imports cannot derive.
    """

    def additive(code: str) -> bool:
        known = CATALOGUE.get(code) or (custom or {}).get(code)
        return known is None or known.additive

    store_list = list(stores)
    manual_store: dict[str, dict[str, Value]] = {}
    for code, by_month in (manual or {}).items():
        if additive(code) and code in CATALOGUE:
            for month, value in by_month.items():
                manual_store.setdefault(month, {})[code] = value
    if manual_store:
        store_list.append(manual_store)

    def exact(code: str, value: object) -> float:
        # money in whole fen, so sums are exact and do not depend on the order of adding
        return to_fen(float(value)) if is_money(code, custom) else float(value)  # type: ignore[arg-type]

    sums: dict[str, dict[str, float]] = {}
    pair_sums: dict[str, dict[str, tuple[float, float]]] = {}
    for facts in store_list:
        for month, values in facts.items():
            for code, value in values.items():
                if additive(code) and _present(value):
                    by_month = sums.setdefault(code, {})
                    by_month[month] = by_month.get(month, 0.0) + exact(code, value)
            for code, (numerators, denominator) in RATIOS.items():
                den = values.get(denominator)
                nums = [values.get(n) for n in numerators]
                if _present(den) and all(_present(n) for n in nums):
                    num_total = 0.0
                    for n, v in zip(numerators, nums, strict=True):
                        num_total += exact(n, v)
                    num_sum, den_sum = pair_sums.setdefault(code, {}).get(month, (0.0, 0.0))
                    pair_sums[code][month] = (
                        num_sum + num_total,
                        den_sum + exact(denominator, den),
                    )

    series: Series = {}
    for code, by_month in sums.items():
        scale = FEN if is_money(code, custom) else 1.0
        series[code] = {m: v / scale for m, v in by_month.items()}
    for code, (numerators, denominator) in RATIOS.items():
        num_scale = FEN if is_money(numerators[0], custom) else 1.0
        den_scale = FEN if is_money(denominator, custom) else 1.0
        derived: dict[str, Value] = {}
        for month, (num_sum, den_sum) in pair_sums.get(code, {}).items():
            derived[month] = (num_sum / num_scale) / (den_sum / den_scale) if den_sum != 0 else None
        series[code] = derived
    for code, base in GROWTHS.items():
        series[code] = growth_series(series.get(base, {}))

    for code, by_month in (manual or {}).items():
        if additive(code) and code in CATALOGUE:
            continue
        target = series.setdefault(code, {})
        for month, value in by_month.items():
            if _present(value) and target.get(month) is None:
                target[month] = float(value)  # type: ignore[arg-type]
    return series


def growth_series(values: Mapping[str, Value]) -> dict[str, Value]:
    """Month-on-month growth (V(M) − V(M−1)) / V(M−1), for every month that has a value.

    Undefined (None) when the previous month is missing or not positive: growth from nothing
    (or from a net refund month) says nothing about the person's work.
    """
    result: dict[str, Value] = {}
    for month, current in values.items():
        previous = values.get(mo.add(month, -1))
        if _present(current) and _present(previous) and previous > 0:  # type: ignore[operator]
            result[month] = (current - previous) / previous  # type: ignore[operator]
        else:
            result[month] = None
    return result


def derive_series(sums: Mapping[str, Mapping[str, Value]]) -> Series:
    """Add the derived metrics to series that already are an employee's per-month sums."""
    by_month: dict[str, dict[str, Value]] = {}
    for code, values in sums.items():
        for month, value in values.items():
            by_month.setdefault(month, {})[code] = value
    derived = employee_series([by_month])
    for code, values in sums.items():
        if code not in derived:
            derived[code] = {m: (float(v) if _present(v) else None) for m, v in values.items()}  # type: ignore[arg-type]
    return derived


# --- the same derivation over arrays (employees × months), for the batch evaluator -----------


def employee_arrays(
    store_values: Mapping[str, FloatArray],
    owner_employee: npt.NDArray[np.int64],
    owner_store: npt.NDArray[np.int64],
    owner_month: npt.NDArray[np.int64],
    n_employees: int,
    manual: Mapping[str, FloatArray] | None = None,
    custom: Mapping[str, Metric] | None = None,
) -> dict[str, FloatArray]:
    """``employee_series`` for everybody at once (employees × months), NaN meaning "no data".

    ``store_values[code]`` is stores × months; the three ``owner_*`` arrays list who ran which
    store in which month (one entry per employee, store and month column). Entries are added
    in the order given, so listing them store by store reproduces employee_series exactly.
    ``manual[code]`` is employees × months of hand-entered values.
    """
    manual = dict(manual or {})
    widths = [v.shape[1] for v in (*store_values.values(), *manual.values())]
    shape = (n_employees, max(widths, default=0))
    nothing = np.full(shape, np.nan)

    def additive(code: str) -> bool:
        known = CATALOGUE.get(code) or (custom or {}).get(code)
        return known is None or known.additive

    # One flat cell number per ownership entry; bincount adds the entries in the order given,
    # exactly like the per-employee loop, and is far quicker than np.add.at.
    cells = owner_employee * shape[1] + owner_month
    n_cells = shape[0] * shape[1]

    def summed(values: FloatArray, keep: npt.NDArray[np.bool_], extra: FloatArray) -> FloatArray:
        total = np.bincount(cells, np.where(keep, values, 0.0), n_cells).reshape(shape)
        seen = np.bincount(cells, keep, n_cells).reshape(shape) > 0
        extra_ok = ~np.isnan(extra)
        total = np.where(extra_ok, total + np.where(extra_ok, extra, 0.0), total)
        return np.where(seen | extra_ok, total, np.nan)

    def exact(code: str, values: FloatArray) -> FloatArray:
        # money in whole fen, as employee_series adds it
        return np.rint(values * FEN) if is_money(code, custom) else values

    manual_additive = {c: exact(c, v) for c, v in manual.items() if c in CATALOGUE and additive(c)}
    picked = {code: exact(code, v[owner_store, owner_month]) for code, v in store_values.items()}
    result: dict[str, FloatArray] = {}
    for code in {*picked, *manual_additive}:
        if not additive(code):
            continue
        values = picked.get(code, np.full(owner_store.shape, np.nan))
        total = summed(values, ~np.isnan(values), manual_additive.get(code, nothing))
        result[code] = total / FEN if is_money(code, custom) else total
    for code, (numerators, denominator) in RATIOS.items():
        num_scale = FEN if is_money(numerators[0], custom) else 1.0
        den_scale = FEN if is_money(denominator, custom) else 1.0
        den = picked.get(denominator, np.full(owner_store.shape, np.nan))
        num = np.zeros_like(den)
        for n in numerators:
            num = num + picked.get(n, np.full(owner_store.shape, np.nan))
        manual_den = manual_additive.get(denominator, nothing)
        manual_num = np.zeros(shape)
        for n in numerators:
            manual_num = manual_num + manual_additive.get(n, nothing)
        manual_both = ~np.isnan(manual_den) & ~np.isnan(manual_num)
        both = ~np.isnan(den) & ~np.isnan(num)
        num_sum = summed(num, both, np.where(manual_both, manual_num, np.nan))
        den_sum = summed(den, both, np.where(manual_both, manual_den, np.nan))
        with np.errstate(divide="ignore", invalid="ignore"):
            result[code] = np.where(
                den_sum != 0, (num_sum / num_scale) / (den_sum / den_scale), np.nan
            )
    for code, base in GROWTHS.items():
        result[code] = growth_array(result.get(base, nothing))
    for code, values in manual.items():
        if code in manual_additive:
            continue
        current = result.get(code, nothing)
        result[code] = np.where(np.isnan(current), values, current)
    return result


def growth_array(values: FloatArray) -> FloatArray:
    """``growth_series`` along the last axis (consecutive months)."""
    previous = np.full_like(values, np.nan)
    previous[..., 1:] = values[..., :-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = (values - previous) / previous
    return np.where(previous > 0, growth, np.nan)


def series_to_array(series: Mapping[str, Value], months: Sequence[str]) -> FloatArray:
    """One metric's monthly values laid out on ``months`` (NaN where missing)."""
    return np.array(
        [float(v) if _present(v := series.get(m)) else np.nan for m in months],  # type: ignore[arg-type]
        dtype=np.float64,
    )
