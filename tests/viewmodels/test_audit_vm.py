"""设置 → 审计日志's viewmodel without a window: 内容 in words (roles, people by name), the stored
JSON under the mouse, in Chinese and in English."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt

from core.services.admin import users
from core.services.archive import employees
from core.services.archive.employees import EmployeeInput
from core.session import AppSession
from desktop.viewmodels.audit_vm import AuditViewModel
from desktop.viewmodels.session_vm import SessionViewModel


def _content(vm: AuditViewModel, action: str) -> tuple[str, str]:
    """The 内容 cell (the last column) of the newest ``action`` entry and its tooltip."""
    table = vm.table
    row = next(r for r in range(table.rowCount()) if table.rows[r].action == action)
    cell = table.index(row, table.columnCount() - 1)
    return cell.data(), cell.data(Qt.ItemDataRole.ToolTipRole)


def test_content_reads_in_words_with_the_json_under_the_mouse(company: AppSession) -> None:
    users.add_user(company, "hr1", "小王", "hr", "hr-pass-123")
    users.set_role(company, "hr1", "supervisor")
    ann = employees.create_employee(
        company, EmployeeInput(no="E001", name="安娜", hire_date=date(2023, 1, 1))
    )
    bo_input = EmployeeInput(no="E002", name="小博", hire_date=date(2023, 2, 1))
    bo = employees.create_employee(company, bo_input)
    employees.update_employee(company, bo, replace(bo_input, supervisor_id=ann))
    vm = AuditViewModel(SessionViewModel(company))
    vm.refresh()
    cell, tip = _content(vm, "user.role")
    assert vm.table.headerData(6, Qt.Orientation.Horizontal) == "内容"
    assert cell.startswith("角色：人事 → 主管") and "登录名：hr1" in cell
    assert '"role": "supervisor"' in tip and "角色：人事 → 主管" in tip  # the JSON as stored, too
    cell, tip = _content(vm, "employee.update")
    assert "直属上级：— → 安娜（E001）" in cell
    assert json.dumps({"supervisor_id": ann}) in tip
    cell, _tip = _content(vm, "user.add")
    assert "角色：人事" in cell and "{" not in cell


def test_content_follows_the_ui_language(company: AppSession, english: None) -> None:
    users.add_user(company, "hr1", "小王", "hr", "hr-pass-123")
    vm = AuditViewModel(SessionViewModel(company))
    vm.refresh()
    cell, _tip = _content(vm, "user.add")
    assert "Login: hr1" in cell and "Role: HR" in cell


def test_a_change_is_read_when_the_tab_is_shown_not_while_it_is_hidden(
    company: AppSession,
) -> None:
    """Pages announce a save with ``notify_changed``: the hidden viewer only marks itself stale
    (the office's saving costs it nothing), reads the log when shown, and at once while shown;
    an entry nobody announced is found by the log's head when the tab is shown again."""
    from desktop.viewmodels.session_vm import ChangeArea

    session_vm = SessionViewModel(company)
    vm = AuditViewModel(session_vm)
    reads: list[int] = []
    vm.changed.connect(lambda: reads.append(vm.table.rowCount()))
    assert vm.stale and vm.table.rowCount() == 0  # nothing read until first shown
    vm.set_shown(True)
    first = vm.table.rowCount()
    assert reads == [first] and not vm.stale
    vm.set_shown(False)
    users.add_user(company, "hr1", "小王", "hr", "hr-pass-123")
    session_vm.notify_changed(ChangeArea.USERS)
    assert vm.stale and reads == [first]  # hidden: not read
    vm.set_shown(True)
    assert reads == [first, first + 1] and vm.table.rows[0].action == "user.add"
    employees.create_employee(
        company, EmployeeInput(no="E001", name="安娜", hire_date=date(2023, 1, 1))
    )
    session_vm.notify_changed(ChangeArea.EMPLOYEES)  # in view: read at once
    assert reads[-1] == first + 2 and vm.table.rows[0].action == "employee.create"
    vm.set_shown(False)
    vm.set_shown(True)  # nothing changed: not read again
    assert len(reads) == 3
    vm.set_shown(False)
    users.set_role(company, "hr1", "supervisor")  # not announced
    vm.set_shown(True)
    assert vm.table.rows[0].action == "user.role" and len(reads) == 4
    assert vm.row_of(vm.table.rows[1].id) == 1 and vm.row_of(-1) is None


def test_a_template_edit_and_a_setting_read_in_words(company_home: AppSession) -> None:
    import dataclasses

    from core.domain import scoring
    from core.services.eligibility import readiness
    from core.services.ladder import saving

    design = saving.load_design(company_home)
    spec = design.templates[0]
    parts = spec.template.to_parts()
    parts[0]["weight"], parts[1]["weight"] = 40, 40
    edited = scoring.EvaluationTemplate.from_parts(spec.name, parts)
    saving.save_design(
        company_home, design.put_template(dataclasses.replace(spec, template=edited))
    )
    readiness.set_margin(company_home, 0.2)
    vm = AuditViewModel(SessionViewModel(company_home))
    vm.refresh()
    cell, tip = _content(vm, "ladder.template.update")
    assert cell == "绩效 权重：60 → 40；能力 权重：20 → 40"
    assert '"weight": 40' in tip  # the stored JSON stays under the mouse
    table = vm.table
    row = next(r for r in range(table.rowCount()) if table.rows[r].action == "eligibility.margin")
    number = table.index(row, 4)
    assert table.headerData(4, Qt.Orientation.Horizontal) == "编号"
    assert number.data() == "接近达标范围"
    assert number.data(Qt.ItemDataRole.ToolTipRole) == "eligibility.margin"
    assert _content(vm, "eligibility.margin")[0] == "接近达标范围：10% → 20%"  # not 0.1 → 0.2
