"""A benchmark workload whose feature crashes, for the harness test."""

from __future__ import annotations

NUMBER = 91
NAME = "toy_broken"
TITLE = "坏掉的玩具 / a crashing workload"
SIZES = (1, 1)


def run(state: object) -> None:
    raise RuntimeError("the feature broke")
