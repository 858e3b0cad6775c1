"""Where the ladder graph draws things: one column per track, levels stacked by rank, paths between.

Ranks line up across tracks (every rank-2 level sits at the same height), so horizontal moves
between specialists are drawn as horizontal arrows. Pure geometry over the design: the view
only paints what this returns, and tests can check the layout without a window.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from core.domain.ladder_design import LadderDesign, LevelSpec, Problem
from desktop.i18n import tr

NODE_WIDTH = 156.0
NODE_HEIGHT = 62.0
NODE_GAP = 18.0  # between two levels of the same rank in one track
COLUMN_GAP = 104.0  # room for a transfer's label between two boxes
ROW_GAP = 58.0
HEADER_HEIGHT = 46.0
MARGIN = 24.0


Direction = Literal["up", "down", "left", "right"]
_STEPS: dict[str, tuple[int, int]] = {
    "up": (0, -1),
    "down": (0, 1),
    "left": (-1, 0),
    "right": (1, 0),
}
K = TypeVar("K", bound=Hashable)


def step(points: Mapping[K, tuple[float, float]], current: K, direction: Direction) -> K | None:
    """Where an arrow key moves the selection from ``current``: the nearest of ``points`` that
    lies that way (within about 70° of it), straying sideways counting three times as much as
    going on, so that ↑ from a level reaches the path above it, then the level above that.
    None at the edge of the picture."""
    dx, dy = _STEPS[direction]
    cx, cy = points[current]
    best: tuple[float, int, K] | None = None
    for order, (key, (x, y)) in enumerate(points.items()):
        ahead = (x - cx) * dx + (y - cy) * dy
        aside = abs((x - cx) * dy - (y - cy) * dx)
        if key == current or ahead <= 0 or aside > 3 * ahead:
            continue
        score = ahead + 3 * aside
        if best is None or (score, order) < best[:2]:
            best = (score, order, key)
    return None if best is None else best[2]


@dataclass(frozen=True)
class ColumnLayout:
    track_id: int
    name: str
    x: float
    width: float
    archived: bool


@dataclass(frozen=True)
class NodeLayout:
    level_id: int
    track_id: int
    title: str
    detail: str  # the salary band
    x: float
    y: float
    width: float
    height: float
    archived: bool
    has_problem: bool

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x <= self.x + self.width and self.y <= y <= self.y + self.height


@dataclass(frozen=True)
class EdgeLayout:
    transition_id: int
    from_level_id: int
    to_level_id: int
    kind: str
    label: str
    archived: bool
    has_problem: bool


@dataclass(frozen=True)
class GraphLayout:
    columns: tuple[ColumnLayout, ...]
    nodes: tuple[NodeLayout, ...]
    edges: tuple[EdgeLayout, ...]
    width: float
    height: float

    def node(self, level_id: int) -> NodeLayout | None:
        return next((n for n in self.nodes if n.level_id == level_id), None)

    def node_at(self, x: float, y: float) -> NodeLayout | None:
        return next((n for n in self.nodes if n.contains(x, y)), None)


def salary_band(level: LevelSpec) -> str:
    low, high = level.salary_min, level.salary_max
    if low is None and high is None:
        return ""
    if low is not None and high is not None:
        return f"¥{low:,}–{high:,}"
    if low is not None:
        return tr("¥{low:,}起").format(low=low)
    return tr("最高¥{high:,}").format(high=high)


def edge_label(kind: str, rules: int, tenure: int) -> str:
    name = tr("晋升") if kind == "promotion" else tr("转岗")
    parts = [name]
    if rules:
        parts.append(tr("{n}条规则").format(n=rules))
    if tenure:
        parts.append(tr("满{n}个月", n=tenure))
    return " · ".join(parts)


def layout(
    design: LadderDesign, show_archived: bool = False, problems: Iterable[Problem] = ()
) -> GraphLayout:
    problem_ids = {(p.entity, p.entity_id) for p in problems}
    tracks = [t for t in design.sorted_tracks() if show_archived or not t.archived]
    visible: dict[int, list[LevelSpec]] = {
        t.id: [
            lv
            for lv in design.levels_of(t.id)
            if show_archived or (not lv.archived and not t.archived)
        ]
        for t in tracks
    }
    ranks = [lv.rank for levels in visible.values() for lv in levels]
    top_rank = max(ranks, default=1)
    low_rank = min(ranks, default=1)

    columns: list[ColumnLayout] = []
    nodes: list[NodeLayout] = []
    x = MARGIN
    for track in tracks:
        by_rank: dict[int, list[LevelSpec]] = {}
        for level in visible[track.id]:
            by_rank.setdefault(level.rank, []).append(level)
        across = max((len(v) for v in by_rank.values()), default=1)
        width = across * NODE_WIDTH + (across - 1) * NODE_GAP
        columns.append(ColumnLayout(track.id, track.name, x, width, track.archived))
        for rank, levels in by_rank.items():
            y = MARGIN + HEADER_HEIGHT + (top_rank - rank) * (NODE_HEIGHT + ROW_GAP)
            row_width = len(levels) * NODE_WIDTH + (len(levels) - 1) * NODE_GAP
            left = x + (width - row_width) / 2
            for i, level in enumerate(levels):
                nodes.append(
                    NodeLayout(
                        level.id,
                        track.id,
                        level.title,
                        salary_band(level),
                        left + i * (NODE_WIDTH + NODE_GAP),
                        y,
                        NODE_WIDTH,
                        NODE_HEIGHT,
                        level.archived or track.archived,
                        ("level", level.id) in problem_ids,
                    )
                )
        x += width + COLUMN_GAP

    shown = {n.level_id for n in nodes}
    edges = tuple(
        EdgeLayout(
            t.id,
            t.from_level_id,
            t.to_level_id,
            t.kind,
            edge_label(t.kind, len(t.criteria), t.min_tenure_months),
            t.archived,
            ("transition", t.id) in problem_ids,
        )
        for t in design.transitions
        if t.from_level_id in shown and t.to_level_id in shown and (show_archived or not t.archived)
    )
    rows = top_rank - low_rank + 1
    height = MARGIN * 2 + HEADER_HEIGHT + rows * NODE_HEIGHT + (rows - 1) * ROW_GAP
    width = max(x - COLUMN_GAP + MARGIN, MARGIN * 2 + NODE_WIDTH)
    return GraphLayout(tuple(columns), tuple(nodes), edges, width, height)


# --- arrow labels ---------------------------------------------------------------------------

LABEL_GAP = 3.0  # between a label's background and a level box
LABEL_SPACE = 6.0  # between two labels, so that each reads as its own arrow's
LABEL_REACH = 70.0  # how far a label may leave its arrow to find a free spot
LINE_COST = 12.0  # a label wrapped onto one more line counts as moved this much further


@dataclass(frozen=True)
class Rect:
    """A rectangle in the picture (left, top, width, height), for placing labels."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def intersects(self, other: Rect, gap: float = 0.0) -> bool:
        """Whether the two overlap, or come closer than ``gap``."""
        return (
            self.x < other.right + gap
            and other.x < self.right + gap
            and self.y < other.bottom + gap
            and other.y < self.bottom + gap
        )


def node_rect(node: NodeLayout) -> Rect:
    return Rect(node.x, node.y, node.width, node.height)


@dataclass(frozen=True)
class LabelRequest:
    """One arrow's label: its text (lines joined by " · ") and the point it is centred on."""

    text: str
    x: float
    y: float


Measure = Callable[[str], tuple[float, float]]  # a text's (width, height) with its background


def wrap_label(text: str, room: float, measure: Measure) -> str:
    """``text`` broken into lines no wider than ``room``: between its " · " parts, and a part
    that is wider still between its words (evenly: "6 months" / "in level"). A single word
    wider than ``room`` stays whole."""
    lines: list[str] = []
    for given in text.split("\n"):
        line = ""
        for part in given.split(" · "):
            if line and measure(f"{line} · {part}")[0] <= room:
                line = f"{line} · {part}"
                continue
            if line:
                lines.append(line)
            if measure(part)[0] <= room:
                line = part
                continue
            words = _even_lines(part.split(" "), room, measure)
            lines += words[:-1]
            line = words[-1]
        lines.append(line)
    return "\n".join(lines)


def _even_lines(words: list[str], room: float, measure: Measure) -> list[str]:
    def greedy(limit: float) -> list[str]:
        found: list[str] = []
        for word in words:
            if found and measure(f"{found[-1]} {word}")[0] <= limit:
                found[-1] = f"{found[-1]} {word}"
            else:
                found.append(word)
        return found

    best = greedy(room)
    # the narrowest width that still needs no more lines: the lines come out about even
    widths = sorted(
        {
            measure(" ".join(words[i:j]))[0]
            for i in range(len(words))
            for j in range(i + 1, len(words) + 1)
        }
    )
    for width in widths:
        if width <= room and len(found := greedy(width)) == len(best):
            return found
    return best


def free_width(x: float, y: float, boxes: Sequence[Rect], inside: Rect) -> float:
    """The room across at (x, y) between the boxes on its left and right (the gap between two
    tracks), or the picture's width where no box is level with it."""
    left, right = inside.x, inside.right
    for box in boxes:
        if not box.y <= y <= box.bottom or box.x <= x <= box.right:
            continue
        if box.right < x:
            left = max(left, box.right)
        else:
            right = min(right, box.x)
    return right - left - 2 * LABEL_GAP


def place_labels(
    requests: Sequence[LabelRequest],
    boxes: Sequence[Rect],
    inside: Rect,
    measure: Measure,
    fixed: Sequence[Rect] = (),
    crosses: Callable[[int, Rect], bool] = lambda _i, _rect: False,
) -> list[tuple[str, Rect]]:
    """Each arrow label's text and background rectangle: never on a level box, always inside
    the picture, and where it can be off the other labels (and ``fixed``, the track headings)
    and off the other arrows (``crosses(i, rect)``: whether ``rect`` lies on an arrow other
    than label ``i``'s own).

    A label first fits the room at its point (wrapped to the gap between two tracks) and stays
    centred there when that is free; the others are placed after them, at the nearest free spot
    beside, above or below the boxes and labels around, wrapped narrower if that finds one.
    """
    placed: dict[int, tuple[str, Rect]] = {}
    taken = list(fixed)
    waiting: list[int] = []
    for i, request in enumerate(requests):
        room = free_width(request.x, request.y, boxes, inside)
        text = wrap_label(request.text, room, measure)
        rect = _centred(request, measure(text), inside)
        if _free(rect, boxes) and not _on(rect, taken) and not crosses(i, rect):
            placed[i] = (text, rect)
            taken.append(rect)
        else:
            waiting.append(i)
    for i in waiting:
        request = requests[i]
        room = free_width(request.x, request.y, boxes, inside)
        first = wrap_label(request.text, room, measure)
        texts = [first]
        widest = measure(first)[0]
        for share in (0.75, 0.5, 0.34):
            narrower = wrap_label(request.text, widest * share, measure)
            if narrower not in texts:
                texts.append(narrower)
        best: tuple[float, str, Rect] | None = None
        fallback: tuple[str, Rect] | None = None
        for text in texts:
            size = measure(text)
            spot, free = _nearest(i, request, size, boxes, inside, taken, crosses)
            if fallback is None:
                fallback = (text, spot)
            if free:
                home = _centred(request, size, inside)
                cost = math.hypot(spot.x - home.x, spot.y - home.y) + LINE_COST * text.count("\n")
                if best is None or cost < best[0]:
                    best = (cost, text, spot)
        chosen = (best[1], best[2]) if best is not None else fallback
        assert chosen is not None
        placed[i] = chosen
        taken.append(chosen[1])
    return [placed[i] for i in range(len(requests))]


def _centred(request: LabelRequest, size: tuple[float, float], inside: Rect) -> Rect:
    width, height = size
    return _clamped(request.x - width / 2, request.y - height / 2, width, height, inside)


def _clamped(x: float, y: float, width: float, height: float, inside: Rect) -> Rect:
    x = max(inside.x, min(x, inside.right - width))
    y = max(inside.y, min(y, inside.bottom - height))
    return Rect(x, y, width, height)


def _free(rect: Rect, boxes: Sequence[Rect]) -> bool:
    return not any(rect.intersects(box, LABEL_GAP / 2) for box in boxes)


def _on(rect: Rect, taken: Sequence[Rect]) -> bool:
    return any(rect.intersects(other, LABEL_SPACE - 0.01) for other in taken)


def _nearest(
    index: int,
    request: LabelRequest,
    size: tuple[float, float],
    boxes: Sequence[Rect],
    inside: Rect,
    taken: Sequence[Rect],
    crosses: Callable[[int, Rect], bool],
) -> tuple[Rect, bool]:
    """The spot nearest the label's point that touches no box, and whether it is also free of
    other labels and arrows (the nearest such within LABEL_REACH, if there is one)."""
    width, height = size
    home = _centred(request, size, inside)
    near = [
        r
        for r in (*boxes, *taken)
        if abs(r.x + r.width / 2 - request.x) < LABEL_REACH + r.width / 2 + width
        and abs(r.y + r.height / 2 - request.y) < LABEL_REACH + r.height / 2 + height
    ]
    xs = {home.x}
    ys = {home.y}
    for obstacle, space in ((boxes, LABEL_GAP), (taken, LABEL_SPACE)):
        for r in near:
            if r in obstacle:
                xs |= {r.right + space, r.x - space - width}
                ys |= {r.bottom + space, r.y - space - height}
    spots = {_clamped(x, y, width, height, inside) for x in xs for y in ys}
    ordered = sorted(spots, key=lambda r: ((r.x - home.x) ** 2 + (r.y - home.y) ** 2, r.y, r.x))
    first: Rect | None = None
    for spot in ordered:
        if not _free(spot, boxes):
            continue
        if first is None:
            first = spot
        if (spot.x - home.x) ** 2 + (spot.y - home.y) ** 2 > LABEL_REACH**2:
            break
        if not _on(spot, taken) and not crosses(index, spot):
            return spot, True
    return (first or home), False
