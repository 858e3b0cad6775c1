"""Settings → 审批流程 (owner only): the steps a case goes through before the owner decides."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.viewmodels.promotion_case_vm import role_text
from desktop.viewmodels.promotion_settings_vm import ChainViewModel
from desktop.viewmodels.session_vm import SessionViewModel


class ChainTab(QWidget):
    def __init__(self, session_vm: SessionViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = ChainViewModel(session_vm, self)
        intro = QLabel(
            tr(
                "晋升申请依次经过勾选的步骤，最后由老板决定。直属上级指花名册中该员工上级所关联的账号；"
                "没有这样的账号、或审批人就是申请对象本人时，该步骤自动跳过，审批记录会写明原因。"
            )
        )
        intro.setWordWrap(True)
        self.steps = QListWidget()
        self.steps.setMaximumHeight(110)
        up = QPushButton(tr("上移"))
        down = QPushButton(tr("下移"))
        up.clicked.connect(lambda: self.move_step(-1))
        down.clicked.connect(lambda: self.move_step(1))
        self.owner = QLabel(tr("最后：老板（决定，不可去掉）"))
        self.save_button = QPushButton(tr("保存审批流程"))
        self.save_button.clicked.connect(self.on_save_clicked)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QVBoxLayout()
        buttons.addWidget(up)
        buttons.addWidget(down)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.steps, 1)
        row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.owner)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.load()

    def load(self) -> None:
        self.steps.clear()
        for role, on in self.vm.steps():
            item = QListWidgetItem(role_text(role))
            item.setData(Qt.ItemDataRole.UserRole, role)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.steps.addItem(item)

    def chosen(self) -> list[str]:
        items = [self.steps.item(i) for i in range(self.steps.count())]
        return [
            str(i.data(Qt.ItemDataRole.UserRole))
            for i in items
            if i.checkState() == Qt.CheckState.Checked
        ]

    def move_step(self, delta: int) -> None:
        row = self.steps.currentRow()
        target = row + delta
        if row < 0 or not 0 <= target < self.steps.count():
            return
        item = self.steps.takeItem(row)
        self.steps.insertItem(target, item)
        self.steps.setCurrentRow(target)

    @Slot()
    def on_save_clicked(self) -> None:
        if self.vm.save(self.chosen()):
            self.message.setStyleSheet("color: #1e7e34;")
            self.message.setText(tr("已保存。新提交或重新提交的申请按此流程审批。"))
        else:
            self.message.setStyleSheet("color: #c62828;")
            self.message.setText(self.vm.error)
