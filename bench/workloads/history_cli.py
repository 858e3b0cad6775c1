"""Workload 12: ``tidui-cli eligibility --json`` on the three-year file vs on the one-year file.

Timed: what the command does once logged in (core.services.eligibility.readiness.report, every active
employee on every transition out of their level, explained, then ``as_json`` of each and the
JSON text print_json writes). Baseline: the same on the file after its first year. Targets: < 0.5 s and ≤ 1.5×.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.workloads import _history

NUMBER = 12
NAME = "history_cli"
TITLE = "三年数据：tidui-cli eligibility --json / the CLI's eligibility report"
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
    import json

    from core.services.eligibility import readiness as eligibility

    month, found = eligibility.report(app)
    del month
    # what print_json writes (core/cli/common.py), into a string instead of stdout
    text = json.dumps(
        [eligibility.as_json(p, o) for p, o in found], ensure_ascii=False, indent=2, default=str
    )
    if not found or not text:
        raise RuntimeError("nobody in the report")


def baseline(app: Any) -> None:
    run(app)


def finish(app: Any) -> None:
    _history.close(app)
