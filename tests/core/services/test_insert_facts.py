"""Storing an import's rows: one thread stores chunks while the caller's thread converts the
next; with chunks of a few rows each, a sample export walks every path of that hand-over.

What a user would notice: the rows stored are the rows of the file, in its order; the progress
bar climbs to the end; a cancel or a failure while storing leaves the file as it was; and the
interpreter's switch interval is the same afterwards.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from core.model import ImportBatch, OrderFact, StoreMonthFact
from core.progress import Cancelled, Progress
from core.services.eligibility import order_totals
from core.services.imports import engine as imports
from core.services.imports import facts
from core.session import AppSession
from tests.core.services.import_support import TAOBAO, snapshot, with_people


@pytest.fixture
def demo(company_beauty: AppSession) -> AppSession:
    return with_people(company_beauty)


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 7 rows, statements of 3: the sample (about 60 orders) takes many of each,
    with a remainder in both."""
    monkeypatch.setattr(facts, "CHUNK", 7)
    monkeypatch.setattr(facts, "ROWS_PER_STATEMENT", 3)


def _orders(app: AppSession) -> list[tuple[Any, ...]]:
    """Each order, its buyer shown as the order in which that buyer first appears
    (the keys themselves are salted per company file)."""
    buyers: dict[str, int] = {}
    with app.read() as s:
        return [
            (no, month, amount, buyers.setdefault(key, len(buyers)), counted)
            for no, month, amount, key, counted in s.execute(
                select(
                    OrderFact.order_no,
                    OrderFact.month,
                    OrderFact.amount,
                    OrderFact.buyer_key,
                    OrderFact.counted,
                ).order_by(OrderFact.id)
            )
        ]


def _months(app: AppSession) -> list[tuple[Any, ...]]:
    with app.read() as s:
        return [
            tuple(row)
            for row in s.execute(
                select(
                    StoreMonthFact.month, StoreMonthFact.gmv, StoreMonthFact.paid_orders
                ).order_by(StoreMonthFact.month)
            )
        ]


def test_small_chunks_store_the_same_rows_in_the_same_order(
    demo: AppSession, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import make_company

    (tmp_path / "whole").mkdir()
    other, _ = make_company(tmp_path / "whole", "beauty")
    try:
        with_people(other)
        imports.import_file(other, TAOBAO)  # one chunk, long statements
        whole, whole_months = _orders(other), _months(other)
    finally:
        other.close(backup=False)
    monkeypatch.setattr(facts, "CHUNK", 7)
    monkeypatch.setattr(facts, "ROWS_PER_STATEMENT", 3)
    result = imports.import_file(demo, TAOBAO)
    assert len(whole) == result.imported + result.skipped > 7 * 4
    assert _orders(demo) == whole
    assert _months(demo) == whole_months  # the totals summed while storing match


@pytest.mark.usefixtures("small_chunks")
def test_progress_climbs_chunk_by_chunk_to_every_row(demo: AppSession) -> None:
    storing: list[tuple[int, int]] = []

    def on_step(done: int, total: int, note: object) -> None:
        if getattr(note, "code", "") == "imports.progress.storing_rows":
            storing.append((note.params["done"], note.params["total"]))  # type: ignore[attr-defined]

    result = imports.import_file(demo, TAOBAO, progress=Progress(on_step))
    rows = result.imported + result.skipped
    done = [d for d, _ in storing]
    assert done == sorted(done) and done[-1] == rows
    assert done[:3] == [7, 14, 21]  # each chunk is reported, in order
    assert {t for _, t in storing} == {rows}


@pytest.mark.usefixtures("small_chunks")
def test_a_cancel_in_the_middle_of_storing_leaves_nothing(demo: AppSession) -> None:
    before = snapshot(demo)
    progress: Progress
    interval = sys.getswitchinterval()

    def on_step(done: int, total: int, note: object) -> None:
        storing = getattr(note, "code", "") == "imports.progress.storing_rows"
        if storing and getattr(note, "params", {})["done"] >= 21:
            progress.cancel()

    progress = Progress(on_step)
    with pytest.raises(Cancelled):
        imports.import_file(demo, TAOBAO, progress=progress)
    assert snapshot(demo) == before
    assert sys.getswitchinterval() == interval
    # the file is usable at once: the same export imports completely
    result = imports.import_file(demo, TAOBAO)
    assert len(_orders(demo)) == result.imported + result.skipped


@pytest.mark.usefixtures("small_chunks")
def test_a_chunk_that_fails_to_store_stops_the_rest_and_the_import_fails_whole(
    demo: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(demo)
    with demo.read() as s:
        batches = s.scalar(select(func.count(ImportBatch.id)))
    interval = sys.getswitchinterval()
    real = Connection.exec_driver_sql
    inserts: list[str] = []

    def flaky(self: Connection, statement: str, *args: Any, **kwargs: Any) -> Any:
        if statement.startswith("INSERT INTO order_facts"):
            inserts.append(threading.current_thread().name)
            if len(inserts) == 5:
                raise RuntimeError("disk went away")
        return real(self, statement, *args, **kwargs)

    monkeypatch.setattr(Connection, "exec_driver_sql", flaky)
    with pytest.raises(RuntimeError, match="disk went away"):
        imports.import_file(demo, TAOBAO)
    monkeypatch.undo()
    # stored by the other thread; nothing after the failure was attempted
    assert all(name.startswith("tidui-store") for name in inserts)
    assert len(inserts) == 5
    assert snapshot(demo) == before
    assert sys.getswitchinterval() == interval
    with demo.read() as s:
        assert s.scalar(select(func.count(ImportBatch.id))) == batches  # no batch left behind


def test_the_new_months_totals_are_summed_on_the_callers_thread_while_storing(
    demo: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = order_totals.fresh_orders
    seen: list[tuple[str, float]] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append((threading.current_thread().name, sys.getswitchinterval()))
        return real(*args, **kwargs)

    monkeypatch.setattr(order_totals, "fresh_orders", spy)
    imports.import_file(demo, TAOBAO)
    assert len(seen) == 1
    name, interval = seen[0]
    assert name == threading.current_thread().name
    assert interval == pytest.approx(facts.HANDOVER_S)  # inside the storing, not after it


def test_the_callers_work_runs_once_whether_or_not_there_is_anything_to_store(
    demo: AppSession,
) -> None:
    import numpy as np

    calls: list[str] = []
    empty = facts.FactSet(OrderFact, {}, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool))
    with demo.uow() as uow:
        connection = uow.session.connection()
        facts.insert_facts(connection, empty, 1, Progress(), meanwhile=lambda: calls.append("x"))
    assert calls == ["x"]
