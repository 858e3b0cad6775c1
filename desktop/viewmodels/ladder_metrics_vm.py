"""The metric catalogue as a table: every built-in metric (read-only) and the owner's own (editable)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Slot,
)
from PySide6.QtGui import QColor

from core.domain import metrics as mx
from core.domain.ladder_design import CustomMetricSpec
from core.i18n import current_language
from desktop.i18n import listed, tr
from desktop.viewmodels.ladder_criteria_vm import CHOICES_ROLE
from desktop.viewmodels.ladder_vm import LadderViewModel

Index = QModelIndex | QPersistentModelIndex
BUILT_IN_COLOR = QColor("#555555")


def unit_labels() -> dict[str, str]:
    return {
        "yuan": tr("金额（元）"),
        "percent": tr("比率（%）"),
        "count": tr("数量"),
        "days": tr("天数"),
        "ratio": tr("比值"),
        "people": tr("人数"),
    }


def direction_labels() -> dict[str, str]:
    return {"higher": tr("越高越好"), "lower": tr("越低越好")}


def category_labels() -> dict[str, str]:
    return {
        "store": tr("店铺运营"),
        "user": tr("用户运营"),
        "live": tr("直播运营"),
        "data": tr("数据运营"),
        "custom": tr("自定义"),
    }


def source_labels() -> dict[str, str]:
    return {
        "sycm-shop": tr("生意参谋店铺概况"),
        "taobao-orders": tr("淘宝订单报表"),
        "douyin-orders": tr("抖店订单"),
        "douyin-live": tr("抖音罗盘直播"),
        "manual": tr("手工录入或指标模板导入"),
    }


def source_text(metric: mx.Metric, custom: dict[str, mx.Metric]) -> str:
    """Where a metric's monthly value comes from, in words."""
    if metric.derived:
        parts = [mx.metric(code, custom) for code in metric.derived_from]
        lang = current_language()
        names = listed(p.name(lang) or p.name_zh for p in parts if p is not None)
        return tr("由{names}计算").format(names=names)
    labels = source_labels()
    return listed(labels.get(s, s) for s in metric.sources)


class MetricCatalogueModel(QAbstractTableModel):
    CODE, NAME, NAME_EN, UNIT, DIRECTION, CATEGORY, SOURCE = range(7)
    COLUMNS = 7

    def __init__(self, vm: LadderViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self._rows: list[tuple[mx.Metric, CustomMetricSpec | None]] = []
        self._load()
        vm.design_changed.connect(self.on_vm_design_changed)

    def _load(self) -> None:
        custom = {m.code: m for m in self.vm.design.custom_metrics}
        self._rows = [(m, None) for m in mx.CATALOGUE.values()]
        self._rows += [(spec.metric(), spec) for spec in custom.values()]

    @Slot()
    def on_vm_design_changed(self) -> None:
        self.beginResetModel()
        self._load()
        self.endResetModel()

    def custom_at(self, row: int) -> CustomMetricSpec | None:
        return self._rows[row][1] if 0 <= row < len(self._rows) else None

    def row_of(self, code: str) -> int:
        return next((i for i, (m, _) in enumerate(self._rows) if m.code == code), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (
            tr("代码"),
            tr("指标"),
            tr("英文名"),
            tr("单位"),
            tr("方向"),
            tr("类别"),
            tr("数据来源"),
        )[section]

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        custom = self.custom_at(index.row())
        editable = index.column() in (
            self.CODE,
            self.NAME,
            self.NAME_EN,
            self.UNIT,
            self.DIRECTION,
        )
        if custom is not None and editable and self.vm.can_edit:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        metric, custom = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(metric, column)
        if role == Qt.ItemDataRole.EditRole:
            return {
                self.CODE: metric.code,
                self.NAME: metric.name_zh,
                self.NAME_EN: custom.name_en if custom else metric.name_en,
                self.UNIT: metric.unit,
                self.DIRECTION: metric.direction,
            }.get(column, self._display(metric, column))
        if role == CHOICES_ROLE:
            if column == self.UNIT:
                return list(unit_labels().items())
            if column == self.DIRECTION:
                return list(direction_labels().items())
            return []
        if role == Qt.ItemDataRole.ForegroundRole and custom is None:
            return BUILT_IN_COLOR
        has_problem = custom is not None and bool(self.vm.problems_of("metric", custom.code))
        if role == Qt.ItemDataRole.BackgroundRole and has_problem:
            return QColor("#fde2e1")
        if role == Qt.ItemDataRole.ToolTipRole and custom is not None:
            problems = self.vm.problems_of("metric", custom.code)
            return "\n".join(p.text() for p in problems) or None
        return None

    def _display(self, metric: mx.Metric, column: int) -> str:
        if column == self.CODE:
            return metric.code
        if column == self.NAME:
            return metric.name_zh
        if column == self.NAME_EN:
            return metric.name_en
        if column == self.UNIT:
            return unit_labels().get(metric.unit, metric.unit)
        if column == self.DIRECTION:
            return direction_labels().get(metric.direction, metric.direction)
        if column == self.CATEGORY:
            return category_labels().get(metric.category, metric.category)
        return source_text(metric, self.vm.custom)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        custom = self.custom_at(index.row())
        if custom is None or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        text = str(value or "").strip()
        field = {
            self.CODE: "code",
            self.NAME: "name_zh",
            self.NAME_EN: "name_en",
            self.UNIT: "unit",
            self.DIRECTION: "direction",
        }[index.column()]
        if getattr(custom, field) == text:
            return False
        self.vm.put_metric(replace(custom, **{field: text}), old_code=custom.code)
        return True

    def add_metric(self) -> str:
        """A new custom metric with a free code, entered by hand; returns its code."""
        taken = {m.code for m in self.vm.design.custom_metrics} | set(mx.CATALOGUE)
        n = 1
        while f"custom_{n}" in taken:
            n += 1
        code = f"custom_{n}"
        self.vm.put_metric(CustomMetricSpec(code, tr("自定义指标{n}").format(n=n)))
        return code
