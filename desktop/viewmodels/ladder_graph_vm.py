"""Where the ladder graph draws things: one column per track, levels stacked by rank, paths between.

Ranks line up across tracks (every rank-2 level sits at the same height), so horizontal moves
between specialists are drawn as horizontal arrows. Pure geometry over the design: the view
only paints what this returns, and tests can check the layout without a window.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
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
