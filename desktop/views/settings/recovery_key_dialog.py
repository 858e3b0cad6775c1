"""The new recovery key after a user was disabled (the file was re-keyed): shown once, as the
new-company wizard shows the first one, printable and savable as PDF."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.viewmodels.settings_vm import SettingsViewModel
from desktop.views import files
from desktop.views.printing import ask_and_print


class RecoveryKeyDialog(QDialog):
    """Closes only once the owner ticks that the new key is kept safe."""

    def __init__(self, vm: SettingsViewModel, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setWindowTitle(tr("新的恢复密钥"))
        intro = QLabel(
            tr(
                "档案已换用新的密钥：被停用的账号、旧的密钥文件副本和旧的恢复密钥都打不开现在的数据了。"
                "请打印或保存新的恢复密钥，它只显示这一次；旧的恢复密钥纸可以销毁。"
            )
        )
        intro.setWordWrap(True)
        groups = key.split("-")
        self.key = QLabel("-".join(groups[:4]) + "-\n" + "-".join(groups[4:]))
        mono = QFont("WenQuanYi Micro Hei Mono")
        mono.setPointSize(15)
        mono.setBold(True)
        self.key.setFont(mono)
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key.setStyleSheet("border: 2px solid #1f4e79; padding: 10px; background: #f5f9ff;")
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status = QLabel()
        self.print_button = QPushButton(tr("打印…"))
        self.pdf_button = QPushButton(tr("保存为 PDF…"))
        self.print_button.clicked.connect(self.on_print_clicked)
        self.pdf_button.clicked.connect(self.on_save_pdf_clicked)
        self.saved = QCheckBox(tr("我已妥善保存新的恢复密钥"))
        self.done_button = QPushButton(tr("完成"))
        self.done_button.setEnabled(False)
        self.saved.toggled.connect(self.done_button.setEnabled)
        self.done_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.key)
        layout.addWidget(self.status)
        layout.addWidget(self.saved)
        layout.addLayout(buttons)
        self.resize(560, 300)

    def reject(self) -> None:  # Esc or the close button: only once the key is kept
        if self.saved.isChecked():
            super().reject()

    @Slot()
    def on_print_clicked(self) -> None:
        ask_and_print(self.vm.recovery_sheet_pdf(), self, tr("打印恢复密钥"))

    @Slot()
    def on_save_pdf_clicked(self) -> None:
        path = files.save_file(self, tr("保存恢复密钥"), "", "PDF (*.pdf)", files.RECOVERY, ".pdf")
        if path is not None:
            self.vm.save_recovery_sheet(path)
            self.status.setText(tr("已保存：") + str(path))
