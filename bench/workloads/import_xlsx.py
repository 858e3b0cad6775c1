"""Workload 1: importing a 100,000-row 抖店 order export (.xlsx) vs pandas reading the same file."""

from __future__ import annotations

from pathlib import Path

from bench.workloads import _imports

NUMBER = 1
NAME = "import_xlsx"
TITLE = "导入一个月的抖店订单（.xlsx）/ importing a month of 抖店 orders"
BASELINE = 'pandas.read_excel(engine="calamine")'
SIZES = (100_000, 2_000)  # order rows
TARGET_RATIO = 1.5
ABSOLUTE_LIMIT_S = None
MEMORY_LIMIT_MB = 500
ROUNDS = 3  # each call takes seconds: fewer, longer rounds
NOTE = _imports.NOTE


def unavailable() -> str | None:
    return _imports.engine_missing()


def build(size: int, workdir: Path) -> None:
    _imports.order_files(size)


def prepare(size: int, workdir: Path) -> _imports.ImportState:
    return _imports.prepare_company(_imports.order_files(size)[0], workdir)


def prepare_baseline(size: int, workdir: Path) -> Path:
    return _imports.order_files(size)[0]


def reset(state: object) -> None:
    _imports.reset(state)


def run(state: _imports.ImportState) -> None:
    _imports.import_file(state)


def finish(state: object) -> None:
    _imports.finish(state)


def baseline(path: Path) -> None:
    import pandas as pd

    pd.read_excel(path, engine="calamine")
