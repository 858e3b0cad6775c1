"""Employees and their growth archive: grade history, stores run, training, achievements, feedback, files."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.model.base import Base, utcnow


class Employee(Base):
    __tablename__ = "employees"

    id: Mapped[int] = mapped_column(primary_key=True)
    no: Mapped[str] = mapped_column(String(32), unique=True)  # 工号
    name: Mapped[str] = mapped_column(String(64))
    gender: Mapped[str | None] = mapped_column(String(4), default=None)  # 男 / 女
    phone: Mapped[str | None] = mapped_column(String(32), default=None)
    id_number: Mapped[str | None] = mapped_column(String(32), default=None)  # 身份证号, GB 11643
    hire_date: Mapped[date | None] = mapped_column(default=None)
    leave_date: Mapped[date | None] = mapped_column(default=None)
    leave_reason: Mapped[str | None] = mapped_column(String(200), default=None)
    department: Mapped[str | None] = mapped_column(String(64), default=None)
    track_id: Mapped[int | None] = mapped_column(
        ForeignKey("tracks.id", ondelete="SET NULL"), default=None
    )
    level_id: Mapped[int | None] = mapped_column(
        ForeignKey("levels.id", ondelete="SET NULL"), default=None
    )
    level_since: Mapped[date | None] = mapped_column(default=None)  # for tenure rules
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), default=None
    )
    salary: Mapped[int | None] = mapped_column(default=None)  # CNY per month
    anonymised: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")

    supervisor: Mapped[Employee | None] = relationship(remote_side=[id])

    @property
    def active(self) -> bool:
        return self.leave_date is None


class GradeChange(Base):
    """A change of level and/or salary, the spine of the growth archive."""

    __tablename__ = "grade_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    effective_date: Mapped[date]
    from_level_id: Mapped[int | None] = mapped_column(
        ForeignKey("levels.id", ondelete="SET NULL"), default=None
    )
    to_level_id: Mapped[int | None] = mapped_column(
        ForeignKey("levels.id", ondelete="SET NULL"), default=None
    )
    salary_before: Mapped[int | None] = mapped_column(default=None)
    salary_after: Mapped[int | None] = mapped_column(default=None)
    reason: Mapped[str] = mapped_column(String(200), default="")
    case_ref: Mapped[str | None] = mapped_column(String(64), default=None)


class Store(Base):
    """A shop (天猫/淘宝/抖音 store) or a live account (抖音直播 nickname) whose data is imported."""

    __tablename__ = "stores"
    __table_args__ = (UniqueConstraint("platform", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    platform: Mapped[str] = mapped_column(String(16))  # 天猫 | 淘宝 | 抖音 | 抖音直播 | ...
    kind: Mapped[str] = mapped_column(String(16), default="shop")  # shop | live_account
    aliases: Mapped[list[Any]] = mapped_column(default=list)  # other names, 抖音号, 达人ID


class StoreOwnership(Base):
    """Which employee runs which store / live account, from which month to which (inclusive)."""

    __tablename__ = "store_ownerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    start_month: Mapped[str] = mapped_column(String(7))  # "YYYY-MM"
    end_month: Mapped[str | None] = mapped_column(String(7), default=None)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), default=None
    )

    store: Mapped[Store] = relationship()


class TrainingRecord(Base):
    __tablename__ = "training_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    course: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[date | None] = mapped_column(default=None)
    hours: Mapped[float | None] = mapped_column(default=None)
    score: Mapped[float | None] = mapped_column(default=None)
    passed: Mapped[bool | None] = mapped_column(default=None)
    certificate_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachments.id", ondelete="SET NULL"), default=None
    )
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), default=None
    )


class Achievement(Base):
    """成果: 新品上线 / 活动策划 / 直播支持 / 创新提案 / 带教新人 (type codes in core/domain/metrics.py)."""

    __tablename__ = "achievements"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    date: Mapped[date]
    result: Mapped[str] = mapped_column(String(8), default="成功")  # 成功 | 失败
    roi: Mapped[float | None] = mapped_column(default=None)
    team_size: Mapped[int | None] = mapped_column(default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), default=None
    )


class Competency(Base):
    """A competency of the competency model with its 1–5 level descriptors."""

    __tablename__ = "competencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    descriptors: Mapped[dict[str, Any]] = mapped_column(
        default=dict
    )  # {"1": "...", ..., "5": "..."}
    sort_order: Mapped[int] = mapped_column(default=0)


class Feedback(Base):
    """360 feedback: ratings per competency (1–5) and a comment; anonymous hides the rater."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    rater_employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="SET NULL"), default=None
    )
    rater_name: Mapped[str] = mapped_column(String(64), default="")
    relation: Mapped[str] = mapped_column(String(8))  # 上级 | 同事 | 下属 | 自评
    date: Mapped[date]
    ratings: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"数据分析": 4}
    comment: Mapped[str] = mapped_column(Text, default="")
    anonymous: Mapped[bool] = mapped_column(default=False)


class Attachment(Base):
    """Any file kept inside the (encrypted) company file, e.g. evidence or a certificate."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int | None] = mapped_column(
        ForeignKey("employees.id", ondelete="CASCADE"), default=None
    )
    filename: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    ref_kind: Mapped[str | None] = mapped_column(
        String(32), default=None
    )  # achievement|training|case
    ref_id: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ScoreEntry(Base):
    """One assessment item score (评估打分): e.g. 能力-策略答辩 84 by 王芳 in 2024上半年."""

    __tablename__ = "score_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(32))  # 评审周期, e.g. 2024上半年
    part: Mapped[str] = mapped_column(String(16))  # performance | ability | potential
    item: Mapped[str] = mapped_column(String(64))  # 策略答辩
    score: Mapped[float]
    rater: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    scored_on: Mapped[date | None] = mapped_column(default=None)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), default=None
    )
