"""Eligibility for 1,000 employees × 36 months against every transition of Template B: batch vs a plain loop.

Both sides start from the same raw input the eligibility service loads from the company file
(monthly store facts, who ran which store in which month, hand-entered metrics, achievements,
levels, the latest evaluation scores) and end with, per employee and transition out of their
level, every criterion's verdict and the readiness status. ``run_batch`` uses the rule engine's
array path (metrics.employee_arrays + rules.evaluate_batch); ``run_loop`` is the straightforward
per-employee Python a developer would write first. ``check`` proves both give the same answers.

    .venv/bin/python -m bench.eligibility_workload [--employees 1000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import itertools
import math
import statistics
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from core.domain import metrics as mx
from core.domain import months as mo
from core.domain.rules import (
    AchievementConditions,
    AchievementRecord,
    AchievementTable,
    CriterionSpec,
    EmployeeBatch,
    EvaluationContext,
    evaluate_batch,
    evaluate_transition,
    level_start_index,
    readiness_batch,
)
from core.services.eligibility import fact_book

MONTHS = tuple(mo.range("2022-01", "2024-12"))
AS_OF = MONTHS[-1]
MARGIN = 0.10
HALFWAY = 0.5  # the one unmet criterion of a 接近达标 is at least half-way there
STORE_CODES = fact_book.STORE_FIELDS  # the facts the service loads, in its order
LIVE_CODES = fact_book.LIVE_FIELDS
ACHIEVEMENT_TYPES = tuple(mx.ACHIEVEMENT_TYPES)


@dataclass(frozen=True)
class Transition:
    name: str
    from_level: str
    criteria: tuple[CriterionSpec, ...]


def template_b() -> list[Transition]:
    """Every transition of the built-in Template B with its rules (tenure from the form included)."""
    from core.domain.ladder_design import rules_of
    from core.services.ladder.templates import template_design

    design = template_design("beauty")
    return [
        Transition(
            design.level_label(t.to_level_id), design.level_label(t.from_level_id), rules_of(t)
        )
        for t in design.transitions
    ]


@dataclass
class Workload:
    size: int
    transitions: list[Transition]
    level: list[str]  # from-level label per employee
    # arrays for the batch side
    store_values: dict[str, np.ndarray]  # code -> stores × months, NaN = no data
    owner_employee: np.ndarray
    owner_store: np.ndarray
    owner_month: np.ndarray
    manual: dict[str, np.ndarray]  # code -> employees × months
    achievements: AchievementTable
    level_start: np.ndarray
    scores: dict[str, np.ndarray]
    # the same data as plain Python for the loop side
    facts: dict[str, list[list[float | None]]]  # code -> store -> month -> value
    runs: list[list[tuple[int, int]]]  # employee -> [(store, month index)], store by store
    manual_lists: dict[str, list[list[float | None]]]
    achievement_lists: list[list[AchievementRecord]]
    level_since: list[date | None]
    score_dicts: list[dict[str, float | None]]


def make_data(size: int, seed: int = 7) -> Workload:
    """A seeded company of ``size`` employees on Template B with 36 months of store data."""
    rng = np.random.default_rng(seed)
    transitions = template_b()
    from_levels = sorted({t.from_level for t in transitions})
    weights = np.array(
        [{"店铺运营/运营助理": 8, "店铺运营/运营专员": 6}.get(lv, 1) for lv in from_levels], float
    )
    level = [from_levels[i] for i in rng.choice(len(from_levels), size, p=weights / weights.sum())]
    n_months = len(MONTHS)

    # stores: one per employee, plus a third more run by someone as a second store (or handed over)
    n_stores = size + size // 3
    base_gmv = rng.lognormal(11.5, 0.8, n_stores)
    trend = rng.choice([0.02, 0.08, 0.14, 0.2], n_stores, p=[0.3, 0.3, 0.25, 0.15])
    growth = np.exp(np.cumsum(rng.normal(trend[:, None], 0.05, (n_stores, n_months)), axis=1))
    gmv = np.round(base_gmv[:, None] * growth, 2)
    conversion = np.clip(
        rng.normal(0.03, 0.01, n_stores)[:, None]
        + np.cumsum(rng.normal(0.001, 0.004, (n_stores, n_months)), axis=1),
        0.005,
        0.2,
    )
    paid = np.maximum(np.round(gmv / rng.uniform(80, 200, n_stores)[:, None]), 1)
    visitors = np.round(paid / conversion)
    old = np.round(paid * np.clip(rng.normal(0.3, 0.06, (n_stores, n_months)), 0.05, 0.8))
    values = {"gmv": gmv, "visitors": visitors, "paid_buyers": paid, "old_buyers": old}
    is_live = rng.random(n_stores) < 0.3
    viewers = np.round(rng.lognormal(9, 0.7, (n_stores, n_months)))
    values.update(
        live_viewers=viewers,
        live_comments=np.round(viewers * rng.uniform(0.01, 0.05, (n_stores, n_months))),
        live_likes=np.round(viewers * rng.uniform(0.05, 0.3, (n_stores, n_months))),
        live_buyers=np.round(viewers * rng.uniform(0.005, 0.03, (n_stores, n_months))),
        live_gmv=np.round(viewers * rng.uniform(1, 6, (n_stores, n_months)), 2),
        live_sessions=rng.integers(4, 30, (n_stores, n_months)).astype(float),
    )
    for code in LIVE_CODES:
        values[code][~is_live] = np.nan
    gaps = rng.random((n_stores, n_months)) < 0.02  # a month that was never imported
    for code in values:
        values[code][gaps] = np.nan

    # who ran which store when: own store all along, some handed over mid-way, extra stores
    runs: list[list[tuple[int, int]]] = [[] for _ in range(size)]
    for store in range(n_stores):
        owner = store if store < size else int(rng.integers(size))
        start = 0 if store < size else int(rng.integers(n_months))
        handover = int(rng.integers(n_months)) if rng.random() < 0.1 else n_months
        successor = int(rng.integers(size))
        for month in range(start, n_months):
            runs[owner if month < handover else successor].append((store, month))
        if rng.random() < 0.05:  # run by two people for a while: counts fully for each
            helper = int(rng.integers(size))
            runs[helper].extend((store, m) for m in range(max(start, n_months - 8), n_months))
    runs = [sorted(set(employee_runs)) for employee_runs in runs]
    owners = [(e, s, m) for e, rs in enumerate(runs) for s, m in rs]
    owners.sort(key=lambda o: (o[1], o[0], o[2]))  # store by store, like employee_series adds them

    accuracy = np.where(
        rng.random((size, n_months)) < 0.9,
        np.round(rng.uniform(0.88, 1.0, (size, n_months)), 3),
        np.nan,
    )
    manual = {"report_accuracy": accuracy}

    records: list[list[AchievementRecord]] = [[] for _ in range(size)]
    first_day = mo.first_day(MONTHS[0])
    span = (mo.last_day(AS_OF) - first_day).days
    for employee in range(size):
        for _ in range(int(rng.poisson(8))):
            kind = ACHIEVEMENT_TYPES[int(rng.integers(len(ACHIEVEMENT_TYPES)))]
            records[employee].append(
                AchievementRecord(
                    kind,
                    first_day + timedelta(days=int(rng.integers(span + 1))),
                    "成功" if rng.random() < 0.85 else "失败",
                    float(np.round(rng.uniform(0.5, 4), 1)) if kind == "campaign" else None,
                    int(rng.integers(1, 5)) if rng.random() < 0.8 else None,
                    f"{kind}-{employee}",
                )
            )
    level_since: list[date | None] = [
        None if rng.random() < 0.03 else first_day + timedelta(days=int(rng.integers(span)))
        for _ in range(size)
    ]
    score_dicts: list[dict[str, float | None]] = []
    for _ in range(size):
        if rng.random() < 0.2:
            score_dicts.append({})
            continue
        parts = {
            p: float(np.round(rng.uniform(55, 98), 1))
            for p in ("performance", "ability", "potential")
        }
        parts["total"] = round(
            0.6 * parts["performance"] + 0.2 * parts["ability"] + 0.2 * parts["potential"], 1
        )
        score_dicts.append(dict(parts))

    def as_lists(array: np.ndarray) -> list[list[float | None]]:
        return [[None if math.isnan(v) else float(v) for v in row] for row in array]

    return Workload(
        size=size,
        transitions=transitions,
        level=level,
        store_values=values,
        owner_employee=np.array([o[0] for o in owners], dtype=np.int64),
        owner_store=np.array([o[1] for o in owners], dtype=np.int64),
        owner_month=np.array([o[2] for o in owners], dtype=np.int64),
        manual=manual,
        achievements=AchievementTable.from_records(
            (e, a) for e, rs in enumerate(records) for a in rs
        ),
        level_start=np.array([level_start_index(d) for d in level_since], dtype=np.float64),
        scores={
            p: np.array(
                [np.nan if s.get(p) is None else s[p] for s in score_dicts], dtype=np.float64
            )
            for p in ("total", "performance", "ability", "potential")
        },
        facts={code: as_lists(v) for code, v in values.items()},
        runs=runs,
        manual_lists={code: as_lists(v) for code, v in manual.items()},
        achievement_lists=records,
        level_since=level_since,
        score_dicts=score_dicts,
    )


Verdicts = dict[
    tuple[int, str], tuple[str, tuple[bool, ...]]
]  # (employee, to-level) -> status, mets


# --- the batch side ----------------------------------------------------------------------------


BatchOutput = list[tuple[Transition, np.ndarray, np.ndarray, np.ndarray]]  # rows, status, met


def run_batch(data: Workload) -> BatchOutput:
    """Derive everybody's monthly metrics as arrays, then evaluate each criterion for all at once.

    The output stays in arrays (per transition: the employees at its from-level, their status
    and criteria × employees verdicts), which is what the eligibility list sorts and shows.
    """
    series = mx.employee_arrays(
        data.store_values,
        data.owner_employee,
        data.owner_store,
        data.owner_month,
        data.size,
        data.manual,
    )
    batch = EmployeeBatch(
        data.size, MONTHS, series, data.achievements, data.level_start, data.scores
    )
    levels = np.array(data.level)
    output: BatchOutput = []
    for transition in data.transitions:
        rows = np.flatnonzero(levels == transition.from_level)
        results = [evaluate_batch(spec, batch, AS_OF) for spec in transition.criteria]
        status = readiness_batch(transition.criteria, results, data.size, MARGIN)
        met = np.array([r.met for r in results]).reshape(len(results), data.size)
        output.append((transition, rows, status[rows], met[:, rows]))
    return output


def verdicts_of(output: BatchOutput) -> Verdicts:
    verdicts: Verdicts = {}
    for transition, rows, status, met in output:
        for i, row in enumerate(rows.tolist()):
            verdicts[(row, transition.name)] = (str(status[i]), tuple(met[:, i].tolist()))
    return verdicts


# --- the straightforward loop ----------------------------------------------------------------


def _compare(value: float, comparator: str, threshold: float) -> bool:
    return {
        ">=": value >= threshold,
        ">": value > threshold,
        "<=": value <= threshold,
        "<": value < threshold,
    }[comparator]


def _gap(value: float, comparator: str, threshold: float) -> float:
    return max(0.0, value - threshold if comparator in ("<=", "<") else threshold - value)


Check = tuple[bool, float | None, float]  # met, gap (None when data is missing), attainment
UNKNOWN: Check = (False, None, 0.0)


def _verdict(value: float, comparator: str, threshold: float) -> Check:
    """One observed value against its threshold; attainment 1 − shortfall/|threshold|, < 1 unmet."""
    if _compare(value, comparator, threshold):
        return True, 0.0, 1.0
    gap = _gap(value, comparator, threshold)
    near = 0.0 if threshold == 0 else min(max(1.0 - gap / abs(threshold), 0.0), 0.99)
    return False, gap, near


def _employee_series(data: Workload, employee: int) -> dict[str, list[float | None]]:
    n = len(MONTHS)
    sums: dict[str, list[float | None]] = {}
    for store, month in data.runs[employee]:
        for code, by_store in data.facts.items():
            value = by_store[store][month]
            if value is not None:
                column = sums.setdefault(code, [None] * n)
                column[month] = (column[month] or 0.0) + value
    # rates from stores reporting both parts that month
    series = dict(sums)
    for code, (numerators, denominator) in mx.RATIOS.items():
        num_sum: list[float | None] = [None] * n
        den_sum: list[float | None] = [None] * n
        for store, month in data.runs[employee]:
            den = data.facts[denominator][store][month] if denominator in data.facts else None
            nums = [data.facts[c][store][month] if c in data.facts else None for c in numerators]
            if den is None or any(v is None for v in nums):
                continue
            total = 0.0
            for v in nums:
                total += v  # type: ignore[operator]
            num_sum[month] = (num_sum[month] or 0.0) + total
            den_sum[month] = (den_sum[month] or 0.0) + den
        series[code] = [
            None if d is None or d == 0 else nn / d  # type: ignore[operator]
            for nn, d in zip(num_sum, den_sum, strict=True)
        ]
    gmv = series.get("gmv", [None] * n)
    growth: list[float | None] = [None]
    growth += [
        None if cur is None or prev is None or prev <= 0 else (cur - prev) / prev
        for prev, cur in itertools.pairwise(gmv)
    ]
    series["gmv_growth"] = growth
    for code, by_employee in data.manual_lists.items():
        series[code] = list(by_employee[employee])
    return series


def _check(
    spec: CriterionSpec, data: Workload, employee: int, series: dict[str, list[float | None]]
) -> Check:
    """One criterion for one employee: (met, gap, attainment), gap None when data is missing."""
    end = len(MONTHS) - 1  # the as-of month's index
    t, cmp = spec.threshold, spec.comparator
    if spec.kind in ("each_month", "average", "change"):
        values = series.get(spec.metric or "", [None] * len(MONTHS))

        def at(i: int) -> float | None:
            return values[i] if 0 <= i <= end else None

        if spec.kind == "change":
            start_value, end_value = at(end - spec.window), at(end)
            if start_value is None or end_value is None:
                return UNKNOWN
            return _verdict(end_value - start_value, cmp, t)
        window = [at(i) for i in range(end - spec.window + 1, end + 1)]
        if any(v is None for v in window):
            return UNKNOWN
        if spec.kind == "each_month":
            months_met = sum(_compare(v, cmp, t) for v in window)  # type: ignore[arg-type]
            met = months_met == spec.window
            worst = 0.0 if met else max(_gap(v, cmp, t) for v in window)  # type: ignore[arg-type]
            return met, worst, months_met / spec.window
        total = 0.0
        for v in window:
            total += v  # type: ignore[operator]
        return _verdict(total / spec.window, cmp, t)
    if spec.kind == "count":
        first = mo.first_day(mo.add(AS_OF, -(spec.window - 1)))
        last = mo.last_day(AS_OF)
        cond: AchievementConditions = spec.conditions
        count = 0
        for a in data.achievement_lists[employee]:
            if a.type != spec.achievement_type or not first <= a.date <= last or a.result == "失败":
                continue
            if cond.require_success and a.result != "成功":
                continue
            if cond.roi_min is not None and (a.roi is None or a.roi < cond.roi_min):
                continue
            if cond.team_min is not None and (a.team_size is None or a.team_size < cond.team_min):
                continue
            count += 1
        return _verdict(float(count), cmp, t)
    if spec.kind == "tenure":
        since = data.level_since[employee]
        if since is None:
            return UNKNOWN
        return _verdict(float(mo.months_at_level(since, AS_OF)), cmp, t)
    score = data.score_dicts[employee].get(spec.score_part or "total")
    if score is None:
        return UNKNOWN
    return _verdict(score, cmp, t)


def _halfway(spec: CriterionSpec, gap: float | None, near: float) -> bool:
    """The one unmet criterion of a 接近达标: half-way there, or an evaluation not yet given."""
    return spec.kind == "score" if gap is None else near >= HALFWAY


def run_loop(data: Workload) -> Verdicts:
    """The per-employee Python loop: derive this person's series, check each rule, decide."""
    verdicts: Verdicts = {}
    for employee in range(data.size):
        series = _employee_series(data, employee)
        for transition in data.transitions:
            if transition.from_level != data.level[employee]:
                continue
            checks = [_check(spec, data, employee, series) for spec in transition.criteria]
            unmet = [
                (spec, gap, near)
                for spec, (met, gap, near) in zip(transition.criteria, checks, strict=True)
                if not met
            ]
            if not unmet:
                status = "ready"
            elif all(
                gap is not None and gap <= MARGIN * abs(spec.threshold) for spec, gap, _ in unmet
            ) or (len(unmet) == 1 and _halfway(*unmet[0])):
                status = "nearly"
            else:
                status = "not_ready"
            verdicts[(employee, transition.name)] = (status, tuple(met for met, _, _ in checks))
    return verdicts


# --- the reference: evaluate() with its explanations -------------------------------------------


def context(data: Workload, employee: int) -> EvaluationContext:
    stores: dict[int, dict[str, dict[str, float | None]]] = {}
    for store, month in data.runs[employee]:
        stores.setdefault(store, {})[MONTHS[month]] = {
            code: data.facts[code][store][month] for code in data.facts
        }
    manual = {
        code: {MONTHS[i]: v for i, v in enumerate(by_employee[employee])}
        for code, by_employee in data.manual_lists.items()
    }
    return EvaluationContext(
        series=mx.employee_series([stores[s] for s in sorted(stores)], manual),
        achievements=data.achievement_lists[employee],
        level_since=data.level_since[employee],
        scores=data.score_dicts[employee],
    )


def run_reference(data: Workload) -> Verdicts:
    """What the progress panel does for one person, done for everybody (with all the sentences)."""
    verdicts: Verdicts = {}
    for employee in range(data.size):
        ctx = context(data, employee)
        for transition in data.transitions:
            if transition.from_level == data.level[employee]:
                progress = evaluate_transition(transition.criteria, ctx, AS_OF, MARGIN)
                verdicts[(employee, transition.name)] = (
                    progress.status.value,
                    tuple(r.met for r in progress.results),
                )
    return verdicts


def check(data: Workload) -> dict[str, Any]:
    """Prove the three paths agree; returns a few counts so a reader sees the data is not trivial."""
    batch, loop, reference = verdicts_of(run_batch(data)), run_loop(data), run_reference(data)
    assert batch == loop, "batch and loop disagree"
    assert batch == reference, "batch and evaluate() disagree"
    statuses = [status for status, _ in batch.values()]
    return {s: statuses.count(s) for s in ("ready", "nearly", "not_ready")}


def _median_seconds(fn: Any, data: Workload, repeats: int) -> float:
    fn(data)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    data = make_data(args.employees)
    counts = check(data)
    batch = _median_seconds(run_batch, data, args.repeats)
    loop = _median_seconds(run_loop, data, args.repeats)
    reference = _median_seconds(run_reference, data, max(1, args.repeats // 3))
    criteria = sum(len(t.criteria) for t in data.transitions)
    print(
        f"{args.employees} employees × {len(MONTHS)} months, {len(data.transitions)} transitions, {criteria} criteria"
    )
    print(f"verdicts per status: {counts}")
    print(f"batch (arrays)          {batch * 1000:8.1f} ms")
    print(f"per-employee loop       {loop * 1000:8.1f} ms   batch/loop = {batch / loop:.3f}")
    print(f"evaluate() + sentences  {reference * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
