"""The 达标名单: who is ready or nearly ready for which move, recomputed in the background on every change.

The list is computed off the GUI thread (core.services.eligibility.readiness.eligibility_list) whenever the
page opens, the as-of month changes, or any data changes (an import, an undo, an achievement, a
ladder edit: SessionViewModel.data_changed). A newer computation always replaces an older one that
is still running, so what the table shows is never stale. Filters and sorting run over the rows
in memory (a few milliseconds for thousands of rows).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor

from core.domain import months as mo
from core.domain import pinyin
from core.domain.rules import DEFAULT_MARGIN, Readiness
from core.errors import TiduiError
from core.i18n import Message, current_language
from core.permissions import Perm
from core.progress import Progress
from core.services.eligibility import readiness as eligibility
from core.services.eligibility.readiness import Candidate, EligibilityList, TransitionRules
from desktop.i18n import listed, tr
from desktop.viewmodels import worker
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel

AnyIndex = QModelIndex | QPersistentModelIndex
T = TypeVar("T")

SHOW_SHORTLIST, SHOW_READY, SHOW_NEARLY, SHOW_ALL = "shortlist", "ready", "nearly", "all"
STATUS_COLORS = {
    Readiness.READY: QColor("#1e7e34"),
    Readiness.NEARLY: QColor("#b35c00"),
    Readiness.NOT_READY: QColor("#6c757d"),
}
STATUS_BACKGROUNDS = {
    Readiness.READY: QColor("#e3f4e8"),
    Readiness.NEARLY: QColor("#fff1dc"),
    Readiness.NOT_READY: QColor("#f1f3f5"),
}
_STATUS_ORDER = {Readiness.READY: 0, Readiness.NEARLY: 1, Readiness.NOT_READY: 2}


# The eligibility screens' background reads run one at a time. They read the same data, so
# running them side by side gains nothing, and the SQLCipher engine's SingletonThreadPool closes
# other threads' connections once more than five threads have one (reported to the lead): one
# reader at a time never closes a connection that is in use.
READ_LOCK = threading.Lock()


def run_alone(work: Callable[[Progress], T]) -> Callable[[Progress], T]:
    """``work`` wrapped to wait for the other eligibility reads (and to honour a cancel while waiting)."""

    def alone(progress: Progress) -> T:
        while not READ_LOCK.acquire(timeout=0.05):
            progress.step(0, 0)  # raises Cancelled once the job was cancelled
        try:
            return work(progress)
        finally:
            READ_LOCK.release()

    return alone


def transition_ends(t: TransitionRules) -> tuple[str, str]:
    """A move's two levels in the UI language's brackets (``TransitionRules.ends``)."""
    return t.ends(current_language())


def transition_label(t: TransitionRules) -> str:
    return t.label(current_language())


def status_text(status: Readiness) -> str:
    return status.message().text()


def kind_text(kind: str) -> str:
    return tr("转岗") if kind == "transfer" else tr("晋升")


def month_choices(latest: str | None, current: str, count: int = 24) -> list[str]:
    """Months offered by the as-of picker, newest first: from the newest data back ``count``."""
    newest = max(m for m in (latest, current) if m)
    return [mo.add(newest, -i) for i in range(count)]


class CandidateTableModel(QAbstractTableModel):
    """Rows of the 达标名单; columns are the COL_* constants."""

    (
        COL_NO,
        COL_NAME,
        COL_DEPARTMENT,
        COL_FROM,
        COL_TO,
        COL_KIND,
        COL_STATUS,
        COL_MET,
        COL_COMPLETION,
        COL_UNMET,
    ) = range(10)
    COLUMN_COUNT = 10
    CandidateRole = Qt.ItemDataRole.UserRole + 1
    SortKeyRole = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._found: EligibilityList | None = None
        self._all: list[Candidate] = []
        self._view: list[Candidate] = []
        self._unmet: dict[tuple[int, int], str] = {}
        self._show = SHOW_SHORTLIST
        self._transition_id: int | None = None
        self._search = ""
        self._sort_column = self.COL_STATUS
        self._sort_order = Qt.SortOrder.AscendingOrder

    # --- data in -------------------------------------------------------------------------------

    def set_list(self, found: EligibilityList | None) -> None:
        self.beginResetModel()
        self._found = found
        self._all = list(found.candidates) if found else []
        self._unmet = {}
        self._rebuild()
        self.endResetModel()

    def set_filters(
        self, *, show: str = SHOW_SHORTLIST, transition_id: int | None = None, search: str = ""
    ) -> None:
        self.beginResetModel()
        self._show, self._transition_id = show, transition_id
        self._search = search.strip().lower()
        self._rebuild()
        self.endResetModel()

    def _matches(self, c: Candidate) -> bool:
        if self._show == SHOW_SHORTLIST and c.status is Readiness.NOT_READY:
            return False
        if self._show == SHOW_READY and c.status is not Readiness.READY:
            return False
        if self._show == SHOW_NEARLY and c.status is not Readiness.NEARLY:
            return False
        if self._transition_id is not None and c.transition.id != self._transition_id:
            return False
        return pinyin.finds(self._search, c.person.no, c.person.name)

    def _key(self, column: int) -> Callable[[Candidate], Any]:
        keys: dict[int, Callable[[Candidate], Any]] = {
            self.COL_NO: lambda c: c.person.no,
            self.COL_NAME: lambda c: c.person.name,
            self.COL_DEPARTMENT: lambda c: c.person.department,
            self.COL_FROM: lambda c: transition_ends(c.transition)[0],
            self.COL_TO: lambda c: transition_ends(c.transition)[1],
            self.COL_KIND: lambda c: c.transition.kind,
            # ready first, then the closest to ready
            self.COL_STATUS: lambda c: (_STATUS_ORDER[c.status], -c.completion, c.person.no),
            self.COL_MET: lambda c: (c.met_count - c.total, c.met_count),
            self.COL_COMPLETION: lambda c: c.completion,
            self.COL_UNMET: lambda c: self._unmet_text(c),
        }
        return keys.get(column, lambda c: c.person.no)

    def _rebuild(self) -> None:
        found = [c for c in self._all if self._matches(c)]
        found.sort(
            key=self._key(self._sort_column),
            reverse=self._sort_order == Qt.SortOrder.DescendingOrder,
        )
        self._view = found

    def _unmet_text(self, c: Candidate) -> str:
        # built when first shown: only the rows on screen ever get their sentences
        key = (c.person.id, c.transition.id)
        text = self._unmet.get(key)
        if text is None:
            custom = self._found.custom if self._found else None
            text = listed((m.text() for m in c.unmet_rules(custom)), "；")
            self._unmet[key] = text
        return text

    # --- reading -------------------------------------------------------------------------------

    @property
    def candidates(self) -> list[Candidate]:
        return list(self._view)

    def candidate_at(self, row: int) -> Candidate | None:
        return self._view[row] if 0 <= row < len(self._view) else None

    def row_of(self, employee_id: int, transition_id: int) -> int:
        for row, c in enumerate(self._view):
            if c.person.id == employee_id and c.transition.id == transition_id:
                return row
        return -1

    # --- Qt model ------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._view)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            # the short English of a narrow column (No., Dept.): the unmet criteria keep the room
            tr("工号", "column"),
            tr("姓名"),
            tr("部门", "column"),
            tr("当前职级", "column"),
            tr("目标职级", "column"),
            tr("类型"),
            tr("状态"),
            tr("已满足"),
            tr("完成度"),
            tr("未满足的条件"),
        )[section]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        c = self.candidate_at(index.row()) if index.isValid() else None
        if c is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(c, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == self.COL_UNMET:
            return self._unmet_text(c) or None
        if role == Qt.ItemDataRole.ToolTipRole and column in (self.COL_FROM, self.COL_TO):
            return self._text(c, column) or None  # whole, where the column cuts it off
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_STATUS:
            return QBrush(STATUS_COLORS[c.status])
        if role == Qt.ItemDataRole.BackgroundRole and column == self.COL_STATUS:
            return QBrush(STATUS_BACKGROUNDS[c.status])
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            self.COL_MET,
            self.COL_COMPLETION,
        ):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == self.CandidateRole:
            return c
        if role == self.SortKeyRole:
            return self._key(column)(c)
        return None

    def _text(self, c: Candidate, column: int) -> str:
        if column == self.COL_NO:
            return c.person.no
        if column == self.COL_NAME:
            return c.person.name
        if column == self.COL_DEPARTMENT:
            return c.person.department
        if column == self.COL_FROM:
            return transition_ends(c.transition)[0]
        if column == self.COL_TO:
            return transition_ends(c.transition)[1]
        if column == self.COL_KIND:
            return kind_text(c.transition.kind)
        if column == self.COL_STATUS:
            return status_text(c.status)
        if column == self.COL_MET:
            return f"{c.met_count}/{c.total}"
        if column == self.COL_COMPLETION:
            return f"{c.completion * 100:.0f}%"
        if column == self.COL_UNMET:
            return self._unmet_text(c)
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort_column, self._sort_order = column, order
        self._rebuild()
        self.layoutChanged.emit()


class EligibilityViewModel(QObject):
    """State and commands of the 达标名单 page."""

    loading_changed = Signal(bool)
    progressed = Signal(int, int)
    loaded = Signal()  # a new list is in the model
    failed = Signal(str)
    exported = Signal(str)  # path written

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.model = CandidateTableModel(self)
        self.found: EligibilityList | None = None
        self.as_of: str | None = None  # None: the last complete month with data
        # no parent needed for the jobs: see worker.LatestJob
        self.runner = worker.LatestJob(self)
        self.runner.succeeded.connect(self.on_job_succeeded)
        self.runner.failed.connect(self.failed)
        self.runner.progressed.connect(self.progressed)
        self.runner.loading_changed.connect(self.loading_changed)
        session_vm.data_changed.connect(self.on_session_data_changed)
        session_vm.actor_changed.connect(self.on_session_data_changed)

    # --- computing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute in the background; a computation still running is cancelled and replaced."""
        app, as_of = self.session_vm.app, self.as_of

        def work(progress: Progress) -> EligibilityList:
            return eligibility.eligibility_list(app, as_of, progress=progress)

        self.runner.start(run_alone(work))

    @property
    def loading(self) -> bool:
        return self.runner.loading

    @Slot(object)
    def on_job_succeeded(self, found: EligibilityList) -> None:
        self.found = found
        self.model.set_list(found)
        self.loaded.emit()

    def cancel(self) -> None:
        self.runner.cancel()

    @Slot(str)
    @Slot()
    def on_session_data_changed(self, area: str = "") -> None:
        del area  # any change may move someone across a threshold
        self.refresh()

    def set_as_of(self, month: str | None) -> None:
        if month != self.as_of:
            self.as_of = month
            self.refresh()

    # --- what the page shows -------------------------------------------------------------------

    def summary(self) -> str:
        found = self.found
        if found is None:
            return tr("正在计算…")
        lang = current_language()
        counts = found.counts()
        parts = [
            Message("eligibility.as_of", {"month": mo.label(found.as_of, lang)}).text(),
            Message(
                "eligibility.counts",
                {
                    "ready": counts[Readiness.READY],
                    "nearly": counts[Readiness.NEARLY],
                    "not_ready": counts[Readiness.NOT_READY],
                },
            ).text(),
        ]
        if found.latest_month:
            parts.append(
                Message(
                    "eligibility.latest_data", {"month": mo.label(found.latest_month, lang)}
                ).text()
            )
        else:
            parts.append(Message("eligibility.no_data").text())
        return " · ".join(parts)

    def transitions(self) -> list[tuple[int, str]]:
        """(transition id, "运营助理 → 运营专员") for the path filter."""
        if self.found is None:
            return []
        return [(t.id, transition_label(t)) for t in self.found.transitions]

    def months(self) -> list[str]:
        if self.found is None:
            return []
        return month_choices(self.found.latest_month, self.found.as_of)

    @property
    def can_export(self) -> bool:
        return self.session_vm.can(Perm.EXPORT_DATA)

    def margin_percent(self) -> int:
        """How close an unmet criterion must be for 接近达标, in % of its threshold."""
        try:
            return round(eligibility.margin(self.session_vm.app) * 100)
        except TiduiError:
            return round(DEFAULT_MARGIN * 100)

    @property
    def can_set_margin(self) -> bool:
        return self.session_vm.can(Perm.EDIT_LADDER)

    def set_margin_percent(self, percent: int) -> bool:
        """Store the owner's margin for the whole company; every list recomputes."""
        if percent == self.margin_percent():
            return True
        try:
            eligibility.set_margin(self.session_vm.app, percent / 100)
        except TiduiError as err:
            self.failed.emit(err.text())
            return False
        self.session_vm.notify_changed(ChangeArea.ELIGIBILITY)
        return True

    @property
    def can_apply(self) -> bool:
        """发起晋升申请: HR and the owner (desktop/views/promotion/create_dialog.py)."""
        return self.session_vm.can(Perm.CREATE_CASE)

    def export(self, path: Path, candidates: Sequence[Candidate] | None = None) -> bool:
        if self.found is None:
            return False
        rows = list(candidates) if candidates is not None else self.model.candidates
        try:
            written = eligibility.export_xlsx(self.session_vm.app, self.found, rows, path)
        except (TiduiError, OSError) as err:
            self.failed.emit(err.text() if isinstance(err, TiduiError) else str(err))
            return False
        self.exported.emit(str(written))
        return True
