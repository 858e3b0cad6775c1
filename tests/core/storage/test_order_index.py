"""The orders' store-month index is month first: a file of schema 7 gets it on opening, and the
import, undo and store questions about a shop's months seek it instead of scanning the orders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from core.i18n import Message
from core.progress import Progress
from core.services.admin import auth
from core.services.archive import stores
from core.services.imports import engine as imports
from core.session import AppSession
from tests.conftest import OWNER, OWNER_PASSWORD, as_older_schema, make_company, older_file
from tests.core.services.import_support import TAOBAO, with_people


def _indexes(app: AppSession) -> dict[str, str]:
    with app.read() as s:
        rows = s.connection().exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='order_facts'"
        )
        return {r[0]: str(r[1]) for r in rows}


def _month_first(app: AppSession) -> bool:
    found = _indexes(app)
    return "ix_order_store_month" not in found and "(month, store_id)" in found.get(
        "ix_order_month_store", ""
    )


def test_a_new_file_indexes_the_orders_month_first(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    assert _month_first(app)
    app.close(backup=False)


def test_a_schema_7_file_gets_the_month_first_index_when_it_is_opened(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    app = as_older_schema(
        app,
        7,
        "DROP INDEX ix_order_month_store",
        "CREATE INDEX ix_order_store_month ON order_facts (store_id, month)",
    )
    assert [m.version for m in app.file.migrated] == [8]
    assert _month_first(app)
    app.close(backup=False)


def test_the_log_in_says_when_it_backs_up_and_upgrades_an_older_file(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    path = older_file(app, 7, "DROP INDEX ix_order_month_store")
    heard: list[str] = []

    def hear(_done: int, _total: int, note: Message | None) -> None:
        heard.append(note.text() if note else "")

    app = auth.log_in(path, OWNER, OWNER_PASSWORD, progress=Progress(hear))
    assert [m.version for m in app.file.migrated] == [8]
    assert len(heard) == 2 and all(path.name in note for note in heard)
    assert "备份" in heard[0] and "正在升级" in heard[1]
    app.close(backup=False)
    heard.clear()
    auth.log_in(path, OWNER, OWNER_PASSWORD, progress=Progress(hear)).close(backup=False)
    assert heard == []  # an up-to-date file: nothing to say


def _plans(app: AppSession, work: Any) -> list[tuple[str, str]]:
    """(statement, query plan) of every read, update and delete of order_facts during ``work``."""
    seen: list[tuple[str, str]] = []
    engine = app.file.engine

    def explain(conn: Any, cursor: Any, statement: str, params: Any, _c: Any, many: bool) -> None:
        if many or "order_facts" not in statement or statement.lstrip().startswith("INSERT"):
            return
        plan = conn.connection.driver_connection.execute(
            "EXPLAIN QUERY PLAN " + statement, params
        ).fetchall()
        seen.append((" ".join(statement.split()), " | ".join(str(r[-1]) for r in plan)))

    event.listen(engine, "before_cursor_execute", explain)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", explain)
    return seen


def test_import_undo_and_the_store_check_never_scan_the_orders(
    company_beauty: AppSession,
) -> None:
    app = with_people(company_beauty)
    done: dict[str, Any] = {}

    def work() -> None:
        first = imports.import_file(app, TAOBAO)
        assert first.batch_id is not None
        with app.read() as s:
            ids = [r[0] for r in s.execute(text("SELECT id FROM stores"))]
            done["has"] = {sid: stores.store_has_data(s, sid) for sid in ids}
        imports.undo_import(app, first.batch_id)

    plans = _plans(app, work)
    assert True in done["has"].values() and False in done["has"].values()
    assert [(sql, plan) for sql, plan in plans if "SCAN order_facts" in plan] == []
    # the shop's months are sought month by month on the month-first index
    assert any("ix_order_month_store (month=? AND store_id=?)" in plan for _s, plan in plans)


def test_a_store_whose_only_orders_are_in_a_later_month_has_data(
    company_beauty: AppSession,
) -> None:
    app = with_people(company_beauty)
    result = imports.import_file(app, TAOBAO)
    assert result.batch_id is not None
    later = stores.add_store(app, "七月才开张的店", "淘宝")
    never = stores.add_store(app, "还没有数据的店", "淘宝")
    with app.uow() as uow:
        uow.session.execute(
            text(
                "INSERT INTO order_facts (store_id, order_no, month, amount, status, counted,"
                " batch_id) VALUES (:store, '9000000000000000001', '2024-07', 88.8, '交易成功',"
                " 1, :batch)"
            ),
            {"store": later, "batch": result.batch_id},
        )
        uow.commit()
    with app.read() as s:
        months = [r[0] for r in s.execute(text("SELECT DISTINCT month FROM order_facts"))]
        assert sorted(months) == ["2024-06", "2024-07"]
        assert stores.store_has_data(s, later)
        assert not stores.store_has_data(s, never)
