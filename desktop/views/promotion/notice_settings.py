"""Settings → 公示模板 (owner only): the sentence published when the owner decides a case, with
its placeholders, a live preview filled with a real case's values, undo, and a clear refusal of
an unknown placeholder."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import bracketed, tr
from desktop.viewmodels.promotion_settings_vm import NoticeTemplateViewModel
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.focus import TextBox

PREVIEW_DELAY_MS = 250
ERROR_STYLE = "color: #c62828;"


class NoticeTab(QWidget):
    def __init__(self, session_vm: SessionViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = NoticeTemplateViewModel(session_vm, self)
        self.setMinimumWidth(560)
        intro = QLabel(
            tr(
                "老板决定晋升时公示的文字。花括号中的占位符换成该申请的数据，"
                "如“{姓名}晋升为{新职级}，自{生效日期}起生效。”点击下面的占位符插入到光标处。"
            )
        )
        intro.setWordWrap(True)
        self.editor = TextBox()
        self.editor.setPlainText(self.vm.template())
        self.editor.setMaximumHeight(90)
        self.editor.document().setModified(False)
        self.chips: dict[str, QPushButton] = {}
        chips = QGridLayout()
        chips.setHorizontalSpacing(6)
        for i, (name, hint) in enumerate(self.vm.placeholders()):
            button = QPushButton(name)
            button.setToolTip(bracketed(hint, tr("在光标处插入")))
            button.clicked.connect(lambda _c=False, n=name: self.insert(n))
            chips.addWidget(button, i // 4, i % 4)
            self.chips[name] = button
        self.undo_button = QPushButton(tr("撤销"))
        self.undo_button.setToolTip(tr("撤销上一次修改（Ctrl+Z）"))
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.editor.undo)
        self.editor.undoAvailable.connect(self.undo_button.setEnabled)
        self.redo_button = QPushButton(tr("重做"))
        self.redo_button.setToolTip(QKeySequence(QKeySequence.StandardKey.Redo).toString())
        self.redo_button.setEnabled(False)
        self.redo_button.clicked.connect(self.editor.redo)
        self.editor.redoAvailable.connect(self.redo_button.setEnabled)
        self.default_button = QPushButton(tr("恢复默认"))
        self.default_button.clicked.connect(self.on_default_clicked)
        self.save_button = QPushButton(tr("保存公示模板"))
        self.save_button.clicked.connect(self.on_save_clicked)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(ERROR_STYLE)
        preview_title = QLabel(tr("预览"))
        preview_title.setStyleSheet("font-weight: bold;")
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview.setStyleSheet(
            "background: #f7f9fc; border: 1px solid #dee2e6; border-radius: 4px; padding: 8px;"
        )
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.source.setStyleSheet("color: #616161;")
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.redo_button)
        buttons.addWidget(self.default_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.editor)
        layout.addLayout(chips)
        layout.addLayout(buttons)
        layout.addWidget(self.problem)
        layout.addWidget(preview_title)
        layout.addWidget(self.preview)
        layout.addWidget(self.source)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)
        self.editor.textChanged.connect(self.on_text_changed)
        self.on_text_changed()
        self.update_preview()

    def text(self) -> str:
        return self.editor.toPlainText()

    def insert(self, placeholder: str) -> None:
        self.editor.insertPlainText(placeholder)  # one undo step
        self.editor.setFocus()

    @Slot()
    def on_default_clicked(self) -> None:
        cursor = self.editor.textCursor()  # as one edit, so 撤销 brings the old text back
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(self.vm.default())
        self.editor.setTextCursor(cursor)

    @Slot()
    def on_text_changed(self) -> None:
        problem = self.vm.problem(self.text())
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.message.clear()
        self._timer.start()

    @Slot()
    def update_preview(self) -> None:
        text, source = self.vm.preview(self.text())
        self.preview.setText(text or "—")
        self.source.setText(source)

    # --- leaving with unsaved text (SettingsPage.confirm_leave) ---------------------------------

    def unsaved(self) -> bool:
        return self.text() != self.vm.template()

    def save_now(self) -> bool:
        self.on_save_clicked()
        return not self.unsaved()

    def discard(self) -> None:
        self.editor.setPlainText(self.vm.template())
        self.editor.document().setModified(False)

    @Slot()
    def on_save_clicked(self) -> None:
        if self.vm.save(self.text()):
            self.editor.document().setModified(False)
            self.message.setStyleSheet("color: #1e7e34;")
            self.message.setText(tr("已保存。此后决定的申请按此文字公示。"))
        else:  # the core's sentence, where the live check shows it
            self.problem.setText(self.vm.error)
            self.problem.show()
