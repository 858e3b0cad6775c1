"""The orders' store-month totals the KPIs read stay equal to the orders: through imports,
replacements and undo, after a migration from a file without them, and ``verify`` says so
when something outside Tidui changed the orders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text, update

from core.model import OrderFact
from core.services.admin.maintenance import verify
from core.services.eligibility import metrics as kpi
from core.services.eligibility import order_totals
from core.services.imports import engine as imports
from core.session import AppSession
from tests.conftest import as_older_schema
from tests.core.services.import_support import DOUYIN, LIVE, TAOBAO, with_people


@pytest.fixture
def demo(company_beauty: AppSession) -> AppSession:
    return with_people(company_beauty)


def _in_step(app: AppSession) -> list[order_totals.Total]:
    with app.read() as s:
        kept = order_totals.stored(s)
        assert kept == order_totals.computed(s)
    return kept


def _gmv(app: AppSession) -> dict[tuple[int, str], float]:
    with app.read() as s:
        book = kpi.load_facts(s)
    gmv = book.grid["gmv"]
    return {
        (store, month): float(gmv[i, j])
        for i, store in enumerate(book.store_ids)
        for j, month in enumerate(book.months)
        if gmv[i, j] == gmv[i, j]
    }


def _later_copy(folder: Path) -> Path:
    """The 淘宝 export with a third of its orders a month later and some amounts changed:
    what the next month's export of a shop looks like beside the first."""
    raw = pd.read_csv(TAOBAO, encoding="gb18030", dtype=str)
    paid = next(c for c in raw.columns if "付款时间" in c)
    amount = next(c for c in raw.columns if "实付" in c or "买家实际支付金额" in c)
    moved = raw.index % 3 == 0
    raw.loc[moved, paid] = raw.loc[moved, paid].str.replace("2024-06", "2024-07", regex=False)
    raw.loc[raw.index % 5 == 0, amount] = "88.80"
    path = folder / "ExportOrderList202407.csv"
    raw.to_csv(path, index=False, encoding="gb18030")
    return path


def test_imports_replacements_and_undo_keep_the_totals_equal_to_the_orders(
    demo: AppSession, tmp_path: Path
) -> None:
    assert _in_step(demo) == []
    first = imports.import_file(demo, TAOBAO)
    after_first = _in_step(demo)
    gmv_first = _gmv(demo)
    assert after_first and all(t.kind == order_totals.STORE for t in after_first)
    assert {t.batches for t in after_first} == {(first.batch_id,)}

    later = imports.import_file(demo, _later_copy(tmp_path), on_duplicate="replace")
    assert later.replaced > 0
    after_later = _in_step(demo)
    assert after_later != after_first
    assert any(later.batch_id in t.batches for t in after_later)

    live = imports.import_file(demo, LIVE, unmatched_accounts="skip")
    douyin = imports.import_file(demo, DOUYIN, unmatched_accounts="skip")
    assert live.batch_id and douyin.batch_id
    with_douyin = _in_step(demo)
    assert any(t.kind == order_totals.LIVE and t.gmv_fen > 0 for t in with_douyin)

    imports.undo_import(demo, douyin.batch_id)
    assert _in_step(demo) == after_later
    imports.undo_import(demo, later.batch_id)
    assert _in_step(demo) == after_first
    assert _gmv(demo) == gmv_first
    imports.undo_import(demo, first.batch_id)
    assert _in_step(demo) == []


def test_a_file_from_before_the_totals_gets_them_when_it_is_opened(
    demo: AppSession, tmp_path: Path
) -> None:
    imports.import_file(demo, TAOBAO)
    imports.import_file(demo, DOUYIN, unmatched_accounts="skip")
    expected = _in_step(demo)
    gmv = _gmv(demo)
    app = as_older_schema(
        demo, 3, "DROP TABLE order_month_totals", "DROP INDEX ix_order_live_month"
    )
    try:
        assert 4 in [m.version for m in app.file.migrated]
        assert _in_step(app) == expected and expected
        assert _gmv(app) == gmv
        assert verify(app).ok
    finally:
        app.close(backup=False)


def test_verify_names_orders_changed_behind_tiduis_back(demo: AppSession) -> None:
    imports.import_file(demo, TAOBAO)
    assert verify(demo).ok
    with demo.uow() as uow:
        uow.session.execute(
            update(OrderFact).where(OrderFact.id == 1).values(amount=OrderFact.amount + 1000)
        )
        uow.commit()

    problems = [p for p in verify(demo).problems if p.code == "verify.order_totals"]

    assert len(problems) == 1
    said = problems[0].text("zh")
    assert "1 个店铺月" in said and "2024-06" in said and "悦颜美妆" in said


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.integers(0, 30),
        st.sets(st.sampled_from("abcdefgh"), min_size=1),
        max_size=14,
    ),
    st.sets(st.integers(0, 30), max_size=8),
)
def test_returning_buyers_are_the_months_buyers_seen_in_the_twelve_months_before(
    by_number: dict[int, set[str]], wanted_numbers: set[int]
) -> None:
    """The definition, checked month by month: a buyer of the month who bought in any of the
    twelve months before; no figure when none of those months has buyers (unknown, not 0)."""
    from core.domain import months as mo

    def month(n: int) -> str:
        return mo.add("2023-01", n)

    by_month = {month(n): keys for n, keys in by_number.items()}
    found = order_totals._returning(by_month, {month(n) for n in wanted_numbers})
    expected = {}
    for n in wanted_numbers:
        earlier = [by_number[k] for k in range(n - 12, n) if k in by_number]
        if n in by_number and earlier:
            expected[month(n)] = sum(1 for b in by_number[n] if any(b in keys for keys in earlier))
    assert found == expected


def _more_orders(folder: Path) -> Path:
    """The 淘宝 export again with new order numbers for half its orders (same buyers), a third
    of those a month later: June gains orders beside the first export's, July is new."""
    raw = pd.read_csv(TAOBAO, encoding="gb18030", dtype=str)
    order = next(c for c in raw.columns if "订单编号" in c)
    paid = next(c for c in raw.columns if "付款时间" in c)
    new = raw.index % 2 == 0
    raw.loc[new, order] = "9" + raw.loc[new, order].str.strip("=\"'").str[1:]
    moved = new & (raw.index % 3 == 0)
    raw.loc[moved, paid] = raw.loc[moved, paid].str.replace("2024-06", "2024-07", regex=False)
    path = folder / "ExportOrderList202407b.csv"
    raw.to_csv(path, index=False, encoding="gb18030")
    return path


def test_an_import_sums_its_own_orders_in_memory_and_adds_them_to_the_stored_ones(
    demo: AppSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import does not read its new orders back: the totals it writes come from its own
    arrays plus the orders stored before, and equal a count over all the orders."""
    handed: list[order_totals.Fresh | None] = []
    real = order_totals.refresh

    def spy(session, cells, fresh=None):  # type: ignore[no-untyped-def]
        handed.append(fresh)
        real(session, cells, fresh)

    monkeypatch.setattr(order_totals, "refresh", spy)
    first = imports.import_file(demo, TAOBAO)
    after_first = _in_step(demo)
    more = imports.import_file(demo, _more_orders(tmp_path), on_duplicate="skip")
    assert more.batch_id and more.duplicates > 0 and more.imported > 0
    both = _in_step(demo)
    june = [t for t in both if t.month == "2024-06"]
    assert june and all(t.batches == (first.batch_id, more.batch_id) for t in june)
    assert any(t.month == "2024-07" and t.returning is not None for t in both)
    douyin = imports.import_file(demo, DOUYIN, unmatched_accounts="skip")
    assert any(t.kind == order_totals.LIVE for t in _in_step(demo))
    assert len(handed) == 3 and all(f is not None for f in handed)
    assert handed[1] is not None and handed[1].batch_id == more.batch_id
    # the first import's buyers were packed beside its sums (no month shared with earlier
    # orders), and the kept keys equal those packed from the orders (``_in_step``)
    assert handed[0] is not None and handed[0].packed
    assert all(b for months in handed[0].packed.values() for b in months.values())

    imports.undo_import(demo, douyin.batch_id)
    imports.undo_import(demo, more.batch_id)
    assert _in_step(demo) == after_first


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(-1e7, 1e7, allow_nan=False),
            st.integers(-(10**7), 10**7).map(lambda n: n / 1000),  # half-fen cases: 0.005, 1.125
            st.integers(-(10**9), 10**9).map(lambda n: n / 100),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_fen_in_memory_are_sqlites_round_of_amount_times_100(amounts: list[float]) -> None:
    """The in-memory fen of an order are SQLite's own round(amount * 100), halves included
    (the SQLite inside SQLCipher, which the company file's sums run in)."""
    import numpy as np
    from sqlcipher3 import dbapi2 as sqlite3

    fen = order_totals._fen(np.array(amounts))
    assert fen is not None
    db = sqlite3.connect(":memory:")
    sqlite_fen = [int(db.execute("SELECT round(? * 100.0)", (a,)).fetchone()[0]) for a in amounts]
    assert fen.tolist() == sqlite_fen
    assert order_totals._fen(np.array([*amounts, float("inf")])) is None


def test_the_stored_keys_are_read_once_per_import_and_forget_what_it_replaced(
    demo: AppSession,
) -> None:
    """The paid and the closed orders of one export look at the same stored orders: read once,
    and what the first set replaced is no longer found by the second."""
    from core.services.imports import facts

    imports.import_file(demo, TAOBAO)
    with demo.read() as s:
        stored = facts.StoredKeys(s)
        (store_id,) = s.scalars(text("SELECT DISTINCT store_id FROM order_facts")).all()
        months = ["2024-05", "2024-06", "2024-07"]
        first = stored.of(OrderFact, [store_id], months)
        assert first and stored.of(OrderFact, [store_id], months) is first  # not read again
        before = len(first)
        gone = [row_id for row_id, _batch in list(first.values())[:3]]
        stored.forget(OrderFact, gone)
        left = stored.of(OrderFact, [store_id], months)
        assert len(left) == before - 3
        assert not {row_id for row_id, _b in left.values()} & set(gone)


@settings(max_examples=200, deadline=None)
@given(st.sets(st.binary(min_size=10, max_size=10), max_size=40))
def test_buyer_keys_kept_beside_the_totals_come_back_exactly(digests: set[bytes]) -> None:
    """A month's buyer pseudonyms packed beside its totals unpack to the same keys, and the
    same keys pack to the same bytes whatever their order; keys not of Tidui's form are not
    packed (the orders are read instead)."""
    keys = {d.hex() for d in digests}
    blob = order_totals.pack_keys(keys)
    assert blob is not None and len(blob) == 10 * len(keys)
    assert order_totals.unpack_keys(blob) == keys
    assert order_totals.pack_keys(set(sorted(keys, reverse=True))) == blob
    for odd in ("ABCDEF0123456789ABCD", "abc", "zz" * 10, "0123456789 abcdef012"):
        assert order_totals.pack_keys({*keys, odd}) is None


def test_a_file_of_schema_5_gets_its_buyer_keys_kept_when_it_is_opened(
    demo: AppSession, tmp_path: Path
) -> None:
    """After the upgrade the returning buyers of later months are counted from the kept keys:
    the totals are the same as the orders say, keys included."""
    imports.import_file(demo, TAOBAO)
    imports.import_file(demo, _more_orders(tmp_path), on_duplicate="skip")
    expected = _in_step(demo)
    assert all(t.buyer_keys for t in expected if t.buyers)
    app = as_older_schema(demo, 5, "DROP TABLE order_month_buyers")
    try:
        assert app.file.migrated[0].version == 6  # then any later ones
        assert _in_step(app) == expected
        imports.undo_import(app, imports.list_batches(app)[0].id)
        assert _in_step(app)
    finally:
        app.close(backup=False)


def test_a_month_without_kept_keys_is_read_from_its_orders(
    demo: AppSession, tmp_path: Path
) -> None:
    """July's returning buyers look back at June: with June's kept keys gone, June's orders
    are read instead, and July's figure is the same as the orders say."""
    imports.import_file(demo, TAOBAO)
    with demo.uow() as uow:
        uow.session.connection().exec_driver_sql("DELETE FROM order_month_buyers")
        uow.commit()
    raw = pd.read_csv(TAOBAO, encoding="gb18030", dtype=str)
    order = next(c for c in raw.columns if "订单编号" in c)
    raw[order] = "8" + raw[order].str.strip("=\"'").str[1:]
    for column in raw.columns:  # paid and created times: every order in July
        if "时间" in column:
            raw[column] = raw[column].str.replace("2024-06", "2024-07", regex=False)
    july = tmp_path / "ExportOrderList202407c.csv"
    raw.to_csv(july, index=False, encoding="gb18030")
    imports.import_file(demo, july)
    with demo.read() as s:
        kept = {(t.month, t.kind): t for t in order_totals.stored(s)}
        truth = {(t.month, t.kind): t for t in order_totals.computed(s)}
    assert kept[("2024-07", "store")].returning == truth[("2024-07", "store")].returning
    assert truth[("2024-07", "store")].returning  # the same buyers came back in July
    assert kept[("2024-06", "store")].buyer_keys is None  # still missing: nothing rewrote June
