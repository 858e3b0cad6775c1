"""The KPI tab of an employee: the monthly table of every metric with data, and a line chart per metric.

Hovering a table cell or a chart point says which import batch (file, kind, store) the number
came from.
"""

from __future__ import annotations

from PySide6.QtCharts import QCategoryAxis, QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QMargins, QPointF, Qt, Slot
from PySide6.QtGui import QColor, QCursor, QFont, QFontMetrics, QPainter, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from core.domain.months import axis_label
from core.i18n import current_language
from desktop.i18n import tr
from desktop.viewmodels.kpi_vm import ChartData, KpiViewModel
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.axis_labels import fit_label_format
from desktop.views.eligibility.metric_values_dialog import MetricValuesDialog
from desktop.views.tables import read_only

LINE_COLOR = QColor("#1565c0")
CHART_HEIGHT = 210
CHART_MIN_WIDTH = 300  # narrower than two of these side by side: one chart per row


class MetricChart(QChartView):
    """One metric over the months; a point's tooltip names its source."""

    def __init__(self, data: ChartData, parent: QWidget | None = None) -> None:
        chart = QChart()
        super().__init__(chart, parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a picture (its values are in tooltips)
        self.data = data
        chart.setTitle(data.title)
        title_font = QFont(self.font())
        title_font.setBold(True)
        chart.setTitleFont(title_font)
        chart.legend().hide()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(4)
        self.series = QLineSeries()
        pen = QPen(LINE_COLOR)
        pen.setWidth(2)
        self.series.setPen(pen)
        self.series.setPointsVisible(True)
        for x, y in data.points:
            self.series.append(QPointF(float(x), float(y)))
        chart.addSeries(self.series)
        self.axis_x = axis_x = self._month_axis()
        self._step = 0
        self._fill_month_axis()
        axis_y = QValueAxis()
        axis_y.setLabelsFont(self._small_font())
        values = [y for _, y in data.points]
        low, high = (min(values), max(values)) if values else (0.0, 1.0)
        if high - low < 0.01:  # flat to the hundredth shown: a flat line, not 0.1000 … 0.1001
            low, high = low - 1, high + 1
        pad = (high - low) * 0.1
        axis_y.setRange(low - pad if low < 0 else max(0.0, low - pad), high + pad)
        axis_y.applyNiceNumbers()
        fit_label_format(axis_y)  # 0.08 … 0.14 as such, not "0.1" four times
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        self.series.attachAxis(axis_x)
        self.series.attachAxis(axis_y)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(CHART_HEIGHT)
        self.series.hovered.connect(self.on_series_hovered)

    def _month_axis(self) -> QCategoryAxis:
        axis = QCategoryAxis()
        axis.setLabelsFont(self._small_font())
        axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        axis.setRange(-0.5, max(len(self.data.labels) - 0.5, 0.5))
        axis.setGridLineVisible(False)
        return axis

    def labels_that_fit(self) -> int:
        """How many month labels fit side by side at the chart's current width."""
        widest = max(
            (QFontMetrics(self._small_font()).horizontalAdvance(t) for t in self.data.labels),
            default=40,
        )
        return max(2, int((self.width() - 70) // (widest + 14)))

    def _fill_month_axis(self) -> None:
        """Months at the points' positions; with more than fit side by side (at this width:
        a narrower chart shows fewer), every few months only, never cut to "23年…" (each
        point's tooltip still names its month)."""
        labels = self.data.labels
        step = max(1, -(-len(labels) // self.labels_that_fit()))  # ceiling division
        if step == self._step:
            return
        self._step = step
        for old in self.axis_x.categoriesLabels():
            self.axis_x.remove(old)
        months = self.data.months
        shown_year = ""
        for position in range(0, len(labels), step):
            text = labels[position]
            if len(months) == len(labels) and step > 1:
                # every few months: the year goes on the first label shown in each year
                year = months[position][:4]
                several = len({m[:4] for m in months}) > 1
                text = axis_label(
                    months[position], current_language(), with_year=several and year != shown_year
                )
                shown_year = year
            self.axis_x.append(text, float(position))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fill_month_axis()

    def _small_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSize(8)
        return font

    def tooltip_at(self, x: float) -> str:
        return self.data.tooltips.get(round(x), "")

    @Slot(QPointF, bool)
    def on_series_hovered(self, point: QPointF, state: bool) -> None:
        if state:
            QToolTip.showText(QCursor.pos(), self.tooltip_at(point.x()), self)
        else:
            QToolTip.hideText()


class KpiTab(QWidget):
    """Table above, charts below; rebuilt whenever the data changes."""

    def __init__(
        self,
        session_vm: SessionViewModel,
        employee_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.vm = KpiViewModel(session_vm, None, self)
        self.dialog: MetricValuesDialog | None = None
        self.manual_button = QPushButton(tr("手工指标…"))
        self.manual_button.setToolTip(
            tr("按月录入库存周转天数、留存率、报表准确率等没有店铺导出的指标")
        )
        self.manual_button.clicked.connect(self.open_manual_values)
        self.span_box = QComboBox()
        self.span_box.setToolTip(tr("KPI 表和趋势图显示的月份"))
        for text, span in self.vm.span_choices():
            self.span_box.addItem(text, span)
        self.span_box.setCurrentIndex(self.span_box.findData(self.vm.span))
        self.span_box.currentIndexChanged.connect(self.on_span_chosen)
        span_label = QLabel(tr("显示："))
        span_label.setBuddy(self.span_box)
        self.span_note = QLabel()
        self.span_note.setStyleSheet("color: #616161;")
        self.span_note.setWordWrap(True)
        self.hint = QLabel(tr("将鼠标停在数字或图表的点上，可查看该数字来自哪个导入批次。"))
        self.hint.setStyleSheet("color: #616161;")
        self.hint.setWordWrap(True)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #616161; padding: 24px;")
        self.table = QTableView()
        self.table.setModel(self.vm.table)
        read_only(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.charts_widget = QWidget()
        self.charts_grid = QGridLayout(self.charts_widget)
        self.charts_grid.setContentsMargins(0, 0, 0, 0)
        self.charts_grid.setSpacing(8)
        self.charts_grid.setColumnStretch(0, 1)
        self.charts_grid.setColumnStretch(1, 1)
        charts_scroll = QScrollArea()
        charts_scroll.setWidgetResizable(True)
        charts_scroll.setFrameShape(QFrame.Shape.NoFrame)
        charts_scroll.setWidget(self.charts_widget)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(charts_scroll)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([190, 560])  # the table scrolls; the charts get the room
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        # the hint on a line of its own: beside the controls it pushed 手工指标… past the edge
        # of the archive's 350 px pane
        layout.addWidget(self.hint)
        top = QHBoxLayout()
        top.addWidget(span_label)
        top.addWidget(self.span_box)
        top.addStretch(1)
        top.addWidget(self.manual_button)
        layout.addLayout(top)
        layout.addWidget(self.span_note)
        layout.addWidget(self.empty)
        layout.addWidget(self.splitter, 1)
        self.charts: list[MetricChart] = []
        self.vm.changed.connect(self.on_vm_changed)
        self.vm.loading_changed.connect(self.on_vm_changed)
        self.on_vm_changed()
        self.show_employee(employee_id)

    def show_employee(self, employee_id: int | None) -> None:
        self.vm.show(employee_id)
        self.manual_button.setEnabled(employee_id is not None)

    @Slot(int)
    def on_span_chosen(self, index: int) -> None:
        self.vm.set_span(self.span_box.itemData(index))

    @Slot()
    def open_manual_values(self) -> MetricValuesDialog | None:
        if self.vm.employee_id is None:
            return None
        self.dialog = MetricValuesDialog(self.session_vm, self.vm.employee_id, self)
        self.dialog.open()
        return self.dialog

    @Slot()
    @Slot(bool)
    def on_vm_changed(self, _loading: bool = False) -> None:
        text = self.vm.empty_text()
        has_data = not text
        self.empty.setText(text)
        self.empty.setVisible(not has_data)
        self.splitter.setVisible(has_data)
        self.hint.setVisible(has_data)
        note = self.vm.span_note() if has_data else ""
        self.span_note.setText(note)
        self.span_note.setVisible(bool(note))
        if self.vm.loading:
            return
        for chart in self.charts:
            self.charts_grid.removeWidget(chart)
            chart.hide()
            chart.deleteLater()
        self.charts = []
        # Made inside the charts' widget: made without a parent, each chart was shown for a
        # moment as a window of its own, which took the keyboard from the window (typing a
        # search that opened another person lost its next letters).
        self.charts = [MetricChart(data, self.charts_widget) for data in self.vm.charts()]
        self._lay_out_charts()
        for chart in self.charts:
            chart.show()

    def chart_columns(self) -> int:
        return 2 if self.width() >= 2 * CHART_MIN_WIDTH + 40 else 1

    def _lay_out_charts(self) -> None:
        columns = self.chart_columns()
        self._columns = columns
        self.charts_grid.setColumnStretch(1, 1 if columns == 2 else 0)
        for chart in self.charts:
            self.charts_grid.removeWidget(chart)
        for i, chart in enumerate(self.charts):
            self.charts_grid.addWidget(chart, i // columns, i % columns)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.charts and self.chart_columns() != getattr(self, "_columns", 0):
            self._lay_out_charts()
