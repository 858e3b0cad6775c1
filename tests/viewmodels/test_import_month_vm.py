"""导入本月数据's viewmodel without a window: reading in the background, the summary's rows, the
commit and the result's lines, a question answered elsewhere, cancelling."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.services.imports import engine as imports
from core.session import AppSession
from desktop.viewmodels import worker
from desktop.viewmodels.import_month_vm import ASK_COLOR, ImportMonthViewModel, MonthFilesModel
from desktop.viewmodels.session_vm import SessionViewModel
from tests.conftest import SAMPLES
from tests.core.services.import_support import LIVE, TAOBAO, with_people
from tests.core.services.test_import_month import unknown_store

TIMEOUT = 60000
M = MonthFilesModel


@pytest.fixture
def company_beauty(company_beauty: AppSession) -> AppSession:
    """Template B with the review cycle the 评估打分 sample names already opened by the owner (a
    score row for a cycle nobody opened is a row error)."""
    from core.services.promotion.cycles import open_cycle

    open_cycle(company_beauty, "2024上半年", "2024-06")
    return company_beauty


@pytest.fixture
def session(company_beauty: AppSession) -> Iterator[SessionViewModel]:
    yield SessionViewModel(company_beauty)
    worker.wait_all()


def read(qtbot: QtBot, vm: ImportMonthViewModel, paths: list[Path]) -> None:
    with qtbot.waitSignal(vm.planned, timeout=TIMEOUT):
        vm.read(paths)


def test_the_ten_samples_read_commit_and_give_the_months_result(
    qtbot: QtBot, session: SessionViewModel, tmp_path: Path
) -> None:
    folder = tmp_path / "六月"
    shutil.copytree(SAMPLES, folder)
    vm = ImportMonthViewModel(session)
    notes: list[str] = []
    vm.progressed.connect(lambda done, total, note: notes.append(note))
    read(qtbot, vm, [folder])
    assert vm.stage == "summary" and not vm.busy and notes
    assert vm.model.rowCount() == 10 and vm.ready_count == 10
    assert vm.commit_label() == "导入 10 个文件"
    row = [vm.model.index(r, M.COL_FILE).data() for r in range(10)].index(TAOBAO.name)
    cells = [vm.model.index(row, c).data() for c in range(vm.model.columnCount())]
    assert cells[M.COL_KIND] == "淘宝/天猫订单报表"
    assert cells[M.COL_STORE] == "悦颜美妆专营店（新建）"  # the owners file brings the store
    assert cells[M.COL_MONTHS] == "2024-06 – 2024-07 (2)"
    assert cells[M.COL_ROWS : M.COL_SKIPPED + 1] == ["220", "208", "12"]
    assert cells[M.COL_STATUS] == "可以导入"
    assert vm.first_question() == -1 and vm.question_at(row) is None

    changes: list[str] = []
    session.data_changed.connect(changes.append)
    with qtbot.waitSignal(vm.committed, timeout=TIMEOUT):
        vm.commit()
    assert vm.stage == "result" and changes == ["imports"]
    assert "已导入 10 个文件" in vm.result_title()
    lines = vm.file_lines()
    assert len(lines) == 10 and {status for status, _, _ in lines} == {"imported"}
    stores = {store: (complete, incomplete) for store, complete, incomplete in vm.store_lines()}
    assert stores["悦颜美妆专营店"] == ("2023-01 – 2024-06 (18)", "2024-07（数据到 1 日）")
    assert stores["悦颜美妆旗舰店"] == ("2024-01 – 2024-06 (6)", "")
    assert vm.readiness_lines() == ["李娜：接近达标 运营总监"]


def test_a_question_is_shown_and_its_answer_from_the_wizard_counts(
    qtbot: QtBot, session: SessionViewModel, tmp_path: Path
) -> None:
    with_people(session.app)
    strange = unknown_store(tmp_path / "生意参谋_交易概况_月_悦颜美妆折扣店_2023-01_2024-06.xlsx")
    vm = ImportMonthViewModel(session)
    read(qtbot, vm, [LIVE, strange])
    assert vm.model.rowCount() == 2 and vm.ready_count == 1
    row = vm.first_question()
    assert vm.model.index(row, M.COL_FILE).data() == strange.name
    assert vm.model.index(row, M.COL_STATUS).data() == "需要确认"
    assert vm.model.index(row, M.COL_STORE).data() == "悦颜美妆折扣店（未知）"
    assert vm.model.index(row, M.COL_STATUS).data(Qt.ItemDataRole.ForegroundRole).color() == (
        ASK_COLOR
    )
    assert "悦颜美妆折扣店" in vm.detail_text(row) and "需要确认 1 个" in vm.summary_text()
    planned = vm.question_at(row)
    assert planned is not None and planned.question == "store" and planned.preview is not None
    # the wizard imports it into a store the user chose
    prev = planned.preview
    answer = imports.commit(
        session.app,
        prev,
        imports.Decisions(
            store=imports.StoreChoice(new_name="悦颜美妆折扣店", new_platform="天猫")
        ),
    )
    vm.resolved(row, [answer])
    assert vm.model.index(row, M.COL_STATUS).data() == "已导入"
    assert vm.question_at(row) is None and vm.first_question() == -1
    with qtbot.waitSignal(vm.committed, timeout=TIMEOUT):
        vm.commit()
    statuses = {name: status for status, name, _ in vm.file_lines()}
    assert statuses == {LIVE.name: "imported", strange.name: "imported"}
    assert "悦颜美妆折扣店" in {store for store, _, _ in vm.store_lines()}


def test_cancelling_the_reading_leaves_nothing(
    qtbot: QtBot, session: SessionViewModel, tmp_path: Path
) -> None:
    folder = tmp_path / "六月"
    shutil.copytree(SAMPLES, folder)
    vm = ImportMonthViewModel(session)
    vm.progressed.connect(lambda *args: vm.cancel())
    with qtbot.waitSignal(vm.cancelled, timeout=TIMEOUT):
        vm.read([folder])
    assert vm.plan is None and vm.stage == "idle" and not vm.busy
    assert imports.list_batches(session.app) == []
