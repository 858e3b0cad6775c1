"""Workload 9: importing month 37 into a file that holds three years of orders (issue 18).

The file is _history's: 36 months × 10 淘宝 shops × 10,000 orders (3.6 M order facts), 1,000
employees, shops changing hands once a year, built once through the real import path and
cached. The timed call imports month 37's 100,000-row export of the first shop (the whole
import, as workloads 1 and 2 time it: read, parse, validate, pseudonymise, store, derive the
month's KPIs). The baseline imports the same shop's first month, an export of the same size,
into an empty company file with the same stores: the ratio is what three years of history add
to an import (target ≤ 1.2×: the cost must not grow with the file).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.workloads import _history

NUMBER = 9
NAME = "history_import"
TITLE = "三年数据后导入第 37 个月（10 万行）/ importing month 37 into a three-year file"
BASELINE = "importing the first month (same size) into an empty file"
SIZES = (36, 3)  # months of history (quick: 3 months × 2 shops)
TARGET_RATIO = 1.2
ABSOLUTE_LIMIT_S = None
MEMORY_LIMIT_MB = 1000
REPEATS = 3
ROUNDS = 3


def describe(size: int, workdir: Path) -> str | None:
    return _history.describe(size)


@dataclass
class State:
    app: Any
    export: Path
    batch: int | None = None


def build(size: int, workdir: Path) -> None:
    _history.copy_to(size, workdir)


def prepare(size: int, workdir: Path) -> State:
    app = _history.log_in(_history.copy_to(size, workdir))
    return State(app, _history.ensure(size) / "month-next.csv")


def prepare_baseline(size: int, workdir: Path) -> State:
    from core.services.archive import stores

    app = _history.new_company(workdir / "empty" / _history.FILE_NAME)
    for k in range(_history.shape(size).stores):
        stores.add_store(app, _history.store_name(k), "淘宝")
    return State(app, _history.ensure(size) / "month-first.csv")


def reset(state: State) -> None:
    if state.batch is not None:
        from core.services.imports import engine as imports

        imports.undo_import(state.app, state.batch)
        state.batch = None


def run(state: State) -> None:
    state.batch = _history.import_and_derive(state.app, state.export)


def baseline(state: State) -> None:
    run(state)


def finish(state: State) -> None:
    reset(state)
    state.app.close(backup=False)
