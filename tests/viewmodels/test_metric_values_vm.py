"""手工指标 viewmodel without a window: units as typed, the month offered, replaced values."""

from __future__ import annotations

from datetime import date

import pytest

from core.services.archive import employees
from core.services.archive.employees import EmployeeInput
from core.services.eligibility import metric_values
from core.session import AppSession
from desktop.viewmodels.metric_values_vm import MetricValuesViewModel
from desktop.viewmodels.session_vm import SessionViewModel


def test_percent_typed_as_shown_and_the_next_month_offered(company: AppSession) -> None:
    ann = employees.create_employee(
        company, EmployeeInput(no="E001", name="安娜", hire_date=date(2023, 1, 1))
    )
    changes: list[str] = []
    session_vm = SessionViewModel(company)
    session_vm.data_changed.connect(changes.append)
    vm = MetricValuesViewModel(session_vm, ann)
    assert vm.suggested_month(date(2024, 8, 15)) == "2024-07"  # nothing yet: last complete month
    retention = vm.choice("retention_30d")
    assert retention is not None and retention.percent and retention.maximum == 100.0
    assert vm.save("retention_30d", "2024-05", 31.5, "会员系统")
    assert metric_values.list_values(company, ann)[0].value == pytest.approx(0.315)
    assert changes == ["metrics"]  # every screen recomputes
    assert vm.suggested_month(date(2024, 8, 15)) == "2024-06"
    assert vm.suggested_month(date(2024, 6, 3)) == "2024-05"  # never past the last complete one
    assert not vm.save("retention_30d", "2024-13", 30.0) and "2024-03" in vm.error
    assert vm.model.rowCount() == 1 and vm.model.index(0, 2).data() == "31.5%"
    assert vm.delete(0) and vm.model.rowCount() == 0
