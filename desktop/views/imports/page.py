"""数据导入: the import history (导入记录) with undo, the wizard for new imports, and the downloadable templates."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from core.domain import months as mo
from core.services.imports.engine import BatchRow
from desktop.i18n import listed, tr
from desktop.viewmodels.import_history_vm import (
    BatchTableModel,
    ImportsViewModel,
    local_time,
    months_text,
    source_label,
)
from desktop.viewmodels.import_wizard_vm import importable
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views import questions
from desktop.views.buttons import menu_button
from desktop.views.files import ask_save_xlsx
from desktop.views.imports import month
from desktop.views.imports.month import ImportMonthDialog
from desktop.views.imports.wizard import FILES, SHEET, ImportWizard, ask_files
from desktop.views.tables import read_only

# fits the history beside its detail panel at 1366×768 without a sideways scroll bar
COLUMN_WIDTHS = (50, 100, 140, 100, 60, 112, 48, 56, 56, 120, 56)


def ask_undo(parent: QWidget, question: str) -> bool:
    """Whether the user confirms undoing a batch (tests replace this)."""
    return questions.ask(parent, tr("撤销导入"), question)


def ask_template_path(parent: QWidget, suggested: str) -> Path | None:
    """Where to save a downloadable template (tests replace this)."""
    return ask_save_xlsx(parent, tr("下载导入模板"), suggested)


class ImportsPage(QWidget):
    def __init__(self, session_vm: SessionViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.vm = ImportsViewModel(session_vm, self)
        self.wizard: ImportWizard | None = None
        self.month: ImportMonthDialog | None = None
        self._build_toolbar()

        self.table = QTableView()
        self.table.setModel(self.vm.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        read_only(self.table)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        # a cut name keeps its end: "ExportOr…202406.csv", "生意参谋…交易概况", "悦颜美…旗舰店" tell
        # batches apart where "ExportOrderL…" did not (the whole name is on hover and at the side)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = header.fontMetrics()
        # a batch's months read whole ("2023-01 – 2024-06 (18)"), not cut to "2023-01 – 2024-…"
        samples = {BatchTableModel.COL_MONTHS: months_text(mo.month_range("2023-01", "2024-06"))}
        for column, width in enumerate(COLUMN_WIDTHS):
            # wide enough for the header (English ones are longer)
            title = str(self.vm.model.headerData(column, Qt.Orientation.Horizontal))
            texts = [title, samples.get(column, "")]
            header.resizeSection(
                column, max(width, *(metrics.horizontalAdvance(t) + 16 for t in texts))
            )
        header.setStretchLastSection(True)
        self.table.doubleClicked.connect(self.on_table_double_clicked)

        self.empty = QLabel(
            tr(
                "还没有导入任何数据。点击“新建导入…”选择后台导出的文件，"
                "或把文件直接拖到窗口上；Tidui 的花名册等模板可从“下载导入模板”获取。"
            )
        )
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #616161; padding: 24px;")

        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumWidth(220)
        self.detail.setStyleSheet("padding: 8px; background: #fafafa; border: 1px solid #e0e0e0;")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([1090, 250])

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #424242;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.status)

        self.table.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.vm.loaded.connect(self.on_vm_loaded)
        self.vm.failed.connect(self.on_vm_failed)
        self.vm.undo_started.connect(self.on_undo_started)
        self.vm.undone.connect(self.on_vm_undone)
        self.vm.template_saved.connect(self.on_template_saved)
        self.vm.refresh()

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.new_action = QAction(tr("新建导入…"), self)
        self.new_action.setShortcut(QKeySequence("Ctrl+I"))
        self.new_action.setToolTip(tr("选择后台导出的文件并导入 (Ctrl+I)"))
        self.new_action.triggered.connect(self.on_new_triggered)
        self.month_action = QAction(tr("导入本月数据…"), self)
        self.month_action.setShortcut(QKeySequence("Ctrl+Shift+I"))
        self.month_action.setToolTip(
            tr(
                "一次选择本月的全部导出文件（或把文件夹拖到窗口上），逐个确认后一起导入 (Ctrl+Shift+I)"
            )
        )
        self.month_action.triggered.connect(self.on_month_triggered)
        self.undo_action = QAction(tr("撤销导入"), self)
        self.undo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        self.undo_action.setToolTip(
            tr("删除选中批次导入的全部数据，并恢复被它替换的数据 (Ctrl+Shift+Z)")
        )
        self.undo_action.setEnabled(False)
        self.undo_action.triggered.connect(self.on_undo_triggered)
        self.refresh_action = QAction(tr("刷新"), self)
        self.refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_action.triggered.connect(self.vm.refresh)
        self.template_menu = QMenu(self)
        for kind, title in self.vm.template_kinds():
            action = self.template_menu.addAction(title)
            action.triggered.connect(lambda _=False, k=kind: self.download_template(k))
        self.template_button = menu_button(tr("下载导入模板"), self.template_menu)
        self.template_button.setToolTip(
            tr("Tidui 自己的导入模板：花名册、店铺负责人、培训、成果、评估打分 (Ctrl+T)")
        )
        self.template_button.setShortcut(QKeySequence("Ctrl+T"))
        self.toolbar.addAction(self.new_action)
        self.toolbar.addAction(self.month_action)
        self.toolbar.addAction(self.undo_action)
        self.toolbar.addSeparator()
        self.toolbar.addWidget(self.template_button)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.refresh_action)

    # --- what the main window calls --------------------------------------------------------------

    def start_import(self, paths: list[Path]) -> ImportWizard | ImportMonthDialog:
        """Open the wizard for ``paths`` (files dropped on the window, or chosen here); a folder
        or several files, dropped while no wizard is open, are the month's: 导入本月数据."""
        wizard_open = self.wizard is not None and self.wizard.isVisible()
        files = [p for p in paths if p.is_dir() or importable(p)]
        if not wizard_open and (len(files) > 1 or any(p.is_dir() for p in files)):
            self._refused([p for p in paths if p not in files])
            return self.start_month(files)
        if self.wizard is not None and self.wizard.isVisible():
            refused = self.wizard.vm.add_files(paths)
            self.wizard.file_page.add([])
            self._refused(refused)
            self.wizard.raise_()
            self.wizard.activateWindow()
            return self.wizard
        wizard = ImportWizard(self.session_vm, [], self)
        refused = wizard.vm.add_files(paths)
        self._refused(refused)
        wizard.setStartId(SHEET if wizard.vm.files else FILES)
        wizard.setWindowModality(Qt.WindowModality.WindowModal)
        wizard.finished.connect(self.on_wizard_finished)
        self.wizard = wizard
        wizard.show()
        return wizard

    def start_month(self, paths: list[Path]) -> ImportMonthDialog:
        """导入本月数据 for ``paths`` (files and folders): one summary, one commit."""
        if self.month is not None and self.month.isVisible() and self.month.vm.busy:
            self.month.raise_()
            return self.month
        dialog = ImportMonthDialog(self.session_vm, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(self.on_month_finished)
        self.month = dialog
        dialog.show()
        dialog.start(paths)
        return dialog

    @Slot()
    def on_month_triggered(self) -> None:
        paths = month.ask_month_files(self)
        if paths:
            self.start_month(paths)

    @Slot(int)
    def on_month_finished(self, result: int) -> None:
        del result
        self.month = None
        self.vm.refresh()

    def _refused(self, refused: list[Path]) -> None:
        if refused:
            self.status.setText(
                tr("无法导入这些文件（只支持 .xlsx、.xls、.csv）：")
                + listed(p.name for p in refused)
            )

    # --- reacting --------------------------------------------------------------------------------

    def selected(self) -> BatchRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.vm.model.batch_at(rows[0].row()) if rows else None

    @Slot()
    def on_new_triggered(self) -> None:
        paths = ask_files(self)
        if paths:
            self.start_import(paths)

    @Slot(int)
    def on_wizard_finished(self, result: int) -> None:
        del result
        self.wizard = None
        self.vm.refresh()

    @Slot()
    def on_undo_triggered(self) -> None:
        batch = self.selected()
        if batch is None or batch.undone or self.vm.busy:
            return
        if ask_undo(self, self.vm.undo_question(batch)):
            self.vm.undo(batch.id)

    @Slot()
    def on_table_double_clicked(self) -> None:
        self.on_selection_changed(QItemSelection(), QItemSelection())

    def download_template(self, kind: str) -> None:
        path = ask_template_path(self, self.vm.template_file_name(kind))
        if path is not None:
            self.vm.save_template(kind, path)

    @Slot()
    def on_vm_loaded(self) -> None:
        current = self.selected()
        empty = self.vm.model.rowCount() == 0
        self.empty.setVisible(empty)
        self.table.setVisible(not empty)
        row = self.vm.model.row_of(current.id) if current is not None else -1
        if row < 0 and not empty:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        self.on_selection_changed(QItemSelection(), QItemSelection())

    @Slot(QItemSelection, QItemSelection)
    def on_selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        del selected, deselected
        batch = self.selected()
        self.undo_action.setEnabled(batch is not None and not batch.undone and not self.vm.busy)
        self.detail.setText(self._detail(batch) if batch is not None else "")
        self.detail.setVisible(batch is not None)

    def _detail(self, batch: BatchRow) -> str:
        lines = [
            f"<b>{tr('批次')} #{batch.id}</b>",
            f"{tr('文件：')}{_html(batch.file_name)}",
            f"{tr('数据来源：')}{_html(source_label(batch.source))}",
        ]
        if batch.store:
            lines.append(f"{tr('店铺：')}{_html(batch.store)}")
        lines += [
            f"{tr('导入人：')}{_html(batch.user_login)} · {local_time(batch)}",
            tr(
                "共 {rows} 行，导入 {imported} 行，跳过 {skipped} 行",
                rows=batch.rows,
                imported=batch.imported,
                skipped=batch.skipped,
            ),
            f"{tr('月份：')}{months_text(batch.months)}",
        ]
        if batch.profile:
            lines.append(f"{tr('映射方案：')}{_html(batch.profile)}")
        if batch.undone and batch.undone_at is not None:
            when = batch.undone_at.astimezone().strftime("%Y-%m-%d %H:%M")
            lines.append(
                f"<span style='color:#b00020'>{tr('已撤销')}：{_html(batch.undone_by or '')} · {when}</span>"
            )
        return "<br>".join(lines)

    @Slot(str)
    def on_vm_failed(self, text: str) -> None:
        self.undo_action.setEnabled(self.selected() is not None)
        QMessageBox.warning(self, tr("数据导入"), text)

    @Slot()
    def on_undo_started(self) -> None:
        self.undo_action.setEnabled(False)
        self.status.setText(tr("正在撤销导入…"))

    @Slot(str)
    def on_vm_undone(self, text: str) -> None:
        self.status.setText(text)

    @Slot(str)
    def on_template_saved(self, path: str) -> None:
        self.status.setText(tr("模板已保存：") + path)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
