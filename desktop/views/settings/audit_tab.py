"""设置 → 审计日志 (owner): the audit log, filtered by person, kind of object and date, exported
formula-safe. Layout only; the viewmodel (desktop/viewmodels/audit_vm.py) does the work, and
reads the log again when the tab comes into view after a change (the filters and the selected
entry stay as the user left them)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Slot
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.services.admin.audit_text import setting_names
from desktop.i18n import tr
from desktop.viewmodels.audit_vm import AuditViewModel
from desktop.views.files import ask_save_xlsx
from desktop.views.tables import read_only, size_columns


def _to_date(edit: QDateEdit) -> date:
    picked = edit.date()
    return date(picked.year(), picked.month(), picked.day())


class AuditTab(QWidget):
    def __init__(self, vm: AuditViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.actor = QComboBox()
        self.entity = QComboBox()
        self.use_dates = QCheckBox(tr("日期"))
        today = QDate.currentDate()
        self.since = QDateEdit(today.addMonths(-1))
        self.until = QDateEdit(today)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.refresh_button = QPushButton(tr("刷新"))
        self.export_button = QPushButton(tr("导出…"))
        self.count = QLabel()
        self.count.setStyleSheet("color: #616161;")
        self.table = QTableView()
        self.table.setModel(vm.table)
        read_only(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # 编号: an id, or a setting's name (接近达标范围) wide enough to read whole
        size_columns(self.table, {0: 150, 1: 90, 2: 190, 3: 90, 4: 60}, cells={4: setting_names()})
        filters = QHBoxLayout()
        filters.addWidget(QLabel(tr("操作人")))
        filters.addWidget(self.actor)
        filters.addWidget(QLabel(tr("对象")))
        filters.addWidget(self.entity)
        filters.addWidget(self.use_dates)
        filters.addWidget(self.since)
        filters.addWidget(QLabel(tr("至")))
        filters.addWidget(self.until)
        filters.addStretch(1)
        filters.addWidget(self.refresh_button)
        filters.addWidget(self.export_button)
        note = QLabel(
            tr(
                "每条记录都与前一条以哈希相连，并由操作人本人的密钥签名；最新一条另记在档案旁的锚点文件中：记录被改动、删除、截掉末尾或以他人名义写入，校验时都会发现。"
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #616161;")
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        layout.addWidget(note)
        self.actor.currentIndexChanged.connect(self.on_filter_changed)
        self.entity.currentIndexChanged.connect(self.on_filter_changed)
        self.use_dates.toggled.connect(self.on_dates_toggled)
        self.since.dateChanged.connect(self.on_filter_changed)
        self.until.dateChanged.connect(self.on_filter_changed)
        self.refresh_button.clicked.connect(self.on_refresh_clicked)
        self.export_button.clicked.connect(self.on_export_clicked)
        # the entry selected before the list is read again, selected again after it
        self._kept_entry: int | None = None
        vm.table.modelAboutToBeReset.connect(self.on_table_about_to_reset)
        vm.changed.connect(self.on_changed)
        vm.error_raised.connect(self.on_error)
        vm.info.connect(self.on_info)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.vm.set_shown(True)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.vm.set_shown(False)

    def _fill(self, combo: QComboBox, values: list[str], label: object) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(tr("全部"), "")
        for value in values:
            combo.addItem(label(value) if callable(label) else value, value)
        found = combo.findData(current)
        combo.setCurrentIndex(max(0, found))
        combo.blockSignals(False)

    @Slot()
    def on_table_about_to_reset(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self._kept_entry = self.vm.table.rows[rows[0].row()].id if rows else None

    @Slot()
    def on_changed(self) -> None:
        self._fill(self.actor, self.vm.actors, None)
        self._fill(self.entity, self.vm.entities, self.vm.entity_label)
        self.count.setText(self.vm.summary())
        row = self.vm.row_of(self._kept_entry) if self._kept_entry is not None else None
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.vm.table.index(row, 0))

    @Slot(bool)
    def on_dates_toggled(self, on: bool) -> None:
        self.since.setEnabled(on)
        self.until.setEnabled(on)
        self.on_filter_changed()

    @Slot()
    def on_filter_changed(self) -> None:
        dated = self.use_dates.isChecked()
        self.vm.set_filter(
            str(self.actor.currentData() or ""),
            str(self.entity.currentData() or ""),
            _to_date(self.since) if dated else None,
            _to_date(self.until) if dated else None,
        )

    @Slot()
    def on_refresh_clicked(self) -> None:
        self.vm.refresh()

    @Slot()
    def on_export_clicked(self) -> None:
        target = ask_save_xlsx(self, tr("导出审计日志"), tr("审计日志.xlsx"))
        if target is not None:
            self.vm.export(target)

    @Slot(str)
    def on_error(self, text: str) -> None:
        QMessageBox.warning(self, tr("审计日志"), text)

    @Slot(str)
    def on_info(self, text: str) -> None:
        QMessageBox.information(self, tr("审计日志"), text)
