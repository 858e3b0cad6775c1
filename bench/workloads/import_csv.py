"""Workload 2: importing a 100,000-row 淘宝 order report (GBK CSV) vs pandas reading the same file."""

from __future__ import annotations

from pathlib import Path

from bench.workloads import _imports

NUMBER = 2
NAME = "import_csv"
TITLE = "导入一个月的淘宝订单（GBK 编码 .csv）/ importing a month of 淘宝 orders"
BASELINE = 'pandas.read_csv(encoding="gb18030")'
SIZES = (100_000, 2_000)  # order rows
TARGET_RATIO = 1.5
ABSOLUTE_LIMIT_S = None
MEMORY_LIMIT_MB = 500
ROUNDS = 5
NOTE = _imports.NOTE


def unavailable() -> str | None:
    return _imports.engine_missing()


def build(size: int, workdir: Path) -> None:
    _imports.order_files(size)


def prepare(size: int, workdir: Path) -> _imports.ImportState:
    return _imports.prepare_company(_imports.order_files(size)[1], workdir)


def prepare_baseline(size: int, workdir: Path) -> Path:
    return _imports.order_files(size)[1]


def reset(state: object) -> None:
    _imports.reset(state)


def run(state: _imports.ImportState) -> None:
    _imports.import_file(state)


def finish(state: object) -> None:
    _imports.finish(state)


def baseline(path: Path) -> None:
    import pandas as pd

    pd.read_csv(path, encoding="gb18030")
