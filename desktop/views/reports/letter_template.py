"""Settings → 文书模板: the promotion letter's text with its placeholders and a live preview."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.viewmodels.reports_vm import LetterTemplateViewModel
from desktop.views.focus import TextBox
from desktop.views.reports.preview_dialog import load_pdf
from desktop.views.visibility import hidden_unless

PREVIEW_DELAY_MS = 400


class LetterTemplateTab(QWidget):
    def __init__(self, vm: LetterTemplateViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self._keep: list[object] = []
        intro = QLabel(
            tr(
                "晋升通知书的正文。花括号中的占位符在打印时换成该员工的数据；没有值的占位符不会被打印出来，而是提示补全。"
            )
        )
        intro.setWordWrap(True)
        self.editor = TextBox()
        self.editor.setPlainText(vm.text())
        self.editor.setReadOnly(not vm.may_edit())
        chips = QGridLayout()
        for i, name in enumerate(vm.placeholders()):
            button = QPushButton("{" + name + "}")
            button.setEnabled(vm.may_edit())
            button.setToolTip(tr("在光标处插入"))
            button.clicked.connect(lambda _=False, n=name: self.insert(n))
            chips.addWidget(button, i // 5, i % 5)
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b42318;")
        self.save_button = QPushButton(tr("保存"))
        self.reset_button = QPushButton(tr("恢复默认"))
        hidden_unless(vm.may_edit(), self.save_button, self.reset_button)
        self.save_button.clicked.connect(self.on_save_clicked)
        self.reset_button.clicked.connect(lambda: self.editor.setPlainText(vm.default_text()))
        buttons = QHBoxLayout()
        buttons.addWidget(self.problem, 1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.save_button)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(intro)
        column.addLayout(chips)
        column.addWidget(self.editor, 1)
        column.addLayout(buttons)

        self.document = QPdfDocument(self)
        self.preview = QPdfView()
        self.preview.setDocument(self.document)
        self.preview.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.preview_note = QLabel(tr("预览"))
        self.preview_note.setWordWrap(True)
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.preview_note)
        side.addWidget(self.preview, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([560, 440])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PREVIEW_DELAY_MS)
        self.timer.timeout.connect(self.refresh)
        self.editor.textChanged.connect(self.timer.start)
        vm.previewed.connect(self._show)
        vm.preview_failed.connect(self._preview_failed)
        vm.error.connect(self.problem.setText)
        vm.saved.connect(lambda: self.problem.setText(""))
        self._previewed_once = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._previewed_once:  # render the first preview only when the tab is opened
            self._previewed_once = True
            self.refresh()

    def insert(self, name: str) -> None:
        self.editor.insertPlainText("{" + name + "}")
        self.editor.setFocus()

    def refresh(self) -> None:
        text = self.editor.toPlainText()
        problem = self.vm.problem(text)
        self.problem.setText(problem)
        self.save_button.setEnabled(not problem)
        if not problem:
            self.vm.preview(text)

    def _show(self, pdf: bytes) -> None:
        load_pdf(self.document, pdf, self._keep)
        self.preview_note.setText(tr("预览（最近一次已决定的晋升，或示例数据）"))
        self.preview_note.setStyleSheet("")

    def _preview_failed(self, text: str) -> None:
        self.preview_note.setText(text)
        self.preview_note.setStyleSheet("color: #b42318;")

    def on_save_clicked(self) -> None:
        self.vm.save(self.editor.toPlainText())

    # --- leaving with unsaved text (SettingsPage.confirm_leave) ---------------------------------

    def unsaved(self) -> bool:
        return self.vm.may_edit() and self.editor.toPlainText() != self.vm.text()

    def save_now(self) -> bool:
        return self.vm.save(self.editor.toPlainText())

    def discard(self) -> None:
        self.editor.setPlainText(self.vm.text())
