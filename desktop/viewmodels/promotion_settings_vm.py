"""Settings → 审批流程 (which roles approve a case, in order, the owner's step always last) and
Settings → 公示模板 (the sentence published when the owner decides)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import QObject, Signal, SignalInstance

from core.domain.cases import DEFAULT_NOTICE, StepRole, placeholders
from core.errors import TiduiError
from core.i18n import render
from core.permissions import Perm
from core.services.promotion import config, gui_support
from desktop.i18n import listed, tr
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel

# the steps before the owner's, as offered (the owner's step is always there, last)
OPTIONAL_STEPS = (StepRole.SUPERVISOR.value, StepRole.HR.value)


class _Saver(Protocol):
    session_vm: SessionViewModel
    error: str

    @property
    def saved(self) -> SignalInstance: ...

    @property
    def failed(self) -> SignalInstance: ...


def _store(vm: _Saver, write: Callable[[], None]) -> bool:
    """Save one of the file's promotion settings: the core's refusal as text, else tell the
    other screens. (A shared QObject base class for the two viewmodels crashed PySide6 while
    tearing down, so they share this function instead.)"""
    try:
        write()
    except TiduiError as err:
        vm.error = err.text()
        vm.failed.emit(vm.error)
        return False
    vm.error = ""
    vm.session_vm.notify_changed(ChangeArea.COMPANY)
    vm.saved.emit()
    return True


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
        return _store(self, lambda: config.set_approval_chain(self.session_vm.app, roles))


# what each placeholder of the 公示 template stands for (shown beside the editor)
PLACEHOLDER_HINTS = {
    "姓名": "员工姓名",
    "工号": "员工工号",
    "原职级": "晋升前的职级",
    "新职级": "晋升后的职级",
    "生效日期": "生效日期（2024年10月1日）",
    "公司名称": "公司名称",
    "月薪": "决定的新月薪（9,000）",
    "日期": "公示当天的日期",
}


class NoticeTemplateViewModel(QObject):
    """Settings → 公示模板 (owner only): the sentence published when the owner decides."""

    saved = Signal()
    failed = Signal(str)

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.error = ""

    @property
    def allowed(self) -> bool:
        return self.session_vm.can(Perm.EDIT_COMPANY)

    def template(self) -> str:
        return config.notice_template(self.session_vm.app)

    @staticmethod
    def default() -> str:
        return DEFAULT_NOTICE

    @staticmethod
    def placeholders() -> list[tuple[str, str]]:
        """("{姓名}", "员工姓名"), … in the order the core knows them."""
        return [("{" + f + "}", tr(PLACEHOLDER_HINTS.get(f, f))) for f in config.NOTICE_FIELDS]

    @staticmethod
    def problem(text: str) -> str:
        """'' when the template may be saved, else the core's sentence (shown in place)."""
        if not text.strip():
            return render("case.notice.empty")
        if len(text.strip()) > config.MAX_NOTICE:
            return render("case.notice.too_long", {"max": config.MAX_NOTICE})
        unknown = [p for p in placeholders(text) if p not in config.NOTICE_FIELDS]
        if unknown:
            return render("case.notice.unknown_placeholder", {"name": "{" + unknown[0] + "}"})
        return ""

    def preview(self, text: str) -> tuple[str, str]:
        """(the notice filled with a real case's values, whose case) — '' while it has a problem."""
        try:
            found = gui_support.notice_preview(self.session_vm.app, text)
        except TiduiError as err:
            return "", err.text()
        if found.unknown or not text.strip():
            return "", ""
        source = (
            tr("按申请 {case} 的数据").format(case=found.source) if found.source else tr("示例数据")
        )
        if found.empty:
            names = listed("{" + n + "}" for n in found.empty)
            source += "；" + tr("此申请没有 {names} 的值，发布时会被拒绝").format(names=names)
        return found.text, source

    def save(self, text: str) -> bool:
        return _store(self, lambda: config.set_notice_template(self.session_vm.app, text))
