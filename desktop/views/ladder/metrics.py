"""The metric catalogue: what each metric means, its unit and direction, and where its data comes from."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.viewmodels.ladder_metrics_vm import MetricCatalogueModel
from desktop.views.ladder.criteria import ChoiceDelegate


class MetricCatalogueView(QWidget):
    def __init__(self, model: MetricCatalogueModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setItemDelegate(ChoiceDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(model.SOURCE, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton(tr("添加自定义指标"))
        self.add_button.clicked.connect(self.on_add_clicked)
        self.delete_button = QPushButton(tr("删除自定义指标"))
        self.delete_button.clicked.connect(self.on_delete_clicked)
        hint = QLabel(
            tr(
                "内置指标（灰色）只读。自定义指标的月度数值可手工录入，或用 Tidui 指标模板导入；代码只能用英文字母、数字和下划线。"
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #616161;")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.add_button.setEnabled(model.vm.can_edit)
        self.delete_button.setEnabled(model.vm.can_edit)

    @Slot()
    def on_add_clicked(self) -> None:
        code = self.model.add_metric()
        row = self.model.row_of(code)
        if row >= 0:
            index = self.model.index(row, self.model.NAME)
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)

    @Slot()
    def on_delete_clicked(self) -> None:
        custom = self.model.custom_at(self.table.currentIndex().row())
        if custom is not None:
            self.model.vm.delete_metric(custom.code)
