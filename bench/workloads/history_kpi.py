"""Workload 11: one employee's KPI tab on the three-year file vs on the one-year file.

Timed: ``core.services.eligibility.metrics.employee_kpi`` (what desktop/viewmodels/kpi_vm.py runs when the
tab opens, showing its default: the newest 12 months) for an employee who ran a shop for a year and
has a store of their own: every metric, month by month, with where each number came from. Baseline: the same call on the file
after its first year. Targets: < 0.5 s and ≤ 1.5×.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.workloads import _history

NUMBER = 11
NAME = "history_kpi"
TITLE = "三年数据：打开一名员工的 KPI 页 / an employee's KPI tab on a three-year file"
BASELINE = "the same call on the one-year file"
SIZES = (36, 3)  # months of history
TARGET_RATIO = 1.5
ABSOLUTE_LIMIT_S = 0.5
MEMORY_LIMIT_MB = 1000
ROUNDS = 5


def build(size: int, workdir: Path) -> None:
    _history.copy_both(size, workdir)


def prepare(size: int, workdir: Path) -> Any:
    return _history.open_full(size, workdir)


def prepare_baseline(size: int, workdir: Path) -> Any:
    return _history.open_one_year(size, workdir)


def run(app: Any) -> None:
    from core.services.eligibility import metrics

    found = metrics.employee_kpi(app, _history.KPI_EMPLOYEE)
    if not found.metrics:
        raise RuntimeError("no KPI for the employee")


def baseline(app: Any) -> None:
    run(app)


def finish(app: Any) -> None:
    _history.close(app)
