"""The encrypted engine: SQLCipher 4 through SQLAlchemy, keyed with the raw 32-byte file key.

This module (with the rest of core/storage) is the only place that knows the data file is
SQLCipher. Settings are SQLCipher 4 defaults (page size, KDF, HMAC) on purpose: the recovery key
then opens the file in any SQLCipher 4 client with ``PRAGMA key = "x'<64 hex digits>'"``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from core.errors import CorruptFile, WrongPassword

# Every connection's settings (bench 7 gives its plain, unkeyed file the same ones).
CONNECTION_PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    # Rollback journal, not WAL: the file may live on a shared folder where WAL is unsafe,
    # and one file is easier to copy and back up.
    "PRAGMA journal_mode = DELETE",
    "PRAGMA synchronous = FULL",
    "PRAGMA busy_timeout = 2000",
    # 64 MB (SQLite's default is 2 MB): a month of 100,000 orders is ~17 MB of pages.
    "PRAGMA cache_size = -65536",
)


def make_engine(path: Path, key: bytes) -> Engine:
    # The pysqlcipher dialect issues `pragma key="<password>"`; a password of the form x'..'
    # becomes SQLCipher's raw-key syntax, which skips the per-open PBKDF2 (docs/stack.md).
    url = URL.create("sqlite+pysqlcipher", password=f"x'{key.hex()}'", database=str(path))
    # The pysqlcipher dialect defaults to SingletonThreadPool, which keeps one connection per
    # thread and closes other threads' connections (even mid-query) once five threads hold one:
    # background jobs run on fresh threads, so that crashed the app. A QueuePool of connections
    # usable from any thread is what the plain pysqlite dialect uses for file databases.
    # Last in, first out: the next session gets the connection used last, whose page cache
    # holds what was just written (the KPIs read right after an import find their pages
    # decrypted already; another connection would read and decrypt them again).
    engine = create_engine(
        url,
        future=True,
        poolclass=QueuePool,
        pool_use_lifo=True,
        connect_args={"check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        # A wrong key would otherwise print an HMAC error on stderr; we report it ourselves.
        cur.execute("PRAGMA cipher_log_level = NONE")
        for pragma in CONNECTION_PRAGMAS:
            cur.execute(pragma)
        cur.close()
        # The DB-API module would otherwise open transactions lazily and never around DDL;
        # we take over so every SQLAlchemy transaction (migrations included) is a real one.
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def check_readable(engine: Engine, file_name: str) -> None:
    """A wrong key only shows at the first read; turn that into a clear error."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar_one()
    except DatabaseError as exc:
        engine.dispose()
        message = str(getattr(exc, "orig", exc))
        if "file is not a database" in message:
            raise WrongPassword(file=file_name) from None
        raise CorruptFile("file.corrupt", file=file_name, reason=message) from None
    except OperationalError as exc:
        engine.dispose()
        raise CorruptFile("file.corrupt", file=file_name, reason=str(exc.orig)) from None


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


def damage(engine: Engine) -> list[str]:
    """SQLCipher's check of every page's HMAC (a flipped byte anywhere fails it): reads the
    whole file once, cheaper than SQLite's integrity_check. Empty when the file is intact."""
    try:
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("PRAGMA cipher_integrity_check").fetchall()
            return [str(row[0]) for row in rows]
    except DatabaseError as error:
        return [str(getattr(error, "orig", error))]


def integrity_problems(engine: Engine) -> list[str]:
    """Results of SQLite's and SQLCipher's own integrity checks; empty when all is well."""
    problems: list[str] = []
    with engine.connect() as conn:
        rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
        if rows != ["ok"]:
            problems.extend(str(r) for r in rows)
        problems.extend(
            str(r[0]) for r in conn.exec_driver_sql("PRAGMA cipher_integrity_check").fetchall()
        )
        problems.extend(
            f"foreign key: {tuple(r)}"
            for r in conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        )
    return problems


def rekey(engine: Engine, new_key: bytes) -> None:
    """Re-encrypt every page under ``new_key`` (SQLCipher's ``PRAGMA rekey``, itself one
    transaction). Dispose of ``engine`` afterwards: its other connections hold the old key."""
    engine.dispose()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
        cursor.execute("SELECT count(*) FROM sqlite_master").fetchone()
        cursor.close()
    finally:
        raw.close()
    engine.dispose()
