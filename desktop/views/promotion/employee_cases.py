"""The employee form's 晋升申请 tab: the person's cases with their state and who holds them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.i18n import tr
from desktop.viewmodels.promotion_queue_vm import CaseListViewModel
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.promotion.queue_page import CaseTable, open_case
from desktop.views.tables import column_titled, fit_to_width


class EmployeeCases(QWidget):
    def __init__(
        self, session_vm: SessionViewModel, employee_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.vm = CaseListViewModel(session_vm, employee_id, self)
        self.table = CaseTable(self.vm.model)
        # the tab is one person's: their 工号 and 姓名 on every row only pushed 状态 and
        # 当前处理 off the narrow pane (found by title: a column added later shifts no number)
        for title in (tr("工号"), tr("姓名")):
            self.table.setColumnHidden(column_titled(self.table, title), True)
        # the archive's narrow pane, no scrolling sideways: 当前处理 gives way first, on two
        # lines ("直属上级" over "（lina）"), so that 晋升路径 keeps its width ("运营助理 → 运…"
        # hid the level applied for)
        fit_to_width(self.table, wrap=[column_titled(self.table, tr("当前处理"))])
        self.table.open_requested.connect(self.on_open_requested)
        self.empty = QLabel(tr("还没有晋升申请。可在达标名单中选中此人后发起。"))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # wrapped: on one line (469 px in English) it widened the archive's pane for everyone
        # without a case, and the list beside it jumped under the mouse
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #616161; padding: 12px;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        self.vm.count_changed.connect(self.on_count_changed)
        self.vm.refresh()

    @Slot(int)
    def on_count_changed(self, count: int) -> None:
        self.empty.setVisible(count == 0)

    @Slot(int)
    def on_open_requested(self, case_id: int) -> None:
        open_case(self.session_vm, case_id, self)
