"""Shared set-up for the import service tests: the demo company's people, snapshots of the file, sample paths."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.model import Base
from core.services.imports import engine as imports
from core.session import AppSession
from core.storage.anchor import COUNT_META

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
SYCM_DAILY = SAMPLES / "【生意参谋平台】店铺整体_日_悦颜美妆旗舰店_2024-01-01_2024-06-30.xls"
SYCM_MONTHLY = SAMPLES / "生意参谋_交易概况_月_悦颜美妆专营店_2023-01_2024-06.xlsx"
TAOBAO = SAMPLES / "ExportOrderList202406.csv"
DOUYIN = SAMPLES / "抖店订单导出_2024-06.xlsx"
LIVE = SAMPLES / "直播间列表_2024-06-01_2024-06-30.xlsx"
ROSTER = SAMPLES / "员工花名册.xlsx"
OWNERS = SAMPLES / "店铺负责人.xlsx"
TEMPLATES = {
    "training": SAMPLES / "培训记录.xlsx",
    "achievements": SAMPLES / "成果记录.xlsx",
    "scores": SAMPLES / "评估打分.xlsx",
}
STORE_EXPORTS = (SYCM_DAILY, SYCM_MONTHLY, TAOBAO, DOUYIN, LIVE)

# Tables an import and its undo may change without changing data: the batch row (marked
# undone) and the audit log (it records both).
BOOKKEEPING = ("import_batches", "audit_log")


def with_people(app: AppSession) -> AppSession:
    """The roster and store-owners samples imported, as a user would before the store exports."""
    for path in (ROSTER, OWNERS):
        result = imports.import_file(app, path)
        assert result.batch_id is not None and not result.errors, result.errors
    return app


def snapshot(app: AppSession, skip: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (except ``skip``), in primary-key order; skipping the audit log
    also skips its length in file_meta."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with app.read() as s:
        for table in Base.metadata.sorted_tables:
            if table.name in skip:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            rows = [tuple(row) for row in s.execute(select(table).order_by(*order))]
            if table.name == "file_meta" and "audit_log" in skip:
                # the chain's length, kept beside the anchor: it grows with every audited change
                rows = [row for row in rows if row[0] != COUNT_META]
            found[table.name] = rows
    return found


def copy_sample(path: Path, folder: Path, name: str | None = None) -> Path:
    target = folder / (name or path.name)
    shutil.copy(path, target)
    return target


DATA_ROOT = SAMPLES.parent
