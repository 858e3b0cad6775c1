"""A drop-down editor for table cells whose model offers the choices (mapping columns, account actions)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

AnyIndex = QModelIndex | QPersistentModelIndex


class ChoiceDelegate(QStyledItemDelegate):
    """Edits a cell with a QComboBox filled from the model's ``choices_role``.

    The role gives either labels (the cell's value is the label's position) or (value, label)
    pairs (the cell's value is the value). The choice is written back as soon as it changes.
    """

    def __init__(self, choices_role: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices_role = choices_role

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        del option
        box = QComboBox(parent)
        box.setFrame(False)
        choices: list[Any] = index.data(self.choices_role) or []
        for position, choice in enumerate(choices):
            if isinstance(choice, tuple):
                box.addItem(str(choice[1]), choice[0])
            else:
                box.addItem(str(choice), position)
        box.activated.connect(lambda _=0, b=box: self.commitData.emit(b))
        return box

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        if not isinstance(editor, QComboBox):
            return
        value = index.data(Qt.ItemDataRole.EditRole)
        position = editor.findData(value)
        editor.blockSignals(True)
        editor.setCurrentIndex(max(position, 0))
        editor.blockSignals(False)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
