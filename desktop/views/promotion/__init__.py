"""晋升申请 screens: the case view, 待我处理, 评审周期 with the score grid; and the employee
form's 晋升申请 tab (``register``, called by desktop/views/features.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.employees.tabs import EXTRA_TABS

CASES_TAB = "晋升申请"


def make_cases_tab(session_vm: SessionViewModel, employee_id: int, parent: QWidget) -> QWidget:
    from desktop.views.promotion.employee_cases import EmployeeCases

    return EmployeeCases(session_vm, employee_id, parent)


def register() -> None:
    if CASES_TAB not in {title for title, _ in EXTRA_TABS}:
        EXTRA_TABS.append((CASES_TAB, make_cases_tab))
