"""Workload 5: evaluation report PDFs (2 pages with a chart, 100 in a batch): a slot until reports exist."""

from __future__ import annotations

NUMBER = 5
NAME = "reports"
TITLE = "批量打印 100 份评估报告（PDF）/ printing 100 evaluation reports"
BASELINE = None
SIZES = (100, 5)  # reports in the batch
TARGET_RATIO = None
# Target: < 150 ms per report; when the reports issue lands, time the batch and divide,
# or make run() produce one report and set ABSOLUTE_LIMIT_S = 0.15.
ABSOLUTE_LIMIT_S = 0.15
MEMORY_LIMIT_MB = None


def unavailable() -> str | None:
    return "reports issue not yet built"


def run(state: object) -> None:
    raise NotImplementedError("reports issue not yet built")
