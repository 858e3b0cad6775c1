"""晋升评审: one cycle's candidates (filtered by transition and state) and the selected one's detail.

Everything comes from core.services.promotion.review; this only keeps the selection, the filter
and refreshes when another screen (or user on this PC) changes cases, scores or the ladder.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from core.domain.rules import Readiness
from core.errors import TiduiError
from core.i18n import current_language
from core.progress import Progress
from core.reports import compare as compare_report
from core.services.archive import records as archive
from core.services.promotion import gui_support, review
from core.services.promotion.cycles import CycleRow, get_cycle, list_cycles
from desktop.i18n import alone, tr
from desktop.viewmodels.archive_vm import relation_text
from desktop.viewmodels.eligibility_vm import status_text
from desktop.viewmodels.promotion_case_vm import (
    ScoreLine,
    TrailLine,
    action_text,
    observed_text,
    role_text,
    score_lines_of,
    state_text,
)
from desktop.viewmodels.reports_vm import ReportViewModel
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel
from desktop.viewmodels.table_model import Column, RecordTableModel

REFRESH_ON = frozenset({ChangeArea.CASES, ChangeArea.CYCLES, ChangeArea.LADDER, ChangeArea.IMPORTS})
STATES = (
    "none",
    "submitted",
    "in_review",
    "returned",
    "approved",
    "published",
    "effective",
    "rejected",
    "withdrawn",
    "revoked",
)


@dataclass(frozen=True)
class CheckLine:
    """One criterion as the checklist shows it: ✓/✗, the rule, observed against required."""

    met: bool
    rule: str
    observed: str
    required: str
    explanation: str
    series: tuple[float | None, ...]
    months: tuple[str, ...]


@dataclass(frozen=True)
class CompetencyRow:
    """One competency as the panel shows it: expected level, the 360 mean, ✓/✗."""

    competency: str
    expected: str  # "3级" / "—"
    mean: str  # "2.5（2人评）" / "未评价"
    mark: str  # ✓ / ✗ / ""


@dataclass(frozen=True)
class QuoteLine:
    who: str  # "2024-06-20 上级 李娜" / "2024-06-21 同事（匿名）"
    comment: str


def review_columns() -> list[Column[review.ReviewRow]]:
    return [
        Column(tr("姓名"), lambda r: r.name),
        Column(tr("晋升路径"), lambda r: r.transition),
        Column(tr("状态"), lambda r: state_text(r.state) if r.state else tr("未发起")),
        Column(tr("总分"), lambda r: "—" if r.total is None else f"{r.total:.1f}"),
        Column(tr("达标情况"), lambda r: status_text(Readiness(r.readiness))),
        Column(tr("当前处理人"), lambda r: role_text(r.holder) if r.holder else "—"),
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
        self.temp_files = archive.TempFiles()  # evidence opened in another program
        session_vm.data_changed.connect(self._on_data_changed)

    def cycles(self) -> list[tuple[int, str]]:
        """The cycles to choose from (id, name), newest first as the cycles screen lists them."""
        try:
            return [(c.id, c.name) for c in list_cycles(self.session_vm.app)]
        except TiduiError as exc:
            self.failed.emit(exc.text())
            return []

    def states(self) -> list[tuple[str, str]]:
        """The state filter's choices (key, text); "none" is a candidate without a case."""
        present = {r.state or "none" for r in self.rows}
        return [
            (k, tr("未发起") if k == "none" else state_text(k)) for k in STATES if k in present
        ] + [(k, state_text(k)) for k in sorted(present - set(STATES))]

    def load(self, cycle_id: int) -> None:
        try:
            self.cycle = get_cycle(self.session_vm.app, cycle_id)
            self.rows = review.review_rows(self.session_vm.app, cycle_id, current_language())
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

    # --- the selected candidate, as the right-hand side shows it ---------------------------

    def score_lines(self) -> list[ScoreLine]:
        return score_lines_of(self.detail.parts) if self.detail else []

    def check_lines(self) -> list[CheckLine]:
        if self.detail is None:
            return []
        lang = current_language()
        return [
            CheckLine(
                c.met,
                c.rule,
                # 12.0% as the verdict judged it, not 0.1; 1.6 pp in English, not 1.6个百分点
                observed_text(c.metric, c.observed, lang, c.kind),
                observed_text(c.metric, c.required, lang, c.kind),
                c.explanation,
                c.series,
                c.months,
            )
            for c in self.detail.criteria
        ]

    def trail_lines(self) -> list[TrailLine]:
        if self.detail is None:
            return []
        lines = []
        for t in self.detail.trail:
            who = (t.login or "—") + (tr("（老板代为处理）") if t.on_behalf else "")
            lines.append(
                TrailLine(
                    t.at.astimezone().strftime("%Y-%m-%d %H:%M"),
                    role_text(t.role) if t.role else "",
                    who,
                    alone(action_text(t.action)),
                    t.text(),
                )
            )
        return lines

    def competency_rows(self) -> list[CompetencyRow]:
        if self.detail is None:
            return []
        rows = []
        for c in self.detail.competencies:
            mean = (
                tr("未评价")
                if c.mean is None
                else tr("{mean}（{n}人评）", mean=f"{c.mean:.1f}", n=c.raters)
            )
            mark = {True: "✓", False: "✗", None: ""}[c.reached]
            expected = "—" if c.expected is None else tr("{n}级").format(n=c.expected)
            rows.append(CompetencyRow(c.competency, expected, mean, mark))
        return rows

    def competency_scores(self) -> list[archive.CompetencyScore]:
        """The radar's axes: the 360 mean against what the target level expects."""
        if self.detail is None:
            return []
        return [
            archive.CompetencyScore(
                c.competency,
                c.mean,
                None if c.expected is None else float(c.expected),
                c.raters,
            )
            for c in self.detail.competencies
        ]

    def quote_lines(self) -> list[QuoteLine]:
        if self.detail is None:
            return []
        lines = []
        for f in self.detail.feedback:
            who = f"{f.date} {relation_text(f.relation)}"
            if f.anonymous:
                who += " " + tr("（匿名）") + (f" {f.rater}" if f.rater else "")
            elif f.rater:
                who += f" {f.rater}"
            lines.append(QuoteLine(who, f.comment))
        return lines

    def evidence_files(self) -> list[tuple[int, str]]:
        """(attachment id, file name) of the selected case's evidence."""
        return [(i, name) for i, name, _size in self.detail.evidence] if self.detail else []

    def open_evidence(self, attachment_id: int) -> Path | None:
        """A temp copy of an evidence file, decrypted for the system's viewer (removed on exit)."""
        try:
            return self.temp_files.open_copy(self.session_vm.app, attachment_id)
        except TiduiError as exc:
            self.failed.emit(exc.text())
            return None

    def selected_case(self, number: int) -> int | None:
        row = self.candidates.row_at(number)
        return row.case_id if row else None

    def compare_report(self, numbers: list[int]) -> CompareReportViewModel:
        """The compare PDF for the preview dialog (rendered in the background)."""
        return CompareReportViewModel(self, numbers)

    def compare_names(self, numbers: list[int]) -> list[str]:
        return [r.name for n in numbers if (r := self.candidates.row_at(n)) is not None]

    def compare_lines(self, numbers: list[int]) -> list[review.CompareLine]:
        return review.compare(self._details(numbers))

    def compare_pdf(self, numbers: list[int]) -> bytes:
        """The printed comparison is Chinese whatever the UI's language: its move too, with
        Chinese brackets, where the English list names it "运营专员 (数据运营)"."""
        assert self.cycle is not None
        rows = [r for n in numbers if (r := self.candidates.row_at(n)) is not None]
        if current_language() != "zh":
            chinese = gui_support.move_labels(self.session_vm.app)
            rows = [replace(r, transition=chinese.get(r.transition_id, r.transition)) for r in rows]
        return compare_report.compare_pdf(self.session_vm.app, self.cycle, rows)

    def _details(self, numbers: list[int]) -> list[review.ReviewDetail]:
        assert self.cycle is not None
        rows = [r for n in numbers if (r := self.candidates.row_at(n)) is not None]
        return [review.review_detail(self.session_vm.app, self.cycle, r) for r in rows]

    def _on_data_changed(self, area: str) -> None:
        if area in REFRESH_ON and self.cycle is not None:
            self.load(self.cycle.id)


class CompareReportViewModel(ReportViewModel):
    """预览/打印 of 晋升评审对比 through the report preview dialog."""

    def __init__(self, review_vm: ReviewViewModel, numbers: list[int]) -> None:
        super().__init__(review_vm.session_vm, "evaluation", parent=review_vm)
        self.review_vm = review_vm
        self.numbers = list(numbers)

    def title(self) -> str:
        return tr("晋升评审对比")

    def may_show_id_number(self) -> bool:
        return False

    def may_export_all(self) -> bool:
        return False

    def suggested_file_name(self) -> str:
        cycle = self.review_vm.cycle.name if self.review_vm.cycle else ""
        return f"晋升评审对比-{cycle}.pdf"

    def _render(self, progress: Progress) -> bytes:
        progress.step(0, 1)
        return self.review_vm.compare_pdf(self.numbers)
