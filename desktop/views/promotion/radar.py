"""A small competency radar: the target level's expectations against the candidate's 360 means."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop.i18n import tr

EXPECTED_COLOR = QColor("#868e96")
MEAN_COLOR = QColor("#1c7ed6")
SCALE = 5  # proficiency 1–5


class CompetencyRadar(QWidget):
    """One spoke per competency; grey dashed: expected; blue filled: the 360 mean (an unrated
    competency sits at the centre, so a gap shows as a dent, never as a made-up value)."""

    def __init__(
        self,
        names: Sequence[str],
        expected: Sequence[float | None],
        means: Sequence[float | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.names = list(names)
        self.expected = list(expected)
        self.means = list(means)
        self.setMinimumSize(QSize(220, 190))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setToolTip(tr("灰色虚线：目标职级要求；蓝色：360评估均分（不含自评），满分5"))

    def sizeHint(self) -> QSize:
        return QSize(240, 200)

    def _point(self, i: int, value: float, radius: float, centre: QPointF) -> QPointF:
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(self.names), 1)
        r = radius * max(0.0, min(value, SCALE)) / SCALE
        return QPointF(centre.x() + r * math.cos(angle), centre.y() + r * math.sin(angle))

    def paintEvent(self, event: QPaintEvent) -> None:
        del event
        n = len(self.names)
        if n < 3:  # a radar needs three spokes; the table beside it says the rest
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        label_room = metrics.horizontalAdvance("数据分析") + 6
        radius = max(20.0, min(self.width() / 2 - label_room, self.height() / 2 - 18))
        centre = QPointF(self.width() / 2, self.height() / 2)
        painter.setPen(QPen(QColor("#dee2e6"), 1))
        for ring in range(1, SCALE + 1):
            painter.drawPolygon(QPolygonF([self._point(i, ring, radius, centre) for i in range(n)]))
        for i in range(n):
            painter.drawLine(centre, self._point(i, SCALE, radius, centre))
        dashed = QPen(EXPECTED_COLOR, 1.5)
        dashed.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(dashed)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPolygon(
            QPolygonF(
                [self._point(i, v or 0.0, radius, centre) for i, v in enumerate(self.expected)]
            )
        )
        if any(v is not None for v in self.means):
            fill = QColor(MEAN_COLOR)
            fill.setAlpha(60)
            painter.setPen(QPen(MEAN_COLOR, 2))
            painter.setBrush(fill)
            painter.drawPolygon(
                QPolygonF(
                    [self._point(i, v or 0.0, radius, centre) for i, v in enumerate(self.means)]
                )
            )
        painter.setPen(QColor("#495057"))
        for i, name in enumerate(self.names):
            p = self._point(i, SCALE + 0.9, radius, centre)
            width = metrics.horizontalAdvance(name)
            painter.drawText(QPointF(p.x() - width / 2, p.y() + metrics.ascent() / 2), name)
        painter.end()
