"""导入本月数据: a folder or many files dropped at once → reading → one summary page → 导入 N 个文件 →
the month's result (months per store, whose readiness changed).

Only layout and reactions here: ImportMonthViewModel reads and stores in the background. A file
Tidui needs a decision about opens the import wizard for that one file, on the question's page.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.viewmodels.import_month_vm import ImportMonthViewModel, MonthFilesModel
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views import files
from desktop.views.imports.wizard import CHECK, KIND, OWNER, ImportWizard
from desktop.views.tables import read_only, size_columns

M = MonthFilesModel
COLUMN_WIDTHS = {
    M.COL_FILE: 260,
    M.COL_KIND: 170,
    M.COL_STORE: 170,
    M.COL_MONTHS: 150,
    M.COL_ROWS: 48,
    M.COL_COUNTED: 48,
    M.COL_SKIPPED: 48,
    M.COL_PROBLEMS: 80,
    M.COL_DUPLICATES: 200,
}
QUESTION_PAGES = {
    "kind": KIND,
    "mapping": KIND,
    "store": OWNER,
    "accounts": OWNER,
    "overlap": CHECK,
}
READING, SUMMARY, RESULT = range(3)


def ask_month_files(parent: QWidget) -> list[Path]:
    """The month's export files (tests replace this)."""
    return files.open_files(
        parent, tr("选择本月要导入的文件（可多选）"), files.import_filter(), files.IMPORTS
    )


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ImportMonthDialog(QDialog):
    """One window for the month's files: reading, the summary, the result."""

    def __init__(self, session_vm: SessionViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.vm = ImportMonthViewModel(session_vm, self)
        self.wizard: ImportWizard | None = None
        self._wizard_row = -1
        self.setWindowTitle(tr("导入本月数据"))
        self.resize(1340, 720)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._reading_page())
        self.stack.addWidget(self._summary_page())
        self.stack.addWidget(self._result_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self.vm.progressed.connect(self.on_progressed)
        self.vm.planned.connect(self.on_planned)
        self.vm.committed.connect(self.on_committed)
        self.vm.failed.connect(self.on_failed)
        self.vm.cancelled.connect(self.on_cancelled)
        self.vm.busy_changed.connect(self.on_busy_changed)

    # --- pages ------------------------------------------------------------------------------------

    def _reading_page(self) -> QWidget:
        page = QWidget()
        self.reading_label = QLabel()
        self.reading_label.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.reading_bar = QProgressBar()
        self.reading_bar.setRange(0, 100)
        self.reading_note = QLabel()
        self.reading_note.setStyleSheet("color: #616161;")
        self.reading_cancel = QPushButton(tr("取消"))
        self.reading_cancel.clicked.connect(self.vm.cancel)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.reading_label)
        layout.addWidget(self.reading_bar)
        layout.addWidget(self.reading_note)
        layout.addWidget(self.reading_cancel, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(2)
        return page

    def _summary_page(self) -> QWidget:
        page = QWidget()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setStyleSheet("font-size: 14px; font-weight: bold;")
        self.table = QTableView()
        self.table.setModel(self.vm.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        read_only(self.table)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        size_columns(self.table, COLUMN_WIDTHS, padding=16)
        self.table.doubleClicked.connect(self.on_double_clicked)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumHeight(48)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setStyleSheet("padding: 6px; background: #fafafa; border: 1px solid #e0e0e0;")
        self.answer_button = QPushButton(tr("确认这个文件…"))
        self.answer_button.setToolTip(tr("在导入向导中回答 Tidui 无法确定的问题，并导入这个文件"))
        self.answer_button.clicked.connect(self.on_answer_clicked)
        self.commit_bar = QProgressBar()
        self.commit_bar.setRange(0, 100)
        self.commit_bar.hide()
        self.commit_note = QLabel()
        self.commit_note.setStyleSheet("color: #616161;")
        self.commit_cancel = QPushButton(tr("取消"))
        self.commit_cancel.hide()
        self.commit_cancel.clicked.connect(self.on_commit_cancel_clicked)
        self.commit_button = QPushButton()
        self.commit_button.setDefault(True)
        self.commit_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.commit_button.setStyleSheet("font-weight: bold; padding: 6px 18px;")
        self.commit_button.clicked.connect(self.on_commit_clicked)
        self.close_button = QPushButton(tr("关闭"))
        self.close_button.clicked.connect(self.reject)
        detail_row = QHBoxLayout()
        detail_row.addWidget(self.detail, 1)
        detail_row.addWidget(self.answer_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons = QHBoxLayout()
        buttons.addWidget(self.commit_bar, 1)
        buttons.addWidget(self.commit_note)
        buttons.addWidget(self.commit_cancel)
        buttons.addStretch(0)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.commit_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(detail_row)
        layout.addLayout(buttons)
        self.table.selectionModel().currentRowChanged.connect(self.on_row_changed)
        return page

    def _result_page(self) -> QWidget:
        page = QWidget()
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setStyleSheet("font-size: 14px; font-weight: bold;")
        self.result_text = QTextBrowser()
        self.done_button = QPushButton(tr("完成"))
        self.done_button.setDefault(True)
        self.done_button.clicked.connect(self.accept)
        layout = QVBoxLayout(page)
        layout.addWidget(self.result_label)
        layout.addWidget(self.result_text, 1)
        layout.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    # --- starting ---------------------------------------------------------------------------------

    def start(self, paths: list[Path]) -> None:
        self.stack.setCurrentIndex(READING)
        self.reading_label.setText(tr("正在读取 {n} 项…", n=len(paths)))
        self.reading_bar.setValue(0)
        self.reading_note.setText("")
        self.vm.read(paths)

    # --- reacting -----------------------------------------------------------------------------------

    @Slot(int, int, str)
    def on_progressed(self, done: int, total: int, note: str) -> None:
        value = int(100 * done / total) if total else 0
        if self.vm.stage == "reading":
            self.reading_bar.setValue(value)
            self.reading_note.setText(note)
        else:
            self.commit_bar.setValue(value)
            self.commit_note.setText(note)

    @Slot(bool)
    def on_busy_changed(self, busy: bool) -> None:
        committing = busy and self.vm.stage == "committing"
        self.commit_bar.setVisible(committing)
        self.commit_cancel.setVisible(committing)
        self.commit_cancel.setEnabled(committing)
        if not committing:
            self.commit_note.setText("")
        self._update_buttons()

    @Slot()
    def on_planned(self) -> None:
        self.stack.setCurrentIndex(SUMMARY)
        self.summary_label.setText(self.vm.summary_text())
        row = self.vm.first_question()
        if self.table.currentIndex().row() < 0 or row >= 0:
            self.table.selectRow(max(row, 0))
        self._show_detail(self.table.currentIndex().row())
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.vm.busy
        ready = self.vm.ready_count
        self.commit_button.setText(self.vm.commit_label())
        resolved = self.vm.counts()["resolved"]
        self.commit_button.setEnabled(not busy and (ready > 0 or resolved > 0))
        if ready == 0 and resolved:
            self.commit_button.setText(tr("查看结果"))
        self.close_button.setEnabled(not busy)
        row = self.table.currentIndex().row()
        self.answer_button.setVisible(self.vm.question_at(row) is not None)
        self.answer_button.setEnabled(not busy)

    @Slot()
    def on_row_changed(self) -> None:
        self._show_detail(self.table.currentIndex().row())
        self._update_buttons()

    def _show_detail(self, row: int) -> None:
        self.detail.setText(self.vm.detail_text(row))

    @Slot()
    def on_double_clicked(self) -> None:
        self.on_answer_clicked()

    @Slot()
    def on_answer_clicked(self) -> None:
        row = self.table.currentIndex().row()
        self.open_question(row)

    def open_question(self, row: int) -> ImportWizard | None:
        """The import wizard for the one file on ``row``, on the page of its question."""
        planned = self.vm.question_at(row)
        if planned is None or planned.file is None or self.vm.busy:
            return None
        wizard = ImportWizard(self.session_vm, [planned.path], self)
        wizard.vm.adopt(planned.file, planned.preview, planned.duplicates)
        wizard.setStartId(QUESTION_PAGES.get(planned.question or "", KIND))
        wizard.setWindowModality(Qt.WindowModality.WindowModal)
        wizard.finished.connect(self.on_wizard_finished)
        self.wizard, self._wizard_row = wizard, row
        wizard.show()
        return wizard

    @Slot(int)
    def on_wizard_finished(self, code: int) -> None:
        del code
        wizard = self.wizard
        self.wizard = None
        if wizard is None:
            return
        results = [o.result for o in wizard.vm.outcomes if o.result is not None]
        self.vm.resolved(self._wizard_row, results)
        self._update_buttons()

    @Slot()
    def on_commit_clicked(self) -> None:
        self.commit_bar.setValue(0)
        self.vm.commit()

    @Slot()
    def on_commit_cancel_clicked(self) -> None:
        self.commit_cancel.setEnabled(False)
        self.commit_note.setText(tr("正在取消…（正在保存的文件不会留下任何数据）"))
        self.vm.cancel()

    @Slot()
    def on_committed(self) -> None:
        self.stack.setCurrentIndex(RESULT)
        self.result_label.setText(self.vm.result_title())
        self.result_text.setHtml(self.result_html())

    def result_html(self) -> str:
        colours = {
            "imported": "#1e7e34",
            "skipped": "#616161",
            "needs_decision": "#b26a00",
            "failed": "#b00020",
        }
        labels = {
            "imported": tr("已导入"),
            "skipped": tr("已跳过"),
            "needs_decision": tr("需要确认"),
            "failed": tr("无法导入"),
        }
        parts = [f"<h3>{tr('达标变化')}</h3>"]
        changes = self.vm.readiness_lines()
        if changes:
            parts.append("<ul>" + "".join(f"<li>{_html(c)}</li>" for c in changes) + "</ul>")
        else:
            parts.append(f"<p>{tr('没有人的达标情况因这次导入而改变。')}</p>")
        parts.append(f"<h3>{tr('各店铺的月份')}</h3><table cellpadding='3'>")
        for store, complete, incomplete in self.vm.store_lines():
            row = f"<td><b>{_html(store)}</b></td><td>{tr('完整：')}{_html(complete)}</td>"
            if incomplete:
                row += f"<td style='color:#b26a00'>{tr('不完整：')}{_html(incomplete)}</td>"
            else:
                row += "<td></td>"
            parts.append(f"<tr>{row}</tr>")
        parts.append("</table>")
        parts.append(f"<h3>{tr('文件')}</h3><table cellpadding='3'>")
        for status, name, text in self.vm.file_lines():
            parts.append(
                f"<tr><td style='color:{colours[status]}'>{labels[status]}</td>"
                f"<td>{_html(name)}</td><td>{_html(text)}</td></tr>"
            )
        parts.append("</table>")
        return "".join(parts)

    @Slot(str)
    def on_failed(self, text: str) -> None:
        if self.vm.stage == "idle":
            self.stack.setCurrentIndex(READING)
            self.reading_label.setText(tr("无法读取这些文件"))
            self.reading_note.setText(text)
            self.reading_cancel.setText(tr("关闭"))
            self.reading_cancel.clicked.disconnect()
            self.reading_cancel.clicked.connect(self.reject)
        else:
            self.commit_note.setText(text)

    @Slot()
    def on_cancelled(self) -> None:
        if self.vm.stage == "idle":
            self.reject()

    def reject(self) -> None:
        if self.vm.busy:
            self.vm.cancel()
            return
        super().reject()
