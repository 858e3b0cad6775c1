"""The ladder designer without a window: add a level, connect, edit a rule, undo/redo, save."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from core.domain import ladder_design
from core.domain.rules import CriterionSpec
from core.services.ladder import saving as ladder
from core.services.ladder.templates import template_design
from core.session import AppSession
from desktop.viewmodels.ladder_criteria_vm import CHOICES_ROLE, CriteriaTableModel
from desktop.viewmodels.ladder_evaluation_vm import EvaluationEditorViewModel
from desktop.viewmodels.ladder_graph_vm import layout
from desktop.viewmodels.ladder_metrics_vm import MetricCatalogueModel
from desktop.viewmodels.ladder_vm import LEVEL, TRANSITION, LadderViewModel
from desktop.viewmodels.session_vm import SessionViewModel
from tests.conftest import as_role

EDIT = Qt.ItemDataRole.EditRole
SHOW = Qt.ItemDataRole.DisplayRole


@pytest.fixture
def vm(qapp: QApplication, company: AppSession) -> LadderViewModel:
    return LadderViewModel(SessionViewModel(company))


def test_add_track_and_levels_then_connect_them(vm: LadderViewModel) -> None:
    track = vm.add_track("店铺运营")
    low = vm.add_level(track, "运营助理")
    high = vm.add_level(track, "运营专员")
    assert [lv.rank for lv in vm.design.levels_of(track)] == [1, 2]
    assert vm.selection.kind == LEVEL and vm.selection.id == high
    path = vm.connect_levels(low, high)
    spec = vm.design.transition(path)
    assert spec is not None and spec.kind == "promotion"
    assert vm.selection.kind == TRANSITION and vm.dirty
    # connecting again selects the existing path instead of doubling it
    vm.select(None)
    assert vm.connect_levels(low, high) == path and len(vm.design.transitions) == 1


def test_a_new_path_offers_the_likeliest_target_first_and_no_path_twice(
    company_beauty: AppSession, qapp: QApplication
) -> None:
    """Template B: 新建路径 preselects the next level up, else a same-rank transfer, else the
    nearest rank in another track; a level the selected one already leads to is not offered."""
    vm = LadderViewModel(SessionViewModel(company_beauty))
    design = vm.design

    def offered(label: str) -> list[str]:
        level = next(lv for lv in design.levels if design.level_label(lv.id) == label)
        targets = vm.path_targets(level.id)
        labels = [text for _, text in targets.choices]
        assert labels[targets.default] == labels[0]
        assert label not in labels and len(set(labels)) == len(labels)
        return labels

    # the top of 店铺运营: nothing above, no rank 4 elsewhere → the other tracks' tops first
    top = offered("店铺运营/运营总监")
    assert top[:2] == ["用户运营/运营主管", "直播运营/运营主管"]
    assert top[-3:] == ["店铺运营/运营主管", "店铺运营/运营专员", "店铺运营/运营助理"]
    assert len(top) == len(design.levels) - 1  # nothing leads from it yet

    # 运营主管 → 运营总监 exists: the transfers at rank 3 come first, 运营总监 is not offered
    head = offered("店铺运营/运营主管")
    assert "店铺运营/运营总监" not in head and head[0] == "用户运营/运营主管"

    # the bottom of 用户运营 already leads to its 运营专员: the same-rank transfers first
    low = offered("用户运营/运营助理")
    assert low[:3] == ["店铺运营/运营助理", "直播运营/运营助理", "数据运营/运营助理"]
    assert "用户运营/运营专员" not in low

    # with a fresh level on top of 店铺运营, its old top is promoted into it by default
    director = next(lv for lv in design.levels if design.level_label(lv.id) == "店铺运营/运营总监")
    vm.add_level(director.track_id, "运营副总裁")
    design = vm.design
    assert offered("店铺运营/运营总监")[0] == "店铺运营/运营副总裁"
    # and 运营专员, whose next level up is connected, gets a transfer before skipping a level
    specialist = offered("店铺运营/运营专员")
    assert specialist[0] == "直播运营/运营专员"
    assert specialist.index("用户运营/运营主管") < specialist.index("店铺运营/运营总监")


def test_every_edit_undoes_and_redoes(vm: LadderViewModel, qtbot: QtBot) -> None:
    track = vm.add_track("店铺运营")
    level = vm.add_level(track, "运营助理")
    assert vm.undo_stack.count() == 2
    with qtbot.waitSignal(vm.dirty_changed) as changed:
        vm.undo_stack.undo()
        vm.undo_stack.undo()
    assert changed.args == [False]
    assert vm.design == ladder_design.LadderDesign() and not vm.dirty
    vm.undo_stack.redo()
    vm.undo_stack.redo()
    assert vm.design.level(level) is not None
    assert vm.undo_stack.undoText() == "新建职级"


def test_moving_a_track_changes_the_order(company_beauty: AppSession, qapp: QApplication) -> None:
    vm = LadderViewModel(SessionViewModel(company_beauty))
    names = [t.name for t in vm.design.sorted_tracks()]
    live = next(t for t in vm.design.tracks if t.name == "直播运营")
    vm.move_track(live.id, -1)
    assert [t.name for t in vm.design.sorted_tracks()] == [names[0], names[2], names[1], names[3]]
    vm.undo_stack.undo()
    assert [t.name for t in vm.design.sorted_tracks()] == names


def test_saving_writes_the_file_and_keeps_undo_working(
    vm: LadderViewModel, company: AppSession, qtbot: QtBot
) -> None:
    track = vm.add_track("店铺运营")
    low = vm.add_level(track, "运营助理")
    high = vm.add_level(track, "运营专员")
    vm.connect_levels(low, high)
    with qtbot.waitSignal(vm.saved) as saved:
        assert vm.save()
    assert "已保存" in saved.args[0]
    assert not vm.dirty
    stored = ladder.load_design(company)
    assert len(stored.levels) == 2 and len(stored.transitions) == 1
    assert all(i > 0 for i in (lv.id for lv in vm.design.levels))
    # undo after the save removes the path; saving again deletes it from the file
    vm.undo_stack.undo()
    assert vm.dirty and vm.design.transitions == ()
    assert vm.save()
    assert ladder.load_design(company).transitions == ()
    vm.undo_stack.redo()
    assert vm.save()
    assert len(ladder.load_design(company).transitions) == 1


def test_an_invalid_rule_blocks_saving_with_a_clear_message(
    vm: LadderViewModel, company: AppSession, qtbot: QtBot
) -> None:
    track = vm.add_track("店铺运营")
    path = vm.connect_levels(vm.add_level(track, "运营助理"), vm.add_level(track, "运营专员"))
    model = CriteriaTableModel(vm)
    model.set_transition(path)
    row = model.add_rule()
    assert row == 0 and model.rowCount() == 1
    # the new row has no metric yet: marked in place, and saving is refused
    assert model.data(model.index(0, model.KIND), Qt.ItemDataRole.BackgroundRole) is not None
    assert "请选择指标" in model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    with qtbot.waitSignal(vm.failed) as failed:
        assert not vm.save()
    assert "第1条规则" in failed.args[0] and "请选择指标" in failed.args[0]
    assert ladder.load_design(company).tracks == ()


def test_the_criteria_table_builds_template_a_s_first_rule(vm: LadderViewModel) -> None:
    track = vm.add_track("店铺运营")
    path = vm.connect_levels(vm.add_level(track, "运营助理"), vm.add_level(track, "运营专员"))
    model = CriteriaTableModel(vm)
    model.set_transition(path)
    model.add_rule()
    metrics = dict(model.data(model.index(0, model.SUBJECT), CHOICES_ROLE))
    assert metrics["gmv_growth"] == "GMV增长率（%）"
    assert model.setData(model.index(0, model.SUBJECT), "gmv_growth", EDIT)
    assert model.setData(model.index(0, model.THRESHOLD), 15, EDIT)  # typed as 15 (%)
    model.setData(model.index(0, model.WINDOW), 3, EDIT)  # already 3: no change, no undo step
    assert model.data(model.index(0, model.UNIT), SHOW) == "%"
    assert model.data(model.index(0, model.SENTENCE), SHOW) == "连续3个月GMV增长率≥15%"
    assert model.criteria()[0] == CriterionSpec(
        kind="each_month", metric="gmv_growth", threshold=0.15, window=3
    )
    assert vm.problems() == []
    # a change rule on a rate is typed in percentage points
    model.add_rule()
    model.setData(model.index(1, model.KIND), "change", EDIT)
    model.setData(model.index(1, model.SUBJECT), "conversion_rate", EDIT)
    model.setData(model.index(1, model.THRESHOLD), 2, EDIT)
    assert model.data(model.index(1, model.UNIT), SHOW) == "个百分点"
    assert model.criteria()[1].threshold == pytest.approx(0.02)
    # a count rule offers achievement types and conditions
    model.add_rule()
    model.setData(model.index(2, model.KIND), "count", EDIT)
    types = dict(model.data(model.index(2, model.SUBJECT), CHOICES_ROLE))
    assert types["campaign"] == "活动策划"
    model.setData(model.index(2, model.SUBJECT), "campaign", EDIT)
    model.setData(model.index(2, model.THRESHOLD), 3, EDIT)
    model.setData(model.index(2, model.ROI), 2, EDIT)
    model.setData(model.index(2, model.TEAM), 2, EDIT)
    model.setData(model.index(2, model.WINDOW), 6, EDIT)
    assert model.data(model.index(2, model.SENTENCE), SHOW) == (
        "近6个月完成≥3次活动策划（ROI≥2，带领≥2人）"
    )
    model.setData(model.index(2, model.RESULT), "any", EDIT)
    assert not model.criteria()[2].conditions.require_success
    assert "未标注成功的也计入" in model.data(model.index(2, model.SENTENCE), SHOW)
    model.setData(model.index(2, model.RESULT), "success", EDIT)
    # not-applicable cells are not editable
    assert not model.flags(model.index(2, model.UNIT)) & Qt.ItemFlag.ItemIsEditable
    model.setData(model.index(2, model.KIND), "tenure", EDIT)
    assert not model.flags(model.index(2, model.WINDOW)) & Qt.ItemFlag.ItemIsEditable


def test_choosing_a_lower_is_better_metric_flips_the_comparator(vm: LadderViewModel) -> None:
    track = vm.add_track("店铺运营")
    path = vm.connect_levels(vm.add_level(track, "运营助理"), vm.add_level(track, "运营专员"))
    model = CriteriaTableModel(vm)
    model.set_transition(path)
    model.add_rule()
    model.setData(model.index(0, model.SUBJECT), "inventory_turnover_days", EDIT)
    model.setData(model.index(0, model.THRESHOLD), 30, EDIT)
    assert model.criteria()[0].comparator == "<="
    assert model.data(model.index(0, model.SENTENCE), SHOW) == "连续3个月库存周转天数≤30天"


def test_criteria_edits_are_one_undo_step_each(vm: LadderViewModel) -> None:
    track = vm.add_track("店铺运营")
    path = vm.connect_levels(vm.add_level(track, "运营助理"), vm.add_level(track, "运营专员"))
    model = CriteriaTableModel(vm)
    model.set_transition(path)
    model.add_rule()
    model.setData(model.index(0, model.SUBJECT), "gmv_growth", EDIT)
    model.setData(model.index(0, model.THRESHOLD), 15, EDIT)
    vm.undo_stack.undo()
    assert model.criteria()[0].threshold == 0.0
    vm.undo_stack.undo()
    assert model.criteria()[0].metric is None
    vm.undo_stack.undo()
    assert model.rowCount() == 0


def test_delete_warnings_say_what_happens(company_home: AppSession, qapp: QApplication) -> None:
    vm = LadderViewModel(SessionViewModel(company_home))
    specialist = next(lv for lv in vm.design.levels if lv.title == "运营专员")
    assert "2条路径" in vm.delete_warning(LEVEL, specialist.id)
    track = vm.design.tracks[0]
    assert "4个职级" in vm.delete_warning("track", track.id)


def test_hr_sees_the_ladder_but_cannot_change_it(
    company_home: AppSession, qapp: QApplication, qtbot: QtBot
) -> None:
    hr = as_role(company_home, "hr1", "hr")
    vm = LadderViewModel(SessionViewModel(hr))
    assert not vm.can_edit and len(vm.design.levels) == 4
    with qtbot.waitSignal(vm.failed):
        vm.add_track("新通道")
    assert len(vm.design.tracks) == 1 and vm.undo_stack.count() == 0
    model = CriteriaTableModel(vm)
    model.set_transition(vm.design.transitions[0].id)
    assert not model.flags(model.index(0, model.THRESHOLD)) & Qt.ItemFlag.ItemIsEditable


def test_another_page_s_ladder_change_is_picked_up(company: AppSession, qapp: QApplication) -> None:
    session_vm = SessionViewModel(company)
    vm = LadderViewModel(session_vm)
    other = LadderViewModel(session_vm)
    other.add_track("直播运营")
    other.save()
    assert [t.name for t in vm.design.tracks] == ["直播运营"]


def test_graph_layout_lines_up_ranks_across_tracks(
    company_beauty: AppSession, qapp: QApplication
) -> None:
    vm = LadderViewModel(SessionViewModel(company_beauty))
    graph = layout(vm.design, problems=vm.problems())
    assert [c.name for c in graph.columns] == ["店铺运营", "用户运营", "直播运营", "数据运营"]
    specialists = [n for n in graph.nodes if n.title == "运营专员"]
    assert len(specialists) == 4 and len({n.y for n in specialists}) == 1
    assert len({n.x for n in specialists}) == 4  # one per track column
    by_title = {n.title: n for n in graph.nodes if n.x == specialists[0].x}
    assert by_title["运营主管"].y < by_title["运营专员"].y < by_title["运营助理"].y
    assert by_title["运营专员"].detail == "¥6,000–9,000"
    assert len(graph.edges) == 12
    edge = next(e for e in graph.edges if e.kind == "transfer" and e.label.endswith("满6个月"))
    assert edge.label.startswith("转岗")
    point = by_title["运营主管"]
    assert graph.node_at(point.x + 5, point.y + 5) == point
    assert graph.width > 4 * point.width


def test_evaluation_weights_are_checked_live(company_home: AppSession, qapp: QApplication) -> None:
    vm = LadderViewModel(SessionViewModel(company_home))
    editor = EvaluationEditorViewModel(vm)
    assert editor.part_total_text().startswith("三部分权重合计 100 ✓")
    editor.parts.setData(editor.parts.index(1, editor.parts.WEIGHT), 30, EDIT)
    assert "110 ✗" in editor.part_total_text()
    assert any("合计为110" in p for p in editor.problems())
    assert not vm.save()
    editor.parts.setData(editor.parts.index(0, editor.parts.WEIGHT), 50, EDIT)
    assert "100 ✓" in editor.part_total_text()
    editor.select_part("ability")
    assert editor.items.rowCount() == 3
    editor.items.setData(editor.items.index(0, editor.items.WEIGHT), 50, EDIT)
    assert "110 ✗" in editor.item_total_text()
    editor.remove_item(2)
    assert "80 ✗" in editor.item_total_text()
    editor.add_item()  # takes the 20 still missing
    assert "100 ✓" in editor.item_total_text()
    editor.items.setData(editor.items.index(2, 2), "能带领小组完成直播项目", EDIT)
    assert vm.save()
    stored = ladder.load_design(company_home).default_template()
    assert stored is not None
    ability = stored.template.part("ability")
    assert ability is not None and [i.weight for i in ability.items] == [50, 30, 20]
    assert dict(ability.items[2].rubric)["90"] == "能带领小组完成直播项目"


def test_custom_metrics_are_added_and_offered_to_rules(
    vm: LadderViewModel, company: AppSession
) -> None:
    catalogue = MetricCatalogueModel(vm)
    built_in = catalogue.rowCount()
    assert (
        catalogue.data(catalogue.index(catalogue.row_of("inventory_turnover_days"), 4), SHOW)
        == "越低越好"
    )
    assert catalogue.data(catalogue.index(catalogue.row_of("gmv_growth"), 6), SHOW) == "由GMV计算"
    code = catalogue.add_metric()
    row = catalogue.row_of(code)
    assert row == built_in
    assert not catalogue.flags(catalogue.index(0, 1)) & Qt.ItemFlag.ItemIsEditable
    catalogue.setData(catalogue.index(row, catalogue.NAME), "粉丝增长数", EDIT)
    catalogue.setData(catalogue.index(row, catalogue.UNIT), "people", EDIT)
    track = vm.add_track("直播运营")
    path = vm.connect_levels(vm.add_level(track, "主播助理"), vm.add_level(track, "主播"))
    model = CriteriaTableModel(vm)
    model.set_transition(path)
    model.add_rule()
    assert dict(model.data(model.index(0, model.SUBJECT), CHOICES_ROLE))[code] == "粉丝增长数（人）"
    model.setData(model.index(0, model.SUBJECT), code, EDIT)
    model.setData(model.index(0, model.THRESHOLD), 500, EDIT)
    assert vm.save()
    assert ladder.load_design(company).custom_metrics[0].name_zh == "粉丝增长数"


def test_revert_throws_away_unsaved_edits_undoably(
    company_home: AppSession, qapp: QApplication
) -> None:
    vm = LadderViewModel(SessionViewModel(company_home))
    saved = vm.design
    level = vm.design.levels[0]
    vm.update_level(dataclasses.replace(level, salary_max=99999))
    vm.revert()
    assert vm.design == saved and not vm.dirty
    vm.undo_stack.undo()
    assert vm.design.level(level.id).salary_max == 99999  # type: ignore[union-attr]


def test_template_b_is_valid_in_the_designer(
    company_beauty: AppSession, qapp: QApplication
) -> None:
    vm = LadderViewModel(SessionViewModel(company_beauty))
    assert vm.problems() == []
    assert len(vm.design.transitions) == len(template_design("beauty").transitions)


def test_a_threshold_tidui_chose_says_so_on_the_row_until_the_owner_sets_it(
    company_beauty: AppSession, qapp: QApplication
) -> None:
    vm = LadderViewModel(SessionViewModel(company_beauty))
    design = vm.design
    labels = {
        (design.level_label(t.from_level_id), design.level_label(t.to_level_id)): t
        for t in design.transitions
    }
    model = CriteriaTableModel(vm)
    tooltip = Qt.ItemDataRole.ToolTipRole
    model.set_transition(labels[("直播运营/运营助理", "直播运营/运营专员")].id)
    first = model.data(model.index(0, model.THRESHOLD), tooltip)
    assert first.startswith("连续3个月直播观看人数≥100,000") and "Tidui 的建议值" in first
    # the brief's own numbers are not marked
    model.set_transition(labels[("店铺运营/运营助理", "店铺运营/运营专员")].id)
    assert "建议值" not in model.data(model.index(0, model.THRESHOLD), tooltip)
    # the owner types their own threshold: no longer Tidui's
    model.set_transition(labels[("直播运营/运营助理", "直播运营/运营专员")].id)
    assert model.setData(model.index(0, model.THRESHOLD), 80000, EDIT)
    assert "建议值" not in model.data(model.index(0, model.THRESHOLD), tooltip)


def test_an_arrow_key_moves_to_the_nearest_point_that_way() -> None:
    from desktop.viewmodels.ladder_graph_vm import step

    # a track's two levels with the path between them, and the next track's level beside
    points = {
        "low": (0.0, 200.0),
        "path": (0.0, 120.0),
        "high": (0.0, 40.0),
        "next": (260.0, 200.0),
    }
    assert step(points, "low", "up") == "path" and step(points, "path", "up") == "high"
    assert step(points, "high", "up") is None  # the edge of the picture
    assert step(points, "low", "right") == "next" and step(points, "next", "left") == "low"
    # far off to the side is not "that way": ← from the top level finds nothing
    assert step(points, "high", "left") is None
    # two at the same distance: the first drawn
    assert step({"a": (0.0, 0.0), "b": (10.0, 10.0), "c": (-10.0, 10.0)}, "a", "down") == "b"


def test_a_label_too_wide_for_its_gap_is_wrapped_into_it_or_moved_off_the_boxes() -> None:
    from desktop.viewmodels.ladder_graph_vm import LabelRequest, Rect, place_labels

    def measure(text: str) -> tuple[float, float]:  # 7 per character, 18 per line
        lines = text.split("\n")
        return max(len(line) for line in lines) * 7 + 6, len(lines) * 18 + 2

    boxes = [Rect(24, 310, 156, 62), Rect(284, 310, 156, 62)]
    inside = Rect(0, 0, 500, 500)
    gap = LabelRequest("Transfer · rules: 2 · 6 months in level", 232, 319)
    below = LabelRequest("Transfer · rules: 1 · 6 months in level", 232, 381)  # on a lane
    placed = place_labels([gap, below], boxes, inside, measure)
    (text, rect), (_, lower) = placed
    assert "\n" in text and rect.x >= 180 and rect.right <= 284  # inside the gap
    for found in (rect, lower):
        assert not any(found.intersects(box) for box in boxes), found
        assert found.x >= 0 and found.right <= 500 and found.y >= 0 and found.bottom <= 500
    assert not rect.intersects(lower)
