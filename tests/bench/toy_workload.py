"""A trivial benchmark workload for the harness test: a short sleep against a longer one."""

from __future__ import annotations

import time
from pathlib import Path

NUMBER = 90
NAME = "toy"
TITLE = "玩具 / a toy workload"
BASELINE = "a longer sleep"
SIZES = (20, 10)  # milliseconds of sleep
TARGET_RATIO = 1.0
ABSOLUTE_LIMIT_S = 5.0
MEMORY_LIMIT_MB = 10_000
ROUNDS = 2


def build(size: int, workdir: Path) -> None:
    (workdir / "built.txt").write_text(str(size), encoding="utf-8")


def prepare(size: int, workdir: Path) -> float:
    # proves build ran first, in the same scratch folder
    return int((workdir / "built.txt").read_text(encoding="utf-8")) / 1000


def run(seconds: float) -> None:
    time.sleep(seconds)


def baseline(seconds: float) -> None:
    time.sleep(4 * seconds)
