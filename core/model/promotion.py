"""Running a promotion: review cycles 评审周期, cases 晋升申请 with their approval trail, what a case granted.

A case copies in what it must never lose (the level titles, the approval chain it was submitted
into, and at decision time a snapshot of the criteria with their observed values and of the
scores and weights), so later imports, undos or ladder edits never change why someone was
promoted. States and legal moves are in core/domain/cases.py; these tables only store them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.model.base import Base, utcnow


class ReviewCycle(Base):
    """A review cycle, e.g. 2024下半年: judged as of one month, with a deadline and its transitions.

    ``name`` is what the 评估打分 template's 评审周期 column (ScoreEntry.period) refers to.
    ``transition_ids`` empty means every transition of the ladder.
    """

    __tablename__ = "review_cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    as_of: Mapped[str] = mapped_column(String(7))  # "YYYY-MM"
    deadline: Mapped[date | None] = mapped_column(default=None)
    transition_ids: Mapped[list[Any]] = mapped_column(default=list)
    state: Mapped[str] = mapped_column(String(8), default="open")  # open | closed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    closed_at: Mapped[datetime | None] = mapped_column(default=None)


class CycleCandidate(Base):
    """Someone HR added to a cycle by hand (the ready and nearly ready are found by the rules)."""

    __tablename__ = "cycle_candidates"
    __table_args__ = (UniqueConstraint("cycle_id", "employee_id", "transition_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("review_cycles.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    transition_id: Mapped[int] = mapped_column(ForeignKey("transitions.id", ondelete="CASCADE"))
    added_by: Mapped[str] = mapped_column(String(64), default="")
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class PromotionCase(Base):
    """A promotion or transfer case of one employee for one transition.

    ``chain`` is the approval chain resolved when the case was (re)submitted:
    [{"role": "supervisor"|"hr"|"owner", "logins": [...], "skipped": reason code or null}];
    ``step`` is the index of the step the case waits at (None once no step is waiting).
    ``decision`` is {"salary": int, "effective": "YYYY-MM-DD", "permissions": [...],
    "training": [...], "notice": text} once the owner decided; ``snapshot`` is what the case
    was decided on (criteria with observed values, scores, weights, ladder version, as-of month).
    """

    __tablename__ = "promotion_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    transition_id: Mapped[int | None] = mapped_column(
        ForeignKey("transitions.id", ondelete="SET NULL"), default=None
    )
    cycle_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_cycles.id", ondelete="SET NULL"), default=None
    )
    from_level_id: Mapped[int | None] = mapped_column(
        ForeignKey("levels.id", ondelete="SET NULL"), default=None
    )
    to_level_id: Mapped[int | None] = mapped_column(
        ForeignKey("levels.id", ondelete="SET NULL"), default=None
    )
    from_label: Mapped[str] = mapped_column(String(140), default="")
    to_label: Mapped[str] = mapped_column(String(140), default="")
    kind: Mapped[str] = mapped_column(String(16), default="promotion")  # promotion | transfer
    state: Mapped[str] = mapped_column(String(16), default="submitted")
    ready_when_created: Mapped[bool] = mapped_column(default=True)
    reason: Mapped[str] = mapped_column(Text, default="")  # why someone not ready is proposed
    statement: Mapped[str] = mapped_column(Text, default="")  # the self-statement 自述
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_role: Mapped[str] = mapped_column(String(16), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    chain: Mapped[list[Any]] = mapped_column(default=list)
    step: Mapped[int | None] = mapped_column(default=None)
    salary_before: Mapped[int | None] = mapped_column(default=None)
    decision: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    effective_applied_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_reason: Mapped[str] = mapped_column(Text, default="")

    steps: Mapped[list[CaseStep]] = relationship(
        back_populates="case", order_by="CaseStep.id", cascade="all, delete-orphan"
    )


class CaseStep(Base):
    """One entry of a case's trail: who did what at which step, when, with which comment.

    ``action`` is submit | resubmit | approve | reject | return | skip | withdraw | decide |
    effective | revoke; ``on_behalf`` marks the owner acting on another role's step.
    """

    __tablename__ = "case_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("promotion_cases.id", ondelete="CASCADE"))
    position: Mapped[int | None] = mapped_column(default=None)  # index in the chain
    role: Mapped[str] = mapped_column(String(16), default="")
    login: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    on_behalf: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[PromotionCase] = relationship(back_populates="steps")


class Entitlement(Base):
    """A permission or training opportunity an employee was granted (by a case, or by hand)."""

    __tablename__ = "entitlements"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # permission | training
    name: Mapped[str] = mapped_column(String(200))
    granted_on: Mapped[date]
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("promotion_cases.id", ondelete="SET NULL"), default=None
    )
    done_on: Mapped[date | None] = mapped_column(default=None)  # a training taken
