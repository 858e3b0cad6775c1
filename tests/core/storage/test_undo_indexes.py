"""A file from before the undo indexes gets them on opening; new files have them from the start."""

from __future__ import annotations

from pathlib import Path

from core.model import Base
from core.storage.migrations import SCHEMA_VERSION, UNDO_INDEXES
from tests.conftest import as_older_schema, make_company


def _indexes(app: object) -> set[str]:
    with app.read() as s:  # type: ignore[attr-defined]
        rows = s.connection().exec_driver_sql("SELECT name FROM sqlite_master WHERE type='index'")
        return {r[0] for r in rows}


def test_model_declares_every_undo_index() -> None:
    declared = {i.name for t in Base.metadata.sorted_tables for i in t.indexes}
    assert set(UNDO_INDEXES) <= declared


def test_new_file_has_the_undo_indexes(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    assert set(UNDO_INDEXES) <= _indexes(app)
    app.close(backup=False)


def test_version_2_file_is_migrated_and_gets_the_indexes(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    app = as_older_schema(app, 2, *(f"DROP INDEX {name}" for name in UNDO_INDEXES))
    assert app.file.migrated[0].version == 3  # then any later ones
    assert set(UNDO_INDEXES) <= _indexes(app)
    with app.read() as s:
        version = s.connection().exec_driver_sql(
            "SELECT value FROM file_meta WHERE key='schema_version'"
        )
        assert int(version.scalar_one()) == SCHEMA_VERSION
    app.close(backup=False)


def test_undo_lookups_use_the_indexes_not_a_table_scan(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    with app.read() as s:
        conn = s.connection()
        for sql, index in (
            ("DELETE FROM order_facts WHERE batch_id = 7", "ix_order_batch"),
            (
                "UPDATE order_facts SET superseded_by = NULL WHERE superseded_by = 7",
                "ix_order_superseded",
            ),
        ):
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
            assert index in plan, plan
    app.close(backup=False)
