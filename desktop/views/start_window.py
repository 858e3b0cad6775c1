"""The start window: recent company files, 新建公司档案 and 打开…"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
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
from desktop.viewmodels.start_vm import StartViewModel
from desktop.views import files


class StartWindow(QWidget):
    open_requested = Signal(Path)
    new_requested = Signal()

    def __init__(self, vm: StartViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setWindowTitle(tr("Tidui 梯队 — 晋升与人才梯队"))
        self.resize(720, 460)

        title = QLabel(tr("Tidui 梯队"))
        title.setStyleSheet("font-size: 26px; font-weight: bold; color: #1f4e79;")
        subtitle = QLabel(
            tr("用数据说话的晋升体系：通道、档案、达标、审批，一个加密文件全部保存。")
        )
        subtitle.setWordWrap(True)
        subtitle.setStyleSheet("color: #555;")
        # One line of how Tidui works, so a first-time owner sees the whole path before typing anything.
        self.steps_strip = QLabel(tr("通道 → 数据 → 达标 → 评审 → 通知书"))
        self.steps_strip.setStyleSheet("color: #1f4e79; font-size: 15px;")

        self.new_button = QPushButton(tr("新建公司档案…"))
        self.new_button.setShortcut(QKeySequence.StandardKey.New)
        self.open_button = QPushButton(tr("打开…"))
        self.open_button.setShortcut(QKeySequence.StandardKey.Open)
        for b in (self.new_button, self.open_button):
            b.setMinimumHeight(36)
        self.new_button.clicked.connect(self.on_new_clicked)
        self.open_button.clicked.connect(self.on_open_clicked)
        self.demo_button = QPushButton(tr("打开示例公司"))
        self.demo_button.setToolTip(tr("悦颜美妆的示例数据，登录名 demo，密码 tidui-demo"))
        self.demo_button.setMinimumHeight(36)
        self.demo_button.clicked.connect(self.on_demo_clicked)

        self.recent_label = QLabel(tr("最近打开的公司档案"))
        self.recent_label.setStyleSheet("font-weight: bold;")
        self.recent = QListWidget()
        self.recent.setAlternatingRowColors(True)
        self.recent.itemActivated.connect(self.on_recent_activated)
        self.empty_hint = QLabel(
            tr(
                "还没有打开过公司档案。点“新建公司档案…”开始，或“打开…”已有的 .tidui 文件；想先看看，点“打开示例公司”。"
            )
        )
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setStyleSheet("color: #777;")
        self.forget_shortcut = QShortcut(QKeySequence.StandardKey.Delete, self.recent)
        self.forget_shortcut.activated.connect(self.on_forget)

        buttons = QVBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)

        left = QVBoxLayout()
        left.addWidget(self.recent_label)
        left.addWidget(self.recent, 1)
        left.addWidget(self.empty_hint)

        body = QHBoxLayout()
        body.addLayout(left, 1)
        body.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addWidget(self.steps_strip)
        layout.addSpacing(12)
        layout.addLayout(body, 1)

        vm.recent_changed.connect(self.refresh)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self.recent.clear()
        files = self.vm.recent_files()
        for path in files:
            item = QListWidgetItem(f"{path.stem}    —    {path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
            if not self.vm.exists(path):
                item.setText(f"{path.stem}    —    {tr('文件不存在')}: {path.parent}")
                item.setForeground(Qt.GlobalColor.gray)
            self.recent.addItem(item)
        self.empty_hint.setVisible(not files)
        if files:
            self.recent.setCurrentRow(0)

    @Slot()
    def on_new_clicked(self) -> None:
        self.new_requested.emit()

    @Slot()
    def on_demo_clicked(self) -> None:
        self.open_requested.emit(self.vm.demo_company())

    def on_open_clicked(self) -> None:
        path = files.open_file(
            self, tr("打开公司档案"), tr("Tidui 公司档案 (*.tidui)"), files.COMPANY
        )
        if path is not None:
            self.open_requested.emit(path)

    @Slot(QListWidgetItem)
    def on_recent_activated(self, item: QListWidgetItem) -> None:
        self.open_requested.emit(Path(item.data(Qt.ItemDataRole.UserRole)))

    @Slot()
    def on_forget(self) -> None:
        item = self.recent.currentItem()
        if item is not None:
            self.vm.forget(Path(item.data(Qt.ItemDataRole.UserRole)))
