"""手工指标: entering one employee's monthly values of the metrics no store export delivers.

The dialog on the KPI tab shows what was entered (by hand or imported with the 指标数据
template) and takes a new value: metric, month, value in the unit the user reads (12.5 for
12.5%), note. Percentages are divided by 100 here, nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from core.domain import months as mo
from core.errors import TiduiError
from core.i18n import current_language
from core.permissions import Perm
from core.services import metric_values as mv
from desktop.i18n import tr
from desktop.viewmodels.kpi_vm import unit_suffix, value_text
from desktop.viewmodels.session_vm import SessionViewModel

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class MetricChoice:
    code: str
    label: str  # "30日留存率（%）"
    unit: str
    suffix: str  # what the value box shows after the number
    percent: bool
    minimum: float  # in the unit the user types
    maximum: float
    decimals: int


class MetricValuesModel(QAbstractTableModel):
    COLUMNS = ("指标", "月份", "数值", "来源", "备注")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[mv.MetricValueRow] = []

    def set_rows(self, rows: list[mv.MetricValueRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(self.COLUMNS[section])
        return None

    def source_text(self, row: mv.MetricValueRow) -> str:
        source = tr("手工录入") if row.by_hand else tr("导入：") + (row.file_name or "")
        return source if row.effective else source + tr("（已被更新的数值取代）")

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            lang = current_language()
            return (
                row.metric.name(lang),
                mo.label(row.month, lang),
                value_text(row.metric, row.value),
                self.source_text(row),
                row.note,
            )[column]
        if role == Qt.ItemDataRole.ForegroundRole and not row.effective:
            return QColor("#9e9e9e")
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def row_at(self, position: int) -> mv.MetricValueRow | None:
        return self.rows[position] if 0 <= position < len(self.rows) else None


class MetricValuesViewModel(QObject):
    changed = Signal()
    failed = Signal(str)

    def __init__(
        self, session_vm: SessionViewModel, employee_id: int, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.employee_id = employee_id
        self.model = MetricValuesModel(self)
        self.error = ""
        self.can_edit = session_vm.can(Perm.EDIT_EMPLOYEES)
        self.choices = self._choices()
        self.refresh()

    def _choices(self) -> list[MetricChoice]:
        lang = current_language()
        found = []
        for metric in mv.entry_metrics(self.session_vm.app):
            percent = metric.unit == "percent"
            scale = 100.0 if percent else 1.0
            suffix = unit_suffix(metric.unit)
            low = metric.min_value * scale if metric.min_value is not None else -1e9
            high = metric.max_value * scale if metric.max_value is not None else 1e9
            found.append(
                MetricChoice(
                    metric.code,
                    metric.name(lang) + (f"（{suffix}）" if suffix else ""),
                    metric.unit,
                    suffix,
                    percent,
                    low,
                    high,
                    2 if percent or metric.unit in ("yuan", "ratio") else 1,
                )
            )
        return found

    def choice(self, code: str) -> MetricChoice | None:
        return next((c for c in self.choices if c.code == code), None)

    def refresh(self) -> None:
        try:
            rows = mv.list_values(self.session_vm.app, self.employee_id)
        except TiduiError as err:
            self._fail(err.text())
            rows = []
        self.model.set_rows(rows)
        self.changed.emit()

    def _fail(self, text: str) -> None:
        self.error = text
        self.failed.emit(text)

    def save(self, code: str, month: str, shown_value: float, note: str = "") -> bool:
        """Enter ``shown_value`` (as typed: 12.5 for 12.5%) for ``month``; False with ``error`` set."""
        choice = self.choice(code)
        value = shown_value / 100.0 if choice is not None and choice.percent else shown_value
        try:
            mv.set_value(self.session_vm.app, self.employee_id, code, month, value, note)
        except TiduiError as err:
            self._fail(err.text())
            return False
        self.error = ""
        self.refresh()
        self.session_vm.notify_changed("metrics")
        return True

    def delete_question(self, position: int) -> str | None:
        """The confirmation for deleting row ``position``, or None (with ``error``) if it cannot go."""
        row = self.model.row_at(position)
        if row is None:
            return None
        if not row.by_hand:
            self._fail(
                tr("该数值来自导入文件“{file}”，请在 数据导入 → 导入记录 中撤销该批次。").format(
                    file=row.file_name or ""
                )
            )
            return None
        lang = current_language()
        return tr("删除 {month} 的“{metric}”（{value}）？").format(
            month=mo.label(row.month, lang),
            metric=row.metric.name(lang),
            value=value_text(row.metric, row.value),
        )

    def delete(self, position: int) -> bool:
        row = self.model.row_at(position)
        if row is None:
            return False
        try:
            mv.delete_value(self.session_vm.app, row.id)
        except TiduiError as err:
            self._fail(err.text())
            return False
        self.error = ""
        self.refresh()
        self.session_vm.notify_changed("metrics")
        return True
