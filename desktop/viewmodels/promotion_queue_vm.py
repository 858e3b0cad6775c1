"""待我处理 and an employee's 晋升申请: lists of cases with their state and who holds them.

``QueueViewModel`` reads ``cases.my_queue`` (the cases waiting on the logged-in user, oldest
waiting first) in the background whenever a case, a score or the people change, and says how
many there are (the sidebar shows the count). ``CaseListViewModel`` is the same table for one
employee (``cases.list_cases(employee_id=...)``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)

from core.progress import Progress
from core.services.promotion import cases
from core.services.promotion.cases import CaseSummary
from desktop.i18n import tr
from desktop.viewmodels import worker
from desktop.viewmodels.eligibility_vm import run_alone
from desktop.viewmodels.promotion_case_vm import holder_text, move_text, role_text, state_text
from desktop.viewmodels.session_vm import SessionViewModel

AnyIndex = QModelIndex | QPersistentModelIndex
REFRESH_ON = frozenset({"cases", "scores", "employees", "users", "ladder", "cycles"})


def days_text(days: float) -> str:
    whole = int(days)
    return tr("今天") if whole < 1 else tr("{n}天").format(n=whole)


class CaseTableModel(QAbstractTableModel):
    COL_NO, COL_NAME, COL_MOVE, COL_CYCLE, COL_STATE, COL_HOLDER, COL_WAITING = range(7)
    HEADERS = ("工号", "姓名", "晋升路径", "评审周期", "状态", "当前处理", "等待")
    CaseIdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[CaseSummary] = []

    def set_rows(self, rows: Sequence[CaseSummary]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(self.HEADERS[section])
        return None

    def text(self, row: CaseSummary, column: int) -> str:
        texts: dict[int, Callable[[], str]] = {
            self.COL_NO: lambda: row.no,
            self.COL_NAME: lambda: row.name,
            self.COL_MOVE: lambda: move_text(row.from_label, row.to_label),
            self.COL_CYCLE: lambda: row.cycle or "—",
            self.COL_STATE: lambda: state_text(row.state),
            self.COL_HOLDER: lambda: holder_text(row.waiting_for, row.waiting_logins),
            self.COL_WAITING: lambda: days_text(row.days_waiting),
        }
        return texts[column]()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(row, index.column())
        if role == self.CaseIdRole:
            return row.id
        return None

    def case_id(self, row: int) -> int | None:
        return self.rows[row].id if 0 <= row < len(self.rows) else None


class _CasesViewModel(QObject):
    loaded = Signal()
    failed = Signal(str)
    count_changed = Signal(int)

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.model = CaseTableModel(self)
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
    step: str  # 当前步骤：人事 (open cases), 决定于 2024-09-30 (decided ones)
    holder: str  # 当前处理：人事（hr）, '' when nobody holds it
    open: bool


def status_lines(rows: Sequence[CaseSummary]) -> list[CaseStatus]:
    """The employee's cases still going (oldest first), then the latest decided one."""
    from core.domain import cases as dc

    going = [r for r in rows if dc.CaseState(r.state) in dc.ACTIVE_STATES]
    done = [r for r in rows if dc.CaseState(r.state) not in dc.ACTIVE_STATES]
    chosen = sorted(going, key=lambda r: r.id) + sorted(done, key=lambda r: -r.id)[:1]
    lines = []
    for r in chosen:
        is_open = r in going
        if r.state == dc.CaseState.RETURNED.value:
            step = tr("退回给发起人补充")
            holder = tr("当前处理：{who}").format(who=r.created_by)
        elif r.waiting_for:
            step = tr("当前步骤：{role}").format(role=role_text(r.waiting_for))
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
