"""Settings → 审批流程: which roles approve a case, in order (the owner's step always last)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal

from core.domain.cases import StepRole
from core.errors import TiduiError
from core.permissions import Perm
from core.services.promotion import config
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel

# the steps before the owner's, as offered (the owner's step is always there, last)
OPTIONAL_STEPS = (StepRole.SUPERVISOR.value, StepRole.HR.value)


class ChainViewModel(QObject):
    saved = Signal()
    failed = Signal(str)

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.error = ""

    @property
    def allowed(self) -> bool:
        return self.session_vm.can(Perm.EDIT_COMPANY)

    def chain(self) -> list[str]:
        return [r.value for r in config.approval_chain(self.session_vm.app)]

    def steps(self) -> list[tuple[str, bool]]:
        """The optional steps in the stored order (unused ones after), each with whether it is on."""
        current = [r for r in self.chain() if r != StepRole.OWNER.value]
        rest = [r for r in OPTIONAL_STEPS if r not in current]
        return [(r, True) for r in current] + [(r, False) for r in rest]

    def save(self, steps: Sequence[str]) -> bool:
        roles = [r for r in steps if r != StepRole.OWNER.value] + [StepRole.OWNER.value]
        try:
            config.set_approval_chain(self.session_vm.app, roles)
        except TiduiError as err:
            self.error = err.text()
            self.failed.emit(self.error)
            return False
        self.error = ""
        self.session_vm.notify_changed(ChangeArea.COMPANY)
        self.saved.emit()
        return True
