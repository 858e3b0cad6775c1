"""Workload 3: who meets which promotion criterion, 1,000 employees × 36 months, Template B.

The data, the vectorised evaluation and the straightforward per-employee loop it is compared
with all live in bench/eligibility_workload.py (written with the rule engine); this module only
puts them into the harness, so the two never drift apart.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path
from typing import Any

NUMBER = 3
NAME = "eligibility"
TITLE = "计算谁满足晋升标准（1,000 人 × 36 个月，模板 B）/ the eligibility list"
BASELINE = "a straightforward per-employee Python loop"
SIZES = (1_000, 100)  # employees, each with 36 months of data
TARGET_RATIO = 0.2
ABSOLUTE_LIMIT_S = 0.5
MEMORY_LIMIT_MB = None
ROUNDS = 5

SOURCE = "bench.eligibility_workload"
NEEDED = ("make_data", "run_batch", "run_loop", "check")


def unavailable() -> str | None:
    if importlib.util.find_spec(SOURCE) is None:
        return "bench/eligibility_workload.py not written yet"
    module = importlib.import_module(SOURCE)
    missing = [name for name in NEEDED if not hasattr(module, name)]
    if missing:
        return f"bench/eligibility_workload.py lacks {', '.join(missing)}"
    return None


def baseline_unavailable() -> str | None:
    # The per-employee loop lives in the same file as the batch evaluation.
    return unavailable()


def _source() -> Any:
    return importlib.import_module(SOURCE)


def build(size: int, workdir: Path) -> None:
    # Untimed, in its own process: both sides (and evaluate() itself) must give the same verdicts,
    # or the comparison means nothing.
    source = _source()
    source.check(source.make_data(size))


def prepare(size: int, workdir: Path) -> Any:
    return _source().make_data(size)


def run(data: Any) -> None:
    _source().run_batch(data)


def baseline(data: Any) -> None:
    _source().run_loop(data)
