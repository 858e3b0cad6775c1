"""The 员工档案 list shows who is ready or nearly ready, and keeps it current."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from core.services import demo
from core.session import AppSession
from desktop.viewmodels import worker
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.employees.page import EmployeesPage
from tests.conftest import as_role
from tests.views.conftest import shot

pytestmark = pytest.mark.gui


def _badges(page: EmployeesPage) -> dict[str, str]:
    model = page.list_vm.model
    column = model.columnCount() - 1
    assert model.headerData(column, Qt.Orientation.Horizontal) == "晋升状态"
    return {
        str(model.index(r, 0).data()): str(model.index(r, column).data() or "")
        for r in range(model.rowCount())
    }


def column_of(page: EmployeesPage) -> int:
    return page.list_vm.model.columnCount() - 1


def test_list_shows_readiness_badges(qtbot: QtBot, company_beauty: AppSession) -> None:
    # the archive page registers the 晋升状态 column itself (desktop/views/features.py)
    demo.fill(company_beauty)
    session_vm = SessionViewModel(company_beauty)
    page = EmployeesPage(session_vm)
    qtbot.addWidget(page)
    page.resize(1400, 800)
    page.show()
    badges = page.readiness_badges  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(badges.badges), timeout=20000)
    found = _badges(page)
    assert found["E006"] == "达标→运营专员"
    assert found["E004"] == "接近→运营主管"
    assert found["E007"] == ""
    shot(page, "employees-readiness-badges")
    # sorting by the column puts the ready first, then the nearly ready, then everyone else
    page.table.sortByColumn(column_of(page), Qt.SortOrder.AscendingOrder)
    model = page.list_vm.model
    order = [str(model.index(r, column_of(page)).data() or "") for r in range(model.rowCount())]
    assert order[0].startswith("达标") and order[1].startswith("接近") and order[-1] == ""
    # an edit elsewhere (here: the owner undoes the store-data batch) updates the column
    session_vm.notify_changed("imports")
    worker.wait_all()
    qtbot.waitUntil(lambda: _badges(page)["E006"] == "达标→运营专员", timeout=20000)


def test_hr_sees_the_column_too(qtbot: QtBot, company_beauty: AppSession) -> None:

    hr = as_role(company_beauty, "hr1", "hr")
    page = EmployeesPage(SessionViewModel(hr))
    qtbot.addWidget(page)
    assert hasattr(page, "readiness_badges")  # hr may view eligibility


def test_rebuilding_the_window_while_badges_compute(
    qtbot: QtBot, company_beauty: AppSession
) -> None:
    """A log-in as someone else rebuilds every screen; the badges still being computed for the old
    employee list must not reach it ("Signal source has been deleted") nor the new one late."""
    from desktop.views.main_window import MainWindow

    demo.fill(company_beauty)
    window = MainWindow(SessionViewModel(company_beauty))
    qtbot.addWidget(window)
    old = window.pages["employees"].readiness_badges  # type: ignore[attr-defined]
    old_seen: list[int] = []
    old.changed.connect(lambda: old_seen.append(1))
    window.rebuild()  # the old page (and its badges viewmodel) goes while its job runs
    window.rebuild()
    worker.wait_all()
    qtbot.wait(100)  # deliver the finished jobs' signals, the deleteLater of the old pages
    worker.wait_all()
    qtbot.wait(50)
    assert old_seen == []  # the dead list heard nothing
    page = window.pages["employees"]
    assert isinstance(page, EmployeesPage)
    qtbot.waitUntil(lambda: _badges(page)["E006"] == "达标→运营专员", timeout=20000)


def test_a_result_queued_before_the_rebuild_is_dropped(
    qtbot: QtBot, company_beauty: AppSession
) -> None:
    """The old run may finish before the log-in rebuilds the window, its result already queued
    ahead of the old page's deletion: the old list still hears nothing (this once failed on a
    loaded machine, when the job won the race)."""
    from desktop.views.main_window import MainWindow

    demo.fill(company_beauty)
    window = MainWindow(SessionViewModel(company_beauty))
    qtbot.addWidget(window)
    old = window.pages["employees"].readiness_badges  # type: ignore[attr-defined]
    old_seen: list[int] = []
    old.changed.connect(lambda: old_seen.append(1))
    worker.wait_all()  # the job is done; its result waits in the event queue
    window.rebuild()
    qtbot.wait(100)
    worker.wait_all()
    qtbot.wait(50)
    assert old_seen == []
