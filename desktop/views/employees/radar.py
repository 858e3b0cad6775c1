"""A small painted radar chart: an employee's mean competency ratings against what their level expects."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from core.services.archive.records import CompetencyScore
from desktop.i18n import tr

MAX_LEVEL = 5
CURRENT = QColor(52, 120, 200)
EXPECTED = QColor(200, 90, 60)
MARGIN = 4  # between the labels and the widget's edges
GAP = 6  # between an axis's end and its label, and between the labels and the legend
PAD = 6  # beside an axis label's text


def legend_items() -> tuple[tuple[QColor, str, bool], ...]:
    """(colour, text, dashed) of each legend entry."""
    return ((CURRENT, tr("当前评分（他评平均）"), False), (EXPECTED, tr("职级要求"), True))


def partial_segments(values: Sequence[float | None]) -> list[tuple[int, int]]:
    """The axis pairs (i, i+1, the last with the first) whose values are both known: where the
    line of a shape with gaps is drawn."""
    n = len(values)
    return [
        (i, (i + 1) % n)
        for i in range(n)
        if n > 2 and values[i] is not None and values[(i + 1) % n] is not None
    ]


class CompetencyRadar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scores: list[CompetencyScore] = []
        self.setMinimumSize(260, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(320, 280)

    def set_scores(self, scores: Sequence[CompetencyScore]) -> None:
        self.scores = list(scores)
        self.update()

    def _angle(self, axis: int) -> float:
        return -math.pi / 2 + 2 * math.pi * axis / max(len(self.scores), 1)

    def _point(self, centre: QPointF, radius: float, axis: int, value: float) -> QPointF:
        angle = self._angle(axis)
        r = radius * value / MAX_LEVEL
        return QPointF(centre.x() + r * math.cos(angle), centre.y() + r * math.sin(angle))

    def _label_boxes(self, centre: QPointF, radius: float, sizes: list[QSizeF]) -> list[QRectF]:
        """Each axis's label just outside its end, on the side the axis points to: above the
        top axis, below the bottom one, left of the left ones, right of the right ones."""
        boxes = []
        for axis, size in enumerate(sizes):
            c, s = math.cos(self._angle(axis)), math.sin(self._angle(axis))
            x = centre.x() + (radius + GAP) * c - size.width() / 2 * (1 - c)
            y = centre.y() + (radius + GAP) * s - size.height() / 2 * (1 - s)
            boxes.append(QRectF(QPointF(x, y), size))
        return boxes

    def chart_layout(self) -> tuple[QPointF, float, list[tuple[QRectF, str]]]:
        """The chart's centre and radius, and each axis label's box and text: the largest chart
        whose labels all stay inside the widget and above the legend. The bottom axis's label
        ("学习能力") sat on the legend when the chart was sized without its labels."""
        legend_top = min(r.top() for r in self.legend_layout())
        room = QRectF(MARGIN, MARGIN, self.width() - 2 * MARGIN, legend_top - GAP - MARGIN)
        metrics = self.fontMetrics()
        widest = max(room.width() * 0.4, 40.0)  # a very long name is cut ("…"), not the chart
        texts = [
            metrics.elidedText(s.name, Qt.TextElideMode.ElideRight, int(widest - PAD))
            for s in self.scores
        ]
        sizes = [QSizeF(metrics.horizontalAdvance(t) + PAD, metrics.height()) for t in texts]
        origin = QPointF(0, 0)

        def extent(radius: float) -> QRectF:
            """What the chart and its labels cover, centred on (0, 0)."""
            covered = QRectF(-radius, -radius, 2 * radius, 2 * radius)
            for box in self._label_boxes(origin, radius, sizes):
                covered = covered.united(box)
            return covered

        def fits(radius: float) -> bool:
            covered = extent(radius)
            return covered.width() <= room.width() and covered.height() <= room.height()

        low, high = 0.0, max(room.width(), room.height(), 0.0) / 2
        for _ in range(30):
            middle = (low + high) / 2
            low, high = (middle, high) if fits(middle) else (low, middle)
        radius = low
        centre = room.center() - extent(radius).center()
        boxes = self._label_boxes(centre, radius, sizes)
        return centre, radius, list(zip(boxes, texts, strict=True))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        n = len(self.scores)
        legend = self.legend_layout()
        if n < 3:
            painter.setPen(self.palette().color(self.foregroundRole()))
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, tr("能力项不足3项，无法绘制雷达图")
            )
            return
        centre, radius, labels = self.chart_layout()
        grid = QPen(QColor(200, 200, 200))
        painter.setPen(grid)
        for level in range(1, MAX_LEVEL + 1):
            painter.drawPolygon(
                QPolygonF([self._point(centre, radius, i, level) for i in range(n)])
            )
        text_pen = QPen(self.palette().color(self.foregroundRole()))
        for i, (box, text) in enumerate(labels):
            painter.setPen(grid)
            painter.drawLine(centre, self._point(centre, radius, i, MAX_LEVEL))
            painter.setPen(text_pen)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

        def polygon(values: list[float | None], color: QColor, dashed: bool) -> None:
            if all(v is None for v in values):
                return
            if any(v is None for v in values):
                # some axes without a value (an item nobody rated yet, a level that states only
                # some expectations): the line runs between neighbouring axes that have one and
                # breaks at the others, each value marked; no closed, filled shape
                pen = QPen(color, 2)
                if dashed:
                    pen.setStyle(Qt.PenStyle.DashLine)
                painter.setPen(pen)
                for a, b in partial_segments(values):
                    painter.drawLine(
                        self._point(centre, radius, a, values[a] or 0),
                        self._point(centre, radius, b, values[b] or 0),
                    )
                painter.setPen(QPen(color, 2))
                painter.setBrush(color)
                for i, v in enumerate(values):
                    if v is not None:
                        painter.drawEllipse(self._point(centre, radius, i, v), 3, 3)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                return
            points = QPolygonF(
                [self._point(centre, radius, i, v or 0) for i, v in enumerate(values)]
            )
            pen = QPen(color, 2)
            if dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            fill = QColor(color)
            fill.setAlpha(0 if dashed else 60)
            painter.setBrush(fill)
            painter.drawPolygon(points)
            painter.setBrush(Qt.BrushStyle.NoBrush)

        polygon([s.expected for s in self.scores], EXPECTED, True)
        polygon([s.current for s in self.scores], CURRENT, False)
        for (color, text, dashed), rect in zip(legend_items(), legend, strict=True):
            pen = QPen(color, 2)
            if dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            middle = rect.center().y()
            painter.drawLine(QPointF(rect.x(), middle), QPointF(rect.x() + 24, middle))
            painter.setPen(text_pen)
            painter.drawText(rect.adjusted(30, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)

    def legend_layout(self) -> list[QRectF]:
        """Where each legend entry (line sample + text) goes: side by side when both fit the
        width, else one under the other, so neither is clipped ("职级要…")."""
        metrics = self.fontMetrics()
        widths = [30 + metrics.horizontalAdvance(text) + 4 for _, text, _ in legend_items()]
        row = 22
        side_by_side = 10 + sum(widths) + 24 * (len(widths) - 1) <= self.width() - 10
        rects: list[QRectF] = []
        x = 10.0
        rows = 1 if side_by_side else len(widths)
        top = self.height() - 4 - row * rows
        for i, width in enumerate(widths):
            y = top if side_by_side else top + i * row
            rect = QRectF(x, y, width, row)
            rects.append(rect)
            x = x + width + 24 if side_by_side else 10.0
        return rects
