"""Editors inside the criteria table: drop-downs for choices, number boxes for thresholds and windows."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHeaderView,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from core.domain.rules import MAX_WINDOW
from desktop.i18n import tr
from desktop.viewmodels.ladder_criteria_vm import CHOICES_ROLE, CriteriaTableModel

Index = QModelIndex | QPersistentModelIndex


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down for every cell whose model offers choices (CHOICES_ROLE); it commits on pick."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        choices = index.data(CHOICES_ROLE) or []
        if not choices:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.setMaxVisibleItems(20)
        for value, label in choices:
            combo.addItem(label, value)
        combo.activated.connect(self.on_combo_activated)
        return combo

    @Slot()
    def on_combo_activated(self) -> None:
        editor = self.sender()
        if isinstance(editor, QWidget):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            found = editor.findData(index.data(Qt.ItemDataRole.EditRole))
            editor.setCurrentIndex(max(found, 0) if found >= 0 else -1)
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            if editor.currentIndex() >= 0:
                model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class CriteriaDelegate(ChoiceDelegate):
    """Number boxes sized for each column of the criteria table."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        column = index.column()
        if column == CriteriaTableModel.THRESHOLD:
            box = QDoubleSpinBox(parent)
            box.setRange(-1_000_000_000, 1_000_000_000)
            box.setDecimals(3)
            box.setGroupSeparatorShown(True)
            return box
        if column == CriteriaTableModel.WINDOW:
            spin = QSpinBox(parent)
            spin.setRange(1, MAX_WINDOW)
            spin.setSuffix(tr(" 个月"))
            return spin
        if column == CriteriaTableModel.ROI:
            box = QDoubleSpinBox(parent)
            box.setRange(0, 1000)
            box.setDecimals(2)
            box.setSpecialValueText(tr("不限"))
            return box
        if column == CriteriaTableModel.TEAM:
            spin = QSpinBox(parent)
            spin.setRange(0, 1000)
            spin.setSpecialValueText(tr("不限"))
            return spin
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QDoubleSpinBox):
            editor.setValue(float(value or 0))
            return
        if isinstance(editor, QSpinBox):
            editor.setValue(int(value or 0))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QDoubleSpinBox | QSpinBox):
            editor.interpretText()
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class CriteriaTable(QTableView):
    """The rules of one transition, edited in place (double-click or F2, or just start typing)."""

    def __init__(self, model: CriteriaTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setItemDelegate(CriteriaDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        widths = (100, 118, 40, 58, 60, 66, 52, 70, 76)
        for column, width in enumerate(widths):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(column, width)
        header.setSectionResizeMode(CriteriaTableModel.SENTENCE, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setDefaultSectionSize(28)
        self.setMinimumHeight(150)

    def current_row(self) -> int:
        index = self.currentIndex()
        return index.row() if index.isValid() else -1
