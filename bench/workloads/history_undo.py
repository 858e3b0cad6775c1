"""Workload 13: undoing the newest batch (month 37's 100,000 orders) of the three-year file.

Before each call (untimed) month 37's export is imported; the timed call is
``core.services.imports.engine.undo_import`` of that batch: its facts deleted, what it replaced
brought back, its ownerships and stores taken back, audited, in one transaction. The baseline
is the same on the one-year file (no target: undo must stay under 2 s however long the history).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.workloads import _history

NUMBER = 13
NAME = "history_undo"
TITLE = "三年数据：撤销最近一次导入（10 万行）/ undoing the newest import of a three-year file"
BASELINE = "the same undo on the one-year file"
SIZES = (36, 3)  # months of history
TARGET_RATIO = None
ABSOLUTE_LIMIT_S = 2.0
MEMORY_LIMIT_MB = 1000
REPEATS = 3


@dataclass
class State:
    app: Any
    export: Path
    batch: int | None = None


def build(size: int, workdir: Path) -> None:
    _history.copy_both(size, workdir)


def prepare(size: int, workdir: Path) -> State:
    return State(_history.open_full(size, workdir), _history.ensure(size) / "month-next.csv")


def prepare_baseline(size: int, workdir: Path) -> State:
    return State(_history.open_one_year(size, workdir), _history.ensure(size) / "month-next.csv")


def reset(state: State) -> None:
    from core.services.imports import engine as imports

    result = imports.import_file(state.app, state.export)
    if result.batch_id is None:
        raise RuntimeError("month 37 was not imported")
    state.batch = result.batch_id


def run(state: State) -> None:
    from core.services.imports import engine as imports

    assert state.batch is not None
    undone = imports.undo_import(state.app, state.batch)
    state.batch = None
    if undone.removed == 0:
        raise RuntimeError("nothing undone")


def baseline(state: State) -> None:
    run(state)


def finish(state: State) -> None:
    _history.close(state.app)
