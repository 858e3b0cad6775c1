"""The one-shot import (tidui-cli import, the benchmarks) hashes the file and checks the company
file on another thread while it parses: it stores exactly what the wizard's steps store."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import select

from core.model import LiveSessionFact, OrderFact, StoreDayFact, StoreMonthFact
from core.services.eligibility import metrics
from core.services.imports import engine as imports
from core.session import AppSession
from tests.core.services.import_support import STORE_EXPORTS, with_people

FACTS = (StoreDayFact, StoreMonthFact, OrderFact, LiveSessionFact)


def stored_facts(app: AppSession) -> dict[str, list[tuple[Any, ...]]]:
    """Every fact row without its id and batch (a re-import gets a new batch)."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with app.read() as s:
        for model in FACTS:
            table = model.__table__
            columns = [c for c in table.columns if c.name not in ("id", "batch_id")]
            rows = s.execute(select(*columns).order_by(table.c.id))
            found[table.name] = [tuple(r) for r in rows]
    return found


def books(app: AppSession) -> list[metrics.FactBook]:
    with app.read() as s:
        return [metrics.load_facts(s), metrics.load_facts(s, months=("2024-06", "2024-06"))]


def by_steps(app: AppSession, path: Any) -> imports.ImportResult:
    """What the wizard does with its defaults: open, preview, commit."""
    file = imports.open_file(app, path)
    kind = file.detected_kind
    assert kind is not None
    mapping, _ = imports.mapping_for(file, kind)
    return imports.commit(app, imports.preview(app, file, kind, mapping))


def test_the_one_shot_import_stores_what_the_wizard_steps_store(company_beauty: AppSession) -> None:
    app = with_people(company_beauty)
    stepped = [by_steps(app, path) for path in STORE_EXPORTS]
    assert all(r.batch_id is not None and r.imported for r in stepped)
    facts_before, books_before = stored_facts(app), books(app)
    for result in reversed(stepped):
        assert result.batch_id is not None
        imports.undo_import(app, result.batch_id)
    assert not any(stored_facts(app).values())

    shot = [imports.import_file(app, path) for path in STORE_EXPORTS]
    for one, other in zip(shot, stepped, strict=True):
        assert one.batch_id is not None and one.batch_id != other.batch_id
        assert (one.imported, one.skipped, one.months) == (
            other.imported,
            other.skipped,
            other.months,
        )
        assert [e.message for e in one.errors] == [e.message for e in other.errors]
        assert one.totals == other.totals
    assert stored_facts(app) == facts_before
    for after, before in zip(books(app), books_before, strict=True):
        assert (after.months, after.store_ids) == (before.months, before.store_ids)
        for code, values in before.grid.items():
            np.testing.assert_array_equal(after.grid[code], values, err_msg=code)
    # the same file again: recognised by its hash, computed on the other thread
    again = imports.import_file(app, STORE_EXPORTS[0])
    assert again.batch_id is None and again.duplicate_of is not None
