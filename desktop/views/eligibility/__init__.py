"""达标名单 and the employee form's 晋升进度 and KPI tabs (registered in the archive's EXTRA_TABS on import)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.employees.tabs import EXTRA_TABS

PROGRESS_TAB = "晋升进度"
KPI_TAB = "KPI"


def progress_tab(session_vm: SessionViewModel, employee_id: int, parent: QWidget) -> QWidget:
    from desktop.views.eligibility.progress_panel import ProgressPanel

    return ProgressPanel(session_vm, employee_id, None, parent)


def kpi_tab(session_vm: SessionViewModel, employee_id: int, parent: QWidget) -> QWidget:
    from desktop.views.eligibility.kpi_tab import KpiTab

    return KpiTab(session_vm, employee_id, parent)


def register() -> None:
    """Add the two tabs to the employee form once (importing this package twice adds nothing)."""
    titles = {title for title, _ in EXTRA_TABS}
    for title, factory in ((PROGRESS_TAB, progress_tab), (KPI_TAB, kpi_tab)):
        if title not in titles:
            EXTRA_TABS.append((title, factory))


register()
