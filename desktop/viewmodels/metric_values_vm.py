"""手工指标: entering one employee's monthly values of the metrics no store export delivers.

The dialog on the KPI tab shows what was entered (by hand or imported with the 指标数据
template) and takes a new value: metric, month, value in the unit the user reads (12.5 for
12.5%), note. Percentages are divided by 100 here, nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor

from core.domain import months as mo
from core.errors import TiduiError
from core.i18n import current_language
from core.permissions import Perm
from core.services.eligibility import metric_values as mv
from desktop.i18n import bracketed, tr
from desktop.viewmodels.kpi_vm import unit_suffix, value_text
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel
from desktop.viewmodels.table_model import AnyIndex, Column, RecordTableModel


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


def source_text(row: mv.MetricValueRow) -> str:
    source = tr("手工录入") if row.by_hand else tr("导入：") + (row.file_name or "")
    return source if row.effective else source + tr("（已被更新的数值取代）")


def metric_value_columns() -> list[Column[mv.MetricValueRow]]:
    lang = current_language()
    return [
        Column(tr("指标"), lambda r: r.metric.name(lang)),
        Column(tr("月份"), lambda r: mo.label(r.month, lang)),
        Column(tr("数值"), lambda r: value_text(r.metric, r.value)),
        Column(tr("来源"), source_text),
        Column(tr("备注"), lambda r: r.note),
    ]


class MetricValuesModel(RecordTableModel[mv.MetricValueRow]):
    """The values entered for one employee; replaced ones in grey, numbers to the right."""

    VALUE_COLUMN = 2

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(metric_value_columns(), parent)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is not None and role == Qt.ItemDataRole.ForegroundRole and not row.effective:
            return QColor("#9e9e9e")
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == self.VALUE_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().data(index, role)


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
                    bracketed(metric.name(lang), suffix) if suffix else metric.name(lang),
                    metric.unit,
                    suffix,
                    percent,
                    low,
                    high,
                    2 if percent or metric.unit in ("yuan", "ratio") else 1,
                )
            )
        return found

    def suggested_month(self, today: date | None = None) -> str:
        """The month to offer: the one after the newest value entered (figures are usually
        entered month after month), never past the last complete month."""
        complete = mo.last_complete_before(today or date.today())
        newest = max((r.month for r in self.model.rows), default=None)
        return complete if newest is None else min(mo.add(newest, 1), complete)

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
        return self._change(
            lambda: mv.set_value(self.session_vm.app, self.employee_id, code, month, value, note)
        )

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
        return self._change(lambda: mv.delete_value(self.session_vm.app, row.id))

    def _change(self, write: Callable[[], object]) -> bool:
        """Run one write; on success reload and tell every screen (KPI tab, lists) to recompute."""
        try:
            write()
        except TiduiError as err:
            self._fail(err.text())
            return False
        self.error = ""
        self.refresh()
        self.session_vm.notify_changed(ChangeArea.METRICS)
        return True
