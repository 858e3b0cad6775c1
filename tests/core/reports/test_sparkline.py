"""The evaluation report's trend lines show a change as big as it is, inside their cell."""

from __future__ import annotations

from typing import Any

import pytest
from reportlab.graphics.shapes import Circle, Line, PolyLine

from core.reports import blocks as b
from core.reports import evaluation

PADDINGS = 7.0  # the table's left and right cell padding (3.5 pt each)


def _drawing(values: list[float | None], width: float = 26 * b.MM) -> Any:
    line = b.sparkline(values)
    line.wrap(width, 100)
    return line.drawing


def _heights(values: list[float | None]) -> list[float]:
    drawing = _drawing(values)
    line = next(shape for shape in drawing.contents if isinstance(shape, PolyLine))
    return list(line.points[1::2])


def test_six_months_of_about_the_same_rate_draw_nearly_flat() -> None:
    """Six months all printed 3.4% (3.36…3.44) drew a zig-zag across the whole box."""
    flat = _heights([3.36, 3.44, 3.38, 3.42, 3.37, 3.43])
    box = 9 * b.MM
    assert max(flat) - min(flat) < 0.15 * box
    doubled = _heights([3.0, 6.0, 3.0, 6.0])  # a real change still fills the box
    assert max(doubled) - min(doubled) > 0.6 * box


def _criteria(months: int) -> tuple[dict[str, Any], ...]:
    series = [
        {"month": f"{2021 + i // 12}-{i % 12 + 1:02d}", "value": 18.0 + i % 5, "met": i % 4 != 1}
        for i in range(months)
    ]
    return ({"rule": "连续6个月GMV增长率≥18%", "kind": "each_month", "months": series},)


def _table(criteria: tuple[dict[str, Any], ...]) -> Any:
    from reportlab.platypus import Table

    return next(f for f in evaluation._kpi_table(criteria) if isinstance(f, Table))


def test_a_month_a_rule_does_not_look_at_is_blank_not_a_dash() -> None:
    """GUI audit 4: a change rule's 4月 and 5月 printed "—", which reads as missing data; they
    are months the rule does not compare. Blank, with a line under the table saying so."""
    change = {
        "rule": "转化率较3个月前提升≥1.5个百分点",
        "kind": "change",
        "unit": "percent",
        "months": [{"month": "2024-03", "value": 0.019}, {"month": "2024-06", "value": 0.035}],
    }
    growth = _criteria(4)[0] | {
        "months": [
            {"month": m, "value": 20.0, "met": True} for m in ("2024-04", "2024-05", "2024-06")
        ]
    }
    flowables = evaluation._kpi_table((growth, change))
    table = _table((growth, change))
    texts = [[getattr(c, "text", c) for c in row] for row in table._cellvalues]
    change_row = next(r for r in texts if r[0] == change["rule"])
    assert change_row[2:4] == ["", ""] and "—" not in " ".join(map(str, change_row))
    assert any("空白：该条件不看这个月" in getattr(f, "text", "") for f in flowables)


@pytest.mark.parametrize("months", [1, 3, 6, 12, 36])
def test_the_trend_line_fits_inside_its_table_cell(months: int) -> None:
    """The 26 mm line ran past the 趋势 column's right border once the table was scaled to the
    page (six months: a 26.6 mm column, 24 mm inside its paddings)."""
    table = _table(_criteria(months))
    table.wrap(b.FRAME_W, b.PAGE_H)
    assert table._width <= b.FRAME_W + 0.01
    (trend,) = table._cellvalues[1][-1]  # a flowable cell, as the table holds it
    room = table._colWidths[-1] - PADDINGS
    assert 0 < trend.width <= room
    assert trend.drawing.width == trend.width


def _extent(drawing: Any) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for shape in drawing.contents:
        if isinstance(shape, PolyLine):
            xs += shape.points[0::2]
            ys += shape.points[1::2]
        elif isinstance(shape, Circle):
            xs += [shape.cx - shape.r, shape.cx + shape.r]
            ys += [shape.cy - shape.r, shape.cy + shape.r]
        elif isinstance(shape, Line):
            xs += [shape.x1, shape.x2]
            ys += [shape.y1, shape.y2]
    return min(xs), max(xs), min(ys), max(ys)


@pytest.mark.parametrize("count", [1, 3, 12, 36])
@pytest.mark.parametrize(
    "kind",
    ["rising", "flat", "falling below zero", "zeros", "gaps"],
)
@pytest.mark.parametrize("room", [8 * b.MM, 24 * b.MM, 60 * b.MM])
def test_every_point_is_drawn_inside_the_box(count: int, kind: str, room: float) -> None:
    values: list[float | None] = {
        "rising": [float(i) for i in range(count)],
        "flat": [5.0] * count,
        "falling below zero": [10.0 - 7 * i for i in range(count)],
        "zeros": [0.0] * count,
        "gaps": [None if i % 2 else float(i) for i in range(count)],
    }[kind]
    line = b.sparkline(values, [i % 2 == 0 for i in range(count)])
    width, height = line.wrap(room, 100)
    assert width <= room
    assert width <= 26 * b.MM  # a wide cell does not stretch it
    left, right, bottom, top = _extent(line.drawing)
    assert left >= 0 and right <= width
    assert bottom >= 0 and top <= height
