"""Number labels of a chart's value axis with as many decimals as its ticks need.

A fixed "%.0f" or "%.1f" prints a growth axis of 0.08 … 0.14 as "0.1" four times, and a
shop's 0.6 万元 as "0 0 0 1 1 1": the ticks then disagree with the line drawn beside them.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCharts import QValueAxis

MAX_DECIMALS = 4


def decimals_for(step: float) -> int:
    """The fewest decimals that write every multiple of ``step`` exactly (0.25 → 2, 5 → 0)."""
    if not step > 0:
        return 0
    for decimals in range(MAX_DECIMALS + 1):
        scaled = step * 10**decimals
        if abs(scaled - round(scaled)) <= 1e-6 * max(1.0, scaled):
            return decimals
    return MAX_DECIMALS


def tick_step(axis: QValueAxis) -> float:
    """The distance between two of ``axis``'s ticks."""
    return (axis.max() - axis.min()) / (max(axis.tickCount(), 2) - 1)


def fit_label_format(axis: QValueAxis) -> None:
    """Set ``axis``'s label format to the decimals its tick interval needs (call it after
    the range and ``applyNiceNumbers``)."""
    axis.setLabelFormat(f"%.{decimals_for(tick_step(axis))}f")


def count_axis(axis: QValueAxis, largest: int, most_ticks: int = 6) -> None:
    """A value axis of whole things (people) from 0, with room above ``largest`` and evenly
    spaced ticks that are all whole numbers: 0 2 4 6 8 10 12 14, never 0 2 5 7 10 13 (the
    range divided into equal parts, each label cut to an integer)."""
    need = max(int(largest), 0) + 1
    step = next(s for s in _round_steps() if need <= s * (most_ticks - 1))
    top = -(-need // step) * step
    axis.setRange(0, top)
    axis.setTickCount(top // step + 1)
    axis.setLabelFormat("%d")


def _round_steps() -> Iterator[int]:
    """1, 2, 5, 10, 20, 50, 100, …"""
    magnitude = 1
    while True:
        yield from (magnitude, 2 * magnitude, 5 * magnitude)
        magnitude *= 10
