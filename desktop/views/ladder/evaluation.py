"""The evaluation template editor: parts with weights, items with weights and rubric, live totals."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.viewmodels.ladder_evaluation_vm import EvaluationEditorViewModel
from desktop.views.ladder.criteria import ChoiceDelegate

OK_STYLE = "color: #2e7d32; font-weight: bold;"
BAD_STYLE = "color: #c62828; font-weight: bold;"


class EvaluationTemplateEditor(QWidget):
    def __init__(self, editor: EvaluationEditorViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.templates = QComboBox()
        self.templates.setMinimumWidth(200)
        self.templates.activated.connect(self.on_template_activated)
        self.name = QLineEdit()
        self.name.editingFinished.connect(self.on_name_edited)
        self.is_default = QCheckBox(tr("新建路径默认使用"))
        self.is_default.clicked.connect(self.on_default_clicked)
        self.add_button = QPushButton(tr("新建模板"))
        self.add_button.clicked.connect(self.editor.add_template)
        self.delete_button = QPushButton(tr("删除模板"))
        self.delete_button.clicked.connect(self.editor.delete_template)
        top = QHBoxLayout()
        top.addWidget(QLabel(tr("评估模板")))
        top.addWidget(self.templates)
        top.addWidget(QLabel(tr("名称")))
        top.addWidget(self.name, 1)
        top.addWidget(self.is_default)
        top.addWidget(self.add_button)
        top.addWidget(self.delete_button)

        self.parts = QTableView()
        self.parts.setModel(editor.parts)
        self.parts.setItemDelegate(ChoiceDelegate(self.parts))
        self.parts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.parts.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.parts.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.parts.verticalHeader().setVisible(False)
        self.parts.setMaximumHeight(130)
        self.parts.clicked.connect(self.on_part_clicked)
        self.part_total = QLabel()

        self.items = QTableView()
        self.items.setModel(editor.items)
        self.items.setWordWrap(True)
        self.items.verticalHeader().setVisible(False)
        self.items.verticalHeader().setMinimumSectionSize(30)
        header = self.items.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.items.setColumnWidth(0, 110)
        self.items.setColumnWidth(1, 60)
        self.item_total = QLabel()
        self.add_item_button = QPushButton(tr("添加项目"))
        self.add_item_button.clicked.connect(self.editor.add_item)
        self.remove_item_button = QPushButton(tr("删除项目"))
        self.remove_item_button.clicked.connect(self.on_remove_item_clicked)
        item_buttons = QHBoxLayout()
        item_buttons.addWidget(self.add_item_button)
        item_buttons.addWidget(self.remove_item_button)
        item_buttons.addStretch(1)
        item_buttons.addWidget(self.item_total)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #c62828;")

        hint = QLabel(
            tr(
                "绩效由晋升路径的KPI规则自动打分（每条规则的达成度换算为0–100）；能力、潜力按评分项目和评分标准打分。"
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #616161;")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.parts)
        layout.addWidget(self.part_total)
        layout.addWidget(QLabel(tr("评分项目与评分标准（选中上方的部分）")))
        layout.addWidget(self.items, 1)
        layout.addLayout(item_buttons)
        layout.addWidget(self.problems)
        editor.template_changed.connect(self.refresh)
        editor.part_changed.connect(self.refresh_part)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        editor = self.editor
        self.templates.blockSignals(True)
        self.templates.clear()
        for each in editor.templates():
            label = each.name + (tr("（默认）") if each.is_default else "")
            self.templates.addItem(label, each.id)
        self.templates.setCurrentIndex(self.templates.findData(editor.template_id))
        self.templates.blockSignals(False)
        spec = editor.template()
        self.name.setText(spec.name if spec else "")
        self.is_default.setChecked(bool(spec and spec.is_default))
        editable = editor.vm.can_edit and spec is not None
        for widget in (self.name, self.is_default, self.delete_button, self.add_item_button,
                       self.remove_item_button):  # fmt: skip
            widget.setEnabled(editable)
        self.add_button.setEnabled(editor.vm.can_edit)
        self.part_total.setText(editor.part_total_text() if spec else tr("还没有评估模板"))
        self.part_total.setStyleSheet(OK_STYLE if "✓" in editor.part_total_text() else BAD_STYLE)
        problems = editor.problems()
        self.problems.setText("\n".join(f"⚠ {p}" for p in problems))
        self.problems.setVisible(bool(problems))
        self.refresh_part()

    @Slot()
    def refresh_part(self) -> None:
        text = self.editor.item_total_text()
        self.item_total.setText(text)
        self.item_total.setStyleSheet(BAD_STYLE if "✗" in text else OK_STYLE)
        self.items.resizeRowsToContents()
        keys = [self.editor.parts.key_at(r) for r in range(self.editor.parts.rowCount())]
        if self.editor.part_key in keys:
            self.parts.selectRow(keys.index(self.editor.part_key))

    @Slot(int)
    def on_template_activated(self, row: int) -> None:
        self.editor.select_template(int(self.templates.itemData(row)))

    @Slot()
    def on_name_edited(self) -> None:
        self.editor.rename_template(self.name.text())

    @Slot()
    def on_default_clicked(self) -> None:
        if self.is_default.isChecked():
            self.editor.make_default()
        else:  # there is always one default; picking another template's box moves it
            self.is_default.setChecked(True)

    @Slot(QModelIndex)
    def on_part_clicked(self, index: QModelIndex) -> None:
        self.editor.select_part(self.editor.parts.key_at(index.row()))

    @Slot()
    def on_remove_item_clicked(self) -> None:
        index = self.items.currentIndex()
        if index.isValid():
            self.editor.remove_item(index.row())
