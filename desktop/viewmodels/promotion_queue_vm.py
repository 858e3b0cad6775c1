"""待我处理 and an employee's 晋升申请: lists of cases with their state and who holds them.

``QueueViewModel`` reads ``cases.my_queue`` (the cases waiting on the logged-in user, oldest
waiting first) in the background whenever a case, a score or the people change, and says how
many there are (the sidebar shows the count). ``CaseListViewModel`` is the same table for one
employee (``cases.list_cases(employee_id=...)``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Signal,
    Slot,
)

from core.progress import Progress
from core.services.promotion import cases
from core.services.promotion.cases import CaseSummary
from desktop.i18n import tr
from desktop.viewmodels import worker
from desktop.viewmodels.eligibility_vm import run_alone
from desktop.viewmodels.promotion_case_vm import holder_text, move_text, state_text
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel
from desktop.viewmodels.table_model import Column, RecordTableModel

AnyIndex = QModelIndex | QPersistentModelIndex
REFRESH_ON = frozenset(
    {
        ChangeArea.CASES,
        ChangeArea.SCORES,
        ChangeArea.EMPLOYEES,
        ChangeArea.USERS,
        ChangeArea.LADDER,
        ChangeArea.CYCLES,
    }
)


def days_text(days: float) -> str:
    whole = int(days)
    return tr("今天") if whole < 1 else tr("{n}天").format(n=whole)


def waiting_text(days: float) -> str:
    """How long a case has waited, in whole days as the queue counts them (never "0.0 天")."""
    whole = int(days)
    return tr("等待不到 1 天") if whole < 1 else tr("等待 {n} 天", n=whole)


def case_columns() -> list[Column[CaseSummary]]:
    """工号, 姓名, 晋升路径, 评审周期, 状态, 当前处理, 等待 (the queue page sizes them in this order)."""
    return [
        Column(tr("工号"), lambda r: r.no),
        Column(tr("姓名"), lambda r: r.name),
        Column(tr("晋升路径"), lambda r: move_text(r.from_label, r.to_label)),
        Column(tr("评审周期"), lambda r: r.cycle or "—"),
        Column(tr("状态"), lambda r: state_text(r.state)),
        Column(tr("当前处理"), lambda r: holder_text(r.waiting_for, r.waiting_logins)),
        Column(tr("等待"), lambda r: days_text(r.days_waiting)),
    ]


class _CasesViewModel(QObject):
    loaded = Signal()
    failed = Signal(str)
    count_changed = Signal(int)

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.model: RecordTableModel[CaseSummary] = RecordTableModel(case_columns(), self)
        self._job = worker.LatestJob(self)
        self._job.succeeded.connect(self._on_loaded)
        self._job.failed.connect(self.failed)
        session_vm.data_changed.connect(self._on_data_changed)

    def fetch(self) -> list[CaseSummary]:
        raise NotImplementedError

    def refresh(self) -> None:
        self._job.start(run_alone(self._fetch))  # one background reader at a time

    def _fetch(self, progress: Progress) -> list[CaseSummary]:
        del progress
        return self.fetch()

    def load_now(self) -> None:
        self._on_loaded(self.fetch())

    @Slot(object)
    def _on_loaded(self, rows: object) -> None:
        assert isinstance(rows, list)
        self.model.set_rows(rows)
        self.loaded.emit()
        self.count_changed.emit(len(rows))

    @Slot(str)
    def _on_data_changed(self, area: str) -> None:
        if area in REFRESH_ON:
            self.refresh()

    @property
    def count(self) -> int:
        return self.model.rowCount()


class QueueViewModel(_CasesViewModel):
    """待我处理."""

    def fetch(self) -> list[CaseSummary]:
        return cases.my_queue(self.session_vm.app)


class CaseListViewModel(_CasesViewModel):
    """One employee's cases, newest first (none while no employee is chosen)."""

    def __init__(
        self, session_vm: SessionViewModel, employee_id: int | None, parent: QObject | None = None
    ) -> None:
        super().__init__(session_vm, parent)
        self.employee_id = employee_id

    def set_employee(self, employee_id: int | None) -> None:
        """Follow another person (the 达标名单's panel follows the selected row)."""
        if employee_id != self.employee_id:
            self.employee_id = employee_id
            self.model.set_rows([])
            self.refresh()

    def fetch(self) -> list[CaseSummary]:
        if self.employee_id is None:
            return []
        return cases.list_cases(self.session_vm.app, employee_id=self.employee_id)

    def status_lines(self) -> list[CaseStatus]:
        return status_lines(self.model.rows)


@dataclass(frozen=True)
class CaseStatus:
    """One case as the 晋升进度 panel shows it: where it is and who holds it."""

    case_id: int
    title: str  # 晋升申请 #3：运营专员 → 运营主管
    state: str  # 审批中
    step: str  # 退回给发起人补充, 决定于 2024-09-30 (decided ones); '' while someone holds it
    holder: str  # 当前处理：人事（hr）, '' when nobody holds it
    open: bool


def status_lines(rows: Sequence[CaseSummary]) -> list[CaseStatus]:
    """The employee's cases still going (oldest first), then the latest decided one unless it
    took effect. A case that took effect is history: the person holds its level now, and above
    the card of her next move it read as that move's case (员工档案's 晋升申请 lists them all).
    One that ended otherwise (已驳回, 已撤回, 已撤销) was an attempt at a move still ahead."""
    from core.domain import cases as dc

    going = [r for r in rows if dc.CaseState(r.state) in dc.ACTIVE_STATES]
    done = [r for r in rows if dc.CaseState(r.state) not in dc.ACTIVE_STATES]
    latest = sorted(done, key=lambda r: -r.id)[:1]
    chosen = sorted(going, key=lambda r: r.id) + [
        r for r in latest if r.state != dc.CaseState.EFFECTIVE
    ]
    lines = []
    for r in chosen:
        is_open = r in going
        if r.state == dc.CaseState.RETURNED.value:
            step = tr("退回给发起人补充")
            holder = tr("当前处理：{who}").format(who=r.created_by)
        elif r.waiting_for:
            # the step is the role that holds it: "当前处理：直属上级（lina）" says both, where a
            # 当前步骤 line beside it said 直属上级 twice in the narrow panel
            step = ""
            holder = tr("当前处理：{who}").format(who=holder_text(r.waiting_for, r.waiting_logins))
        else:
            when = r.decided_at.astimezone().date().isoformat() if r.decided_at else ""
            step = tr("决定于 {day}").format(day=when) if when else ""
            holder = ""
        lines.append(
            CaseStatus(
                r.id,
                tr("晋升申请 #{id}：{move}").format(
                    id=r.id, move=move_text(r.from_label, r.to_label)
                ),
                state_text(r.state),
                step,
                holder,
                is_open,
            )
        )
    return lines
