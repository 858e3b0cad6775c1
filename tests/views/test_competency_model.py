"""能力模型 tab: the owner edits competencies and level descriptors, with undo; others only read."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from core.services.archive import records as archive
from core.session import AppSession
from desktop.viewmodels.competency_vm import CompetencyModelViewModel
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.ladder.page import LadderPage
from tests.conftest import as_role
from tests.views.conftest import shot

pytestmark = pytest.mark.gui


def test_owner_edits_the_competency_model(qtbot: QtBot, company_beauty: AppSession) -> None:
    page = LadderPage(SessionViewModel(company_beauty))
    qtbot.addWidget(page)
    page.resize(1400, 800)
    page.show()
    page.tabs.setCurrentWidget(page.competency_editor)
    vm = page.competency_vm
    names = [r.name for r in vm.rows]
    assert names[:3] == ["数据分析", "策略制定", "团队协作"] and len(names) == 7
    shot(page, "ladder-competency-model")
    editor = page.competency_editor
    editor.on_add_clicked()
    row = vm.rowCount() - 1
    assert vm.setData(vm.index(row, 0), "私域运营")
    assert vm.setData(vm.index(row, 1), "能按流程维护社群")
    assert editor.save_button.isEnabled() and vm.dirty
    vm.undo_stack.undo()
    assert vm.rows[row].descriptors[0] == ""
    vm.undo_stack.redo()
    assert page.confirm_leave is not None
    assert vm.save()
    stored = archive.list_competencies(company_beauty)
    assert stored[-1].name == "私域运营" and stored[-1].descriptors[0] == "能按流程维护社群"
    assert not vm.dirty and not editor.save_button.isEnabled()
    # a duplicate name is refused with a clear message, nothing saved
    errors: list[str] = []
    vm.error_raised.disconnect(editor.on_error)
    vm.error_raised.connect(errors.append)
    vm.setData(vm.index(row, 0), "数据分析")
    assert not vm.save() and "重复" in errors[-1]
    assert [c.name for c in archive.list_competencies(company_beauty)][-1] == "私域运营"


def test_hr_sees_the_model_read_only(qtbot: QtBot, company_beauty: AppSession) -> None:
    hr = as_role(company_beauty, "hr1", "hr")
    vm = CompetencyModelViewModel(SessionViewModel(hr))
    assert not vm.editable
    assert not vm.setData(vm.index(0, 0), "改名")


def test_toolbar_undo_and_save_act_on_the_tab_shown(
    qtbot: QtBot, company_beauty: AppSession
) -> None:
    page = LadderPage(SessionViewModel(company_beauty))
    qtbot.addWidget(page)
    page.resize(1400, 800)
    page.show()
    page.on_add_track()  # an unsaved design edit on the 通道设计 tab
    tracks = len(page.vm.design.tracks)
    page.tabs.setCurrentWidget(page.competency_editor)
    assert not page.undo_action.isEnabled()  # the competency model has nothing to undo yet
    vm = page.competency_vm
    page.competency_editor.on_add_clicked()
    row = vm.rowCount() - 1
    vm.setData(vm.index(row, 0), "私域运营")
    assert page.undo_action.isEnabled() and page.save_action.isEnabled()
    page.undo_action.trigger()  # Ctrl+Z here takes back the competency edit …
    assert vm.rows[row].name != "私域运营"
    assert len(page.vm.design.tracks) == tracks  # … not the design's new track
    page.redo_action.trigger()
    page.save_action.trigger()  # Ctrl+S saves the competency model
    assert archive.list_competencies(company_beauty)[-1].name == "私域运营"
    assert page.vm.dirty  # the design's edit is still waiting for its own save
    # the level form now asks for the new competency too
    assert "私域运营" in page.level_form.competency_names
    assert len(page.level_form.competency_boxes) == len(page.level_form.competency_names)
    page.tabs.setCurrentIndex(0)
    assert page.undo_action.isEnabled() and page.save_action.isEnabled()
