"""The ladder drawn as a graph: track columns, level boxes by rank, arrows for promotions and transfers.

Click a box or an arrow to select it; drag from one box to another to draw a new path; Ctrl +
wheel zooms. The picture can be saved as PNG or PDF for the notice board.
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QLineF, QMarginsF, QPointF, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPdfWriter,
    QPen,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsTextItem,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from desktop.viewmodels.ladder_graph_vm import (
    COLUMN_GAP,
    HEADER_HEIGHT,
    MARGIN,
    ROW_GAP,
    Direction,
    EdgeLayout,
    GraphLayout,
    LabelRequest,
    NodeLayout,
    Rect,
    node_rect,
    place_labels,
    step,
)
from desktop.views.focus import frame_focus

PROMOTION_COLOR = QColor("#1565c0")
TRANSFER_COLOR = QColor("#ef6c00")
PROBLEM_COLOR = QColor("#c62828")
SELECTED_COLOR = QColor("#ffb300")
ARCHIVED_COLOR = QColor("#9e9e9e")
EMPTY_HINT_WIDTH = 320.0
COLUMN_FILL = QColor("#f3f6fa")
DRAG_DISTANCE = 8
ARROW_SIZE = 9.0
KIND_ROLE = 0  # QGraphicsItem.data keys
ID_ROLE = 1
# Text never drawn smaller than this on screen (points at zoom 1), however far fit-to-view
# zooms out; text grows in the scene instead, up to a cap so it stays inside its box.
MIN_SCREEN_PT = 7.5
FIT_MIN_SCALE = 0.55  # fit-to-view shrinks a wide ladder no further (scroll bars instead)
FIT_MAX_SCALE = 1.6  # and enlarges a small one no further
_ARROWS: dict[Qt.Key, Direction] = {
    Qt.Key.Key_Up: "up",
    Qt.Key.Key_Down: "down",
    Qt.Key.Key_Left: "left",
    Qt.Key.Key_Right: "right",
}


def readable_pt(base: float, scale: float, cap: float) -> float:
    """The point size (in scene units) that shows ``base`` at least MIN_SCREEN_PT big."""
    return max(base, min(cap, MIN_SCREEN_PT / max(scale, 0.01)))


class LevelItem(QGraphicsRectItem):
    """One level: its title and salary band in a rounded box."""

    def __init__(self, node: NodeLayout, selected: bool) -> None:
        super().__init__(0, 0, node.width, node.height)
        self.node = node
        self.selected_now = selected
        self.setPos(node.x, node.y)
        self.setData(KIND_ROLE, "level")
        self.setData(ID_ROLE, node.level_id)
        self.setZValue(2)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(node.title + (f"\n{node.detail}" if node.detail else ""))
        self.view_scale = 1.0  # the view's zoom, so the text stays readable when zoomed out

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        node = self.node
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        border = PROBLEM_COLOR if node.has_problem else QColor("#5c6bc0")
        if node.archived:
            border = ARCHIVED_COLOR
        pen = QPen(SELECTED_COLOR if self.selected_now else border, 3 if self.selected_now else 1.5)
        if node.archived:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(QBrush(QColor("#fafafa") if node.archived else QColor("white")))
        painter.drawRoundedRect(self.rect(), 8, 8)
        title_font = QFont(painter.font())
        title_font.setPointSizeF(readable_pt(10.5, self.view_scale, 15))
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(ARCHIVED_COLOR if node.archived else QColor("#212121"))
        if not node.detail:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, node.title)
            return
        top = self.rect().adjusted(6, 6, -6, -self.rect().height() / 2)
        painter.drawText(
            top, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, node.title
        )
        small = QFont(painter.font())
        small.setPointSizeF(readable_pt(8.5, self.view_scale, 11.5))
        small.setBold(False)
        painter.setFont(small)
        painter.setPen(QColor("#616161"))
        bottom = self.rect().adjusted(6, self.rect().height() / 2 + 2, -6, -4)
        painter.drawText(
            bottom, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, node.detail
        )


def _arrow_head(tip: QPointF, toward: QPointF) -> QPolygonF:
    """A filled triangle at ``tip`` pointing away from ``toward``."""
    angle = math.atan2(tip.y() - toward.y(), tip.x() - toward.x())
    left = QPointF(
        tip.x() - ARROW_SIZE * math.cos(angle - math.pi / 7),
        tip.y() - ARROW_SIZE * math.sin(angle - math.pi / 7),
    )
    right = QPointF(
        tip.x() - ARROW_SIZE * math.cos(angle + math.pi / 7),
        tip.y() - ARROW_SIZE * math.sin(angle + math.pi / 7),
    )
    return QPolygonF([tip, left, right])


def route(source: NodeLayout, target: NodeLayout) -> tuple[QPainterPath, QPointF, QPointF]:
    """The path of an arrow between two boxes, the point before its tip, and its label point.

    Adjacent boxes get a straight arrow; a move along a row that would cross other boxes dips
    into the gap under the row; a jump over ranks within a column runs along its right side;
    a move to another track and rank goes round through the gaps (``_across``).
    """
    path = QPainterPath()
    s_cx, s_cy = source.x + source.width / 2, source.y + source.height / 2
    t_cx, t_cy = target.x + target.width / 2, target.y + target.height / 2
    same_row = abs(s_cy - t_cy) < 1
    same_column = abs(s_cx - t_cx) < 1
    column_step = source.width + COLUMN_GAP
    if same_row and abs(s_cx - t_cx) > column_step * 1.5:
        # hugging the row, not in the middle of the gap where the rank arrows' labels are
        below = source.y + source.height + LANE_OFFSET
        start = QPointF(s_cx + (12 if t_cx > s_cx else -12), source.y + source.height)
        end = QPointF(t_cx + (-12 if t_cx > s_cx else 12), target.y + target.height)
        path.moveTo(start)
        path.quadTo(
            QPointF(start.x(), below), QPointF(start.x() + (24 if t_cx > s_cx else -24), below)
        )
        path.lineTo(QPointF(end.x() + (-24 if t_cx > s_cx else 24), below))
        path.quadTo(QPointF(end.x(), below), end)
        return path, QPointF(end.x(), end.y() + 10), QPointF((start.x() + end.x()) / 2, below)
    if same_row:
        sign = 1 if t_cx > s_cx else -1
        start = QPointF(s_cx + sign * source.width / 2, s_cy)
        end = QPointF(t_cx - sign * target.width / 2, t_cy)
        path.moveTo(start)
        path.lineTo(end)
        # the label (two lines, see show_layout) sits above the arrow, inside the gap
        return path, start, QPointF((start.x() + end.x()) / 2, start.y() - 22)
    rows_apart = abs(s_cy - t_cy) / (source.height + ROW_GAP)
    if same_column and rows_apart > 1.5:
        side = source.x + source.width
        out = side + 28
        start, end = QPointF(side, s_cy), QPointF(side, t_cy)
        path.moveTo(start)
        path.cubicTo(QPointF(out, s_cy), QPointF(out, t_cy), end)
        return path, QPointF(out, t_cy), QPointF(out + 4, (s_cy + t_cy) / 2)
    up = t_cy < s_cy
    if not same_column:
        return _across(source, target)
    start = QPointF(s_cx, source.y if up else source.y + source.height)
    end = QPointF(t_cx, target.y + target.height if up else target.y)
    path.moveTo(start)
    path.lineTo(end)
    return path, start, QPointF((start.x() + end.x()) / 2, (start.y() + end.y()) / 2)


LANE_OFFSET = 9.0  # a lane across other tracks runs this far from the target row's boxes
CORNER = 10.0


def _across(source: NodeLayout, target: NodeLayout) -> tuple[QPainterPath, QPointF, QPointF]:
    """An arrow to another track and another rank, kept off other tracks' boxes and labels.

    It leaves the source's side into the gap between the tracks, runs up or down that gap
    (empty: labels sit on the columns), crosses any tracks in between along a lane hugging the
    target row (rank arrows put their labels in the middle of a row gap, not at its edge), and
    enters the target's side from the gap next to it. Its label sits in that last gap.
    """
    path = QPainterPath()
    s_cx, s_cy = source.x + source.width / 2, source.y + source.height / 2
    t_cx, t_cy = target.x + target.width / 2, target.y + target.height / 2
    sign = 1 if t_cx > s_cx else -1  # going right (+1) or left (-1)
    up = t_cy < s_cy
    start = QPointF(s_cx + sign * source.width / 2, s_cy)
    end = QPointF(t_cx - sign * target.width / 2, t_cy)
    gap_out = start.x() + sign * COLUMN_GAP / 2  # the gap right after the source
    gap_in = end.x() - sign * COLUMN_GAP / 2  # the gap right before the target
    points = [start, QPointF(gap_out, s_cy)]
    if abs(gap_out - gap_in) > 1:  # tracks in between: cross them along the lane
        lane = target.y + target.height + LANE_OFFSET if up else target.y - LANE_OFFSET
        points += [QPointF(gap_out, lane), QPointF(gap_in, lane)]
    points += [QPointF(gap_in, t_cy), end]
    path.moveTo(points[0])
    for i in range(1, len(points) - 1):
        before, corner, after = points[i - 1], points[i], points[i + 1]
        path.lineTo(_toward(corner, before, CORNER))
        path.quadTo(corner, _toward(corner, after, CORNER))
    path.lineTo(end)
    label_y = (points[-3].y() + t_cy) / 2 if len(points) > 4 else (s_cy + t_cy) / 2
    return path, QPointF(gap_in, t_cy), QPointF(gap_in, label_y)


def _toward(corner: QPointF, other: QPointF, distance: float) -> QPointF:
    """The point ``distance`` from ``corner`` on the straight line to ``other``."""
    length = math.hypot(other.x() - corner.x(), other.y() - corner.y())
    if length < 1e-6:
        return QPointF(corner)
    step = min(distance, length / 2) / length
    return QPointF(
        corner.x() + (other.x() - corner.x()) * step, corner.y() + (other.y() - corner.y()) * step
    )


class TransitionItem(QGraphicsPathItem):
    """One path between two levels: blue for promotions, dashed orange for transfers."""

    def __init__(
        self, edge: EdgeLayout, source: NodeLayout, target: NodeLayout, selected: bool
    ) -> None:
        super().__init__()
        self.edge = edge
        path, before_tip, self.label_at = route(source, target)
        self.setPath(path)
        self.tip = path.currentPosition()
        self.before_tip = before_tip
        color = TRANSFER_COLOR if edge.kind == "transfer" else PROMOTION_COLOR
        if edge.has_problem:
            color = PROBLEM_COLOR
        if edge.archived:
            color = ARCHIVED_COLOR
        self.color = SELECTED_COLOR if selected else color
        pen = QPen(self.color, 3.2 if selected else 2.0)
        if edge.kind == "transfer" or edge.archived:
            pen.setStyle(Qt.PenStyle.DashLine)
        self.setPen(pen)
        self.setData(KIND_ROLE, "transition")
        self.setData(ID_ROLE, edge.transition_id)
        self.setZValue(1)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(edge.label)

    def shape(self) -> QPainterPath:
        # a wide hit area so a 2-pixel line is easy to click
        stroker = QPainterPathStroker()
        stroker.setWidth(12)
        return stroker.createStroke(self.path())

    def boundingRect(self) -> QRectF:
        return super().boundingRect().adjusted(-ARROW_SIZE, -ARROW_SIZE, ARROW_SIZE, ARROW_SIZE)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self.pen())
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.color)
        painter.drawPolygon(_arrow_head(self.tip, self.before_tip))


class LadderGraphView(QGraphicsView):
    """Draws a GraphLayout and turns clicks and drags into requests for the page."""

    level_clicked = Signal(int)
    transition_clicked = Signal(int)
    background_clicked = Signal()
    connect_requested = Signal(int, int)  # from level, to level
    edit_requested = Signal()  # Enter on the selected level or path: into its form

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(QColor("white"))
        self.setMinimumSize(420, 320)
        self.layout_now: GraphLayout | None = None
        self._pressed: tuple[str | None, int] = (None, 0)
        self._press_pos = QPointF()
        self._drag_line: QGraphicsLineItem | None = None
        self.empty_hint = ""
        self.fit_pending = True  # fit the first picture to the window once it is shown
        self.fitted = False  # following the window's size until the user zooms
        self._texts: list[tuple[QGraphicsSimpleTextItem, QGraphicsRectItem | None, QPointF]] = []
        # each arrow label: its text item, background, whole text, its arrow and its point
        self._labels: list[
            tuple[QGraphicsSimpleTextItem, QGraphicsRectItem, str, int, QPointF]
        ] = []
        self._strokes: dict[int, QPainterPath] = {}  # each arrow's line, which labels keep off
        self._inside = QRectF()  # what the texts keep within: the layout's own area
        self._levels: list[LevelItem] = []
        # what the arrow keys move between: each level's centre and each path's label
        self._anchors: dict[tuple[str, int], QPointF] = {}
        self._selection: tuple[str | None, int] = (None, 0)
        # a keyboard user must see that the picture has the focus (arrows move the selection)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        frame_focus(self)

    # --- drawing ------------------------------------------------------------------------------

    def show_layout(
        self, graph: GraphLayout, selection_kind: str | None, selection_id: int
    ) -> None:
        self.layout_now = graph
        scene = self.scene()
        scene.clear()
        self._drag_line = None
        self._texts = []
        self._labels = []
        self._strokes = {}
        self._inside = QRectF(0, 0, graph.width, graph.height)
        self._levels = []
        self._anchors = {}
        self._selection = (selection_kind, selection_id)
        header_font = QFont(self.font())
        header_font.setBold(True)
        header_font.setPointSizeF(11)
        for column in graph.columns:
            band = QGraphicsRectItem(
                column.x - COLUMN_GAP / 4,
                MARGIN / 2,
                column.width + COLUMN_GAP / 2,
                graph.height - MARGIN,
            )
            band.setBrush(QColor("#f5f5f5") if column.archived else COLUMN_FILL)
            band.setPen(QPen(QColor("#dde3ea"), 1))
            band.setZValue(0)
            band.setData(KIND_ROLE, "track")
            band.setData(ID_ROLE, column.track_id)
            scene.addItem(band)
            title = QGraphicsSimpleTextItem(column.name)
            title.setFont(header_font)
            title.setBrush(ARCHIVED_COLOR if column.archived else QColor("#263238"))
            title.setZValue(1)
            scene.addItem(title)
            centre = QPointF(column.x + column.width / 2, MARGIN / 2 + HEADER_HEIGHT / 2)
            self._texts.append((title, None, centre))
        nodes = {n.level_id: n for n in graph.nodes}
        for node in graph.nodes:
            selected = selection_kind == "level" and selection_id == node.level_id
            level_item = LevelItem(node, selected)
            self._levels.append(level_item)
            scene.addItem(level_item)
            centre = QPointF(node.x + node.width / 2, node.y + node.height / 2)
            self._anchors["level", node.level_id] = centre
        label_font = QFont(self.font())
        label_font.setPointSizeF(8)
        for edge in graph.edges:
            selected = selection_kind == "transition" and selection_id == edge.transition_id
            item = TransitionItem(
                edge, nodes[edge.from_level_id], nodes[edge.to_level_id], selected
            )
            scene.addItem(item)
            stroker = QPainterPathStroker()
            stroker.setWidth(2)
            self._strokes[edge.transition_id] = stroker.createStroke(item.path())
            # the text is wrapped to the room it gets in apply_text_size
            label = QGraphicsSimpleTextItem(edge.label)
            label.setFont(label_font)
            label.setBrush(item.color)
            back = QGraphicsRectItem()
            self._texts.append((label, back, QPointF(item.label_at)))
            self._labels.append((label, back, edge.label, edge.transition_id, item.label_at))
            self._anchors["transition", edge.transition_id] = QPointF(item.label_at)
            back.setBrush(QColor(255, 255, 255, 225))
            back.setPen(Qt.PenStyle.NoPen)
            back.setZValue(3)
            label.setZValue(4)
            for piece in (back, label):
                piece.setData(KIND_ROLE, "transition")
                piece.setData(ID_ROLE, edge.transition_id)
                scene.addItem(piece)
        area = QRectF(0, 0, graph.width, graph.height)
        if not graph.columns and self.empty_hint:
            # wrapped to a width any graph panel shows whole, in either language
            hint = QGraphicsTextItem()
            hint.setPlainText(self.empty_hint)
            hint.setDefaultTextColor(QColor("#757575"))
            hint.setTextWidth(EMPTY_HINT_WIDTH)
            scene.addItem(hint)
            area = hint.boundingRect()
        self._inside = area
        scene.setSceneRect(area.marginsAdded(QMarginsF(10, 10, 10, 10)))
        self.apply_text_size()

    def apply_text_size(self) -> None:
        """Size every text for the current zoom (readable when zoomed out) and re-centre it."""
        scale = self.transform().m11()
        for level in self._levels:
            level.view_scale = scale
            level.update()
        headings: list[Rect] = []
        for text, back, centre in self._texts:
            font = QFont(text.font())
            base = 11.0 if back is None else 8.0  # track headings, arrow labels
            font.setPointSizeF(readable_pt(base, scale, 16 if back is None else 12))
            text.setFont(font)
            if back is not None:
                continue  # placed below, all together
            box = text.boundingRect()
            # centred on its point, but never past the picture's edge (a long English label
            # on a first column's arrow was cut at the left, and in the exported picture)
            left = centre.x() - box.width() / 2
            left = max(self._inside.left(), min(left, self._inside.right() - box.width()))
            text.setPos(left, centre.y() - box.height() / 2)
            headings.append(Rect(left, text.pos().y(), box.width(), box.height()))
        self._place_labels(headings)

    def _place_labels(self, headings: list[Rect]) -> None:
        """Put each arrow label where it covers no level box (a transfer's "转岗 · 2条规则 ·
        满6个月" ran into the boxes beside its gap), inside the picture, off other labels and
        arrows where it can be: the places come from ladder_graph_vm.place_labels."""
        if not self._labels or self.layout_now is None:
            return
        scratch = QGraphicsSimpleTextItem()  # measures as the labels draw
        scratch.setFont(self._labels[0][0].font())
        sizes: dict[str, tuple[float, float]] = {}

        def measure(value: str) -> tuple[float, float]:
            if value not in sizes:
                scratch.setText(value)
                box = scratch.boundingRect()
                sizes[value] = (box.width() + 6, box.height() + 2)  # with the background
            return sizes[value]

        requests = [LabelRequest(label[2], label[4].x(), label[4].y()) for label in self._labels]
        ids = [label[3] for label in self._labels]

        def crosses(index: int, rect: Rect) -> bool:
            area = QRectF(rect.x + 1, rect.y + 1, rect.width - 2, rect.height - 2)
            return any(
                stroke.intersects(area)
                for transition_id, stroke in self._strokes.items()
                if transition_id != ids[index]
            )

        inside = self._inside
        places = place_labels(
            requests,
            [node_rect(n) for n in self.layout_now.nodes],
            Rect(inside.x(), inside.y(), inside.width(), inside.height()),
            measure,
            headings,
            crosses,
        )
        for (text, back, *_rest), (shown, rect) in zip(self._labels, places, strict=True):
            text.setText(shown)
            text.setPos(rect.x + 3, rect.y + 1)
            back.setRect(rect.x, rect.y, rect.width, rect.height)

    # --- zoom ---------------------------------------------------------------------------------

    def zoom(self, factor: float) -> None:
        scale = self.transform().m11() * factor
        if 0.2 <= scale <= 4:
            self.fitted = False
            self.scale(factor, factor)
            self.apply_text_size()

    def fit(self) -> None:
        """Scale the whole ladder to the panel, up or down (within FIT_MIN/MAX_SCALE); it keeps
        following the panel's size until the user zooms."""
        rect = self.scene().sceneRect()
        view = self.viewport().size()
        if rect.width() <= 0 or rect.height() <= 0 or view.width() <= 0:
            return
        scale = min(view.width() / rect.width(), view.height() / rect.height())
        scale = max(FIT_MIN_SCALE, min(FIT_MAX_SCALE, scale))
        self.resetTransform()
        self.scale(scale, scale)
        self.centerOn(rect.center())
        self.fitted = True
        self.apply_text_size()

    def reset_zoom(self) -> None:
        self.fitted = False
        self.resetTransform()
        self.apply_text_size()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.fitted:
            self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1.15 if event.angleDelta().y() > 0 else 1 / 1.15)
            event.accept()
            return
        super().wheelEvent(event)

    # --- the keyboard ------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Arrows move the selection between levels and paths, Enter opens the selected one's
        form, Esc lets go of it; with Ctrl or Alt, keys keep their usual meaning."""
        plain = not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        )
        direction = _ARROWS.get(Qt.Key(event.key())) if plain else None
        selected = self._selection in self._anchors
        if direction is not None and self._anchors:
            self._move(direction)
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and selected:
            self.edit_requested.emit()
        elif event.key() == Qt.Key.Key_Escape and selected:
            self.background_clicked.emit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _move(self, direction: Direction) -> None:
        if self._selection in self._anchors:
            points = {key: (p.x(), p.y()) for key, p in self._anchors.items()}
            target = step(points, self._selection, direction)
        else:  # nothing selected yet: the first level
            target = next(iter(self._anchors))
        if target is None:
            return
        kind, entity_id = target
        (self.level_clicked if kind == "level" else self.transition_clicked).emit(entity_id)
        point = self._anchors.get(target)
        if point is not None:  # the page has drawn the new selection: keep it in sight
            self.ensureVisible(QRectF(point.x() - 90, point.y() - 45, 180, 90))

    # --- clicking and dragging ----------------------------------------------------------------

    def item_at(self, pos: QPointF) -> tuple[str | None, int]:
        for item in self.items(pos.toPoint()):
            kind = item.data(KIND_ROLE)
            if kind in ("level", "transition"):
                return str(kind), int(item.data(ID_ROLE))
        return None, 0

    def level_at_scene(self, point: QPointF) -> int:
        for item in self.scene().items(point):
            if item.data(KIND_ROLE) == "level":
                return int(item.data(ID_ROLE))
        return 0

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self._press_pos = event.position()
        self._pressed = self.item_at(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        kind = self._pressed[0]
        moved = (event.position() - self._press_pos).manhattanLength() >= DRAG_DISTANCE
        if kind == "level" and event.buttons() & Qt.MouseButton.LeftButton and moved:
            start = self.mapToScene(self._press_pos.toPoint())
            end = self.mapToScene(event.position().toPoint())
            if self._drag_line is None:
                self._drag_line = QGraphicsLineItem()
                pen = QPen(PROMOTION_COLOR, 2, Qt.PenStyle.DashLine)
                self._drag_line.setPen(pen)
                self._drag_line.setZValue(10)
                self.scene().addItem(self._drag_line)
            self._drag_line.setLine(QLineF(start, end))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        kind, entity_id = self._pressed
        self._pressed = (None, 0)
        if self._drag_line is not None:
            self.scene().removeItem(self._drag_line)
            self._drag_line = None
            target = self.level_at_scene(self.mapToScene(event.position().toPoint()))
            if kind == "level" and target and target != entity_id:
                self.connect_requested.emit(entity_id, target)
            event.accept()
            return
        if kind == "level":
            self.level_clicked.emit(entity_id)
        elif kind == "transition":
            self.transition_clicked.emit(entity_id)
        else:
            self.background_clicked.emit()
        event.accept()

    # --- pictures for the notice board -------------------------------------------------------

    def render_image(self, scale: float = 2.0) -> QImage:
        rect = self.scene().sceneRect()
        image = QImage(
            QSizeF(rect.width() * scale, rect.height() * scale).toSize(),
            QImage.Format.Format_ARGB32,
        )
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.scene().render(painter, QRectF(image.rect()), rect)
        painter.end()
        return image

    def export_png(self, path: Path) -> bool:
        return self.render_image().save(str(path))

    def export_pdf(self, path: Path, title: str = "") -> bool:
        writer = QPdfWriter(str(path))
        writer.setTitle(title)
        rect = self.scene().sceneRect()
        orientation = (
            QPageLayout.Orientation.Landscape
            if rect.width() >= rect.height()
            else QPageLayout.Orientation.Portrait
        )
        writer.setPageLayout(
            QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation, QMarginsF(12, 12, 12, 12))
        )
        writer.setResolution(300)
        painter = QPainter()
        if not painter.begin(writer):
            return False
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        target = QRectF(painter.viewport())
        self.scene().render(painter, target, rect, Qt.AspectRatioMode.KeepAspectRatio)
        painter.end()
        return True
