"""A file from before the batch indexes gets them on opening; new files have them from the start."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from core.model import Base
from core.services.admin import auth
from core.storage.migrations import BATCH_INDEXES, SCHEMA_VERSION
from tests.conftest import OWNER, OWNER_PASSWORD, make_company


def _indexes(app: object) -> set[str]:
    with app.read() as s:  # type: ignore[attr-defined]
        rows = s.connection().exec_driver_sql("SELECT name FROM sqlite_master WHERE type='index'")
        return {r[0] for r in rows}


def test_model_declares_every_batch_index() -> None:
    declared = {i.name for t in Base.metadata.sorted_tables for i in t.indexes}
    assert set(BATCH_INDEXES) <= declared


def test_new_file_has_the_batch_indexes(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    assert set(BATCH_INDEXES) <= _indexes(app)
    app.close(backup=False)


def test_version_2_file_is_migrated_and_gets_the_indexes(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    path = app.file.path
    with app.uow() as uow:
        conn = uow.session.connection()
        for name in BATCH_INDEXES:
            conn.exec_driver_sql(f"DROP INDEX {name}")
        conn.execute(text("UPDATE file_meta SET value='2' WHERE key='schema_version'"))
        uow.commit()
    assert not set(BATCH_INDEXES) & _indexes(app)
    app.close(backup=False)

    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    assert [m.version for m in app.file.migrated] == [3]
    assert set(BATCH_INDEXES) <= _indexes(app)
    with app.read() as s:
        version = s.connection().exec_driver_sql(
            "SELECT value FROM file_meta WHERE key='schema_version'"
        )
        assert int(version.scalar_one()) == SCHEMA_VERSION
    app.close(backup=False)
