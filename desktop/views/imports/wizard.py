"""数据导入 wizard: files → sheet and header row → source kind → column mapping → whose data →
preview and check → commit → summary, one file after another.

Pages only lay out and react; ImportWizardViewModel holds the state and runs the slow work in the
background, so the window never freezes, and a commit can be cancelled (nothing is saved then).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop.i18n import listed, tr
from desktop.viewmodels.import_tables_vm import AccountsModel, MappingTableModel
from desktop.viewmodels.import_wizard_vm import NEW_STORE, ImportWizardViewModel
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views import files
from desktop.views.imports.delegates import ChoiceDelegate

FILES, SHEET, KIND, MAPPING, OWNER, CHECK, COMMIT, SUMMARY = range(8)


def ask_files(parent: QWidget) -> list[Path]:
    """Which export files to import (tests replace this)."""
    return files.open_files(parent, tr("选择要导入的文件"), files.import_filter(), files.IMPORTS)


def ask_profile_name(parent: QWidget, suggested: str) -> str | None:
    """The name to save the mapping under (tests replace this)."""
    name, ok = QInputDialog.getText(
        parent,
        tr("保存映射方案"),
        tr("方案名称（下次导入相同表头的文件时自动使用）："),
        text=suggested,
    )
    return name if ok and name.strip() else None


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def _busy_bar() -> QProgressBar:
    bar = QProgressBar()
    bar.setRange(0, 0)
    bar.setMaximumHeight(14)
    bar.setTextVisible(False)
    bar.hide()
    return bar


def _table(model: object) -> QTableView:
    view = QTableView()
    view.setModel(model)  # type: ignore[arg-type]
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class _Page(QWizardPage):
    def __init__(self, vm: ImportWizardViewModel, title: str, subtitle: str = "") -> None:
        super().__init__()
        self.vm = vm
        self.setTitle(title)
        if subtitle:
            self.setSubTitle(subtitle)

    def import_wizard(self) -> ImportWizard | None:
        wizard = self.wizard()
        return wizard if isinstance(wizard, ImportWizard) else None


# --- 1 ----------------------------------------------------------------------------------------


class FilePage(_Page):
    def __init__(self, vm: ImportWizardViewModel) -> None:
        super().__init__(
            vm,
            tr("选择文件"),
            tr(
                "支持后台导出的 .xlsx、.xls、.csv（UTF-8、GBK 编码均可），可一次选择多个文件，将逐个导入。"
            ),
        )
        self.setAcceptDrops(True)
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.add_button = QPushButton(tr("添加文件…"))
        self.add_button.setShortcut(QKeySequence("Ctrl+O"))
        self.add_button.setToolTip(tr("选择要导入的文件 (Ctrl+O)"))
        self.remove_button = QPushButton(tr("移除"))
        self.remove_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.hint = QLabel(
            tr(
                "可导入：生意参谋店铺整体/交易概况（按日或按月）、淘宝/天猫订单报表、抖店订单、"
                "抖音罗盘直播间列表，以及 Tidui 的花名册、店铺负责人、培训、成果、评估打分模板。"
                "也可以把文件直接拖到这里。"
            )
        )
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #616161;")
        self.refused = _error_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.refused)
        layout.addWidget(self.hint)
        self.add_button.clicked.connect(self.on_add_clicked)
        self.remove_button.clicked.connect(self.on_remove_clicked)
        self._fill()

    def _fill(self) -> None:
        self.list.clear()
        for path in self.vm.files:
            item = QListWidgetItem(path.name)
            item.setToolTip(str(path))
            self.list.addItem(item)
        self.completeChanged.emit()

    def add(self, paths: list[Path]) -> None:
        refused = self.vm.add_files(paths)
        if refused:
            self.refused.setText(
                tr("无法导入这些文件（只支持 .xlsx、.xls、.csv）：")
                + listed(p.name for p in refused)
            )
        self.refused.setVisible(bool(refused))
        self._fill()

    @Slot()
    def on_add_clicked(self) -> None:
        self.add(ask_files(self))

    @Slot()
    def on_remove_clicked(self) -> None:
        for row in sorted((i.row() for i in self.list.selectedIndexes()), reverse=True):
            self.vm.remove_file(row)
        self._fill()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.add([Path(u.toLocalFile()) for u in event.mimeData().urls()])
        event.acceptProposedAction()

    def isComplete(self) -> bool:
        return bool(self.vm.files)

    def nextId(self) -> int:
        return SHEET


# --- 2 ----------------------------------------------------------------------------------------


class SheetPage(_Page):
    def __init__(self, vm: ImportWizardViewModel) -> None:
        super().__init__(
            vm,
            tr("工作表和表头"),
            tr("Tidui 已找到表头所在的行（蓝色）。如不对，请选择其他工作表，或点击正确的表头行。"),
        )
        self.file_label = QLabel()
        self.file_label.setStyleSheet("font-weight: bold;")
        self.busy = _busy_bar()
        self.error = _error_label()
        self.skip_button = QPushButton(tr("跳过此文件"))
        self.skip_button.hide()
        self.sheet = QComboBox()
        self.header = QSpinBox()
        self.header.setMinimum(1)
        self.preamble = QLabel()
        self.preamble.setWordWrap(True)
        self.preamble.setStyleSheet("color: #424242;")
        self.grid = _table(vm.sheet_model)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.horizontalHeader().setStretchLastSection(False)
        self.grid.horizontalHeader().setDefaultSectionSize(96)
        self.form = QWidget()
        form = QHBoxLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.addWidget(QLabel(tr("工作表：")))
        form.addWidget(self.sheet, 1)
        form.addSpacing(16)
        # one sentence around the number: 表头在第 [1] 行, "Header on row [1]" (its own words
        # beside the box read "Header on row [1] Row")
        before, _, after = tr("表头在第 {n} 行").partition("{n}")
        form.addWidget(QLabel(before.strip()))
        form.addWidget(self.header)
        if after.strip():
            form.addWidget(QLabel(after.strip()))
        form.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.file_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        layout.addWidget(self.skip_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.form)
        layout.addWidget(self.preamble)
        layout.addWidget(self.grid, 1)
        self.skipped_to_end = False
        self.skip_button.clicked.connect(self.on_skip_clicked)
        self.sheet.activated.connect(self.on_sheet_activated)
        self.header.valueChanged.connect(self.on_header_changed)
        self.grid.clicked.connect(self.on_grid_clicked)
        vm.file_opened.connect(self.on_file_opened)
        vm.file_failed.connect(self.on_file_failed)
        vm.busy_changed.connect(self.on_busy_changed)

    def initializePage(self) -> None:
        self.skipped_to_end = False
        self.file_label.setText(self.vm.position_text())
        path = self.vm.current_path
        file = self.vm.file
        if file is None or path is None or file.path != path:
            self.error.hide()
            self.skip_button.hide()
            self.vm.open_current()
        else:
            self.on_file_opened()

    @Slot(bool)
    def on_busy_changed(self, busy: bool) -> None:
        if self.isVisible():
            self.busy.setVisible(busy)
        self.completeChanged.emit()

    @Slot()
    def on_file_opened(self) -> None:
        file = self.vm.file
        if file is None:
            return
        self.error.hide()
        self.skip_button.hide()
        self.form.show()
        self.grid.show()
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.addItems(self.vm.sheet_names())
        self.sheet.setCurrentText(file.sheet.name)
        self.sheet.setEnabled(self.sheet.count() > 1)
        self.sheet.blockSignals(False)
        self.header.blockSignals(True)
        self.header.setMaximum(max(len(file.top), 1))
        self.header.setValue(file.header_row + 1)
        self.header.blockSignals(False)
        text = self.vm.preamble_text()
        self.preamble.setText(tr("表头上方：") + text if text else "")
        self.preamble.setVisible(bool(text))
        self.grid.resizeColumnsToContents()
        for column in range(self.vm.sheet_model.columnCount()):
            self.grid.setColumnWidth(column, min(self.grid.columnWidth(column), 180))
        self.grid.scrollTo(self.vm.sheet_model.index(file.header_row, 0))
        self.completeChanged.emit()

    @Slot(str)
    def on_file_failed(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.form.hide()
        self.grid.hide()
        self.preamble.hide()
        self.skip_button.setText(
            tr("跳过此文件，继续下一个") if self.vm.remaining else tr("跳过此文件")
        )
        self.skip_button.show()
        self.completeChanged.emit()

    @Slot()
    def on_skip_clicked(self) -> None:
        self.vm.skip_current(self.vm.error or tr("未导入"))
        wizard = self.import_wizard()
        if self.vm.next_file():
            self.initializePage()
        elif wizard is not None:
            self.skipped_to_end = True
            self.completeChanged.emit()
            wizard.next()

    @Slot(int)
    def on_sheet_activated(self, position: int) -> None:
        self.vm.open_current(self.sheet.itemText(position))

    @Slot(int)
    def on_header_changed(self, value: int) -> None:
        self.vm.choose_header_row(value - 1)

    @Slot()
    def on_grid_clicked(self) -> None:
        rows = self.grid.selectionModel().selectedRows()
        row = rows[0].row() if rows else self.grid.currentIndex().row()
        if row >= 0:
            self.header.setValue(row + 1)

    def isComplete(self) -> bool:
        return self.skipped_to_end or (self.vm.file is not None and not self.vm.busy)

    def nextId(self) -> int:
        return SUMMARY if self.skipped_to_end else KIND


# --- 3 ----------------------------------------------------------------------------------------


class KindPage(_Page):
    def __init__(self, vm: ImportWizardViewModel) -> None:
        super().__init__(
            vm, tr("数据来源"), tr("Tidui 根据表头判断这是哪一种导出文件；如不对，请选择。")
        )
        self.detected = QLabel()
        self.detected.setWordWrap(True)
        self.list = QListWidget()
        self.profile = QLabel()
        self.profile.setStyleSheet("color: #1e7e34;")
        self.profile.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.detected)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.profile)
        self.list.currentRowChanged.connect(self.on_row_changed)

    def initializePage(self) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        choices = self.vm.kind_choices()
        for kind, name, confidence in choices:
            item = QListWidgetItem(f"{name}    " + tr("匹配度") + f" {confidence * 100:.0f}%")
            item.setData(Qt.ItemDataRole.UserRole, kind)
            self.list.addItem(item)
        current = next((i for i, c in enumerate(choices) if c[0] == self.vm.kind), 0)
        self.list.setCurrentRow(current)
        self.list.blockSignals(False)
        detected = self.vm.detected_kind
        if detected is not None:
            name = next(n for k, n, _ in choices if k == detected)
            self.detected.setText(tr("检测结果：") + name)
            self.detected.setStyleSheet("")
        else:
            self.detected.setText(tr("无法根据表头自动判断数据来源，请从下面选择。"))
            self.detected.setStyleSheet("color: #b35c00;")
        self._show_profile()

    def _show_profile(self) -> None:
        name = self.vm.profile_name
        self.profile.setText(tr("将使用已保存的映射方案：") + name if name else "")

    @Slot(int)
    def on_row_changed(self, row: int) -> None:
        item = self.list.item(row)
        if item is not None:
            self.vm.choose_kind(str(item.data(Qt.ItemDataRole.UserRole)))
            self._show_profile()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.vm.kind is not None

    def nextId(self) -> int:
        return MAPPING


# --- 4 ----------------------------------------------------------------------------------------


class MappingPage(_Page):
    def __init__(self, vm: ImportWizardViewModel) -> None:
        super().__init__(
            vm,
            tr("列对应关系"),
            tr(
                "每个 Tidui 字段取自文件的哪一列。可在“文件中的列”里改选；改动可保存为映射方案，下次自动使用。"
            ),
        )
        self.table = _table(vm.mapping_model)
        self.table.setItemDelegateForColumn(
            MappingTableModel.COL_COLUMN, ChoiceDelegate(MappingTableModel.ChoicesRole, self.table)
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(
            MappingTableModel.COL_FIELD, QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(
            MappingTableModel.COL_REQUIRED, QHeaderView.ResizeMode.ResizeToContents
        )
        header.resizeSection(MappingTableModel.COL_COLUMN, 240)
        self.missing = _error_label()
        self.others = QListWidget()
        self.others.setMaximumHeight(110)
        self.save_button = QPushButton(tr("保存为映射方案…"))
        self.save_button.setShortcut(QKeySequence("Ctrl+S"))
        self.saved = QLabel()
        self.saved.setStyleSheet("color: #1e7e34;")
        self.busy = _busy_bar()
        self.error = _error_label()
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.saved, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.missing)
        layout.addWidget(QLabel(tr("未使用的列：")))
        layout.addWidget(self.others, 1)
        layout.addLayout(row)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        self._ready = False
        self.save_button.clicked.connect(self.on_save_clicked)
        vm.mapping_changed.connect(self.on_mapping_changed)
        vm.profile_saved.connect(self.on_profile_saved)
        vm.previewed.connect(self.on_previewed)
        vm.preview_failed.connect(self.on_preview_failed)
        vm.busy_changed.connect(self.on_busy_changed)

    def initializePage(self) -> None:
        self._ready = False
        self.error.hide()
        self.saved.setText("")
        self.on_mapping_changed()

    def _open_editors(self) -> None:
        for row in range(self.vm.mapping_model.rowCount()):
            self.table.openPersistentEditor(
                self.vm.mapping_model.index(row, MappingTableModel.COL_COLUMN)
            )

    @Slot()
    def on_mapping_changed(self) -> None:
        self._open_editors()
        missing = self.vm.missing_fields()
        self.missing.setText(tr("缺少必需的列：") + listed(missing) if missing else "")
        self.missing.setVisible(bool(missing))
        self.others.clear()
        for header, why in self.vm.other_columns():
            self.others.addItem(f"{header}  —  {why}")
        self.save_button.setEnabled(self.vm.mapping_changed_by_user)
        self.completeChanged.emit()

    @Slot()
    def on_save_clicked(self) -> None:
        path = self.vm.current_path
        suggested = (self.vm.profile_name or (path.stem if path else ""))[:40]
        name = ask_profile_name(self, suggested)
        if name:
            self.vm.save_profile(name)

    @Slot(str)
    def on_profile_saved(self, name: str) -> None:
        self.saved.setText(tr("已保存映射方案：") + name)

    @Slot(bool)
    def on_busy_changed(self, busy: bool) -> None:
        if self.isVisible():
            self.busy.setVisible(busy)
            self.table.setEnabled(not busy)
        self.completeChanged.emit()

    def validatePage(self) -> bool:
        """Next parses every row in the background; the wizard moves on when that is done."""
        if self._ready:
            return True
        self.error.hide()
        self.vm.make_preview()
        return False

    @Slot()
    def on_previewed(self) -> None:
        if not self.isVisible():
            return
        self._ready = True
        wizard = self.wizard()
        if wizard is not None:
            wizard.next()

    @Slot(str)
    def on_preview_failed(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def isComplete(self) -> bool:
        return not self.vm.missing_fields() and not self.vm.busy

    def nextId(self) -> int:
        return OWNER if self.vm.needs_owner_page else CHECK


# --- 5 ----------------------------------------------------------------------------------------


class OwnerPage(_Page):
    def __init__(self, vm: ImportWizardViewModel) -> None:
        super().__init__(
            vm,
            tr("数据归属"),
            tr("确认数据属于哪个店铺，以及直播账号由谁负责。员工的业绩按负责期间计算。"),
        )
        self.store_box = QGroupBox(tr("店铺"))
        self.detection = QLabel()
        self.detection.setWordWrap(True)
        self.store = QComboBox()
        self.store.setMinimumWidth(280)
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText(tr("新店铺名称"))
        self.new_platform = QComboBox()
        self.new_store = QWidget()
        new_row = QHBoxLayout(self.new_store)
        new_row.setContentsMargins(0, 0, 0, 0)
        new_row.addWidget(QLabel(tr("名称：")))
        new_row.addWidget(self.new_name, 1)
        new_row.addWidget(QLabel(tr("平台：")))
        new_row.addWidget(self.new_platform)
        store_form = QFormLayout(self.store_box)
        store_form.addRow(self.detection)
        store_form.addRow(tr("导入到："), self.store)
        store_form.addRow(self.new_store)
        self.accounts_box = QGroupBox(tr("直播账号 → 负责人"))
        self.accounts = _table(vm.accounts_model)
        self.accounts.setItemDelegateForColumn(
            AccountsModel.COL_ACTION, ChoiceDelegate(AccountsModel.ChoicesRole, self.accounts)
        )
        self.accounts.horizontalHeader().resizeSection(AccountsModel.COL_NAME, 120)
        self.accounts.horizontalHeader().resizeSection(AccountsModel.COL_ROWS, 60)
        self.accounts.horizontalHeader().resizeSection(AccountsModel.COL_ORDERS, 60)
        self.accounts.horizontalHeader().resizeSection(AccountsModel.COL_GMV, 100)
        self.accounts.horizontalHeader().resizeSection(AccountsModel.COL_ACCOUNT, 150)
        self.accounts.horizontalHeader().resizeSection(AccountsModel.COL_OWNERS, 150)
        self.accounts_note = QLabel()
        self.accounts_note.setWordWrap(True)
        self.accounts_note.setStyleSheet("color: #616161;")
        accounts_layout = QVBoxLayout(self.accounts_box)
        accounts_layout.addWidget(self.accounts)
        accounts_layout.addWidget(self.accounts_note)
        self.problem = _error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.store_box)
        layout.addWidget(self.accounts_box, 1)
        layout.addWidget(self.problem)
        self.store.activated.connect(self.on_store_activated)
        self.new_name.textChanged.connect(self.on_new_store_edited)
        self.new_platform.activated.connect(self.on_new_store_edited)
        vm.checked.connect(self.on_checked)

    def initializePage(self) -> None:
        vm = self.vm
        self.store_box.setVisible(vm.needs_store)
        prev = vm.preview
        has_accounts = prev is not None and bool(prev.accounts)
        self.accounts_box.setVisible(has_accounts)
        self.detection.setText(vm.store_detection_text())
        self.store.blockSignals(True)
        self.store.clear()
        for store_id, label in vm.store_choices():
            self.store.addItem(label, store_id)
        current = vm.store_id
        self.store.setCurrentIndex(self.store.findData(current) if current is not None else -1)
        if current is None:
            self.store.setPlaceholderText(tr("请选择店铺"))
        self.store.blockSignals(False)
        name, platform = vm.new_store
        self.new_name.blockSignals(True)
        self.new_name.setText(name)
        self.new_name.blockSignals(False)
        self.new_platform.clear()
        self.new_platform.addItems(vm.platforms())
        if platform:
            self.new_platform.setCurrentText(platform)
        self.new_store.setVisible(current == NEW_STORE)
        if has_accounts and prev is not None:
            live = prev.kind == "douyin-live"
            self.accounts_note.setText(
                tr(
                    "未找到的账号请选择“分配给…”：新建直播账号并设定负责人（从本月起负责），或对应到已有账号。"
                )
                + (
                    tr("未分配的账号，其直播不会导入。")
                    if live
                    else tr("未分配的达人，其订单仍计入店铺，但不计入任何直播账号。")
                )
            )
            QTimer.singleShot(0, self._open_editors)
        self._show_problem()

    def _open_editors(self) -> None:
        model = self.vm.accounts_model
        for row in range(model.rowCount()):
            index = model.index(row, AccountsModel.COL_ACTION)
            if model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                self.accounts.openPersistentEditor(index)

    @Slot(int)
    def on_store_activated(self, position: int) -> None:
        store_id = self.store.itemData(position)
        self.new_store.setVisible(store_id == NEW_STORE)
        if store_id == NEW_STORE:
            self.vm.set_new_store(self.new_name.text(), self.new_platform.currentText())
            if not self.new_name.text():
                self.new_name.setFocus()
        else:
            self.vm.set_store(int(store_id))
        self._show_problem()

    @Slot()
    def on_new_store_edited(self) -> None:
        if self.store.currentData() == NEW_STORE:
            self.vm.set_new_store(self.new_name.text(), self.new_platform.currentText())
        self._show_problem()

    @Slot()
    def on_checked(self) -> None:
        self._show_problem()

    def _show_problem(self) -> None:
        problem = self.vm.owner_problem()
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.vm.owner_problem() and not self.vm.busy

    def nextId(self) -> int:
        return CHECK


# --- 6 ----------------------------------------------------------------------------------------


class CheckPage(_Page):
    SKIP, REPLACE, DROP = range(3)

    def __init__(self, vm: ImportWizardViewModel) -> None:
        super().__init__(
            vm,
            tr("预览和检查"),
            tr(
                "下面是将要保存的数据。红色为错误（该行不导入），黄色为警告（已按提示处理）。请与后台核对月度合计。"
            ),
        )
        self.summary = QLabel()
        self.summary.setStyleSheet("font-weight: bold;")
        self.summary.setWordWrap(True)
        self.duplicates = QGroupBox(tr("已导入过的数据"))
        self.duplicate_text = QLabel()
        self.duplicate_text.setWordWrap(True)
        self.choice = QButtonGroup(self)
        self.skip = QRadioButton(tr("跳过已导入的数据，只导入新数据（推荐）"))
        self.replace = QRadioButton(tr("用本文件替换已导入的数据（撤销本次导入可恢复）"))
        self.drop = QRadioButton(tr("不导入此文件"))
        for position, button in enumerate((self.skip, self.replace, self.drop)):
            self.choice.addButton(button, position)
        box = QVBoxLayout(self.duplicates)
        box.addWidget(self.duplicate_text)
        box.addWidget(self.skip)
        box.addWidget(self.replace)
        box.addWidget(self.drop)
        self.tabs = QTabWidget()
        rows_tab = QWidget()
        self.only_problems = QCheckBox(tr("只看有问题的行"))
        self.row_count = QLabel()
        self.rows = _table(vm.rows_model)
        self.rows.horizontalHeader().setStretchLastSection(False)
        self.rows.horizontalHeader().setDefaultSectionSize(110)
        self.rows.verticalHeader().hide()  # the file's own row numbers are the 行 column
        self.rows.horizontalHeader().setResizeContentsPrecision(200)  # widths from 200 rows
        rows_top = QHBoxLayout()
        rows_top.addWidget(self.only_problems)
        rows_top.addStretch(1)
        rows_top.addWidget(self.row_count)
        rows_layout = QVBoxLayout(rows_tab)
        rows_layout.addLayout(rows_top)
        rows_layout.addWidget(self.rows)
        self.issues = _table(vm.issues_model)
        self.issues.horizontalHeader().resizeSection(0, 56)
        self.issues.horizontalHeader().resizeSection(1, 56)
        self.issues.horizontalHeader().resizeSection(2, 110)
        self.issues.horizontalHeader().resizeSection(3, 110)
        self.totals = _table(vm.totals_model)
        self.tabs.addTab(rows_tab, tr("数据预览"))
        self.tabs.addTab(self.issues, tr("问题和跳过的行"))
        self.tabs.addTab(self.totals, tr("月度合计"))
        # 抖店 orders through creators who are none of the shop's live accounts: listed with
        # their orders and GMV, and mappable to a live account right here
        self.creators = QGroupBox(tr("不是本店直播账号的达人"))
        self.creators_text = QLabel()
        self.creators_text.setWordWrap(True)
        self.creators_table = _table(vm.accounts_model)
        self.creators_table.setItemDelegateForColumn(
            AccountsModel.COL_ACTION,
            ChoiceDelegate(AccountsModel.ChoicesRole, self.creators_table),
        )
        header = self.creators_table.horizontalHeader()
        header.resizeSection(AccountsModel.COL_NAME, 140)
        for column in (AccountsModel.COL_ROWS, AccountsModel.COL_ORDERS):
            header.resizeSection(column, 60)
        header.resizeSection(AccountsModel.COL_GMV, 100)
        header.resizeSection(AccountsModel.COL_ACCOUNT, 130)
        self.creators_table.setColumnHidden(AccountsModel.COL_OWNERS, True)
        self.creators_table.setMaximumHeight(130)
        creators_layout = QVBoxLayout(self.creators)
        creators_layout.addWidget(self.creators_text)
        creators_layout.addWidget(self.creators_table)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.duplicates)
        layout.addWidget(self.creators)
        layout.addWidget(self.tabs, 1)
        self.choice.idClicked.connect(self.on_choice_clicked)
        self.only_problems.toggled.connect(self.on_only_problems_toggled)
        vm.checked.connect(self.on_checked)
        QShortcut(QKeySequence("Ctrl+1"), self, lambda: self.tabs.setCurrentIndex(0))
        QShortcut(QKeySequence("Ctrl+2"), self, lambda: self.tabs.setCurrentIndex(1))
        QShortcut(QKeySequence("Ctrl+3"), self, lambda: self.tabs.setCurrentIndex(2))

    def initializePage(self) -> None:
        self.only_problems.setChecked(False)
        self.tabs.setCurrentIndex(0)
        choice = {"skip": self.SKIP, "replace": self.REPLACE}.get(self.vm.on_duplicate, self.SKIP)
        button = self.choice.button(choice)
        if button is not None:
            button.setChecked(True)
        self.on_checked()
        for column in range(self.vm.totals_model.columnCount()):
            self.totals.setColumnWidth(column, 120)
        if self.vm.has_outside_creators:
            QTimer.singleShot(0, self._open_creator_editors)

    def _open_creator_editors(self) -> None:
        model = self.vm.accounts_model
        for row in range(model.rowCount()):
            index = model.index(row, AccountsModel.COL_ACTION)
            if model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                self.creators_table.openPersistentEditor(index)

    @Slot()
    def on_checked(self) -> None:
        text = self.vm.duplicate_text()
        self.duplicate_text.setText(text)
        self.duplicates.setVisible(bool(text))
        self.creators.setVisible(self.vm.has_outside_creators)
        creators = self.vm.unmatched_creators_text()
        self.creators_text.setText(
            creators or tr("文件中的达人都已对应到直播账号，其订单计入店铺，也计入对应的账号。")
        )
        self.summary.setText(self.vm.summary_text())
        self._fit_rows()
        self._count()
        self._name_next_button()
        self.completeChanged.emit()

    def _fit_rows(self) -> None:
        """Each preview column as wide as what its first rows show (a row number needs little,
        an order number or a 订单状态 such as 卖家已发货，等待买家确认 more), within bounds."""
        self.rows.resizeColumnsToContents()
        header = self.rows.horizontalHeader()
        for column in range(header.count()):
            header.resizeSection(column, min(max(header.sectionSize(column), 48), 240))

    def _name_next_button(self) -> None:
        """The step that writes the company file says so, with the row count ("导入 1,234 行");
        only when this file is dropped does it stay 下一步 (nothing is written then)."""
        if self.dropping:
            text = tr("下一步 >")
        else:
            text = tr("导入 {n} 行", n=f"{self.vm.rows_to_import():,}")
        self.setButtonText(QWizard.WizardButton.NextButton, text)

    def _count(self) -> None:
        total = self.vm.rows_model.total_rows
        self.row_count.setText(tr("共 {n} 行", n=f"{total:,}"))

    @Slot(int)
    def on_choice_clicked(self, choice: int) -> None:
        if choice == self.REPLACE:
            self.vm.set_on_duplicate("replace")
        else:
            self.vm.set_on_duplicate("skip")
        self.summary.setText(self.vm.summary_text())
        self._name_next_button()
        self.completeChanged.emit()

    @Slot(bool)
    def on_only_problems_toggled(self, only: bool) -> None:
        self.vm.rows_model.set_only_problems(only)
        self._count()

    @property
    def dropping(self) -> bool:
        return self.duplicates.isVisible() and self.choice.checkedId() == self.DROP

    def validatePage(self) -> bool:
        if self.dropping:
            self.vm.skip_current(tr("未导入：已选择不导入此文件。"))
        return True

    def isComplete(self) -> bool:
        prev = self.vm.preview
        return prev is not None and (self.dropping or len(prev.table.valid_frame) > 0)

    def nextId(self) -> int:
        return SUMMARY if self.dropping else COMMIT


# --- 7 ----------------------------------------------------------------------------------------


class CommitPage(_Page):
    def __init__(self, vm: ImportWizardViewModel) -> None:
        super().__init__(
            vm,
            tr("导入"),
            tr("正在保存到公司档案。全部成功才会保存；取消或出错时不会留下任何数据。"),
        )
        self.file_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.note = QLabel()
        self.note.setStyleSheet("color: #616161;")
        self.cancel_button = QPushButton(tr("取消导入"))
        self.cancel_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.status = _error_label()
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.file_label)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.cancel_button.clicked.connect(self.on_cancel_clicked)
        vm.progressed.connect(self.on_progressed)
        vm.committed.connect(self.on_committed)
        vm.commit_failed.connect(self.on_failed)
        vm.commit_cancelled.connect(self.on_cancelled)

    def initializePage(self) -> None:
        self.file_label.setText(tr("正在导入：") + self.vm.position_text())
        self.progress.setValue(0)
        self.note.setText("")
        self.status.hide()
        self.cancel_button.setEnabled(True)
        self.vm.commit()

    @Slot(int, int, str)
    def on_progressed(self, done: int, total: int, note: str) -> None:
        if total:
            self.progress.setValue(int(100 * done / total))
        self.note.setText(note)

    @Slot()
    def on_cancel_clicked(self) -> None:
        self.cancel_button.setEnabled(False)
        self.note.setText(tr("正在取消…"))
        self.vm.cancel()

    @Slot()
    def on_committed(self) -> None:
        self.progress.setValue(100)
        self.cancel_button.setEnabled(False)
        self.completeChanged.emit()
        wizard = self.wizard()
        if wizard is not None and self.isVisible():
            wizard.next()

    @Slot(str)
    def on_failed(self, text: str) -> None:
        self.status.setText(tr("导入失败，未保存任何数据：") + text)
        self.status.show()
        self.cancel_button.setEnabled(False)

    @Slot()
    def on_cancelled(self) -> None:
        self.status.setText(tr("已取消导入，未保存任何数据。可返回上一步重新导入。"))
        self.status.show()
        self.note.setText("")

    def isComplete(self) -> bool:
        return self.vm.result is not None and not self.vm.busy

    def nextId(self) -> int:
        return SUMMARY


# --- 8 ----------------------------------------------------------------------------------------


class SummaryPage(_Page):
    def __init__(self, vm: ImportWizardViewModel) -> None:
        super().__init__(vm, tr("完成"), tr("导入结果如下。可在“导入记录”中查看或撤销每次导入。"))
        self.text = QTextBrowser()
        self.next_button = QPushButton()
        self.next_button.setShortcut(QKeySequence("Ctrl+N"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.next_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.next_button.clicked.connect(self.on_next_clicked)

    def initializePage(self) -> None:
        parts = []
        for outcome in self.vm.outcomes:
            lines = "".join(f"<li>{_html(line)}</li>" for line in self.vm.result_lines(outcome))
            colour = "#1e7e34" if outcome.result and outcome.result.batch_id else "#6c757d"
            parts.append(
                f"<p style='margin-bottom:2px'><b style='color:{colour}'>{_html(outcome.path.name)}</b></p>"
                f"<ul style='margin-top:0'>{lines}</ul>"
            )
        self.text.setHtml("".join(parts))
        remaining = self.vm.remaining
        self.next_button.setText(tr("继续导入下一个文件（还剩 {n} 个）").format(n=remaining))
        self.next_button.setVisible(remaining > 0)

    @Slot()
    def on_next_clicked(self) -> None:
        wizard = self.import_wizard()
        if wizard is not None:
            wizard.start_next_file()

    def nextId(self) -> int:
        return -1


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ImportWizard(QWizard):
    """The wizard for the files in ``paths`` (the file page comes first when there are none)."""

    def __init__(
        self,
        session_vm: SessionViewModel,
        paths: list[Path] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.vm = ImportWizardViewModel(session_vm, paths or [], self)
        self.setWindowTitle(tr("数据导入"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, tr("下一步 >"))
        self.setButtonText(QWizard.WizardButton.BackButton, tr("< 上一步"))
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("完成"))
        self.setButtonText(QWizard.WizardButton.CancelButton, tr("取消"))
        self.file_page = FilePage(self.vm)
        self.sheet_page = SheetPage(self.vm)
        self.kind_page = KindPage(self.vm)
        self.mapping_page = MappingPage(self.vm)
        self.owner_page = OwnerPage(self.vm)
        self.check_page = CheckPage(self.vm)
        self.commit_page = CommitPage(self.vm)
        self.summary_page = SummaryPage(self.vm)
        for page_id, page in (
            (FILES, self.file_page),
            (SHEET, self.sheet_page),
            (KIND, self.kind_page),
            (MAPPING, self.mapping_page),
            (OWNER, self.owner_page),
            (CHECK, self.check_page),
            (COMMIT, self.commit_page),
            (SUMMARY, self.summary_page),
        ):
            self.setPage(page_id, page)
        self.setStartId(SHEET if self.vm.files else FILES)
        self.vm.busy_changed.connect(self.on_busy_changed)
        self.vm.failed.connect(self.on_vm_failed)
        self.currentIdChanged.connect(self.on_page_changed)
        self.resize(980, 680)

    def start_next_file(self) -> None:
        """The summary's 继续: the next file from its sheet page, the earlier ones kept in the summary."""
        if self.vm.next_file():
            self.setStartId(SHEET)
            self.restart()

    @Slot(bool)
    def on_busy_changed(self, busy: bool) -> None:
        back = self.button(QWizard.WizardButton.BackButton)
        back.setEnabled(not busy and self.currentId() not in (SUMMARY, self.startId()))
        if self.currentId() == COMMIT:
            back.setEnabled(not busy and self.vm.result is None)
        if not busy:  # after the pages have taken the news (their 下一步 enabled)
            QTimer.singleShot(0, self._focus_forward)

    def _focus_forward(self) -> None:
        """While a page reads, its 下一步 is disabled and Qt moves the focus on to 取消, which
        then takes Enter: once the page is ready, Enter goes forward again (unless the user has
        put the focus somewhere themselves)."""
        focus = QApplication.focusWidget()
        cancel = self.button(QWizard.WizardButton.CancelButton)
        if focus is not None and focus is not cancel and self.isAncestorOf(focus):
            return
        for which in (
            QWizard.WizardButton.CommitButton,
            QWizard.WizardButton.FinishButton,
            QWizard.WizardButton.NextButton,
        ):
            button = self.button(which)
            if button.isVisible() and button.isEnabled():
                button.setFocus()
                return

    @Slot(int)
    def on_page_changed(self, page_id: int) -> None:
        if page_id == COMMIT:
            self.button(QWizard.WizardButton.BackButton).setEnabled(False)

    @Slot(str)
    def on_vm_failed(self, text: str) -> None:
        QMessageBox.warning(self, tr("数据导入"), text)

    def reject(self) -> None:
        if self.vm.busy:
            answer = QMessageBox.question(
                self,
                tr("数据导入"),
                tr("正在处理文件。确定要取消吗？本文件不会保存任何数据。"),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            self.vm.cancel()
        super().reject()
