"""Number labels of a chart's value axis with as many decimals as its ticks need.

A fixed "%.0f" or "%.1f" prints a growth axis of 0.08 … 0.14 as "0.1" four times, and a
shop's 0.6 万元 as "0 0 0 1 1 1": the ticks then disagree with the line drawn beside them.
"""

from __future__ import annotations

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
