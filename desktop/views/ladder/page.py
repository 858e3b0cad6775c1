"""晋升通道: the ladder designer page — tracks, the ladder graph, forms, evaluation templates, metrics."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QColor, QKeySequence, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedLayout,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import bracketed, tr
from desktop.viewmodels.competency_vm import CompetencyModelViewModel
from desktop.viewmodels.ladder_evaluation_vm import EvaluationEditorViewModel
from desktop.viewmodels.ladder_graph_vm import layout
from desktop.viewmodels.ladder_metrics_vm import MetricCatalogueModel
from desktop.viewmodels.ladder_vm import LEVEL, TRACK, TRANSITION, LadderViewModel
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views import files
from desktop.views.focus import form_undo_wins, redo_also_on_ctrl_y, tab_stops
from desktop.views.ladder.competencies import CompetencyModelEditor
from desktop.views.ladder.evaluation import EvaluationTemplateEditor
from desktop.views.ladder.forms import LevelForm, TrackForm, TransitionForm
from desktop.views.ladder.graph import LadderGraphView
from desktop.views.ladder.metrics import MetricCatalogueView
from desktop.views.questions import DISCARD, SAVE, ask, ask_save

TRACK_ID_ROLE = Qt.ItemDataRole.UserRole
# the form pane at 1366×768, beside the picture (wider when the rules table needs it)
FORM_PANE_WIDTH = 380


class LadderPage(QWidget):
    """The owner designs the ladder here; HR and supervisors see it read-only."""

    def __init__(self, session_vm: SessionViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = LadderViewModel(session_vm, self)
        self.evaluation_vm = EvaluationEditorViewModel(self.vm, self)
        self.metrics_model = MetricCatalogueModel(self.vm, self)

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._build_actions()

        # left: tracks
        self.tracks = QListWidget()
        self.tracks.setMinimumWidth(130)
        self.tracks.setMaximumWidth(220)
        self.tracks.itemClicked.connect(self.on_tracks_item_clicked)
        self.tracks.currentItemChanged.connect(self.on_tracks_current_changed)  # ↑ ↓
        tracks_panel = QWidget()
        tracks_layout = QVBoxLayout(tracks_panel)
        tracks_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(tr("通道"))
        heading.setStyleSheet("font-weight: bold;")
        tracks_layout.addWidget(heading)
        tracks_layout.addWidget(self.tracks, 1)
        help_text = QLabel(
            tr(
                "从一个职级拖到另一个职级即可新建路径；点击方框或箭头在右侧编辑。"
                "键盘：在图中用方向键选择，Enter 编辑，Ctrl+J 新建路径。"
            )
        )
        help_text.setWordWrap(True)
        help_text.setStyleSheet("color: #616161;")
        tracks_layout.addWidget(help_text)

        # centre: the graph
        self.graph = LadderGraphView()
        self.graph.empty_hint = tr(
            "还没有通道。点击“新建通道”开始设计，或新建公司档案时选择内置模板。"
        )
        self.graph.level_clicked.connect(self.on_graph_level_clicked)
        self.graph.transition_clicked.connect(self.on_graph_transition_clicked)
        self.graph.background_clicked.connect(self.on_graph_background_clicked)
        self.graph.connect_requested.connect(self.on_graph_connect_requested)
        self.graph.edit_requested.connect(self.on_graph_edit_requested)

        # right: the form of what is selected
        self.empty_form = QLabel(tr("选择左侧的通道，或图中的职级、路径进行编辑。"))
        self.empty_form.setWordWrap(True)
        self.empty_form.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty_form.setStyleSheet("color: #616161; padding: 12px;")
        self.track_form = TrackForm(self.vm)
        self.competency_vm = CompetencyModelViewModel(session_vm, self)
        self.level_form = LevelForm(self.vm, self.competency_vm.saved_names())
        self.competency_vm.saved.connect(self.on_competencies_saved)
        self.transition_form = TransitionForm(self.vm)
        self.forms = QStackedWidget()
        for form in (self.empty_form, self.track_form, self.level_form, self.transition_form):
            self.forms.addWidget(form)
            form_undo_wins(form, own_first=True)  # names are taken when left; numbers at once
        # The panel takes the size of the form shown, not of the widest one: a short hint must
        # not get a horizontal scroll bar because the path form is wide.
        self.forms.currentChanged.connect(self.on_form_changed)
        self.on_form_changed()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.forms)
        # Tab goes from the picture straight to the form's first field (the panel itself
        # showed no mark of having the keyboard); it scrolls to whichever field has it
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.form_pane = scroll
        self.on_rules_width_changed()
        self.transition_form.criteria.least_width_changed.connect(self.on_rules_width_changed)

        self.splitter = QSplitter()
        self.splitter.addWidget(tracks_panel)
        self.splitter.addWidget(self.graph)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([130, 800, 420])

        self.tabs = QTabWidget()
        self.tabs.addTab(self.splitter, tr("通道设计"))
        self.evaluation_editor = EvaluationTemplateEditor(self.evaluation_vm)
        self.tabs.addTab(self.evaluation_editor, tr("评估模板", "tab"))
        self.metrics_view = MetricCatalogueView(self.metrics_model)
        self.tabs.addTab(self.metrics_view, tr("指标目录"))
        self.competency_editor = CompetencyModelEditor(self.competency_vm)
        self.tabs.addTab(self.competency_editor, tr("能力模型"))

        self.problem_line = QLabel()
        self.problem_line.setWordWrap(True)
        self.problem_line.setStyleSheet("color: #c62828;")
        self.status_line = QLabel()
        self.status_line.setStyleSheet("color: #2e7d32;")
        status = QHBoxLayout()
        status.addWidget(self.problem_line, 1)
        status.addWidget(self.status_line)

        page = QVBoxLayout(self)
        page.addWidget(self.toolbar)
        page.addWidget(self.tabs, 1)
        page.addLayout(status)

        self.vm.design_changed.connect(self.on_vm_design_changed)
        self.vm.selection_changed.connect(self.on_vm_selection_changed)
        self.vm.dirty_changed.connect(self.on_vm_dirty_changed)
        self.vm.saved.connect(self.on_vm_saved)
        self.vm.failed.connect(self.on_vm_failed)
        for stack in (self.vm.undo_stack, self.competency_vm.undo_stack):
            stack.canUndoChanged.connect(self.on_tab_changed)
            stack.canRedoChanged.connect(self.on_tab_changed)
        self.competency_vm.dirty_changed.connect(self.on_tab_changed)
        self.tabs.currentChanged.connect(self.on_tab_changed)
        self.vm.undo_stack.undoTextChanged.connect(self.on_undo_text_changed)
        self.vm.undo_stack.redoTextChanged.connect(self.on_redo_text_changed)
        self.on_vm_design_changed()
        self.on_vm_selection_changed()
        self.on_vm_dirty_changed(False)
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)

    # --- building ----------------------------------------------------------------------------

    def _action(self, text: str, shortcut: str | None, slot: object, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(bracketed(tip or text, QKeySequence(shortcut).toString()))
        elif tip:
            action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.toolbar
        self.add_track_action = self._action(tr("新建通道"), "Ctrl+Shift+N", self.on_add_track)
        self.add_level_action = self._action(
            tr("新建职级"), "Ctrl+N", self.on_add_level, tr("在选中的通道中新建职级")
        )
        self.add_path_action = self._action(
            tr("新建路径…"),
            "Ctrl+J",  # Ctrl+L locks Tidui
            self.on_add_path,
            tr("从选中的职级新建一条晋升或转岗路径（也可在图中拖动）"),
        )
        self.delete_action = self._action(tr("删除"), "Delete", self.on_delete)
        self.undo_action = self._action(tr("撤销"), "Ctrl+Z", self.on_undo)
        self.redo_action = self._action(tr("重做"), "Ctrl+Shift+Z", self.on_redo)
        redo_also_on_ctrl_y(self.redo_action)
        self.save_action = self._action(
            tr("保存"), "Ctrl+S", self.on_save, tr("把所有修改一次保存到公司档案")
        )
        self.revert_action = self._action(tr("放弃修改"), None, self.on_revert)
        for action in (
            self.add_track_action,
            self.add_level_action,
            self.add_path_action,
            self.delete_action,
        ):
            bar.addAction(action)
        bar.addSeparator()
        for action in (self.undo_action, self.redo_action, self.save_action, self.revert_action):
            bar.addAction(action)
        bar.addSeparator()
        bar.addAction(self._action(tr("放大"), "Ctrl+=", lambda: self.graph.zoom(1.2)))
        bar.addAction(self._action(tr("缩小"), "Ctrl+-", lambda: self.graph.zoom(1 / 1.2)))
        bar.addAction(self._action(tr("适应窗口"), "Ctrl+0", self.graph_fit))
        self.archived_action = self._action(tr("显示已归档"), None, self.on_show_archived)
        self.archived_action.setCheckable(True)
        bar.addAction(self.archived_action)
        bar.addSeparator()
        bar.addAction(self._action(tr("导出图片…"), None, self.on_export_picture))
        bar.addAction(
            self._action(tr("导出…"), "Ctrl+E", self.on_export_ladder, tr("导出为 JSON 或 Excel"))
        )
        self.import_action = self._action(
            tr("导入…"), None, self.on_import_ladder, tr("从 JSON 或 Excel 导入晋升通道")
        )
        bar.addAction(self.import_action)
        for action in bar.actions():
            button = bar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setAutoRaise(True)

    def graph_fit(self) -> None:
        self.graph.fit()

    # --- asking the user (tests replace these) -----------------------------------------------

    def ask(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def tell(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    def choose_save_path(self, title: str, filters: str, suggested: str) -> Path | None:
        return files.save_file(self, title, suggested, filters, files.EXPORTS)

    def choose_open_path(self, title: str, filters: str) -> Path | None:
        return files.open_file(self, title, filters, files.IMPORTS)

    def choose_level(
        self, title: str, label: str, choices: list[str], current: int = 0
    ) -> int | None:
        """The index of the level the user picks from ``choices`` (``current`` preselected), or
        None when cancelled."""
        picked, ok = QInputDialog.getItem(self, title, label, choices, current, False)
        return choices.index(picked) if ok and picked in choices else None

    def confirm_leave(self) -> bool:
        """Called by the main window before locking or closing: unsaved edits are not lost silently."""
        if not self.vm.dirty and not self.competency_vm.dirty:
            return True
        answer = ask_save(self, tr("晋升通道"), tr("晋升通道有未保存的修改。"), tr("不保存"))
        if answer == SAVE:
            design_ok = not self.vm.dirty or self.save_design()
            return design_ok and (not self.competency_vm.dirty or self.competency_vm.save())
        if answer == DISCARD:
            self.vm.reload()
            self.competency_vm.reload()
            return True
        return False

    # --- showing the viewmodel ---------------------------------------------------------------

    @Slot()
    def on_vm_design_changed(self) -> None:
        self._refresh_tracks()
        self._refresh_graph()
        self._refresh_form()
        summary = self.vm.problem_summary()
        self.problem_line.setText(f"⚠ {summary}" if summary else "")
        self.save_action.setEnabled(self.vm.can_edit and self.vm.dirty)

    @Slot()
    def on_vm_selection_changed(self) -> None:
        self._refresh_graph()
        self._refresh_form()
        selection = self.vm.selection
        track = self.vm.selected_track()
        self.tracks.blockSignals(True)
        for row in range(self.tracks.count()):
            item = self.tracks.item(row)
            if track is not None and item.data(TRACK_ID_ROLE) == track.id:
                self.tracks.setCurrentRow(row)
                break
        else:
            self.tracks.clearSelection()
        self.tracks.blockSignals(False)
        editable = self.vm.can_edit
        self.delete_action.setEnabled(editable and selection.kind is not None)
        self.add_level_action.setEnabled(editable and track is not None)
        self.add_path_action.setEnabled(editable and selection.kind == LEVEL)

    @Slot(bool)
    def on_vm_dirty_changed(self, dirty: bool) -> None:
        if self.on_competency_tab():
            self.save_action.setEnabled(self.competency_vm.editable and self.competency_vm.dirty)
        else:
            self.save_action.setEnabled(self.vm.can_edit and dirty)
        self.revert_action.setEnabled(self.vm.can_edit and dirty)
        self.import_action.setEnabled(self.vm.can_edit)
        self.add_track_action.setEnabled(self.vm.can_edit)
        if dirty:
            self.status_line.setStyleSheet("color: #ef6c00;")
            self.status_line.setText(tr("有未保存的修改"))
        elif self.status_line.text() == tr("有未保存的修改"):
            # undone back to the saved design: the warning must not outlive the edits
            self.status_line.setStyleSheet("color: #616161;")
            self.status_line.setText(tr("没有需要保存的修改"))

    @Slot(str)
    def on_vm_saved(self, message: str) -> None:
        self.status_line.setStyleSheet("color: #2e7d32;")
        self.status_line.setText(message)

    @Slot(str)
    def on_vm_failed(self, message: str) -> None:
        self.tell(tr("晋升通道"), message)

    @Slot(str)
    def on_undo_text_changed(self, text: str) -> None:
        self.undo_action.setToolTip(
            tr("撤销：{what}（Ctrl+Z）").format(what=text) if text else tr("撤销（Ctrl+Z）")
        )

    @Slot(str)
    def on_redo_text_changed(self, text: str) -> None:
        self.redo_action.setToolTip(
            tr("重做：{what}（Ctrl+Shift+Z）").format(what=text)
            if text
            else tr("重做（Ctrl+Shift+Z）")
        )

    def _refresh_tracks(self) -> None:
        self.tracks.blockSignals(True)
        self.tracks.clear()
        for track in self.vm.design.sorted_tracks():
            if track.archived and not self.vm.show_archived:
                continue
            levels = [lv for lv in self.vm.design.levels_of(track.id) if not lv.archived]
            text = f"{track.name}  ({len(levels)})"
            if track.archived:
                text += tr("（已归档）")
            item = QListWidgetItem(text)
            item.setData(TRACK_ID_ROLE, track.id)
            if track.archived:
                item.setForeground(QColor("#9e9e9e"))
            if self.vm.problems_of(TRACK, track.id):
                item.setForeground(QColor("#c62828"))
            self.tracks.addItem(item)
        self.tracks.blockSignals(False)

    def _refresh_graph(self) -> None:
        graph = layout(self.vm.design, self.vm.show_archived, self.vm.problems())
        selection = self.vm.selection
        self.graph.show_layout(graph, selection.kind, selection.id)

    def _refresh_form(self) -> None:
        selection = self.vm.selection
        if selection.kind == TRACK and self.vm.design.track(selection.id):
            self.track_form.show_track(selection.id)
            self.forms.setCurrentWidget(self.track_form)
        elif selection.kind == LEVEL and self.vm.design.level(selection.id):
            self.level_form.show_level(selection.id)
            self.forms.setCurrentWidget(self.level_form)
        elif selection.kind == TRANSITION and self.vm.design.transition(selection.id):
            self.transition_form.show_transition(selection.id)
            self.forms.setCurrentWidget(self.transition_form)
        else:
            self.forms.setCurrentWidget(self.empty_form)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.graph.fit_pending:
            self.graph.fit_pending = False
            self.graph.fit()

    # --- user gestures -----------------------------------------------------------------------

    @Slot(QListWidgetItem)
    def on_tracks_item_clicked(self, item: QListWidgetItem) -> None:
        self.vm.select(TRACK, int(item.data(TRACK_ID_ROLE)))

    @Slot(QListWidgetItem, QListWidgetItem)
    def on_tracks_current_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        if current is not None:
            self.vm.select(TRACK, int(current.data(TRACK_ID_ROLE)))

    @Slot()
    def on_graph_edit_requested(self) -> None:
        """Enter in the picture: the keyboard goes to the first field of the selected one's form."""
        form = self.forms.currentWidget()
        stops = tab_stops(form) if form is not None else []
        if stops:
            stops[0].setFocus(Qt.FocusReason.TabFocusReason)

    @Slot()
    def on_add_path(self) -> None:
        """The keyboard's way to draw a path: from the selected level to one picked from a list."""
        selection = self.vm.selection
        if selection.kind != LEVEL:
            return
        targets = self.vm.path_targets(selection.id)
        level = self.vm.design.level_label(selection.id)
        if not targets.choices:
            self.tell(
                tr("新建路径"),
                tr("“{level}”已连到所有其他职级，没有可新建的路径。").format(level=level),
            )
            return
        picked = self.choose_level(
            tr("新建路径"),
            tr("从“{level}”晋升或转岗到：").format(level=level),
            [label for _, label in targets.choices],
            targets.default,
        )
        if picked is not None:
            self.vm.connect_levels(selection.id, targets.choices[picked][0])

    @Slot(int)
    def on_graph_level_clicked(self, level_id: int) -> None:
        self.vm.select(LEVEL, level_id)

    @Slot(int)
    def on_graph_transition_clicked(self, transition_id: int) -> None:
        self.vm.select(TRANSITION, transition_id)

    @Slot()
    def on_graph_background_clicked(self) -> None:
        self.vm.select(None)

    @Slot(int, int)
    def on_graph_connect_requested(self, from_level: int, to_level: int) -> None:
        self.vm.connect_levels(from_level, to_level)

    @Slot()
    def on_add_track(self) -> None:
        self.vm.add_track()
        self.tabs.setCurrentWidget(self.splitter)
        self.track_form.name.setFocus()
        self.track_form.name.selectAll()

    @Slot()
    def on_add_level(self) -> None:
        track = self.vm.selected_track()
        if track is None:
            return
        self.vm.add_level(track.id)
        self.level_form.title.setFocus()
        self.level_form.title.selectAll()

    @Slot()
    def on_delete(self) -> None:
        selection = self.vm.selection
        if selection.kind is None or not self.vm.can_edit:
            return
        if self.tabs.currentWidget() is not self.splitter:
            return
        if self.transition_form.criteria.hasFocus():  # Delete in the rules table removes a rule
            self.transition_form.on_remove_rule_clicked()
            return
        warning = self.vm.delete_warning(selection.kind, selection.id)
        if self.ask(tr("删除"), warning + "\n" + tr("删除可以撤销，保存后才写入公司档案。")):
            self.vm.delete_selected()

    # The 能力模型 tab keeps its own history and saves on its own: while it is shown, the
    # toolbar's 撤销/重做/保存 (and Ctrl+Z, Ctrl+Shift+Z, Ctrl+S) act on it, not on the hidden design.
    def on_competency_tab(self) -> bool:
        return self.tabs.currentWidget() is self.competency_editor

    def active_undo_stack(self) -> QUndoStack:
        return self.competency_vm.undo_stack if self.on_competency_tab() else self.vm.undo_stack

    @Slot()
    def on_undo(self) -> None:
        self.active_undo_stack().undo()

    @Slot()
    def on_redo(self) -> None:
        self.active_undo_stack().redo()

    @Slot()
    def on_save(self) -> None:
        if self.on_competency_tab():
            self.competency_editor.on_save_clicked()
        else:
            self.save_design()

    def save_design(self) -> bool:
        """Save the design; first ask when it would re-score cases already under approval
        (until the owner decides, a case is scored by today's template and rules)."""
        lines = self.vm.rescored_cases()
        if lines and not ask(
            self,
            tr("保存晋升通道"),
            tr(
                "保存后，下列审批中的申请会按新的评估模板和条件重新计分，"
                "已签过的审批意见不会跟着改：\n{lines}\n\n仍要保存吗？"
            ).format(lines="\n".join(lines)),
        ):
            return False
        return self.vm.save()

    @Slot()
    def on_revert(self) -> None:
        if self.vm.dirty and ask(
            self, tr("放弃修改"), tr("放弃所有未保存的修改？之后仍可用“撤销”（Ctrl+Z）找回。")
        ):
            self.vm.revert()

    @Slot()
    def on_tab_changed(self) -> None:
        stack = self.active_undo_stack()
        self.undo_action.setEnabled(stack.canUndo())
        self.redo_action.setEnabled(stack.canRedo())
        if self.on_competency_tab():
            self.save_action.setEnabled(self.competency_vm.editable and self.competency_vm.dirty)
        else:
            self.on_vm_dirty_changed(self.vm.dirty)

    @Slot()
    def on_rules_width_changed(self) -> None:
        """The form pane is 380 px, or as wide as the path form's rules table needs, whichever
        form it shows (its width does not jump from a level to a path): in English the rules'
        numbers were behind a sideways scroll bar at 1366×768."""
        table = self.transition_form.criteria
        around = 0  # the margins and frames between the table and the pane's edges
        widget = table.parentWidget()
        while widget is not None and widget is not self.form_pane:
            margins = widget.contentsMargins()
            around += margins.left() + margins.right()
            layout = widget.layout()
            if layout is not None and not isinstance(layout, QStackedLayout):  # it has none
                margins = layout.contentsMargins()
                around += margins.left() + margins.right()
            widget = widget.parentWidget()
        pane = self.form_pane
        # the path form is taller than the pane at 768 px: room for its vertical scroll bar
        around += 2 * pane.frameWidth() + pane.verticalScrollBar().sizeHint().width()
        pane.setMinimumWidth(max(FORM_PANE_WIDTH, table.least_width() + around))

    @Slot()
    def on_form_changed(self) -> None:
        current = self.forms.currentWidget()
        for index in range(self.forms.count()):
            form = self.forms.widget(index)
            policy = QSizePolicy.Policy.Preferred if form is current else QSizePolicy.Policy.Ignored
            if form is not None:
                form.setSizePolicy(policy, policy)
        self.forms.adjustSize()

    @Slot()
    def on_competencies_saved(self) -> None:
        self.level_form.set_competencies(self.competency_vm.saved_names())
        form_undo_wins(self.level_form, own_first=True)  # the new 1–5 boxes too

    @Slot()
    def on_show_archived(self) -> None:
        self.vm.show_archived = self.archived_action.isChecked()
        self.on_vm_design_changed()

    @Slot()
    def on_export_picture(self) -> None:
        path = self.choose_save_path(
            tr("导出晋升通道图"), tr("PNG 图片 (*.png);;PDF 文件 (*.pdf)"), tr("晋升通道.png")
        )
        if path is None:
            return
        done = (
            self.graph.export_pdf(path, tr("晋升通道"))
            if path.suffix.lower() == ".pdf"
            else self.graph.export_png(path.with_suffix(".png") if not path.suffix else path)
        )
        if done:
            self.on_vm_saved(tr("已导出到 {file}").format(file=str(path)))
        else:
            self.tell(tr("导出图片"), tr("无法写入 {file}").format(file=str(path)))

    @Slot()
    def on_export_ladder(self) -> None:
        path = self.choose_save_path(
            tr("导出晋升通道"),
            tr("JSON 文件（可导入其他公司档案）(*.json);;Excel 表格（便于打印讨论）(*.xlsx)"),
            tr("晋升通道.json"),
        )
        if path is not None:
            if self.vm.dirty:
                self.tell(tr("导出"), tr("导出的是已保存的晋升通道；未保存的修改不包含在内。"))
            self.vm.export_file(path)

    @Slot()
    def on_import_ladder(self) -> None:
        path = self.choose_open_path(tr("导入晋升通道"), tr("晋升通道文件 (*.json *.xlsx)"))
        if path is not None:
            self.vm.import_file(path)
