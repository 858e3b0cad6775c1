"""晋升评审: one cycle's candidates (filtered by transition and state) and the selected one's detail.

Everything comes from core.services.promotion.review; this only keeps the selection, the filter
and refreshes when another screen (or user on this PC) changes cases, scores or the ladder.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from core.domain.rules import Readiness
from core.errors import TiduiError
from core.reports import compare as compare_report
from core.services.promotion import review
from core.services.promotion.cycles import CycleRow, get_cycle
from desktop.i18n import tr
from desktop.viewmodels.eligibility_vm import status_text
from desktop.viewmodels.promotion_case_vm import state_text
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel
from desktop.viewmodels.table_model import Column, RecordTableModel

REFRESH_ON = frozenset({ChangeArea.CASES, ChangeArea.CYCLES, ChangeArea.LADDER, ChangeArea.IMPORTS})


def review_columns() -> list[Column[review.ReviewRow]]:
    return [
        Column(tr("姓名"), lambda r: r.name),
        Column(tr("晋升路径"), lambda r: r.transition),
        Column(tr("状态"), lambda r: state_text(r.state) if r.state else tr("未发起")),
        Column(tr("总分"), lambda r: "—" if r.total is None else f"{r.total:.1f}"),
        Column(tr("达标情况"), lambda r: status_text(Readiness(r.readiness))),
        Column(tr("当前处理人"), lambda r: r.holder or "—"),
    ]


class ReviewViewModel(QObject):
    loaded = Signal()
    detail_changed = Signal()
    failed = Signal(str)

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.candidates: RecordTableModel[review.ReviewRow] = RecordTableModel(
            review_columns(), self
        )
        self.cycle: CycleRow | None = None
        self.rows: list[review.ReviewRow] = []
        self.transition: str | None = None
        self.state: str | None = None
        self.detail: review.ReviewDetail | None = None
        session_vm.data_changed.connect(self._on_data_changed)

    def load(self, cycle_id: int) -> None:
        try:
            self.cycle = get_cycle(self.session_vm.app, cycle_id)
            self.rows = review.review_rows(self.session_vm.app, cycle_id)
        except TiduiError as exc:
            self.failed.emit(exc.text())
            return
        self._show()

    def transitions(self) -> list[str]:
        return list(dict.fromkeys(r.transition for r in self.rows))

    def set_filter(self, transition: str | None, state: str | None) -> None:
        self.transition, self.state = transition, state
        self._show()

    def _show(self) -> None:
        shown = [
            r
            for r in self.rows
            if (self.transition is None or r.transition == self.transition)
            and (self.state is None or (r.state or "none") == self.state)
        ]
        self.candidates.set_rows(shown)
        self.loaded.emit()

    def select(self, number: int) -> None:
        row = self.candidates.row_at(number)
        if row is None or self.cycle is None:
            self.detail = None
        else:
            self.detail = review.review_detail(self.session_vm.app, self.cycle, row)
        self.detail_changed.emit()

    def compare_lines(self, numbers: list[int]) -> list[review.CompareLine]:
        return review.compare(self._details(numbers))

    def compare_pdf(self, numbers: list[int]) -> bytes:
        assert self.cycle is not None
        rows = [r for n in numbers if (r := self.candidates.row_at(n)) is not None]
        return compare_report.compare_pdf(self.session_vm.app, self.cycle, rows)

    def _details(self, numbers: list[int]) -> list[review.ReviewDetail]:
        assert self.cycle is not None
        rows = [r for n in numbers if (r := self.candidates.row_at(n)) is not None]
        return [review.review_detail(self.session_vm.app, self.cycle, r) for r in rows]

    def _on_data_changed(self, area: str) -> None:
        if area in REFRESH_ON and self.cycle is not None:
            self.load(self.cycle.id)
