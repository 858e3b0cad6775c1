"""Monthly totals of a parsed table, the figures a user compares with the platform's back-end before importing.

Per month: GMV, visitors and buyers where the kind has them, plus the number of rows and, for
order exports, distinct orders, and for live lists, sessions. Sums skip empty cells; a figure
no row has stays None (shown as "—"), never 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from core.domain import months as mo
from core.importers.table import ParsedTable

# Per kind: the frame column for GMV, visitors, buyers (summed) and what "orders" counts.
_GMV = {
    "sycm-shop": "gmv",
    "taobao-orders": "paid_amount",
    "douyin-orders": "amount",
    "douyin-live": "gmv",
}
_VISITORS = {"sycm-shop": "visitors", "douyin-live": "viewers"}
_SUMMED_BUYERS = {"sycm-shop": "paid_buyers", "douyin-live": "buyers"}
_DISTINCT_BUYERS = {"taobao-orders": "buyer"}
_SUMMED_ORDERS = {"sycm-shop": "paid_orders", "douyin-live": "orders"}
_DISTINCT_ORDERS = {"taobao-orders": "order_id", "douyin-orders": "order_id"}


@dataclass(frozen=True)
class MonthTotals:
    month: str
    rows: int
    gmv: float | None = None
    visitors: int | None = None
    buyers: int | None = None
    orders: int | None = None
    sessions: int | None = None  # live sessions (罗盘 lists)
    # orders whose payments stop before the month's last week (e.g. the few orders of a June
    # export paid on 1 July): the month is only partly in the file
    partial: bool = False


def _sum(frame: pd.DataFrame, column: str | None) -> float | None:
    if column is None or column not in frame.columns:
        return None
    values = pd.to_numeric(frame[column], errors="coerce")
    if values.notna().sum() == 0:
        return None
    total = float(values.sum())
    return total if math.isfinite(total) else None


def _count(value: float | None) -> int | None:
    return None if value is None else round(value)


def _distinct(frame: pd.DataFrame, column: str | None) -> int | None:
    if column is None or column not in frame.columns:
        return None
    return int(frame[column].nunique(dropna=True))


def monthly_totals(table: ParsedTable) -> list[MonthTotals]:
    """The valid rows' totals per calendar month, oldest first (empty for kinds without months)."""
    frame = table.valid_frame
    if "month" not in frame.columns or frame.empty:
        return []
    kind = table.kind
    dated = _DATED.get(kind)
    found: list[MonthTotals] = []
    for month, rows in frame.groupby("month", sort=True):
        gmv = _sum(rows, _GMV.get(kind))
        found.append(
            MonthTotals(
                month=str(month),
                rows=len(rows),
                gmv=None if gmv is None else round(gmv, 2),
                visitors=_count(_sum(rows, _VISITORS.get(kind))),
                buyers=_count(_sum(rows, _SUMMED_BUYERS.get(kind)))
                if kind in _SUMMED_BUYERS
                else _distinct(rows, _DISTINCT_BUYERS.get(kind)),
                orders=_count(_sum(rows, _SUMMED_ORDERS.get(kind)))
                if kind in _SUMMED_ORDERS
                else _distinct(rows, _DISTINCT_ORDERS.get(kind)),
                sessions=len(rows) if kind == "douyin-live" else None,
                partial=_ends_early(rows, dated),
            )
        )
    return found


# Order exports: the moment that decides an order's month (as the import does: paid, else created).
_DATED = {"taobao-orders": ("paid_at", "created_at"), "douyin-orders": ("paid_at", "created_at")}


def _ends_early(rows: pd.DataFrame, columns: tuple[str, ...] | None) -> bool:
    """Whether a month's rows stop before its last week (see months.COMPLETE_FROM_DAY)."""
    if not columns:
        return False
    moments = None
    for column in columns:
        if column in rows.columns:
            values = pd.to_datetime(rows[column], errors="coerce")
            moments = values if moments is None else moments.fillna(values)
    if moments is None or moments.notna().sum() == 0:
        return False
    return int(moments.max().day) < mo.COMPLETE_FROM_DAY
