"""The import engine as the import benchmarks call it, in one place for the .xlsx and the CSV workload.

``import_file`` is the slot the import engineer completes: today it runs the whole pure half
of an import (open, find the header row, detect the source kind, map the columns, parse and
validate every cell); storing the facts in the company file comes with core/services/imports.py.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

# A fixed pseudonym key: real imports hash buyer names with the file's key, and so do we here,
# so the hashing cost is measured too.
PSEUDONYM_KEY = bytes(range(32))

NOTE = "engine = read + detect + parse + validate (storing the facts is not in the engine yet)"


def engine_missing() -> str | None:
    """Why the import engine cannot be measured yet, or None."""
    for module in ("core.importers.reading", "core.importers.headers", "core.importers.table"):
        if importlib.util.find_spec(module) is None:
            return "engine not available"
    return None


def import_file(path: Path) -> Any:
    """Everything Tidui does with an order export before the user clicks 导入."""
    from core.importers.headers import analyse
    from core.importers.reading import open_sheet
    from core.importers.table import parse_table

    sheet = open_sheet(path)
    analysis = analyse(sheet.top(), path.name)
    if analysis.best is None:
        raise RuntimeError(f"{path.name}: source kind not detected")
    table = parse_table(
        sheet,
        analysis.header.row,
        analysis.mapping(),
        analysis.best.kind,
        pseudonym_key=PSEUDONYM_KEY,
    )
    if table.frame.empty or table.errors:
        raise RuntimeError(f"{path.name}: {len(table.frame)} rows, {len(table.errors)} errors")
    return table


def order_files(size: int) -> tuple[Path, Path]:
    """The seeded 抖店 .xlsx and 淘宝 GBK CSV of ``size`` rows (generated once, then cached)."""
    from bench.gen_orders import ensure_files
    from bench.harness import cache_dir

    return ensure_files(size, cache_dir())
