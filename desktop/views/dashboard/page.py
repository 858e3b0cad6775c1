"""仪表盘 梯队健康度: the first page after log-in. Draws what DashboardViewModel computed, nothing more.

Per track a bar chart of head-count per level with the ready / nearly ready people one move below,
each number a link to the people behind it and every gap in red with its sentence; the 9宫格 with
names; 人员流动; 晋升效率; 业务关联 (GMV and the live share). Each card flips to its table and
exports it. A new company sees a checklist instead of empty charts.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QRect, QRectF, QSize, Qt, Slot
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from core.domain import months as mo
from core.i18n import current_language
from core.services import dashboard as db
from desktop.i18n import bracketed, captioned, listed, tr
from desktop.viewmodels.dashboard_vm import (
    NEARLY,
    PEOPLE,
    READY,
    DashboardViewModel,
    names,
    save_pdf_bytes,
)
from desktop.viewmodels.promotion_case_vm import state_text
from desktop.viewmodels.promotion_queue_vm import waiting_text
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views import files
from desktop.views.axis_labels import count_axis, fit_label_format
from desktop.views.dashboard.competency_card import CompetencyGapView
from desktop.views.eligibility.progress_panel import AUTO_MONTH, fill_months, month_picker
from desktop.views.files import ask_save_xlsx
from desktop.views.focus import frame_focus
from desktop.views.tables import read_only
from desktop.views.visibility import hidden_unless

HEAD_COLOR = QColor("#5c7cfa")
READY_COLOR = QColor("#2f9e44")
NEARLY_COLOR = QColor("#f08c00")
GAP_COLOR = "#c92a2a"
GMV_COLOR = QColor("#1c7ed6")
LIVE_COLOR = QColor("#d6336c")
TRACK_COLORS = ("#2f9e44", "#f08c00", "#7048e8", "#0c8599", "#868e96")  # per-track GMV lines
PROMOTION_COLOR = QColor("#e8590c")
# room for a level's name under its bars: the plot's width / (levels + 1), less this gap on
# either side (QtCharts' own measure before it cut a name to "运..."; names are now wrapped
# and shortened here, QtCharts cuts nothing)
AXIS_LABEL_PADDING = 4.0
TEXT_MARGINS = 2.5  # a chart label's box is its text's width and 1 px each side
MAX_LABEL_LINES = 3
# a bar's number: its text's width and this much more (the label item's margins and a gap)
VALUE_LABEL_ROOM = 6.0
BAR_WIDTH = (0.5, 0.9)  # share of a category the three bars take: usual, widest
CHART_SIDES = 56  # the count axis, its title and the chart's edges beside the plot
CARD_STYLE = "QFrame#card { background: #ffffff; border: 1px solid #dee2e6; border-radius: 6px; }"
LINK_STYLE = (
    "QPushButton { border: none; color: #1c7ed6; text-align: left; padding: 0 2px; }"
    "QPushButton:hover { text-decoration: underline; }"
)
# where each checklist item's button goes (sidebar keys of desktop/views/navigation.py)
CHECKLIST_PAGES = {
    "ladder": "ladder",
    "roster": "employees",
    "owners": "imports",
    "data": "imports",
    "cycle": "cycles",
}
CHECKLIST_BUTTONS = {
    "ladder": "去设计…",
    "roster": "去导入…",
    "owners": "去设置…",
    "data": "去导入…",
    "cycle": "去开始…",
}


def ask_export_path(parent: QWidget, title: str, suggested: str) -> Path | None:
    """Where to save a chart's table (tests replace this)."""
    return ask_save_xlsx(parent, title, suggested)


def ask_pdf_path(parent: QWidget, suggested: str) -> Path | None:
    """Where to save the A4 page (tests replace this)."""
    return files.save_file(
        parent, tr("导出 PDF"), suggested, tr("PDF 文件 (*.pdf)"), files.REPORTS, ".pdf"
    )


def month_labels(months: list[str], step: int, lang: str) -> list[tuple[int, str]]:
    """(index, label) of every ``step``-th month for a chart's axis, each label once: Qt's
    category axis drops a label it already has, so 24 months read 3月 and 5月 only in 2023 and the
    axis stopped at 24年1月. The first month, each January and a month whose short label came
    before carry their year."""
    found: list[tuple[int, str]] = []
    used: set[str] = set()
    for i in range(0, len(months), step):
        month = months[i]
        label = mo.axis_label(month, lang, i == 0 or month.endswith("-01"))
        if label in used:
            label = mo.axis_label(month, lang, True)
        used.add(label)
        found.append((i, label))
    return found


def _small_font(size: int = 8) -> QFont:
    font = QFont()
    font.setPointSize(size)
    return font


def _chart() -> QChart:
    chart = QChart()
    chart.setBackgroundVisible(False)
    chart.setMargins(QMargins(0, 0, 0, 0))
    chart.legend().setFont(_small_font())
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


def _chart_view(chart: QChart, height: int) -> QChartView:
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(height)
    view.setFrameShape(QFrame.Shape.NoFrame)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a picture: Tab goes on to the next link
    return view


def _link(text: str, slot: Callable[[], object], tip: str = "") -> QPushButton:
    button = QPushButton(text)
    button.setFlat(True)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setStyleSheet(LINK_STYLE)
    button.setToolTip(tip)
    button.clicked.connect(lambda _checked=False: slot())
    return button


class LinkLabel(QLabel):
    """A clickable sentence that wraps (a long gap sentence or list of names must not widen the
    page past the window)."""

    def __init__(self, text: str, slot: Callable[[], object], color: str, tip: str = "") -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setText(
            f"<a href='#' style='color:{color}; text-decoration:none'>{html.escape(text)}</a>"
        )
        self.setWordWrap(True)
        self.setToolTip(tip)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.plain = text
        self.slot = slot
        self.linkActivated.connect(lambda _href: slot())

    def click(self) -> None:
        self.slot()


class PeopleDialog(QDialog):
    """The people behind a number: 工号, 姓名, 通道, 职级, and what they are ready for."""

    def __init__(
        self,
        title: str,
        people: Sequence[db.PersonRef],
        open_employee: Callable[[int], None] | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.people = list(people)
        self.open_employee = open_employee
        self.table = QTableWidget(len(self.people), 5)
        self.table.setHorizontalHeaderLabels(
            [tr("工号"), tr("姓名"), tr("通道"), tr("职级"), tr("说明")]
        )
        for row, p in enumerate(self.people):
            for column, text in enumerate((p.no, p.name, p.track, p.level, p.note)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        read_only(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        # a double click or Enter (the keyboard's way; it used to close the list instead)
        self.table.activated.connect(lambda index: self.on_open(index.row()))
        if self.people:
            self.table.setCurrentCell(0, 0)
        hint = QLabel(tr("双击或按回车打开员工档案。") if self.people else tr("没有人。"))
        hint.setStyleSheet("color: #616161;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(title))
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(self._width(), 360)

    def _width(self) -> int:
        """Wide enough for every cell whole (a transfer's 说明 "运营专员（数据运营） → 运营主管
        （店铺运营）" was cut at 620 px), within the screen; a few rows, so measuring is cheap."""
        self.table.resizeColumnsToContents()
        for column in range(self.table.columnCount()):  # air between the columns
            self.table.setColumnWidth(column, self.table.columnWidth(column) + 16)
        header = self.table.horizontalHeader()
        wanted = header.length() + self.table.frameWidth() * 2 + 48
        screen = self.screen().availableGeometry().width() if self.screen() else 1366
        return max(620, min(wanted, screen - 80))

    def on_open(self, row: int) -> None:
        if self.open_employee is not None and 0 <= row < len(self.people):
            self.open_employee(self.people[row].id)
            self.accept()


class SettingsDialog(QDialog):
    """梯队厚度 (ready successors wanted per position) and the 9-box cut-offs."""

    def __init__(self, current: db.Settings, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout

        super().__init__(parent)
        self.setWindowTitle(tr("仪表盘标准"))
        self.bench = QDoubleSpinBox()
        self.bench.setRange(0.1, db.MAX_BENCH)
        self.bench.setSingleStep(0.5)
        self.bench.setDecimals(1)
        self.bench.setValue(current.bench_strength)
        self.low, self.high = QDoubleSpinBox(), QDoubleSpinBox()
        for box, value in ((self.low, current.low), (self.high, current.high)):
            box.setRange(0, 100)
            box.setDecimals(1)
            box.setValue(value)
        form = QFormLayout(self)
        form.addRow(tr("每个岗位需要的达标后备人数"), self.bench)
        form.addRow(tr("9宫格：“中”从此分数起"), self.low)
        form.addRow(tr("9宫格：“高”从此分数起"), self.high)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class Card(QFrame):
    """A titled box holding a chart and, one click away, its table and 导出 Excel."""

    def __init__(
        self,
        title: str,
        key: str,
        page: DashboardPage,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setStyleSheet(CARD_STYLE)
        self.key = key
        self.page = page
        self.title = QLabel(title)
        self.title.setStyleSheet("font-size: 14px; font-weight: bold; border: none;")
        self.toggle = QPushButton(tr("表格"))
        self.toggle.setCheckable(True)
        self.toggle.setToolTip(tr("在图表与表格之间切换"))
        self.toggle.toggled.connect(self.on_toggle_toggled)
        self.export_button = QPushButton(tr("导出 Excel"))
        self.export_button.clicked.connect(lambda _checked=False: page.export_table(key))
        # the title wraps beside its buttons: unwrapped, an English title ("Competency gaps:
        # the people one level below…") held its column, and the page, wider than the window
        self.title.setWordWrap(True)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.toggle)
        header.addWidget(self.export_button)
        self.body = QWidget()
        self.body.setStyleSheet("border: none;")
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableView()
        self.table.setModel(page.vm.models[key])
        read_only(self.table)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.body)
        self.stack.addWidget(self.table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.addLayout(header)
        layout.addWidget(self.stack, 1)

    def clear(self) -> None:
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            if item is None:
                break
            widget = item.widget()
            if widget is not None:
                widget.setParent(None)  # gone from findChild and the screen at once
                widget.deleteLater()
            elif item.layout() is not None:
                _drop_layout(item.layout())

    @Slot(bool)
    def on_toggle_toggled(self, checked: bool) -> None:
        self.stack.setCurrentIndex(1 if checked else 0)
        self.toggle.setText(tr("图表") if checked else tr("表格"))


def _show_now(container: QWidget) -> None:
    """Show what was just laid out in an already visible container at once: Qt would otherwise
    show the new children only on a later turn of the event loop (a grab or a test in between
    would see an empty box)."""
    for child in container.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
        child.show()


def _drop_layout(layout: object) -> None:

    if not isinstance(layout, QLayout):
        return
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        if widget is not None:
            widget.setParent(None)
            widget.deleteLater()
        elif item.layout() is not None:
            _drop_layout(item.layout())


class TrackRow(QWidget):
    """The tracks side by side, each as wide as its share of the levels, never narrower than
    its chart needs; a track that no longer fits goes on to a row of its own below (the page
    does not scroll sideways).

    A widget that places its panels itself, not a QLayout written in Python: such a layout
    keeps its QWidgetItems in a Python list, and a redraw while the dashboard was hidden found
    them already deleted by Qt (RuntimeError in ``clear``; the charts then overlapped or went
    blank until a restart). The panels are this widget's children and go with it."""

    def __init__(self, spacing: int) -> None:
        super().__init__()
        self.spacing = spacing
        self.panels: list[QWidget] = []
        self.stretches: list[int] = []
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def add_panel(self, widget: QWidget, stretch: int) -> None:
        widget.setParent(self)
        self.panels.append(widget)
        self.stretches.append(max(stretch, 1))
        self.updateGeometry()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(width, move=False)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(self.width(), move=True)

    def sizeHint(self) -> QSize:
        gaps = self.spacing * max(len(self.panels) - 1, 0)
        width = sum(p.sizeHint().width() for p in self.panels) + gaps
        return QSize(width, self._arrange(width, move=False))

    def minimumSizeHint(self) -> QSize:
        """One panel's: how many rows the panels take follows from the width (heightForWidth)."""
        sizes = [_least(p) for p in self.panels]
        return QSize(
            max((s.width() for s in sizes), default=0), max((s.height() for s in sizes), default=0)
        )

    def _rows(self, width: int) -> list[list[int]]:
        rows: list[list[int]] = []
        used = 0
        for i, panel in enumerate(self.panels):
            need = _least(panel).width()
            if rows and used + self.spacing + need <= width:
                rows[-1].append(i)
                used += self.spacing + need
            else:
                rows.append([i])
                used = need
        return rows

    def _widths(self, row: list[int], width: int) -> dict[int, int]:
        """Shares of ``width`` by stretch, a share too small for its panel raised to its
        minimum at the others' cost."""
        free = width - self.spacing * (len(row) - 1)
        fixed: dict[int, int] = {}
        while True:
            left = [i for i in row if i not in fixed]
            room = free - sum(fixed.values())
            total = sum(self.stretches[i] for i in left) or 1
            small = [
                i for i in left if room * self.stretches[i] / total < _least(self.panels[i]).width()
            ]
            if not small:
                break
            for i in small:
                fixed[i] = _least(self.panels[i]).width()
        shares = dict(fixed)
        for i in left:
            shares[i] = int(room * self.stretches[i] / total)
        return shares

    def _arrange(self, width: int, move: bool) -> int:
        y = 0
        for n, row in enumerate(self._rows(width)):
            if n:
                y += self.spacing
            widths = self._widths(row, width)
            height = 0
            for i in row:
                panel = self.panels[i]
                h = panel.heightForWidth(widths[i]) if panel.hasHeightForWidth() else -1
                height = max(height, h if h >= 0 else panel.sizeHint().height())
            x = 0
            for i in row:
                if move:
                    self.panels[i].setGeometry(QRect(x, y, widths[i], height))
                x += widths[i] + self.spacing
            y += height
        return y


def _least(widget: QWidget) -> QSize:
    """The smallest size a layout would give ``widget`` (its hint, or its set minimum)."""
    return widget.minimumSizeHint().expandedTo(widget.minimumSize())


class TrackPanel(QWidget):
    """One track: bars per level (在岗 / 下级已达标 / 下级接近达标) and the level lines, top first."""

    def __init__(self, track: db.TrackFigures, page: DashboardPage) -> None:
        super().__init__()
        self.track = track
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(2)
        title = QLabel(tr("{track}（{count}人）", track=track.track, count=track.headcount))
        title.setStyleSheet("font-weight: bold; color: #343a40;")
        layout.addWidget(title)
        chart = _chart()
        series = QBarSeries()
        sets = []
        for label, color, values in (
            (tr("在岗"), HEAD_COLOR, [lv.headcount for lv in track.levels]),
            (tr("下级已达标"), READY_COLOR, [lv.ready_in for lv in track.levels]),
            (tr("下级接近达标"), NEARLY_COLOR, [lv.nearly_in for lv in track.levels]),
        ):
            bar = QBarSet(label)
            bar.setColor(color)
            bar.setBorderColor(color)
            bar.setLabelColor(QColor("#212529"))
            bar.append([float(v) for v in values])
            series.append(bar)
            sets.append(bar)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        chart.addSeries(series)
        axis_x = QBarCategoryAxis()
        self.titles = _short_titles([lv.level for lv in track.levels])
        axis_x.append([_axis_label([t]) for t in self.titles])
        axis_x.setLabelsFont(_small_font())
        axis_x.setTruncateLabels(False)
        self.axis_x, self.series = axis_x, series
        self.label_metrics = QFontMetricsF(axis_x.labelsFont())
        numbers = [str(int(b.at(i))) for b in sets for i in range(b.count())]
        value_metrics = QFontMetricsF(sets[0].labelFont())
        self.value_width = max(value_metrics.horizontalAdvance(n) for n in numbers)
        self.value_width += VALUE_LABEL_ROOM
        axis_y = QValueAxis()
        count_axis(
            axis_y, max([1, *(max(lv.headcount, lv.ready_in, lv.nearly_in) for lv in track.levels)])
        )
        axis_y.setTitleText(tr("人"))
        axis_y.setTitleFont(_small_font())
        axis_y.setLabelsFont(_small_font())
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
        chart.legend().setVisible(False)
        which = (PEOPLE, READY, NEARLY)
        for kind, bar in zip(which, sets, strict=True):
            bar.clicked.connect(
                lambda index, kind=kind: page.show_people(track.levels[index].level_id, kind)
            )
            bar.hovered.connect(
                lambda status, index, bar=bar: (
                    QToolTip.showText(
                        self.cursor().pos(),
                        f"{track.levels[index].level} · {bar.label()}：{int(bar.at(index))}",
                    )
                    if status
                    else None
                )
            )
        self.chart_view = _chart_view(chart, 150)
        self.chart_view.setMinimumWidth(self.chart_width())
        chart.plotAreaChanged.connect(self.on_chart_plot_area_changed)
        layout.addWidget(self.chart_view)
        for lv in reversed(track.levels):
            layout.addWidget(self._level_row(lv, page))
        layout.addStretch(1)

    def chart_width(self) -> int:
        """The narrowest chart that still draws each level's name whole on two lines (a very
        long one on three) and keeps the numbers above neighbouring bars apart."""
        n = len(self.titles)
        metrics = self.label_metrics
        label = max(_widest(_best_split(t, 2, metrics), metrics) for t in self.titles)
        label = min(label, 5 * metrics.height())  # six Chinese characters; longer: 3 lines
        for_labels = (label + 2 * AXIS_LABEL_PADDING + TEXT_MARGINS) * (n + 1)
        for_numbers = n * 3 * self.value_width / BAR_WIDTH[1]
        return int(CHART_SIDES + max(for_labels, for_numbers)) + 1

    @Slot(QRectF)
    def on_chart_plot_area_changed(self, area: QRectF) -> None:
        """Lay the names and bars out for the width the chart was given: a name that does not
        fit goes onto two lines (or three), and the bars widen before their numbers touch."""
        n = len(self.titles)
        if not n or area.width() <= 0:
            return
        room = area.width() / (n + 1) - 2 * AXIS_LABEL_PADDING - TEXT_MARGINS
        labels = [_axis_label(_wrapped(t, room, self.label_metrics)) for t in self.titles]
        if labels != self.axis_x.categories():
            self.axis_x.setCategories(labels)
        need = 3 * self.value_width / (area.width() / n)
        width = min(max(need, BAR_WIDTH[0]), BAR_WIDTH[1])
        if abs(self.series.barWidth() - width) > 1e-3:
            self.series.setBarWidth(width)

    def _level_row(self, lv: db.LevelFigures, page: DashboardPage) -> QWidget:
        row = QWidget()
        box = QVBoxLayout(row)
        box.setContentsMargins(0, 2, 0, 2)
        box.setSpacing(0)
        line = QHBoxLayout()
        line.setSpacing(2)
        name = QLabel(lv.level)
        name.setMinimumWidth(56)
        name.setStyleSheet(f"color: {GAP_COLOR}; font-weight: bold;" if lv.gap else "")
        name.setToolTip(lv.sentence.text())
        line.addWidget(name)
        count = _link(
            tr("{n}人", n=lv.headcount),
            lambda: page.show_people(lv.level_id, PEOPLE),
            names(lv.people),
        )
        count.setObjectName(f"people-{lv.level_id}")
        line.addWidget(count)
        if lv.reachable:
            ready = _link(
                tr("达标 {n}").format(n=lv.ready_in),
                lambda: page.show_people(lv.level_id, READY),
                names(lv.ready),
            )
            ready.setObjectName(f"ready-{lv.level_id}")
            ready.setStyleSheet(LINK_STYLE.replace("#1c7ed6", READY_COLOR.name()))
            nearly = _link(
                tr("接近 {n}").format(n=lv.nearly_in),
                lambda: page.show_people(lv.level_id, NEARLY),
                names(lv.nearly),
            )
            nearly.setObjectName(f"nearly-{lv.level_id}")
            nearly.setStyleSheet(LINK_STYLE.replace("#1c7ed6", NEARLY_COLOR.name()))
            line.addWidget(ready)
            line.addWidget(nearly)
        line.addStretch(1)
        box.addLayout(line)
        if lv.gap is not None:
            gap = LinkLabel(
                lv.gap.message.text(),
                lambda: page.show_people(lv.level_id, READY if lv.ready else NEARLY),
                GAP_COLOR,
                tr("点击查看下级中最接近的人"),
            )
            gap.setObjectName(f"gap-{lv.level_id}")
            box.addWidget(gap)
        return row


class DashboardPage(QWidget):
    def __init__(self, session_vm: SessionViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.vm = DashboardViewModel(session_vm, self)
        self.dialog: PeopleDialog | None = None

        self.title = QLabel(tr("梯队健康度"))
        self.title.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.month = month_picker()
        self.month.currentIndexChanged.connect(self.on_month_index_changed)
        self.refresh_button = QPushButton(tr("刷新"))
        self.refresh_button.clicked.connect(lambda _checked=False: self.vm.refresh())
        self.status = QLabel(tr("正在计算…"))
        self.status.setStyleSheet("color: #616161;")
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addSpacing(12)
        header.addWidget(QLabel(tr("截至")))
        header.addWidget(self.month)
        header.addWidget(self.refresh_button)
        header.addSpacing(12)
        header.addWidget(self.status, 1)
        self.pdf_button = QPushButton(tr("导出 PDF"))
        self.pdf_button.setToolTip(tr("把仪表盘放在一页 A4 纸上，保存为 PDF"))
        self.pdf_button.clicked.connect(lambda _checked=False: self.export_pdf())
        self.print_button = QPushButton(tr("打印…"))
        self.print_button.clicked.connect(lambda _checked=False: self.print_page())
        header.addWidget(self.pdf_button)
        header.addWidget(self.print_button)
        self.settings_button = QPushButton(tr("标准…"))
        self.settings_button.setToolTip(tr("梯队厚度与9宫格分界线"))
        self.settings_button.clicked.connect(lambda _checked=False: self.edit_settings())
        hidden_unless(self.vm.can_edit_settings(), self.settings_button)
        header.addWidget(self.settings_button)

        # the figures
        self.pipeline = Card(tr("梯队健康度：各职级在岗人数与下级后备"), "pipeline", self)
        self.nine = Card(tr("9宫格（绩效 × 潜力）"), "nine_box", self)
        self.flow = Card(tr("人员流动"), "flow", self)
        self.cases = Card(tr("晋升效率"), "cases", self)
        self.business = Card(tr("业务关联：公司GMV与直播占比"), "business", self)
        self.competency = Card(tr("能力缺口：下一级人员的能力达标情况"), "competency", self)
        self.competency_view = CompetencyGapView(self._show_refs)
        self.competency.body_layout.addWidget(self.competency_view)
        self.cards = {
            c.key: c
            for c in (
                self.pipeline,
                self.nine,
                self.flow,
                self.cases,
                self.business,
                self.competency,
            )
        }
        content = QWidget()
        grid = QGridLayout(content)
        grid.setContentsMargins(0, 0, 6, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(8)
        grid.addWidget(self.pipeline, 0, 0, 1, 3)
        grid.addWidget(self.nine, 1, 0)
        grid.addWidget(self.flow, 1, 1)
        grid.addWidget(self.cases, 1, 2)
        grid.addWidget(self.business, 2, 0, 1, 2)
        grid.addWidget(self.competency, 2, 2)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)
        frame_focus(self.scroll_area)  # Tab stops here to scroll it by keyboard
        self.content = content

        # a new company: what to do first
        self.checklist = QWidget()
        self.checklist_layout = QVBoxLayout(self.checklist)
        self.checklist_layout.setContentsMargins(40, 30, 40, 30)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.scroll_area)
        self.stack.addWidget(self.checklist)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.stack, 1)

        self.vm.loaded.connect(self.on_vm_loaded)
        self.vm.loading_changed.connect(self.on_vm_loading_changed)
        self.vm.failed.connect(self.on_vm_failed)
        self.vm.exported.connect(self.on_vm_exported)
        self.vm.refresh()

    # --- drawing ---------------------------------------------------------------------------------

    @Slot()
    def on_vm_loaded(self) -> None:
        found = self.vm.result
        if found is None:
            return
        fill_months(self.month, self.vm.months(), self.vm.as_of)
        if found.is_new:
            self.status.setText("")
        else:
            self.status.setText(
                tr("截至 {month}；近12个月流失率 {pct}").format(
                    month=mo.label(found.as_of, current_language()),
                    pct=_pct(found.flow.rolling.pct),
                )
            )
        if found.is_new:
            self._draw_checklist(found)
            self.stack.setCurrentWidget(self.checklist)
            _show_now(self.checklist)
            return
        self.stack.setCurrentWidget(self.scroll_area)
        self._draw_pipeline(found)
        self._draw_nine_box(found.nine_box)
        self._draw_flow(found)
        self._draw_cases(found.cases)
        self._draw_business(found)
        self.competency_view.set_gaps(found.competency)
        for card in self.cards.values():
            for label in card.body.findChildren(QLabel):
                label.setWordWrap(True)  # long names or sentences wrap, never widen the page
            _show_now(card.body)

    def _draw_pipeline(self, found: db.Dashboard) -> None:
        card = self.pipeline
        card.clear()
        if found.gaps:
            gaps = QLabel(tr("梯队缺口 {n} 处（红色标出；点击查看最接近的人）", n=len(found.gaps)))
            gaps.setObjectName("gap-banner")
            gaps.setToolTip("\n".join(g.message.text() for g in found.gaps))
            gaps.setWordWrap(True)
            gaps.setStyleSheet(
                f"color: {GAP_COLOR}; background: #fff5f5; padding: 4px 6px; border-radius: 4px;"
            )
            card.body_layout.addWidget(gaps)
        legend = QLabel(
            "　".join(
                f"<span style='color:{color.name()}'>■</span> {text}"
                for color, text in (
                    (HEAD_COLOR, tr("在岗人数")),
                    (READY_COLOR, tr("下级已达标")),
                    (NEARLY_COLOR, tr("下级接近达标")),
                )
            )
            + "　"
            + tr("（点击数字查看人员）")
        )
        legend.setStyleSheet("color: #495057;")
        card.body_layout.addWidget(legend)
        self.track_panels = [TrackPanel(t, self) for t in found.tracks if t.levels]
        if not self.track_panels:
            card.body_layout.addWidget(QLabel(tr("还没有晋升通道。")))
            return
        row = TrackRow(6)
        for panel in self.track_panels:
            row.add_panel(panel, len(panel.titles) + 1)  # a track's levels and its count axis
        card.body_layout.addWidget(row)

    def _draw_nine_box(self, nine: db.NineBox) -> None:
        card = self.nine
        card.clear()
        caption = (
            tr("评审周期：{period}；分界线 {low:g} / {high:g}").format(
                period=nine.period, low=nine.low, high=nine.high
            )
            if nine.period
            else tr("还没有评审打分。")
        )
        label = QLabel(caption)
        label.setStyleSheet("color: #495057;")
        card.body_layout.addWidget(label)
        grid = QGridLayout()
        grid.setSpacing(3)
        shades = {2: "#e7f5ff", 3: "#d3f9d8", 4: "#b2f2bb", 5: "#8ce99a", 6: "#69db7c"}
        for potential in (3, 2, 1):
            axis = QLabel({3: tr("高"), 2: tr("中"), 1: tr("低")}[potential])
            axis.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(axis, 3 - potential, 0)
            for performance in (1, 2, 3):
                people = nine.cell(performance, potential)
                cell = QPushButton(
                    "\n".join(e.name for e in people[:4]) + ("…" if len(people) > 4 else "")
                )
                cell.setObjectName(f"cell-{performance}-{potential}")
                cell.setMinimumSize(74, 46)
                cell.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
                cell.setStyleSheet(
                    f"QPushButton {{ background: {shades.get(performance + potential - 1, '#f1f3f5')};"
                    " border: 1px solid #ced4da; border-radius: 3px; font-size: 12px; }"
                )
                cell.setToolTip(
                    tr("绩效 {perf} · 潜力 {pot}：{names}").format(
                        perf=performance,
                        pot=potential,
                        names=listed(
                            bracketed(e.name, f"{e.performance_score:g} / {e.potential_score:g}")
                            for e in people
                        )
                        or tr("无"),
                    )
                )
                refs = [
                    db.PersonRef(
                        e.employee_id,
                        e.no,
                        e.name,
                        e.track,
                        e.level,
                        f"{e.performance_score:g} / {e.potential_score:g}",
                    )
                    for e in people
                ]
                cell.clicked.connect(
                    lambda _checked=False, refs=refs, perf=performance, pot=potential: (
                        self._show_refs(
                            tr("9宫格：绩效 {perf} · 潜力 {pot}").format(perf=perf, pot=pot), refs
                        )
                    )
                )
                grid.addWidget(cell, 3 - potential, performance)
        for performance in (1, 2, 3):
            axis = QLabel({1: tr("低"), 2: tr("中"), 3: tr("高")}[performance])
            axis.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(axis, 3, performance)
        y = QLabel(tr("潜力 ↑"))
        x = QLabel(tr("绩效 →"))
        x.setAlignment(Qt.AlignmentFlag.AlignRight)
        holder = QWidget()
        holder.setLayout(grid)
        card.body_layout.addWidget(y)
        card.body_layout.addWidget(holder, 1)
        card.body_layout.addWidget(x)

    def _draw_flow(self, found: db.Dashboard) -> None:
        card = self.flow
        card.clear()
        flow = found.flow
        formula = tr("流失率 = 期间离职人数 ÷ 期间各月末在岗人数的平均值 × 100%")
        for title, t in ((tr("近12个月"), flow.rolling), (tr("本年至今"), flow.calendar)):
            big = QLabel(
                f"<span style='font-size:20px; font-weight:bold'>{_pct(t.pct)}</span>"
                "<br><span style='color:#495057'>"
                + captioned(
                    bracketed(title, f"{t.first} – {t.last}"),
                    tr(
                        "离职 {n} 人 ÷ 平均在岗 {avg} 人",
                        n=t.separations,
                        avg=f"{t.avg_headcount:.2f}",
                    ),
                )
                + "</span>"
            )
            big.setToolTip(formula)
            card.body_layout.addWidget(big)
        leavers = LinkLabel(
            tr("近12个月离职 {n} 人：{names}").format(
                n=len(flow.rolling.leavers), names=names(flow.rolling.leavers) or tr("无")
            ),
            lambda: self._show_refs(tr("近12个月离职人员"), flow.rolling.leavers),
            "#1c7ed6",
        )
        leavers.setObjectName("leavers")
        card.body_layout.addWidget(leavers)
        hires = QLabel(
            tr(
                "近12个月入职 {n} 人；晋升 {p} 人次，转岗 {t} 人次",
                n=len(flow.hires),
                p=sum(len(p.promotions) for p in found.promotions),
                t=sum(len(p.transfers) for p in found.promotions),
            )
        )
        hires.setStyleSheet("color: #495057;")
        card.body_layout.addWidget(hires)
        tracks = QLabel(
            "<br>".join(
                tr("{track}：{pct}（离职 {n} 人）").format(
                    track=x.track, pct=_pct(x.rolling.pct), n=x.rolling.separations
                )
                for x in flow.by_track
            )
        )
        tracks.setToolTip(formula)
        card.body_layout.addWidget(tracks)
        cohorts = [c for c in flow.retention if c.hired]
        if cohorts:
            kept = QLabel(
                tr("入职留存：")
                + listed(
                    [
                        tr("{year}年入职 {hired} 人，在职 {stayed} 人（{pct}）").format(
                            year=c.first[:4], hired=c.hired, stayed=c.stayed, pct=_pct(c.pct)
                        )
                        for c in cohorts
                    ],
                    "；",
                )
            )
            kept.setObjectName("retention")
            kept.setToolTip(tr("留存率 = 该年入职且截至所选月份仍在职的人数 ÷ 该年入职人数 × 100%"))
            card.body_layout.addWidget(kept)
        card.body_layout.addStretch(1)

    def _draw_cases(self, cases: db.CaseFigures) -> None:
        card = self.cases
        card.clear()
        days = (
            tr("平均 {avg} 天，最长 {max} 天", avg=f"{cases.avg_days:g}", max=f"{cases.max_days:g}")
            if cases.avg_days is not None and cases.max_days is not None
            else tr("还没有已决定的申请")
        )
        big = QLabel(
            f"<span style='font-size:20px; font-weight:bold'>{cases.decided}</span> "
            + tr("件已决定")
            + f"<br><span style='color:#495057'>{days}</span>"
        )
        big.setToolTip(tr("天数 = 老板决定时间 − 提交时间"))
        card.body_layout.addWidget(big)
        card.body_layout.addWidget(
            QLabel(tr("未决 {n} 件（按等待时间）：").format(n=len(cases.open)))
        )
        for c in cases.open[:6]:
            line = QLabel(
                tr("{name} {move}：{waiting}").format(
                    name=c.name, move=c.move, waiting=waiting_text(c.days_waiting)
                )
            )
            line.setToolTip(tr("已等待 {days} 天", days=f"{c.days_waiting:.1f}"))
            line.setStyleSheet("color: #c92a2a;" if c.days_waiting > 2 else "")
            card.body_layout.addWidget(line)
        if cases.ended:
            ended = QLabel(
                tr(
                    "另有 {n} 件在老板决定前已结束：{states}",
                    n=sum(n for _s, n in cases.ended),
                    states=listed([f"{state_text(s)} {n}" for s, n in cases.ended], "、"),
                )
            )
            ended.setObjectName("ended")
            card.body_layout.addWidget(ended)
        if cases.per_cycle:
            card.body_layout.addWidget(
                QLabel(
                    tr("各评审周期：")
                    + listed(
                        [f"{name or tr('未归入周期')} {n}" for name, n in cases.per_cycle], "；"
                    )
                )
            )
        card.body_layout.addStretch(1)

    def _draw_business(self, found: db.Dashboard) -> None:
        card = self.business
        card.clear()
        months = list(found.business)
        if not months:
            card.body_layout.addWidget(QLabel(tr("还没有店铺数据。")))
            return
        chart = _chart()
        gmv = QLineSeries()
        gmv.setName(tr("公司GMV（万元）"))
        gmv.setPen(QPen(GMV_COLOR, 2))
        share = QLineSeries()
        share.setName(tr("直播占比（%）"))
        share.setPen(QPen(LIVE_COLOR, 2))
        top_gmv = 0.0
        for i, b in enumerate(months):
            if b.gmv is not None:
                gmv.append(float(i), b.gmv / 10_000)
                top_gmv = max(top_gmv, b.gmv / 10_000)
            if b.live_share is not None:
                share.append(float(i), b.live_share * 100)
        chart.addSeries(gmv)
        chart.addSeries(share)
        tracks = sorted({t for b in months for t, _ in b.by_track})
        track_lines = []
        for n, track in enumerate(tracks):
            line = QLineSeries()
            line.setName(tr("{track}（万元）").format(track=track) if track else tr("未分配店铺"))
            pen = QPen(QColor(TRACK_COLORS[n % len(TRACK_COLORS)]), 1.5)
            pen.setStyle(Qt.PenStyle.DashLine)
            line.setPen(pen)
            for i, b in enumerate(months):
                value = dict(b.by_track).get(track)
                if value is not None:
                    line.append(float(i), value / 10_000)
            line.hovered.connect(
                lambda point, state, track=track: self._point_tip(
                    months, point.x(), state, "track", track
                )
            )
            chart.addSeries(line)
            track_lines.append(line)
        # promotions marked on the company line, in the month they took effect
        promoted_in = {p.month: p for p in found.promotions if p.promotions}
        marks = QScatterSeries()
        marks.setName(tr("晋升"))
        marks.setMarkerSize(9)
        marks.setColor(PROMOTION_COLOR)
        marks.setBorderColor(PROMOTION_COLOR)
        for i, b in enumerate(months):
            if b.month in promoted_in and b.gmv is not None:
                marks.append(float(i), b.gmv / 10_000)
        marks.hovered.connect(
            lambda point, state: self._promotion_tip(months, promoted_in, point.x(), state)
        )
        if marks.count():  # no promotions: no empty 晋升 in the legend
            chart.addSeries(marks)
        axis_x = QCategoryAxis()
        axis_x.setLabelsFont(_small_font(7))
        axis_x.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        axis_x.setRange(-0.5, max(len(months) - 0.5, 0.5))
        step = max(1, -(-len(months) // 12))
        lang = current_language()
        for i, name in month_labels([b.month for b in months], step, lang):
            axis_x.append(name, float(i))
        axis_x.setGridLineVisible(False)
        left = QValueAxis()
        left.setRange(0, max(top_gmv * 1.1, 1))
        left.applyNiceNumbers()
        fit_label_format(left)  # a small shop's 0.6 万元 is not "0 0 0 1 1 1"
        left.setTitleText(tr("万元"))
        left.setLabelsFont(_small_font())
        left.setTitleFont(_small_font())
        right = QValueAxis()
        right.setRange(0, max([100.0, *(b.live_share * 100 for b in months if b.live_share)]))
        right.setLabelFormat("%.0f%%")
        right.setTitleText(tr("直播占比"))
        right.setLabelsFont(_small_font())
        right.setTitleFont(_small_font())
        chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(left, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(right, Qt.AlignmentFlag.AlignRight)
        gmv.attachAxis(axis_x)
        gmv.attachAxis(left)
        share.attachAxis(axis_x)
        share.attachAxis(right)
        for series in (*track_lines, *([marks] if marks.count() else [])):
            series.attachAxis(axis_x)
            series.attachAxis(left)
        gmv.hovered.connect(lambda point, state: self._point_tip(months, point.x(), state, "gmv"))
        share.hovered.connect(
            lambda point, state: self._point_tip(months, point.x(), state, "share")
        )
        promoted = [p for p in found.promotions if p.promotions]
        note = (
            tr("晋升：")
            + listed(
                [
                    f"{mo.short_label(p.month, current_language())} "
                    + listed(r.name for r in p.promotions)
                    for p in promoted
                ],
                "；",
            )
            if promoted
            else tr("近12个月没有晋升记录")
        )
        view = _chart_view(chart, 230)
        view.setObjectName("business-chart")
        card.body_layout.addWidget(view)
        label = QLabel(note)
        label.setStyleSheet("color: #495057;")
        card.body_layout.addWidget(label)

    def _point_tip(
        self,
        months: Sequence[db.BusinessMonth],
        x: float,
        state: bool,
        which: str,
        track: str = "",
    ) -> None:
        if not state:
            return
        i = round(x)
        if not 0 <= i < len(months):
            return
        from PySide6.QtGui import QCursor

        QToolTip.showText(QCursor.pos(), business_tip(months[i], which, track))

    def _promotion_tip(
        self,
        months: Sequence[db.BusinessMonth],
        promoted_in: dict[str, db.PromotionMonth],
        x: float,
        state: bool,
    ) -> None:
        i = round(x)
        if not state or not 0 <= i < len(months) or months[i].month not in promoted_in:
            return
        from PySide6.QtGui import QCursor

        names = listed(r.name for r in promoted_in[months[i].month].promotions)
        QToolTip.showText(
            QCursor.pos(), tr("{month} 晋升：{names}").format(month=months[i].month, names=names)
        )

    def _draw_checklist(self, found: db.Dashboard) -> None:
        _drop_layout(self.checklist_layout)
        title = QLabel(tr("欢迎使用 Tidui 梯队！按下面的步骤开始，完成后这里会显示梯队健康度："))
        title.setStyleSheet("font-size: 15px; font-weight: bold;")
        title.setWordWrap(True)
        self.checklist_layout.addWidget(title)
        self.check_rows: dict[str, QPushButton] = {}
        for item in found.checklist:
            row = QHBoxLayout()
            mark = QLabel("✓" if item.done else "○")
            mark.setObjectName(f"mark-{item.key}")
            mark.setStyleSheet(
                "color: #2f9e44; font-size: 18px;"
                if item.done
                else "color: #868e96; font-size: 18px;"
            )
            mark.setFixedWidth(28)
            text = QLabel(item.label.text())
            text.setStyleSheet("font-size: 14px;" + ("color: #868e96;" if item.done else ""))
            button = QPushButton(tr(CHECKLIST_BUTTONS[item.key]))
            button.setObjectName(f"go-{item.key}")
            button.clicked.connect(
                lambda _checked=False, key=CHECKLIST_PAGES[item.key]: self.go_to(key)
            )
            self.check_rows[item.key] = button
            row.addWidget(mark)
            row.addWidget(text, 1)
            row.addWidget(button)
            self.checklist_layout.addLayout(row)
        self.checklist_layout.addStretch(1)

    # --- actions ---------------------------------------------------------------------------------

    def _main(self) -> QWidget | None:
        window = self.window()
        return window if hasattr(window, "show_page") else None

    def go_to(self, key: str) -> None:
        main = self._main()
        if main is not None:
            main.show_page(key)  # type: ignore[attr-defined]

    def open_employee(self, employee_id: int) -> None:
        main = self._main()
        if main is None:
            return
        main.show_page("employees")  # type: ignore[attr-defined]
        page = main.page("employees")  # type: ignore[attr-defined]
        if page is not None and hasattr(page, "show_employee"):
            page.show_employee(employee_id)

    def show_people(self, level_id: int, which: str) -> PeopleDialog:
        return self._show_refs(
            self.vm.people_title(level_id, which), self.vm.people(level_id, which)
        )

    def _show_refs(self, title: str, people: Sequence[db.PersonRef]) -> PeopleDialog:
        self.dialog = PeopleDialog(title, people, self.open_employee, self)
        self.dialog.open()
        return self.dialog

    def export_table(self, key: str) -> None:
        path = ask_export_path(self, tr("导出 Excel"), self.vm.suggested_name(key))
        if path is not None:
            self.vm.export(key, path)

    def a4_pdf(self) -> bytes:
        """The dashboard on one A4 page (portrait): a title line, then every card scaled to fit."""
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPoint, QSize
        from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter

        found = self.vm.result
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QPdfWriter(buffer)
        writer.setResolution(150)
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                QMarginsF(10, 10, 10, 10),
                QPageLayout.Unit.Millimeter,
            )
        )
        writer.setTitle(tr("梯队健康度"))
        painter = QPainter(writer)
        try:
            area = writer.pageLayout().paintRectPixels(writer.resolution())
            width, height = area.width(), area.height()
            title_font = QFont(self.font())
            title_font.setPointSize(14)
            title_font.setBold(True)
            painter.setFont(title_font)
            heading = tr("梯队健康度")
            if found is not None:
                heading += "　" + tr("截至 {month}").format(
                    month=mo.label(found.as_of, current_language())
                )
                heading += "　" + self.session_vm.company_name()
            line = painter.fontMetrics().height() + 10
            painter.drawText(0, painter.fontMetrics().ascent(), heading)
            source = (
                self.content if self.stack.currentWidget() is self.scroll_area else self.checklist
            )
            before = source.size()
            size = QSize(max(before.width(), 1100), before.height())
            if self.stack.currentWidget() is self.scroll_area:
                size.setHeight(max(source.heightForWidth(size.width()), source.sizeHint().height()))
            buttons = [b for c in self.cards.values() for b in (c.toggle, c.export_button)]
            for button in buttons:  # paper has nothing to click
                button.hide()
            source.resize(size)  # laid out at a page-like width, whatever the window's size
            scale = min(width / max(size.width(), 1), (height - line) / max(size.height(), 1))
            painter.translate(0, line)
            painter.scale(scale, scale)
            source.render(painter, QPoint(0, 0))
            source.resize(before)
            for button in buttons:
                button.show()
        finally:
            painter.end()
            buffer.close()
        return bytes(data.data())

    def export_pdf(self) -> bool:
        month = self.vm.result.as_of if self.vm.result else ""
        path = ask_pdf_path(self, f"{tr('梯队健康度')}_{month}.pdf")
        if path is None:
            return False
        return save_pdf_bytes(self.vm, self.a4_pdf(), path)

    def print_page(self) -> bool:
        from desktop.views.printing import ask_and_print

        return ask_and_print(self.a4_pdf(), self, tr("梯队健康度"))

    def edit_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.vm.settings(), self)
        dialog.accepted.connect(
            lambda: self.vm.save_settings(
                dialog.bench.value(), dialog.low.value(), dialog.high.value()
            )
        )
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    # --- slots -----------------------------------------------------------------------------------

    @Slot(int)
    def on_month_index_changed(self, index: int) -> None:
        month = self.month.itemData(index)
        self.vm.set_as_of(None if month in (None, AUTO_MONTH) else str(month))

    @Slot(bool)
    def on_vm_loading_changed(self, loading: bool) -> None:
        self.refresh_button.setEnabled(not loading)
        if loading:
            self.status.setText(tr("正在计算…"))

    @Slot(str)
    def on_vm_failed(self, text: str) -> None:
        self.status.setText(text)
        QMessageBox.warning(self, tr("梯队健康度"), text)

    @Slot(str)
    def on_vm_exported(self, path: str) -> None:
        self.status.setText(tr("已导出：{path}").format(path=path))


def _pieces(title: str) -> list[str]:
    """A title cut where a line may break: between Chinese characters, never inside a Latin
    word or a number ("VP 运营" → "VP", " ", "运", "营")."""
    return re.findall(r"[0-9A-Za-z.'&+/_-]+|\s+|.", title)


def _widest(lines: Sequence[str], metrics: QFontMetricsF) -> float:
    return max((metrics.horizontalAdvance(line) for line in lines), default=0.0)


def _best_split(title: str, count: int, metrics: QFontMetricsF) -> list[str]:
    """``title`` on at most ``count`` lines, broken where the widest line is narrowest."""
    pieces = _pieces(title)
    best = [title]
    best_width = metrics.horizontalAdvance(title)
    for cuts in itertools.combinations(range(1, len(pieces)), min(count, len(pieces)) - 1):
        bounds = (0, *cuts, len(pieces))
        lines = ["".join(pieces[a:b]).strip() for a, b in itertools.pairwise(bounds)]
        if not all(lines):
            continue
        width = _widest(lines, metrics)
        if width < best_width - 0.01:
            best, best_width = lines, width
    return best


def _wrapped(title: str, room: float, metrics: QFontMetricsF) -> list[str]:
    """``title`` in lines no wider than ``room``: one line if it fits, else two, else three;
    a name too long even for three has the lines that do not fit shortened with "…"."""
    lines = [title]
    for count in range(1, MAX_LABEL_LINES + 1):
        lines = _best_split(title, count, metrics)
        if _widest(lines, metrics) <= room:
            return lines
    return [metrics.elidedText(line, Qt.TextElideMode.ElideRight, max(room, 1.0)) for line in lines]


def _axis_label(lines: Sequence[str]) -> str:
    """A category label as QtCharts takes it (it always reads labels as HTML)."""
    return "<br>".join(html.escape(line) for line in lines)


def _short_titles(titles: Sequence[str]) -> list[str]:
    """Level titles without the prefix they share ("运营助理", "运营专员" → "助理", "专员"), so
    that they fit under the bars; unique titles stay unique."""
    if len(titles) < 2:
        return list(titles)
    prefix = titles[0]
    for title in titles[1:]:
        while not title.startswith(prefix):
            prefix = prefix[:-1]
    short = [t[len(prefix) :] or t for t in titles]
    return short if len(set(short)) == len(short) else list(titles)


def business_tip(b: db.BusinessMonth, which: str, track: str = "") -> str:
    """The exact figure behind a point of the 业务关联 chart."""
    if which == "gmv":
        return tr("{month}：公司GMV {gmv} 元").format(month=b.month, gmv=f"{b.gmv or 0:,.0f}")
    if which == "track":
        value = dict(b.by_track).get(track, 0.0)
        share = value / b.gmv * 100 if b.gmv else None
        return tr("{month}：{track} GMV {gmv} 元（占公司 {share}）").format(
            month=b.month, track=track or tr("未分配店铺"), gmv=f"{value:,.0f}", share=_pct(share)
        )
    return tr("{month}：直播GMV {live} 元，占 {share}").format(
        month=b.month, live=f"{b.live_gmv:,.0f}", share=_pct((b.live_share or 0) * 100)
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"
