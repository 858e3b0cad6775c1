"""The panels on the right of the designer: a track, a level, or a transition with its criteria.

Each field commits when the user finishes with it (Enter, leaving the field, picking an item),
and every commit is one undoable edit in the viewmodel. Forms redraw from the viewmodel after
every change, with their own signals blocked so that redrawing is never taken for an edit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFocusEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.domain import ladder_design
from desktop.i18n import captioned, listed, tr
from desktop.viewmodels.ladder_criteria_vm import CriteriaTableModel, kind_names
from desktop.viewmodels.ladder_vm import LEVEL, TRACK, TRANSITION, LadderViewModel
from desktop.views.focus import TextBox
from desktop.views.ladder.criteria import CountConditions, CriteriaTable

NOT_SET = -1


def _money_box() -> QSpinBox:
    box = QSpinBox()
    box.setRange(NOT_SET, ladder_design.MAX_SALARY)
    box.setSpecialValueText(tr("未设置"))
    box.setSingleStep(500)
    box.setGroupSeparatorShown(True)
    box.setPrefix("¥")
    box.setKeyboardTracking(False)
    return box


def _percent_box() -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(-100.0, ladder_design.MAX_RAISE_PCT)
    box.setDecimals(1)
    box.setSuffix("%")
    box.setSingleStep(5)
    box.setKeyboardTracking(False)
    # -100 is never a sensible raise, so it stands for "not set"
    box.setSpecialValueText(tr("未设置"))
    return box


def _problem_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #c62828;")
    label.setVisible(False)
    return label


def _show_problems(label: QLabel, texts: list[str]) -> None:
    label.setText("\n".join(f"⚠ {t}" for t in texts))
    label.setVisible(bool(texts))


class NoteEdit(TextBox):
    """A multi-line text that commits when the user leaves it."""

    editing_finished = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.editing_finished.emit()


class TagListEditor(QWidget):
    """A short list of free texts (permissions, courses) with common suggestions."""

    changed = Signal()

    def __init__(self, suggestions: tuple[str, ...], placeholder: str) -> None:
        super().__init__()
        self.list = QListWidget()
        self.list.setMaximumHeight(84)
        self.entry = QComboBox()
        self.entry.setEditable(True)
        self.entry.addItems(list(suggestions))
        self.entry.setCurrentIndex(-1)
        line = self.entry.lineEdit()
        assert line is not None
        line.setPlaceholderText(placeholder)
        self.add_button = QToolButton()
        self.add_button.setText(tr("添加"))
        self.add_button.clicked.connect(self.on_add_clicked)
        line.returnPressed.connect(self.on_add_clicked)
        self.remove_button = QToolButton()
        self.remove_button.setText(tr("移除"))
        self.remove_button.clicked.connect(self.on_remove_clicked)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.entry, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.list)
        layout.addLayout(row)

    def values(self) -> tuple[str, ...]:
        return tuple(self.list.item(i).text() for i in range(self.list.count()))

    def set_values(self, values: tuple[str, ...]) -> None:
        self.list.clear()
        self.list.addItems(list(values))

    @Slot()
    def on_add_clicked(self) -> None:
        text = self.entry.currentText().strip()
        if text and text not in self.values():
            self.list.addItem(text)
            self.entry.setCurrentIndex(-1)
            self.entry.clearEditText()
            self.changed.emit()

    @Slot()
    def on_remove_clicked(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self.changed.emit()


class TrackForm(QWidget):
    """通道: name, description, order, levels."""

    def __init__(self, vm: LadderViewModel) -> None:
        super().__init__()
        self.vm = vm
        self.track_id = 0
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.name = QLineEdit()
        self.name.editingFinished.connect(self.on_field_edited)
        self.description = NoteEdit()
        self.description.setMaximumHeight(70)
        self.description.editing_finished.connect(self.on_field_edited)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.problems = _problem_label()
        self.add_level_button = QPushButton(tr("在此通道新建职级"))
        self.add_level_button.clicked.connect(self.on_add_level_clicked)
        self.left_button = QPushButton(tr("左移"))
        self.left_button.clicked.connect(lambda: self.vm.move_track(self.track_id, -1))
        self.right_button = QPushButton(tr("右移"))
        self.right_button.clicked.connect(lambda: self.vm.move_track(self.track_id, 1))
        self.archive_button = QPushButton(tr("归档"))
        self.archive_button.clicked.connect(self.on_archive_clicked)
        form = QFormLayout()
        form.addRow(tr("通道名称"), self.name)
        form.addRow(tr("说明"), self.description)
        order = QHBoxLayout()
        order.addWidget(self.left_button)
        order.addWidget(self.right_button)
        order.addWidget(self.archive_button)
        order.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems)
        layout.addWidget(self.add_level_button)
        layout.addLayout(order)
        layout.addStretch(1)

    def show_track(self, track_id: int) -> None:
        self.track_id = track_id
        track = self.vm.design.track(track_id)
        if track is None:
            return
        self.heading.setText(tr("通道：{name}").format(name=track.name))
        for widget in (self.name, self.description):
            widget.blockSignals(True)
        self.name.setText(track.name)
        if self.description.toPlainText() != track.description:
            self.description.setPlainText(track.description)
        for widget in (self.name, self.description):
            widget.blockSignals(False)
        levels = self.vm.design.levels_of(track_id)
        titles = listed(lv.title for lv in levels) or tr("（还没有职级）")
        self.summary.setText(tr("职级（由低到高）：{titles}").format(titles=titles))
        self.archive_button.setText(tr("恢复") if track.archived else tr("归档"))
        _show_problems(self.problems, [p.text() for p in self.vm.problems_of(TRACK, track_id)])
        editable = self.vm.can_edit
        widgets: tuple[QWidget, ...] = (
            self.name,
            self.description,
            self.add_level_button,
            self.left_button,
            self.right_button,
            self.archive_button,
        )
        for each in widgets:
            each.setEnabled(editable)

    @Slot()
    def on_field_edited(self) -> None:
        track = self.vm.design.track(self.track_id)
        if track is None:
            return
        changed = dataclasses.replace(
            track, name=self.name.text().strip(), description=self.description.toPlainText()
        )
        if changed != track:
            self.vm.update_track(changed)

    @Slot()
    def on_add_level_clicked(self) -> None:
        self.vm.add_level(self.track_id)

    @Slot()
    def on_archive_clicked(self) -> None:
        track = self.vm.design.track(self.track_id)
        if track is not None:
            self.vm.set_track_archived(track.id, not track.archived)


class LevelForm(QWidget):
    """职级: title, rank, salary band, permissions, trainings, expected competencies, description."""

    def __init__(self, vm: LadderViewModel, competencies: list[str]) -> None:
        super().__init__()
        self.vm = vm
        self.level_id = 0
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.title = QLineEdit()
        self.title.editingFinished.connect(self.on_field_edited)
        self.rank = QSpinBox()
        self.rank.setRange(1, 20)
        self.rank.setKeyboardTracking(False)
        self.rank.setToolTip(tr("1为通道最底层；序位相同的职级画在同一高度"))
        self.rank.valueChanged.connect(self.on_field_edited)
        self.salary_min = _money_box()
        self.salary_max = _money_box()
        for box in (self.salary_min, self.salary_max):
            box.valueChanged.connect(self.on_field_edited)
        salary = QHBoxLayout()
        salary.addWidget(self.salary_min, 1)
        salary.addWidget(QLabel("–"))
        salary.addWidget(self.salary_max, 1)
        salary.addWidget(QLabel(tr("元/月")))
        self.permissions = TagListEditor(ladder_design.COMMON_PERMISSIONS, tr("输入或选择权限"))
        self.permissions.changed.connect(self.on_field_edited)
        self.trainings = TagListEditor(ladder_design.COMMON_TRAININGS, tr("输入或选择培训课程"))
        self.trainings.changed.connect(self.on_field_edited)
        self.competency_names: list[str] = []
        self.competencies = QWidget()
        self.competency_grid = QGridLayout(self.competencies)
        self.competency_grid.setContentsMargins(0, 0, 0, 0)
        self.competency_grid.setHorizontalSpacing(8)
        self.competency_grid.setVerticalSpacing(4)
        self.competency_grid.setColumnStretch(1, 1)
        self.competency_grid.setColumnStretch(3, 1)
        self.competency_boxes: list[QSpinBox] = []
        self.set_competencies(competencies)
        self.description = NoteEdit()
        self.description.setMaximumHeight(64)
        self.description.editing_finished.connect(self.on_field_edited)
        self.paths = QLabel()
        self.paths.setWordWrap(True)
        self.problems = _problem_label()
        form = QFormLayout()
        form.addRow(tr("职级名称"), self.title)
        form.addRow(tr("序位"), self.rank)
        form.addRow(tr("薪资范围"), salary)
        form.addRow(tr("权限"), self.permissions)
        form.addRow(tr("培训"), self.trainings)
        form.addRow(tr("能力要求"), self.competencies)
        form.addRow(tr("职责说明"), self.description)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.problems)
        layout.addLayout(form)
        layout.addWidget(self.paths)
        layout.addStretch(1)
        self._fields: list[QWidget] = [
            self.title, self.rank, self.salary_min, self.salary_max, self.permissions,
            self.trainings, self.competencies, self.description,
        ]  # fmt: skip

    def set_competencies(self, names: Sequence[str]) -> None:
        """One 1–5 box per competency of the company's model (rebuilt when the model is saved)."""
        while self.competency_grid.count():
            item = self.competency_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.competency_names = list(names)
        self.competency_boxes = []
        for n, name in enumerate(self.competency_names):
            box = QSpinBox()
            box.setRange(0, ladder_design.MAX_COMPETENCY_LEVEL)
            box.setSpecialValueText(tr("不要求"))
            box.setKeyboardTracking(False)
            box.setToolTip(tr("要求等级1–5，0为不要求"))
            box.valueChanged.connect(self.on_field_edited)
            row, column = divmod(n, 2)
            self.competency_grid.addWidget(QLabel(name), row, column * 2)
            self.competency_grid.addWidget(box, row, column * 2 + 1)
            self.competency_boxes.append(box)
        if self.level_id:
            self.show_level(self.level_id)

    def show_level(self, level_id: int) -> None:
        self.level_id = level_id
        level = self.vm.design.level(level_id)
        if level is None:
            return
        self.heading.setText(tr("职级：{label}").format(label=self.vm.level_label(level_id)))
        widgets = [*self._fields, *self.competency_boxes]
        for widget in widgets:
            widget.blockSignals(True)
        self.title.setText(level.title)
        self.rank.setValue(level.rank)
        self.salary_min.setValue(NOT_SET if level.salary_min is None else level.salary_min)
        self.salary_max.setValue(NOT_SET if level.salary_max is None else level.salary_max)
        self.permissions.set_values(level.permissions)
        self.trainings.set_values(level.trainings)
        expected = dict(level.competencies)
        for name, box in zip(self.competency_names, self.competency_boxes, strict=True):
            box.setValue(int(expected.get(name, 0)))
        if self.description.toPlainText() != level.description:
            self.description.setPlainText(level.description)
        for widget in widgets:
            widget.blockSignals(False)
        out = [
            self.vm.level_label(t.to_level_id)
            for t in self.vm.design.transitions
            if t.from_level_id == level_id
        ]
        into = [
            self.vm.level_label(t.from_level_id)
            for t in self.vm.design.transitions
            if t.to_level_id == level_id
        ]
        self.paths.setText(
            tr("可晋升/转岗到：{out}\n来源：{into}").format(
                out=listed(out) or tr("无"), into=listed(into) or tr("无")
            )
        )
        _show_problems(self.problems, [p.text() for p in self.vm.problems_of(LEVEL, level_id)])
        for widget in widgets:
            widget.setEnabled(self.vm.can_edit)

    @Slot()
    def on_field_edited(self) -> None:
        level = self.vm.design.level(self.level_id)
        if level is None:
            return
        expected = dict(level.competencies)
        for name, box in zip(self.competency_names, self.competency_boxes, strict=True):
            if box.value() > 0:
                expected[name] = box.value()
            else:
                expected.pop(name, None)
        low, high = self.salary_min.value(), self.salary_max.value()
        changed = dataclasses.replace(
            level,
            title=self.title.text().strip(),
            rank=self.rank.value(),
            salary_min=None if low == NOT_SET else low,
            salary_max=None if high == NOT_SET else high,
            permissions=self.permissions.values(),
            trainings=self.trainings.values(),
            competencies=tuple(expected.items()),
            description=self.description.toPlainText(),
        )
        if changed != level:
            self.vm.update_level(changed)


class TransitionForm(QWidget):
    """晋升/转岗路径: ends, kind, tenure, evaluation template, raise range, and the criteria."""

    def __init__(self, vm: LadderViewModel) -> None:
        super().__init__()
        self.vm = vm
        self.transition_id = 0
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.source = QComboBox()
        self.target = QComboBox()
        self.kind = QComboBox()
        self.kind.addItem(tr("晋升（纵向）"), "promotion")
        self.kind.addItem(tr("转岗（横向）"), "transfer")
        self.tenure = QSpinBox()
        self.tenure.setRange(0, 600)
        self.tenure.setSuffix(tr(" 个月"))
        self.tenure.setSpecialValueText(tr("不要求"))
        self.tenure.setKeyboardTracking(False)
        self.template = QComboBox()
        self.raise_min = _percent_box()
        self.raise_max = _percent_box()
        for combo in (self.source, self.target, self.kind, self.template):
            combo.activated.connect(self.on_field_edited)
        for box in (self.tenure, self.raise_min, self.raise_max):
            box.valueChanged.connect(self.on_field_edited)
        raise_row = QHBoxLayout()
        raise_row.addWidget(self.raise_min, 1)
        raise_row.addWidget(QLabel("–"))
        raise_row.addWidget(self.raise_max, 1)
        form = QFormLayout()
        form.addRow(tr("起点职级"), self.source)
        form.addRow(tr("终点职级"), self.target)
        form.addRow(tr("类型"), self.kind)
        form.addRow(tr("最短任职"), self.tenure)
        form.addRow(tr("评估模板"), self.template)
        form.addRow(tr("调薪幅度"), raise_row)

        self.criteria_model = CriteriaTableModel(vm, self)
        self.criteria = CriteriaTable(self.criteria_model)
        self.count_conditions = CountConditions(self.criteria)
        self.add_rule_button = QPushButton(tr("添加规则"))
        self.add_rule_button.setShortcut(QKeySequence("Ctrl+R"))
        self.add_rule_button.setToolTip(tr("添加一条规则（Ctrl+R）"))
        self.add_rule_button.clicked.connect(self.on_add_rule_clicked)
        self.remove_rule_button = QPushButton(tr("删除规则"))
        self.remove_rule_button.clicked.connect(self.on_remove_rule_clicked)
        self.up_button = QToolButton()
        self.up_button.setText("↑")
        self.up_button.setToolTip(tr("上移规则"))
        self.up_button.clicked.connect(lambda: self._move_rule(-1))
        self.down_button = QToolButton()
        self.down_button.setText("↓")
        self.down_button.setToolTip(tr("下移规则"))
        self.down_button.clicked.connect(lambda: self._move_rule(1))
        rule_buttons = QHBoxLayout()
        rule_buttons.addWidget(self.add_rule_button)
        rule_buttons.addWidget(self.remove_rule_button)
        rule_buttons.addWidget(self.up_button)
        rule_buttons.addWidget(self.down_button)
        rule_buttons.addStretch(1)
        self.version = QLabel()
        self.version.setStyleSheet("color: #616161;")
        # its own wrapped line: beside the buttons it held the form wider than its pane
        self.version.setWordWrap(True)
        self.sentences = QLabel()
        self.sentences.setWordWrap(True)
        self.sentences.setTextFormat(Qt.TextFormat.PlainText)
        self.sentences.setFrameShape(QFrame.Shape.StyledPanel)
        self.sentences.setStyleSheet("background: #f7f9fc; padding: 6px;")
        self.problems = _problem_label()
        rules_box = QGroupBox(tr("晋升条件（全部满足才算达标）"))
        rules_box.setToolTip(rule_kind_help())
        rules_layout = QVBoxLayout(rules_box)
        rules_layout.addLayout(rule_buttons)
        rules_layout.addWidget(self.version)
        rules_layout.addWidget(self.criteria, 1)
        rules_layout.addWidget(self.count_conditions)
        rules_layout.addWidget(self.problems)
        rules_layout.addWidget(QLabel(tr("员工看到的条件：")))
        rules_layout.addWidget(self.sentences)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(rules_box, 1)
        self._fields: list[QWidget] = [
            self.source, self.target, self.kind, self.tenure, self.template, self.raise_min,
            self.raise_max,
        ]  # fmt: skip

    def show_transition(self, transition_id: int) -> None:
        path = self.vm.design.transition(transition_id)
        if path is None:
            return
        if transition_id != self.transition_id:
            self.criteria_model.set_transition(transition_id)
        self.transition_id = transition_id
        design = self.vm.design
        self.heading.setText(
            tr("路径：{source} → {target}").format(
                source=self.vm.level_label(path.from_level_id),
                target=self.vm.level_label(path.to_level_id),
            )
        )
        for widget in self._fields:
            widget.blockSignals(True)
        for combo, chosen in ((self.source, path.from_level_id), (self.target, path.to_level_id)):
            combo.clear()
            for track in design.sorted_tracks():
                for level in design.levels_of(track.id):
                    if not level.archived or level.id == chosen:
                        combo.addItem(design.level_label(level.id), level.id)
            combo.setCurrentIndex(combo.findData(chosen))
        self.kind.setCurrentIndex(self.kind.findData(path.kind))
        self.tenure.setValue(path.min_tenure_months)
        self.template.clear()
        self.template.addItem(tr("（不评估）"), 0)
        for template in design.templates:
            self.template.addItem(template.name, template.id)
        self.template.setCurrentIndex(
            max(self.template.findData(path.evaluation_template_id or 0), 0)
        )
        self.raise_min.setValue(-100.0 if path.raise_min_pct is None else path.raise_min_pct)
        self.raise_max.setValue(-100.0 if path.raise_max_pct is None else path.raise_max_pct)
        for widget in self._fields:
            widget.blockSignals(False)
        saved = self.vm.design.transition(transition_id)
        version = saved.version if saved and transition_id > 0 else 1
        self.version.setText(tr("规则版本 v{n}（改了规则保存后生成新版本）").format(n=version))
        rules = ladder_design.rules_of(path)
        self.sentences.setText(
            "\n".join(f"{i}. {self.vm.sentence(spec)}" for i, spec in enumerate(rules, start=1))
            or tr("（还没有条件）")
        )
        _show_problems(
            self.problems, [p.text() for p in self.vm.problems_of(TRANSITION, transition_id)]
        )
        for widget in (*self._fields, self.add_rule_button, self.remove_rule_button,
                       self.up_button, self.down_button):  # fmt: skip
            widget.setEnabled(self.vm.can_edit)

    @Slot()
    def on_field_edited(self) -> None:
        path = self.vm.design.transition(self.transition_id)
        if path is None:
            return
        low, high = self.raise_min.value(), self.raise_max.value()
        template_id = self.template.currentData()
        changed = dataclasses.replace(
            path,
            from_level_id=int(self.source.currentData() or path.from_level_id),
            to_level_id=int(self.target.currentData() or path.to_level_id),
            kind=str(self.kind.currentData()),
            min_tenure_months=self.tenure.value(),
            evaluation_template_id=int(template_id) if template_id else None,
            raise_min_pct=None if low <= -100 else low,
            raise_max_pct=None if high <= -100 else high,
        )
        if changed != path:
            self.vm.update_transition(changed)

    @Slot()
    def on_add_rule_clicked(self) -> None:
        row = self.criteria_model.add_rule()
        if row >= 0:
            self.criteria.setCurrentIndex(
                self.criteria_model.index(row, CriteriaTableModel.SUBJECT)
            )

    @Slot()
    def on_remove_rule_clicked(self) -> None:
        row = self.criteria.current_row()
        if row >= 0:
            self.criteria_model.remove_rule(row)

    def _move_rule(self, step: int) -> None:
        row = self.criteria.current_row()
        if row >= 0:
            self.criteria_model.move_rule(row, step)
            self.criteria.setCurrentIndex(
                self.criteria_model.index(row + step, self.criteria.currentIndex().column())
            )


def rule_kind_help() -> str:
    """What each rule kind means, for the criteria table's tooltip."""
    names = kind_names()
    return "\n".join(
        [
            captioned(names["each_month"], tr("窗口内每个月都达到阈值，缺数据的月份不算达标")),
            captioned(names["change"], tr("最后一个月与窗口前一个月相比的变化；比率按百分点计算")),
            captioned(names["average"], tr("窗口内各月的平均值")),
            captioned(names["count"], tr("窗口内记录的成果次数，可加ROI、带领人数条件")),
            captioned(names["tenure"], tr("在当前职级的月数")),
            captioned(names["score"], tr("最近一次评估的总分或某部分得分")),
        ]
    )
