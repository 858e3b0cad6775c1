"""评审周期: the cycles, the owner's 新建 / 关闭 / 重新打开, and the selected cycle's candidates
and score grid."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QItemSelection, QModelIndex, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.domain import months as mo
from core.i18n import current_language
from desktop.i18n import tr
from desktop.viewmodels.promotion_cycles_vm import CyclesViewModel
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.promotion.score_grid import ScoreGrid
from desktop.views.tables import read_only
from desktop.views.visibility import hidden_unless


class NewCycleDialog(QDialog):
    def __init__(self, vm: CyclesViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setWindowTitle(tr("新建评审周期"))
        self.name = QLineEdit()
        default = vm.default_month()
        self.existing = vm.existing_cycles()
        # the half-year after the latest cycle: 2024下半年, "2024 H2"; never a name taken
        self.name.setText(vm.suggested_name(self.existing))
        self.name_error = False  # whether the error shown is about the name
        self.month = QComboBox()
        for i in range(-3, 24):
            choice = mo.add(default, -i)
            self.month.addItem(mo.label(choice, current_language()), choice)
        self.month.setCurrentIndex(self.month.findData(default))
        self.has_deadline = QCheckBox(tr("截止日期"))
        self.deadline = QDateEdit()
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        self.deadline.setDate(QDate.currentDate().addDays(30))
        self.deadline.setEnabled(False)
        self.has_deadline.toggled.connect(self.deadline.setEnabled)
        self.transitions = QListWidget()
        for transition_id, label in vm.transitions():
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, transition_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.transitions.addItem(item)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.name.textChanged.connect(self.on_name_changed)
        deadline_row = QHBoxLayout()
        deadline_row.addWidget(self.has_deadline)
        deadline_row.addWidget(self.deadline, 1)
        form = QFormLayout()
        form.addRow(tr("名称"), self.name)
        form.addRow(tr("截至月份"), self.month)
        form.addRow("", deadline_row)
        form.addRow(tr("包含的晋升路径"), self.transitions)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.on_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(480, 460)
        self.created_id: int | None = None

    def chosen_transitions(self) -> list[int] | None:
        items = [self.transitions.item(i) for i in range(self.transitions.count())]
        checked = [i for i in items if i.checkState() == Qt.CheckState.Checked]
        if len(checked) == len(items):
            return None  # every transition
        return [int(i.data(Qt.ItemDataRole.UserRole)) for i in checked]

    @Slot(str)
    def on_name_changed(self, text: str) -> None:
        """A name already taken says so as it is typed; renamed, the name's error goes."""
        problem = self.vm.name_problem(text, self.existing)
        if problem:
            self.error.setText(problem)
            self.name_error = True
        elif self.name_error:
            self.error.clear()
            self.name_error = False

    @Slot()
    def on_accepted(self) -> None:
        chosen = self.chosen_transitions()
        if chosen == []:
            self.error.setText(tr("请至少选择一条晋升路径。"))
            self.name_error = False
            return
        deadline = None
        if self.has_deadline.isChecked():
            d = self.deadline.date()
            deadline = date(d.year(), d.month(), d.day())
        row = self.vm.open_cycle(self.name.text(), self.month.currentData(), deadline, chosen)
        if row is None:
            self.error.setText(self.vm.error)
            self.name_error = self.vm.error_field == "name"
            return
        self.created_id = row.id
        self.accept()


class AddCandidateDialog(QDialog):
    """加入候选人: pick a person and one of their moves the cycle includes (type to filter)."""

    def __init__(self, vm: CyclesViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setWindowTitle(tr("加入候选人"))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(tr("输入工号或姓名筛选"))
        self.filter.textChanged.connect(self.on_filter_changed)
        self.people = QListWidget()
        self.people.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.people.itemDoubleClicked.connect(lambda _item: self.on_accepted())
        for found in vm.addable():
            item = QListWidgetItem(found.label())
            item.setData(Qt.ItemDataRole.UserRole, (found.employee_id, found.transition_id))
            self.people.addItem(item)
        hint = QLabel(tr("未达标的人也可以加入，以便打分和发起申请（发起时需写明理由）。"))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #616161;")
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr("加入"))
        buttons.accepted.connect(self.on_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.filter)
        layout.addWidget(self.people, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        if not self.people.count():
            self.error.setText(tr("没有可加入的人：本周期的晋升路径上的人都已在候选人中。"))
        self.resize(480, 460)
        self.added = 0

    @Slot(str)
    def on_filter_changed(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.people.count()):
            item = self.people.item(i)
            item.setHidden(bool(needle) and needle not in item.text().lower())

    @Slot()
    def on_accepted(self) -> None:
        chosen = [i for i in self.people.selectedItems() if not i.isHidden()]
        if not chosen:
            self.error.setText(tr("请先选择要加入的人。"))
            return
        for item in chosen:
            employee_id, transition_id = item.data(Qt.ItemDataRole.UserRole)
            if not self.vm.add_candidate(int(employee_id), int(transition_id)):
                self.error.setText(self.vm.error)
                return
            self.added += 1
        self.accept()


class CyclesPage(QWidget):
    def __init__(self, session_vm: SessionViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.vm = CyclesViewModel(session_vm, self)

        self.cycle_table = QTableView()
        self.cycle_table.setModel(self.vm.cycles)
        self.cycle_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.cycle_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        read_only(self.cycle_table)
        self.cycle_table.verticalHeader().hide()
        self.cycle_table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((80, 56, 50)):
            self.cycle_table.horizontalHeader().resizeSection(column, width)
        self.cycle_table.setColumnHidden(3, True)  # the deadline is in the cycle's title
        self.new_button = QPushButton(tr("新建评审周期…"))
        self.close_button = QPushButton(tr("关闭"))
        self.reopen_button = QPushButton(tr("重新打开"))
        hidden_unless(self.vm.can_manage, self.new_button, self.close_button, self.reopen_button)
        self.new_button.clicked.connect(self.on_new_clicked)
        self.close_button.clicked.connect(lambda: self.on_set_open(False))
        self.reopen_button.clicked.connect(lambda: self.on_set_open(True))
        self.empty = QLabel(tr("还没有评审周期。老板可以新建一个（如“2024下半年”）。"))
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #616161;")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(tr("评审周期"))
        title.setStyleSheet("font-size: 16px; font-weight: bold; padding: 4px 0;")
        left_layout.addWidget(title)
        left_layout.addWidget(self.cycle_table, 1)
        left_layout.addWidget(self.empty)
        buttons = QHBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.reopen_button)
        left_layout.addWidget(self.new_button)
        left_layout.addLayout(buttons)

        self.candidate_table = QTableView()
        self.candidate_table.setModel(self.vm.candidates)
        self.candidate_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        read_only(self.candidate_table)
        self.candidate_table.verticalHeader().hide()
        header = self.candidate_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((56, 60, 330, 160, 80)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.candidate_table.activated.connect(self.on_candidate_activated)  # double click, Enter
        self.candidate_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.propose_button = QPushButton(tr("发起晋升申请"))
        hidden_unless(self.vm.can_propose, self.propose_button)
        self.propose_button.clicked.connect(self.on_propose_clicked)
        self.add_button = QPushButton(tr("加入候选人…"))
        self.add_button.setToolTip(tr("把未列出的人（如未达标但想提名的）加入本周期，以便打分"))
        self.add_button.clicked.connect(self.on_add_clicked)
        self.remove_button = QPushButton(tr("移出"))
        self.remove_button.setToolTip(tr("移出手动加入、尚未发起申请的候选人"))
        self.remove_button.clicked.connect(self.on_remove_clicked)
        candidates = QWidget()
        candidates_layout = QVBoxLayout(candidates)
        candidates_layout.setContentsMargins(0, 4, 0, 0)
        hint = QLabel(tr("已达标、接近达标和手动加入的人；双击或按回车打开已发起的申请。"))
        hint.setStyleSheet("color: #616161;")
        top = QHBoxLayout()
        top.addWidget(hint, 1)
        top.addWidget(self.remove_button)
        top.addWidget(self.propose_button)
        candidates_layout.addLayout(top)
        candidates_layout.addWidget(self.candidate_table, 1)
        self.grid = ScoreGrid(self.vm.grid)
        # right after choosing a cycle the keyboard is on this list: Ctrl+Z there takes back the
        # shown cycle's last score too (and goes to its cell), as the grid's hint promises
        undo_from_list = QAction(self.cycle_table)
        undo_from_list.setShortcut(QKeySequence.StandardKey.Undo)
        undo_from_list.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        undo_from_list.triggered.connect(self.on_undo_from_the_list)
        self.cycle_table.addAction(undo_from_list)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.grid, tr("评估打分"))
        self.tabs.addTab(candidates, tr("候选人"))
        self.cycle_title = QLabel()
        self.cycle_title.setStyleSheet("font-size: 15px; font-weight: bold; padding: 4px 0;")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        title_row = QHBoxLayout()
        title_row.addWidget(self.cycle_title, 1)
        title_row.addWidget(self.add_button)  # above both tabs: add someone, then score them
        right_layout.addLayout(title_row)
        right_layout.addWidget(self.tabs, 1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([190, 1000])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.vm.cycles_loaded.connect(self.on_cycles_loaded)
        self.vm.failed.connect(self.on_vm_failed)
        self.cycle_table.selectionModel().selectionChanged.connect(self.on_cycle_selection_changed)
        self.candidate_table.selectionModel().selectionChanged.connect(
            self.on_candidate_selection_changed
        )
        self.vm.cycle_loaded.connect(self._update_candidate_buttons)
        self.vm.load_cycles()

    def selected_row(self) -> int:
        rows = self.cycle_table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    @Slot()
    def on_undo_from_the_list(self) -> None:
        self.tabs.setCurrentWidget(self.grid)
        self.grid.table.on_undo_triggered()
        self.grid.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    @Slot()
    def on_cycles_loaded(self) -> None:
        count = self.vm.cycles.rowCount()
        self.empty.setVisible(count == 0)
        keep = self.vm.cycle_id
        row = next((i for i, c in enumerate(self.vm.cycles.rows) if c.id == keep), 0)
        if count:
            self.cycle_table.selectRow(row)
        else:
            self.vm.select_cycle(None)
        self._update_buttons()

    def selected_candidates(self) -> list[int]:
        return sorted(i.row() for i in self.candidate_table.selectionModel().selectedRows())

    def _update_candidate_buttons(self) -> None:
        may = self.vm.can_add_candidates
        self.add_button.setVisible(self.vm.can_propose)
        self.add_button.setEnabled(may)
        self.remove_button.setVisible(self.vm.can_propose)
        rows = self.selected_candidates()
        self.remove_button.setEnabled(bool(rows) and all(self.vm.removable(r) for r in rows))

    @Slot(QItemSelection, QItemSelection)
    def on_candidate_selection_changed(
        self, selected: QItemSelection, deselected: QItemSelection
    ) -> None:
        del selected, deselected
        self._update_candidate_buttons()

    @Slot()
    def on_add_clicked(self) -> None:
        dialog = AddCandidateDialog(self.vm, self)
        dialog.exec()
        dialog.deleteLater()

    @Slot()
    def on_remove_clicked(self) -> None:
        rows = [r for r in self.selected_candidates() if self.vm.removable(r)]
        keys = [
            (self.vm.candidates.rows[r].employee_id, self.vm.candidates.rows[r].transition_id)
            for r in rows
        ]
        for employee_id, transition_id in keys:  # rows move as the list is read again
            row = next(
                (
                    i
                    for i, c in enumerate(self.vm.candidates.rows)
                    if (c.employee_id, c.transition_id) == (employee_id, transition_id)
                ),
                -1,
            )
            if not self.vm.remove_candidate(row):
                break

    def _update_buttons(self) -> None:
        self._update_candidate_buttons()
        current = self.vm.current()
        self.close_button.setEnabled(current is not None and current.state == "open")
        self.reopen_button.setEnabled(current is not None and current.state == "closed")
        if current is None:
            self.cycle_title.setText(tr("选择左侧的评审周期"))
        else:
            state = tr("进行中") if current.state == "open" else tr("已关闭（只读）")
            text = tr("{name} · 截至{month} · {state}").format(
                name=current.name, month=mo.label(current.as_of, current_language()), state=state
            )
            if current.deadline:
                text += " · " + tr("截止日期") + " " + current.deadline.isoformat()
            self.cycle_title.setText(text)

    @Slot(QItemSelection, QItemSelection)
    def on_cycle_selection_changed(
        self, selected: QItemSelection, deselected: QItemSelection
    ) -> None:
        del selected, deselected
        row = self.vm.cycle_row(self.selected_row())
        self.vm.select_cycle(row.id if row else None)
        self._update_buttons()

    @Slot()
    def on_new_clicked(self) -> None:
        dialog = NewCycleDialog(self.vm, self)
        if dialog.exec() and dialog.created_id is not None:
            self.vm.cycle_id = dialog.created_id
            self.vm.load_cycles()
        dialog.deleteLater()

    def on_set_open(self, is_open: bool) -> None:
        current = self.vm.current()
        if current is not None and self.vm.set_open(current.id, is_open):
            self.vm.load_cycles()

    @Slot(QModelIndex)
    def on_candidate_activated(self, index: QModelIndex) -> None:
        case_id = self.vm.candidates.case_id(index.row())
        if case_id is not None:
            from desktop.views.promotion.queue_page import open_case

            open_case(self.session_vm, case_id, self)

    @Slot()
    def on_propose_clicked(self) -> None:
        from desktop.views.promotion.create_dialog import CreateCasesDialog

        rows = sorted(i.row() for i in self.candidate_table.selectionModel().selectedRows())
        proposals = self.vm.proposals(rows)
        if proposals:
            dialog = CreateCasesDialog(self.session_vm, proposals, self, self.vm.cycle_id)
            dialog.exec()
            dialog.deleteLater()

    @Slot(str)
    def on_vm_failed(self, text: str) -> None:
        QMessageBox.warning(self, tr("评审周期"), text)
