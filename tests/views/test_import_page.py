"""数据导入 page: the history with undo (confirmed), template downloads, files dropped on the window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.services.imports import engine as imports
from core.session import AppSession
from desktop import i18n
from desktop.viewmodels import worker
from desktop.viewmodels.import_history_vm import BatchTableModel
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.imports import page as page_module
from desktop.views.imports.page import ImportsPage
from desktop.views.imports.wizard import FILES, SHEET
from tests.core.services.import_support import LIVE, SYCM_DAILY, TAOBAO, with_people
from tests.views.conftest import shot

pytestmark = pytest.mark.gui
B = BatchTableModel


@pytest.fixture
def demo(company_beauty: AppSession) -> Iterator[AppSession]:
    yield with_people(company_beauty)
    worker.wait_all()


def make_page(qtbot: QtBot, app: AppSession) -> ImportsPage:
    page = ImportsPage(SessionViewModel(app))
    qtbot.addWidget(page)
    page.resize(1360, 720)
    page.show()
    return page


def test_empty_history_says_what_to_do(qtbot: QtBot, company: AppSession) -> None:
    page = make_page(qtbot, company)
    assert page.empty.isVisible() and not page.table.isVisible()
    assert "新建导入" in page.empty.text()
    assert not page.undo_action.isEnabled()
    shot(page, "imports-page-empty")


def test_history_lists_batches_and_undo_asks_first(
    qtbot: QtBot, demo: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    daily = imports.import_file(demo, SYCM_DAILY)
    imports.import_file(demo, TAOBAO)
    page = make_page(qtbot, demo)
    model = page.vm.model
    assert model.rowCount() == 4  # roster, owners, daily, orders (newest first)
    assert model.index(0, B.COL_SOURCE).data() == "淘宝/天猫订单报表"
    assert model.index(0, B.COL_STORE).data() == "悦颜美妆专营店"
    assert model.index(0, B.COL_ROWS).data() == "220"
    assert model.index(0, B.COL_STATE).data() == "有效"
    page.table.selectRow(1)
    assert page.selected() is not None and page.selected().id == daily.batch_id  # type: ignore[union-attr]
    assert "悦颜美妆旗舰店" in page.detail.text() and "2024-01 – 2024-06 (6)" in page.detail.text()
    assert page.undo_action.isEnabled()
    shot(page, "imports-page-history")

    asked: list[str] = []
    monkeypatch.setattr(page_module, "ask_undo", lambda parent, q: asked.append(q) or False)
    page.undo_action.trigger()
    assert asked and "#" + str(daily.batch_id) in asked[0]
    assert not imports.list_batches(demo)[1].undone  # said no: nothing happened

    changes: list[str] = []
    page.session_vm.data_changed.connect(changes.append)
    monkeypatch.setattr(page_module, "ask_undo", lambda parent, q: True)
    with qtbot.waitSignal(page.vm.undone, timeout=20000):
        page.undo_action.trigger()
    assert changes == ["imports"]
    row = model.row_of(daily.batch_id or 0)
    assert model.index(row, B.COL_STATE).data() == "已撤销"
    assert model.index(row, B.COL_FILE).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert "已撤销导入批次" in page.status.text()
    page.table.selectRow(row)
    assert not page.undo_action.isEnabled()
    shot(page, "imports-page-undone")


def test_templates_download_with_the_ladders_lists(
    qtbot: QtBot, demo: AppSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page(qtbot, demo)
    titles = [a.text() for a in page.template_menu.actions()]
    assert titles == ["员工花名册", "店铺负责人", "培训记录", "成果记录", "评估打分", "指标数据"]
    target = tmp_path / "花名册.xlsx"
    monkeypatch.setattr(page_module, "ask_template_path", lambda parent, name: target)
    page.template_menu.actions()[0].trigger()
    sheet = load_workbook(target).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["工号", "姓名", "性别"]
    assert "模板已保存" in page.status.text()
    target = tmp_path / "指标数据.xlsx"
    page.template_menu.actions()[5].trigger()
    book = load_workbook(target)
    assert [c.value for c in book.worksheets[0][1]] == ["工号", "月份", "指标", "数值", "备注"]
    choices = [c.value for c in book["选项"]["A"][1:]]
    assert "30日留存率" in choices and "库存周转天数" in choices and "GMV" not in choices


def test_dropped_files_open_the_wizard_on_the_first_one(qtbot: QtBot, demo: AppSession) -> None:
    page = make_page(qtbot, demo)
    wizard = page.start_import([LIVE, Path("/tmp/照片.png")])
    assert wizard.vm.files == [LIVE] and wizard.startId() == SHEET
    assert "照片.png" in page.status.text()
    qtbot.waitUntil(lambda: wizard.vm.file is not None and not wizard.vm.busy, timeout=20000)
    # more files dropped while it is open go to the same wizard's queue
    again = page.start_import([TAOBAO])
    assert again is wizard and wizard.vm.files == [LIVE, TAOBAO]
    wizard.reject()
    assert page.wizard is None


def test_new_import_without_files_starts_at_the_file_page(
    qtbot: QtBot, demo: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.views.imports import wizard as wizard_module

    page = make_page(qtbot, demo)
    wizard = page.start_import([])
    assert wizard.startId() == FILES and wizard.currentId() == FILES
    assert not wizard.file_page.isComplete()
    monkeypatch.setattr(wizard_module, "ask_files", lambda parent: [SYCM_DAILY])
    wizard.file_page.add_button.click()
    assert wizard.file_page.list.count() == 1 and wizard.file_page.isComplete()
    shot(wizard, "import-1-files")
    wizard.reject()


def test_page_in_english(qtbot: QtBot, demo: AppSession) -> None:
    imports.import_file(demo, LIVE)
    i18n.install("en")
    page = make_page(qtbot, demo)
    model = page.vm.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(B.COLUMN_COUNT)]
    assert headers[:3] == ["Batch", "File", "Source"]
    assert model.index(0, B.COL_SOURCE).data() == "Douyin Compass live-session list"
    assert page.new_action.text() == "New import…"
    shot(page, "imports-page-en")


def test_cut_names_keep_their_end(qtbot: QtBot, demo: AppSession) -> None:
    """At 1366×768 the 文件 and 数据来源 columns are too narrow for 'ExportOrderList202406.csv' and
    生意参谋店铺整体/交易概况: they used to read 'ExportOrderL…', so two months' files looked alike.
    Cut in the middle, the month and the extension stay in sight."""
    imports.import_file(demo, SYCM_DAILY)
    page = make_page(qtbot, demo)
    assert page.table.textElideMode() == Qt.TextElideMode.ElideMiddle
    width = page.table.columnWidth(B.COL_FILE)
    shown = page.table.fontMetrics().elidedText(
        "ExportOrderList202406.csv", page.table.textElideMode(), width - 8
    )
    assert "…" in shown and shown.endswith("06.csv")
