"""The 数据导入 wizard driven through its widgets on the sample exports; a screenshot of every page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWizard
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from core.model import StoreDayFact
from core.services.archive import stores
from core.services.imports import engine as imports
from core.session import AppSession
from desktop.viewmodels import worker
from desktop.viewmodels.import_tables_vm import AccountsModel, MappingTableModel
from desktop.viewmodels.import_wizard_vm import NEW_STORE
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.imports import wizard as wizard_module
from desktop.views.imports.wizard import (
    CHECK,
    COMMIT,
    KIND,
    MAPPING,
    OWNER,
    SHEET,
    SUMMARY,
    ImportWizard,
)
from tests.core.services.import_support import (
    DATA_ROOT,
    DOUYIN,
    LIVE,
    SYCM_DAILY,
    SYCM_MONTHLY,
    TAOBAO,
    with_people,
)
from tests.views.conftest import shot

pytestmark = pytest.mark.gui
TIMEOUT = 30000


@pytest.fixture
def demo(company_beauty: AppSession) -> Iterator[AppSession]:
    yield with_people(company_beauty)
    worker.wait_all()


def make_wizard(qtbot: QtBot, app: AppSession, paths: list[Path]) -> ImportWizard:
    session_vm = SessionViewModel(app)
    wizard = ImportWizard(session_vm, paths)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def wait_page(qtbot: QtBot, wizard: ImportWizard, page_id: int) -> None:
    qtbot.waitUntil(lambda: wizard.currentId() == page_id, timeout=TIMEOUT)


def wait_ready(qtbot: QtBot, wizard: ImportWizard) -> None:
    qtbot.waitUntil(
        lambda: not wizard.vm.busy and wizard.currentPage().isComplete(), timeout=TIMEOUT
    )


def press_next(qtbot: QtBot, wizard: ImportWizard) -> None:
    wait_ready(qtbot, wizard)
    button = wizard.button(QWizard.WizardButton.NextButton)
    # the one step that writes the company file says 导入 N 行; 下一步 never commits
    assert (wizard.currentPage().nextId() == COMMIT) == button.text().startswith("导入 "), (
        wizard.currentId(),
        button.text(),
    )
    button.click()


def test_the_whole_wizard_on_the_sycm_xls(qtbot: QtBot, demo: AppSession) -> None:
    changes: list[str] = []
    wizard = make_wizard(qtbot, demo, [SYCM_DAILY])
    wizard.vm.session_vm.data_changed.connect(changes.append)

    # 2: the header (row 4) under the preamble, highlighted
    wait_page(qtbot, wizard, SHEET)
    wait_ready(qtbot, wizard)
    page = wizard.sheet_page
    assert page.header.value() == 4 and wizard.vm.sheet_model.header_row == 3
    assert "悦颜美妆旗舰店" in page.preamble.text()
    shot(wizard, "import-2-sheet")
    press_next(qtbot, wizard)

    # 3: detected as the 生意参谋 overview
    wait_page(qtbot, wizard, KIND)
    assert wizard.vm.kind == "sycm-shop"
    assert "生意参谋" in wizard.kind_page.detected.text()
    shot(wizard, "import-3-kind")
    press_next(qtbot, wizard)

    # 4: every needed field matched, nothing required missing
    wait_page(qtbot, wizard, MAPPING)
    model = wizard.vm.mapping_model
    rows = {model.row_at(r).spec.name: model.row_at(r) for r in range(model.rowCount())}  # type: ignore[union-attr]
    assert rows["gmv"].header == "支付金额" and rows["period"].header == "统计日期"
    assert not wizard.mapping_page.missing.isVisible()
    shot(wizard, "import-4-mapping")
    press_next(qtbot, wizard)

    # 5: the store from the preamble
    wait_page(qtbot, wizard, OWNER)
    assert "悦颜美妆旗舰店" in wizard.owner_page.store.currentText()
    assert "表头上方" in wizard.owner_page.detection.text()
    shot(wizard, "import-5-owner")
    press_next(qtbot, wizard)

    # 6: rows, "-" cells as warnings (yellow), monthly totals
    wait_page(qtbot, wizard, CHECK)
    check = wizard.check_page
    assert "182" in check.summary.text()
    assert not check.duplicates.isVisible()
    counts = wizard.vm.issues_model.counts()
    assert counts["error"] == 0 and counts["warning"] > 0
    assert wizard.vm.totals_model.rowCount() == 6
    assert wizard.button(QWizard.WizardButton.NextButton).text() == "导入 182 行"
    shot(wizard, "import-6-check")
    check.tabs.setCurrentIndex(1)
    shot(wizard, "import-6-check-issues")
    check.tabs.setCurrentIndex(2)
    shot(wizard, "import-6-check-totals")
    press_next(qtbot, wizard)

    # 7 and the summary
    wait_page(qtbot, wizard, SUMMARY)
    result = wizard.vm.result
    assert result is not None and result.batch_id is not None and result.imported == 182
    assert "imports" in changes
    text = wizard.summary_page.text.toPlainText()
    assert "#" + str(result.batch_id) in text and "悦颜美妆旗舰店" in text
    assert not wizard.summary_page.next_button.isVisible()
    shot(wizard, "import-8-summary")
    with demo.read() as s:
        assert s.scalar(select(func.count(StoreDayFact.id))) == 182


def test_commit_page_shows_progress_and_can_cancel(qtbot: QtBot, demo: AppSession) -> None:
    wizard = make_wizard(qtbot, demo, [TAOBAO])
    for page_id in (SHEET, KIND, MAPPING, OWNER, CHECK):
        wait_page(qtbot, wizard, page_id)
        if page_id == CHECK:  # June's export, with a few orders paid on 1 July
            wizard.check_page.tabs.setCurrentIndex(2)
            totals = wizard.vm.totals_model
            assert totals.index(1, 0).data() == "2024-07（不完整）"
            shot(wizard, "import-6-check-totals-partial")
        press_next(qtbot, wizard)
    wait_page(qtbot, wizard, COMMIT)
    # a quick file may already be done; either it finished or the cancel rolled it back
    wizard.commit_page.cancel_button.click()
    qtbot.waitUntil(lambda: not wizard.vm.busy, timeout=TIMEOUT)
    shot(wizard, "import-7-commit")
    batches = imports.list_batches(demo)
    if wizard.vm.result is None:
        assert not wizard.commit_page.status.isHidden()
        assert all(b.source != "taobao-orders" for b in batches)
    else:
        assert batches[0].source == "taobao-orders"


def test_reimport_asks_skip_replace_or_drop(qtbot: QtBot, demo: AppSession) -> None:
    imports.import_file(demo, SYCM_MONTHLY)
    wizard = make_wizard(qtbot, demo, [SYCM_MONTHLY])
    for page_id in (SHEET, KIND, MAPPING, OWNER):
        wait_page(qtbot, wizard, page_id)
        press_next(qtbot, wizard)
    wait_page(qtbot, wizard, CHECK)
    check = wizard.check_page
    assert check.duplicates.isVisible() and check.skip.isChecked()
    assert "18" in check.duplicate_text.text()
    shot(wizard, "import-6-duplicates")
    check.replace.click()
    assert wizard.vm.on_duplicate == "replace"
    check.drop.click()
    press_next(qtbot, wizard)
    wait_page(qtbot, wizard, SUMMARY)
    assert "不导入" in wizard.summary_page.text.toPlainText()
    assert len(imports.list_batches(demo)) == 3  # roster, owners, the first monthly import


def forget_store(app: AppSession, name: str) -> None:
    """As if the company had never recorded the store (or live account) ``name``."""
    store = next(s for s in stores.list_stores(app) if s.name == name)
    for own in stores.all_ownerships(app):
        if own.store_id == store.id:
            stores.remove_ownership(app, own.id)
    stores.delete_store(app, store.id)


def test_a_new_store_and_an_unknown_account_are_settled_in_the_wizard(
    qtbot: QtBot, demo: AppSession
) -> None:
    forget_store(demo, "悦颜大师兄")
    wizard = make_wizard(qtbot, demo, [LIVE])
    for page_id in (SHEET, KIND, MAPPING):
        wait_page(qtbot, wizard, page_id)
        press_next(qtbot, wizard)
    wait_page(qtbot, wizard, OWNER)
    owner = wizard.owner_page
    assert not owner.store_box.isVisible() and owner.accounts_box.isVisible()
    model = wizard.vm.accounts_model
    names = [model.account_at(r).name for r in range(model.rowCount())]  # type: ignore[union-attr]
    assert names == ["悦颜小美", "悦颜大师兄"]
    qtbot.waitUntil(
        lambda: owner.accounts.indexWidget(model.index(1, AccountsModel.COL_ACTION)) is not None
    )
    shot(wizard, "import-5-accounts")
    labels = model.index(1, 0).data(AccountsModel.ChoicesRole)
    wu = next(i for i, label in enumerate(labels) if "E009" in label)
    model.setData(model.index(1, AccountsModel.COL_ACTION), wu)
    assert wizard.vm.unassigned_accounts() == []
    press_next(qtbot, wizard)
    wait_page(qtbot, wizard, CHECK)
    press_next(qtbot, wizard)
    wait_page(qtbot, wizard, SUMMARY)
    assert wizard.vm.result is not None and wizard.vm.result.imported == 21
    assert any(s.name == "悦颜大师兄" for s in stores.list_stores(demo))


def test_an_outside_creator_is_shown_on_the_check_page_and_mapped_there(
    qtbot: QtBot, demo: AppSession
) -> None:
    forget_store(demo, "悦颜大师兄")
    wizard = make_wizard(qtbot, demo, [DOUYIN])
    for page_id in (SHEET, KIND, MAPPING, OWNER):
        wait_page(qtbot, wizard, page_id)
        press_next(qtbot, wizard)
    wait_page(qtbot, wizard, CHECK)
    check = wizard.check_page
    assert check.creators.isVisible()
    assert (
        "悦颜大师兄（" in check.creators_text.text()
        and "计入店铺 GMV" in check.creators_text.text()
    )
    model = wizard.vm.accounts_model
    row = next(r for r in range(model.rowCount()) if model.account_at(r).name == "悦颜大师兄")  # type: ignore[union-attr]
    qtbot.waitUntil(
        lambda: (
            check.creators_table.indexWidget(model.index(row, AccountsModel.COL_ACTION)) is not None
        )
    )
    shot(wizard, "import-6-outside-creators")
    labels = model.index(row, 0).data(AccountsModel.ChoicesRole)
    model.setData(
        model.index(row, AccountsModel.COL_ACTION), labels.index("对应到已有账号：悦颜小美")
    )
    qtbot.waitUntil(lambda: "都已对应到直播账号" in check.creators_text.text())
    press_next(qtbot, wizard)
    wait_page(qtbot, wizard, SUMMARY)
    assert wizard.vm.result is not None and wizard.vm.result.unmatched_creators == []


def test_store_to_create_when_the_file_names_an_unknown_one(qtbot: QtBot, demo: AppSession) -> None:
    forget_store(demo, "悦颜美妆旗舰店")
    wizard = make_wizard(qtbot, demo, [SYCM_DAILY])
    for page_id in (SHEET, KIND, MAPPING):
        wait_page(qtbot, wizard, page_id)
        press_next(qtbot, wizard)
    wait_page(qtbot, wizard, OWNER)
    owner = wizard.owner_page
    assert "还没有这个店铺" in owner.detection.text()
    assert not owner.isComplete()
    owner.store.setCurrentIndex(owner.store.findData(NEW_STORE))
    owner.store.activated.emit(owner.store.currentIndex())
    assert owner.new_name.text() == "悦颜美妆旗舰店" and owner.new_platform.currentText() == "天猫"
    shot(wizard, "import-5-new-store")
    assert owner.isComplete()
    press_next(qtbot, wizard)
    wait_page(qtbot, wizard, CHECK)
    press_next(qtbot, wizard)
    wait_page(qtbot, wizard, SUMMARY)
    assert wizard.vm.result is not None and wizard.vm.result.store == "悦颜美妆旗舰店"


def test_mapping_change_saved_as_profile(
    qtbot: QtBot, demo: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wizard_module, "ask_profile_name", lambda parent, suggested: "我的方案")
    wizard = make_wizard(qtbot, demo, [SYCM_MONTHLY])
    for page_id in (SHEET, KIND):
        wait_page(qtbot, wizard, page_id)
        press_next(qtbot, wizard)
    wait_page(qtbot, wizard, MAPPING)
    model = wizard.vm.mapping_model
    page = wizard.mapping_page
    assert not page.save_button.isEnabled()
    row = next(r for r in range(model.rowCount()) if model.row_at(r).spec.name == "visitors")  # type: ignore[union-attr]
    model.setData(model.index(row, MappingTableModel.COL_COLUMN), -1)  # 访客数 not imported
    assert page.save_button.isEnabled()
    page.save_button.click()
    assert page.saved.text().endswith("我的方案")
    assert [p.name for p in imports.list_profiles(demo)] == ["我的方案"]
    # a required field without a column stops the wizard with a red note
    row = next(r for r in range(model.rowCount()) if model.row_at(r).spec.name == "gmv")  # type: ignore[union-attr]
    model.setData(model.index(row, MappingTableModel.COL_COLUMN), -1)
    assert page.missing.isVisible() and not page.isComplete()
    shot(wizard, "import-4-missing")


def test_password_protected_file_is_explained_and_can_be_skipped(
    qtbot: QtBot, demo: AppSession
) -> None:
    locked = DATA_ROOT / "imports" / "password_protected.xlsx"
    wizard = make_wizard(qtbot, demo, [locked, LIVE])
    wait_page(qtbot, wizard, SHEET)
    page = wizard.sheet_page
    qtbot.waitUntil(lambda: page.error.isVisible(), timeout=TIMEOUT)
    assert "密码" in page.error.text() and not page.isComplete()
    shot(wizard, "import-2-password")
    page.skip_button.click()
    qtbot.waitUntil(lambda: wizard.vm.file is not None and not wizard.vm.busy, timeout=TIMEOUT)
    assert wizard.vm.current_path == LIVE and not page.error.isVisible()


def test_several_files_one_after_another(qtbot: QtBot, demo: AppSession) -> None:
    wizard = make_wizard(qtbot, demo, [LIVE, SYCM_MONTHLY])
    assert wizard.sheet_page.file_label.text() == "第 1/2 个文件：" + LIVE.name
    for page_id in (SHEET, KIND, MAPPING, OWNER, CHECK):
        wait_page(qtbot, wizard, page_id)
        press_next(qtbot, wizard)
    wait_page(qtbot, wizard, SUMMARY)
    summary = wizard.summary_page
    assert summary.next_button.isVisible() and "1" in summary.next_button.text()
    summary.next_button.click()
    wait_page(qtbot, wizard, SHEET)
    qtbot.waitUntil(lambda: wizard.vm.file is not None and not wizard.vm.busy, timeout=TIMEOUT)
    assert wizard.vm.current_path == SYCM_MONTHLY
    assert wizard.sheet_page.file_label.text().startswith("第 2/2 个文件")
    for page_id in (SHEET, KIND, MAPPING, OWNER, CHECK):
        wait_page(qtbot, wizard, page_id)
        press_next(qtbot, wizard)
    wait_page(qtbot, wizard, SUMMARY)
    text = summary.text.toPlainText()
    assert LIVE.name in text and SYCM_MONTHLY.name in text
    assert not summary.next_button.isVisible()
    assert [b.source for b in imports.list_batches(demo)[:2]] == ["sycm-shop", "douyin-live"]
    shot(wizard, "import-8-summary-two-files")


def test_wizard_in_english(qtbot: QtBot, demo: AppSession) -> None:
    from desktop import i18n

    i18n.install("en")
    wizard = make_wizard(qtbot, demo, [TAOBAO])
    wait_page(qtbot, wizard, SHEET)
    labels = [label.text() for label in wizard.currentPage().findChildren(QLabel)]
    assert "Header on row" in labels and "Row" not in labels  # it read "Header on row [1] Row"
    for page_id in (SHEET, KIND, MAPPING, OWNER):
        wait_page(qtbot, wizard, page_id)
        press_next(qtbot, wizard)
    wait_page(qtbot, wizard, CHECK)
    assert wizard.check_page.summary.text().startswith("220 rows: 208 will be imported")
    assert wizard.vm.issues_model.index(0, 0).data() == "Skipped"
    wizard.check_page.tabs.setCurrentIndex(1)
    shot(wizard, "import-6-check-en")


def test_enter_on_a_page_that_has_finished_reading_goes_forward_not_to_cancel(
    qtbot: QtBot, demo: AppSession
) -> None:
    """Seen in the real app: while the first page read the file its 下一步 was disabled, Qt moved
    the focus on to 取消, and the HR assistant's Enter closed the wizard."""
    wizard = make_wizard(qtbot, demo, [TAOBAO])
    wizard.activateWindow()
    wait_page(qtbot, wizard, SHEET)
    wait_ready(qtbot, wizard)
    cancel = wizard.button(QWizard.WizardButton.CancelButton)
    qtbot.waitUntil(lambda: wizard.focusWidget() is not cancel, timeout=TIMEOUT)
    qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_Return)
    wait_page(qtbot, wizard, KIND)
    assert wizard.isVisible()
    wait_ready(qtbot, wizard)
    qtbot.keyClick(wizard.focusWidget() or QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.currentId() not in (SHEET, KIND), timeout=TIMEOUT)
    assert wizard.isVisible()


def test_the_preview_columns_fit_what_they_show(qtbot: QtBot, demo: AppSession) -> None:
    """预览和检查 on a 淘宝 order report: a row number takes little room, an order number and a
    status such as 卖家已发货，等待买家确认 are shown whole (all were 110 px, cut to "卖家已发货，…");
    no second column of row numbers beside the file's own."""
    wizard = make_wizard(qtbot, demo, [TAOBAO])
    for page_id in (SHEET, KIND, MAPPING, OWNER):
        wait_page(qtbot, wizard, page_id)
        press_next(qtbot, wizard)
    wait_page(qtbot, wizard, CHECK)
    wait_ready(qtbot, wizard)
    table = wizard.check_page.rows
    model = table.model()
    metrics = table.fontMetrics()
    headers = [
        str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())
    ]
    assert not table.verticalHeader().isVisible()
    assert table.columnWidth(headers.index("行")) < 80
    for name in ("订单编号", "订单状态"):
        column = headers.index(name)
        longest = max(
            metrics.horizontalAdvance(str(model.index(r, column).data()))
            for r in range(min(model.rowCount(), 200))
        )
        assert longest + 4 <= table.columnWidth(column), (name, longest)
    shot(wizard, "import-6-check-orders")
