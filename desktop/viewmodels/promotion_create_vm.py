"""发起晋升申请: one case per selected person and move, in an optional open cycle, with a reason
(required by the core for anyone not ready: its sentence is shown as it is)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject

from core.domain.rules import Readiness
from core.errors import TiduiError
from core.permissions import Perm
from core.services.promotion import cases, cycles
from desktop.i18n import listed, tr
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel


@dataclass(frozen=True)
class Proposal:
    employee_id: int
    transition_id: int
    name: str
    move: str
    status: Readiness


@dataclass(frozen=True)
class Outcome:
    proposal: Proposal
    case_id: int | None
    error: str  # '' when the case was created


class CreateCasesViewModel(QObject):
    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm

    @property
    def allowed(self) -> bool:
        return self.session_vm.can(Perm.CREATE_CASE)

    def open_cycles(self) -> list[tuple[int, str]]:
        try:
            found = cycles.list_cycles(self.session_vm.app)
        except TiduiError:
            return []
        return [(c.id, c.name) for c in found if c.state == "open"]

    @staticmethod
    def needs_reason(proposals: Sequence[Proposal]) -> bool:
        return any(p.status is not Readiness.READY for p in proposals)

    @staticmethod
    def reason_hint(proposals: Sequence[Proposal]) -> str:
        """Whose proposal needs a reason, by name ("有人尚未达标" read oddly for one person)."""
        names = list(dict.fromkeys(p.name for p in proposals if p.status is not Readiness.READY))
        if names:
            return tr("{names}尚未达标：请写明破格申请的理由（理由会保留在申请中）。").format(
                names=listed(names)
            )
        return tr("都已达标；理由可不填。") if len(proposals) > 1 else tr("已达标；理由可不填。")

    def create(
        self, proposals: Sequence[Proposal], cycle_id: int | None, reason: str
    ) -> list[Outcome]:
        """One case per proposal; each refusal comes back with the core's sentence."""
        outcomes: list[Outcome] = []
        for p in proposals:
            try:
                case_id = cases.create_case(
                    self.session_vm.app,
                    p.employee_id,
                    transition_id=p.transition_id,
                    cycle=cycle_id,
                    reason=reason,
                )
            except TiduiError as err:
                outcomes.append(Outcome(p, None, err.text()))
            else:
                outcomes.append(Outcome(p, case_id, ""))
        if any(o.case_id is not None for o in outcomes):
            self.session_vm.notify_changed(ChangeArea.CASES)
        return outcomes
