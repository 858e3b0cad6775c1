"""One employee's KPI tab: every metric they have data for, month by month, and where each number came from.

The table has one row per month (newest first) and one column per metric; hovering a cell says
which import batch (file, kind, store) the number came from. ``charts()`` gives the line-chart
series the view draws (one per metric). Loading runs in the background and is redone after any
data change, like the other eligibility screens.
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
    Slot,
)
from PySide6.QtGui import QColor

from core.domain import explain as ex
from core.domain import metrics as mx
from core.domain import months as mo
from core.i18n import current_language
from core.progress import Progress
from core.services.eligibility import metrics as kpi
from core.services.eligibility.metrics import EmployeeKpi, MetricSeries
from desktop.i18n import bracketed, listed, tr
from desktop.viewmodels import worker
from desktop.viewmodels.eligibility_vm import run_alone
from desktop.viewmodels.session_vm import SessionViewModel

AnyIndex = QModelIndex | QPersistentModelIndex


def incomplete_hint() -> str:
    return tr(
        "该月数据不完整（例如只有上月导出中月初付款的订单，或该月尚未结束），不计入趋势图，也不作为默认评估月份。"
    )


def value_text(metric: mx.Metric, value: float | None) -> str:
    if value is None:
        return ""
    return ex.observed_term(metric.unit, value).text(current_language())


def sources_text(series: MetricSeries, month: str) -> str:
    """The hover text of one number: its sources, one per line (inputs for derived metrics)."""
    lang = current_language()
    lines = [kpi.describe_source(ref).text(lang) for ref in series.sources.get(month, ())]
    metric = series.metric
    if metric.derived and metric.derived_from:
        inputs = listed((mx.metric(code) or metric).name(lang) for code in metric.derived_from)
        if metric.code in mx.GROWTHS:
            lines.insert(0, tr("由本月与上月的{inputs}计算得出").replace("{inputs}", inputs))
        else:
            lines.insert(0, tr("由{inputs}计算得出").replace("{inputs}", inputs))
    return "\n".join(lines)


@dataclass(frozen=True)
class ChartData:
    """One line chart: a metric's monthly values on the KPI tab's month axis."""

    code: str
    title: str  # "GMV（元）"
    unit: str
    months: tuple[str, ...]  # the axis, oldest first
    labels: tuple[str, ...]  # "2024年3月" …
    points: tuple[tuple[int, float], ...]  # (axis position, value as drawn: rates in %)
    tooltips: dict[int, str]  # axis position -> "2024年3月 GMV ¥12,345\n来源：…"


def unit_suffix(unit: str) -> str:
    return {
        "yuan": tr("元"),
        "percent": "%",
        "days": tr("天"),
        "people": tr("人"),
        "count": tr("次"),
    }.get(unit, "")


class KpiTableModel(QAbstractTableModel):
    """Months × metrics; column 0 is the month, the others follow ``metrics``."""

    COL_MONTH = 0
    MonthRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.kpi: EmployeeKpi | None = None
        self.metrics: list[MetricSeries] = []
        self.months: list[str] = []  # newest first

    def set_kpi(self, found: EmployeeKpi | None) -> None:
        self.beginResetModel()
        self.kpi = found
        self.metrics = list(found.metrics) if found else []
        self.months = list(reversed(found.months)) if found else []
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.months)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1 + len(self.metrics)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == self.COL_MONTH:
                return tr("月份")
            return self.metrics[section - 1].metric.name(current_language())
        if role == Qt.ItemDataRole.ToolTipRole and section > 0:
            metric = self.metrics[section - 1].metric
            direction = tr("越低越好") if metric.direction == "lower" else tr("越高越好")
            return f"{metric.name(current_language())} · {direction}"
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        month = self.months[index.row()]
        column = index.column()
        if role == self.MonthRole:
            return month
        partial = self.kpi is not None and self.kpi.incomplete(month)
        if partial and role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#9e9e9e")
        if partial and role == Qt.ItemDataRole.ToolTipRole and column == self.COL_MONTH:
            return incomplete_hint()
        if column == self.COL_MONTH:
            if role != Qt.ItemDataRole.DisplayRole:
                return None
            label = mo.label(month, current_language())
            return label + tr("（不完整）") if partial else label
        series = self.metrics[column - 1]
        value = series.values.get(month)
        if role == Qt.ItemDataRole.DisplayRole:
            return value_text(series.metric, value)
        if role == Qt.ItemDataRole.ToolTipRole and value is not None:
            return sources_text(series, month) or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class KpiViewModel(QObject):
    changed = Signal()
    loading_changed = Signal(bool)
    failed = Signal(str)

    def __init__(
        self,
        session_vm: SessionViewModel,
        employee_id: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.employee_id = employee_id
        self.span: int | None = kpi.DEFAULT_SPAN  # months shown; None: all of them
        self.table = KpiTableModel(self)
        self.kpi: EmployeeKpi | None = None
        self.error = ""
        self.runner = worker.LatestJob(self)
        self.runner.succeeded.connect(self.on_job_succeeded)
        self.runner.failed.connect(self.on_job_failed)
        self.runner.loading_changed.connect(self.loading_changed)
        session_vm.data_changed.connect(self.on_session_data_changed)

    @property
    def loading(self) -> bool:
        return self.runner.loading

    def show(self, employee_id: int | None) -> None:
        self.employee_id = employee_id
        self.refresh()

    def set_span(self, span: int | None) -> None:
        """Show the newest ``span`` months (12, 24) or, with None, every month with data."""
        if span == self.span:
            return
        self.span = span
        self.refresh()

    @staticmethod
    def span_choices() -> list[tuple[str, int | None]]:
        return [
            (tr("近12个月"), 12),
            (tr("近24个月"), 24),
            (tr("全部月份"), None),
        ]

    def span_note(self) -> str:
        """Under the table's top: that older months exist and where to find them."""
        found = self.kpi
        if found is None or found.span is None or not found.earlier or not found.metrics:
            return ""
        return tr("只显示最近{n}个月；更早的月份请在“显示”中选择“全部月份”。", n=found.span)

    @Slot(str)
    def on_session_data_changed(self, area: str) -> None:
        del area
        self.refresh()

    def refresh(self) -> None:
        if self.employee_id is None:
            self.runner.cancel()
            self._apply(None)
            return
        app, employee_id, span = self.session_vm.app, self.employee_id, self.span

        def work(progress: Progress) -> EmployeeKpi:
            del progress
            return kpi.employee_kpi(app, employee_id, span=span)

        self.runner.start(run_alone(work))

    @Slot(object)
    def on_job_succeeded(self, found: EmployeeKpi) -> None:
        self.error = ""
        self._apply(found)

    @Slot(str)
    def on_job_failed(self, text: str) -> None:
        self.error = text
        self._apply(None)
        self.failed.emit(text)

    def _apply(self, found: EmployeeKpi | None) -> None:
        self.kpi = found
        self.table.set_kpi(found)
        self.changed.emit()

    def empty_text(self) -> str:
        if self.error:
            return self.error
        if self.loading or self.kpi is None:
            return tr("正在加载…")
        if not self.kpi.metrics:
            return tr(
                "还没有该员工的指标数据：请先导入店铺数据，并在“负责店铺/直播账号”中登记负责月份；"
                "没有店铺导出的指标可点“手工指标…”按月录入。"
            )
        return ""

    def charts(self) -> list[ChartData]:
        found = self.kpi
        if found is None:
            return []
        lang = current_language()
        axis = tuple(m for m in found.months if not found.incomplete(m))  # trends: whole months
        position = {m: i for i, m in enumerate(axis)}
        # across years, the year where it changes: on the first month and on each January
        several_years = len({m[:4] for m in axis}) > 1
        labels = tuple(
            mo.axis_label(m, lang, with_year=several_years and (i == 0 or m.endswith("-01")))
            for i, m in enumerate(axis)
        )
        result: list[ChartData] = []
        for series in found.metrics:
            metric = series.metric
            scale = 100.0 if metric.unit == "percent" else 1.0
            suffix = unit_suffix(metric.unit)
            title = bracketed(metric.name(lang), suffix) if suffix else metric.name(lang)
            shown = {m: v for m, v in series.values.items() if m in position}
            points = tuple((position[m], v * scale) for m, v in shown.items())
            tooltips = {
                position[m]: "\n".join(
                    line
                    for line in (
                        f"{mo.label(m, lang)}  {metric.name(lang)} {value_text(metric, v)}",
                        sources_text(series, m),
                    )
                    if line
                )
                for m, v in shown.items()
            }
            result.append(
                ChartData(metric.code, title, metric.unit, axis, labels, points, tooltips)
            )
        return result
