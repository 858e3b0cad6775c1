"""晋升进度: per transition out of the employee's level, each criterion ✓/✗ with its months, threshold and what is missing."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.domain import months as mo
from core.domain.rules import Readiness
from core.i18n import current_language
from core.permissions import Perm
from desktop.i18n import tr
from desktop.viewmodels.eligibility_progress_vm import (
    CriterionLine,
    ProgressViewModel,
    TransitionCard,
)
from desktop.viewmodels.eligibility_vm import STATUS_BACKGROUNDS, STATUS_COLORS
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.focus import frame_focus
from desktop.views.visibility import hidden_unless

MET_COLOR = "#1e7e34"
UNMET_COLOR = "#c62828"
CHIPS_PER_ROW = 3  # month chips on one line of a criterion
AUTO_MONTH = ""


def _css(color: str) -> str:
    return f"color: {color};"


def month_picker(parent: QWidget | None = None) -> QComboBox:
    """截至月份: 自动 (the last complete month with data) or a month picked by the user."""
    box = QComboBox(parent)
    box.setMinimumWidth(150)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # its choices whole
    box.addItem(tr("最新完整月份"), AUTO_MONTH)
    return box


def fill_months(box: QComboBox, months: list[str], chosen: str | None) -> None:
    box.blockSignals(True)
    while box.count() > 1:
        box.removeItem(1)
    lang = current_language()
    for month in months:
        box.addItem(mo.label(month, lang), month)
    index = box.findData(chosen) if chosen else 0
    box.setCurrentIndex(max(index, 0))
    box.blockSignals(False)


class CriterionRow(QWidget):
    """One criterion: ✓/✗, the rule and its threshold, the months looked at, and what is missing."""

    def __init__(self, line: CriterionLine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.line = line
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setHorizontalSpacing(8)
        layout.setVerticalSpacing(2)
        self.mark = QLabel("✓" if line.met else "✗")
        self.mark.setStyleSheet(
            _css(MET_COLOR if line.met else UNMET_COLOR) + "font-size: 16px; font-weight: bold;"
        )
        self.mark.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.mark.setFixedWidth(20)
        layout.addWidget(self.mark, 0, 0, 4, 1)
        self.rule = QLabel(line.rule)
        self.rule.setStyleSheet("font-weight: bold;")
        self.rule.setWordWrap(True)
        self.required = QLabel(tr("要求：") + line.required)
        self.required.setStyleSheet(_css("#616161"))
        top = QHBoxLayout()
        top.addWidget(self.rule, 1)
        top.addWidget(self.required)
        layout.addLayout(top, 0, 1)
        row = 1
        self.chips: list[QLabel] = []
        if line.months:
            # a few a row: six months side by side widened the 达标名单's panel past a 1366×768
            # screen (a sideways scroll bar, the rule's 要求 out of sight)
            chips = QGridLayout()
            chips.setHorizontalSpacing(4)
            chips.setVerticalSpacing(3)
            for n, chip in enumerate(line.months):
                label = QLabel(f"{chip.label} {chip.value}")
                color = "#424242" if chip.met is None else (MET_COLOR if chip.met else UNMET_COLOR)
                background = (
                    "#f1f3f5" if chip.met is None else ("#e3f4e8" if chip.met else "#fdecea")
                )
                label.setStyleSheet(
                    f"color: {color}; background: {background}; border-radius: 3px;"
                    " padding: 1px 5px;"
                )
                chips.addWidget(label, *divmod(n, CHIPS_PER_ROW))
                self.chips.append(label)
            chips.setColumnStretch(CHIPS_PER_ROW, 1)
            layout.addLayout(chips, row, 1)
            row += 1
        self.explanation = QLabel(line.explanation)
        self.explanation.setWordWrap(True)
        self.explanation.setStyleSheet(_css("#424242"))
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.explanation, row, 1)
        row += 1
        self.missing = QLabel(tr("未满足：") + line.missing if line.missing else "")
        self.missing.setWordWrap(True)
        self.missing.setStyleSheet(_css(UNMET_COLOR))
        hidden_unless(bool(line.missing), self.missing)
        layout.addWidget(self.missing, row, 1)
        layout.setColumnStretch(1, 1)


class TransitionCardView(QFrame):
    """One transition: title, overall status, then one row per criterion."""

    def __init__(self, card: TransitionCard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card = card
        self.setObjectName("transitionCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#transitionCard { border: 1px solid #dee2e6; border-radius: 6px; background: white; }"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        header = QHBoxLayout()
        self.title = QLabel(card.title)
        self.title.setStyleSheet("font-size: 14px; font-weight: bold;")
        self.title.setWordWrap(True)  # a transfer's two long ends must not widen the panel
        self.kind = QLabel(card.kind)
        self.kind.setStyleSheet(_css("#616161"))
        self.status = QLabel(card.status_text)
        color = STATUS_COLORS[card.status].name()
        background = STATUS_BACKGROUNDS[card.status].name()
        self.status.setStyleSheet(
            f"color: {color}; background: {background}; border-radius: 4px;"
            " padding: 2px 8px; font-weight: bold;"
        )
        header.addWidget(self.title, 1)
        header.addWidget(self.kind)
        header.addStretch(1)
        header.addWidget(self.status, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)
        self.summary = QLabel(card.summary)
        self.summary.setStyleSheet(_css("#616161"))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.rows: list[CriterionRow] = []
        for line in card.lines:
            separator = QFrame()
            separator.setFrameShape(QFrame.Shape.HLine)
            separator.setStyleSheet("color: #eceff1;")
            layout.addWidget(separator)
            row = CriterionRow(line)
            layout.addWidget(row)
            self.rows.append(row)


class CaseStrip(QFrame):
    """The employee's 晋升申请 above the criteria: each case still going (and the latest decided
    one, unless it took effect) with its state, its step and who holds it; 查看申请 opens the
    case view."""

    def __init__(self, session_vm: SessionViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from desktop.viewmodels.promotion_queue_vm import CaseListViewModel

        self.session_vm = session_vm
        self.vm = CaseListViewModel(session_vm, None, self)
        self.setObjectName("caseStrip")
        self.setStyleSheet(
            "#caseStrip { border: 1px solid #cfe0f3; border-radius: 6px; background: #f4f8fd; }"
        )
        self.rows_layout = QVBoxLayout(self)
        self.rows_layout.setContentsMargins(10, 6, 10, 6)
        self.rows_layout.setSpacing(4)
        self.lines: list[QWidget] = []
        self.open_buttons: dict[int, QPushButton] = {}
        self.vm.loaded.connect(self.on_vm_loaded)
        self.hide()

    def show_employee(self, employee_id: int | None) -> None:
        if not self.session_vm.can(Perm.VIEW_ELIGIBILITY):
            return
        self.vm.set_employee(employee_id)  # read again in the background when it changes

    @Slot()
    def on_vm_loaded(self) -> None:
        for line in self.lines:
            self.rows_layout.removeWidget(line)
            line.hide()
            line.deleteLater()
        self.lines, self.open_buttons = [], {}
        for status in self.vm.status_lines() if self.vm.employee_id is not None else []:
            line = QWidget()
            row = QHBoxLayout(line)
            row.setContentsMargins(0, 0, 0, 0)
            title = QLabel(status.title)
            title.setStyleSheet("font-weight: bold;")
            title.setWordWrap(True)
            state = QLabel(status.state)
            color = "#2f6fad" if status.open else "#616161"
            state.setStyleSheet(
                f"color: white; background: {color}; border-radius: 4px; padding: 1px 6px;"
            )
            where = QLabel(" · ".join(t for t in (status.step, status.holder) if t))
            where.setStyleSheet(_css("#424242"))
            where.setWordWrap(True)
            button = QPushButton(tr("查看申请"))
            button.clicked.connect(lambda _c=False, i=status.case_id: self.open_case(i))
            row.addWidget(title, 2)
            row.addWidget(state, 0)
            row.addWidget(where, 3)
            row.addWidget(button, 0)
            self.rows_layout.addWidget(line)
            self.lines.append(line)
            self.open_buttons[status.case_id] = button
        self.setVisible(bool(self.lines))

    def open_case(self, case_id: int) -> None:
        from desktop.views.promotion.queue_page import open_case

        open_case(self.session_vm, case_id, self)


class ProgressPanel(QWidget):
    """The 晋升进度 of one employee; in the 达标名单 it follows the selected row."""

    def __init__(
        self,
        session_vm: SessionViewModel,
        employee_id: int | None = None,
        transition_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.vm = ProgressViewModel(session_vm, None, None, self)
        header = QHBoxLayout()
        self.month_label = QLabel(tr("截至月份："))
        header.addWidget(self.month_label)
        self.month = month_picker(self)
        self.month.setToolTip(tr("默认按最新的完整月份评估；可选择其他月份查看当时的进度。"))
        self.month.currentIndexChanged.connect(self.on_month_index_changed)
        header.addWidget(self.month)
        header.addStretch(1)
        self.print_button = QPushButton(tr("打印进度单…"))
        self.print_button.setToolTip(
            tr("预览、打印或另存为 PDF；预览中的“导出全部…”为每位在职员工各生成一份。")
        )
        self.print_button.clicked.connect(self.on_print_clicked)
        self.print_button.hide()
        self.preview: QWidget | None = None
        self.busy = QLabel(tr("正在计算…"))
        self.busy.setStyleSheet(_css("#616161"))
        self.busy.hide()
        header.addWidget(self.busy)
        header.addWidget(self.print_button)
        self.header = header
        # where the print button goes when the month row has no room for it (the employee
        # form's 晋升进度 tab in English squeezed both: "Latest complete montl", "Print progre⋯")
        self.second_row = QHBoxLayout()
        self.second_row.addStretch(1)
        self.cards_widget = QWidget()
        self.cards_layout = QVBoxLayout(self.cards_widget)
        self.cards_layout.setContentsMargins(0, 0, 4, 0)
        self.cards_layout.setSpacing(10)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet(_css("#616161") + "padding: 24px;")
        self.cards_layout.addWidget(self.empty)
        self.cards_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.cards_widget)
        frame_focus(scroll)  # Tab stops here to scroll it by keyboard
        scroll.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(header)
        layout.addLayout(self.second_row)
        self.cases = CaseStrip(session_vm, self)
        layout.addWidget(self.cases)
        layout.addWidget(scroll, 1)
        self.card_views: list[TransitionCardView] = []
        self.vm.changed.connect(self.on_vm_changed)
        self.vm.loading_changed.connect(self.on_vm_loading_changed)
        self.vm.show(employee_id, transition_id)
        self.cases.show_employee(employee_id)

    def hide_month_picker(self) -> None:
        """Where a page has its own as-of picker (the 达标名单), the panel follows it."""
        self.month_label.hide()
        self.month.hide()

    def show_employee(
        self, employee_id: int | None, transition_id: int | None = None, as_of: str | None = None
    ) -> None:
        self.vm.show(employee_id, transition_id, as_of if as_of is not None else self.vm.as_of)
        self.cases.show_employee(employee_id)

    @Slot(int)
    def on_month_index_changed(self, index: int) -> None:
        month = self.month.itemData(index)
        self.vm.set_as_of(month or None)

    @Slot(bool)
    def on_vm_loading_changed(self, loading: bool) -> None:
        self.busy.setVisible(loading)

    @Slot()
    def _place_print_button(self) -> None:
        """Beside the month picker where the row has room, else on a line of its own."""
        beside = self.header.indexOf(self.print_button) >= 0
        spacing = self.header.spacing()
        row = sum(
            w.sizeHint().width() + spacing
            for w in (self.month_label, self.month, self.busy, self.print_button)
            if not w.isHidden()
        )
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else None
        spare = margins.left() + margins.right() if margins is not None else 0
        fits = row + spare <= self.width()
        if fits and not beside:
            self.second_row.removeWidget(self.print_button)
            self.header.addWidget(self.print_button)
        elif not fits and beside:
            self.header.removeWidget(self.print_button)
            self.second_row.addWidget(self.print_button)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_print_button()

    def on_vm_changed(self) -> None:
        for view in self.card_views:
            self.cards_layout.removeWidget(view)
            view.hide()  # until deleteLater runs it would still paint under the new cards
            view.deleteLater()
        self.card_views = []
        fill_months(self.month, self.vm.months(), self.vm.as_of)
        for position, card in enumerate(self.vm.cards):
            view = TransitionCardView(card)
            self.cards_layout.insertWidget(position, view)
            view.show()  # at once, not on the next turn of the event loop
            self.card_views.append(view)
        self.empty.setText(self.vm.empty_text() if not self.vm.cards else "")
        self.empty.setVisible(not self.vm.cards)
        self.print_button.setVisible(self.vm.can_print())
        self._place_print_button()

    @Slot()
    def on_print_clicked(self) -> None:
        from desktop.views.reports.preview_dialog import open_preview

        self.preview = open_preview(self.vm.progress_report(), self)

    def statuses(self) -> list[Readiness]:
        return [card.status for card in self.vm.cards]
