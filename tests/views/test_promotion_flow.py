"""A promotion on the demo company through the real screens: HR's owner proposes 陈静 from the
达标名单, 李娜 (her supervisor), HR and the owner approve from 待我处理 — each logging in on the
same file after the previous one closed it — and the owner decides with an effective date in the
past; the employee's archive then shows the new level and salary."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from core.services import demo
from core.services.admin import auth
from core.session import AppSession
from desktop.viewmodels import worker
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.main_window import MainWindow
from desktop.views.promotion import case_dialog
from desktop.views.promotion.case_dialog import CaseDialog, DecisionDialog
from desktop.views.promotion.create_dialog import CreateCasesDialog
from tests.views.conftest import shot

pytestmark = pytest.mark.gui

PASSWORD = "tidui-demo"


@pytest.fixture
def demo_path(fresh_demo: Callable[..., Path]) -> Path:
    return fresh_demo(with_cases=False)  # the tests walk their own cases


class Scripted:
    """Modal dialogs answered by a script instead of a person (their ``exec`` replaced)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.seen: list[QDialog] = []

    def answer(self, cls: type[QDialog], script: Callable[[Any], None]) -> None:
        def exec_(dialog: QDialog) -> int:
            self.seen.append(dialog)
            dialog.show()
            script(dialog)
            return int(dialog.result())

        self.monkeypatch.setattr(cls, "exec", exec_)


def open_window(qtbot: QtBot, path: Path, login: str) -> tuple[AppSession, MainWindow]:
    app = auth.log_in(path, login, PASSWORD)
    window = MainWindow(SessionViewModel(app))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return app, window


def close_window(window: MainWindow, app: AppSession) -> None:
    worker.cancel_all()
    worker.wait_all()
    window.allow_close()
    window.close()
    app.close(backup=False)


def sidebar_text(window: MainWindow, key: str) -> str:
    row = next(i for i, s in enumerate(window.specs) if s.key == key)
    return window.sidebar.item(row).text()


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> Iterator[Scripted]:
    yield Scripted(monkeypatch)


def approve_from_queue(
    qtbot: QtBot, scripted: Scripted, path: Path, login: str, screenshot: str | None = None
) -> None:
    app, window = open_window(qtbot, path, login)
    page: Any = window.page("queue")
    qtbot.waitUntil(lambda: page.vm.count == 1, timeout=20000)
    qtbot.waitUntil(lambda: sidebar_text(window, "queue") == "待我处理 (1)")
    window.show_page("queue")
    assert page.table.model().index(0, 1).data() == "陈静"
    if screenshot:
        shot(window, screenshot)

    def approve(dialog: CaseDialog) -> None:
        qtbot.waitUntil(lambda: dialog.vm.view is not None, timeout=20000)  # read off the GUI
        assert dialog.buttons["approve"].isVisible()
        assert "陈静" in dialog.windowTitle()
        if screenshot:
            dialog.resize(1366, 768)
            shot(dialog, "promotion-case-view")
        dialog.comment.setPlainText(f"{login} 同意")
        qtbot.mouseClick(dialog.buttons["approve"], Qt.MouseButton.LeftButton)
        assert not dialog.buttons["approve"].isEnabled()  # no second click while it re-reads
        # done: nothing more for this user
        qtbot.waitUntil(lambda: not dialog.buttons["approve"].isVisible(), timeout=20000)
        dialog.reject()

    scripted.answer(CaseDialog, approve)
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    if login == "demo":  # approved: the owner's decision is next, so it stays in the queue
        qtbot.waitUntil(
            lambda: page.table.model().index(0, 4).data() == "待老板决定", timeout=20000
        )
        assert sidebar_text(window, "queue") == "待我处理 (1)"
    else:
        qtbot.waitUntil(lambda: page.vm.count == 0, timeout=20000)
        assert sidebar_text(window, "queue") == "待我处理"
    close_window(window, app)


def test_from_the_shortlist_through_three_approvals_to_the_archive(
    qtbot: QtBot, demo_path: Path, scripted: Scripted
) -> None:
    # the owner proposes 陈静 (nearly ready for 运营主管): the core asks for a reason first
    app, window = open_window(qtbot, demo_path, "demo")
    window.show_page("eligibility")
    page: Any = window.page("eligibility")
    qtbot.waitUntil(lambda: page.vm.found is not None and not page.vm.loading, timeout=30000)
    model = page.vm.model
    row = next(
        r
        for r in range(model.rowCount())
        if model.candidate_at(r).person.no == "E004"
        and model.candidate_at(r).transition.to_level == "运营主管"
    )
    page.table.clearSelection()
    page.table.selectRow(row)
    assert len(page.table.selectionModel().selectedRows()) == 1
    assert page.apply_action.isEnabled()

    def propose(dialog: CreateCasesDialog) -> None:
        assert dialog.people.count() == 1 and "陈静" in dialog.people.item(0).text()
        assert dialog.cycle.currentText() == demo.DEMO_CYCLE
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert "提名理由" in dialog.error.text() and dialog.isVisible()
        dialog.reason.setPlainText("店铺衰退期带队止跌，建议破格")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    scripted.answer(CreateCasesDialog, propose)
    page.apply_action.trigger()
    created = scripted.seen[-1]
    assert isinstance(created, CreateCasesDialog) and created.outcomes
    assert created.result() == QDialog.DialogCode.Accepted
    close_window(window, app)

    # 李娜 → 人事 → 老板, each from their own 待我处理
    approve_from_queue(qtbot, scripted, demo_path, "lina", screenshot="promotion-queue")
    approve_from_queue(qtbot, scripted, demo_path, "hr")

    # HR's score grid for the demo's cycle (a screenshot to look at; the keyboard flow is
    # tested in tests/viewmodels/test_promotion_grid_vm.py)
    app, window = open_window(qtbot, demo_path, "hr")
    window.show_page("cycles")
    cycles_page: Any = window.page("cycles")
    qtbot.waitUntil(lambda: cycles_page.vm.grid.rowCount() > 0, timeout=20000)
    assert cycles_page.vm.grid.is_editable(0, cycles_page.vm.grid.FIXED)
    shot(window, "promotion-score-grid")
    close_window(window, app)
    approve_from_queue(qtbot, scripted, demo_path, "demo")

    # the owner decides from the employee's 晋升申请 tab, effective a month ago
    app, window = open_window(qtbot, demo_path, "demo")
    employees: Any = window.page("employees")
    window.show_page("employees")
    from sqlalchemy import select

    from core.model import Employee

    with app.read() as s:
        chen = s.scalar(select(Employee).where(Employee.no == "E004"))
        assert chen is not None
        chen_id, salary_before = chen.id, chen.salary
    employees.show_employee(chen_id)
    tab = next(w for w in employees.extra_tabs if type(w).__name__ == "EmployeeCases")
    qtbot.waitUntil(lambda: tab.vm.count == 1, timeout=20000)
    assert tab.table.model().index(0, 4).data() == "待老板决定"
    # her own tab: no 工号 / 姓名 columns, so the move and its 状态 are in view
    assert tab.table.isColumnHidden(0) and tab.table.isColumnHidden(1)
    assert tab.table.columnViewportPosition(4) < tab.table.columnViewportPosition(2) + 330
    decided: dict[str, int] = {}
    asked: list[str] = []

    def confirm(_parent: object, _title: str, question: str) -> bool:
        asked.append(question)
        return len(asked) > 1  # the first time the owner thinks again and says No

    scripted.monkeypatch.setattr(case_dialog, "ask_to_confirm", confirm)

    def decide(dialog: DecisionDialog) -> None:
        suggested = dialog.salary.value()
        assert suggested > 0 and "¥" in dialog.suggestion.text() and "¥" in dialog.band.text()
        assert dialog.effective_date().day == 1 and dialog.effective_date() > date.today()
        assert not dialog.salary_error.isVisible()
        dialog.salary.setValue(9_999_999)  # far outside the band: the core's sentence in place
        assert "薪资带宽" in dialog.salary_error.text()
        dialog.on_accepted()
        assert "薪资带宽" in dialog.error.text() and dialog.result() != QDialog.DialogCode.Accepted
        dialog.salary.setValue(suggested)
        assert dialog.error.text() == ""  # the refusal of 9,999,999 does not stay (audit 5)
        past = date.today() - timedelta(days=30)
        dialog.effective.setDate(QDate(past.year, past.month, past.day))
        decided["salary"] = suggested
        assert not asked  # outside the band it was refused with the reason, nothing asked
        qtbot.keyClick(dialog.salary, Qt.Key.Key_Return)  # Enter in the salary field: asked
        assert len(asked) == 1 and f"新月薪 ¥{suggested:,}" in asked[0]
        assert "立即生效" in asked[0] and "陈静（E004）" in asked[0]
        assert dialog.vm.state != "published" and dialog.isVisible()  # No: nothing decided
        dialog.on_accepted()

    def open_and_decide(dialog: CaseDialog) -> None:
        qtbot.waitUntil(lambda: dialog.vm.view is not None, timeout=20000)
        assert dialog.buttons["decide"].isVisible()
        qtbot.mouseClick(dialog.buttons["decide"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.vm.state == "effective", timeout=20000)
        trail = [dialog.trail.item(r, 3).text() for r in range(dialog.trail.rowCount())]
        assert trail[-2:] == ["决定并公示", "生效"] and trail.count("同意") == 3
        dialog.reject()

    scripted.answer(DecisionDialog, decide)
    scripted.answer(CaseDialog, open_and_decide)
    tab.table.selectRow(0)
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)

    # the archive: new level and salary, the case effective
    qtbot.waitUntil(lambda: "运营主管" in employees.title.text(), timeout=20000)
    qtbot.waitUntil(lambda: employees.basic.salary.value() == decided["salary"], timeout=20000)
    assert decided["salary"] != salary_before
    tab = next(w for w in employees.extra_tabs if type(w).__name__ == "EmployeeCases")
    qtbot.waitUntil(lambda: tab.vm.count == 1, timeout=20000)
    assert tab.table.model().index(0, 4).data() == "已生效"
    close_window(window, app)
