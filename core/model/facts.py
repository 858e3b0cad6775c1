"""Imported data: import batches and the raw facts they added (store days/months, orders, live sessions).

Every fact row points at the batch that added it, so a batch can be undone exactly. A fact that a
later batch replaced is kept with ``superseded_by`` set (not deleted), so undoing the later batch
brings it back. Only what the metrics need is stored: no buyer names, phones or addresses.
Money is float yuan; rates are never stored, only the counts they are computed from.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from core.model.base import Base, utcnow


# Undo looks up the rows a batch replaced (superseded_by = batch); almost every row has NULL there,
# so the index holds only the replaced ones.
def _replaced_index(name: str) -> Index:
    where = text("superseded_by IS NOT NULL")
    return Index(name, "superseded_by", sqlite_where=where)


class ImportBatch(Base):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(String(32))  # sycm-shop, taobao-orders, ... (docs/cli.md)
    store_id: Mapped[int | None] = mapped_column(
        ForeignKey("stores.id", ondelete="SET NULL"), default=None
    )
    user_login: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    rows: Mapped[int] = mapped_column(default=0)
    imported: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    months: Mapped[list[Any]] = mapped_column(default=list)
    profile: Mapped[str | None] = mapped_column(String(64), default=None)
    undone_at: Mapped[datetime | None] = mapped_column(default=None)
    undone_by: Mapped[str | None] = mapped_column(String(64), default=None)
    # what undo needs beyond deleting the batch's own rows (e.g. roster fields it overwrote)
    undo_data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ImportProfile(Base):
    """A saved column mapping, reused automatically for the same header set."""

    __tablename__ = "import_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(32))
    header_signature: Mapped[str] = mapped_column(String(64), index=True)
    mapping: Mapped[dict[str, Any]] = mapped_column(default=dict)  # field -> column header


class StoreDayFact(Base):
    """One store-day from a daily shop overview (生意参谋 店铺整体_日)."""

    __tablename__ = "store_day_facts"
    __table_args__ = (
        Index("ix_store_day_store_day", "store_id", "day"),
        Index("ix_store_day_batch", "batch_id"),
        _replaced_index("ix_store_day_superseded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    day: Mapped[date]
    month: Mapped[str] = mapped_column(String(7))
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    superseded_by: Mapped[int | None] = mapped_column(default=None)
    gmv: Mapped[float | None] = mapped_column(default=None)  # 支付金额
    visitors: Mapped[int | None] = mapped_column(default=None)  # 访客数
    page_views: Mapped[int | None] = mapped_column(default=None)
    paid_buyers: Mapped[int | None] = mapped_column(default=None)  # 支付买家数
    old_buyers: Mapped[int | None] = mapped_column(default=None)  # 老买家数
    paid_orders: Mapped[int | None] = mapped_column(default=None)


class StoreMonthFact(Base):
    """One store-month: from a monthly overview, aggregated from days, or derived from orders.

    ``source`` says which; a shop overview ("sycm-shop") is authoritative for GMV and traffic of a
    store-month, order-derived rows ("orders") fill in where no overview exists.
    """

    __tablename__ = "store_month_facts"
    __table_args__ = (
        Index("ix_store_month_store_month", "store_id", "month"),
        Index("ix_store_month_month", "month"),  # the newest month, without reading them all
        Index("ix_store_month_batch", "batch_id"),
        _replaced_index("ix_store_month_superseded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))
    source: Mapped[str] = mapped_column(String(16), default="sycm-shop")
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    superseded_by: Mapped[int | None] = mapped_column(default=None)
    gmv: Mapped[float | None] = mapped_column(default=None)
    visitors: Mapped[int | None] = mapped_column(default=None)
    paid_buyers: Mapped[int | None] = mapped_column(default=None)
    old_buyers: Mapped[int | None] = mapped_column(default=None)
    paid_orders: Mapped[int | None] = mapped_column(default=None)


class OrderFact(Base):
    """One (sub-)order from a Taobao or 抖店 order export; only what metrics need."""

    __tablename__ = "order_facts"
    __table_args__ = (
        # Month first: a new month's orders go onto the end of the index, where store first put
        # them into the middle of each shop's run (year three: 32 ms more for a month's import).
        # Every query on it names the month(s): ``month IN (…) AND store_id …`` is a seek each.
        Index("ix_order_month_store", "month", "store_id"),
        Index("ix_order_batch", "batch_id"),
        _replaced_index("ix_order_superseded"),
        # the orders of a live account (抖店 orders through a 直播间), for its month totals
        Index(
            "ix_order_live_month",
            "live_account_id",
            "month",
            sqlite_where=text("live_account_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    order_no: Mapped[str] = mapped_column(String(32))
    sub_order_no: Mapped[str | None] = mapped_column(String(32), default=None)
    month: Mapped[str] = mapped_column(String(7))
    paid_at: Mapped[datetime | None] = mapped_column(default=None)
    amount: Mapped[float] = mapped_column(default=0.0)
    status: Mapped[str] = mapped_column(String(32), default="")
    counted: Mapped[bool] = mapped_column(default=True)  # False for 交易关闭 / 已关闭
    buyer_key: Mapped[str | None] = mapped_column(
        String(32), default=None
    )  # keyed hash, not a name
    live_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("stores.id", ondelete="SET NULL"), default=None
    )
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    superseded_by: Mapped[int | None] = mapped_column(default=None)


class OrderMonthTotal(Base):
    """A store-month's counted orders, summed when they are imported or undone (never read back
    from the orders by the KPIs: three years of a shop's orders are millions of rows).

    ``kind`` "store": the shop's own orders (GMV, distinct buyers, returning buyers); "live": the
    orders attributed to the live account ``store_id`` (GMV only). Only active rows count
    (counted, not superseded, of a batch not undone): core/services/eligibility/order_totals.py
    keeps these rows equal to what the orders say, and ``verify`` checks that they are.
    """

    __tablename__ = "order_month_totals"
    __table_args__ = (Index("ux_order_totals_cell", "kind", "store_id", "month", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))
    gmv_fen: Mapped[int] = mapped_column(default=0)  # Σ amount in whole fen, exact
    orders: Mapped[int] = mapped_column(default=0)
    buyers: Mapped[int] = mapped_column(default=0)  # distinct buyer pseudonyms (store kind)
    # buyers who had a counted order in the same shop in the 12 months before; None when no
    # order of those months is imported (nobody can be told apart as new or returning)
    returning_buyers: Mapped[int | None] = mapped_column(default=None)
    batches: Mapped[list[Any]] = mapped_column(default=list)  # the batches the orders came from


class OrderMonthBuyers(Base):
    """A shop-month's distinct buyer pseudonyms, packed (10 bytes each), kept with its
    OrderMonthTotal so that the returning buyers of the months after are counted without
    reading these orders again. No row when the month has no buyers, or a key is not one of
    Tidui's pseudonyms (its orders are read then). A table of its own: the KPIs scan the
    totals, which stay a few dozen bytes a row."""

    __tablename__ = "order_month_buyers"
    __table_args__ = (Index("ux_order_buyers_cell", "store_id", "month", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    month: Mapped[str] = mapped_column(String(7))
    keys: Mapped[bytes] = mapped_column(LargeBinary)


class LiveSessionFact(Base):
    """One live session of a live account (罗盘 直播间列表)."""

    __tablename__ = "live_session_facts"
    __table_args__ = (
        Index("ix_live_store_month", "store_id", "month"),
        Index("ix_live_month", "month"),
        Index("ix_live_batch", "batch_id"),
        _replaced_index("ix_live_superseded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    month: Mapped[str] = mapped_column(String(7))
    duration_min: Mapped[float | None] = mapped_column(default=None)
    exposures: Mapped[int | None] = mapped_column(default=None)
    viewers: Mapped[int | None] = mapped_column(default=None)
    comments: Mapped[int | None] = mapped_column(default=None)
    likes: Mapped[int | None] = mapped_column(default=None)
    new_fans: Mapped[int | None] = mapped_column(default=None)
    clicks: Mapped[int | None] = mapped_column(default=None)
    orders: Mapped[int | None] = mapped_column(default=None)
    buyers: Mapped[int | None] = mapped_column(default=None)
    gmv: Mapped[float | None] = mapped_column(default=None)
    refunds: Mapped[float | None] = mapped_column(default=None)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    superseded_by: Mapped[int | None] = mapped_column(default=None)


class ManualMetricValue(Base):
    """A monthly metric value entered by hand or from Tidui's metrics template (e.g. retention_30d)."""

    __tablename__ = "manual_metric_values"
    __table_args__ = (
        Index("ix_manual_metric_emp", "employee_id", "metric", "month"),
        Index("ix_manual_metric_batch", "batch_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(64))
    month: Mapped[str] = mapped_column(String(7))
    value: Mapped[float]
    note: Mapped[str] = mapped_column(String(200), default="")
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), default=None
    )
