"""The batch evaluator, the benchmark's plain loop and evaluate() agree on a realistic Template B company.

The data (bench/eligibility_workload.py) has what real files have: months never imported,
stores handed over mid-way, people running two stores, stores run by two people at once,
failed achievements, unknown promotion dates and missing evaluations.
"""

from __future__ import annotations

from bench import eligibility_workload as workload


def test_batch_loop_and_evaluate_give_the_same_verdicts() -> None:
    data = workload.make_data(120, seed=3)
    counts = workload.check(data)  # raises if any verdict differs
    assert all(counts[s] > 0 for s in ("ready", "nearly", "not_ready")), counts
    transitions = {t.name for t in data.transitions}
    assert "店铺运营/运营专员" in transitions and "店铺运营/运营主管" in transitions
