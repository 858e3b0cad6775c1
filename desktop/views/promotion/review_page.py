"""晋升评审: the meeting screen for one cycle. Left, the candidates (filter by transition and state;
up/down moves, Enter or a double-click opens the case); right, the selected candidate's score
breakdown, criteria checklist with a sparkline per KPI criterion, approval trail and evidence.
比较 puts two or three candidates of the same move side by side, printable."""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QPointF, QRect, QSize, Qt, QUrl, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.errors import TiduiError
from desktop.i18n import bracketed, listed, tr
from desktop.viewmodels.promotion_review_vm import ReviewViewModel
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.viewmodels.table_model import RecordTableModel
from desktop.views.employees.radar import CompetencyRadar
from desktop.views.focus import frame_focus
from desktop.views.tables import read_only

DIFFERS = QColor("#fff4ce")
VALUE_WIDTH = 150  # one candidate's column in 对比: ✓ / ✗ / a score under the name
LABEL_WIDTH = 480, 240  # the item column, preferred and least: a longer criterion wraps in it
LARGEST = QSize(1366, 728)  # a 1366×768 laptop less its task bar


class Sparkline(QWidget):
    """A month-by-month line of one KPI criterion; a gap where a month has no data."""

    def __init__(self, values: tuple[float | None, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values = values
        self.setFixedSize(QSize(96, 24))

    def paintEvent(self, event: QPaintEvent) -> None:
        known = [v for v in self.values if v is not None]
        if not known:
            return
        low, high = min(known), max(known)
        span = (high - low) or 1.0
        w, h, pad = self.width(), self.height(), 3
        step = (w - 2 * pad) / max(1, len(self.values) - 1)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#1565c0"), 1.5))
        previous: QPointF | None = None
        for i, v in enumerate(self.values):
            if v is None:
                previous = None
                continue
            point = QPointF(pad + i * step, h - pad - (v - low) / span * (h - 2 * pad))
            if previous is not None:
                painter.drawLine(previous, point)
            painter.drawEllipse(point, 1.5, 1.5)
            previous = point
        painter.end()


class CandidateTable(QTableView):
    """The candidates: up/down moves, Enter or a double-click opens the current one's case."""

    open_requested = Signal(int)  # the row

    def __init__(self, model: RecordTableModel[object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        read_only(self)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.doubleClicked.connect(self.on_double_clicked)

    @Slot(QModelIndex)
    def on_double_clicked(self, index: QModelIndex) -> None:
        self.open_requested.emit(index.row())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


def _label(text: str, *, bold: bool = False, wrap: bool = True, color: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    style = ("font-weight: bold;" if bold else "") + (f"color: {color};" if color else "")
    if style:
        label.setStyleSheet(style)
    return label


def _clear(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        if widget is not None:
            widget.setParent(None)  # gone from the screen and from findChild at once
            widget.deleteLater()
        elif item.layout() is not None:
            inner = item.layout()
            assert inner is not None
            _clear(inner)


class DetailPanel(QWidget):
    """The right-hand side: everything about the selected candidate, top to bottom."""

    def __init__(self, vm: ReviewViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.box = QVBoxLayout(self)
        self.box.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.show_detail()

    def _heading(self, text: str) -> None:
        label = _label(text, bold=True)
        label.setStyleSheet("font-weight: bold; font-size: 14px; padding-top: 8px;")
        self.box.addWidget(label)

    def _grid(self, headers: list[str]) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        for column, text in enumerate(headers):
            grid.addWidget(_label(text, bold=True, wrap=False, color="#616161"), 0, column)
        self.box.addLayout(grid)
        return grid

    def show_detail(self) -> None:
        _clear(self.box)
        detail = self.vm.detail
        if detail is None:
            self.box.addWidget(_label(tr("选择左侧的候选人"), color="#616161"))
            return
        row = detail.row
        title = _label(f"{bracketed(row.name, row.no)}  {row.transition}", bold=True)
        title.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.box.addWidget(title)
        total = "—" if detail.total is None else f"{detail.total:.1f}"
        self.box.addWidget(_label(tr("总分：{total}").format(total=total)))

        self._heading(tr("评估得分"))
        grid = self._grid([tr("项目"), tr("权重"), tr("得分"), tr("各评分人"), tr("分差")])
        for r, line in enumerate(self.vm.score_lines(), start=1):
            name = _label(("    " if line.level else "") + line.name, bold=not line.level)
            grid.addWidget(name, r, 0)
            grid.addWidget(_label(line.weight, wrap=False), r, 1)
            grid.addWidget(_label(line.score, wrap=False, bold=not line.level), r, 2)
            grid.addWidget(_label(line.ratings), r, 3)
            grid.addWidget(_label(line.spread, wrap=False), r, 4)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(3, 3)

        self._heading(tr("晋升条件"))
        grid = self._grid(["", tr("条件"), tr("实际"), tr("要求"), tr("逐月")])
        for r, check in enumerate(self.vm.check_lines(), start=1):
            mark = _label("✓" if check.met else "✗", wrap=False)
            mark.setStyleSheet(f"color: {'#2e7d32' if check.met else '#c62828'}; font-size: 14px;")
            grid.addWidget(mark, r, 0)
            rule = _label(check.rule)
            rule.setToolTip(check.explanation)
            grid.addWidget(rule, r, 1)
            # one value stays whole ("1.6个百分点" was broken as 1.6个百分 / 点); month lists wrap
            grid.addWidget(_label(check.observed, wrap="、" in check.observed), r, 2)
            grid.addWidget(_label(check.required, wrap=False), r, 3)
            if any(v is not None for v in check.series):
                spark = Sparkline(check.series)
                spark.setToolTip(
                    "  ".join(
                        f"{m} {'—' if v is None else f'{v:g}'}"
                        for m, v in zip(check.months, check.series, strict=False)
                    )
                )
                grid.addWidget(spark, r, 4)
        grid.setColumnStretch(1, 4)
        grid.setColumnStretch(2, 1)
        grid.setColumnStretch(3, 1)

        self._heading(tr("能力评估（360）"))
        competencies = self.vm.competency_rows()
        if not competencies:
            self.box.addWidget(_label(tr("目标职级未设能力要求。"), color="#616161"))
        else:
            holder = QWidget()
            side = QHBoxLayout(holder)
            side.setContentsMargins(0, 0, 0, 0)
            table = QGridLayout()
            table.setHorizontalSpacing(10)
            for column, text in enumerate(["", tr("能力"), tr("要求"), tr("360均分")]):
                table.addWidget(_label(text, bold=True, wrap=False, color="#616161"), 0, column)
            for r, c in enumerate(competencies, start=1):
                mark = _label(c.mark, wrap=False)
                mark.setStyleSheet(f"color: {'#2e7d32' if c.mark == '✓' else '#c62828'};")
                table.addWidget(mark, r, 0)
                table.addWidget(_label(c.competency, wrap=False), r, 1)
                table.addWidget(_label(c.expected, wrap=False), r, 2)
                table.addWidget(_label(c.mean, wrap=False), r, 3)
            table.setRowStretch(len(competencies) + 1, 1)
            side.addLayout(table)
            radar = CompetencyRadar()  # the employee archive's radar, on the target level
            radar.set_scores(self.vm.competency_scores())
            radar.setObjectName("competency-radar")
            side.addWidget(radar, 1)
            self.box.addWidget(holder)
        quotes = self.vm.quote_lines()
        for q in quotes:
            quote = _label(f"{q.who}：“{q.comment}”", color="#424242")
            quote.setObjectName("feedback-quote")
            self.box.addWidget(quote)
        if competencies and not quotes:
            self.box.addWidget(_label(tr("暂无360评语。"), color="#616161"))

        self._heading(tr("审批记录"))
        trail = self.vm.trail_lines()
        if not trail:
            self.box.addWidget(_label(tr("尚未发起晋升申请。"), color="#616161"))
        for t in trail:
            text = f"{t.at}  {t.step}  {t.who}  {t.action}"
            self.box.addWidget(_label(text + (f"：{t.comment}" if t.comment else "")))

        self._heading(tr("佐证材料"))
        files = self.vm.evidence_files()
        if not files:
            self.box.addWidget(_label(tr("无"), color="#424242"))
        else:
            links = _label(listed(f"<a href='{i}'>{html.escape(name)}</a>" for i, name in files))
            links.setObjectName("evidence-links")
            links.setTextFormat(Qt.TextFormat.RichText)
            links.setTextInteractionFlags(
                Qt.TextInteractionFlag.LinksAccessibleByMouse
                | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
            )
            links.setToolTip(tr("点击文件名，用电脑上的程序打开（临时解密副本，退出时删除）"))
            links.linkActivated.connect(self.on_evidence_link_activated)
            self.box.addWidget(links)

    @Slot(str)
    def on_evidence_link_activated(self, href: str) -> None:
        path = self.vm.open_evidence(int(href))
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class CompareDialog(QDialog):
    """Two or three candidates side by side; rows that differ are highlighted; 预览/打印."""

    def __init__(self, vm: ReviewViewModel, numbers: list[int], parent: QWidget | None = None):
        super().__init__(parent)
        self.vm = vm
        self.numbers = numbers
        self.preview: QDialog | None = None
        self.setWindowTitle(tr("晋升评审对比"))
        names = vm.compare_names(numbers)
        lines = vm.compare_lines(numbers)
        self.table = QTableWidget(len(lines), 1 + len(names))
        self.table.setHorizontalHeaderLabels([tr("项目"), *names])
        self.table.verticalHeader().hide()
        read_only(self.table)
        self.table.setWordWrap(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 1 + len(names)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, VALUE_WIDTH)
        # a wrapped criterion's row is as tall as its lines at the column's width of the moment
        header.sectionResized.connect(self._fit_rows)
        sections = {"criteria": tr("晋升条件"), "parts": tr("评估得分")}
        self.differing: list[int] = []
        for r, line in enumerate(lines):
            label = tr("总分") if line.label == "total" else line.label
            first = QTableWidgetItem(f"{sections.get(line.section, '')} · {label}")
            first.setToolTip(label)
            self.table.setItem(r, 0, first)
            for c, value in enumerate(line.values, start=1):
                item = QTableWidgetItem(value or "—")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, c, item)
            if line.differs:
                self.differing.append(r)
                for c in range(self.table.columnCount()):
                    cell = self.table.item(r, c)
                    if cell is not None:
                        cell.setBackground(DIFFERS)
        hint = _label(tr("底色标出的行表示候选人之间有差异。"), color="#616161")
        self.preview_button = QPushButton(tr("预览/打印…"))
        self.preview_button.clicked.connect(self.on_preview_clicked)
        close = QPushButton(tr("关闭"))
        close.clicked.connect(self.reject)
        bar = QHBoxLayout()
        bar.addWidget(hint, 1)
        bar.addWidget(self.preview_button)
        bar.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(bar)
        self.setMinimumWidth(LABEL_WIDTH[1] + VALUE_WIDTH * len(names) + 60)
        area = self._screen_area()
        width = LABEL_WIDTH[0] + VALUE_WIDTH * len(names) + 60
        width = max(min(width, LARGEST.width(), area.width() - 40), self.minimumWidth())
        self.resize(width, min(600, LARGEST.height(), area.height() - 60))
        self._fitted = False

    def _screen_area(self) -> QRect:
        return (self.parentWidget() or self).screen().availableGeometry()

    @Slot()
    def _fit_rows(self) -> None:
        self.table.resizeRowsToContents()

    def showEvent(self, event: QShowEvent) -> None:
        """Once laid out at its width: rows as tall as their wrapped lines, the dialog as tall as
        the rows within the screen (never past a 1366×768 laptop's); many rows scroll up and down,
        every column stays in view."""
        super().showEvent(event)
        self._fit_rows()
        if self._fitted:
            return
        self._fitted = True
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        wanted = rows + self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        wanted += self.height() - self.table.height()
        area = self._screen_area()
        self.resize(self.width(), max(min(wanted, LARGEST.height(), area.height() - 60), 320))

    @Slot()
    def on_preview_clicked(self) -> None:
        from desktop.views.reports.preview_dialog import open_preview

        self.preview = open_preview(self.vm.compare_report(self.numbers), self)


class ReviewPage(QWidget):
    def __init__(self, session_vm: SessionViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.vm = ReviewViewModel(session_vm, self)
        self.compare_dialog: CompareDialog | None = None

        title = QLabel(tr("晋升评审"))
        title.setStyleSheet("font-size: 16px; font-weight: bold; padding: 4px 0;")
        self.cycle = QComboBox()
        self.transition = QComboBox()
        self.state = QComboBox()
        for combo in (self.cycle, self.transition, self.state):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(12)
        top.addWidget(QLabel(tr("评审周期")))
        top.addWidget(self.cycle)
        top.addSpacing(12)
        top.addWidget(QLabel(tr("晋升路径")))
        top.addWidget(self.transition)
        top.addWidget(QLabel(tr("状态")))
        top.addWidget(self.state)
        top.addStretch(1)

        self.table = CandidateTable(self.vm.candidates)  # type: ignore[arg-type]
        self.table.open_requested.connect(self.on_open_requested)
        self.compare_button = QPushButton(tr("比较"))
        self.compare_button.setToolTip(tr("选中同一晋升路径的 2–3 位候选人后比较"))
        self.compare_button.setEnabled(False)
        self.compare_button.clicked.connect(self.on_compare_clicked)
        self.message = _label("", color="#616161")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.compare_button)
        left_layout.addLayout(buttons)

        self.panel = DetailPanel(self.vm)
        self.panel_scroll = QScrollArea()
        self.panel_scroll.setWidgetResizable(True)
        self.panel_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.panel_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.panel_scroll.setWidget(self.panel)
        frame_focus(self.panel_scroll)  # Tab stops here to scroll it by keyboard

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.panel_scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 560])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.vm.loaded.connect(self.on_vm_loaded)
        self.vm.detail_changed.connect(self.on_detail_changed)
        self.vm.failed.connect(self.message.setText)
        self.table.selectionModel().currentRowChanged.connect(self.on_current_changed)
        self.table.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.session_vm.data_changed.connect(self.on_data_changed)
        self.cycle.currentIndexChanged.connect(self.on_cycle_chosen)
        self.transition.currentIndexChanged.connect(self.on_filter_changed)
        self.state.currentIndexChanged.connect(self.on_filter_changed)
        self._fill_cycles()

    # --- choosing ------------------------------------------------------------------------------

    def _fill_cycles(self) -> None:
        current = self.cycle.currentData()
        self.cycle.blockSignals(True)
        self.cycle.clear()
        for cycle_id, name in self.vm.cycles():
            self.cycle.addItem(name, cycle_id)
        found = self.cycle.findData(current)
        self.cycle.setCurrentIndex(max(0, found))
        self.cycle.blockSignals(False)
        if self.cycle.count():
            self.on_cycle_chosen()
        else:
            self.message.setText(tr("还没有评审周期。"))

    @Slot()
    def on_cycle_chosen(self) -> None:
        cycle_id = self.cycle.currentData()
        if cycle_id is not None:
            self.vm.load(int(cycle_id))

    def _fill_filters(self) -> None:
        for combo, choices, everything in (
            (self.transition, [(t, t) for t in self.vm.transitions()], tr("全部路径")),
            (self.state, self.vm.states(), tr("全部状态")),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for key, text in choices:
                combo.addItem(text, key)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)

    @Slot()
    def on_filter_changed(self) -> None:
        self.vm.set_filter(self.transition.currentData(), self.state.currentData())

    @Slot()
    def on_vm_loaded(self) -> None:
        self._fill_filters()
        if self.vm.candidates.rowCount():
            self.table.selectRow(0)  # the reset cleared the selection; current moves to row 0
        else:
            self.vm.select(-1)
        self.on_selection_changed()

    @Slot(QModelIndex, QModelIndex)
    def on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.vm.select(current.row())

    @Slot()
    def on_detail_changed(self) -> None:
        """The selected person's detail, from its top: the pane kept the previous person's scroll
        position, so the next one's opened mid-page (at 审批记录, past the scores)."""
        self.panel.show_detail()
        self.panel_scroll.verticalScrollBar().setValue(0)

    def selected_numbers(self) -> list[int]:
        return sorted(i.row() for i in self.table.selectionModel().selectedRows())

    @Slot()
    def on_selection_changed(self) -> None:
        count = len(self.selected_numbers())
        self.compare_button.setEnabled(2 <= count <= 3)

    @Slot(object)
    def on_data_changed(self, area: object) -> None:
        from desktop.viewmodels.session_vm import ChangeArea

        if area == ChangeArea.CYCLES:
            self._fill_cycles()

    # --- opening -------------------------------------------------------------------------------

    @Slot(int)
    def on_open_requested(self, number: int) -> None:
        case_id = self.vm.selected_case(number)
        if case_id is None:
            self.message.setText(tr("该候选人还没有晋升申请，可在达标名单中发起。"))
            return
        from desktop.views.promotion.queue_page import open_case

        open_case(self.session_vm, case_id, self)

    @Slot()
    def on_compare_clicked(self) -> CompareDialog | None:
        try:
            dialog = CompareDialog(self.vm, self.selected_numbers(), self)
        except TiduiError as exc:
            self.message.setText(exc.text())
            return None
        self.compare_dialog = dialog
        dialog.exec()
        return dialog
