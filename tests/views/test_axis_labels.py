"""Value axes print their ticks with the decimals the ticks need: a number on the axis and the
line beside it never disagree (a growth of 0.08 … 0.14 is not "0.1" four times)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCharts import QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desktop.viewmodels.kpi_vm import ChartData
from desktop.views.axis_labels import decimals_for, fit_label_format, tick_step


@pytest.mark.parametrize(
    ("step", "decimals"), [(5.0, 0), (1.0, 0), (0.5, 1), (0.25, 2), (0.02, 2), (0.1, 1), (0.0, 0)]
)
def test_decimals_write_every_tick_exactly(step: float, decimals: int) -> None:
    assert decimals_for(step) == decimals


def tick_labels(axis: QValueAxis) -> list[str]:
    """The labels ``axis`` draws at its ticks, as its printf-style format writes them."""
    step = tick_step(axis)
    return [axis.labelFormat() % (axis.min() + i * step) for i in range(axis.tickCount())]


def _chart(values: list[float], unit: str = "percent") -> ChartData:
    months = tuple(f"2024-{m:02d}" for m in range(1, len(values) + 1))
    labels = tuple(f"{m}月" for m in range(1, len(values) + 1))
    points = tuple(enumerate(values))
    return ChartData("gmv_growth", "GMV 环比（%）", unit, months, labels, points, {})


def _y_labels(data: ChartData) -> list[str]:
    """The value axis labels of the KPI tab's chart of ``data``."""
    from desktop.views.eligibility.kpi_tab import MetricChart

    view = MetricChart(data)
    try:
        axes = view.chart().axes(Qt.Orientation.Vertical)
        assert len(axes) == 1 and isinstance(axes[0], QValueAxis)
        return tick_labels(axes[0])
    finally:
        view.deleteLater()


def test_a_tiny_growth_range_gets_distinct_tick_labels(qtbot: QtBot) -> None:
    labels = _y_labels(_chart([0.10, 0.12, 0.14, 0.11]))
    assert len(set(labels)) == len(labels) > 2, labels
    assert "0.12" in labels or "0.120" in labels, labels


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=12),
    st.sampled_from(["percent", "money", "count"]),
)
def test_every_kpi_chart_axis_writes_each_tick_differently(
    qapp: QApplication, values: list[float], unit: str
) -> None:
    labels = _y_labels(_chart(values, unit))
    assert len(set(labels)) == len(labels), labels


def test_the_dashboards_gmv_axis_of_a_small_shop_is_not_zeros(qtbot: QtBot) -> None:
    axis = QValueAxis()
    axis.setRange(0, 0.66)
    axis.applyNiceNumbers()
    fit_label_format(axis)
    labels = tick_labels(axis)
    assert len(set(labels)) == len(labels), labels


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 100_000))
def test_a_count_axis_has_even_whole_ticks_above_the_largest(largest: int) -> None:
    """The dashboard's people axis: 0 2 4 6 …, never 0 2 5 7 10 13 beside bars of 12 people."""
    from desktop.views.axis_labels import count_axis

    axis = QValueAxis()
    count_axis(axis, largest)
    step = tick_step(axis)
    labels = tick_labels(axis)
    assert axis.min() == 0 and axis.max() > largest  # the bar's number has room above it
    assert step == int(step) and step >= 1
    assert [int(t) for t in labels] == [round(i * step) for i in range(axis.tickCount())]
    assert 2 <= axis.tickCount() <= 6
    assert axis.max() <= 2.5 * (largest + 1)  # not drawn against a far-off top
