"""发起晋升申请: the people chosen on the 达标名单, an optional cycle and the reason."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from core.services.eligibility.readiness import Candidate
from desktop.i18n import tr
from desktop.viewmodels.eligibility_vm import status_text, transition_label
from desktop.viewmodels.promotion_create_vm import CreateCasesViewModel, Outcome, Proposal
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views import questions
from desktop.views.focus import TextBox


def ask_discard_reason(parent: QWidget) -> bool:
    """Whether the user throws away the reason typed in 发起晋升申请 (tests replace this)."""
    return questions.ask(parent, tr("发起晋升申请"), tr("放弃已填写的申请理由？"))


class CreateCasesDialog(QDialog):
    def __init__(
        self,
        session_vm: SessionViewModel,
        proposals: list[Proposal],
        parent: QWidget | None = None,
        cycle_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.vm = CreateCasesViewModel(session_vm, self)
        self.proposals = proposals
        self.outcomes: list[Outcome] = []
        self.setWindowTitle(tr("发起晋升申请"))
        self.people = QListWidget()
        self.people.setMaximumHeight(140)
        self.cycle = QComboBox()
        self.cycle.addItem(tr("（不指定评审周期）"), None)
        for open_id, name in self.vm.open_cycles():  # not cycle_id: that is the one asked for
            self.cycle.addItem(name, open_id)
        if cycle_id is not None and self.cycle.findData(cycle_id) >= 0:
            self.cycle.setCurrentIndex(self.cycle.findData(cycle_id))
        elif self.cycle.count() > 1:
            self.cycle.setCurrentIndex(1)
        self.reason = TextBox()
        self.reason.setMaximumHeight(90)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #616161;")
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        form = QFormLayout()
        form.addRow(tr("员工"), self.people)
        form.addRow(tr("评审周期"), self.cycle)
        form.addRow(tr("申请理由"), self.reason)
        form.addRow("", self.hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr("提交申请"))
        buttons.accepted.connect(self.on_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(520, 420)
        self._show_people()

    def reject(self) -> None:
        """Esc, 取消 and the window's close button: a reason typed is not thrown away unasked."""
        if self.reason.toPlainText().strip() and not ask_discard_reason(self):
            return
        super().reject()

    def _show_people(self) -> None:
        self.people.clear()
        for p in self.proposals:
            self.people.addItem(f"{p.name}  {p.move}  ·  {status_text(p.status)}")
        self.hint.setText(self.vm.reason_hint(self.proposals))
        if self.vm.needs_reason(self.proposals):
            self.reason.setPlaceholderText(tr("必填：为什么现在申请"))
        else:
            self.reason.setPlaceholderText(tr("可选"))

    @Slot()
    def on_accepted(self) -> None:
        outcomes = self.vm.create(
            self.proposals, self.cycle.currentData(), self.reason.toPlainText()
        )
        self.outcomes += [o for o in outcomes if o.case_id is not None]
        failed = [o for o in outcomes if o.error]
        if not failed:
            self.accept()
            return
        self.proposals = [o.proposal for o in failed]
        self._show_people()
        done = len(outcomes) - len(failed)
        lines = [f"{o.proposal.move}：{o.error}" for o in failed]  # the error names the person
        if done:
            lines.insert(0, tr("已提交{n}份申请；以下未提交：", n=done))
        self.error.setText("\n".join(lines))


def proposals_of(candidates: list[Candidate]) -> list[Proposal]:
    """The 达标名单's selected rows as proposals."""
    return [
        Proposal(
            c.person.id, c.transition.id, c.person.name, transition_label(c.transition), c.status
        )
        for c in candidates
    ]
