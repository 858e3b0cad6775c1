"""Workload 5: printing evaluation reports, 100 in a batch (two A4 pages each, with trend lines).

The timed call is what 导出全部 does for a cycle of 100 candidates: for each, read the decided
case (its snapshot, the trail, the employee block), lay out the two-page 评估报告 with its KPI
table and sparklines, embed the subset of the CJK font and write the PDF to a folder. The data is
the demo company (template B, 18 months) with one case decided through the whole chain; the
font is registered in the warm-up call (once per process, as in the app). Building the file is
setup and not timed.

Targets (issue 14): the batch of 100 within 12 s; one report within 100 ms after the first, which
is this median divided by the batch size (shown in the note).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

NUMBER = 5
NAME = "reports"
TITLE = "批量打印 100 份评估报告（PDF，每份两页带趋势图）/ printing 100 evaluation reports"
BASELINE = None
SIZES = (100, 5)  # reports in the batch
TARGET_RATIO = None
ABSOLUTE_LIMIT_S = 12.0  # for the batch of 100 (issue 14); a report each ≤ 0.1 s after the first
MEMORY_LIMIT_MB = None
NOTE = (
    "one call = the whole batch (read the case, lay out 2 pages, embed the font subset, write the "
    "file) × size; per report = median / size (target ≤ 0.1 s)"
)

LOGIN = "demo"
PASSWORD = "tidui-demo"
FILE_NAME = "reports-demo.tidui"


@dataclass
class ReportState:
    app: Any
    case_id: int
    employee_id: int
    size: int
    out: Path


def _fast_kdf() -> None:
    os.environ.setdefault("TIDUI_TEST_FAST_KDF", "1")  # log-in cost is not what is measured


def build(size: int, workdir: Path) -> None:
    """The demo company with 孙悦's case decided (all untimed)."""
    _fast_kdf()
    from core.services import demo
    from core.services.admin import auth
    from core.services.archive.employees import find_by_no
    from core.services.eligibility import readiness as el
    from core.services.promotion import cases, cycles

    path = workdir / FILE_NAME
    for leftover in workdir.glob(FILE_NAME + "*"):
        leftover.unlink()
    demo.create_demo(path, LOGIN, PASSWORD, with_cases=False)  # the case below is the only one
    app = auth.log_in(path, LOGIN, PASSWORD)
    try:
        with app.read() as s:
            found = find_by_no(s, "E006")
            assert found is not None
            employee_id = found.id
        to_level = el.employee_progress(app, employee_id).outlooks[0].transition.to_level_id
        names = [c.name for c in cycles.list_cycles(app)]  # the demo opens one
        case_id = cases.create_case(
            app, employee_id, to_level, cycle=names[0] if names else None, reason="业绩达标"
        )
        while cases.view_case(app, case_id).state.value in ("submitted", "in_review"):
            cases.act(app, case_id, "approve", "同意")
        view = cases.view_case(app, case_id)
        salary = view.suggested_salary[0] if view.suggested_salary else 7000
        cases.decide(app, case_id, salary, date(2024, 7, 1))
    finally:
        app.close(backup=False)


def prepare(size: int, workdir: Path) -> ReportState:
    _fast_kdf()
    from sqlalchemy import select

    from core.model import PromotionCase
    from core.services.admin import auth

    app = auth.log_in(workdir / FILE_NAME, LOGIN, PASSWORD)
    with app.read() as s:
        case = s.scalars(select(PromotionCase).order_by(PromotionCase.id)).first()
        assert case is not None
        case_id, employee_id = case.id, case.employee_id
    return ReportState(app, case_id, employee_id, size, workdir / "out")


def reset(state: ReportState) -> None:
    shutil.rmtree(state.out, ignore_errors=True)
    state.out.mkdir(parents=True)


def run(state: ReportState) -> None:
    from core.reports import service

    for i in range(state.size):
        data = service.render_report(
            state.app, "evaluation", state.employee_id, case_id=state.case_id
        )
        service.write_report(state.out / f"{i:03d}.pdf", data)


def finish(state: ReportState) -> None:
    state.app.close(backup=False)
    shutil.rmtree(state.out, ignore_errors=True)
