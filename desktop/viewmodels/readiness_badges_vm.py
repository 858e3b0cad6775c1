"""Readiness badges for the employee list: per person, the best status over their possible moves.

Computed in the background from the same batch evaluation as the 达标名单, and again whenever
data changes, so the 员工档案 list shows 已达标 / 接近达标 beside each name without going stale.
A person with a promotion case under way shows the case instead (审批中→运营主管, 已公示→…): once
a case exists, "接近→运营主管" beside someone already decided for it told the wrong story.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from core.domain.rules import Readiness
from core.permissions import Perm
from core.progress import Progress
from core.services.eligibility import readiness as eligibility
from core.services.eligibility.readiness import EligibilityList
from core.services.promotion import cases
from desktop.i18n import tr
from desktop.viewmodels import worker
from desktop.viewmodels.eligibility_vm import transition_ends
from desktop.viewmodels.promotion_case_vm import state_text
from desktop.viewmodels.session_vm import SessionViewModel

_RANK = {Readiness.READY: 2, Readiness.NEARLY: 1, Readiness.NOT_READY: 0}


@dataclass(frozen=True)
class Badge:
    text: str  # "达标→运营专员" / "接近→运营主管"
    rank: int  # 0 ready, 1 nearly ready: the order the 晋升状态 column sorts in


def badges_of(found: EligibilityList) -> dict[int, Badge]:
    """employee id -> the best badge over their possible moves (nobody: no badge).

    Promotions come before transfers (a transfer only needs tenure, so "ready to transfer" would
    hide "nearly ready for promotion"); then ready before nearly; ties keep the list's order.
    """
    best: dict[int, tuple[tuple[bool, int], Badge]] = {}
    for candidate in found.candidates:
        rank = _RANK[candidate.status]
        if rank == 0:
            continue
        key = (candidate.transition.kind == "promotion", rank)
        target = transition_ends(candidate.transition)[1]
        label = (tr("达标→{to}") if rank == 2 else tr("接近→{to}")).format(to=target)
        if candidate.person.id not in best or key > best[candidate.person.id][0]:
            best[candidate.person.id] = (key, Badge(label, 2 - rank))
    return {pid: badge for pid, (_, badge) in best.items()}


def case_badges(under_way: Mapping[int, tuple[str, str]]) -> dict[int, Badge]:
    """employee id -> a badge for their case under way (``cases.cases_under_way``: open,
    awaiting the decision, or published before its effective date); closed ones (驳回, 撤回,
    已生效) leave the readiness."""
    return {
        employee_id: Badge(tr("{state}→{to}").format(state=state_text(state), to=to), 0)
        for employee_id, (state, to) in under_way.items()
    }


class ReadinessBadgesViewModel(QObject):
    changed = Signal()

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.badges: dict[int, Badge] = {}
        # The result arrives through the runner's slots, so it ends with this object: a screen
        # rebuilt (log-in as someone else) while its badges compute never hears from the old run
        # ("Signal source has been deleted"); a newer run replaces (and cancels) an older one.
        self._runner = worker.LatestJob(self)
        self._runner.succeeded.connect(self._on_done)
        session_vm.data_changed.connect(self.on_data_changed)
        session_vm.actor_changed.connect(self.refresh)

    @property
    def enabled(self) -> bool:
        return self.session_vm.can(Perm.VIEW_ELIGIBILITY)

    def badge(self, employee_id: int) -> str:
        found = self.badges.get(employee_id)
        return found.text if found else ""

    def rank(self, employee_id: int) -> int:
        """0 ready, 1 nearly ready, 2 neither: the order the 晋升状态 column sorts in."""
        found = self.badges.get(employee_id)
        return found.rank if found else 2

    def refresh(self) -> None:
        if not self.enabled:
            return
        app = self.session_vm.app

        def work(progress: Progress) -> dict[int, Badge]:
            found = badges_of(eligibility.eligibility_list(app, progress=progress))
            return {**found, **case_badges(cases.cases_under_way(app))}

        job = self._runner.start(work)
        self.destroyed.connect(job.cancel)  # gone mid-run: stop computing for nobody

    @Slot(object)
    def _on_done(self, result: object) -> None:
        assert isinstance(result, dict)
        self.badges = result
        self.changed.emit()

    def on_data_changed(self, area: str) -> None:
        del area
        self.refresh()
