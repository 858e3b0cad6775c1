"""待我处理: the cases waiting on the logged-in user; Enter or a double-click opens the case."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.services.promotion.cases import CaseSummary
from desktop.i18n import tr
from desktop.viewmodels.promotion_queue_vm import QueueViewModel
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.viewmodels.table_model import RecordTableModel
from desktop.views.tables import read_only, size_columns

QUEUE_TITLE = "待我处理"


class CaseTable(QTableView):
    """A table of cases: Enter or a double-click opens the current one."""

    open_requested = Signal(int)

    def __init__(self, model: RecordTableModel[CaseSummary], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        read_only(self)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        size_columns(self, dict(enumerate((70, 80, 250, 110, 80, 150, 60))))
        self.doubleClicked.connect(self.on_double_clicked)

    def _open(self, row: int) -> None:
        model = self.model()
        assert isinstance(model, RecordTableModel)
        case = model.row_at(row)
        if case is not None:
            self.open_requested.emit(case.id)

    @Slot(QModelIndex)
    def on_double_clicked(self, index: QModelIndex) -> None:
        self._open(index.row())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex().row())
            return
        super().keyPressEvent(event)


def open_case(session_vm: SessionViewModel, case_id: int, parent: QWidget) -> None:
    from desktop.views.promotion.case_dialog import CaseDialog

    # the window, not the widget asking: a decision rebuilds the employee form's tabs, and the
    # dialog must outlive the tab it was opened from
    dialog = CaseDialog(session_vm, case_id, parent.window())
    dialog.exec()
    dialog.deleteLater()  # its viewmodel stops listening for changes


class QueuePage(QWidget):
    sidebar_title_changed = Signal(str)  # the main window shows it: 待我处理 (3)

    def __init__(self, session_vm: SessionViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.vm = QueueViewModel(session_vm, self)
        self.title = QLabel(tr(QUEUE_TITLE))
        self.title.setStyleSheet("font-size: 16px; font-weight: bold; padding: 4px 0;")
        self.hint = QLabel(
            tr("等待您审批、补充或决定的晋升申请，等待最久的在前。按回车或双击打开。")
        )
        self.hint.setStyleSheet("color: #616161;")
        self.table = CaseTable(self.vm.model)
        self.table.open_requested.connect(self.on_open_requested)
        self.empty = QLabel(tr("没有等待您处理的申请。"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #616161; padding: 16px;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        self.vm.count_changed.connect(self.on_count_changed)
        self.vm.refresh()

    def sidebar_title(self) -> str:
        count = self.vm.count
        return tr(QUEUE_TITLE) + (f" ({count})" if count else "")

    @Slot(int)
    def on_count_changed(self, count: int) -> None:
        self.empty.setVisible(count == 0)
        self.title.setText(self.sidebar_title())
        self.sidebar_title_changed.emit(self.sidebar_title())
        if count and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    @Slot(int)
    def on_open_requested(self, case_id: int) -> None:
        open_case(self.session_vm, case_id, self)
