"""The promotion screens on the demo company through their widgets: HR adds a candidate to the
cycle by hand and takes them out again (评审周期), the employee's case on the 晋升进度 panel,
the owner's notice template in Settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QStyle, QStyleOptionViewItem, QWidget
from pytestqt.qtbot import QtBot

from core.services.admin import auth
from core.session import AppSession
from desktop.viewmodels import worker
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.promotion.cycles_page import AddCandidateDialog, CyclesPage
from tests.views.conftest import scripted_questions, shot

pytestmark = pytest.mark.gui
PASSWORD = "tidui-demo"


@pytest.fixture
def demo_source(demo_sources: Callable[[bool], Path]) -> Path:
    return demo_sources(False)  # the tests walk their own cases; built once: copy, never open


def _copy(source: Path, folder: Path) -> Path:
    import shutil

    path = folder / "demo.tidui"
    shutil.copy(source, path)
    shutil.copy(str(source) + ".keys", str(path) + ".keys")
    return path


@pytest.fixture
def demo_path(demo_source: Path, tmp_path: Path) -> Path:
    return _copy(demo_source, tmp_path)


@pytest.fixture
def hr(demo_path: Path) -> Iterator[AppSession]:
    app = auth.log_in(demo_path, "hr", PASSWORD)
    yield app
    worker.cancel_all()
    worker.wait_all()
    app.close(backup=False)


@pytest.fixture
def owner(demo_path: Path) -> Iterator[AppSession]:
    app = auth.log_in(demo_path, "demo", PASSWORD)
    yield app
    worker.cancel_all()
    worker.wait_all()
    app.close(backup=False)


def answer(
    monkeypatch: pytest.MonkeyPatch, cls: type[QDialog], script: Callable[[Any], None]
) -> None:
    def exec_(dialog: QDialog) -> int:
        dialog.show()
        script(dialog)
        return int(dialog.result())

    monkeypatch.setattr(cls, "exec", exec_)


def grid_numbers(page: CyclesPage) -> set[str]:
    sheet = page.vm.grid.sheet
    return {r.no for r in sheet.rows} if sheet else set()


def test_hr_adds_a_candidate_to_the_cycle_and_removes_them(
    qtbot: QtBot, hr: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = CyclesPage(SessionViewModel(hr))
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitUntil(lambda: page.vm.candidates.rowCount() > 0, timeout=20000)
    assert page.tabs.currentIndex() == 0  # the score grid; 加入候选人 is above the tabs
    assert page.add_button.isVisible() and page.add_button.isEnabled()
    before = grid_numbers(page)
    chosen: dict[str, str] = {}

    def add(dialog: AddCandidateDialog) -> None:
        assert dialog.people.count() > 0
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # nothing chosen yet
        assert "请先选择" in dialog.error.text() and dialog.isVisible()
        first = next(  # someone not in the grid yet (陈静 is there for other moves)
            item
            for item in map(dialog.people.item, range(dialog.people.count()))
            if item.text().split()[0] not in before
        )
        no = first.text().split()[0]
        dialog.filter.setText(no)  # typing narrows the list to that person
        visible = [dialog.people.item(i) for i in range(dialog.people.count())]
        assert all(no in i.text() for i in visible if not i.isHidden())
        chosen["no"], chosen["label"] = no, first.text()
        first.setSelected(True)
        shot(dialog, "promotion-add-candidate")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    answer(monkeypatch, AddCandidateDialog, add)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    no = chosen["no"]
    assert no not in before
    # the candidates and the score grid are read again, with the new person in both
    qtbot.waitUntil(lambda: no in grid_numbers(page), timeout=20000)
    model = page.vm.candidates
    row = next(
        r
        for r in range(model.rowCount())
        if model.rows[r].no == no and "手动加入" in str(model.index(r, 3).data())
    )
    page.tabs.setCurrentIndex(1)
    page.candidate_table.selectRow(row)
    assert page.remove_button.isEnabled()
    shot(page, "promotion-cycle-candidates")
    ready = next(r for r in range(model.rowCount()) if model.rows[r].source == "rules")
    page.candidate_table.selectRow(ready)
    assert not page.remove_button.isEnabled()  # the rules list the ready: they stay

    page.candidate_table.selectRow(row)
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: no not in grid_numbers(page), timeout=20000)
    assert all(not (r.no == no and r.source == "manual") for r in page.vm.candidates.rows)


def test_the_progress_panel_shows_the_case_and_opens_it(
    qtbot: QtBot, owner: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """陈静's 晋升进度: no case yet, nothing shown; proposed, the panel says where it is and who
    holds it (李娜, her supervisor); 查看申请 opens the case view on that case."""
    from sqlalchemy import select

    from core.model import Employee
    from core.services.eligibility import readiness as el
    from core.services.promotion import cases
    from desktop.views.eligibility.progress_panel import ProgressPanel
    from desktop.views.promotion.case_dialog import CaseDialog

    with owner.read() as s:
        chen = s.scalar(select(Employee).where(Employee.no == "E004"))
        assert chen is not None
        chen_id = chen.id
    session_vm = SessionViewModel(owner)
    panel = ProgressPanel(session_vm, chen_id)
    qtbot.addWidget(panel)
    panel.resize(900, 700)
    panel.show()
    qtbot.waitUntil(lambda: not panel.vm.loading and bool(panel.vm.cards), timeout=20000)
    worker.wait_all()
    qtbot.wait(50)
    assert not panel.cases.isVisible()  # no case yet

    move = next(
        c.transition.id
        for c in el.eligibility_list(owner, None).candidates
        if c.person.id == chen_id and c.transition.to_level == "运营主管"
    )
    case_id = cases.create_case(owner, chen_id, transition_id=move, reason="带队止跌，建议破格")
    session_vm.notify_changed("cases")
    qtbot.waitUntil(lambda: panel.cases.isVisible(), timeout=20000)
    [line] = panel.cases.vm.status_lines()
    assert line.case_id == case_id and "运营主管" in line.title and line.open
    assert line.state == "已提交" and "直属上级（lina）" in line.holder
    texts = " ".join(w.text() for w in panel.cases.findChildren(QLabel))
    assert "已提交" in texts and "lina" in texts
    shot(panel, "progress-panel-case")

    opened: list[int] = []

    def look(dialog: CaseDialog) -> None:
        opened.append(dialog.vm.case_id)
        qtbot.waitUntil(lambda: dialog.vm.view is not None, timeout=20000)
        dialog.reject()

    answer(monkeypatch, CaseDialog, look)
    qtbot.mouseClick(panel.cases.open_buttons[case_id], Qt.MouseButton.LeftButton)
    assert opened == [case_id]

    # withdrawn, it is the latest decided case: shown as such, nobody holds it
    cases.withdraw(owner, case_id, "时机未到")
    session_vm.notify_changed("cases")
    qtbot.waitUntil(lambda: panel.cases.vm.status_lines()[0].state == "已撤回", timeout=20000)
    [line] = panel.cases.vm.status_lines()
    assert not line.open and line.holder == ""


def test_the_owner_edits_the_notice_template_in_settings(qtbot: QtBot, owner: AppSession) -> None:
    from PySide6.QtGui import QTextCursor

    from desktop.views.settings.page import SettingsPage

    page = SettingsPage(SessionViewModel(owner))
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    page.tabs.setCurrentIndex(titles.index("公示模板"))
    tab: Any = page.notice_tab
    default = tab.text()
    assert "{姓名}" in default and "{职位}" not in default
    qtbot.waitUntil(lambda: "晋升为" in tab.preview.text(), timeout=5000)
    assert "{" not in tab.preview.text()  # filled with a real case's (or an example's) values

    # typing an unknown placeholder: the core's sentence in place, the preview empty
    tab.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(tab.editor, " {title}")  # typed (QTest types ASCII only)
    assert tab.problem.isVisible() and "{title}" in tab.problem.text()
    qtbot.waitUntil(lambda: tab.preview.text() == "—", timeout=5000)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "{title}" in tab.problem.text() and tab.vm.template() == default  # refused
    shot(page, "settings-notice-unknown")

    # undo takes the typing back; a placeholder chip inserts at the cursor
    while tab.undo_button.isEnabled():
        qtbot.mouseClick(tab.undo_button, Qt.MouseButton.LeftButton)
    assert tab.text() == default and not tab.problem.isVisible()
    tab.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.mouseClick(tab.chips["{工号}"], Qt.MouseButton.LeftButton)
    assert tab.text() == default + "{工号}"
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "已保存" in tab.message.text() and tab.vm.template() == default + "{工号}"
    qtbot.waitUntil(
        lambda: "{" not in tab.preview.text() and "E0" in tab.preview.text(), timeout=5000
    )
    shot(page, "settings-notice")

    # 恢复默认 is one edit: 撤销 brings the saved text back
    qtbot.mouseClick(tab.default_button, Qt.MouseButton.LeftButton)
    assert tab.text() == default
    qtbot.mouseClick(tab.undo_button, Qt.MouseButton.LeftButton)
    assert tab.text() == default + "{工号}"


def open_cycles(qtbot: QtBot, app: AppSession) -> CyclesPage:
    """评审周期 shown and active, its score grid read."""
    page = CyclesPage(SessionViewModel(app))
    qtbot.addWidget(page)
    page.resize(1300, 720)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(lambda: page.vm.grid.rowCount() > 0, timeout=20000)
    return page


def test_ctrl_z_in_the_score_grid_undoes_the_last_score_even_with_the_next_cell_open(
    qtbot: QtBot, owner: AppSession
) -> None:
    """评估打分 by keyboard: 85 Enter, 77 Tab (Qt then opens the next cell for typing), Ctrl+Z:
    the 77 goes, as the grid's hint promises. The empty editor used to take the Ctrl+Z."""
    from PySide6.QtWidgets import QApplication, QLineEdit

    page = open_cycles(qtbot, owner)
    grid = page.vm.grid
    table = page.grid.table
    column = grid.FIXED
    row = next(
        r
        for r in range(grid.rowCount() - 1)
        if grid.is_editable(r, column)
        and grid.is_editable(r + 1, column)
        and grid.index(r, column).data(Qt.ItemDataRole.EditRole) == ""
        and grid.index(r + 1, column).data(Qt.ItemDataRole.EditRole) == ""
    )
    table.setCurrentIndex(grid.index(row, column))
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)

    def typed(text: str, key: Qt.Key) -> None:
        for char in text:  # the first digit opens the cell's editor: the rest go there
            qtbot.keyClicks(QApplication.focusWidget(), char)
        qtbot.keyClick(QApplication.focusWidget(), key)
        worker.wait_all()

    typed("85", Qt.Key.Key_Return)
    typed("77", Qt.Key.Key_Tab)
    assert grid.index(row, column).data(Qt.ItemDataRole.EditRole) == "85"
    assert grid.index(row + 1, column).data(Qt.ItemDataRole.EditRole) == "77"
    assert isinstance(QApplication.focusWidget(), QLineEdit)  # the next cell, open and empty
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    worker.wait_all()
    qtbot.waitUntil(lambda: grid.index(row + 1, column).data(Qt.ItemDataRole.EditRole) == "")
    assert grid.index(row, column).data(Qt.ItemDataRole.EditRole) == "85"


def test_ctrl_z_in_the_score_grid_still_undoes_after_showing_another_cycle(
    qtbot: QtBot, owner: AppSession
) -> None:
    """85 Enter in 2024上半年, a click on 2023下半年 and back on 2024上半年, a click on the grid,
    Ctrl+Z: the cell holds exactly what it held before again, as the hint promises (the undo
    list used to be emptied whenever a cycle was shown). Ctrl+Z while 2023下半年 is shown
    undoes nothing of 2024上半年's."""
    from PySide6.QtWidgets import QApplication

    page = open_cycles(qtbot, owner)
    grid = page.vm.grid
    table = page.grid.table
    names = [c.name for c in page.vm.cycles.rows]
    first, other = names.index("2024上半年"), names.index("2023下半年")
    assert page.vm.cycles.rows[first].id == page.vm.cycle_id  # shown when the page opens
    first_id = page.vm.cycles.rows[first].id
    sheet = grid.sheet
    assert sheet is not None
    row = next(r for r, person in enumerate(sheet.rows) if person.name == "黄婷")
    items = [col.item for col in sheet.columns]
    column = grid.FIXED + items.index("策略答辩")
    assert grid.is_editable(row, column)
    before = grid.index(row, column).data(Qt.ItemDataRole.EditRole)
    assert before != "85"

    def click_cycle(i: int) -> None:
        cycle_id = page.vm.cycles.rows[i].id
        rect = page.cycle_table.visualRect(page.vm.cycles.index(i, 0))
        qtbot.mouseClick(page.cycle_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.waitUntil(lambda: grid.sheet is not None and grid.sheet.cycle_id == cycle_id)
        worker.wait_all()

    def click_cell(r: int, c: int) -> None:
        rect = table.visualRect(grid.index(r, c))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.waitUntil(table.hasFocus)

    def ctrl_z() -> None:
        qtbot.keyClick(
            QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
        )
        worker.wait_all()

    click_cell(row, column)
    for char in "85":  # the first digit opens the cell's editor: the rest go there
        qtbot.keyClicks(QApplication.focusWidget(), char)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    worker.wait_all()
    assert grid.index(row, column).data(Qt.ItemDataRole.EditRole) == "85"

    click_cycle(other)
    click_cell(0, grid.FIXED)
    ctrl_z()  # 2023下半年 has no edits of its own: nothing of 2024上半年's is touched
    click_cycle(first)
    assert grid.index(row, column).data(Qt.ItemDataRole.EditRole) == "85"
    click_cell(0, grid.FIXED)
    ctrl_z()
    qtbot.waitUntil(lambda: grid.index(row, column).data(Qt.ItemDataRole.EditRole) == before)
    assert table.currentIndex().row() == row and table.currentIndex().column() == column
    assert grid.sheet is not None and grid.sheet.cycle_id == first_id
    shot(page, "score-grid-undo-after-another-cycle")
    ctrl_z()  # nothing left: the cell stays as it was
    assert grid.index(row, column).data(Qt.ItemDataRole.EditRole) == before
    # right after choosing a cycle the keyboard is on the cycle list: Ctrl+Z there works too
    click_cell(row, column)
    for char in "77":
        qtbot.keyClicks(QApplication.focusWidget(), char)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    worker.wait_all()
    click_cycle(other)
    click_cycle(first)
    assert page.cycle_table.hasFocus()
    ctrl_z()
    qtbot.waitUntil(lambda: grid.index(row, column).data(Qt.ItemDataRole.EditRole) == before)
    assert table.hasFocus() and table.currentIndex().row() == row


def test_tab_in_the_score_grid_goes_only_between_score_cells(
    qtbot: QtBot, owner: AppSession
) -> None:
    """Tab at the end of a row goes to the next row's first score cell, not to its read-only
    员工 and 晋升路径 cells; Shift+Tab comes back. Past the last score cell Tab leaves the grid
    (and Shift+Tab before the first), whether the cell was open for typing or not."""
    from PySide6.QtWidgets import QApplication, QLineEdit

    page = open_cycles(qtbot, owner)
    page.tabs.setCurrentWidget(page.grid)
    grid = page.vm.grid
    table = page.grid.table
    rows, columns = grid.rowCount(), grid.columnCount()
    assert rows >= 2

    def editable(row: int) -> list[int]:
        return [c for c in range(columns) if grid.is_editable(row, c)]

    def at() -> tuple[int, int]:
        return table.currentIndex().row(), table.currentIndex().column()

    table.setCurrentIndex(grid.index(0, editable(0)[-1]))
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert at() == (1, editable(1)[0]) and editable(1)[0] >= grid.FIXED
    qtbot.keyClick(table, Qt.Key.Key_Backtab)
    assert at() == (0, editable(0)[-1])

    # typing, then Tab: saved, and the next row's first score cell opens for typing
    row = next(
        r
        for r in range(rows - 1)
        if grid.index(r, editable(r)[-1]).data(Qt.ItemDataRole.EditRole) == ""
    )
    table.setCurrentIndex(grid.index(row, editable(row)[-1]))
    qtbot.keyClicks(table, "8")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    worker.wait_all()
    assert grid.index(row, editable(row)[-1]).data(Qt.ItemDataRole.EditRole) == "8"
    assert at() == (row + 1, editable(row + 1)[0])
    assert isinstance(QApplication.focusWidget(), QLineEdit)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)

    # past the last score cell and before the first, the keyboard leaves the grid
    last = (rows - 1, editable(rows - 1)[-1])
    table.setCurrentIndex(grid.index(*last))
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert not table.hasFocus() and at() == last
    table.setCurrentIndex(grid.index(0, editable(0)[0]))
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key.Key_Backtab)
    assert not table.hasFocus() and at() == (0, editable(0)[0])

    # typed into the last one, Tab saves it and leaves too
    table.setCurrentIndex(grid.index(*last))
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClicks(table, "9")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    worker.wait_all()
    assert grid.index(*last).data(Qt.ItemDataRole.EditRole) == "9"
    assert not table.hasFocus() and QApplication.focusWidget() is not None
    assert not table.isAncestorOf(QApplication.focusWidget())


def test_enter_on_a_candidate_with_a_case_opens_the_case(
    qtbot: QtBot, demo_company: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """评审周期 → 候选人: Enter opens a candidate's 晋升申请, as a double click does."""
    from desktop.views.promotion import queue_page

    opened: list[int] = []
    monkeypatch.setattr(
        queue_page, "open_case", lambda _vm, case_id, _parent: opened.append(case_id)
    )
    page = open_cycles(qtbot, demo_company)
    candidates = page.vm.candidates
    qtbot.waitUntil(lambda: candidates.rowCount() > 0, timeout=20000)
    page.tabs.setCurrentIndex(1)
    row = next(r for r in range(candidates.rowCount()) if candidates.case_id(r) is not None)
    table = page.candidate_table
    table.setCurrentIndex(candidates.index(row, 0))
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened == [candidates.case_id(row)]


def test_a_person_up_for_several_moves_has_them_all_shown_whole_in_the_score_grid(
    qtbot: QtBot, owner: AppSession
) -> None:
    """陈静 is up for several moves: the 晋升路径 cell names them all, the level she starts
    from and then each target on a line of its own with its own "→" (the targets used to
    read as fragments of the first line), and her row is tall enough for them (it used to
    end the second in "…")."""
    page = open_cycles(qtbot, owner)
    grid = page.vm.grid
    table = page.grid.table
    paths = [grid.index(r, 1).data() for r in range(grid.rowCount())]
    several = [p for p in paths if len(p.splitlines()) >= 3]
    assert several, paths
    for text in several:
        start, *targets = text.splitlines()
        assert "→" not in start, text
        assert all(t.startswith("→ ") and t.count("→") == 1 for t in targets), text
    metrics = table.fontMetrics()
    style = table.style()
    # the room the style paints a cell's text in: its text rectangle less the text margins
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
    for row, text in enumerate(paths):
        lines = text.splitlines()
        option = QStyleOptionViewItem()
        index = grid.index(row, 1)
        table.itemDelegate().initStyleOption(option, index)
        option.rect = table.visualRect(index)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, table)
        room = rect.width() - 2 * margin
        # each line fits the column whole (so none wraps or ends in "…") and the row has room
        # for every line
        for line in lines:
            assert metrics.elidedText(line, Qt.TextElideMode.ElideRight, room) == line, line
        widest = max(metrics.horizontalAdvance(line) for line in lines)
        assert widest + 8 <= table.columnWidth(1), (text, table.columnWidth(1))
        assert len(lines) * metrics.height() <= table.rowHeight(row), (text, table.rowHeight(row))
    shot(page, "score-grid-two-moves")


def test_case_lists_show_their_column_titles_whole_in_english(qtbot: QtBot) -> None:
    """待我处理 in English: 'Employee no.' is wider than 工号's 70 px; the column takes its
    title's width instead of showing 'mployee nc'."""
    from desktop import i18n
    from desktop.viewmodels.promotion_queue_vm import case_columns
    from desktop.viewmodels.table_model import RecordTableModel
    from desktop.views.promotion.queue_page import CaseTable

    i18n.install("en")
    try:
        table = CaseTable(RecordTableModel(case_columns()))
        qtbot.addWidget(table)
        header = table.horizontalHeader()
        metrics = header.fontMetrics()
        for column in range(header.count() - 1):  # the last one stretches
            title = table.model().headerData(column, Qt.Orientation.Horizontal)
            assert header.sectionSize(column) >= metrics.horizontalAdvance(title) + 16, title
            tip = table.model().headerData(
                column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
            )
            assert tip == title  # every list's titles: whole under the mouse if cut
    finally:
        i18n.install("zh")


@pytest.mark.parametrize(("language", "name"), [("zh", "上半年"), ("en", " H1")])
def test_a_new_cycle_is_named_for_its_half_year_in_the_ui_language(
    qtbot: QtBot, owner: AppSession, language: str, name: str
) -> None:
    """The English dialog proposed "2024上半年"; the name is the owner's to change either way."""
    from desktop import i18n
    from desktop.viewmodels.promotion_cycles_vm import CyclesViewModel
    from desktop.views.promotion.cycles_page import NewCycleDialog

    i18n.install(language)
    dialog = NewCycleDialog(CyclesViewModel(SessionViewModel(owner)))
    qtbot.addWidget(dialog)
    proposed = dialog.name.text()
    year = dialog.month.currentData()[:4]
    assert proposed in (f"{year}{name}", f"{year}{name.replace('上', '下').replace('1', '2')}")


def test_a_new_cycle_is_offered_a_free_name_and_its_error_follows_the_name(
    qtbot: QtBot, owner: AppSession
) -> None:
    """The demo has 2023下半年 and 2024上半年: the dialog offers 2024下半年 (it offered
    2024上半年, taken). A taken name says so; renamed, the error goes, also the one saving gave."""
    from core.services.promotion import cycles
    from desktop.viewmodels.promotion_cycles_vm import CyclesViewModel
    from desktop.views.promotion.cycles_page import NewCycleDialog

    taken = {c.name for c in cycles.list_cycles(owner)}
    assert {"2023下半年", "2024上半年"} <= taken
    vm = CyclesViewModel(SessionViewModel(owner))
    dialog = NewCycleDialog(vm)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.name.text() == "2024下半年" and dialog.name.text() not in taken
    assert not dialog.error.text()

    dialog.name.setText("2024上半年")
    assert "2024上半年" in dialog.error.text()
    dialog.name.setText("2024上半年复评")
    assert not dialog.error.text()

    # the refusal saving gives goes as the name is changed, too
    dialog.existing = []  # as if the other cycle was opened after the dialog was
    dialog.name.setText("2024上半年")
    dialog.on_accepted()
    assert dialog.isVisible() and "2024上半年" in dialog.error.text()
    dialog.name.setText("2024年中")
    assert not dialog.error.text()

    # an error that is not about the name stays
    for i in range(dialog.transitions.count()):
        dialog.transitions.item(i).setCheckState(Qt.CheckState.Unchecked)
    dialog.on_accepted()
    message = dialog.error.text()
    assert message
    dialog.name.setText("2024年中评审")
    assert dialog.error.text() == message


def test_leaving_the_new_case_dialog_asks_before_a_typed_reason_is_lost(
    qtbot: QtBot, owner: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """发起晋升申请: Esc, 取消 or the window's close button with a reason typed asks first
    (the answer No keeps the dialog and the reason); with nothing typed it closes at once."""
    from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

    from desktop.views.promotion import create_dialog
    from desktop.views.promotion.create_dialog import CreateCasesDialog

    answers: list[bool] = []
    asked: list[QWidget] = []

    def ask(parent: QWidget) -> bool:
        asked.append(parent)
        return answers.pop(0)

    monkeypatch.setattr(create_dialog, "ask_discard_reason", ask)

    empty = CreateCasesDialog(SessionViewModel(owner), [])
    qtbot.addWidget(empty)
    empty.show()
    qtbot.waitExposed(empty)
    empty.reason.setFocus()
    qtbot.keyClick(empty.reason, Qt.Key.Key_Escape)
    assert not empty.isVisible() and not asked  # nothing typed: gone, unasked
    assert empty.result() == QDialog.DialogCode.Rejected

    dialog = CreateCasesDialog(SessionViewModel(owner), [])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.reason.setFocus()
    qtbot.keyClicks(dialog.reason, "long overdue")
    cancel = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel)
    answers[:] = [False, False, False]
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Escape)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    dialog.close()  # the window's close button
    assert asked == [dialog] * 3 and not answers
    assert dialog.isVisible() and dialog.reason.toPlainText() == "long overdue"

    answers[:] = [True]
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected

    # the real question: No is the default, and No keeps the reason
    monkeypatch.undo()
    seen: list[object] = []

    def question(*args: object) -> QMessageBox.StandardButton:
        seen.extend(args)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    assert create_dialog.ask_discard_reason(dialog) is False
    assert seen[-1] == QMessageBox.StandardButton.No


def test_the_case_dialog_names_its_steps_whole_in_english(
    qtbot: QtBot, demo_company: AppSession
) -> None:
    """English case dialog: 'Employee:' (not 'Employee：'), and the trail's step column wide
    enough for "direct supervisor" (it read "direct superv…")."""
    from core.services.promotion import cases
    from desktop import i18n
    from desktop.views.promotion.case_dialog import CaseDialog

    i18n.install("en")
    case = cases.list_cases(demo_company)[0]
    dialog = CaseDialog(SessionViewModel(demo_company), case.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.trail.rowCount() > 0, timeout=10000)
    step = dialog.trail.horizontalHeader().sectionSize(1)
    assert dialog.trail.fontMetrics().horizontalAdvance("Direct supervisor") < step
    captions = [w.text() for w in dialog.findChildren(QLabel)]
    assert "Employee:" in captions and not [c for c in captions if c.endswith("：")]


def test_the_case_dialog_keeps_a_typed_comment_and_enter_presses_no_button(
    qtbot: QtBot, demo_company: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The GUI audit: Esc threw a typed 意见 away unasked, and Enter on the criteria pressed
    保存自述 (the dialog's automatic default), saving an empty 自述 with an audit entry."""
    from PySide6.QtWidgets import QMessageBox, QPushButton

    from core.domain.cases import OPEN_STATES
    from core.services.promotion import cases
    from desktop.views.promotion.case_dialog import CaseDialog

    case = next(c for c in cases.list_cases(demo_company) if c.state in OPEN_STATES)
    dialog = CaseDialog(SessionViewModel(demo_company), case.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.vm.view is not None and not dialog.vm.busy, timeout=20000)
    assert not any(b.autoDefault() or b.isDefault() for b in dialog.findChildren(QPushButton))
    saved: list[str] = []
    monkeypatch.setattr(dialog.vm, "set_statement", lambda text: saved.append(text) or True)
    dialog.criteria.setFocus()
    qtbot.keyClick(dialog.criteria, Qt.Key.Key_Return)
    assert saved == [] and dialog.isVisible()
    assert not dialog.save_statement.isHidden()
    assert not dialog.save_statement.isEnabled()  # nothing typed: nothing to save
    dialog.statement.setPlainText(dialog.vm.statement + "负责618大促")
    assert dialog.save_statement.isEnabled()
    dialog.statement.setPlainText(dialog.vm.statement)

    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked = scripted_questions(monkeypatch, answers)
    assert not dialog.comment.isHidden()
    dialog.comment.setPlainText("请补充6月的直播数据")
    dialog.comment.setFocus()
    qtbot.keyClick(dialog.comment, Qt.Key.Key_Escape)
    assert asked == ["意见还没有提交，关闭后会丢失。仍要关闭吗？"]
    assert dialog.isVisible() and dialog.comment.toPlainText() == "请补充6月的直播数据"
    qtbot.keyClick(dialog.comment, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected


def test_proposing_from_a_cycle_preselects_that_cycle(qtbot: QtBot, owner: AppSession) -> None:
    """GUI audit 5 (B): 发起晋升申请 from 2024下半年's candidates preselected 2024上半年: the loop
    over the open cycles reused the name of the cycle asked for."""
    from core.services.promotion import cycles
    from desktop.views.promotion.create_dialog import CreateCasesDialog

    later = cycles.open_cycle(owner, "2024下半年", "2024-06").id
    opened = CreateCasesDialog(SessionViewModel(owner), [], None, later)
    qtbot.addWidget(opened)
    assert opened.cycle.currentText() == "2024下半年" and opened.cycle.currentData() == later
    names = [opened.cycle.itemText(i) for i in range(opened.cycle.count())]
    earlier = opened.cycle.itemData(names.index("2024上半年"))
    again = CreateCasesDialog(SessionViewModel(owner), [], None, earlier)
    qtbot.addWidget(again)
    assert again.cycle.currentText() == "2024上半年"


def test_acting_on_a_case_asks_about_an_unsaved_statement(
    qtbot: QtBot, demo_company: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GUI audit 5 (B): a 自述 typed and not saved was thrown away unasked by 同意 / 驳回 /
    退回补充 (the move reloads the case). Now: 取消 keeps everything; 保存 saves it with the
    move."""
    from core.services.promotion import cases
    from desktop.views import questions
    from desktop.views.promotion import case_dialog
    from desktop.views.promotion.case_dialog import CaseDialog

    case = next(
        c
        for c in cases.list_cases(demo_company)
        if "return" in cases.view_case(demo_company, c.id).actions
    )
    dialog = CaseDialog(SessionViewModel(demo_company), case.id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.vm.view is not None and not dialog.vm.busy, timeout=20000)
    assert not dialog.statement.isReadOnly()
    typed = (dialog.vm.statement or "") + "负责618大促的直播排期"
    dialog.statement.setPlainText(typed)
    dialog.comment.setPlainText("请补充6月的直播数据")
    asked: list[str] = []
    answers = [questions.CANCEL, questions.SAVE]

    def ask(parent: object, title: str, text: str, discard: str = "") -> str:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(case_dialog, "ask_statement", ask)
    monkeypatch.setattr(case_dialog, "ask_to_confirm", lambda *a: True)
    dialog.on_action_clicked("return")
    assert asked == ["自述还没有保存。先保存自述再退回补充吗？"]
    assert dialog.statement.toPlainText() == typed and not dialog.vm.busy  # nothing moved
    dialog.on_action_clicked("return")
    qtbot.waitUntil(lambda: not dialog.vm.busy, timeout=20000)
    after = cases.view_case(demo_company, case.id)
    assert after.state.value == "returned" and after.statement == typed
