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

SCHEMA_VERSION = 8


@dataclass(frozen=True)
class Migration:
    version: int  # the version this migration produces
    description: str
    upgrade: Callable[[Connection], None]


def _promotion_tables(conn: Connection) -> None:
    """Review cycles, cases, their trail and entitlements (new tables only: nothing rewritten)."""
    from core.model import promotion

    tables = [
        promotion.ReviewCycle.__table__,
        promotion.CycleCandidate.__table__,
        promotion.PromotionCase.__table__,
        promotion.CaseStep.__table__,
        promotion.Entitlement.__table__,
    ]
    Base.metadata.create_all(conn, tables=tables)  # type: ignore[arg-type]


def _create_indexes(conn: Connection, names: Sequence[str]) -> None:
    """The model's indexes ``names``, built from the rows on a file that has not got them."""
    for table in Base.metadata.sorted_tables:
        for index in table.indexes:
            if index.name in names:
                index.create(conn, checkfirst=True)


# Fact-table indexes for undo: it deletes the batch's rows (batch_id, also ON DELETE CASCADE) and
# brings back the rows it replaced (superseded_by); without them every fact table of a
# multi-year file is scanned twice.
UNDO_INDEXES = (
    "ix_store_day_batch",
    "ix_store_month_batch",
    "ix_order_batch",
    "ix_live_batch",
    "ix_manual_metric_batch",
    "ix_store_day_superseded",
    "ix_store_month_superseded",
    "ix_order_superseded",
    "ix_live_superseded",
)


def _undo_indexes(conn: Connection) -> None:
    """Create the model's undo indexes on a file that predates them (no rows rewritten)."""
    _create_indexes(conn, UNDO_INDEXES)


# file_meta key: the orders' store-month totals are still to be summed from the orders. The
# sums are the services' business (core/services/eligibility/order_totals.py), done by the
# log-in right after the migrations, in its own transaction; until then the key stays, so a
# log-in killed in between sums them at the next one.
ORDER_TOTALS_PENDING = "order_totals_pending"


def _order_totals(conn: Connection) -> None:
    """The store-month totals of the orders (order_month_totals): the table now, the sums of
    every order of the file at the end of the log-in; from then on import and undo keep them."""
    from core.model import OrderMonthTotal

    Base.metadata.create_all(conn, tables=[OrderMonthTotal.__table__])  # type: ignore[list-item]
    _create_indexes(conn, ("ix_order_live_month",))
    conn.execute(insert(FileMeta).values(key=ORDER_TOTALS_PENDING, value="1"))


def _audit_signatures(conn: Connection) -> None:
    """audit_log.signature: each new entry's author signature (existing entries keep none and
    are reported by verify as written before signing, not as tampered)."""
    columns = {c["name"] for c in inspect(conn).get_columns("audit_log")}
    if "signature" not in columns:
        conn.exec_driver_sql("ALTER TABLE audit_log ADD COLUMN signature VARCHAR(100)")


def _totals_buyer_keys(conn: Connection) -> None:
    """order_month_buyers: each shop-month's buyer pseudonyms beside its totals; filled by
    summing the totals again at the end of the log-in (ORDER_TOTALS_PENDING)."""
    from core.model import OrderMonthBuyers

    Base.metadata.create_all(conn, tables=[OrderMonthBuyers.__table__])  # type: ignore[list-item]
    if conn.scalar(select(FileMeta.key).where(FileMeta.key == ORDER_TOTALS_PENDING)) is None:
        conn.execute(insert(FileMeta).values(key=ORDER_TOTALS_PENDING, value="1"))


MONTH_INDEXES = ("ix_store_month_month", "ix_live_month")


def _month_indexes(conn: Connection) -> None:
    """Month indexes on the monthly overviews and live sessions: the newest month with data,
    asked each time the 达标名单 or a KPI tab opens, is read off the index instead of from
    every row (36,000 overview rows after three years of 1,000 people)."""
    _create_indexes(conn, MONTH_INDEXES)


def _orders_month_first(conn: Connection) -> None:
    """The orders' store-month index becomes month-store (ix_order_month_store): a month's
    import then appends to it instead of inserting into the middle of a shop's years of
    orders. Built once from the rows (a few seconds for three years of ten shops)."""
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_order_store_month")
    _create_indexes(conn, ("ix_order_month_store",))


# Version 1 is the first released schema (created by create_schema); each later step upgrades
# a file one version, e.g. Migration(3, "add employees.nickname", lambda c: c.exec_driver_sql(...)).
MIGRATIONS: list[Migration] = [
    Migration(2, "review cycles and promotion cases", _promotion_tables),
    Migration(3, "fact-table indexes for undo", _undo_indexes),
    Migration(4, "store-month totals of the orders", _order_totals),
    Migration(5, "audit entries signed by their author", _audit_signatures),
    Migration(6, "buyer keys beside the store-month totals", _totals_buyer_keys),
    Migration(7, "month indexes of the monthly facts", _month_indexes),
    Migration(8, "orders indexed month first", _orders_month_first),
]


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
