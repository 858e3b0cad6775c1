"""达标名单, and what it adds to the employee archive: the form's 晋升进度 and KPI tabs and the list's
晋升状态 column (``register``, called by desktop/views/features.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.employees.tabs import EXTRA_TABS, LIST_EXTENSIONS

PROGRESS_TAB = "晋升进度"
KPI_TAB = "KPI"


def make_progress_tab(session_vm: SessionViewModel, employee_id: int, parent: QWidget) -> QWidget:
    from desktop.views.eligibility.progress_panel import ProgressPanel

    return ProgressPanel(session_vm, employee_id, None, parent)


def make_kpi_tab(session_vm: SessionViewModel, employee_id: int, parent: QWidget) -> QWidget:
    from desktop.views.eligibility.kpi_tab import KpiTab

    return KpiTab(session_vm, employee_id, parent)


def readiness_column(page: QWidget) -> None:
    """A 晋升状态 column in the employee list (已达标/接近达标 and the target level)."""
    from desktop.viewmodels.readiness_badges_vm import ReadinessBadgesViewModel
    from desktop.views.employees.page import EmployeesPage

    assert isinstance(page, EmployeesPage)
    badges = ReadinessBadgesViewModel(page.session_vm, page)
    if not badges.enabled:
        return
    model = page.list_vm.model
    column = model.add_column(
        "晋升状态",
        lambda row: badges.badge(row.id),
        # ready first, then nearly ready, then the rest; each by target level and number
        sort_key=lambda row: (badges.rank(row.id), badges.badge(row.id), row.no),
    )
    page.table.horizontalHeader().resizeSection(column, 120)
    badges.changed.connect(lambda: model.column_changed(column))
    page.readiness_badges = badges  # type: ignore[attr-defined]
    badges.refresh()


def register() -> None:
    """Add the two tabs and the list column once (importing this package twice adds nothing)."""
    titles = {title for title, _ in EXTRA_TABS}
    for title, factory in ((PROGRESS_TAB, make_progress_tab), (KPI_TAB, make_kpi_tab)):
        if title not in titles:
            EXTRA_TABS.append((title, factory))
    if readiness_column not in LIST_EXTENSIONS:
        LIST_EXTENSIONS.append(readiness_column)
