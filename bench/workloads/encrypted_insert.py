"""Workload 7: storing an import's 100,000 order rows in the encrypted company file vs plain SQLite.

Both sides insert the same OrderFact rows through the import's own storing step
(core.services.imports.facts.insert_facts: multi-row INSERTs, one transaction) into a fresh file
with Tidui's schema; only the engine differs: core.storage.database.make_engine (SQLCipher 4, raw key) vs a
plain (unkeyed) SQLCipher engine with the same connection settings (CONNECTION_PRAGMAS). The ratio is the
price of encryption when an import is saved.
"""

from __future__ import annotations

import contextlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

NUMBER = 7
NAME = "encrypted_insert"
TITLE = "保存导入的订单：加密文件 vs 不加密 / saving imported orders: encrypted vs plain file"
BASELINE = "the same bulk insert into a plain SQLite file"
SIZES = (100_000, 5_000)  # order rows
TARGET_RATIO = 1.3
ABSOLUTE_LIMIT_S = None
MEMORY_LIMIT_MB = None
ROUNDS = 5
NOTE = "insert path = the import's own insert_facts (multi-row INSERTs), one transaction"

KEY = bytes(range(32))


def order_rows(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """``n`` OrderFact rows as an import of one month of 抖店 orders would store them."""
    rng = random.Random(seed)
    start = datetime(2024, 6, 1)
    rows = []
    for i in range(n):
        closed = rng.random() < 0.06
        rows.append(
            {
                "store_id": 1,
                "order_no": str(6_900_000_000_000_000_000 + i // 2),
                "sub_order_no": str(6_900_000_000_000_000_000 + i),
                "month": "2024-06",
                "paid_at": start + timedelta(seconds=rng.randrange(30 * 86400)),
                "amount": round(rng.choice([89, 129, 199, 258]) * rng.randint(1, 3), 2),
                "status": "已关闭" if closed else "已完成",
                "counted": not closed,
                "buyer_key": f"{rng.getrandbits(128):032x}",
                "live_account_id": None,
                "batch_id": 1,
            }
        )
    return rows


def _plain_engine(path: Path) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlcipher3 import dbapi2

    from core.storage.database import CONNECTION_PRAGMAS

    # The same sqlcipher3 build (so the same SQLite version) without a key is plain SQLite.
    # Python's own sqlite3 is an older SQLite, and the ratio would measure that difference too.
    engine = create_engine(f"sqlite:///{path}", module=dbapi2)

    # The settings make_engine gives the encrypted file (the page cache too: with SQLite's
    # 2 MB the plain side spilled pages mid-insert and its times spread 0.18-0.24 s), so
    # encryption is the only difference.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        for pragma in CONNECTION_PRAGMAS:
            cur.execute(pragma)
        cur.close()
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


@dataclass
class InsertState:
    path: Path
    encrypted: bool
    rows: list[dict[str, Any]]
    engine: Engine | None = None
    facts: Any = None  # the rows as insert_facts takes them (built untimed, once)


def prepare(size: int, workdir: Path) -> InsertState:
    # Each side has its own process and scratch file; the rows are the same (seeded).
    return InsertState(workdir / "orders.tidui", encrypted=True, rows=order_rows(size))


def prepare_baseline(size: int, workdir: Path) -> InsertState:
    return InsertState(workdir / "orders.sqlite", encrypted=False, rows=order_rows(size))


def reset(state: InsertState) -> None:
    """A fresh, empty file with Tidui's schema, a store and an import batch before every insert."""
    from sqlalchemy import insert
    from sqlalchemy.orm import Session

    from core.model import Base, ImportBatch, Store
    from core.storage.database import make_engine

    if state.engine is not None:
        state.engine.dispose()
    for leftover in (state.path, state.path.with_name(state.path.name + "-journal")):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    engine = make_engine(state.path, KEY) if state.encrypted else _plain_engine(state.path)
    Base.metadata.create_all(engine)
    with Session(engine) as s, s.begin():
        s.execute(
            insert(Store),
            [{"id": 1, "name": "悦颜美妆抖音旗舰店", "platform": "抖音", "aliases": []}],
        )
        s.execute(
            insert(ImportBatch),
            [
                {
                    "id": 1,
                    "file_name": "抖店订单导出.xlsx",
                    "sha256": "0" * 64,
                    "source": "douyin-orders",
                    "user_login": "boss",
                }
            ],
        )
    state.engine = engine
    if state.facts is None:
        state.facts = fact_set(state.rows)


def fact_set(rows: list[dict[str, Any]]) -> Any:
    """The rows column by column, as the import engine hands them to insert_facts."""
    import numpy as np

    from core.model import OrderFact
    from core.services.imports.facts import FactSet

    names = [k for k in rows[0] if k != "batch_id"]
    columns = {name: [r[name] for r in rows] for name in names}
    columns["paid_at"] = np.array(columns["paid_at"], dtype="datetime64[us]")
    n = len(rows)
    return FactSet(OrderFact, columns, np.arange(2, n + 2), np.ones(n, dtype=bool))


def run(state: InsertState) -> None:
    from core.progress import NO_PROGRESS
    from core.services.imports.facts import insert_facts

    assert state.engine is not None
    if state.facts is None:
        state.facts = fact_set(state.rows)
    with state.engine.begin() as connection:
        insert_facts(connection, state.facts, 1, NO_PROGRESS)


def baseline(state: InsertState) -> None:
    run(state)


def finish(state: InsertState) -> None:
    if state.engine is not None:
        from sqlalchemy import func, select

        from core.model import OrderFact

        with state.engine.connect() as connection:
            stored = connection.scalar(select(func.count()).select_from(OrderFact))
        state.engine.dispose()
        if stored != len(state.rows):
            raise RuntimeError(f"{state.path.name}: {stored} of {len(state.rows)} rows stored")
    plain = state.path.read_bytes()[:16] == b"SQLite format 3\x00"
    if plain == state.encrypted:
        raise RuntimeError(
            f"{state.path.name}: expected {'an encrypted' if state.encrypted else 'a plain'} file"
        )
