"""能力模型 tab: the competencies and their 1–5 level descriptors, edited in a table."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.viewmodels.competency_vm import CompetencyModelViewModel


class CompetencyModelEditor(QWidget):
    def __init__(self, vm: CompetencyModelViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.table = QTableView()
        self.table.setModel(vm)
        self.table.setWordWrap(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(0, 110)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.add_button = QPushButton(tr("添加能力"))
        self.remove_button = QPushButton(tr("删除"))
        self.up_button = QPushButton(tr("上移"))
        self.down_button = QPushButton(tr("下移"))
        # No keyboard shortcuts here: Ctrl+Z / Ctrl+S belong to the page's design toolbar, and
        # two buttons with one shortcut in a window would make both dead (ambiguous).
        self.undo_button = QPushButton(tr("撤销"))
        self.redo_button = QPushButton(tr("重做"))
        self.save_button = QPushButton(tr("保存"))
        self.add_button.clicked.connect(self.on_add_clicked)
        self.remove_button.clicked.connect(self.on_remove_clicked)
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        self.undo_button.clicked.connect(vm.undo_stack.undo)
        self.redo_button.clicked.connect(vm.undo_stack.redo)
        self.save_button.clicked.connect(self.on_save_clicked)
        buttons = QHBoxLayout()
        for b in (
            self.add_button,
            self.remove_button,
            self.up_button,
            self.down_button,
            self.undo_button,
            self.redo_button,
            self.save_button,
        ):
            buttons.addWidget(b)
            b.setEnabled(vm.editable)
        buttons.addStretch(1)
        note = QLabel(
            tr(
                "职级中的“期望能力等级”按这里的能力名称填写；员工档案的雷达图把评价反馈与期望对比。双击单元格修改。"
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        vm.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        vm.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        vm.dirty_changed.connect(self.on_dirty_changed)
        vm.error_raised.connect(self.on_error)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self.save_button.setEnabled(False)

    def _selected(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _select(self, row: int) -> None:
        if 0 <= row < self.vm.rowCount():
            self.table.selectRow(row)

    @Slot()
    def on_add_clicked(self) -> None:
        row = self.vm.add()
        self._select(row)
        self.table.edit(self.vm.index(row, 0))

    @Slot()
    def on_remove_clicked(self) -> None:
        row = self._selected()
        if row >= 0:
            self.vm.remove(row)

    def _move(self, delta: int) -> None:
        self._select(self.vm.move(self._selected(), delta))

    @Slot(bool)
    def on_dirty_changed(self, dirty: bool) -> None:
        self.save_button.setEnabled(dirty and self.vm.editable)

    @Slot()
    def on_save_clicked(self) -> None:
        self.vm.save()

    @Slot(str)
    def on_error(self, text: str) -> None:
        QMessageBox.warning(self, tr("能力模型"), text)
