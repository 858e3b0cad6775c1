"""Workload 16: moving through 50 candidates on the 晋升评审 screen (issue 14: ≤ 100 ms a switch).

The company file is workload 15's (Template B, 1,000 employees × 36 months, a review cycle
2024上半年 with ability and potential scores for everybody, decided and open cases); its cycle
lists the people the rules find ready or nearly ready, far more than 50. The page is the real
ReviewPage, shown offscreen at 1200×700; the timed call moves the selection down through the
first ``size`` candidates, as the owner does with ↓ in the meeting: each move reads the
candidate's detail (criteria with their months, the three-part score, competencies, trail) and
redraws the panel, and the events are processed so the panel is painted. Building the file,
logging in and opening the page with its cycle are setup. Per switch = median / size.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NUMBER = 16
NAME = "review_switch"
TITLE = "晋升评审：在 50 名候选人之间逐个切换 / switching candidate on the review screen"
BASELINE = None
SIZES = (50, 5)  # candidates moved through
TARGET_RATIO = None
ABSOLUTE_LIMIT_S = 5.0  # 50 switches at ≤ 0.1 s each
MEMORY_LIMIT_MB = None
NOTE = (
    "one call = ↓ through `size` candidates of the 1,000-person file's cycle (read the detail, "
    "redraw and paint the panel); per switch = median / size (target ≤ 0.1 s)"
)

EMPLOYEES = {50: 1_000}  # the quick size builds workload 15's small file


@dataclass
class ReviewState:
    app: Any
    qt: Any
    page: Any
    size: int


def build(size: int, workdir: Path) -> None:
    from bench.workloads import dashboard

    dashboard.build(EMPLOYEES.get(size, 100), workdir)


def prepare(size: int, workdir: Path) -> ReviewState:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from bench.workloads import dashboard
    from desktop.viewmodels.session_vm import SessionViewModel
    from desktop.views.promotion.review_page import ReviewPage

    qt = QApplication.instance() or QApplication([])
    app = dashboard.prepare(EMPLOYEES.get(size, 100), workdir)
    page = ReviewPage(SessionViewModel(app))
    page.resize(1200, 700)
    page.show()
    qt.processEvents()
    rows = page.vm.candidates.rowCount()
    if rows < size:
        raise RuntimeError(f"the cycle lists {rows} candidates, fewer than {size}")
    return ReviewState(app, qt, page, size)


def reset(state: ReviewState) -> None:
    state.page.table.selectRow(0)
    state.qt.processEvents()


def run(state: ReviewState) -> None:
    page = state.page
    for row in range(1, state.size):
        page.table.selectRow(row)
        state.qt.processEvents()
        if page.vm.detail is None or page.vm.detail.row.name != page.vm.candidates.row_at(row).name:
            raise RuntimeError(f"the panel does not show candidate {row}")
    page.table.selectRow(0)  # the size-th switch: back to the top
    state.qt.processEvents()


def finish(state: ReviewState) -> None:
    from desktop.viewmodels import worker

    state.page.close()
    worker.cancel_all()
    worker.wait_all()
    state.app.close(backup=False)
