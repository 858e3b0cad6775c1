"""Workload 10: the 达标名单 on the three-year file vs the same call on the one-year file.

Timed: ``core.services.eligibility.readiness.eligibility_list`` on an open file (1,000 employees, 36
months of store overviews, 3.6 M orders of ten shops) plus sorting the shortlist, as the page
does. The baseline is the same call on the file as it was after its first year (12 months).
Targets: < 0.5 s, and ≤ 1.5× the one-year file (what three years cost over one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.workloads import _history

NUMBER = 10
NAME = "history_list"
TITLE = "三年数据：打开达标名单 / the eligibility list on a three-year file"
BASELINE = "the same call on the one-year file"
SIZES = (36, 3)  # months of history
TARGET_RATIO = 1.5
ABSOLUTE_LIMIT_S = 0.5
MEMORY_LIMIT_MB = 1000
ROUNDS = 5


def describe(size: int, workdir: Path) -> str | None:
    return _history.describe(size)


def build(size: int, workdir: Path) -> None:
    _history.copy_both(size, workdir)


def prepare(size: int, workdir: Path) -> Any:
    return _history.open_full(size, workdir)


def prepare_baseline(size: int, workdir: Path) -> Any:
    return _history.open_one_year(size, workdir)


def run(app: Any) -> None:
    from core.services.eligibility import readiness as eligibility

    found = eligibility.eligibility_list(app)
    shortlist = sorted(found.shortlist(), key=lambda c: (c.status.value, -c.completion))
    if not found.candidates:
        raise RuntimeError("nobody evaluated")
    del shortlist


def baseline(app: Any) -> None:
    run(app)


def finish(app: Any) -> None:
    _history.close(app)
