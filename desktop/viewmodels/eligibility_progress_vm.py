"""One employee's 晋升进度: each transition out of their level, every criterion ✓/✗ with its months and what is missing.

The sentences come from core (rules.evaluate's explanations), so this panel, the CLI and the
PDF report say the same thing. The viewmodel turns one ``EmployeeProgress`` into plain cards and
lines the view lays out; it recomputes in the background when the as-of month or any data changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from core.domain import explain as ex
from core.domain import metrics as mx
from core.domain import months as mo
from core.domain.rules import CriterionResult, CriterionSpec, Readiness
from core.i18n import Message, current_language
from core.permissions import Perm
from core.progress import Progress
from core.services.eligibility import readiness as eligibility
from core.services.eligibility.readiness import EmployeeProgress, TransitionOutlook
from desktop.i18n import tr
from desktop.viewmodels import worker
from desktop.viewmodels.eligibility_vm import (
    kind_text,
    month_choices,
    run_alone,
    status_text,
    transition_label,
)
from desktop.viewmodels.reports_vm import ReportViewModel
from desktop.viewmodels.session_vm import SessionViewModel


@dataclass(frozen=True)
class MonthChip:
    """One month a rule looked at: "8月 9.8%" and whether that month met the threshold."""

    month: str
    label: str
    value: str
    met: bool | None  # None where a month is not judged on its own (averages, changes)


@dataclass(frozen=True)
class CriterionLine:
    met: bool
    rule: str  # "连续3个月GMV增长率≥15%"
    required: str  # "≥15%"
    explanation: str  # "GMV增长率≥15%: 近3个月中已满足2个月 (…)"
    missing: str  # "" when met
    months: tuple[MonthChip, ...]


@dataclass(frozen=True)
class TransitionCard:
    transition_id: int
    title: str  # "运营助理 → 运营专员"
    kind: str  # 晋升 / 转岗
    status: Readiness
    status_text: str
    summary: str  # "接近达标（2/3项条件已满足）"
    lines: tuple[CriterionLine, ...]


def required_text(spec: CriterionSpec, custom: dict[str, mx.Metric] | None = None) -> str:
    """The threshold as people read it, with its comparator: "≥15%", "≥2个百分点", "≥2次"."""
    lang = current_language()
    cmp = ex.comparator_term(spec.comparator).text(lang)
    if spec.kind in ("each_month", "average"):
        return cmp + mx.format_value(ex.unit_of(spec, custom), spec.threshold, lang)
    if spec.kind == "change":
        return cmp + mx.format_amount(ex.unit_of(spec, custom), spec.threshold, lang)
    if spec.kind == "count":
        count = mx.format_value("count", spec.threshold, lang)
        name = ex.achievement_term(spec.achievement_type, spec.threshold).text(lang)
        return f"{cmp}{count} {name}" if lang == "en" else f"{cmp}{count}次{name}"
    if spec.kind == "tenure":
        return cmp + ex.n_months(int(spec.threshold)).text(lang)
    return cmp + mx.format_value("ratio", spec.threshold, lang)


def _chips(
    result: CriterionResult, custom: dict[str, mx.Metric] | None, as_of: str
) -> tuple[MonthChip, ...]:
    lang = current_language()
    unit = ex.unit_of(result.spec, custom)
    return tuple(
        MonthChip(
            d.month,
            mo.short_label(d.month, lang, as_of),
            ex.observed_term(unit, d.value, result.spec.threshold).text(lang),
            d.met,
        )
        for d in result.details
    )


def card_of(
    outlook: TransitionOutlook, custom: dict[str, mx.Metric] | None = None
) -> TransitionCard:
    as_of = outlook.progress.as_of
    lines = tuple(
        CriterionLine(
            met=r.met,
            rule=r.rule.text(),
            required=required_text(r.spec, custom),
            explanation=r.explanation.text(),
            missing=r.missing.text() if r.missing is not None else "",
            months=_chips(r, custom, as_of),
        )
        for r in outlook.results
    )
    t = outlook.transition
    return TransitionCard(
        t.id,
        transition_label(t),
        kind_text(t.kind),
        outlook.status,
        status_text(outlook.status),
        outlook.summary().text(),
        lines,
    )


class ProgressViewModel(QObject):
    """晋升进度 of one employee (optionally one transition only), as of a month."""

    changed = Signal()
    loading_changed = Signal(bool)
    failed = Signal(str)

    def __init__(
        self,
        session_vm: SessionViewModel,
        employee_id: int | None = None,
        transition_id: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.employee_id = employee_id
        self.transition_id = transition_id
        self.as_of: str | None = None  # None: the last complete month with data
        self.progress: EmployeeProgress | None = None
        self.cards: list[TransitionCard] = []
        self.error = ""
        self.runner = worker.LatestJob(self)
        self.runner.succeeded.connect(self.on_job_succeeded)
        self.runner.failed.connect(self.on_job_failed)
        self.runner.loading_changed.connect(self.loading_changed)
        session_vm.data_changed.connect(self.on_session_data_changed)

    @property
    def loading(self) -> bool:
        return self.runner.loading

    def show(
        self, employee_id: int | None, transition_id: int | None = None, as_of: str | None = None
    ) -> None:
        self.employee_id, self.transition_id, self.as_of = employee_id, transition_id, as_of
        self.refresh()

    def set_as_of(self, month: str | None) -> None:
        if month != self.as_of:
            self.as_of = month
            self.refresh()

    @Slot(str)
    def on_session_data_changed(self, area: str) -> None:
        del area
        self.refresh()

    def refresh(self) -> None:
        if self.employee_id is None:
            self.runner.cancel()
            self.progress, self.cards, self.error = None, [], ""
            self.changed.emit()
            return
        app, employee_id, transition_id, as_of = (
            self.session_vm.app,
            self.employee_id,
            self.transition_id,
            self.as_of,
        )

        def work(progress: Progress) -> tuple[EmployeeProgress, list[TransitionCard]]:
            del progress
            found = eligibility.employee_progress(
                app, employee_id, as_of, transition_id=transition_id
            )
            # sentences are rendered here, off the GUI thread
            return found, [card_of(o, dict(found.custom)) for o in found.outlooks]

        self.runner.start(run_alone(work))

    @Slot(object)
    def on_job_succeeded(self, result: tuple[EmployeeProgress, list[TransitionCard]]) -> None:
        self.progress, self.cards = result
        self.error = ""
        self.changed.emit()

    @Slot(str)
    def on_job_failed(self, text: str) -> None:
        self.progress, self.cards, self.error = None, [], text
        self.failed.emit(text)
        self.changed.emit()

    # --- what the panel shows -------------------------------------------------------------------

    def heading(self) -> str:
        found = self.progress
        if found is None:
            return ""
        return Message(
            "eligibility.as_of", {"month": mo.label(found.as_of, current_language())}
        ).text()

    def empty_text(self) -> str:
        """What to say when there is no card to show."""
        if self.error:
            return self.error
        found = self.progress
        if found is None:
            if self.loading:
                return tr("正在计算…")
            return "" if self.employee_id is not None else tr("选择一名员工，查看其晋升进度。")
        if found.person is None:
            return tr("该员工已离职或尚未设定职级，不参与晋升评估。")
        return tr("当前职级没有可晋升或转岗的路径。")

    def can_print(self) -> bool:
        """The 个人晋升进度单 of the person shown (HR and the owner print; not a supervisor)."""
        found = self.progress
        return (
            found is not None
            and found.person is not None
            and self.session_vm.can(Perm.PRINT_REPORTS)
        )

    def progress_report(self) -> ReportViewModel:
        """The person's progress sheet for the preview (its 导出全部… writes everyone's)."""
        assert self.progress is not None and self.progress.person is not None
        person = self.progress.person
        return ReportViewModel(
            self.session_vm,
            "progress",
            person.id,
            name=person.name,
            no=person.no,
            as_of=self.progress.as_of,  # the month on screen: the sheet says what the panel says
            parent=self,
        )

    def months(self) -> list[str]:
        if self.progress is None:
            return []
        return month_choices(self.progress.latest_month, self.progress.as_of)
