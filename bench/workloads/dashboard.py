"""Workload 15: the dashboard's figures for 1,000 employees × 36 months on an open file (issue 15: ≤ 0.3 s).

The company file is workload 8's (Template B, 1,000 employees, one store each, 36 months of
monthly overview facts, achievements), plus what the dashboard's other figures read: a tenth of
the people departed at dates spread over the last three years (turnover), a fifth promoted once
(grade history, head-counts as of a month, promotions per month), a review cycle with ability and
potential scores for everybody (9-box), and a decided or open promotion case for every tenth
person (cycle time). The timed call is what the page runs in the background when it opens:
``dashboard.dashboard(app)`` (it computes the 达标名单 inside) and the tables of every chart.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

NUMBER = 15
NAME = "dashboard"
TITLE = "打开仪表盘（1,000 人 × 36 个月数据）/ the dashboard's figures"
BASELINE = None
SIZES = (1_000, 100)  # employees
TARGET_RATIO = None
ABSOLUTE_LIMIT_S = 0.3
MEMORY_LIMIT_MB = None
NOTE = "timed: dashboard.dashboard() + dashboard.tables() on an open file (log-in excluded)"


def build(size: int, workdir: Path) -> None:
    from bench.workloads import eligibility_list, open_company

    eligibility_list.build(size, workdir)
    from sqlalchemy import insert, select, update

    from core.model import Employee, GradeChange, Level, PromotionCase, ReviewCycle, ScoreEntry
    from core.services.admin import auth

    app = auth.log_in(workdir / open_company.FILE_NAME, open_company.LOGIN, open_company.PASSWORD)
    rng = random.Random(9)
    start = date(2021, 7, 1)
    try:
        with app.uow() as uow:
            s = uow.session
            levels = {lv.id: lv for lv in s.scalars(select(Level))}
            below = {(lv.track_id, lv.rank): lv.id for lv in levels.values() if not lv.archived}
            people = list(s.execute(select(Employee.id, Employee.level_id, Employee.hire_date)))
            changes: list[dict[str, Any]] = []
            for employee_id, level_id, hired in people:
                if employee_id % 10 == 0:
                    left = start + timedelta(days=rng.randint(0, 3 * 365 - 1))
                    if hired is None or left > hired:
                        s.execute(
                            update(Employee)
                            .where(Employee.id == employee_id)
                            .values(leave_date=left)
                        )
                level = levels.get(level_id)
                if level is None:
                    continue
                source = below.get((level.track_id, level.rank - 1))
                if employee_id % 5 == 1 and source is not None:
                    changes.append(
                        {
                            "employee_id": employee_id,
                            "effective_date": start + timedelta(days=rng.randint(0, 3 * 365 - 1)),
                            "from_level_id": source,
                            "to_level_id": level_id,
                            "reason": "bench",
                        }
                    )
            s.execute(insert(GradeChange), changes)
            s.add(ReviewCycle(name="2024上半年", as_of="2024-06"))
            scores = [
                {
                    "employee_id": employee_id,
                    "period": "2024上半年",
                    "part": part,
                    "item": item,
                    "score": round(rng.uniform(40, 100), 1),
                    "rater": "bench",
                }
                for employee_id, _level, _hired in people
                for part, item in (  # every potential item: the 9-box places no one half-rated
                    ("ability", "策略答辩"),
                    ("potential", "学习能力"),
                    ("potential", "创新能力"),
                    ("potential", "领导力"),
                )
            ]
            s.execute(insert(ScoreEntry), scores)
            cases = []
            for employee_id, _level, _hired in people[::10]:
                created = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=rng.randint(0, 4000))
                decided = employee_id % 20 != 1
                cases.append(
                    {
                        "employee_id": employee_id,
                        "state": "effective" if decided else "in_review",
                        "created_at": created,
                        "submitted_at": created,
                        "decided_at": created + timedelta(hours=rng.randint(6, 200))
                        if decided
                        else None,
                        "chain": [],
                    }
                )
            s.execute(insert(PromotionCase), cases)
            uow.audit("bench.seed", "dashboard", None, after={"changes": len(changes)})
            uow.commit()
    finally:
        app.close(backup=False)


def prepare(size: int, workdir: Path) -> Any:
    from bench.workloads import eligibility_list

    return eligibility_list.prepare(size, workdir)


def run(app: Any) -> None:
    from core.services import dashboard

    found = dashboard.dashboard(app)
    dashboard.tables(found)
    if not found.tracks or not found.nine_box.entries:
        raise RuntimeError("no figures")


def finish(app: Any) -> None:
    app.close(backup=False)
