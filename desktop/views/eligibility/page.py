"""达标名单: everyone ready now or nearly ready per transition, with filters, sort, export and 晋升进度 beside it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from core.domain.rules import Readiness
from core.services.eligibility.readiness import Candidate
from desktop.i18n import bracketed, captioned, tr
from desktop.viewmodels.eligibility_vm import (
    SHOW_ALL,
    SHOW_NEARLY,
    SHOW_READY,
    SHOW_SHORTLIST,
    CandidateTableModel,
    EligibilityViewModel,
    status_text,
)
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.eligibility.progress_panel import ProgressPanel, fill_months, month_picker
from desktop.views.files import ask_save_xlsx
from desktop.views.tables import read_only

# Compact, so every column fits the list's share of a 1366×768 screen; the level columns and the
# unmet criteria wrap onto a second line instead of being cut ("运营专员… → 运营专员…").
COLUMN_WIDTHS = (52, 56, 56, 92, 92, 44, 70, 52, 56)
ROW_HEIGHT_LINES = 2


def ask_export_path(parent: QWidget, suggested: str) -> Path | None:
    """Where to save the export (tests replace this)."""
    return ask_save_xlsx(parent, tr("导出达标名单"), suggested)


class EligibilityPage(QWidget):
    def __init__(self, session_vm: SessionViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.vm = EligibilityViewModel(session_vm, self)
        self._build_toolbar()
        self._build_filters()

        self.summary = QLabel(tr("正在计算…"))
        self.summary.setStyleSheet("color: #424242; padding: 2px 0;")
        self.table = QTableView()
        self.table.setModel(self.vm.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(
            CandidateTableModel.COL_STATUS, Qt.SortOrder.AscendingOrder
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        read_only(self.table)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        # a cut line ends in "…" (the unmet criteria: their start names the rule)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        line = self.table.fontMetrics().lineSpacing()
        self.table.verticalHeader().setDefaultSectionSize(line * ROW_HEIGHT_LINES + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self._fit_columns()
        self.table.selectionModel().selectionChanged.connect(self.on_table_selection_changed)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #616161; padding: 16px;")
        self.empty.hide()

        self.panel = ProgressPanel(session_vm, None, None, self)
        self.panel.hide_month_picker()  # the page's own month picker drives the panel
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(self.filters)
        left_layout.addWidget(self.summary)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        self.panel_title = QLabel(tr("晋升进度"))
        self.panel_title.setStyleSheet("font-size: 15px; font-weight: bold; padding: 4px 0;")
        right_layout.addWidget(self.panel_title)
        right_layout.addWidget(self.panel, 1)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([800, 440])

        self.progress = QProgressBar()
        self.progress.setMaximumHeight(12)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton(tr("取消"))
        self.cancel_button.clicked.connect(self.vm.cancel)
        progress_row = QHBoxLayout()
        progress_row.addWidget(QLabel(tr("正在重新计算达标情况…")))
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        self.progress_box = QWidget()
        self.progress_box.setLayout(progress_row)
        self.progress_box.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.progress_box)

        self.vm.loaded.connect(self.on_vm_loaded)
        self.vm.loading_changed.connect(self.on_vm_loading_changed)
        self.vm.progressed.connect(self.on_vm_progressed)
        self.vm.failed.connect(self.on_vm_failed)
        self.vm.exported.connect(self.on_vm_exported)
        self.vm.refresh()

    # --- building ------------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.refresh_action = QAction(tr("刷新"), self)
        self.refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_action.setToolTip(tr("重新计算达标情况 (F5)"))
        self.refresh_action.triggered.connect(self.vm.refresh)
        self.toolbar.addAction(self.refresh_action)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(QLabel(tr(" 截至月份：")))
        self.month = month_picker(self)
        self.month.setToolTip(tr("默认按最新的完整月份评估；可选择其他月份查看当时的达标情况。"))
        self.month.currentIndexChanged.connect(self.on_month_index_changed)
        self.toolbar.addWidget(self.month)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(QLabel(tr(" 接近达标范围：")))
        self.margin = QSpinBox()
        self.margin.setRange(0, 50)
        self.margin.setSuffix(" %")
        self.margin.setKeyboardTracking(False)
        self.margin.setValue(self.vm.margin_percent())
        self.margin.setEnabled(self.vm.can_set_margin)
        self.margin.setToolTip(
            tr(
                "未满足的条件与门槛相差都不超过门槛的这个比例时，算作“接近达标”；"
                "只差一个条件且已完成一半以上（或只差尚未进行的评估）也算。缺数据的条件不算接近。"
                "只有老板可以修改，对全公司生效。"
            )
        )
        self.margin.valueChanged.connect(self.vm.set_margin_percent)
        self.toolbar.addWidget(self.margin)
        self.toolbar.addSeparator()
        self.export_action = QAction(tr("导出Excel…"), self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setToolTip(tr("把当前显示的名单导出为 .xlsx (Ctrl+E)"))
        self.export_action.triggered.connect(self.on_export_triggered)
        self.export_action.setEnabled(self.vm.can_export)
        self.toolbar.addAction(self.export_action)
        self.apply_action = QAction(tr("发起晋升申请"), self)
        self.apply_action.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.apply_action.setEnabled(self.vm.can_apply)
        self.apply_action.setToolTip(
            tr("为选中的员工发起晋升申请（可多选）。")
            if self.vm.can_apply
            else tr("只有人事和老板可以发起晋升申请。")
        )
        self.apply_action.triggered.connect(self.on_apply_triggered)
        self.toolbar.addAction(self.apply_action)
        button = self.toolbar.widgetForAction(self.apply_action)
        if button is not None:
            # a disabled button shows no tooltip by default; people must learn why it is grey
            button.setToolTip(self.apply_action.toolTip())
            button.setAttribute(Qt.WidgetAttribute.WA_AlwaysShowToolTips, True)

    def _build_filters(self) -> None:
        self.filters = QHBoxLayout()
        self.show_box = QComboBox()
        for text, value in (
            (tr("已达标和接近达标"), SHOW_SHORTLIST),
            (tr("仅已达标"), SHOW_READY),
            (tr("仅接近达标"), SHOW_NEARLY),
            (tr("全部（含未达标）"), SHOW_ALL),
        ):
            self.show_box.addItem(text, value)
        self.path_box = QComboBox()
        self.path_box.setMinimumWidth(170)
        self.path_box.addItem(tr("全部路径"), None)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("搜索工号、姓名或拼音"))
        self.search.setClearButtonEnabled(True)
        self.filters.addWidget(QLabel(tr("显示：")))
        self.filters.addWidget(self.show_box)
        self.filters.addWidget(QLabel(tr("路径：")))
        self.filters.addWidget(self.path_box)
        self.filters.addWidget(self.search, 1)
        self.show_box.currentIndexChanged.connect(self.apply_filters)
        self.path_box.currentIndexChanged.connect(self.apply_filters)
        self.search.textChanged.connect(self.apply_filters)

    # --- reacting ------------------------------------------------------------------------------

    def selected(self) -> Candidate | None:
        rows = self.table.selectionModel().selectedRows()
        return self.vm.model.candidate_at(rows[0].row()) if rows else None

    @Slot()
    def apply_filters(self) -> None:
        current = self.selected()
        self.vm.model.set_filters(
            show=self.show_box.currentData(),
            transition_id=self.path_box.currentData(),
            search=self.search.text(),
        )
        self._reselect(current)
        self._show_empty()

    def _reselect(self, candidate: Candidate | None) -> None:
        row = -1
        if candidate is not None:
            row = self.vm.model.row_of(candidate.person.id, candidate.transition.id)
        if row < 0 and self.vm.model.rowCount() > 0:
            row = 0
        if row >= 0:
            self.table.clearSelection()  # several rows may be selected (发起晋升申请)
            self.table.selectRow(row)
        else:
            self.table.clearSelection()
            self.panel.show_employee(None)
            self.panel_title.setText(tr("晋升进度"))

    def _show_empty(self) -> None:
        nobody = self.vm.model.rowCount() == 0 and self.vm.found is not None
        if nobody:
            if self.vm.found is not None and not self.vm.found.candidates:
                self.empty.setText(
                    tr("没有可评估的员工：员工需在职、已设定职级，且该职级有晋升或转岗路径。")
                )
            else:
                self.empty.setText(
                    tr("没有符合筛选条件的员工。可选择“全部（含未达标）”查看所有人。")
                )
        self.empty.setVisible(nobody)

    @Slot()
    def on_vm_loaded(self) -> None:
        current = self.selected()
        self.summary.setText(self.vm.summary())
        chosen = self.path_box.currentData()
        self.path_box.blockSignals(True)
        while self.path_box.count() > 1:
            self.path_box.removeItem(1)
        for transition_id, label in self.vm.transitions():
            self.path_box.addItem(label, transition_id)
        self.path_box.setCurrentIndex(max(self.path_box.findData(chosen), 0))
        self.path_box.blockSignals(False)
        fill_months(self.month, self.vm.months(), self.vm.as_of)
        self.vm.model.set_filters(
            show=self.show_box.currentData(),
            transition_id=self.path_box.currentData(),
            search=self.search.text(),
        )
        self._reselect(current)
        self._show_empty()

    def _fit_columns(self) -> None:
        """Wide enough for the headers and fixed texts (English ones are longer).

        Measured from the texts themselves, not the rows: asking Qt to fit columns to their
        contents formats every visible cell several times over, a tenth of a second per refresh.
        """
        header = self.table.horizontalHeader()
        metrics = header.fontMetrics()
        model = self.vm.model
        fixed = {
            CandidateTableModel.COL_KIND: [tr("晋升"), tr("转岗")],
            CandidateTableModel.COL_STATUS: [status_text(s) for s in Readiness],
        }
        for column, width in enumerate(COLUMN_WIDTHS):
            texts = [
                str(model.headerData(column, Qt.Orientation.Horizontal)),
                *fixed.get(column, []),
            ]
            wanted = max(metrics.horizontalAdvance(t) for t in texts) + 20
            header.resizeSection(column, max(width, min(wanted, 180)))

    @Slot(bool)
    def on_vm_loading_changed(self, loading: bool) -> None:
        self.progress_box.setVisible(loading)
        self.progress.setRange(0, 0)
        self.refresh_action.setEnabled(not loading)

    @Slot(int, int)
    def on_vm_progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    @Slot(str)
    def on_vm_failed(self, text: str) -> None:
        QMessageBox.warning(self, tr("达标名单"), text)

    @Slot(str)
    def on_vm_exported(self, path: str) -> None:
        self.summary.setText(self.vm.summary() + " · " + tr("已导出：") + path)

    @Slot(int)
    def on_month_index_changed(self, index: int) -> None:
        month = self.month.itemData(index)
        self.vm.set_as_of(month or None)

    @Slot(QItemSelection, QItemSelection)
    def on_table_selection_changed(
        self, selected: QItemSelection, deselected: QItemSelection
    ) -> None:
        del selected, deselected
        candidate = self.selected()
        if candidate is None:
            return
        self.panel_title.setText(
            captioned(tr("晋升进度"), bracketed(candidate.person.name, candidate.person.no))
        )
        self.panel.show_employee(
            candidate.person.id,
            candidate.transition.id,
            self.vm.found.as_of if self.vm.found else None,
        )

    @Slot()
    def on_export_triggered(self) -> None:
        if self.vm.found is None:
            return
        suggested = tr("达标名单") + f"_{self.vm.found.as_of}.xlsx"
        path = ask_export_path(self, suggested)
        if path is not None:
            self.vm.export(path)

    @Slot()
    def on_apply_triggered(self) -> None:
        """发起晋升申请 for the selected rows (desktop/views/promotion/create_dialog.py)."""
        from desktop.views.promotion.create_dialog import CreateCasesDialog, proposals_of

        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        chosen = [self.vm.model.candidate_at(r) for r in rows]
        proposals = proposals_of([c for c in chosen if c is not None])
        if proposals:
            dialog = CreateCasesDialog(self.session_vm, proposals, self)
            dialog.exec()
            dialog.deleteLater()
