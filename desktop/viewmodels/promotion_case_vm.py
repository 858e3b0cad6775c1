"""One 晋升申请 as the case view shows it: who, which move, where it waits, why, the scores, the trail,
and the moves the logged-in user may make (同意 / 退回补充 / 驳回 / 重新提交 / 撤回 / 决定 / 撤销).

The case is read in the background (its criteria and scores are today's until the owner decides,
which means running the rules: half a second on the demo); every move is one core call, after
which the case is read again in the background (``loaded``) and the other screens are told (``session_vm.notify_changed(ChangeArea.CASES)``). A move the core refuses
comes back as ``failed`` with the core's own sentence, so the dialog can show it in place.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from core.domain import cases as dc
from core.domain.metrics import template_part_name
from core.errors import TiduiError
from core.i18n import render
from core.permissions import Perm, Role
from core.progress import Progress
from core.services.archive import records as archive
from core.services.promotion import cases
from core.services.promotion.cases import CaseView
from desktop.i18n import alone, bracketed, listed, tr
from desktop.viewmodels import worker
from desktop.viewmodels.eligibility_vm import run_alone
from desktop.viewmodels.reports_vm import ReportViewModel
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel

# the moves a button offers, in the order they are shown
ACTION_ORDER = ("approve", "return", "reject", "resubmit", "withdraw", "decide", "revoke")
NEEDS_COMMENT = frozenset({"return", "reject", "revoke"})


def performance_rule() -> str:
    """How the performance part is computed (the README says the same), for its tooltip."""
    return tr(
        "绩效不用打分：由该路径的KPI条件截至周期月份算出。满足的条件记100；未满足时“连续每月”类为 已满足月数÷月数，"
        "其他类为 实际值÷门槛（越低越好的指标为 2−实际值÷门槛），最高99、最低0；没有数据为0；各条件取平均。"
    )


def number(value: object, digits: int = 1) -> str:
    """A score or an observed value as a person reads it: 85, 82.5, — for none."""
    if value is None or isinstance(value, bool):
        return "—"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return "—"
        rounded = round(float(value), digits)
        return f"{rounded:g}" if abs(rounded) < 1e15 else str(value)
    if isinstance(value, list | tuple):
        return listed(number(v, digits) for v in value)
    return str(value)


def observed_text(metric: object, value: object, lang: str = "zh", kind: object = None) -> str:
    """An observed value in its metric's unit (20% rather than 0.2); a list month by month. A
    change of a rate (``kind`` "change") is in percentage points, as its rule and the printed
    report say: 转化率较3个月前提升 3.5% − 1.9% is 1.6个百分点, not 1.6%."""
    from core.domain import metrics

    found = metrics.metric(str(metric)) if metric else None
    if found is None or value is None or isinstance(value, bool | str):
        return number(value)
    if isinstance(value, list | tuple):
        return listed(observed_text(metric, v, lang, kind) for v in value)
    if not isinstance(value, int | float) or not math.isfinite(value):
        return "—"
    return metrics.format_criterion_value(
        found.unit, str(kind) if kind else None, float(value), lang, decimals=1
    )


def money(value: int | None) -> str:
    return "—" if value is None else f"¥{value:,}"


def state_text(state: str) -> str:
    return alone(render(f"case.state.{state}"))


def role_text(role: str | None) -> str:
    return alone(render(f"case.role.{role}")) if role else ""


def action_text(action: str) -> str:
    return render(f"case.action.{action}")


def holder_text(role: str | None, logins: Sequence[str]) -> str:
    """Who holds the case: the role and the accounts that may act (人事（hr）)."""
    if role is None:
        return "—"
    names = listed(logins)
    return bracketed(role_text(role), names) if names else role_text(role)


def move_text(from_label: str, to_label: str) -> str:
    return f"{from_label} → {to_label}"


def first_of_next_month(today: date) -> date:
    return date(today.year + (today.month == 12), today.month % 12 + 1, 1)


@dataclass(frozen=True)
class CriterionLine:
    rule: str
    observed: str
    met: bool
    explanation: str


@dataclass(frozen=True)
class ScoreLine:
    """One line of the score breakdown: a part (level 0) or one of its items (level 1)."""

    level: int
    name: str
    weight: str
    score: str
    ratings: str  # each rater's score
    spread: str
    tip: str = ""


@dataclass(frozen=True)
class TrailLine:
    at: str
    step: str
    who: str
    action: str
    comment: str


def part_name(part: Any) -> str:
    """A template part's name as the UI speaks: the built-in 绩效/能力/潜力 in English when the
    UI is English (a name the owner typed stays as typed)."""
    from core.i18n import current_language

    return template_part_name(part, current_language())


def score_lines_of(parts: Any) -> list[ScoreLine]:
    """The score table's lines from an evaluation's parts (the case dialog and 晋升评审 show
    the same table)."""
    lines: list[ScoreLine] = []
    for part in parts:
        kpi = bool(part.get("from_kpi"))
        lines.append(
            ScoreLine(
                0,
                part_name(part),
                f"{number(part.get('weight'))}%",
                number(part.get("score")),
                tr("由KPI条件计算") if kpi else "",
                "",
                performance_rule() if kpi else "",
            )
        )
        for item in part.get("items", []):
            ratings = listed(
                [
                    f"{r.get('rater') or '—'} {number(r.get('score'))}"
                    for r in item.get("ratings", [])
                ],
                "；",
            )
            lines.append(
                ScoreLine(
                    1,
                    str(item.get("name", "")),
                    f"{number(item.get('weight'))}%",
                    number(item.get("average")),
                    ratings or tr("尚未评分"),
                    number(item.get("spread")),
                )
            )
    return lines


class CaseViewModel(QObject):
    loaded = Signal()
    failed = Signal(str)  # the core's sentence, in the user's language
    acted = Signal(str)  # the action done
    busy_changed = Signal(bool)  # a move is running in the background

    def __init__(
        self, session_vm: SessionViewModel, case_id: int, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.case_id = case_id
        self.view: CaseView | None = None
        self.error = ""
        self.temp_files = archive.TempFiles()  # evidence opened in another program
        self._job = worker.LatestJob(self)
        self._job.succeeded.connect(self._on_loaded)
        self._job.failed.connect(self._on_failed)
        self._move: worker.Job | None = None  # the move running, if any
        self._moving = ""
        session_vm.data_changed.connect(self._on_data_changed)

    # --- reading ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        app, case_id = self.session_vm.app, self.case_id

        def work(progress: Progress) -> CaseView:
            del progress
            return cases.view_case(app, case_id)

        self._job.start(run_alone(work))

    def load_now(self) -> bool:
        """Read the case on this thread (tests, and a dialog that must show it at once)."""
        try:
            self.view = cases.view_case(self.session_vm.app, self.case_id)
        except TiduiError as err:
            self.error = err.text()
            self.failed.emit(self.error)
            return False
        self.loaded.emit()
        return True

    @Slot(object)
    def _on_loaded(self, view: object) -> None:
        assert isinstance(view, CaseView)
        self.view = view
        self.loaded.emit()

    @Slot(str)
    def _on_failed(self, text: str) -> None:
        self.error = text
        self.failed.emit(text)

    @Slot(str)
    def _on_data_changed(self, area: str) -> None:
        if (
            area
            in (
                ChangeArea.SCORES,
                ChangeArea.LADDER,
                ChangeArea.IMPORTS,
                "archive",
                ChangeArea.EMPLOYEES,
            )
            and self.view
        ):
            self.refresh()

    @property
    def loading(self) -> bool:
        return self._job.loading

    # --- what the view shows ---------------------------------------------------------------------

    def _view(self) -> CaseView:
        assert self.view is not None, "the case is not loaded yet"
        return self.view

    def title(self) -> str:
        s = self._view().summary
        return tr("晋升申请 #{id}：{name}（{no}）").format(id=s.id, name=s.name, no=s.no)

    def header(self) -> list[tuple[str, str]]:
        v = self._view()
        s = v.summary
        rows = [
            (tr("员工"), f"{s.name}（{s.no}）"),
            (tr("晋升路径"), move_text(s.from_label, s.to_label)),
            (tr("周期"), s.cycle or tr("（未指定）")),
            (tr("状态"), state_text(s.state)),
            (tr("当前处理"), holder_text(s.waiting_for, s.waiting_logins)),
            (tr("发起人"), s.created_by),
            (tr("评估截至"), v.as_of or "—"),
        ]
        skipped = self.skipped_steps()
        if skipped:  # said once up here, not only in the trail (the GUI audit missed it there)
            rows.append((tr("已跳过"), listed(skipped, "；")))
        if v.from_snapshot:
            rows.append((tr("依据"), tr("决定时的快照（此后的数据变化不影响本申请）")))
        else:
            rows.append((tr("依据"), tr("今天的数据（决定时保存为快照）")))
        if v.decision:
            d = v.decision
            rows.append((tr("决定"), str(d.get("notice", ""))))
            rows.append((tr("新月薪"), money(int(d["salary"])) if d.get("salary") else "—"))
        return rows

    def skipped_steps(self) -> list[str]:
        """Each approval step the chain skipped, with why: "直属上级：没有对应的账号" (the 已跳过 beside it says the rest)."""
        lang = self._lang()
        found: list[str] = []
        for t in self._view().trail:
            if t.action != "skip":
                continue
            step = role_text(t.role) if t.role else "—"
            line = tr("{step}：{why}").format(step=step, why=t.text(lang))
            if line not in found:
                found.append(line)
        return found

    @property
    def state(self) -> str:
        return self._view().summary.state

    @property
    def reason(self) -> str:
        return self._view().reason

    @property
    def statement(self) -> str:
        return self._view().statement

    def criteria(self) -> list[CriterionLine]:
        lang = self._lang()
        return [
            CriterionLine(
                cases.criterion_text(c, "rule", lang),
                observed_text(c.get("metric"), c.get("observed"), lang, c.get("kind")),
                bool(c.get("met")),
                cases.criterion_text(c, "explanation", lang),
            )
            for c in self._view().criteria
        ]

    def score_lines(self) -> list[ScoreLine]:
        return score_lines_of(self._view().evaluation.get("parts", []))

    def total_text(self) -> str:
        evaluation = self._view().evaluation
        parts = listed(
            [
                f"{part_name(p)} {number(p.get('score'))}×{number(p.get('weight'))}%"
                for p in evaluation.get("parts", [])
            ],
            "，",
        )
        return tr("总分 {total}（{parts}）").format(
            total=number(evaluation.get("total")), parts=parts
        )

    def trail(self) -> list[TrailLine]:
        lang = self._lang()
        lines = []
        for t in self._view().trail:
            step = role_text(t.role) if t.role else ""
            who = t.login or "—"
            if t.on_behalf:
                who += tr("（老板代为处理）")
            lines.append(
                TrailLine(
                    t.at.astimezone().strftime("%Y-%m-%d %H:%M"),
                    step,
                    who,
                    alone(action_text(t.action)),
                    t.text(lang),
                )
            )
        return lines

    def evidence(self) -> list[tuple[int, str, str]]:
        return [(i, name, f"{size / 1024:.0f} KB") for i, name, size in self._view().evidence]

    def actions(self) -> list[str]:
        """The moves this user may make now, in button order."""
        v = self._view()
        actor = self.session_vm.app.actor
        allowed = set(v.actions)
        may_withdraw = actor.login == v.summary.created_by or actor.role == Role.OWNER.value
        if not may_withdraw:
            allowed.discard("withdraw")
        elif dc.CaseAction.WITHDRAW in dc.legal_actions(v.state):
            # the creator may take her case back at any step, not only at her own (the core
            # allows it; 撤回 vanished once the case moved on to the supervisor)
            allowed.add("withdraw")
        if v.state is dc.CaseState.PUBLISHED and self.session_vm.can(Perm.APPROVE_FINAL):
            allowed.add("revoke")  # the core lets the owner revoke before the effective date
        return [a for a in ACTION_ORDER if a in allowed]

    def documents(self) -> list[str]:
        """What may be printed of this case now: its evaluation report, and once the owner has
        decided (已公示, 已生效) the letter and the 晋升公示 of its cycle."""
        if not self.session_vm.can(Perm.PRINT_REPORTS):
            return []
        decided = self._view().state in (dc.CaseState.PUBLISHED, dc.CaseState.EFFECTIVE)
        return ["evaluation", "letter", "announcement"] if decided else ["evaluation"]

    def report(self, kind: str) -> ReportViewModel:
        s = self._view().summary
        # the 晋升公示 is the cycle's notice, of everyone decided in it: named by the cycle
        name = (s.cycle or "") if kind == "announcement" else s.name
        return ReportViewModel(
            self.session_vm, kind, s.employee_id, case_id=s.id, name=name, no=s.no, parent=self
        )

    @property
    def can_add_evidence(self) -> bool:
        v = self._view()
        open_states = dc.OPEN_STATES | {dc.CaseState.APPROVED}
        return v.state in open_states and (self.session_vm.can(Perm.CREATE_CASE) or v.can_act)

    can_edit_statement = can_add_evidence

    # --- the decision ----------------------------------------------------------------------------

    @property
    def band(self) -> tuple[int | None, int | None]:
        return self._view().salary_band

    def band_text(self) -> str:
        low, high = self.band
        return tr("新职级薪资带宽：{low} – {high}").format(low=money(low), high=money(high))

    def suggestion_text(self) -> str:
        v = self._view()
        if v.suggested_salary is None:
            return tr("没有建议范围（未设定现月薪或调薪幅度）")
        low, high = v.suggested_salary
        return tr("建议：{low} – {high}（现月薪 {now}）").format(
            low=money(low), high=money(high), now=money(v.salary_before)
        )

    def default_salary(self) -> int:
        v = self._view()
        if v.suggested_salary is not None:
            return v.suggested_salary[0]
        low, _high = v.salary_band
        return low or v.salary_before or 0

    def default_effective(self, today: date | None = None) -> date:
        return first_of_next_month(today or date.today())

    def decision_question(self, salary: int, effective: date, today: date | None = None) -> str:
        """What the owner confirms before 决定并公示: the person, the move, the pay and the day
        (a decision about pay is not taken by an Enter pressed in the salary field)."""
        s = self._view().summary
        text = tr(
            "决定{name}（{no}）晋升：{move}\n新月薪 {salary}，自 {date} 起生效，并予以公示。"
        ).format(
            name=s.name,
            no=s.no,
            move=move_text(s.from_label, s.to_label),
            salary=money(salary),
            date=effective.isoformat(),
        )
        if effective <= (today or date.today()):
            text += "\n" + tr("生效日期已到，确定后立即生效。")
        return text

    def final_question(self, action: str) -> str | None:
        """What to ask before a move that ends the case or its decision (驳回, 撤回, 撤销决定);
        None for the others."""
        s = self._view().summary
        texts = {
            "reject": tr(
                "驳回{name}（{no}）的晋升申请（{move}）？驳回后申请结束，不能再重新提交。"
            ),
            "withdraw": tr("撤回{name}（{no}）的晋升申请（{move}）？撤回后申请结束。"),
            "revoke": tr("撤销对{name}（{no}）的晋升决定（{move}）？已公示的决定将作废。"),
        }
        text = texts.get(action)
        if text is None:
            return None
        return text.format(name=s.name, no=s.no, move=move_text(s.from_label, s.to_label))

    def default_permissions(self) -> list[str]:
        return list(self._view().permissions)

    def default_training(self) -> list[str]:
        return list(self._view().training)

    def salary_problem(self, salary: int) -> str:
        """'' when the salary may be decided, else the core's sentence (shown beside the field)."""
        try:
            dc.check_salary(salary, self.band)
        except TiduiError as err:
            return err.text()
        return ""

    # --- moves ---------------------------------------------------------------------------------
    #
    # Every move runs off the GUI thread (a decision with an effective date today changes the
    # archive and runs the rules for the snapshot: the window must not freeze). One move at a time:
    # while ``busy`` the dialog disables its buttons; the result comes back as ``acted`` (and the
    # case is read again, ``loaded``) or ``failed`` with the core's sentence. A method returns
    # False when the move could not start (busy, or refused before touching the file).

    @property
    def busy(self) -> bool:
        return self._move is not None

    def _set_busy(self, job: worker.Job | None) -> None:
        was = self.busy
        self._move = job
        if was != self.busy:
            self.busy_changed.emit(self.busy)

    def _run(self, action: str, fn: Callable[..., Any], *args: Any) -> bool:
        if self.busy:
            return False
        self.error = ""
        self._moving = action

        def work(progress: Progress) -> Any:
            del progress
            return fn(*args)

        job = worker.start(work)
        # bound slots, not lambdas: a viewmodel deleted meanwhile is simply not called
        job.succeeded.connect(self._on_move_done)
        job.failed.connect(self._on_move_failed)
        self._set_busy(job)
        return True

    @Slot(object)
    def _on_move_done(self, result: object) -> None:
        if self.sender() is not self._move:
            return
        action = self._moving
        self._set_busy(None)
        effective = action == "decide" and result is dc.CaseState.EFFECTIVE
        self._done(action, effective)

    @Slot(str)
    def _on_move_failed(self, text: str) -> None:
        if self.sender() is not self._move:
            return
        self._set_busy(None)
        self.error = text
        self.failed.emit(text)

    def _done(self, action: str, effective: bool = False) -> None:
        """After a move: the other screens are told, the case is read again in the background
        (``loaded`` follows)."""
        self.error = ""
        self.session_vm.notify_changed(ChangeArea.CASES)
        if effective:
            # the employee's level, salary and grade history changed: the list and the form
            self.session_vm.notify_changed(ChangeArea.EMPLOYEES)
            self.session_vm.notify_changed(ChangeArea.PROMOTION)
        self.refresh()
        self.acted.emit(action)

    def _fail(self, err: TiduiError) -> bool:
        self.error = err.text()
        self.failed.emit(self.error)
        return False

    def act(self, action: str, comment: str = "", statement: str | None = None) -> bool:
        """同意 / 退回补充 / 驳回 / 重新提交 / 撤回 / 撤销 (a comment is required for the
        last ones; the core says so when it is missing). ``statement``: a 自述 typed and not yet
        saved, saved first in the same background job (the move is refused if it fails)."""
        app, case_id = self.session_vm.app, self.case_id
        moves: dict[str, Callable[[], object]] = {
            "approve": lambda: cases.act(app, case_id, "approve", comment),
            "reject": lambda: cases.act(app, case_id, "reject", comment),
            "return": lambda: cases.act(app, case_id, "return", comment),
            "resubmit": lambda: cases.resubmit(app, case_id, comment),
            "withdraw": lambda: cases.withdraw(app, case_id, comment),
            "revoke": lambda: cases.revoke(app, case_id, comment),
        }
        if action not in moves:
            raise ValueError(action)
        move = moves[action]
        if statement is None:
            return self._run(action, move)

        def both() -> object:
            cases.set_statement(app, case_id, statement)
            return move()

        return self._run(action, both)

    def decide(
        self,
        salary: int,
        effective: date,
        permissions: Sequence[str],
        training: Sequence[str],
        today: date | None = None,
    ) -> bool:
        if self.view is not None:  # outside the band: refused at once, in place
            try:
                dc.check_salary(salary, self.band)
            except TiduiError as err:
                return self._fail(err)
        app, case_id = self.session_vm.app, self.case_id
        return self._run(
            "decide",
            lambda: cases.decide(
                app,
                case_id,
                salary,
                effective,
                permissions=list(permissions),
                training=list(training),
                today=today,
            ),
        )

    def set_statement(self, text: str) -> bool:
        app, case_id = self.session_vm.app, self.case_id
        return self._run("statement", lambda: cases.set_statement(app, case_id, text))

    def add_evidence(self, path: Path) -> bool:
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.error = str(exc)
            self.failed.emit(self.error)
            return False
        app, case_id = self.session_vm.app, self.case_id
        return self._run("evidence", lambda: cases.add_evidence(app, case_id, path.name, data))

    def open_evidence(self, attachment_id: int) -> Path | None:
        """A temp copy of an evidence file for the system's viewer (removed on ``cleanup``)."""
        try:
            return self.temp_files.open_copy(self.session_vm.app, attachment_id)
        except TiduiError as err:
            self._fail(err)
            return None

    def cleanup(self) -> None:
        self.temp_files.cleanup()

    def _lang(self) -> str:
        from core.i18n import current_language

        return current_language()
