"""The import viewmodels without a window: the wizard's state from file to commit, its tables, and the history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from core.session import AppSession
from desktop.viewmodels import worker
from desktop.viewmodels.import_history_vm import BatchTableModel, ImportsViewModel, months_text
from desktop.viewmodels.import_tables_vm import (
    ERROR_BACKGROUND,
    FETCH_STEP,
    WARNING_BACKGROUND,
    AccountAction,
    IssueTableModel,
    MappingTableModel,
    ParsedRowsModel,
    TotalsModel,
    column_letter,
    format_value,
    short_message,
)
from desktop.viewmodels.import_wizard_vm import NEW_STORE, ImportWizardViewModel
from desktop.viewmodels.session_vm import SessionViewModel
from tests.core.services.import_support import (
    DOUYIN,
    LIVE,
    SYCM_DAILY,
    SYCM_MONTHLY,
    TAOBAO,
    with_people,
)

TIMEOUT = 30000


@pytest.fixture
def session(company_beauty: AppSession) -> Iterator[SessionViewModel]:
    yield SessionViewModel(with_people(company_beauty))
    worker.wait_all()


def opened(qtbot: QtBot, vm: ImportWizardViewModel) -> None:
    with qtbot.waitSignal(vm.file_opened, timeout=TIMEOUT):
        vm.open_current()


def previewed(qtbot: QtBot, vm: ImportWizardViewModel) -> None:
    with qtbot.waitSignal(vm.previewed, timeout=TIMEOUT):
        vm.make_preview()


def committed(qtbot: QtBot, vm: ImportWizardViewModel) -> None:
    with qtbot.waitSignal(vm.committed, timeout=TIMEOUT):
        vm.commit()


# --- the wizard's state ---------------------------------------------------------------------------


def test_a_file_goes_from_reading_to_a_batch(qtbot: QtBot, session: SessionViewModel) -> None:
    vm = ImportWizardViewModel(session, [SYCM_DAILY])
    changes: list[str] = []
    session.data_changed.connect(changes.append)
    opened(qtbot, vm)
    assert vm.kind == "sycm-shop" and vm.header_row() == 3
    assert vm.sheet_model.header_row == 3
    assert vm.sheet_model.index(3, 0).data() == "统计日期"
    assert "店铺名称：悦颜美妆旗舰店" in vm.preamble_text()
    assert vm.kind_choices()[0][0] == "sycm-shop" and vm.kind_choices()[0][2] > 0.9
    assert vm.missing_fields() == [] and not vm.mapping_changed_by_user

    previewed(qtbot, vm)
    assert vm.needs_store and vm.store_id is not None
    assert vm.store_detection_text().startswith("识别到店铺：悦颜美妆旗舰店")
    assert vm.owner_problem() == ""
    assert vm.totals_model.rowCount() == 6
    assert vm.summary_text().startswith("共 182 行：将导入 182 行，跳过 0 行")

    committed(qtbot, vm)
    assert vm.result is not None and vm.result.imported == 182
    assert changes == ["imports"]
    lines = vm.result_lines(vm.outcomes[0])
    assert lines[0].startswith("已导入为批次") and lines[1] == "店铺：悦颜美妆旗舰店"


def test_header_row_and_kind_can_be_changed(qtbot: QtBot, session: SessionViewModel) -> None:
    vm = ImportWizardViewModel(session, [SYCM_DAILY])
    opened(qtbot, vm)
    with qtbot.waitSignal(vm.file_opened):
        vm.choose_header_row(0)  # the title row: nothing fits any more
    assert vm.header_row() == 0 and vm.detected_kind is None
    assert vm.missing_fields()  # the required columns are not found on that row
    with qtbot.waitSignal(vm.file_opened):
        vm.choose_header_row(3)
    assert vm.detected_kind == "sycm-shop" and vm.missing_fields() == []
    with qtbot.waitSignal(vm.mapping_changed):
        vm.choose_kind("taobao-orders")
    assert "订单编号" in vm.missing_fields()


def test_mapping_edits_go_through_the_table(qtbot: QtBot, session: SessionViewModel) -> None:
    vm = ImportWizardViewModel(session, [SYCM_MONTHLY])
    opened(qtbot, vm)
    model = vm.mapping_model
    names = [model.row_at(r).spec.name for r in range(model.rowCount())]  # type: ignore[union-attr]
    assert names[:2] == ["period", "gmv"] and "conversion_rate" not in names  # not stored
    gmv = names.index("gmv")
    index = model.index(gmv, MappingTableModel.COL_COLUMN)
    assert index.data(Qt.ItemDataRole.EditRole) == 5 and index.data() == "F · 支付金额"
    assert model.flags(index) & Qt.ItemFlag.ItemIsEditable
    choices = index.data(MappingTableModel.ChoicesRole)
    assert choices[0] == (-1, "（不导入）") and (3, "D · 下单金额") in choices
    with qtbot.waitSignal(vm.mapping_changed):
        model.setData(index, 3)
    assert vm.mapping is not None and vm.mapping.columns["gmv"].header == "下单金额"
    assert vm.mapping_changed_by_user
    assert model.index(gmv, MappingTableModel.COL_SAMPLE).data() == "129,600.00"
    assert ("支付金额", "不导入") in vm.other_columns()  # the user moved GMV away from it
    assert ("客单价", "已识别，Tidui 不需要") in vm.other_columns()
    model.setData(model.index(gmv, MappingTableModel.COL_COLUMN), -1)
    assert vm.missing_fields() == ["支付金额"]
    assert model.index(gmv, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert vm.save_profile("方案") is True


def test_an_unreadable_file_says_why_and_the_next_file_follows(
    qtbot: QtBot, session: SessionViewModel, tmp_path: Path
) -> None:
    broken = tmp_path / "坏的.xlsx"
    broken.write_bytes(SYCM_MONTHLY.read_bytes()[:2000])
    vm = ImportWizardViewModel(session, [broken, Path("x.png"), LIVE])
    assert vm.files == [broken, LIVE]
    assert vm.position_text() == "第 1/2 个文件：坏的.xlsx"
    with qtbot.waitSignal(vm.file_failed, timeout=TIMEOUT) as failed:
        vm.open_current()
    assert "坏的.xlsx" in failed.args[0] and "损坏" in failed.args[0]
    vm.skip_current(vm.error)
    assert vm.next_file() and vm.current_path == LIVE and vm.remaining == 0
    opened(qtbot, vm)
    assert vm.kind == "douyin-live"
    assert not vm.next_file()
    assert vm.result_lines(vm.outcomes[0]) == [vm.outcomes[0].problem]


def test_a_new_store_and_accounts_are_decided_before_commit(
    qtbot: QtBot, session: SessionViewModel
) -> None:
    from core.services.archive import stores

    app = session.app
    for row in stores.list_stores(app):
        if row.name in ("悦颜抖音小店", "悦颜大师兄"):
            for own in stores.all_ownerships(app):
                if own.store_id == row.id:
                    stores.remove_ownership(app, own.id)
            stores.delete_store(app, row.id)
    vm = ImportWizardViewModel(session, [DOUYIN])
    opened(qtbot, vm)
    previewed(qtbot, vm)
    assert vm.needs_store and vm.store_id is None
    assert vm.owner_problem() == "请选择店铺。"
    assert vm.store_choices()[-1] == (NEW_STORE, "新建店铺…")
    vm.set_new_store("", "抖音")
    assert vm.owner_problem() == "请填写新店铺的名称。"
    vm.set_new_store("悦颜抖音小店", "抖音")
    assert vm.owner_problem() == ""
    assert vm.unassigned_accounts() == ["悦颜大师兄"]
    accounts = vm.accounts_model
    row = next(r for r in range(accounts.rowCount()) if accounts.account_at(r).name == "悦颜大师兄")  # type: ignore[union-attr]
    labels = accounts.index(row, 0).data(accounts.ChoicesRole)
    assert labels[0] == "不关联直播账号" and any(x == "对应到已有账号：悦颜小美" for x in labels)
    with qtbot.waitSignal(vm.checked):
        accounts.setData(
            accounts.index(row, accounts.COL_ACTION), labels.index("对应到已有账号：悦颜小美")
        )
    assert vm.unassigned_accounts() == []
    decisions = vm.decisions()
    assert decisions.store is not None and decisions.store.new_name == "悦颜抖音小店"
    assert decisions.accounts["悦颜大师兄"].store_id is not None
    committed(qtbot, vm)
    assert vm.result is not None and vm.result.store == "悦颜抖音小店"
    aliases = {s.name: s.aliases for s in stores.list_stores(app)}
    assert aliases["悦颜小美"] == ("悦颜大师兄",)  # remembered for the next file


def test_outside_creators_are_listed_with_orders_and_gmv_and_can_be_mapped(
    qtbot: QtBot, session: SessionViewModel
) -> None:
    from core.services.archive import stores

    app = session.app
    for row in stores.list_stores(app):
        if row.name == "悦颜大师兄":
            for own in stores.all_ownerships(app):
                if own.store_id == row.id:
                    stores.remove_ownership(app, own.id)
            stores.delete_store(app, row.id)
    raw = pd.read_excel(DOUYIN, engine="calamine", dtype=str)
    theirs = raw[(raw["达人昵称"] == "悦颜大师兄") & (raw["订单状态"] != "已关闭")]
    orders = theirs["主订单编号"].nunique()
    gmv = pd.to_numeric(theirs["订单应付金额"]).sum()
    vm = ImportWizardViewModel(session, [DOUYIN])
    opened(qtbot, vm)
    previewed(qtbot, vm)
    assert vm.has_outside_creators
    assert [a.name for a in vm.unmatched_creators()] == ["悦颜大师兄"]
    text = vm.unmatched_creators_text()
    assert f"悦颜大师兄（{orders}单，¥{gmv:,.0f}）" in text and "计入店铺 GMV" in text
    accounts = vm.accounts_model
    row = next(r for r in range(accounts.rowCount()) if accounts.account_at(r).name == "悦颜大师兄")  # type: ignore[union-attr]
    assert accounts.index(row, accounts.COL_ORDERS).data() == str(orders)
    assert accounts.index(row, accounts.COL_GMV).data() == f"¥{gmv:,.0f}"
    # mapped in the preview to a live account: no longer listed, and the import links them
    labels = accounts.index(row, 0).data(accounts.ChoicesRole)
    with qtbot.waitSignal(vm.checked):
        accounts.setData(
            accounts.index(row, accounts.COL_ACTION), labels.index("对应到已有账号：悦颜小美")
        )
    assert vm.unmatched_creators() == [] and vm.unmatched_creators_text() == ""
    assert vm.has_outside_creators  # the table stays, so the choice can be changed back
    committed(qtbot, vm)
    assert vm.result is not None and vm.result.unmatched_creators == []


def test_duplicates_are_found_and_the_choice_is_kept(
    qtbot: QtBot, session: SessionViewModel
) -> None:
    from core.services.imports import engine as imports

    imports.import_file(session.app, TAOBAO)
    vm = ImportWizardViewModel(session, [TAOBAO])
    opened(qtbot, vm)
    previewed(qtbot, vm)
    report = vm.duplicates
    assert report is not None and report.same_file is not None and report.facts == 208
    assert "这个文件已于" in vm.duplicate_text() and "208 行数据" in vm.duplicate_text()
    assert "将导入 0 行" in vm.summary_text()
    vm.set_on_duplicate("replace")
    assert "将导入 208 行" in vm.summary_text()
    committed(qtbot, vm)
    assert vm.result is not None and vm.result.replaced == 220


def test_cancelling_the_commit_saves_nothing(qtbot: QtBot, session: SessionViewModel) -> None:
    from core.services.imports import engine as imports

    vm = ImportWizardViewModel(session, [LIVE])
    opened(qtbot, vm)
    previewed(qtbot, vm)
    before = len(imports.list_batches(session.app))
    with qtbot.waitSignal(vm.commit_cancelled, timeout=TIMEOUT):
        vm.commit()
        vm.cancel()  # before the worker's first step
    assert vm.result is None and len(imports.list_batches(session.app)) == before


# --- the tables ------------------------------------------------------------------------------------


def _many_orders(folder: Path, n: int) -> Path:
    raw = pd.read_csv(TAOBAO, encoding="gb18030", dtype=str, keep_default_na=False)
    rows = pd.concat([raw] * (n // len(raw) + 1), ignore_index=True).iloc[:n].copy()
    rows["订单编号"] = [f'="{7_000_000_000_000_000_000 + i}"' for i in range(n)]
    rows.loc[3, "买家实际支付金额"] = "abc"  # a warning
    rows.loc[5, "订单编号"] = ""  # an error: no order number
    path = folder / "ExportOrderList_many.csv"
    rows.to_csv(path, index=False, encoding="gb18030")
    return path


def test_parsed_rows_fetch_lazily_and_colour_problems(
    qtbot: QtBot, session: SessionViewModel, tmp_path: Path
) -> None:
    vm = ImportWizardViewModel(session, [_many_orders(tmp_path, 1300)])
    opened(qtbot, vm)
    previewed(qtbot, vm)
    rows = vm.rows_model
    assert rows.rowCount() == FETCH_STEP and rows.canFetchMore()
    while rows.canFetchMore():
        rows.fetchMore()
    assert rows.rowCount() == rows.total_rows
    headers = [rows.headerData(c, Qt.Orientation.Horizontal) for c in range(rows.columnCount())]
    assert (
        headers[0] == "行" and "买家实际支付金额" in headers and "买家会员名（匿名编号）" in headers
    )
    amount = headers.index("买家实际支付金额")
    order = headers.index("订单编号")
    colour = {
        rows.excel_row(r): (
            rows.index(r, amount).data(Qt.ItemDataRole.BackgroundRole),
            rows.index(r, order).data(Qt.ItemDataRole.BackgroundRole),
        )
        for r in range(rows.rowCount())
    }
    assert colour[5][0].color() == WARNING_BACKGROUND  # Excel row 5 = the 4th order
    assert colour[7][1].color() == ERROR_BACKGROUND
    assert "无法识别的数字" in rows.index(
        next(r for r in range(rows.rowCount()) if rows.excel_row(r) == 5), amount
    ).data(Qt.ItemDataRole.ToolTipRole)
    rows.set_only_problems(True)
    assert rows.total_rows == 2
    issues = vm.issues_model
    counts = issues.counts()
    assert counts["error"] == 1 and counts["warning"] == 1
    first = issues.row_at(0)
    assert first is not None and first.severity == "error" and first.row == 7
    assert issues.index(0, IssueTableModel.COL_KIND).data() == "错误"


def test_totals_and_value_formatting() -> None:
    from core.importers.totals import MonthTotals

    model = TotalsModel()
    model.set_totals("douyin-live", [MonthTotals("2024-06", 21, 1234.5, 1000, 50, None, 21)])
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[3:] == ["观看人数", "成交人数", "场次"]
    assert [model.index(0, c).data() for c in range(6)] == [
        "2024-06", "21", "1,234.50", "1,000", "50", "21"
    ]  # fmt: skip
    model.set_totals(
        "taobao-orders", [MonthTotals("2024-07", 2, 120.0, None, 2, None, 2, partial=True)]
    )
    assert model.index(0, 0).data() == "2024-07（不完整）"
    assert "月初付款" in model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert format_value(0.0325, "rate_percent_text") == "3.25%"
    assert format_value(1234.5, "money") == "1,234.50"
    assert format_value(dt.datetime(2024, 6, 9, 21, 5), "datetime") == "2024-06-09 21:05:00"
    assert format_value(None) == "—" and format_value(float("nan")) == "—"
    assert format_value(90.0, "duration") == "1.5 分钟"
    assert column_letter(0) == "A" and column_letter(26) == "AA" and column_letter(701) == "ZZ"
    assert short_message("文件 x.csv 第5行「金额」列：无法识别的数字“abc”") == "无法识别的数字“abc”"
    # English messages quote with plain quotes (they had Chinese curly ones)
    english = 'File x.csv, row 5, column "Amount": Unrecognised number "abc".'
    assert short_message(english) == 'Unrecognised number "abc".'
    assert ParsedRowsModel().rowCount(QModelIndex()) == 0


def test_account_actions_only_for_accounts_not_found() -> None:
    from core.services.imports.owners import AccountMatch, StoreOption
    from desktop.viewmodels.import_tables_vm import AccountsModel

    model = AccountsModel()
    found = StoreOption(4, "悦颜小美", "抖音直播", "live_account")
    choices = [
        AccountAction(label="不导入这些直播"),
        AccountAction(employee_id=9, label="新建账号，分配给：吴昊（E009）"),
    ]
    edits: list[tuple[str, AccountAction]] = []
    model.on_edit = lambda name, action: edits.append((name, action))
    model.set_accounts(
        [AccountMatch("悦颜小美", 12, found, ("黄婷（E008）",)), AccountMatch("悦颜大师兄", 9)],
        {},
        choices,
    )
    assert not model.flags(model.index(0, model.COL_ACTION)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(1, model.COL_ACTION)) & Qt.ItemFlag.ItemIsEditable
    assert model.index(0, model.COL_OWNERS).data() == "黄婷（E008）"
    assert model.index(1, model.COL_ACTION).data() == "分配给…"
    assert model.setData(model.index(1, model.COL_ACTION), 1)
    assert edits == [("悦颜大师兄", choices[1])]
    assert model.index(1, model.COL_ACTION).data() == "新建账号，分配给：吴昊（E009）"
    assert not model.setData(model.index(1, model.COL_ACTION), 7)


# --- the history ----------------------------------------------------------------------------------


def test_history_lists_and_undoes_in_the_background(
    qtbot: QtBot, session: SessionViewModel
) -> None:
    from core.services.imports import engine as imports

    live = imports.import_file(session.app, LIVE)
    vm = ImportsViewModel(session)
    vm.refresh()
    model = vm.model
    assert model.rowCount() == 3
    row = model.row_of(live.batch_id or 0)
    batch = model.batch_at(row)
    assert batch is not None and model.index(row, BatchTableModel.COL_MONTHS).data() == "2024-06"
    assert "#" + str(live.batch_id) in vm.undo_question(batch)
    assert "21" in vm.undo_question(batch)
    with qtbot.waitSignal(vm.undone, timeout=TIMEOUT) as undone:
        vm.undo(batch.id)
    assert "删除它导入的 21 行" in undone.args[0]
    assert model.index(model.row_of(batch.id), BatchTableModel.COL_STATE).data() == "已撤销"
    with qtbot.waitSignal(vm.failed, timeout=TIMEOUT) as failed:
        vm.undo(batch.id)
    assert "已经撤销过了" in failed.args[0]
    assert months_text(("2024-01", "2024-02")) == "2024-01 – 2024-02 (2)" and months_text(()) == "—"


def test_template_rows_the_archive_would_refuse_show_before_commit(
    qtbot: QtBot, session: SessionViewModel, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["工号", "课程", "机构", "开始日期", "学时", "成绩", "是否通过"])
    sheet.append(["E006", "直播运营进阶", "内部", "2024-03-02", 12, 86, "是"])
    sheet.append(["E999", "数据分析入门", "内部", "2024-05-11", 6, 58, "否"])
    path = tmp_path / "培训记录.xlsx"
    book.save(path)
    vm = ImportWizardViewModel(session, [path])
    opened(qtbot, vm)
    assert vm.kind == "training"
    previewed(qtbot, vm)
    problems = [vm.issues_model.row_at(r) for r in range(vm.issues_model.rowCount())]
    assert [(p.severity, p.row, p.column) for p in problems if p] == [("error", 3, "工号")]
    assert "将导入 1 行，跳过 1 行" in vm.summary_text()
    from core.services.imports import engine as imports

    assert len(imports.list_batches(session.app)) == 2  # the check wrote nothing


def test_undoing_an_order_export_says_the_same_count_it_asked_about(
    qtbot: QtBot, session: SessionViewModel
) -> None:
    from core.services.imports import engine as imports

    orders = imports.import_file(session.app, TAOBAO)  # its closed orders are kept, uncounted
    vm = ImportsViewModel(session)
    vm.refresh()
    batch = vm.model.batch_at(vm.model.row_of(orders.batch_id or 0))
    assert batch is not None
    asked = f"将删除它导入的 {batch.imported} 行数据"
    assert asked in vm.undo_question(batch)
    with qtbot.waitSignal(vm.undone, timeout=TIMEOUT) as undone:
        vm.undo(batch.id)
    # the audit saw 删除…208 行 asked and 删除 220 条 answered: the 12 closed orders counted too
    assert f"删除它导入的 {batch.imported} 行" in undone.args[0]


def test_the_mapping_samples_read_as_they_will_be_imported(
    qtbot: QtBot, session: SessionViewModel
) -> None:
    """淘宝's order number is shown without its ="…" Excel guard, the buyer's nickname with
    what becomes of it."""
    from tests.core.services.import_support import TAOBAO

    vm = ImportWizardViewModel(session, [TAOBAO])
    opened(qtbot, vm)
    model = vm.mapping_model
    samples = {
        model.row_at(r).spec.name: model.index(r, MappingTableModel.COL_SAMPLE).data()  # type: ignore[union-attr]
        for r in range(model.rowCount())
    }
    assert samples["order_id"].isdigit(), samples["order_id"]
    assert samples["buyer"].endswith("（导入时换成匿名编号）"), samples["buyer"]
