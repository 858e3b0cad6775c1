"""The case view: one 晋升申请 with its criteria, scores, trail, evidence and the user's moves,
and the owner's 决定 dialog (salary inside the band, effective date, permissions, training)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QUrl, Slot
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import captioned, listed, tr
from desktop.viewmodels.promotion_case_vm import (
    NEEDS_COMMENT,
    CaseViewModel,
    action_text,
    role_text,
)
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views import files, questions
from desktop.views.focus import TextBox
from desktop.views.tables import read_only, size_columns

ERROR_STYLE = "color: #c62828;"
# The moves that end something first, the one that moves the case on last, next to 关闭: only one
# of 同意 / 重新提交 / 决定… is ever offered at once, so it stays in one place whatever else shows
# (with 同意 first, it took the place 退回补充 had on another case, and a click approved).
BUTTON_TEXTS = {
    "withdraw": "撤回",
    "revoke": "撤销决定",
    "reject": "驳回",
    "return": "退回补充",
    "resubmit": "重新提交",
    "decide": "决定…",
    "approve": "同意",
}
DOCUMENT_TEXTS = {"evaluation": "评估报告…", "letter": "晋升通知书…", "announcement": "晋升公示…"}


# tests replace it here: the question before a move that cannot be taken back
ask_to_confirm = questions.ask
# and the one before a move would reload the case over a 自述 not yet saved
ask_statement = questions.ask_save


def ask_evidence_file(parent: QWidget) -> Path | None:
    """Which file to attach (tests replace this)."""
    return files.open_file(parent, tr("添加证明材料"), "", files.ATTACHMENTS)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    read_only(table)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(True)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            table.setItem(r, c, item)
    table.resizeRowsToContents()


class EditableList(QWidget):
    """A short list of names (permissions, training) the owner may edit, add to and remove from."""

    def __init__(self, names: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setMaximumHeight(90)
        for name in names:
            self._add(name)
        add = QPushButton(tr("添加"))
        remove = QPushButton(tr("删除"))
        add.clicked.connect(self.on_add_clicked)
        remove.clicked.connect(self.on_remove_clicked)
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

    def _add(self, name: str) -> QListWidgetItem:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.list.addItem(item)
        return item

    def names(self) -> list[str]:
        found = [self.list.item(i).text().strip() for i in range(self.list.count())]
        return [n for n in found if n]

    @Slot()
    def on_add_clicked(self) -> None:
        item = self._add("")
        self.list.setCurrentItem(item)
        self.list.editItem(item)

    @Slot()
    def on_remove_clicked(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)


class DecisionDialog(QDialog):
    """The owner's decision: publishes the case (and applies it at once when the date has come)."""

    def __init__(self, vm: CaseViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setWindowTitle(tr("决定：") + vm.title())
        self.salary = QSpinBox()
        self.salary.setRange(0, 10_000_000)
        self.salary.setSingleStep(100)
        self.salary.setPrefix("¥")
        self.salary.setGroupSeparatorShown(True)
        self.salary.setValue(vm.default_salary())
        self.salary.valueChanged.connect(self.on_salary_changed)
        self.suggestion = QLabel(vm.suggestion_text())
        self.band = QLabel(vm.band_text())
        self.salary_error = QLabel()
        self.salary_error.setStyleSheet(ERROR_STYLE)
        self.salary_error.setWordWrap(True)
        self.effective = QDateEdit()
        self.effective.setCalendarPopup(True)
        self.effective.setDisplayFormat("yyyy-MM-dd")
        first = vm.default_effective()
        self.effective.setDate(QDate(first.year, first.month, first.day))
        self.effective_hint = QLabel(tr("生效日期为今天或更早时，确定后立即生效。"))
        self.effective_hint.setStyleSheet("color: #616161;")
        self.permissions = EditableList(vm.default_permissions())
        self.training = EditableList(vm.default_training())
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(tr("新月薪"), self.salary)
        form.addRow("", self.suggestion)
        form.addRow("", self.band)
        form.addRow("", self.salary_error)
        form.addRow(tr("生效日期"), self.effective)
        form.addRow("", self.effective_hint)
        form.addRow(tr("新增权限"), self.permissions)
        form.addRow(tr("培训"), self.training)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(tr("决定并公示"))
        self.buttons.accepted.connect(self.on_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.on_salary_changed(self.salary.value())
        self.resize(560, 520)
        vm.acted.connect(self.on_vm_acted)
        vm.failed.connect(self.on_vm_failed)

    def effective_date(self) -> date:
        d = self.effective.date()
        return date(d.year(), d.month(), d.day())

    @Slot(int)
    def on_salary_changed(self, value: int) -> None:
        problem = self.vm.salary_problem(value)
        self.salary_error.setText(problem)
        self.salary_error.setVisible(bool(problem))
        if self.buttons.isEnabled():  # the refusal of an earlier value no longer holds
            self.error.clear()

    @Slot()
    def on_accepted(self) -> None:
        if self.vm.busy:
            return
        problem = self.vm.salary_problem(self.salary.value())
        if not problem and not ask_to_confirm(
            self,
            tr("决定并公示"),
            self.vm.decision_question(self.salary.value(), self.effective_date()),
        ):
            return
        started = self.vm.decide(
            self.salary.value(),
            self.effective_date(),
            self.permissions.names(),
            self.training.names(),
        )
        if not started:
            self.error.setText(self.vm.error)
            return
        # saved in the background (the window stays alive); accepted once the core has it
        self.error.setStyleSheet("color: #616161;")
        self.error.setText(tr("正在保存决定…"))
        self.buttons.setEnabled(False)

    @Slot(str)
    def on_vm_acted(self, action: str) -> None:
        if action == "decide" and not self.buttons.isEnabled():
            self.accept()

    @Slot(str)
    def on_vm_failed(self, text: str) -> None:
        self.buttons.setEnabled(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setText(text)

    def reject(self) -> None:
        if not self.vm.busy:  # never walk away from a decision being saved
            super().reject()


class CaseDialog(QDialog):
    def __init__(
        self, session_vm: SessionViewModel, case_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.vm = CaseViewModel(session_vm, case_id, self)
        self.setWindowTitle(tr("晋升申请"))
        self.resize(1120, 700)

        self.header = QGridLayout()
        header_box = QGroupBox(tr("申请"))
        header_box.setLayout(self.header)

        self.criteria = _table([tr("条件"), tr("实际"), tr("达标"), tr("说明")])
        header = self.criteria.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 200)
        header.resizeSection(1, 90)
        header.resizeSection(2, 44)
        self.scores = QTreeWidget()
        self.scores.setColumnCount(5)
        self.scores.setHeaderLabels(
            [tr("项目"), tr("权重"), tr("得分"), tr("各评分人"), tr("分差")]
        )
        self.scores.header().resizeSection(0, 150)
        self.scores.header().resizeSection(1, 54)
        self.scores.header().resizeSection(2, 54)
        self.scores.header().resizeSection(3, 180)
        self.total = QLabel()
        self.total.setWordWrap(True)
        self.total.setStyleSheet("font-weight: bold;")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(tr("晋升条件")))
        left_layout.addWidget(self.criteria, 1)
        left_layout.addWidget(QLabel(tr("三项评分")))
        left_layout.addWidget(self.scores, 1)
        left_layout.addWidget(self.total)

        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.statement = TextBox()
        self.statement.setPlaceholderText(tr("员工自述（可选）"))
        self.statement.setMaximumHeight(70)
        self.save_statement = QPushButton(tr("保存自述"))
        self.save_statement.clicked.connect(self.on_save_statement_clicked)
        self.trail = _table([tr("时间"), tr("步骤"), tr("处理人"), tr("操作"), tr("意见")])
        # the step column fits its roles whole (English "direct supervisor" read "direct superv…")
        roles = [role_text(role) for role in ("supervisor", "hr", "owner")]
        size_columns(self.trail, dict(enumerate((112, 60, 80, 70))), cells={1: roles}, padding=12)
        self.evidence = QListWidget()
        self.evidence.setMaximumHeight(70)
        self.evidence.itemActivated.connect(self.on_evidence_activated)
        self.add_evidence = QPushButton(tr("添加证明材料…"))
        self.add_evidence.clicked.connect(self.on_add_evidence_clicked)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel(tr("申请理由")))
        right_layout.addWidget(self.reason)
        statement_row = QHBoxLayout()
        statement_row.addWidget(self.statement, 1)
        statement_row.addWidget(self.save_statement, 0, Qt.AlignmentFlag.AlignTop)
        right_layout.addWidget(QLabel(tr("自述")))
        right_layout.addLayout(statement_row)
        right_layout.addWidget(QLabel(tr("审批记录")))
        right_layout.addWidget(self.trail, 1)
        evidence_row = QHBoxLayout()
        evidence_row.addWidget(self.evidence, 1)
        evidence_row.addWidget(self.add_evidence, 0, Qt.AlignmentFlag.AlignTop)
        right_layout.addWidget(QLabel(tr("证明材料")))
        right_layout.addLayout(evidence_row)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([560, 540])

        self.comment = TextBox()
        self.comment.setPlaceholderText(tr("意见（退回补充、驳回、撤销决定时必填）"))
        self.comment.setMaximumHeight(52)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        actions = QHBoxLayout()
        actions.addWidget(self.comment, 1)
        for action, text in BUTTON_TEXTS.items():
            button = QPushButton(tr(text))
            button.clicked.connect(lambda _c=False, a=action: self.on_action_clicked(a))
            button.hide()
            self.buttons[action] = button
            actions.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        # the case's documents: its evaluation report, and once decided the letter and notice
        self.document_buttons: dict[str, QPushButton] = {}
        for kind, text in DOCUMENT_TEXTS.items():
            button = QPushButton(tr(text))
            button.setToolTip(tr("预览、打印或另存为 PDF"))
            button.clicked.connect(lambda _c=False, k=kind: self.on_document_clicked(k))
            button.hide()
            self.document_buttons[kind] = button
            actions.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self.preview: QWidget | None = None
        close = QPushButton(tr("关闭"))
        close.clicked.connect(self.reject)
        actions.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.addWidget(header_box)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error)
        layout.addLayout(actions)

        self.vm.loaded.connect(self.on_vm_loaded)
        self.vm.failed.connect(self.on_vm_failed)
        self.vm.acted.connect(self.on_vm_acted)
        self.vm.busy_changed.connect(self.on_vm_busy_changed)
        self.pending = ""  # the move the user asked for, while it runs
        # Enter on the criteria or in a box must not press a button: the audit's Enter saved an
        # empty 自述 through 保存自述, the dialog's automatic default; 批准 could be next to it
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.statement.textChanged.connect(self.on_statement_edited)
        self.say(tr("正在读取申请…"), error=False)
        self.vm.refresh()

    # --- showing ---------------------------------------------------------------------------------

    @Slot()
    def on_vm_loaded(self) -> None:
        vm = self.vm
        if vm.view is None:
            return
        self.setWindowTitle(vm.title())
        if self.error.text() == tr("正在读取申请…"):
            self.error.clear()
        while self.header.count():
            taken = self.header.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        for i, (label, value) in enumerate(vm.header()):
            row, col = divmod(i, 3)
            caption = QLabel(captioned(label))
            caption.setStyleSheet("color: #616161;")
            text = QLabel(value)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.header.addWidget(caption, row, col * 2)
            self.header.addWidget(text, row, col * 2 + 1)
        for col in range(3):
            self.header.setColumnStretch(col * 2 + 1, 1)
        _fill(
            self.criteria,
            [[c.rule, c.observed, "✓" if c.met else "✗", c.explanation] for c in vm.criteria()],
        )
        for r, c in enumerate(vm.criteria()):
            mark = self.criteria.item(r, 2)
            if mark is None:
                continue
            mark.setForeground(QBrush(QColor("#1e7e34" if c.met else "#c62828")))
            mark.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scores.clear()
        parent: QTreeWidgetItem | None = None
        for line in vm.score_lines():
            values = [line.name, line.weight, line.score, line.ratings, line.spread]
            if line.level == 0 or parent is None:
                parent = QTreeWidgetItem(self.scores, values)
                font = parent.font(0)
                font.setBold(True)
                parent.setFont(0, font)
                parent.setFont(2, font)
                for column in range(5):
                    parent.setToolTip(column, line.tip)
            else:
                child = QTreeWidgetItem(parent, values)
                child.setToolTip(3, line.ratings)
        self.scores.expandAll()
        self.total.setText(vm.total_text())
        self.reason.setText(vm.reason or tr("（无：申请时已达标）"))
        self.statement.setPlainText(vm.statement)
        editable = vm.can_edit_statement
        self.statement.setReadOnly(not editable)
        self.save_statement.setVisible(editable)
        self.on_statement_edited()
        _fill(self.trail, [[t.at, t.step, t.who, t.action, t.comment] for t in vm.trail()])
        self.evidence.clear()
        for attachment_id, name, size in vm.evidence():
            item = QListWidgetItem(f"{name}  ({size})")
            item.setData(Qt.ItemDataRole.UserRole, attachment_id)
            item.setToolTip(tr("双击打开"))
            self.evidence.addItem(item)
        self.add_evidence.setVisible(vm.can_add_evidence)
        allowed = set(vm.actions())
        for action, button in self.buttons.items():
            button.setVisible(action in allowed)
            button.setEnabled(not vm.busy)
        self.comment.setVisible(bool(allowed - {"decide"}))
        printable = set(vm.documents())
        for kind, button in self.document_buttons.items():
            button.setVisible(kind in printable)

    def say(self, text: str, error: bool = True) -> None:
        self.error.setStyleSheet(ERROR_STYLE if error else "color: #1e7e34;")
        self.error.setText(text)

    @Slot(str)
    def on_vm_failed(self, text: str) -> None:
        self.say(text)
        if self.pending in NEEDS_COMMENT and not self.comment.toPlainText().strip():
            self.comment.setFocus()
        self.pending = ""

    @Slot(bool)
    def on_vm_busy_changed(self, busy: bool) -> None:
        """While a move runs in the background: no second click, the window stays responsive."""
        for button in self.buttons.values():
            button.setEnabled(not busy)
        self.save_statement.setEnabled(not busy and self.statement_edited())
        self.add_evidence.setEnabled(not busy)
        if busy:
            self.say(tr("正在处理…"), error=False)

    # --- acting ----------------------------------------------------------------------------------

    def on_action_clicked(self, action: str) -> None:
        self.error.clear()
        statement: str | None = None
        if self.statement_edited():
            # the move reloads the case, and the box with it: a typed 自述 would be lost unasked
            choice = ask_statement(
                self,
                tr("晋升申请"),
                tr("自述还没有保存。先保存自述再{action}吗？").format(
                    action=tr(BUTTON_TEXTS.get(action, action)).rstrip("…")
                ),
                tr("不保存"),
            )
            if choice == questions.CANCEL:
                return
            if choice == questions.SAVE:
                statement = self.statement.toPlainText()
            else:
                self.statement.setPlainText(self.vm.statement or "")
        if action == "decide" and statement is not None:
            self.vm.set_statement(statement)  # the decision is its own dialog: saved first
            return
        if action == "decide":
            dialog = DecisionDialog(self.vm, self)
            dialog.exec()
            dialog.deleteLater()
            return
        comment = self.comment.toPlainText().strip()
        question = self.vm.final_question(action)
        # without its required comment the move is refused anyway, with the reason: ask after
        asks = bool(question) and (bool(comment) or action not in NEEDS_COMMENT)
        if asks and not ask_to_confirm(self, tr(BUTTON_TEXTS[action]), str(question)):
            return
        self.pending = action
        if not self.vm.act(action, comment, statement):
            self.pending = ""

    @Slot(str)
    def on_vm_acted(self, action: str) -> None:
        for button in self.buttons.values():  # until the case is read again
            button.setEnabled(False)
        self.pending = ""
        if action == "statement":
            self.say(tr("自述已保存。"), error=False)
        elif action == "evidence":
            self.say(tr("证明材料已添加。"), error=False)
        elif action == "decide":
            self.say(tr("已决定并公示。"), error=False)
        else:
            self.comment.clear()
            self.say(tr("已{action}。").format(action=action_text(action)), error=False)

    def on_document_clicked(self, kind: str) -> None:
        from desktop.views.reports.preview_dialog import open_preview

        self.preview = open_preview(self.vm.report(kind), self)

    @Slot()
    def on_save_statement_clicked(self) -> None:
        if self.statement_edited():
            self.vm.set_statement(self.statement.toPlainText())

    def statement_edited(self) -> bool:
        """Whether the 自述 box holds text not yet saved (only the one who may edit it)."""
        if self.vm.view is None or self.statement.isReadOnly():
            return False
        return self.statement.toPlainText().strip() != (self.vm.statement or "").strip()

    @Slot()
    def on_statement_edited(self) -> None:
        self.save_statement.setEnabled(not self.vm.busy and self.statement_edited())

    def unsent(self) -> list[str]:
        """What closing now would throw away: a typed 意见, an unsaved 自述."""
        lost = []
        if not self.comment.isHidden() and self.comment.toPlainText().strip():
            lost.append(tr("意见"))
        if self.statement_edited():
            lost.append(tr("自述"))
        return lost

    @Slot(QListWidgetItem)
    def on_evidence_activated(self, item: QListWidgetItem) -> None:
        path = self.vm.open_evidence(int(item.data(Qt.ItemDataRole.UserRole)))
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def done(self, result: int) -> None:
        if self.vm.busy:  # a move is being saved: close once it is through
            return
        lost = self.unsent() if result == QDialog.DialogCode.Rejected else []
        if lost and not ask_to_confirm(
            self,
            tr("晋升申请"),
            tr("{what}还没有提交，关闭后会丢失。仍要关闭吗？").format(what=listed(lost)),
        ):
            return
        self.vm.cleanup()
        super().done(result)

    @Slot()
    def on_add_evidence_clicked(self) -> None:
        path = ask_evidence_file(self)
        if path is not None:
            self.vm.add_evidence(path)
