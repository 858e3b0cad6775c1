"""The newest month with data is read off month indexes: a version-6 file gets them on opening."""

from __future__ import annotations

from pathlib import Path

from core.storage.migrations import MONTH_INDEXES, SCHEMA_VERSION
from tests.conftest import as_older_schema, make_company


def _indexes(app: object) -> set[str]:
    with app.read() as s:  # type: ignore[attr-defined]
        rows = s.connection().exec_driver_sql("SELECT name FROM sqlite_master WHERE type='index'")
        return {r[0] for r in rows}


def test_version_6_file_gets_the_month_indexes_and_the_newest_month_uses_them(
    tmp_path: Path,
) -> None:
    app, _ = make_company(tmp_path)
    assert set(MONTH_INDEXES) <= _indexes(app)
    app = as_older_schema(app, 6, *(f"DROP INDEX {name}" for name in MONTH_INDEXES))
    assert [m.version for m in app.file.migrated] == list(range(7, SCHEMA_VERSION + 1))
    assert set(MONTH_INDEXES) <= _indexes(app)
    with app.read() as s:
        conn = s.connection()
        for table, index in (
            ("store_month_facts", "ix_store_month_month"),
            ("live_session_facts", "ix_live_month"),
        ):
            sql = f"SELECT max(month) FROM {table} WHERE superseded_by IS NULL"
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
            assert index in plan, plan
    app.close(backup=False)
