"""The promotion case as a state machine, the approval chain, the salary suggestion and the notice text.

Pure logic over plain values; core/services/promotion/ loads and stores. Every state and every
move is listed here once, so an illegal move (a second approval of one step, acting on a closed
case, HR deciding) is refused in one place with one message, whoever asks (GUI or CLI).

States:  submitted → in_review → approved → published → effective
         any open state → rejected | withdrawn;  submitted/in_review → returned → submitted;
         published (not yet effective) → revoked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from core.errors import ValidationError
from core.i18n import Message


class CaseState(StrEnum):
    SUBMITTED = "submitted"  # 已提交, waiting at the first step
    IN_REVIEW = "in_review"  # 审批中, at least one step approved
    RETURNED = "returned"  # 退回补充, back with the creator
    APPROVED = "approved"  # 审批通过, waiting for the owner's decision
    REJECTED = "rejected"  # 已驳回 (closed)
    WITHDRAWN = "withdrawn"  # 已撤回 (closed)
    PUBLISHED = "published"  # 已公示, decided, effective date ahead
    EFFECTIVE = "effective"  # 已生效 (closed)
    REVOKED = "revoked"  # 已撤销, a published case revoked before its effective date (closed)


class CaseAction(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"
    RESUBMIT = "resubmit"
    WITHDRAW = "withdraw"
    DECIDE = "decide"
    EFFECTIVE = "effective"
    REVOKE = "revoke"


class StepRole(StrEnum):
    SUPERVISOR = "supervisor"  # 直属上级: the account linked to the employee's supervisor
    HR = "hr"  # 人事
    OWNER = "owner"  # 老板


DEFAULT_CHAIN: tuple[StepRole, ...] = (StepRole.SUPERVISOR, StepRole.HR, StepRole.OWNER)

OPEN_STATES = frozenset({CaseState.SUBMITTED, CaseState.IN_REVIEW, CaseState.RETURNED})
CLOSED_STATES = frozenset(
    {CaseState.REJECTED, CaseState.WITHDRAWN, CaseState.EFFECTIVE, CaseState.REVOKED}
)
# A case in one of these keeps the person "taken": a second case for the same move is refused.
ACTIVE_STATES = frozenset(set(CaseState) - CLOSED_STATES)

_MOVES: dict[tuple[CaseState, CaseAction], CaseState | None] = {
    # None: the next state depends on the chain (approve → in_review or approved)
    (CaseState.SUBMITTED, CaseAction.APPROVE): None,
    (CaseState.IN_REVIEW, CaseAction.APPROVE): None,
    (CaseState.SUBMITTED, CaseAction.REJECT): CaseState.REJECTED,
    (CaseState.IN_REVIEW, CaseAction.REJECT): CaseState.REJECTED,
    (CaseState.SUBMITTED, CaseAction.RETURN): CaseState.RETURNED,
    (CaseState.IN_REVIEW, CaseAction.RETURN): CaseState.RETURNED,
    (CaseState.RETURNED, CaseAction.RESUBMIT): CaseState.SUBMITTED,
    (CaseState.SUBMITTED, CaseAction.WITHDRAW): CaseState.WITHDRAWN,
    (CaseState.IN_REVIEW, CaseAction.WITHDRAW): CaseState.WITHDRAWN,
    (CaseState.RETURNED, CaseAction.WITHDRAW): CaseState.WITHDRAWN,
    (CaseState.APPROVED, CaseAction.WITHDRAW): CaseState.WITHDRAWN,
    (CaseState.APPROVED, CaseAction.DECIDE): CaseState.PUBLISHED,
    (CaseState.APPROVED, CaseAction.REJECT): CaseState.REJECTED,
    (CaseState.PUBLISHED, CaseAction.EFFECTIVE): CaseState.EFFECTIVE,
    (CaseState.PUBLISHED, CaseAction.REVOKE): CaseState.REVOKED,
}


def legal_actions(state: CaseState) -> list[CaseAction]:
    return [a for (s, a) in _MOVES if s is state]


def next_state(state: CaseState, action: CaseAction, *, last_step: bool = False) -> CaseState:
    """The state after ``action``; an illegal move raises a ValidationError naming both."""
    if (state, action) not in _MOVES:
        code = "case.closed" if state in CLOSED_STATES else "case.illegal_move"
        raise ValidationError(
            code,
            state=Message(f"case.state.{state.value}"),
            action=Message(f"case.action.{action.value}"),
        )
    target = _MOVES[(state, action)]
    if target is None:
        return CaseState.APPROVED if last_step else CaseState.IN_REVIEW
    return target


# --- the approval chain -------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainStep:
    """One step of a resolved chain: who may act, or why nobody needs to (skipped)."""

    role: StepRole
    logins: tuple[str, ...]
    skipped: str | None = None  # message code: case.skip.no_account | case.skip.applicant

    def as_dict(self) -> dict[str, object]:
        return {"role": self.role.value, "logins": list(self.logins), "skipped": self.skipped}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ChainStep:
        logins = data.get("logins") or ()
        assert isinstance(logins, list | tuple)
        skipped = data.get("skipped")
        return cls(
            StepRole(str(data["role"])),
            tuple(str(x) for x in logins),
            str(skipped) if skipped else None,
        )


def parse_chain(roles: Sequence[str]) -> tuple[StepRole, ...]:
    """A configured chain (Settings → 审批流程): known roles, each once, ending with the owner."""
    try:
        chain = tuple(StepRole(r) for r in roles)
    except ValueError as exc:
        raise ValidationError("case.chain.unknown_role", role=str(exc)) from exc
    if not chain:
        raise ValidationError("case.chain.empty")
    if len(set(chain)) != len(chain):
        raise ValidationError("case.chain.duplicate")
    if chain[-1] is not StepRole.OWNER:
        raise ValidationError("case.chain.owner_last")
    return chain


def resolve_chain(
    roles: Sequence[StepRole],
    candidates: Mapping[StepRole, Sequence[str]],
    applicant_logins: Sequence[str],
) -> tuple[ChainStep, ...]:
    """Who acts at each step. A step with no account, or whose only approver is the applicant,
    is skipped (and says why); the owner's step is never skipped while an owner exists."""
    steps: list[ChainStep] = []
    mine = {x.lower() for x in applicant_logins}
    for role in roles:
        logins = tuple(candidates.get(role, ()))
        others = tuple(x for x in logins if x.lower() not in mine)
        if not logins:
            steps.append(ChainStep(role, (), "case.skip.no_account"))
        elif not others:
            steps.append(ChainStep(role, logins, "case.skip.applicant"))
        else:
            steps.append(ChainStep(role, others))
    return tuple(steps)


def first_open_step(chain: Sequence[ChainStep], start: int = 0) -> int | None:
    """The index of the first step at or after ``start`` that is not skipped (None: none left)."""
    for i in range(start, len(chain)):
        if chain[i].skipped is None:
            return i
    return None


# --- the owner's decision -------------------------------------------------------------------------


def suggested_salary(
    current: int | None,
    raise_min_pct: float | None,
    raise_max_pct: float | None,
    band: tuple[int | None, int | None],
) -> tuple[int, int] | None:
    """The transition's raise range as amounts (rounded to whole yuan), clamped to the new band.

    Without a current salary the band itself is the range; without either, there is none.
    """
    low_band, high_band = band
    if current is None or (raise_min_pct is None and raise_max_pct is None):
        if low_band is None or high_band is None:
            return None
        return (low_band, high_band)
    lo_pct = raise_min_pct if raise_min_pct is not None else raise_max_pct
    hi_pct = raise_max_pct if raise_max_pct is not None else raise_min_pct
    assert lo_pct is not None and hi_pct is not None
    lo = round(current * (1 + lo_pct / 100))
    hi = round(current * (1 + hi_pct / 100))
    lo, hi = min(lo, hi), max(lo, hi)
    if low_band is not None:
        lo, hi = max(lo, low_band), max(hi, low_band)
    if high_band is not None:
        lo, hi = min(lo, high_band), min(hi, high_band)
    return (lo, hi)


def check_salary(salary: object, band: tuple[int | None, int | None]) -> int:
    """A whole, positive monthly salary inside the new level's band (either end may be open)."""
    if isinstance(salary, bool) or not isinstance(salary, int | float) or not math.isfinite(salary):
        raise ValidationError("case.salary.invalid", field="salary", value=str(salary))
    if salary <= 0 or not float(salary).is_integer():
        raise ValidationError("case.salary.invalid", field="salary", value=str(salary))
    low, high = band
    if (low is not None and salary < low) or (high is not None and salary > high):
        raise ValidationError(
            "case.salary.outside_band",
            field="salary",
            salary=int(salary),
            low="—" if low is None else low,
            high="—" if high is None else high,
        )
    return int(salary)


# --- the notice text 公示 -------------------------------------------------------------------------

DEFAULT_NOTICE = "{姓名}晋升为{新职级}，自{生效日期}起生效。"
DEFAULT_TRANSFER_NOTICE = "{姓名}由{原职级}转岗为{新职级}，自{生效日期}起生效。"
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def date_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def placeholders(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template)


def fill(template: str, values: Mapping[str, str]) -> tuple[str, list[str], list[str]]:
    """The template with its placeholders filled: (text, unknown placeholders, empty values).

    Nothing is printed raw: a caller refuses to print while either list is non-empty.
    """
    unknown = [p for p in placeholders(template) if p not in values]
    empty = [p for p in placeholders(template) if p in values and not str(values[p]).strip()]
    text = _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)
    return text, unknown, empty
