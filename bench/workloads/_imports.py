"""The import engine as the import benchmarks call it, in one place for the .xlsx and the CSV workload.

``import_file`` times what a user waits for after choosing a file: the whole import through
core/services/imports/engine.py (open, find the header row, detect the source kind, map the columns,
parse and validate every cell, pseudonymise buyers, store the facts in one transaction in an
encrypted company file) and then the derivation the KPI engine makes of them (monthly figures per
store for the months imported, core/services/eligibility/metrics.py). Before each call the previous call's
batch is undone, untimed, so every call imports into the same company as the first time.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NOTE = (
    "engine = read + detect + parse + validate + store (one transaction, encrypted file) + "
    "derive (KPI engine's monthly figures of the months imported); the previous batch is "
    "undone, untimed, before each call"
)

# Stores and live accounts the generated exports belong to (bench/gen_orders.py).
STORES = (("悦颜美妆抖音旗舰店", "抖音"), ("悦颜美妆专营店", "淘宝"))
LIVE_ACCOUNTS = ("悦颜小美", "悦颜大师兄")


def engine_missing() -> str | None:
    """Why the import engine cannot be measured yet, or None."""
    for module in ("core.importers.table", "core.services.imports.engine"):
        if importlib.util.find_spec(module) is None:
            return "engine not available"
    return None


@dataclass
class ImportState:
    path: Path  # the export to import
    app: Any = None  # the logged-in company (core.session.AppSession)
    batch: int | None = None  # the batch the last call made


def prepare_company(path: Path, workdir: Path) -> ImportState:
    """A new company file in ``workdir`` with the exports' store and live accounts (untimed)."""
    os.environ.setdefault("TIDUI_TEST_FAST_KDF", "1")  # log-in cost is not what is measured
    from core.services.admin import auth
    from core.services.archive import stores

    company = workdir / "imports.tidui"
    for leftover in workdir.glob("imports.tidui*"):
        leftover.unlink()
    app, _ = auth.create_company(company, "悦颜美妆", "boss", "bench-pass-1", "王老板", "none")
    for name, platform in STORES:
        stores.add_store(app, name, platform)
    for name in LIVE_ACCOUNTS:
        stores.add_store(app, name, stores.LIVE_PLATFORM)
    return ImportState(path, app)


def reset(state: Any) -> None:
    """Undo the previous call's batch, so the next import finds the company as it was."""
    if isinstance(state, ImportState) and state.batch is not None:
        from core.services.imports import engine as imports

        imports.undo_import(state.app, state.batch)
        state.batch = None


def import_file(state: ImportState) -> Any:
    """Everything Tidui does from choosing the file to the KPIs being up to date."""
    from core.services.eligibility import metrics
    from core.services.imports import engine as imports

    result = imports.import_file(state.app, state.path)
    if result.batch_id is None or result.imported == 0 or result.errors:
        raise RuntimeError(
            f"{state.path.name}: {result.imported} rows, {len(result.errors)} errors"
        )
    state.batch = result.batch_id
    with state.app.read() as session:
        book = metrics.load_facts(session, months=(result.months[0], result.months[-1]))
    if result.months[0] not in book.months:
        raise RuntimeError(f"{state.path.name}: the KPI engine does not see the import")
    return result


def finish(state: Any) -> None:
    if isinstance(state, ImportState) and state.app is not None:
        state.app.close(backup=False)


def order_files(size: int) -> tuple[Path, Path]:
    """The seeded 抖店 .xlsx and 淘宝 GBK CSV of ``size`` rows (generated once, then cached)."""
    from bench.gen_orders import ensure_files
    from bench.harness import cache_dir

    return ensure_files(size, cache_dir())
