"""手工指标 dialog (from the KPI tab): one employee's hand-entered and imported metric values, and a
form to enter a new one (metric, month, value in the unit shown, note)."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.viewmodels.metric_values_vm import MetricValuesViewModel
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.employees.tabs import confirm, table_for
from desktop.views.visibility import hidden_unless


class MetricValuesDialog(QDialog):
    def __init__(
        self,
        session_vm: SessionViewModel,
        employee_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("手工指标"))
        self.resize(760, 520)
        self.vm = MetricValuesViewModel(session_vm, employee_id, self)

        explain = QLabel(
            tr(
                "库存周转天数、留存率、报表准确率和自定义指标没有店铺导出可导入，在这里按月录入"
                "（也可在 数据导入 中用“指标数据”模板批量导入）。同一月份以最后录入的数值为准。"
            )
        )
        explain.setWordWrap(True)
        explain.setStyleSheet("color: #616161;")

        self.metric_box = QComboBox()
        for choice in self.vm.choices:
            self.metric_box.addItem(choice.label, choice.code)
        self.month = QDateEdit()
        self.month.setDisplayFormat("yyyy-MM")
        self.month.setCalendarPopup(True)
        year, month = map(int, self.vm.suggested_month().split("-"))
        self.month.setDate(QDate(year, month, 1))
        self.value = QDoubleSpinBox()
        self.value.setGroupSeparatorShown(True)
        self.note = QLineEdit()
        self.note.setMaxLength(200)
        self.note.setPlaceholderText(tr("例如：数据来源、口径说明"))
        self.save_button = QPushButton(tr("录入"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.on_save_clicked)
        form = QFormLayout()
        form.addRow(tr("指标"), self.metric_box)
        form.addRow(tr("月份"), self.month)
        form.addRow(tr("数值"), self.value)
        form.addRow(tr("备注"), self.note)
        entry_row = QHBoxLayout()
        entry_row.addStretch(1)
        entry_row.addWidget(self.save_button)
        form.addRow(entry_row)
        self.entry = QGroupBox(tr("录入新数值"))
        self.entry.setLayout(form)
        hidden_unless(self.vm.can_edit, self.entry)

        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        self.error.hide()

        self.table = table_for(self.vm.model)
        self.empty = QLabel(tr("还没有录入过指标数值。"))
        self.empty.setStyleSheet("color: #616161; padding: 8px;")
        self.delete_button = QPushButton(tr("删除所选"))
        self.delete_button.clicked.connect(self.on_delete_clicked)
        hidden_unless(self.vm.can_edit, self.delete_button)
        QShortcut(QKeySequence.StandardKey.Delete, self.table, self.on_delete_clicked)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("关闭"))
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.delete_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.entry)
        layout.addWidget(self.error)
        layout.addWidget(QLabel(tr("已录入的数值")))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(bottom)

        self.metric_box.currentIndexChanged.connect(self.on_metric_changed)
        self.vm.changed.connect(self.on_vm_changed)
        self.vm.failed.connect(self.show_error)
        self.on_metric_changed()
        self.on_vm_changed()
        if not self.vm.choices:
            self.entry.setEnabled(False)

    @Slot()
    def on_metric_changed(self) -> None:
        choice = self.vm.choice(self.metric_box.currentData() or "")
        if choice is None:
            return
        self.value.setDecimals(choice.decimals)
        self.value.setRange(choice.minimum, choice.maximum)
        self.value.setSuffix(f" {choice.suffix}" if choice.suffix else "")
        self.value.setValue(max(choice.minimum, 0.0))

    @Slot()
    def on_vm_changed(self) -> None:
        has_rows = self.vm.model.rowCount() > 0
        self.table.setVisible(has_rows)
        self.empty.setVisible(not has_rows)
        self.delete_button.setEnabled(has_rows)

    @Slot(str)
    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def chosen_month(self) -> str:
        return self.month.date().toString("yyyy-MM")

    @Slot()
    def on_save_clicked(self) -> bool:
        saved = self.vm.save(
            self.metric_box.currentData() or "",
            self.chosen_month(),
            self.value.value(),
            self.note.text(),
        )
        if saved:
            self.show_error("")
            self.note.clear()
            self.table.selectRow(0)
        return saved

    @Slot()
    def on_delete_clicked(self) -> bool:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not self.vm.can_edit:
            return False
        position = rows[0].row()
        question = self.vm.delete_question(position)
        if question is None:
            return False
        if not confirm(self, question):
            return False
        deleted = self.vm.delete(position)
        if deleted:
            self.show_error("")
        return deleted

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in the form enters the value; it must not close the dialog.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.vm.can_edit and self.entry.isEnabled():
                self.on_save_clicked()
            return
        super().keyPressEvent(event)
