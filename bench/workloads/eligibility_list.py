"""Workload 8: opening the 达标名单 for 1,000 employees with 36 months of data (issue 6: < 0.3 s).

The company file is the one workload 6 builds (Template B, 1,000 employees on its levels, one
store each, 36 months of monthly overview facts), plus a few achievements per person so count
rules have something to count. The timed call is what the page runs in the background when it
opens: reading people, ladder, facts, ownerships and achievements from the encrypted file,
deriving everybody's monthly metrics, evaluating every transition out of everybody's level, and
sorting the shortlist the table shows. Logging in is setup (workload 6 measures it).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

NUMBER = 8
NAME = "eligibility_list"
TITLE = "打开达标名单（1,000 人 × 36 个月数据）/ opening the eligibility list"
BASELINE = None
SIZES = (1_000, 100)  # employees
TARGET_RATIO = None
ABSOLUTE_LIMIT_S = 0.3
MEMORY_LIMIT_MB = None
NOTE = "timed: eligibility.eligibility_list() on an open file + sorting the shortlist (log-in excluded)"

ACHIEVEMENT_TYPES = ("new_product", "campaign", "live_support", "proposal", "mentoring")


def build(size: int, workdir: Path) -> None:
    from bench.workloads import open_company

    open_company.build(size, workdir)
    from sqlalchemy import insert

    from core.model import Achievement
    from core.services.admin import auth

    app = auth.log_in(workdir / open_company.FILE_NAME, open_company.LOGIN, open_company.PASSWORD)
    rng = random.Random(8)
    first = date(2022, 1, 1)
    try:
        with app.uow() as uow:
            rows: list[dict[str, Any]] = []
            for employee in range(1, size + 1):
                for _ in range(rng.randint(0, 10)):
                    kind = rng.choice(ACHIEVEMENT_TYPES)
                    rows.append(
                        {
                            "employee_id": employee,
                            "type": kind,
                            "name": f"{kind}-{employee}",
                            "date": first + timedelta(days=rng.randint(0, 3 * 365)),
                            "result": "成功" if rng.random() < 0.85 else "失败",
                            "roi": round(rng.uniform(0.5, 4), 1) if kind == "campaign" else None,
                            "team_size": rng.randint(1, 4),
                        }
                    )
            uow.session.execute(insert(Achievement), rows)
            uow.audit("bench.seed", "achievements", None, after={"rows": len(rows)})
            uow.commit()
    finally:
        app.close(backup=False)


def prepare(size: int, workdir: Path) -> Any:
    from bench.workloads import open_company
    from core.services.admin import auth

    open_company._real_key_derivation()
    return auth.log_in(workdir / open_company.FILE_NAME, open_company.LOGIN, open_company.PASSWORD)


def run(app: Any) -> None:
    from core.services.eligibility import readiness as eligibility

    found = eligibility.eligibility_list(app)
    shortlist = sorted(found.shortlist(), key=lambda c: (c.status.value, -c.completion))
    if not found.candidates:
        raise RuntimeError("nobody evaluated")
    del shortlist


def finish(app: Any) -> None:
    app.close(backup=False)
