"""Broken files give clear errors and change nothing; whose data a file is; permissions, profiles, cancel, dry runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from core.errors import PermissionDenied, TiduiError, ValidationError
from core.model import (
    Employee,
    ImportBatch,
    LiveSessionFact,
    OrderFact,
    Store,
    StoreMonthFact,
    StoreOwnership,
)
from core.progress import Cancelled, Progress
from core.services.archive import stores
from core.services.imports import engine as imports
from core.session import AppSession
from tests.conftest import DATA, as_role
from tests.core.services.import_support import (
    BOOKKEEPING,
    DOUYIN,
    LIVE,
    SYCM_DAILY,
    SYCM_MONTHLY,
    TAOBAO,
    snapshot,
    with_people,
)


@pytest.fixture
def demo(company_beauty: AppSession) -> AppSession:
    return with_people(company_beauty)


# --- broken files ------------------------------------------------------------------------------


def _truncated(folder: Path) -> Path:
    data = SYCM_MONTHLY.read_bytes()
    path = folder / "交易概况_截断.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def _workbook(folder: Path, name: str, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = folder / name
    book.save(path)
    return path


def _wrong_headers(folder: Path) -> Path:
    return _workbook(folder, "随便.xlsx", [["甲", "乙", "丙"], ["1", "2", "3"], ["4", "5", "6"]])


def _empty_sheet(folder: Path) -> Path:
    return _workbook(folder, "空表.xlsx", [])


def _header_only(folder: Path) -> Path:
    path = folder / "ExportOrderList_empty.csv"
    path.write_text("订单编号,买家实际支付金额,订单状态,订单付款时间\n", encoding="utf-8")
    return path


def _password(folder: Path) -> Path:
    return DATA / "imports" / "password_protected.xlsx"


def _not_a_spreadsheet(folder: Path) -> Path:
    path = folder / "照片.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    return path


BROKEN: list[tuple[Callable[[Path], Path], str | None, str]] = [
    (_truncated, None, "imports.file_corrupt"),
    (_wrong_headers, None, "imports.unknown_kind"),
    (_empty_sheet, None, "imports.sheet_empty"),
    (_header_only, None, "imports.no_data_rows"),
    (_password, None, "imports.file_encrypted"),
    (_not_a_spreadsheet, None, "imports.file_corrupt"),
    (lambda folder: LIVE, "sycm-shop", "imports.wrong_kind"),
    (lambda folder: SYCM_DAILY, "taobao-orders", "imports.wrong_kind"),
    (lambda folder: folder / "不存在.xlsx", None, "imports.file_not_found"),
]


@pytest.mark.parametrize(("make", "source", "code"), BROKEN, ids=[c for _, _, c in BROKEN])
def test_broken_files_give_a_clear_error_and_leave_the_file_unchanged(
    demo: AppSession,
    tmp_path: Path,
    make: Callable[[Path], Path],
    source: str | None,
    code: str,
) -> None:
    path = make(tmp_path)
    before = snapshot(demo)
    with pytest.raises(TiduiError) as error:
        imports.import_file(demo, path, source=source)
    assert error.value.code == code
    text = error.value.text("zh")
    assert path.name in text and "Traceback" not in text and "{" not in text
    assert snapshot(demo) == before


def test_an_unknown_source_kind_names_the_known_ones(demo: AppSession) -> None:
    with pytest.raises(ValidationError) as error:
        imports.import_file(demo, TAOBAO, source="jd-orders")
    assert error.value.code == "imports.unknown_source"
    assert "taobao-orders" in error.value.text("en")


# --- whose data ------------------------------------------------------------------------------


def _remove_store(app: AppSession, name: str) -> None:
    store_id = next(s.id for s in stores.list_stores(app) if s.name == name)
    for own in stores.all_ownerships(app):
        if own.store_id == store_id:
            stores.remove_ownership(app, own.id)
    stores.delete_store(app, store_id)


def test_a_store_the_company_does_not_know_is_named_with_the_candidates(
    demo: AppSession,
) -> None:
    _remove_store(demo, "悦颜美妆旗舰店")
    before = snapshot(demo)
    with pytest.raises(ValidationError) as error:
        imports.import_file(demo, SYCM_DAILY)
    assert error.value.code == "imports.store_unknown"
    text = error.value.text("zh")
    assert "悦颜美妆旗舰店" in text and "悦颜美妆专营店" in text and "--store" in text
    assert snapshot(demo) == before
    # --store takes it into a store the user names
    result = imports.import_file(demo, SYCM_DAILY, store="悦颜美妆专营店")
    assert result.store == "悦颜美妆专营店"


def test_the_wizard_can_create_the_store_and_undo_takes_it_away(demo: AppSession) -> None:
    _remove_store(demo, "悦颜美妆旗舰店")
    before = snapshot(demo, skip=BOOKKEEPING)
    file = imports.open_file(demo, SYCM_DAILY)
    prev = imports.preview(demo, file, "sycm-shop")
    assert prev.store is not None and prev.store.store is None
    assert prev.store.named == "悦颜美妆旗舰店" and prev.store.problem == "not_found"

    choice = imports.StoreChoice(new_name="悦颜美妆旗舰店", new_platform="天猫")
    result = imports.commit(demo, prev, imports.Decisions(store=choice))

    assert result.store == "悦颜美妆旗舰店" and result.imported == 182
    imports.undo_import(demo, result.batch_id or 0)
    assert snapshot(demo, skip=BOOKKEEPING) == before


def test_picking_another_store_remembers_the_files_name_as_its_alias(demo: AppSession) -> None:
    _remove_store(demo, "悦颜美妆旗舰店")
    file = imports.open_file(demo, SYCM_DAILY)
    prev = imports.preview(demo, file, "sycm-shop")
    target = next(c for c in prev.store.candidates if c.name == "悦颜美妆专营店")  # type: ignore[union-attr]
    result = imports.commit(demo, prev, imports.Decisions(store=imports.StoreChoice(target.id)))
    assert result.store == "悦颜美妆专营店"
    aliases = {s.name: s.aliases for s in stores.list_stores(demo)}
    assert aliases["悦颜美妆专营店"] == ("悦颜美妆旗舰店",)
    # next time the same file finds the store by itself (as a duplicate now)
    again = imports.preview(demo, imports.open_file(demo, SYCM_DAILY), "sycm-shop")
    assert again.store is not None and again.store.store is not None
    assert again.store.store.name == "悦颜美妆专营店"
    imports.undo_import(demo, result.batch_id or 0)
    assert {s.name: s.aliases for s in stores.list_stores(demo)}["悦颜美妆专营店"] == ()


def test_a_file_naming_no_store_with_two_candidates_asks_for_store(demo: AppSession) -> None:
    stores.add_store(demo, "悦颜第二抖店", "抖音")
    with pytest.raises(ValidationError) as error:
        imports.import_file(demo, DOUYIN)
    assert error.value.code == "imports.store_none"
    assert "悦颜抖音小店" in error.value.text("zh") and "悦颜第二抖店" in error.value.text("zh")
    result = imports.import_file(demo, DOUYIN, store="悦颜第二抖店")
    assert result.store == "悦颜第二抖店" and not any(
        n.code == "imports.store_assumed" for n in result.notes
    )


def test_unknown_live_accounts_fail_the_cli_and_can_be_left_out(demo: AppSession) -> None:
    _remove_store(demo, "悦颜大师兄")
    before = snapshot(demo)
    with pytest.raises(ValidationError) as error:
        imports.import_file(demo, LIVE)
    assert error.value.code == "imports.accounts_unknown"
    assert "悦颜大师兄" in error.value.text("zh") and "--unmatched-accounts" in error.value.text(
        "zh"
    )
    assert snapshot(demo) == before

    result = imports.import_file(demo, LIVE, unmatched_accounts="skip")

    assert result.imported == 12 and result.skipped == 9
    assert any(n.code == "imports.accounts_left_out" for n in result.notes)


def _douyin_counted() -> pd.DataFrame:
    """The sample's counted 抖店 lines, read independently of the importer."""
    raw = pd.read_excel(DOUYIN, engine="calamine", dtype=str)
    raw["amount"] = pd.to_numeric(raw["订单应付金额"].str.replace(",", ""))
    return raw[raw["订单状态"] != "已关闭"]


def test_douyin_orders_of_an_unknown_creator_count_for_the_store_only(demo: AppSession) -> None:
    _remove_store(demo, "悦颜大师兄")
    counted = _douyin_counted()
    theirs = counted[counted["达人昵称"] == "悦颜大师兄"]
    orders, gmv = theirs["主订单编号"].nunique(), round(float(theirs["amount"].sum()), 2)

    result = imports.import_file(demo, DOUYIN)  # never refused for an outside creator

    assert result.imported == len(counted) == 244 and result.batch_id is not None
    [creator] = result.unmatched_creators
    assert (creator.name, creator.orders, creator.gmv) == ("悦颜大师兄", orders, gmv)
    assert result.as_json("zh")["unmatched_creators"] == [
        {"name": "悦颜大师兄", "orders": orders, "gmv": gmv}
    ]
    note = next(n for n in result.notes if n.code == "imports.accounts_unlinked")
    assert f"悦颜大师兄（{orders}单，¥{gmv:,.0f}" in note.text("zh")
    assert f"悦颜大师兄 ({orders} orders, ¥{gmv:,.0f}" in note.text("en")
    # every counted order is the shop's GMV; only 悦颜小美's are a live account's
    with demo.read() as s:
        linked = s.scalar(
            select(func.count(OrderFact.id)).where(
                OrderFact.batch_id == result.batch_id,
                OrderFact.counted.is_(True),
                OrderFact.live_account_id.is_not(None),
            )
        )
        total = s.scalar(
            select(func.sum(OrderFact.amount)).where(
                OrderFact.batch_id == result.batch_id, OrderFact.counted.is_(True)
            )
        )
    assert linked == (counted["达人昵称"] == "悦颜小美").sum()
    assert total == pytest.approx(counted["amount"].sum(), abs=0.005)


def test_the_old_options_still_work_for_douyin_orders(demo: AppSession) -> None:
    _remove_store(demo, "悦颜大师兄")
    with pytest.raises(ValidationError) as error:
        imports.import_file(demo, DOUYIN, unmatched_accounts="fail")
    assert error.value.code == "imports.accounts_unknown"
    result = imports.import_file(demo, DOUYIN, unmatched_accounts="skip")
    assert result.imported == 244
    assert any(n.code == "imports.accounts_unlinked" for n in result.notes)


def test_assigning_an_account_to_an_employee_creates_it_with_the_import(demo: AppSession) -> None:
    _remove_store(demo, "悦颜大师兄")
    before = snapshot(demo, skip=BOOKKEEPING)
    file = imports.open_file(demo, LIVE)
    prev = imports.preview(demo, file, "douyin-live")
    assert [a.name for a in prev.unmatched_accounts] == ["悦颜大师兄"]
    assert prev.accounts[0].owners == ("黄婷（E008）",)
    with demo.read() as s:
        wu_hao = s.scalars(select(Employee.id).where(Employee.no == "E009")).one()
    choice = {"悦颜大师兄": imports.AccountChoice(employee_id=wu_hao)}

    result = imports.commit(demo, prev, imports.Decisions(accounts=choice))

    assert result.imported == 21
    with demo.read() as s:
        account = s.scalars(select(Store).where(Store.name == "悦颜大师兄")).one()
        assert account.platform == "抖音直播" and account.kind == "live_account"
        own = s.scalars(select(StoreOwnership).where(StoreOwnership.store_id == account.id)).one()
        assert (own.employee_id, own.start_month, own.batch_id) == (
            wu_hao,
            "2024-06",
            result.batch_id,
        )
        assert (
            s.scalar(
                select(func.count(LiveSessionFact.id)).where(LiveSessionFact.store_id == account.id)
            )
            == 9
        )
    imports.undo_import(demo, result.batch_id or 0)
    assert snapshot(demo, skip=BOOKKEEPING) == before


# --- permissions, profiles, cancel, dry run ------------------------------------------------------------


def test_supervisors_may_not_import_and_hr_may(demo: AppSession) -> None:
    supervisor = as_role(demo, "zhuguan", "supervisor")
    for call in (
        lambda: imports.import_file(supervisor, TAOBAO),
        lambda: imports.list_batches(supervisor),
        lambda: imports.undo_import(supervisor, 1),
        lambda: imports.open_file(supervisor, TAOBAO),
    ):
        with pytest.raises(PermissionDenied):
            call()
    hr = as_role(demo, "renshi", "hr")
    result = imports.import_file(hr, TAOBAO)
    assert imports.list_batches(hr)[0].user_login == "renshi"
    imports.undo_import(hr, result.batch_id or 0)


def test_a_changed_mapping_saved_as_a_profile_is_used_next_time(demo: AppSession) -> None:
    file = imports.open_file(demo, SYCM_MONTHLY)
    auto, profile = imports.mapping_for(file, "sycm-shop")
    assert profile is None and auto.columns["gmv"].header == "支付金额"
    ordered = auto.headers.index("下单金额")
    changed = auto.with_column("gmv", ordered)
    saved = imports.save_profile(demo, "下单金额当GMV", file, changed)
    assert saved.mapping["gmv"] == "下单金额"

    again = imports.open_file(demo, SYCM_MONTHLY)
    mapping, used = imports.mapping_for(again, "sycm-shop")
    assert used is not None and used.name == "下单金额当GMV"
    assert mapping.columns["gmv"].header == "下单金额"
    result = imports.import_file(demo, SYCM_MONTHLY)  # the CLI uses it too
    with demo.read() as s:
        batch = s.get(ImportBatch, result.batch_id)
        assert batch is not None and batch.profile == "下单金额当GMV"
        january = s.scalars(
            select(StoreMonthFact.gmv).where(StoreMonthFact.month == "2023-01")
        ).one()
    assert january == pytest.approx(129_600.00)  # 下单金额 of 2023-01 in the sample
    assert [p.name for p in imports.list_profiles(demo)] == ["下单金额当GMV"]
    imports.delete_profile(demo, saved.id)
    assert imports.list_profiles(demo) == []


def test_cancelling_while_storing_rolls_everything_back(demo: AppSession) -> None:
    before = snapshot(demo)
    progress: Progress

    def on_step(done: int, total: int, note: object) -> None:
        if done >= 40:
            progress.cancel()

    progress = Progress(on_step)
    with pytest.raises(Cancelled):
        imports.import_file(demo, TAOBAO, progress=progress)
    assert snapshot(demo) == before


def test_a_dry_run_counts_everything_and_stores_nothing(demo: AppSession) -> None:
    before = snapshot(demo)
    result = imports.import_file(demo, DOUYIN, dry_run=True)
    assert result.dry_run and result.batch_id is None and result.imported == 244
    assert result.months == ["2024-06"]
    assert snapshot(demo) == before


def test_a_note_sheet_before_the_data_is_passed_over(demo: AppSession, tmp_path: Path) -> None:
    """A 说明 sheet first, the orders on the second: the import said it could not tell what the
    file held ("表头：本表由抖店导出"), and only --sheet found the data."""
    from openpyxl import load_workbook

    book = load_workbook(DOUYIN)
    note = book.create_sheet("说明", 0)
    note["A1"] = "本表由抖店导出，请勿修改表头。"
    book.active = 0
    with_note = tmp_path / DOUYIN.name
    book.save(with_note)

    result = imports.import_file(demo, with_note)
    assert result.kind == "douyin-orders" and not result.errors
    assert (result.imported, result.skipped) == (244, 16)  # as the sample itself imports
