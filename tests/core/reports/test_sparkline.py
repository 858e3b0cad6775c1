"""The evaluation report's trend lines show a change as big as it is."""

from __future__ import annotations

from reportlab.graphics.shapes import PolyLine

from core.reports import blocks as b


def _heights(values: list[float | None]) -> list[float]:
    drawing = b.sparkline(values)
    line = next(shape for shape in drawing.contents if isinstance(shape, PolyLine))
    return line.points[1::2]


def test_six_months_of_about_the_same_rate_draw_nearly_flat() -> None:
    """Six months all printed 3.4% (3.36…3.44) drew a zig-zag across the whole box."""
    flat = _heights([3.36, 3.44, 3.38, 3.42, 3.37, 3.43])
    box = 9 * b.MM
    assert max(flat) - min(flat) < 0.15 * box
    doubled = _heights([3.0, 6.0, 3.0, 6.0])  # a real change still fills the box
    assert max(doubled) - min(doubled) > 0.6 * box
