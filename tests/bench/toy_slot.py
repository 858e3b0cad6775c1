"""A benchmark workload whose feature is not built yet (a slot), for the harness test."""

from __future__ import annotations

NUMBER = 92
NAME = "toy_slot"
TITLE = "还没做的玩具 / a workload waiting for its feature"
BASELINE = None
SIZES = (1, 1)
TARGET_RATIO = None
ABSOLUTE_LIMIT_S = 1.0
MEMORY_LIMIT_MB = None


def unavailable() -> str | None:
    return "toy feature not yet built"


def run(state: object) -> None:
    raise NotImplementedError("toy feature not yet built")
