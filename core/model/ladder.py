"""The career ladder: tracks, levels, transitions with quantified criteria, evaluation templates, metrics.

Rule semantics are in core/domain/rules.py; these tables only store the rules' parameters.
Rates are stored as fractions (0.15 = 15%); a change rule on a rate stores its threshold in
percentage points as a fraction difference (2 pp = 0.02).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.model.base import Base, utcnow


class Track(Base):
    """A career track 通道, e.g. 店铺运营, 用户运营, 直播运营, 数据运营."""

    __tablename__ = "tracks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    archived: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(Text, default="")

    levels: Mapped[list[Level]] = relationship(
        back_populates="track", order_by="Level.rank", cascade="all, delete-orphan"
    )


class Level(Base):
    """A level 职级 inside a track, ranked bottom (1) to top."""

    __tablename__ = "levels"
    __table_args__ = (UniqueConstraint("track_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(64))
    rank: Mapped[int] = mapped_column(default=1)
    salary_min: Mapped[int | None] = mapped_column(default=None)  # CNY per month
    salary_max: Mapped[int | None] = mapped_column(default=None)
    permissions: Mapped[list[Any]] = mapped_column(default=list)  # ["决定新品上线策略", ...]
    trainings: Mapped[list[Any]] = mapped_column(default=list)  # ["电商运营峰会", ...]
    competencies: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"数据分析": 3}
    description: Mapped[str] = mapped_column(Text, default="")
    # A level that employees' history still refers to is archived instead of deleted.
    archived: Mapped[bool] = mapped_column(default=False)

    track: Mapped[Track] = relationship(back_populates="levels")


class EvaluationTemplate(Base):
    """Three-part evaluation (绩效/能力/潜力) with weights and rubric items.

    ``parts`` is a list of {"key": "performance"|"ability"|"potential", "name": str,
    "weight": int, "items": [{"name": str, "weight": int, "rubric": {"90": str, ...}}]}.
    """

    __tablename__ = "evaluation_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    parts: Mapped[list[Any]] = mapped_column(default=list)
    is_default: Mapped[bool] = mapped_column(default=False)


class Transition(Base):
    """A move between two levels: 晋升 (vertical promotion) or 转岗 (horizontal transfer)."""

    __tablename__ = "transitions"
    __table_args__ = (UniqueConstraint("from_level_id", "to_level_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_level_id: Mapped[int] = mapped_column(ForeignKey("levels.id", ondelete="CASCADE"))
    to_level_id: Mapped[int] = mapped_column(ForeignKey("levels.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16), default="promotion")  # promotion | transfer
    min_tenure_months: Mapped[int] = mapped_column(default=0)
    evaluation_template_id: Mapped[int | None] = mapped_column(
        ForeignKey("evaluation_templates.id", ondelete="SET NULL"), default=None
    )
    raise_min_pct: Mapped[float | None] = mapped_column(default=None)  # 30.0 = +30%
    raise_max_pct: Mapped[float | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(default=1)  # bumped on every criteria change
    archived: Mapped[bool] = mapped_column(default=False)

    from_level: Mapped[Level] = relationship(foreign_keys=[from_level_id])
    to_level: Mapped[Level] = relationship(foreign_keys=[to_level_id])
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="transition", order_by="Criterion.position", cascade="all, delete-orphan"
    )


class Criterion(Base):
    """One quantified rule of a transition; kinds and semantics in core/domain/rules.py."""

    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    transition_id: Mapped[int] = mapped_column(ForeignKey("transitions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(16))  # each_month|change|average|count|tenure|score
    metric: Mapped[str | None] = mapped_column(String(64), default=None)
    comparator: Mapped[str] = mapped_column(String(2), default=">=")
    threshold: Mapped[float] = mapped_column(default=0.0)
    window: Mapped[int] = mapped_column(default=1)  # months
    achievement_type: Mapped[str | None] = mapped_column(String(32), default=None)
    conditions: Mapped[dict[str, Any]] = mapped_column(default=dict)  # roi_min, team_min, result
    score_part: Mapped[str | None] = mapped_column(String(16), default=None)

    transition: Mapped[Transition] = relationship(back_populates="criteria")


class CriteriaVersion(Base):
    """The criteria of a transition as they were at one version, kept for cases decided under it.

    A new row is written whenever a transition's criteria change (and Transition.version is
    bumped), so a decided promotion case can show exactly the rules it was judged by. Rows
    outlive their transition (transition_id becomes NULL), which is why the level titles are
    copied in.
    """

    __tablename__ = "criteria_versions"
    __table_args__ = (UniqueConstraint("transition_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transition_id: Mapped[int | None] = mapped_column(
        ForeignKey("transitions.id", ondelete="SET NULL"), default=None
    )
    version: Mapped[int] = mapped_column(default=1)
    from_level: Mapped[str] = mapped_column(String(140), default="")  # "店铺运营/运营助理"
    to_level: Mapped[str] = mapped_column(String(140), default="")
    min_tenure_months: Mapped[int] = mapped_column(default=0)
    criteria: Mapped[list[Any]] = mapped_column(default=list)  # [CriterionSpec.to_dict(), ...]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64), default="")


class CustomMetric(Base):
    """A metric the owner added beside the built-in catalogue (entered by hand or imported)."""

    __tablename__ = "custom_metrics"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64), default="")
    unit: Mapped[str] = mapped_column(String(16), default="count")
    direction: Mapped[str] = mapped_column(String(8), default="higher")
    category: Mapped[str] = mapped_column(String(16), default="custom")
