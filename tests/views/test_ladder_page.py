"""The ladder designer driven through its widgets: Template B on screen, building Template A by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QInputDialog,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from core.services.ladder import saving as ladder
from core.services.ladder.templates import template_design
from core.session import AppSession
from desktop.viewmodels.ladder_criteria_vm import CriteriaTableModel
from desktop.viewmodels.ladder_vm import LEVEL, TRACK, TRANSITION
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.ladder.page import LadderPage
from tests.conftest import as_role
from tests.views.conftest import scripted_questions, shot

pytestmark = pytest.mark.gui


def _page(qtbot: QtBot, app: AppSession, size: tuple[int, int] = (1500, 900)) -> LadderPage:
    page = LadderPage(SessionViewModel(app))
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()  # shortcuts work in the active window only
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    page.graph.setFocus()
    return page


def _center_of(page: LadderPage, level_id: int) -> QPoint:
    graph = page.graph
    node = graph.layout_now.node(level_id)  # type: ignore[union-attr]
    assert node is not None
    scene_point = QPointF(node.x + node.width / 2, node.y + node.height / 2)
    return graph.mapFromScene(scene_point)


def test_template_b_designer_screenshots(qtbot: QtBot, company_beauty: AppSession) -> None:
    page = _page(qtbot, company_beauty)
    graph = page.graph.layout_now
    assert graph is not None
    assert [c.name for c in graph.columns] == ["店铺运营", "用户运营", "直播运营", "数据运营"]
    assert page.tracks.count() == 4
    assert not page.problem_line.text()
    shot(page, "ladder-b-overview")

    # click the 运营专员 → 运营主管 arrow: its form shows the three rules as sentences
    design = page.vm.design
    specialist = next(lv for lv in design.levels if lv.title == "运营专员")
    supervisor = next(lv for lv in design.levels if lv.title == "运营主管")
    path = design.find_transition(specialist.id, supervisor.id)
    assert path is not None
    page.vm.select(TRANSITION, path.id)
    form = page.transition_form
    assert page.forms.currentWidget() is form
    assert form.criteria_model.rowCount() == 3
    assert "连续6个月GMV增长率≥18%" in form.sentences.text()
    assert "近6个月完成≥3次新品上线（带领≥2人）" in form.sentences.text()
    assert form.raise_min.value() == 30 and form.raise_max.value() == 50
    shot(page, "ladder-b-transition")

    qtbot.mouseClick(
        page.graph.viewport(), Qt.MouseButton.LeftButton, pos=_center_of(page, supervisor.id)
    )
    assert page.vm.selection.kind == LEVEL and page.vm.selection.id == supervisor.id
    assert page.level_form.permissions.values() == ("决定新品上线策略", "团队招聘权")
    shot(page, "ladder-b-level")

    page.tabs.setCurrentWidget(page.evaluation_editor)
    assert "100 ✓" in page.evaluation_editor.part_total.text()
    page.evaluation_vm.select_part("ability")
    assert page.evaluation_editor.items.model().rowCount() == 3
    shot(page, "ladder-b-evaluation")
    page.tabs.setCurrentWidget(page.metrics_view)
    shot(page, "ladder-b-metrics")


def _edit_cell(qtbot: QtBot, page: LadderPage, row: int, column: int, value: object) -> None:
    """Open the cell's editor as a double-click would, set the value, and commit with Enter."""
    table = page.transition_form.criteria
    index = table.model().index(row, column)
    table.setCurrentIndex(index)
    table.edit(index)
    # the delegate's editor is the one visible direct child of the viewport
    editors = [
        w
        for w in table.viewport().findChildren(
            QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
        )
        if w.isVisible()
    ]
    assert len(editors) == 1, editors
    editor = editors[0]
    if isinstance(editor, QComboBox):
        editor.setCurrentIndex(editor.findData(value))
        editor.activated.emit(editor.currentIndex())
        return
    if isinstance(editor, QDoubleSpinBox | QSpinBox):
        editor.setValue(value)  # type: ignore[arg-type]
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # Qt commits a number box after Enter on the next turn of the event loop
    qtbot.waitUntil(lambda: not shiboken6.isValid(editor) or not editor.isVisible())


def test_building_template_a_s_first_transition_by_hand(
    qtbot: QtBot, company: AppSession, tmp_path: Path
) -> None:
    page = _page(qtbot, company)
    # a track, named in its form (QTest types ASCII only; an IME would deliver the text)
    qtbot.mouseClick(page.toolbar.widgetForAction(page.add_track_action), Qt.MouseButton.LeftButton)
    page.track_form.name.setText("店铺运营")
    page.track_form.name.editingFinished.emit()
    # two levels
    for title in ("运营助理", "运营专员"):
        track = page.vm.selected_track()
        assert track is not None
        page.vm.select("track", track.id)
        qtbot.mouseClick(page.track_form.add_level_button, Qt.MouseButton.LeftButton)
        page.level_form.title.setText(title)
        page.level_form.title.editingFinished.emit()
    assistant = next(lv for lv in page.vm.design.levels if lv.title == "运营助理")
    specialist = next(lv for lv in page.vm.design.levels if lv.title == "运营专员")
    assert assistant.rank == 1 and specialist.rank == 2

    # drag from 运营助理 to 运营专员 draws the path
    viewport = page.graph.viewport()
    start, end = _center_of(page, assistant.id), _center_of(page, specialist.id)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, QPoint(start.x(), start.y() - 20))
    qtbot.mouseMove(viewport, end)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    path = page.vm.design.find_transition(assistant.id, specialist.id)
    assert (path is not None and page.vm.selection == (TRANSITION, path.id)) or (
        page.vm.selection.kind == TRANSITION
    )
    form = page.transition_form
    assert page.forms.currentWidget() is form

    # raise 20%–30% as in the template
    form.raise_min.setValue(20)
    form.raise_max.setValue(30)

    model = form.criteria_model
    qtbot.mouseClick(form.add_rule_button, Qt.MouseButton.LeftButton)
    _edit_cell(qtbot, page, 0, CriteriaTableModel.SUBJECT, "gmv_growth")
    _edit_cell(qtbot, page, 0, CriteriaTableModel.THRESHOLD, 15.0)
    _edit_cell(qtbot, page, 0, CriteriaTableModel.WINDOW, 3)

    qtbot.mouseClick(form.add_rule_button, Qt.MouseButton.LeftButton)
    _edit_cell(qtbot, page, 1, CriteriaTableModel.KIND, "change")
    _edit_cell(qtbot, page, 1, CriteriaTableModel.SUBJECT, "conversion_rate")
    _edit_cell(qtbot, page, 1, CriteriaTableModel.THRESHOLD, 2.0)

    qtbot.mouseClick(form.add_rule_button, Qt.MouseButton.LeftButton)
    _edit_cell(qtbot, page, 2, CriteriaTableModel.KIND, "count")
    _edit_cell(qtbot, page, 2, CriteriaTableModel.SUBJECT, "new_product")
    _edit_cell(qtbot, page, 2, CriteriaTableModel.THRESHOLD, 2.0)
    _edit_cell(qtbot, page, 2, CriteriaTableModel.WINDOW, 3)

    assert model.rowCount() == 3
    assert form.sentences.text().splitlines() == [
        "1. 连续3个月GMV增长率≥15%",
        "2. 转化率较3个月前提升≥2个百分点",
        "3. 近3个月完成≥2次新品上线",
    ]
    assert not page.problem_line.text()
    shot(page, "ladder-a-by-hand")
    qtbot.keyClick(page.graph, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not page.vm.dirty, page.status_line.text()

    built = ladder.load_design(company)
    (saved,) = built.transitions
    template = template_design("home")
    expected = next(
        t
        for t in template.transitions
        if template.level(t.from_level_id).title == "运营助理"  # type: ignore[union-attr]
    )
    assert saved.criteria == expected.criteria
    assert saved.kind == expected.kind == "promotion"
    evaluation = built.template(saved.evaluation_template_id)
    assert evaluation is not None
    assert [p.weight for p in evaluation.template.parts] == [60, 20, 20]
    assert (saved.raise_min_pct, saved.raise_max_pct) == (
        expected.raise_min_pct,
        expected.raise_max_pct,
    )
    assert [lv.title for lv in built.levels] == ["运营助理", "运营专员"]


def test_undo_and_redo_through_the_keyboard(qtbot: QtBot, company_home: AppSession) -> None:
    page = _page(qtbot, company_home)
    before = page.vm.design
    qtbot.keyClick(
        page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert len(page.vm.design.tracks) == 2 and page.vm.dirty
    assert "有未保存的修改" in page.status_line.text()
    qtbot.keyClick(page.graph, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.vm.design == before and not page.vm.dirty
    qtbot.keyClick(
        page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert len(page.vm.design.tracks) == 2


def test_undoing_every_edit_leaves_nothing_to_save(qtbot: QtBot, company_home: AppSession) -> None:
    """Ctrl+Z back to the saved design: the page no longer says there are unsaved changes."""
    page = _page(qtbot, company_home)
    saved = page.vm.design
    specialist = next(lv for lv in saved.levels if lv.title == "运营专员")
    page.vm.select(LEVEL, specialist.id)
    rank = page.level_form.rank
    rank.setFocus()
    qtbot.keyClick(rank, Qt.Key.Key_Up)
    title = page.level_form.title
    title.setFocus()
    title.end(False)
    qtbot.keyClicks(title, "B")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert "有未保存的修改" in page.status_line.text()
    assert page.save_action.isEnabled() and page.revert_action.isEnabled()

    page.graph.setFocus()
    while page.undo_action.isEnabled():
        qtbot.keyClick(page.graph, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.vm.design == saved and not page.vm.dirty
    assert "有未保存的修改" not in page.status_line.text()
    assert page.status_line.text() == "没有需要保存的修改"
    assert not page.save_action.isEnabled() and not page.revert_action.isEnabled()

    # redoing one edit makes it unsaved again
    qtbot.keyClick(
        page, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert page.status_line.text() == "有未保存的修改" and page.save_action.isEnabled()


def test_ctrl_z_in_a_form_field_takes_back_the_change_once_its_own_typing_is_gone(
    qtbot: QtBot, company_home: AppSession
) -> None:
    """A 序位 stepped with ↑ is taken back by Ctrl+Z right there (the box has no typing of its
    own to undo); in a name being typed, Ctrl+Z first takes back the letters, as text boxes do."""
    page = _page(qtbot, company_home)
    specialist = next(lv for lv in page.vm.design.levels if lv.title == "运营专员")
    page.vm.select(LEVEL, specialist.id)
    rank = page.level_form.rank
    rank.setFocus()
    qtbot.keyClick(rank, Qt.Key.Key_Up)
    assert page.vm.design.level(specialist.id).rank == specialist.rank + 1  # type: ignore[union-attr]
    qtbot.keyClick(rank, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.vm.design.level(specialist.id).rank == specialist.rank  # type: ignore[union-attr]
    assert rank.value() == specialist.rank

    title = page.level_form.title
    title.setFocus()
    title.end(False)
    qtbot.keyClicks(title, "A")
    qtbot.keyClick(title, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert title.text() == "运营专员"  # the letter, the field's own
    qtbot.keyClicks(title, "B")
    qtbot.keyClick(title, Qt.Key.Key_Return)  # taken: a step of the page
    assert page.vm.design.level(specialist.id).title == "运营专员B"  # type: ignore[union-attr]

    # the 1–5 boxes are built again when the competency model is saved: they undo the same way
    page.on_competencies_saved()
    box = page.level_form.competency_boxes[0]
    box.setFocus()
    before = box.value()
    qtbot.keyClick(box, Qt.Key.Key_Up)
    assert box.value() == before + 1
    qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert box.value() == before


def test_deleting_asks_first_and_says_what_goes(qtbot: QtBot, company_home: AppSession) -> None:
    page = _page(qtbot, company_home)
    asked: list[str] = []
    answers = [False, True]

    def ask(title: str, text: str) -> bool:
        asked.append(text)
        return answers.pop(0)

    page.ask = ask  # type: ignore[method-assign]
    specialist = next(lv for lv in page.vm.design.levels if lv.title == "运营专员")
    page.vm.select(LEVEL, specialist.id)
    page.graph.setFocus()
    qtbot.keyClick(page.graph, Qt.Key.Key_Delete)
    assert "2条路径" in asked[0]
    assert page.vm.design.level(specialist.id) is not None  # said no
    qtbot.keyClick(page.graph, Qt.Key.Key_Delete)
    assert page.vm.design.level(specialist.id) is None
    assert len(page.vm.design.transitions) == 1
    # in the rules table, Delete removes the current rule (no question: it can be undone)
    (left,) = page.vm.design.transitions
    page.vm.select(TRANSITION, left.id)
    table = page.transition_form.criteria
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 0))
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    assert len(page.vm.design.transition(left.id).criteria) == len(left.criteria) - 1  # type: ignore[union-attr]
    assert len(asked) == 2


def test_an_invalid_rule_is_marked_and_blocks_saving(
    qtbot: QtBot, company_home: AppSession
) -> None:
    page = _page(qtbot, company_home)
    told: list[str] = []
    page.tell = lambda title, text: told.append(text)  # type: ignore[method-assign]
    first = page.vm.design.transitions[0]
    page.vm.select(TRANSITION, first.id)
    _edit_cell(qtbot, page, 0, CriteriaTableModel.THRESHOLD, 1500.0)  # 1500%: a typing slip
    model = page.transition_form.criteria_model
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert "超出GMV增长率的合理范围" in page.transition_form.problems.text()
    assert "有1处问题" in page.problem_line.text()
    shot(page, "ladder-invalid-rule")
    qtbot.keyClick(page.graph, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert told and "第1条规则" in told[0]
    assert ladder.load_design(company_home).transitions[0].criteria == first.criteria


def test_hr_sees_a_read_only_designer(qtbot: QtBot, company_home: AppSession) -> None:
    hr = as_role(company_home, "hr1", "hr")
    page = _page(qtbot, hr)
    assert not page.add_track_action.isEnabled()
    page.vm.select(TRANSITION, page.vm.design.transitions[0].id)
    assert not page.transition_form.add_rule_button.isEnabled()
    assert not page.transition_form.raise_min.isEnabled()


def test_pictures_and_files_for_the_notice_board(
    qtbot: QtBot, company_beauty: AppSession, tmp_path: Path
) -> None:
    page = _page(qtbot, company_beauty)
    targets = iter([tmp_path / "ladder.png", tmp_path / "ladder.pdf", tmp_path / "ladder.xlsx"])
    page.choose_save_path = lambda *args: next(targets)  # type: ignore[method-assign]
    page.on_export_picture()
    page.on_export_picture()
    page.on_export_ladder()
    assert (tmp_path / "ladder.png").stat().st_size > 10_000
    assert (tmp_path / "ladder.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "ladder.xlsx").exists()
    assert "已导出" in page.status_line.text()


def test_the_designer_speaks_english(qtbot: QtBot, company_home: AppSession) -> None:
    from desktop import i18n

    i18n.install("en")
    page = _page(qtbot, company_home)
    assert page.add_track_action.text() == "New track"
    page.vm.select(TRANSITION, page.vm.design.transitions[1].id)
    assert "GMV growth ≥ 18% in each of 6 consecutive months" in (
        page.transition_form.sentences.text()
    )
    shot(page, "ladder-a-english")
    page.vm.select(TRACK, page.vm.design.tracks[0].id)
    summary = page.track_form.summary.text()  # listed as English lists, not with 、
    assert summary.startswith("Levels (bottom to top): ") and "、" not in summary
    assert ", " in summary
    level = page.vm.design.transitions[0].from_level_id
    page.vm.select(LEVEL, level)
    assert "、" not in page.level_form.paths.text()
    i18n.install("zh")


def _labels(page: LadderPage) -> list[tuple[int, QRectF]]:
    """(transition id, scene rectangle) of every arrow label's white background."""
    from PySide6.QtWidgets import QGraphicsRectItem

    return [
        (int(item.data(1)), item.rect())
        for item in page.graph.scene().items()
        if isinstance(item, QGraphicsRectItem) and item.data(0) == "transition"
    ]


def test_four_tracks_fit_a_laptop_screen_readably(qtbot: QtBot, company_beauty: AppSession) -> None:
    from PySide6.QtGui import QPainterPathStroker

    from desktop.views.ladder.graph import MIN_SCREEN_PT, TransitionItem

    page = _page(qtbot, company_beauty, size=(1190, 640))  # the page's share of 1366×768
    graph = page.graph
    assert graph.layout_now is not None and len(graph.layout_now.columns) == 4
    scale = graph.transform().m11()
    view = graph.mapFromScene(graph.scene().sceneRect()).boundingRect()
    assert view.width() <= graph.viewport().width() + 2  # the whole ladder is in view
    texts = [t for t, _back, _centre in graph._texts]
    assert texts and all(t.font().pointSizeF() * scale >= MIN_SCREEN_PT - 0.01 for t in texts)
    shot(page, "ladder-b-1366")
    # an arrow to another track never runs over another arrow's label
    labels = _labels(page)
    for item in graph.scene().items():
        if not isinstance(item, TransitionItem):
            continue
        stroker = QPainterPathStroker()
        stroker.setWidth(2)
        stroke = stroker.createStroke(item.path())  # the line itself, not the area it encloses
        for owner, rect in labels:
            if owner != item.edge.transition_id:
                assert not stroke.intersects(rect.adjusted(1, 1, -1, -1)), (
                    item.edge.label,
                    rect,
                )


@pytest.mark.usefixtures("english")
def test_english_arrow_labels_stay_inside_the_picture(
    qtbot: QtBot, company_beauty: AppSession
) -> None:
    page = _page(qtbot, company_beauty, size=(1190, 640))
    graph = page.graph
    inside = graph.scene().sceneRect()
    texts = [t for t, _back, _centre in graph._texts]
    assert any(t.text().startswith("Promotion") for t in texts)
    for text in texts:  # "Promotion · rules: 1 · 12 months in level" began left of the picture
        assert inside.contains(text.sceneBoundingRect()), (text.text(), text.sceneBoundingRect())
    graph.zoom(0.5)  # zoomed out, the labels grow to stay readable: still inside
    for text in texts:
        assert inside.contains(text.sceneBoundingRect()), text.text()


def test_fit_enlarges_a_small_ladder_and_follows_the_panel(
    qtbot: QtBot, company: AppSession
) -> None:
    page = _page(qtbot, company, size=(1500, 900))
    track = page.vm.add_track("店铺运营")
    page.vm.add_level(track, "运营助理")
    page.vm.add_level(track, "运营专员")
    page.graph_fit()
    enlarged = page.graph.transform().m11()
    assert enlarged > 1.2  # a small ladder is drawn bigger, not left tiny in the corner
    page.resize(900, 420)
    qtbot.waitUntil(lambda: page.graph.transform().m11() < enlarged)
    assert page.graph.fitted  # it keeps fitting the panel until the user zooms
    page.graph.zoom(1.15)
    assert not page.graph.fitted


def test_the_picture_is_worked_by_the_keyboard(qtbot: QtBot, company_beauty: AppSession) -> None:
    """Without a mouse: ↑ ↓ ← → move between levels and paths, Enter goes into the form, Esc
    lets go, Ctrl+J draws a path to a level picked from a list; the tracks answer to ↑ ↓; and
    the picture shows it has the keyboard."""
    page = _page(qtbot, company_beauty)
    design = page.vm.design
    shop = next(t for t in design.tracks if t.name == "店铺运营")
    assistant, specialist = design.levels_of(shop.id)[:2]
    graph = page.graph
    assert graph.hasFocus()
    edge = graph.grab().toImage().pixelColor(graph.width() // 2, 0)
    assert edge.name() == "#1565c0"  # the frame of the focused picture

    page.vm.select(LEVEL, assistant.id)
    qtbot.keyClick(graph, Qt.Key.Key_Up)  # the path above the box first …
    up = design.find_transition(assistant.id, specialist.id)
    assert up is not None and (page.vm.selection.kind, page.vm.selection.id) == (TRANSITION, up.id)
    qtbot.keyClick(graph, Qt.Key.Key_Up)  # … then the level it leads to
    assert (page.vm.selection.kind, page.vm.selection.id) == (LEVEL, specialist.id)
    qtbot.keyClick(graph, Qt.Key.Key_Down)
    qtbot.keyClick(graph, Qt.Key.Key_Down)
    assert page.vm.selection.id == assistant.id
    qtbot.keyClick(graph, Qt.Key.Key_Down)  # nothing below: it stays
    assert page.vm.selection.id == assistant.id
    qtbot.keyClick(graph, Qt.Key.Key_Right)  # the next track's first level, at the same height
    right = design.level(page.vm.selection.id)
    assert right is not None and right.track_id != shop.id and right.rank == assistant.rank

    qtbot.keyClick(graph, Qt.Key.Key_Left)
    qtbot.keyClick(graph, Qt.Key.Key_Return)  # into the level's form, at its first field
    focused = QApplication.focusWidget()
    assert focused is not None and page.level_form.isAncestorOf(focused)
    graph.setFocus()
    qtbot.keyClick(graph, Qt.Key.Key_Escape)
    assert page.vm.selection.kind is None and page.forms.currentWidget() is page.empty_form

    # a path without dragging: from 运营助理 to the level picked in the list
    page.vm.select(LEVEL, assistant.id)
    assert page.add_path_action.isEnabled()
    offered: list[str] = []
    target = next(lv for lv in design.levels_of(shop.id) if lv.title == "运营主管")

    preselected: list[str] = []

    def pick(_title: str, label: str, choices: list[str], current: int = 0) -> int:
        offered.extend([label, *choices])
        preselected.append(choices[current])
        return choices.index("店铺运营/运营主管")

    page.choose_level = pick  # type: ignore[method-assign]
    qtbot.keyClick(graph, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert offered[0] == "从“店铺运营/运营助理”晋升或转岗到："
    # neither itself nor 运营专员, which it already leads to; its next step up is taken, so a
    # transfer at the same rank is preselected
    assert "店铺运营/运营助理" not in offered[1:] and "店铺运营/运营专员" not in offered[1:]
    assert len(offered) == len(design.levels) - 1
    assert preselected == ["用户运营/运营助理"]
    made = page.vm.design.find_transition(assistant.id, target.id)
    assert made is not None and page.vm.selection.id == made.id
    assert not page.add_path_action.isEnabled()  # a path is selected now, not a level
    qtbot.keyClick(graph, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.vm.design.find_transition(assistant.id, target.id) is None

    # the track list follows the arrow keys, not only clicks
    page.tracks.setFocus()
    page.tracks.setCurrentRow(0)
    qtbot.keyClick(page.tracks, Qt.Key.Key_Down)
    second = page.vm.design.sorted_tracks()[1]
    assert (page.vm.selection.kind, page.vm.selection.id) == (TRACK, second.id)
    assert page.forms.currentWidget() is page.track_form


def test_ctrl_j_on_the_top_level_preselects_a_likely_target_not_the_bottom(
    qtbot: QtBot, company_beauty: AppSession
) -> None:
    """The audit found 运营总监's picker on 店铺运营/运营助理, the one target nobody wants: it opens
    on the nearest rank of another track (nothing is above it, no other track has a rank 4)."""
    page = _page(qtbot, company_beauty)
    design = page.vm.design
    director = next(lv for lv in design.levels if design.level_label(lv.id) == "店铺运营/运营总监")
    page.vm.select(LEVEL, director.id)
    seen: list[tuple[str, list[str]]] = []

    def look() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog))
        box = dialog.findChild(QComboBox)
        assert box is not None
        seen.append((box.currentText(), [box.itemText(i) for i in range(box.count())]))
        shot(dialog, "ladder-new-path-picker")
        dialog.reject()

    QTimer.singleShot(0, look)
    qtbot.keyClick(page.graph, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen))
    current, items = seen[0]
    assert current == "用户运营/运营主管" and items[0] == current
    assert items[-1] == "店铺运营/运营助理"
    assert page.vm.design == design  # cancelled: nothing drawn


def test_ctrl_j_with_nowhere_left_to_go_says_so(qtbot: QtBot, company: AppSession) -> None:
    """Instead of an empty list to pick from."""
    lonely = _page(qtbot, company)
    lonely.vm.add_level(lonely.vm.add_track("店铺运营"), "运营助理")
    told: list[str] = []
    lonely.tell = lambda _title, text: told.append(text)  # type: ignore[method-assign]
    pickers: list[str] = []

    def close_a_picker() -> None:  # an empty one would wait for a click forever
        for picker in QApplication.topLevelWidgets():
            if isinstance(picker, QInputDialog):
                pickers.append(picker.labelText())
                picker.reject()

    QTimer.singleShot(0, close_a_picker)
    qtbot.keyClick(lonely.graph, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert not pickers
    assert told == ["“店铺运营/运营助理”已连到所有其他职级，没有可新建的路径。"]


def test_tab_walks_list_picture_and_form_and_leaves_a_note(
    qtbot: QtBot, company_beauty: AppSession
) -> None:
    """Tab goes list → picture → the form's fields, and out of the multi-line 说明 again
    (Qt's text box would type a tab there and keep the keyboard)."""
    page = _page(qtbot, company_beauty)
    page.tracks.setFocus()
    page.tracks.setCurrentRow(0)
    visited = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    form = page.track_form
    assert visited[0] is page.graph
    assert visited[1] is form.name and visited[2] is form.description
    assert visited[3] is not form.description and "\t" not in form.description.toPlainText()


def test_the_english_rules_table_shows_whole_titles_and_words(
    qtbot: QtBot, company_beauty: AppSession, english: None
) -> None:
    """At 1366×768 the English rules table read "mparis" (Comparison), "Achievem count" and
    "innovatio proposal": fixed widths for the Chinese titles, words wider than their column."""
    import re

    page = _page(qtbot, company_beauty, (1216, 700))
    table = page.transition_form.criteria
    title_width = table.horizontalHeader().fontMetrics().horizontalAdvance
    cell_width = table.fontMetrics().horizontalAdvance
    model = table.model()
    checked = 0
    for transition in page.vm.design.transitions:
        page.vm.select(TRANSITION, transition.id)
        qtbot.wait(1)
        for column in range(model.columnCount()):
            if table.isColumnHidden(column):
                continue
            title = str(model.headerData(column, Qt.Orientation.Horizontal))
            assert table.columnWidth(column) >= title_width(title) + 8, (title, column)
            for row in range(model.rowCount()):
                for word in re.findall(r"[A-Za-z]+", str(model.index(row, column).data() or "")):
                    assert table.columnWidth(column) >= cell_width(word) + 8, (word, column)
                    checked += 1
    assert checked > 0


@pytest.mark.parametrize("language", ["zh", "en"])
def test_arrow_labels_never_cover_a_level_box(
    qtbot: QtBot, demo_company: AppSession, language: str
) -> None:
    """The demo ladder at the page's share of 1366×768: a transfer's "转岗 · 2条规则 · 满6个月"
    ran into the boxes beside its gap, and the long 转岗 below the 专员 row crossed their
    bottoms (longer still in English). Every label's rectangle keeps off every level box and
    inside the picture, fitted, zoomed out (the labels grow) and at 100 %."""
    from desktop import i18n

    i18n.install(language)
    try:
        page = _page(qtbot, demo_company, size=(1190, 640))
        graph = page.graph
        assert graph.layout_now is not None
        boxes = [QRectF(n.x, n.y, n.width, n.height) for n in graph.layout_now.nodes]
        inside = graph.scene().sceneRect()
        for zoom in ("fit", 0.5, "reset"):
            if zoom == "reset":
                graph.reset_zoom()
            elif zoom != "fit":
                graph.zoom(zoom)  # type: ignore[arg-type]
            labels = _labels(page)
            assert len(labels) == len(graph.layout_now.edges)
            for owner, rect in labels:
                assert inside.contains(rect), (zoom, owner, rect)
                for box in boxes:
                    assert not rect.intersects(box), (zoom, owner, rect, box)
            shot(page, f"ladder-demo-labels-{language}-{zoom}")
    finally:
        i18n.install("zh")


def test_saving_new_weights_asks_when_cases_under_approval_would_be_re_scored(
    qtbot: QtBot, fresh_demo: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The GUI audit saved new 评估模板 weights and 孙悦's case (approved by 人事) went from
    91.9 to 89.7 silently. Now the save names the case with both totals and waits for a Yes;
    No keeps the edit unsaved. 放弃修改 asks too, and Ctrl+Y redoes as on Windows."""
    import dataclasses

    from PySide6.QtWidgets import QMessageBox

    from core.domain.scoring import EvaluationTemplate
    from core.services.admin import auth

    app = auth.log_in(fresh_demo(with_cases=True), "demo", "tidui-demo")  # type: ignore[operator]
    try:
        page = _page(qtbot, app)
        spec = page.vm.design.default_template()
        assert spec is not None
        weights = {"performance": 40.0, "ability": 40.0, "potential": 20.0}
        parts = tuple(dataclasses.replace(p, weight=weights[p.key]) for p in spec.template.parts)
        page.vm.update_template(
            dataclasses.replace(spec, template=EvaluationTemplate(spec.template.name, parts))
        )
        answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
        asked = scripted_questions(monkeypatch, answers)
        qtbot.keyClick(page.graph, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        assert "孙悦（E006）运营助理 → 运营专员：91.9 → " in asked[0], asked
        assert page.vm.dirty  # No: nothing saved
        qtbot.keyClick(page.graph, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        assert not page.vm.dirty and len(asked) == 2
        saved = ladder.load_design(app).default_template()
        assert saved is not None and [p.weight for p in saved.template.parts] == [40, 40, 20]

        # 放弃修改 asks first (No keeps the edit); Ctrl+Z / Ctrl+Y undo and redo it
        page.vm.add_track("新通道")
        answers[:] = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
        page.revert_action.trigger()
        assert page.vm.dirty and "放弃所有未保存的修改" in asked[2]
        page.revert_action.trigger()
        assert not page.vm.dirty
        qtbot.keyClick(page.graph, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert page.vm.dirty  # 撤销 brings the edit back
        qtbot.keyClick(page.graph, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
        assert not page.vm.dirty  # and Ctrl+Y throws it away again
    finally:
        app.close(backup=False)
