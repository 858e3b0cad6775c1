"""Turns a parsed store export into fact rows, finds the ones already imported, stores them fast, and takes them back.

Facts are written exactly as core/services/eligibility/metrics.py reads them: 生意参谋 days → StoreDayFact
(month filled in), 生意参谋 months → StoreMonthFact(source "sycm-shop"), 淘宝/抖店 orders →
OrderFact (counted or not, amount, month, paid time, status, a keyed pseudonym of the buyer, the
live account a 抖店 order came through), 罗盘 live sessions → LiveSessionFact on the account.

"Already imported" is decided per fact, on what identifies it: a store-day, a store-month of an
overview, an order (store, order number, sub-order number), a live session (account, start time).
Replacing marks the older rows ``superseded_by`` the new batch instead of deleting them, so
undoing the new batch brings them back exactly.

A month of orders is 100,000 rows: rows are built column by column (no object per row) and
inserted with one prepared statement per chunk, through the dialect's own SQL and value
conversions, so the same code runs on any database SQLAlchemy supports.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    Table,
    bindparam,
    delete,
    insert,
    literal,
    literal_column,
    null,
    select,
    update,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Session

from core.domain import months as mo
from core.importers.table import ParsedTable
from core.model import LiveSessionFact, OrderFact, StoreDayFact, StoreMonthFact
from core.progress import Progress
from core.services.eligibility.order_totals import OrderArrays

FACT_MODELS: tuple[type[Any], ...] = (StoreDayFact, StoreMonthFact, OrderFact, LiveSessionFact)
OVERVIEW_SOURCE = "sycm-shop"  # StoreMonthFact.source of a shop overview (metrics.OVERVIEW_SOURCE)

# What identifies one fact of each table (besides being active: not superseded).
_KEYS: dict[type[Any], tuple[str, ...]] = {
    StoreDayFact: ("store_id", "day"),
    StoreMonthFact: ("store_id", "month"),
    OrderFact: ("store_id", "order_no", "sub_order_no"),
    LiveSessionFact: ("store_id", "started_at"),
}
# The fields each store-export kind stores (or needs to decide whose data it is); other
# recognised columns are not read at all, which keeps a 100,000-row import lean.
STORED_FIELDS: dict[str, frozenset[str]] = {
    "sycm-shop": frozenset(
        {"period", "gmv", "visitors", "page_views", "paid_buyers", "returning_buyers",
         "paid_orders", "store_name"}
    ),
    "taobao-orders": frozenset(
        {"order_id", "paid_amount", "status", "created_at", "paid_at", "buyer", "store_name"}
    ),
    "douyin-orders": frozenset(
        {"order_id", "sub_order_id", "amount", "status", "created_at", "paid_at", "author_name",
         "store_name"}
    ),
    "douyin-live": frozenset(
        {"account_name", "started_at", "ended_at", "duration", "viewers", "exposure", "comments",
         "likes", "new_followers", "product_clicks", "orders", "buyers", "gmv", "refund_amount"}
    ),
}  # fmt: skip
# Rows converted and stored at a time (insert_facts); progress is reported (and a cancel
# noticed) as each is stored.
CHUNK = 5_000
# Rows per INSERT statement (multi-row VALUES), within the dialect's parameter limit: long
# statements let the storing thread run in SQLite long between handovers (insert_facts).
ROWS_PER_STATEMENT = 2_500
# Chunks converted ahead of the one being stored (bounds the memory the parameters take).
AHEAD = 2
# The switch interval while a chunk is stored beside the conversion of the next one.
HANDOVER_S = 0.0005
# One thread stores the chunks, in order; the caller's thread waits for it before using the
# connection again.
_STORING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tidui-store")

Column = list[Any] | np.ndarray


@dataclass
class FactSet:
    """Rows for one fact table, column by column, with the Excel row each came from.

    ``counted`` is False for rows stored only so that they can replace older versions (closed
    orders): they are not imported rows in the user's sense.
    """

    model: type[Any]
    columns: dict[str, Column]
    rows: np.ndarray
    counted: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)

    def take(self, mask: np.ndarray) -> FactSet:
        return FactSet(
            self.model,
            {name: _take(values, mask) for name, values in self.columns.items()},
            self.rows[mask],
            self.counted[mask],
        )

    def keys(self) -> list[tuple[Any, ...]]:
        names = _KEYS[self.model]
        return list(zip(*(_key_values(self.columns[n]) for n in names), strict=True))

    @property
    def months(self) -> list[str]:
        return sorted(set(_as_list(self.columns["month"])))


def _take(values: Column, mask: np.ndarray) -> Column:
    if isinstance(values, np.ndarray):
        return values[mask]
    return [v for v, keep in zip(values, mask, strict=True) if keep]


def _as_list(values: Column) -> list[Any]:
    return values.tolist() if isinstance(values, np.ndarray) else list(values)


def _key_values(values: Column) -> list[Any]:
    """Key parts comparable with what the database hands back (naive datetimes, dates)."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        return [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in values]
    return _as_list(values)


def _naive(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


# --- from parsed frames to columns ------------------------------------------------------------


def _nullable(frame: pd.DataFrame, name: str, n: int) -> list[Any]:
    """A frame column as Python values with None for missing cells (None throughout if absent)."""
    if name not in frame.columns:
        return [None] * n
    series = frame[name]
    if not series.hasnans:
        return series.tolist()
    return series.astype(object).where(series.notna(), None).tolist()


def _datetimes(frame: pd.DataFrame, name: str, n: int) -> np.ndarray:
    if name not in frame.columns:
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    return pd.to_datetime(frame[name]).to_numpy(dtype="datetime64[us]")


def _dates(frame: pd.DataFrame, name: str) -> list[dt.date]:
    return [ts.date() for ts in pd.to_datetime(frame[name])]


def _truncated(texts: pd.Series, width: int) -> list[Any]:
    """Texts cut to the column's width, each distinct text once (statuses: a handful)."""
    codes, distinct = pd.factorize(texts, use_na_sentinel=False)
    cut = np.array([str(text)[:width] for text in distinct.tolist()], dtype=object)
    return cut[codes].tolist()


def _constant(value: Any, n: int) -> list[Any]:
    return [value] * n


def _store_days(frame: pd.DataFrame, store_id: int) -> FactSet:
    n = len(frame)
    return FactSet(
        StoreDayFact,
        {
            "store_id": _constant(store_id, n),
            "day": _dates(frame, "date"),
            "month": frame["month"].tolist(),
            "gmv": _nullable(frame, "gmv", n),
            "visitors": _nullable(frame, "visitors", n),
            "page_views": _nullable(frame, "page_views", n),
            "paid_buyers": _nullable(frame, "paid_buyers", n),
            "old_buyers": _nullable(frame, "returning_buyers", n),
            "paid_orders": _nullable(frame, "paid_orders", n),
        },
        frame["row"].to_numpy(),
        np.ones(n, bool),
    )


def _store_months(frame: pd.DataFrame, store_id: int) -> FactSet:
    n = len(frame)
    return FactSet(
        StoreMonthFact,
        {
            "store_id": _constant(store_id, n),
            "month": frame["month"].tolist(),
            "source": _constant(OVERVIEW_SOURCE, n),
            "gmv": _nullable(frame, "gmv", n),
            "visitors": _nullable(frame, "visitors", n),
            "paid_buyers": _nullable(frame, "paid_buyers", n),
            "old_buyers": _nullable(frame, "returning_buyers", n),
            "paid_orders": _nullable(frame, "paid_orders", n),
        },
        frame["row"].to_numpy(),
        np.ones(n, bool),
    )


def _orders(
    frame: pd.DataFrame,
    store_id: int,
    amount_field: str,
    accounts: Mapping[str, int | None],
    counted: bool,
) -> FactSet:
    n = len(frame)
    amounts = pd.to_numeric(frame[amount_field], errors="coerce").fillna(0.0).astype(float)
    statuses = frame["status"].astype(object).where(frame["status"].notna(), "")
    live: list[Any] = _constant(None, n)
    if accounts and "author_name" in frame.columns:
        lookup = {fold_name(name): store for name, store in accounts.items()}
        live = [
            None if name is None else lookup.get(fold_name(name))
            for name in _nullable(frame, "author_name", n)
        ]
    return FactSet(
        OrderFact,
        {
            "store_id": _constant(store_id, n),
            "order_no": frame["order_id"].tolist(),
            "sub_order_no": _nullable(frame, "sub_order_id", n),
            "month": frame["month"].tolist(),
            "paid_at": _datetimes(frame, "paid_at", n),
            "amount": amounts.to_numpy(),
            "status": _truncated(statuses, 32),
            "counted": _constant(counted, n),
            "buyer_key": _nullable(frame, "buyer", n),
            "live_account_id": live,
        },
        frame["row"].to_numpy(),
        np.full(n, counted),
    )


def order_arrays(orders: FactSet) -> OrderArrays:
    """The columns of an order FactSet that the store-month totals are summed from."""
    c = orders.columns
    return OrderArrays(
        store_ids=c["store_id"],
        months=c["month"],
        amounts=np.asarray(c["amount"], dtype=np.float64),
        counted=np.asarray(c["counted"], dtype=bool),
        buyer_keys=c["buyer_key"],
        live_account_ids=c["live_account_id"],
    )


def _live_sessions(frame: pd.DataFrame, accounts: Mapping[str, int | None]) -> FactSet:
    lookup = {fold_name(name): store for name, store in accounts.items()}
    store_ids = [lookup.get(fold_name(str(name))) for name in frame["account_name"].tolist()]
    assigned = np.array([s is not None for s in store_ids], dtype=bool)
    frame = frame[assigned]
    n = len(frame)
    duration = (
        pd.to_numeric(frame["duration"], errors="coerce") / 60.0 if "duration" in frame else None
    )
    return FactSet(
        LiveSessionFact,
        {
            "store_id": [s for s in store_ids if s is not None],
            "started_at": [ts.to_pydatetime() for ts in pd.to_datetime(frame["started_at"])],
            "ended_at": [
                None if pd.isna(ts) else ts.to_pydatetime()
                for ts in pd.to_datetime(frame["ended_at"])
            ]
            if "ended_at" in frame
            else _constant(None, n),
            "month": frame["month"].tolist(),
            "duration_min": _constant(None, n)
            if duration is None
            else duration.astype(object).where(duration.notna(), None).tolist(),
            "exposures": _nullable(frame, "exposure", n),
            "viewers": _nullable(frame, "viewers", n),
            "comments": _nullable(frame, "comments", n),
            "likes": _nullable(frame, "likes", n),
            "new_fans": _nullable(frame, "new_followers", n),
            "clicks": _nullable(frame, "product_clicks", n),
            "orders": _nullable(frame, "orders", n),
            "buyers": _nullable(frame, "buyers", n),
            "gmv": _nullable(frame, "gmv", n),
            "refunds": _nullable(frame, "refund_amount", n),
        },
        frame["row"].to_numpy(),
        np.ones(n, bool),
    )


def fold_name(name: str) -> str:
    from core.services.imports.owners import fold

    return fold(name)


def _also_counted(closed: pd.DataFrame, counted: pd.DataFrame) -> np.ndarray:
    """Closed lines whose order (and sub-order) also has a counted line in the file: the
    counted one stands (two lines, two statuses). Vectorised on the order number first."""
    shared = closed["order_id"].isin(counted["order_id"]).to_numpy(copy=True)
    if not shared.any() or "sub_order_id" not in closed.columns:
        return shared
    pairs = set(zip(counted["order_id"].tolist(), counted["sub_order_id"].tolist(), strict=True))
    for position in np.flatnonzero(shared):
        key = (closed["order_id"].iat[position], closed["sub_order_id"].iat[position])
        shared[position] = key in pairs
    return shared


def fact_sets(
    table: ParsedTable, store_id: int | None, accounts: Mapping[str, int | None]
) -> list[FactSet]:
    """The facts a parsed store export adds; ``accounts`` maps account names to live-account ids.

    Live sessions of accounts mapped to None are left out (the caller reports them as skipped);
    抖店 orders of such 达人 are kept without a live account.
    """
    frame = table.valid_frame
    kind = table.kind
    if kind == "sycm-shop":
        assert store_id is not None
        if frame.empty:
            return []
        return [
            _store_days(frame, store_id) if table.grain == "day" else _store_months(frame, store_id)
        ]
    if kind in ("taobao-orders", "douyin-orders"):
        assert store_id is not None
        amount = "paid_amount" if kind == "taobao-orders" else "amount"
        found = [_orders(frame, store_id, amount, accounts, True)]
        if table.uncounted is not None:
            closed = _orders(table.uncounted, store_id, amount, accounts, False)
            found.append(closed.take(~_also_counted(table.uncounted, frame)))
        return [f for f in found if len(f)]
    if kind == "douyin-live":
        sessions = _live_sessions(frame, accounts)
        return [sessions] if len(sessions) else []
    raise ValueError(kind)  # template kinds go through archive_import


# --- what is already there --------------------------------------------------------------------


@dataclass
class Overlap:
    """Facts of a FactSet that are already in the file (active rows of earlier batches)."""

    mask: np.ndarray  # per fact: True = already imported
    existing_ids: list[int]  # ids of the active rows with the same keys
    batches: Counter[int] = field(default_factory=Counter)  # earlier batch -> facts overlapped
    # the shop overview's other form of the same store-months (daily rows of a month a monthly
    # overview holds, or the other way round): what replacing them also supersedes
    covered_model: type[Any] | None = None
    covered_ids: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return int(self.mask.sum())


class StoredKeys:
    """The keys of the stored facts that ``find_overlap`` compares an import with, read once
    per fact table, shops and months for all the fact sets of one import (an order export's
    paid and closed orders look at the same months: month 37 of a three-year file read the
    neighbouring months' 10,000 orders twice). ``forget`` the rows an import replaces."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._read: dict[tuple[Any, ...], dict[tuple[Any, ...], tuple[int, int]]] = {}
        self._numbers: dict[tuple[Any, ...], set[str]] = {}

    def order_numbers(self, stores: Sequence[int], months: Sequence[str]) -> set[str]:
        """The order numbers of the active orders of ``stores`` in ``months``: one column, read
        before the whole keys, which are read only when one of them is the import's (month 37
        of a three-year file: 10,000 numbers of the month before, none of them new ones)."""
        wanted = (tuple(stores), tuple(months))
        if wanted not in self._numbers:
            query = select(OrderFact.order_no).where(
                OrderFact.superseded_by.is_(None),
                OrderFact.store_id.in_(stores),
                OrderFact.month.in_(months),
            )
            self._numbers[wanted] = set(self.session.scalars(query))
        return self._numbers[wanted]

    def of(
        self, model: type[Any], stores: Sequence[int], months: Sequence[str]
    ) -> dict[tuple[Any, ...], tuple[int, int]]:
        """key → (id, batch) of the active facts of ``model`` in ``stores`` and ``months``."""
        wanted = (model, tuple(stores), tuple(months))
        if wanted not in self._read:
            names = _KEYS[model]
            query = select(model.id, model.batch_id, *(getattr(model, n) for n in names)).where(
                model.superseded_by.is_(None), model.store_id.in_(stores), model.month.in_(months)
            )
            if model is StoreMonthFact:
                query = query.where(StoreMonthFact.source == OVERVIEW_SOURCE)
            existing: dict[tuple[Any, ...], tuple[int, int]] = {}
            dated = model is LiveSessionFact  # the only key with a time of day (tz-aware)
            for row in self.session.execute(query):
                key = tuple(_naive(v) for v in row[2:]) if dated else tuple(row[2:])
                existing[key] = (row[0], row[1])
            self._read[wanted] = existing
        return self._read[wanted]

    def forget(self, model: type[Any], ids: Sequence[int]) -> None:
        """The rows ``ids`` of ``model`` were replaced: they are no longer what is stored."""
        gone = set(ids)
        for (table, *_), existing in self._read.items():
            if table is model and gone:
                for key in [k for k, (row_id, _b) in existing.items() if row_id in gone]:
                    del existing[key]


def find_overlap(session: Session, facts: FactSet, stored: StoredKeys | None = None) -> Overlap:
    """Which of ``facts`` are already stored (same key, not superseded); ``stored`` shares the
    stored keys between the fact sets of one import."""
    model = facts.model
    months = facts.months
    stores = sorted(set(_as_list(facts.columns["store_id"])))
    # Orders near a month's edge may have been given the neighbouring month by another export
    # (payment vs creation time): look one month either side.
    if model is OrderFact and months:
        months = mo.range(mo.add(months[0], -1), mo.add(months[-1], 1))
    names = _KEYS[model]
    stored = stored or StoredKeys(session)
    mask = np.zeros(len(facts), bool)
    ids: list[int] = []
    batches: Counter[int] = Counter()
    candidates: Sequence[int] = range(len(facts))
    if model is OrderFact:
        candidates = _candidates(facts, stored.order_numbers(stores, months))
        if not candidates:
            return Overlap(mask, ids, batches)
    existing = stored.of(model, stores, months)
    if existing:
        parts = [_key_values(facts.columns[n]) for n in names]
        for position in candidates:
            found = existing.get(tuple(part[position] for part in parts))
            if found is not None:
                mask[position] = True
                ids.append(found[0])
                batches[found[1]] += 1
    other = _OTHER_OVERVIEW.get(model)
    if other is None:
        return Overlap(mask, ids, batches)
    covered = _overview_cells(stored.of(other, stores, months), other)
    covered_ids: set[int] = set()
    if covered:
        store_ids = _key_values(facts.columns["store_id"])
        fact_months = _key_values(facts.columns["month"])
        for position in range(len(facts)):
            cell = covered.get((store_ids[position], fact_months[position]))
            if cell is None or mask[position]:
                continue
            mask[position] = True
            covered_ids.update(row_id for row_id, _batch in cell)
            batches[cell[0][1]] += 1
    return Overlap(mask, ids, batches, other, sorted(covered_ids))


# A store-month of the shop overview is stored either as one monthly row or as its daily rows;
# an import of one form over the other is an overlap like any other (skip, replace or cancel).
_OTHER_OVERVIEW: dict[type[Any], type[Any]] = {
    StoreDayFact: StoreMonthFact,
    StoreMonthFact: StoreDayFact,
}


def _overview_cells(
    existing: Mapping[tuple[Any, ...], tuple[int, int]], model: type[Any]
) -> dict[tuple[Any, str], list[tuple[int, int]]]:
    """(store, month) → the stored (id, batch) rows of ``model`` in it, newest batch first."""
    cells: dict[tuple[Any, str], list[tuple[int, int]]] = defaultdict(list)
    for key, found in existing.items():
        if model is StoreDayFact:
            store_id, day = key
            month = f"{day.year:04d}-{day.month:02d}"
        else:
            store_id, month = key
        cells[(store_id, month)].append(found)
    for rows in cells.values():
        rows.sort(key=lambda r: -r[1])
    return dict(cells)


def _candidates(facts: FactSet, known: set[str]) -> list[int]:
    """The positions of the orders ``facts`` whose order number is among ``known`` (month 37's
    100,000 orders against the 10,000 of the month before, of which a few at most are the
    same; compared in C)."""
    if not known:
        return []
    numbers = pd.Series(_as_list(facts.columns["order_no"]), dtype=object)
    return np.flatnonzero(numbers.isin(known).to_numpy()).tolist()


def supersede(session: Session, model: type[Any], ids: Sequence[int], batch_id: int) -> None:
    for start in range(0, len(ids), 500):
        session.execute(
            update(model)
            .where(model.id.in_(ids[start : start + 500]))
            .values(superseded_by=batch_id)
            .execution_options(synchronize_session=False)
        )


# --- storing ---------------------------------------------------------------------------------


_FAST_DATETIMES: dict[tuple[str, str], bool] = {}


def _fast_datetimes(dialect: Dialect, column_type: Any) -> bool:
    """Whether numpy's ISO text (T replaced by a space) is exactly what the dialect stores.

    Checked on a sample against the dialect's own conversion, so a dialect or SQLAlchemy
    version that stores date-times differently falls back to converting value by value.
    """
    key = (dialect.name, type(column_type).__name__)
    if key not in _FAST_DATETIMES:
        processor = column_type.dialect_impl(dialect).bind_processor(dialect)
        sample = dt.datetime(2024, 6, 9, 21, 5, 7, 123456)
        fast = _datetime_texts(np.array([sample], dtype="datetime64[us]"))[0]
        _FAST_DATETIMES[key] = processor is not None and processor(sample) == fast
    return _FAST_DATETIMES[key]


def _datetime_texts(values: np.ndarray) -> list[str | None]:
    fast = _composed_texts(values)
    if fast is not None:
        return fast
    iso = np.datetime_as_string(values, unit="us")
    if iso.dtype == np.dtype("<U26"):
        # "2024-06-09T21:05:07.123456": put the space in place of the T, in place, in C
        iso.view(np.uint32).reshape(len(iso), 26)[:, 10] = ord(" ")
    else:  # years beyond 9999 or before 0 (never imported, but stay exact)
        iso = np.char.replace(iso, "T", " ")
    texts: list[str | None] = iso.tolist()
    missing = np.isnat(values)
    if missing.any():
        for position in np.flatnonzero(missing).tolist():
            texts[position] = None
    return texts


# Characters of "YYYY-MM-DD hh:mm:ss.ffffff" as numpy stores them (one uint32 per character).
_TEXT_WIDTH = 26
_TIME_DIGITS = (  # (first column, digits, microseconds per unit) of hh, mm, ss and ffffff
    (11, 2, 3_600_000_000),
    (14, 2, 60_000_000),
    (17, 2, 1_000_000),
    (20, 6, 1),
)


def _composed_texts(values: np.ndarray) -> list[str | None] | None:
    """The texts of ``_datetime_texts`` built from integers: numpy's datetime_as_string costs
    60 ms for a month of orders, yet such a month has only about 31 distinct days. Each day
    is written once, the time of day digit by digit in whole-column arithmetic. None when a
    year is outside 0-9999 (the texts would not be 26 characters)."""
    n = len(values)
    missing = np.isnat(values)
    if n == 0 or missing.all():
        return None
    moments = values.astype("datetime64[us]")
    filled = np.where(missing, moments[~missing][0], moments)
    days = filled.astype("datetime64[D]")
    unique_days, inverse = np.unique(days, return_inverse=True)
    day_texts = np.datetime_as_string(unique_days, unit="D")
    if day_texts.dtype.itemsize < 10 * 4 or (np.char.str_len(day_texts) != 10).any():
        return None
    codes = np.empty((n, _TEXT_WIDTH), dtype=np.uint32)
    codes[:, :10] = day_texts.astype("<U10").view(np.uint32).reshape(-1, 10)[inverse.ravel()]
    codes[:, 10] = ord(" ")
    codes[:, 13] = codes[:, 16] = ord(":")
    codes[:, 19] = ord(".")
    rest = (filled - days).astype(np.int64)  # microseconds into the day, 0 to 86,399,999,999
    for first, digits, unit in _TIME_DIGITS:
        part, rest = np.divmod(rest, unit)
        for k in range(digits - 1, -1, -1):
            part, digit = np.divmod(part, 10)
            codes[:, first + k] = digit + ord("0")
    texts: list[str | None] = codes.view(f"<U{_TEXT_WIDTH}").ravel().tolist()
    if missing.any():
        for position in np.flatnonzero(missing).tolist():
            texts[position] = None
    return texts


def _encode(values: Column, column: Any, dialect: Dialect) -> list[Any]:
    """One column's values as the DB-API expects them, converted as SQLAlchemy would."""
    processor: Callable[[Any], Any] | None = column.type.dialect_impl(dialect).bind_processor(
        dialect
    )
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        if _fast_datetimes(dialect, column.type):
            return _datetime_texts(values.astype("datetime64[us]"))
        values = [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in values]
    elif isinstance(values, np.ndarray):
        values = values.tolist()
    if processor is None:
        return list(values)
    return [None if v is None else processor(v) for v in values]


def _constant_value(values: Column) -> tuple[bool, Any]:
    """(True, value) when every value of the column is the same int, str, bool or None."""
    if len(values) == 0:
        return False, None
    if isinstance(values, np.ndarray):
        if values.dtype.kind in "Mfc":
            return False, None
        items: list[Any] = values.tolist()
    else:
        items = values
    first = items[0]
    if first is not None and type(first) not in (int, str, bool):
        return False, None
    # list.count compares in C: a cheap way to see a 100,000-row column is all alike
    return items.count(first) == len(items), first


def _literal(value: Any, column: Any, dialect: Dialect) -> Any:
    """A constant rendered into the statement by the dialect itself (quoting included)."""
    if value is None:
        return null()
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    if processor is not None:
        value = processor(value)
    text = literal(value).compile(dialect=dialect, compile_kwargs={"literal_binds": True}).string
    return literal_column(text)


def _rows_per_statement(dialect: Dialect, varying: int) -> int:
    """Rows one INSERT carries: as many as the dialect's parameter limit allows, up to
    ROWS_PER_STATEMENT."""
    if varying == 0 or not getattr(dialect, "supports_multivalues_insert", False):
        return 1
    limit = int(getattr(dialect, "insertmanyvalues_max_parameters", 999) or 999)
    return max(1, min(ROWS_PER_STATEMENT, limit // varying))


def insert_facts(
    connection: Connection,
    facts: FactSet,
    batch_id: int,
    progress: Progress,
    report: Callable[[int], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> None:
    """Insert every fact of ``facts`` for ``batch_id`` in chunks (progress and cancel between them).

    ``meanwhile`` is work of the caller's that needs neither the connection nor these rows
    in the database. It runs once on this thread, while the last chunks are stored where
    they are stored on the other thread, otherwise after them; not when storing fails.

    Columns with one value for every row (the store, the batch, a NULL) are written into the
    statement instead of being bound row by row: measured, that makes SQLite's executemany
    about three times faster on a month of orders. Each statement then carries many rows
    (``INSERT … VALUES (…), (…), …``), which saves the per-statement work of the driver and
    the database: a month of orders stores about a quarter faster than one row per statement.
    """
    left = [meanwhile] if meanwhile is not None else []

    def run_meanwhile() -> None:
        while left:
            left.pop()()

    _insert_facts(connection, facts, batch_id, progress, report, run_meanwhile)
    run_meanwhile()  # stored on this thread alone (or nothing to store): not run yet


def _insert_facts(
    connection: Connection,
    facts: FactSet,
    batch_id: int,
    progress: Progress,
    report: Callable[[int], None] | None,
    meanwhile: Callable[[], None],
) -> None:
    n = len(facts)
    if n == 0:
        return
    table: Table = facts.model.__table__
    dialect = connection.dialect
    values: dict[str, Column] = {
        **facts.columns,
        "batch_id": [batch_id] * n,
        "superseded_by": [None] * n,
    }
    clauses: dict[str, Any] = {}
    varying: list[str] = []
    for column in table.columns:
        if column.name not in values:
            continue
        same, value = _constant_value(values[column.name])
        if same:
            clauses[column.name] = _literal(value, column, dialect)
        else:
            varying.append(column.name)
    per_statement = _rows_per_statement(dialect, len(varying))
    single = _compiled_insert(table, clauses, varying, 1, dialect)
    if single is None:  # not a positional dialect: named parameters, one row per statement
        _insert_named(connection, table, clauses, varying, values, n, progress, report)
        return
    many = _compiled_insert(table, clauses, varying, per_statement, dialect)
    if many is None:
        many, per_statement = single, 1
    width = len(varying)
    if width == 0:  # every column constant: one row per fact all the same
        for start in range(0, n, CHUNK):
            stop = min(start + CHUNK, n)
            connection.exec_driver_sql(single, [()] * (stop - start))
            _report(progress, report, stop, n)
        return
    columns = [(values[name], table.c[name]) for name in varying]

    def chunk(start: int, stop: int) -> list[tuple[str, list[tuple[Any, ...]]]]:
        """The statements storing rows ``start:stop``, each with its rows' parameters."""
        count = stop - start
        # All parameters of the chunk row by row in one flat list, filled column by column
        # with slice assignments (no tuple per row); each statement takes a slice of it.
        flat: list[Any] = [None] * (count * width)
        for position, (column_values, column) in enumerate(columns):
            flat[position::width] = _encode(column_values[start:stop], column, dialect)
        full = count // per_statement * per_statement
        step = per_statement * width
        calls = []
        if full:
            calls.append(
                (many, [tuple(flat[at : at + step]) for at in range(0, full * width, step)])
            )
        if full < count:
            rest = flat[full * width :]
            calls.append(
                (single, [tuple(rest[at : at + width]) for at in range(0, len(rest), width)])
            )
        return calls

    failed = threading.Event()

    def store(calls: list[tuple[str, list[tuple[Any, ...]]]]) -> None:
        if failed.is_set():  # an earlier chunk failed: the transaction is rolled back anyway
            return
        try:
            for sql, params in calls:
                connection.exec_driver_sql(sql, params)
        except BaseException:
            failed.set()
            raise

    # One thread stores the chunks in order while this one converts the next (SQLite lets
    # Python run while it stores; the statements are long, so the two hand the interpreter
    # over seldom), then does the caller's ``meanwhile`` work; progress (and a cancel) is
    # noticed here, as each chunk is stored.
    queued: list[tuple[int, Future[None]]] = []

    def settle(keep: int) -> None:
        """Wait for the oldest chunks until ``keep`` are left in flight, reporting each."""
        while len(queued) > keep:
            stop, stored = queued.pop(0)
            stored.result()
            _report(progress, report, stop, n)

    try:
        with _quick_handover():
            for start in range(0, n, CHUNK):
                stop = min(start + CHUNK, n)
                queued.append((stop, _STORING.submit(store, chunk(start, stop))))
                settle(AHEAD)
            meanwhile()
            settle(0)
    finally:
        # never leave the connection in use by the other thread
        failed.set()
        wait([stored for _, stored in queued])


def _report(
    progress: Progress, report: Callable[[int], None] | None, done: int, total: int
) -> None:
    if report is not None:
        report(done)
    else:
        progress.step(done, total)


@contextmanager
def _quick_handover() -> Iterator[None]:
    """A shorter switch interval while two threads share the work: the storing thread, back
    from SQLite, gets the interpreter within half a millisecond instead of five."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, HANDOVER_S))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _compiled_insert(
    table: Table, clauses: Mapping[str, Any], varying: Sequence[str], rows: int, dialect: Dialect
) -> str | None:
    """The SQL of an INSERT of ``rows`` rows whose parameters come row by row, each row's in
    the order of ``varying``; None when the dialect's placeholders are not positional.

    SQLAlchemy compiles one and two rows; when the second row is the first row's VALUES
    group repeated, the rest are repeated the same way (compiling 100 rows costs more than
    storing them).
    """
    one = _compile_rows(table, clauses, varying, 1, dialect)
    if one is None or rows == 1:
        return one
    _, separator, group = one.partition(" VALUES ")
    if separator and _compile_rows(table, clauses, varying, 2, dialect) == f"{one}, {group}":
        return one + f", {group}" * (rows - 1)
    return _compile_rows(table, clauses, varying, rows, dialect)


def _compile_rows(
    table: Table, clauses: Mapping[str, Any], varying: Sequence[str], rows: int, dialect: Dialect
) -> str | None:
    names: list[dict[str, Any]] = [
        {name: bindparam(f"{name}_r{row}") for name in varying} for row in range(rows)
    ]
    statement = insert(table)
    if rows == 1:
        statement = statement.values({**clauses, **names[0]})
    else:
        statement = statement.values([{**clauses, **row} for row in names])
    compiled = statement.compile(dialect=dialect)
    expected = [f"{name}_r{row}" for row in range(rows) for name in varying]
    if not compiled.positional or list(compiled.positiontup or ()) != expected:
        return None
    return compiled.string


def _insert_named(
    connection: Connection,
    table: Table,
    clauses: Mapping[str, Any],
    varying: Sequence[str],
    values: Mapping[str, Column],
    n: int,
    progress: Progress,
    report: Callable[[int], None] | None,
) -> None:
    """One row per statement with named parameters (dialects with pyformat/named placeholders)."""
    dialect = connection.dialect
    statement = insert(table).values({**clauses, **{name: bindparam(name) for name in varying}})
    sql = statement.compile(dialect=dialect).string
    encoded = [_encode(values[name], table.c[name], dialect) for name in varying]
    for start in range(0, n, CHUNK):
        stop = min(start + CHUNK, n)
        rows = zip(*(column[start:stop] for column in encoded), strict=True)
        params = [dict(zip(varying, row, strict=True)) for row in rows]
        connection.exec_driver_sql(sql, params if varying else [{}] * (stop - start))
        if report is not None:
            report(stop)
        else:
            progress.step(stop, n)


# --- undo ------------------------------------------------------------------------------------


def superseding_batches(session: Session, batch_id: int) -> set[int]:
    """Later batches that replaced some of ``batch_id``'s facts (they must be undone first)."""
    found: set[int] = set()
    for model in FACT_MODELS:
        found.update(
            session.scalars(
                select(model.superseded_by)
                .where(model.batch_id == batch_id, model.superseded_by.is_not(None))
                .distinct()
            )
        )
    return found


def undo_facts(session: Session, batch_id: int) -> tuple[int, int]:
    """Delete the batch's facts and reinstate those it had replaced: (removed, restored)."""
    removed = restored = 0
    for model in FACT_MODELS:
        result = session.execute(
            delete(model)
            .where(model.batch_id == batch_id)
            .execution_options(synchronize_session=False)
        )
        removed += int(getattr(result, "rowcount", 0) or 0)
        result = session.execute(
            update(model)
            .where(model.superseded_by == batch_id)
            .values(superseded_by=None)
            .execution_options(synchronize_session=False)
        )
        restored += int(getattr(result, "rowcount", 0) or 0)
    return removed, restored
