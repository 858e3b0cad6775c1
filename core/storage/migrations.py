"""Schema versions: a new file gets the current schema; an older file is upgraded step by step.

Each migration upgrades version N-1 to N inside one transaction, after the caller took a backup.
A file written by a newer Tidui (a version we do not know) is refused, never guessed at.
Migrations use SQLAlchemy constructs (``op``-style DDL through the connection) so they stay
portable to PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, inspect, select, update

from core.model import Base, FileMeta

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Migration:
    version: int  # the version this migration produces
    description: str
    upgrade: Callable[[Connection], None]


# Version 1 is the first released schema (created by create_schema); later steps go here, e.g.
# Migration(2, "add employees.nickname", lambda c: c.exec_driver_sql("ALTER TABLE ...")).
MIGRATIONS: list[Migration] = []


def create_schema(conn: Connection, file_id: str, version: int = SCHEMA_VERSION) -> None:
    Base.metadata.create_all(conn)
    conn.execute(
        insert(FileMeta),
        [
            {"key": "schema_version", "value": str(version)},
            {"key": "file_id", "value": file_id},
        ],
    )


def read_meta(conn: Connection) -> dict[str, str]:
    if not inspect(conn).has_table(FileMeta.__tablename__):
        return {}
    rows = conn.execute(select(FileMeta.key, FileMeta.value)).all()
    return {k: v for k, v in rows}


def schema_version(conn: Connection) -> int:
    return int(read_meta(conn).get("schema_version", "0"))


def pending(version: int, migrations: Sequence[Migration] = MIGRATIONS) -> list[Migration]:
    return [m for m in sorted(migrations, key=lambda m: m.version) if m.version > version]


def migrate(
    engine: Engine,
    migrations: Sequence[Migration] = MIGRATIONS,
) -> list[Migration]:
    """Apply every pending migration, each in its own transaction; returns what ran."""
    with engine.connect() as conn:
        version = schema_version(conn)
    done: list[Migration] = []
    for step in pending(version, migrations):
        with engine.begin() as conn:
            step.upgrade(conn)
            conn.execute(
                update(FileMeta)
                .where(FileMeta.key == "schema_version")
                .values(value=str(step.version))
            )
        done.append(step)
    return done
