"""Workload 6: logging in to a company file of 1,000 employees with 36 months of data, and listing them.

The timed call is what happens between clicking 登录 and seeing the 员工档案 list: key derivation
from the password at the real scrypt cost, unlocking the SQLCipher file, the schema check, the
employee-list query, and closing again. Building the file (template B, employees on its levels,
one store each, ownerships, 36 months of store facts) is setup and not timed.
"""

from __future__ import annotations

import importlib.util
import os
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.session import AppSession

NUMBER = 6
NAME = "open_company"
TITLE = "登录并打开员工列表（1,000 人 × 36 个月数据）/ logging in and listing the employees"
BASELINE = None
SIZES = (1_000, 100)  # employees (each with one store and 36 months of facts)
TARGET_RATIO = None
ABSOLUTE_LIMIT_S = 1.0
MEMORY_LIMIT_MB = None

MONTHS = 36
FIRST_YEAR = 2022
LOGIN = "boss"
PASSWORD = "bench-pass-1"
FILE_NAME = "悦颜美妆-1000人.tidui"


def _real_key_derivation() -> None:
    # The test suite's cheap scrypt would make the file quick to open; users get the real cost,
    # and the cost is stored in the key slot when the file is created.
    os.environ.pop("TIDUI_TEST_FAST_KDF", None)


def _months() -> list[str]:
    return [f"{FIRST_YEAR + i // 12:04d}-{i % 12 + 1:02d}" for i in range(MONTHS)]


def build(size: int, workdir: Path) -> None:
    from sqlalchemy import insert, select

    from core.model import (
        Employee,
        ImportBatch,
        Level,
        Store,
        StoreMonthFact,
        StoreOwnership,
    )
    from core.services.admin import auth

    _real_key_derivation()
    app, _recovery = auth.create_company(
        workdir / FILE_NAME, "悦颜美妆", LOGIN, PASSWORD, "王老板", template="beauty"
    )
    rng = random.Random(6)
    months = _months()
    try:
        with app.uow() as uow:
            s = uow.session
            levels = [(lv.track_id, lv.id, lv.rank) for lv in s.scalars(select(Level))]
            supervisors = max(1, size // 20)
            employees = []
            for i in range(size):
                track_id, level_id, _rank = levels[i % len(levels)]
                employees.append(
                    {
                        "id": i + 1,
                        "no": f"YY{i + 1:05d}",
                        "name": f"员工{i + 1:04d}",
                        "gender": "男" if i % 2 else "女",
                        "hire_date": date(2019 + i % 5, 1 + i % 12, 1 + i % 28),
                        "department": f"运营{i % 7 + 1}组",
                        "track_id": track_id,
                        "level_id": level_id,
                        "level_since": date(2023, 1 + i % 12, 1),
                        # the first twentieth lead the rest; supervisors report to employee 1
                        "supervisor_id": None
                        if i == 0
                        else 1 + (i % supervisors if i >= supervisors else 0),
                        "salary": 6000 + 500 * (i % 20),
                    }
                )
            s.execute(insert(Employee), employees)
            s.execute(
                insert(Store),
                [
                    {
                        "id": i + 1,
                        "name": f"悦颜{i + 1:04d}店",
                        "platform": "淘宝",
                        "kind": "shop",
                        "aliases": [],
                    }
                    for i in range(size)
                ],
            )
            s.execute(
                insert(StoreOwnership),
                [
                    {
                        "store_id": i + 1,
                        "employee_id": i + 1,
                        "start_month": months[0],
                        "end_month": None,
                    }
                    for i in range(size)
                ],
            )
            s.execute(
                insert(ImportBatch),
                [
                    {
                        "id": m + 1,
                        "file_name": f"生意参谋_交易概况_月_{month}.xlsx",
                        "sha256": f"{m:064x}",
                        "source": "sycm-shop",
                        "user_login": LOGIN,
                        "rows": size,
                        "imported": size,
                        "months": [month],
                    }
                    for m, month in enumerate(months)
                ],
            )
            facts = []
            for store in range(1, size + 1):
                gmv = rng.uniform(50_000, 500_000)
                for m, month in enumerate(months):
                    gmv *= rng.uniform(0.85, 1.3)
                    visitors = int(gmv / rng.uniform(20, 60))
                    buyers = int(visitors * rng.uniform(0.01, 0.06))
                    facts.append(
                        {
                            "store_id": store,
                            "month": month,
                            "source": "sycm-shop",
                            "batch_id": m + 1,
                            "gmv": round(gmv, 2),
                            "visitors": visitors,
                            "paid_buyers": buyers,
                            "old_buyers": int(buyers * rng.uniform(0.1, 0.4)),
                            "paid_orders": int(buyers * rng.uniform(1.0, 1.3)),
                        }
                    )
            s.execute(insert(StoreMonthFact), facts)
            uow.audit("bench.seed", "company", None, after={"employees": size, "months": MONTHS})
            uow.commit()
    finally:
        app.close(backup=False)


@dataclass(frozen=True)
class CompanyFile:
    path: Path
    employees: int


def prepare(size: int, workdir: Path) -> CompanyFile:
    _real_key_derivation()
    return CompanyFile(workdir / FILE_NAME, size)


def _list_employees(app: AppSession) -> list[object]:
    """The employee list screen's query, or a plain select while that service does not exist."""
    if importlib.util.find_spec("core.services.archive.employees") is not None:
        from core.services.archive import employees

        return list(employees.list_employees(app))
    from sqlalchemy import select

    from core.model import Employee

    with app.read() as s:
        return list(s.scalars(select(Employee).order_by(Employee.no)))


def run(state: CompanyFile) -> None:
    from core.services.admin import auth

    app = auth.log_in(state.path, LOGIN, PASSWORD)
    try:
        listed = _list_employees(app)
    finally:
        app.close(backup=False)
    if len(listed) != state.employees:
        raise RuntimeError(f"listed {len(listed)} employees, expected {state.employees}")
