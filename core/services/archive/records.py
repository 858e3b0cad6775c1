"""The growth archive around an employee: training, achievements, 360 feedback, files, competencies, timeline.

Files are kept inside the encrypted company file; to open one, it is written to a private temp
folder and deleted again by ``TempFiles.cleanup`` (the page calls it when it closes, and at exit).
Anonymous feedback shows its rater only to roles with ``Perm.VIEW_ANONYMOUS_RATER`` (the owner).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import mimetypes
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain.metrics import ACHIEVEMENT_TYPES, EVALUATION_PARTS, achievement_type_code
from core.errors import NotFound, PermissionDenied, ValidationError
from core.i18n import Message
from core.model import (
    Achievement,
    Attachment,
    Competency,
    Employee,
    Feedback,
    GradeChange,
    ImportBatch,
    Level,
    ScoreEntry,
    TrainingRecord,
)
from core.permissions import Perm, can, require
from core.services.archive.employees import SYSTEM_REASONS, ensure_visible
from core.session import Actor, AppSession, UnitOfWork

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
# The relations a feedback may have, stored in Chinese, each with the code of its words
# (archive.relation.*) for a sentence such as the timeline's "Feedback from 孙悦 (self)"
RELATION_CODES = {"上级": "supervisor", "同事": "peer", "下属": "report", "自评": "self"}
RELATIONS = tuple(RELATION_CODES)
RESULTS = ("成功", "失败")
RATING_MIN, RATING_MAX = 1, 5

# The built-in competency model, used until the owner saves their own (the ladder templates may
# write the same names into Level.competencies as expected levels).
DEFAULT_COMPETENCIES: tuple[tuple[str, tuple[str, str, str, str, str]], ...] = (
    ("数据分析", ("能读懂基础报表", "能独立做日常数据分析", "能从数据中发现问题并提出改进", "能搭建分析体系指导策略", "能用数据驱动全店决策")),
    ("策略制定", ("能执行既定方案", "能制定单项活动方案", "能制定店铺阶段性策略", "能制定跨渠道整体策略", "能制定公司级增长战略")),
    ("团队协作", ("能完成分内配合", "主动与同事配合", "能协调跨岗位合作", "能推动跨部门协作", "能营造高效协作氛围")),
    ("学习能力", ("能在指导下学习", "能主动学习新技能", "能快速掌握新平台玩法", "能总结方法并分享", "能带动团队持续学习")),
    ("创新能力", ("能提出改进想法", "能提出可落地的优化", "有被采纳的创新提案", "创新带来可量化收益", "能引领业务模式创新")),
    ("领导力", ("能管理自己的工作", "能带教1名新人", "能带领小组完成项目", "能带领团队达成目标", "能培养出管理者")),
    ("直播控场", ("能协助直播", "能独立完成一场直播", "能稳定直播节奏与互动", "能应对突发情况并促成交", "能打造爆款直播间")),
)  # fmt: skip


def relation_message(relation: str) -> Message | str:
    """A feedback's relation for a sentence in the reader's language (上级 → "supervisor"); a
    relation not among RELATIONS stays as written."""
    code = RELATION_CODES.get(relation)
    return Message(f"archive.relation.{code}") if code else relation


# --- plain rows the screens show --------------------------------------------------------------


@dataclass(frozen=True)
class TrainingRow:
    id: int
    employee_id: int
    course: str
    provider: str
    start_date: date | None
    hours: float | None
    score: float | None
    passed: bool | None
    certificate_id: int | None
    certificate_name: str | None


@dataclass(frozen=True)
class AchievementRow:
    id: int
    employee_id: int
    type: str  # code in core.domain.metrics.ACHIEVEMENT_TYPES
    name: str
    date: date
    result: str
    roi: float | None
    team_size: int | None
    notes: str
    evidence: tuple[tuple[int, str], ...]  # (attachment id, file name)

    def type_name(self, lang: str = "zh") -> str:
        found = ACHIEVEMENT_TYPES.get(self.type)
        return found.name(lang) if found else self.type


@dataclass(frozen=True)
class FeedbackRow:
    id: int
    employee_id: int
    rater: str  # "" when anonymous and the actor may not see raters
    rater_hidden: bool
    relation: str
    date: date
    ratings: dict[str, int]
    comment: str
    anonymous: bool


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    employee_id: int | None
    filename: str
    mime: str
    size: int
    ref_kind: str | None
    ref_id: int | None
    created_at: Any


@dataclass(frozen=True)
class ScoreRow:
    id: int
    period: str
    part: str
    item: str
    score: float
    rater: str
    note: str


@dataclass(frozen=True)
class CompetencyDef:
    name: str
    descriptors: tuple[str, ...]  # levels 1..5


@dataclass(frozen=True)
class CompetencyScore:
    """One axis of the radar: the employee's mean rating against what their level expects."""

    name: str
    current: float | None
    expected: float | None
    ratings: int  # how many ratings the mean is made of


@dataclass(frozen=True)
class TimelineEvent:
    day: date
    kind: str  # hire | departure | grade | salary | training | achievement | feedback | score | …
    title: Message
    detail: Message | None = None
    ref_id: int | None = None


# Other features (promotion cases, …) add their events here: fn(session, employee_id) -> events.
TIMELINE_SOURCES: list[Callable[[Session, int], list[TimelineEvent]]] = []


# --- permissions ------------------------------------------------------------------------------


def _editable(uow_or_session: Session, actor: Actor, employee_id: int) -> Employee:
    require(actor, Perm.EDIT_EMPLOYEES)
    return ensure_visible(uow_or_session, actor, employee_id)


def _may_rate(session: Session, actor: Actor, employee_id: int) -> Employee:
    """HR and the owner rate anyone; a supervisor (RATE_ABILITY) only their own team, not themselves."""
    emp = ensure_visible(session, actor, employee_id)
    if can(actor, Perm.EDIT_EMPLOYEES):
        return emp
    require(actor, Perm.RATE_ABILITY)
    if actor.employee_id == employee_id:
        raise PermissionDenied(login=actor.login, role=actor.role, perm=Perm.EDIT_EMPLOYEES.value)
    return emp


# --- attachments ------------------------------------------------------------------------------


def _attachment_row(a: Attachment) -> AttachmentRow:
    return AttachmentRow(
        a.id, a.employee_id, a.filename, a.mime, a.size, a.ref_kind, a.ref_id, a.created_at
    )


def add_attachment_in(
    uow: UnitOfWork,
    employee_id: int | None,
    filename: str,
    data: bytes,
    ref_kind: str | None = None,
    ref_id: int | None = None,
) -> Attachment:
    name = Path(filename).name.strip()
    if not name:
        raise ValidationError("archive.attachment.name_required")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            "archive.attachment.too_big", file=name, max_mb=MAX_ATTACHMENT_BYTES // (1024 * 1024)
        )
    attachment = Attachment(
        employee_id=employee_id,
        filename=name,
        mime=mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        ref_kind=ref_kind,
        ref_id=ref_id,
    )
    uow.session.add(attachment)
    uow.session.flush()
    uow.audit(
        "attachment.add",
        "attachment",
        attachment.id,
        after={
            "employee_id": employee_id,
            "filename": name,
            "size": len(data),
            "sha256": attachment.sha256,
            "ref": f"{ref_kind}:{ref_id}" if ref_kind else None,
        },
    )
    return attachment


def add_attachment(
    app: AppSession,
    employee_id: int,
    filename: str,
    data: bytes,
    ref_kind: str | None = None,
    ref_id: int | None = None,
) -> int:
    with app.uow() as uow:
        _editable(uow.session, app.actor, employee_id)
        attachment = add_attachment_in(uow, employee_id, filename, data, ref_kind, ref_id)
        uow.commit()
        return attachment.id


def add_attachment_file(app: AppSession, employee_id: int, path: Path, **ref: Any) -> int:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            "archive.attachment.unreadable", file=str(path), reason=exc.strerror or str(exc)
        ) from None
    return add_attachment(app, employee_id, path.name, data, **ref)


def list_attachments(app: AppSession, employee_id: int) -> list[AttachmentRow]:
    with app.read() as s:
        ensure_visible(s, app.actor, employee_id)
        return [
            _attachment_row(a)
            for a in s.scalars(
                select(Attachment)
                .where(Attachment.employee_id == employee_id)
                .order_by(Attachment.id)
            )
        ]


def _visible_attachment(s: Session, actor: Actor, attachment_id: int) -> Attachment:
    attachment = s.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound("archive.attachment.not_found", id=attachment_id)
    if attachment.employee_id is not None:
        ensure_visible(s, actor, attachment.employee_id)
    return attachment


def attachment_data(app: AppSession, attachment_id: int) -> tuple[str, bytes]:
    """(file name, content) of an attachment the actor may see."""
    with app.read() as s:
        attachment = _visible_attachment(s, app.actor, attachment_id)
        return attachment.filename, attachment.data


def delete_attachment(app: AppSession, attachment_id: int) -> None:
    with app.uow() as uow:
        s = uow.session
        attachment = _visible_attachment(s, app.actor, attachment_id)
        if attachment.employee_id is not None:
            _editable(s, app.actor, attachment.employee_id)
        else:
            require(app.actor, Perm.EDIT_EMPLOYEES)
        for record in s.scalars(
            select(TrainingRecord).where(TrainingRecord.certificate_id == attachment.id)
        ):
            record.certificate_id = None
        uow.audit(
            "attachment.delete",
            "attachment",
            attachment.id,
            before={
                "employee_id": attachment.employee_id,
                "filename": attachment.filename,
                "sha256": attachment.sha256,
            },
        )
        s.delete(attachment)
        uow.commit()


class TempFiles:
    """Attachments written out for opening in another program, removed again on ``cleanup``.

    Each file goes into its own private (0700) folder so two attachments with the same name do
    not collide and other users of the machine cannot read them.
    """

    def __init__(self) -> None:
        self._folders: list[Path] = []
        atexit.register(self.cleanup)

    def write(self, filename: str, data: bytes) -> Path:
        folder = Path(tempfile.mkdtemp(prefix="tidui-"))
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)
        self._folders.append(folder)
        target = folder / (Path(filename).name or "attachment")
        target.write_bytes(data)
        return target

    def open_copy(self, app: AppSession, attachment_id: int) -> Path:
        """A temp copy of the attachment (for QDesktopServices.openUrl); deleted by cleanup()."""
        filename, data = attachment_data(app, attachment_id)
        return self.write(filename, data)

    @property
    def paths(self) -> list[Path]:
        return [p for folder in self._folders for p in folder.iterdir()] if self._folders else []

    def cleanup(self) -> None:
        while self._folders:
            shutil.rmtree(self._folders.pop(), ignore_errors=True)


# --- training ---------------------------------------------------------------------------------


@dataclass
class TrainingInput:
    course: str = ""
    provider: str = ""
    start_date: date | None = None
    hours: float | None = None
    score: float | None = None
    passed: bool | None = None


def check_training(data: TrainingInput) -> list[tuple[str, Message]]:
    issues: list[tuple[str, Message]] = []
    if not data.course.strip():
        issues.append(("course", Message("archive.training.course_required")))
    if data.hours is not None and not 0 <= data.hours <= 10_000:
        issues.append(("hours", Message("archive.training.bad_hours", {"hours": data.hours})))
    if data.score is not None and not 0 <= data.score <= 100:
        issues.append(("score", Message("archive.training.bad_score", {"score": data.score})))
    return issues


def _raise_first(issues: list[tuple[str, Message]]) -> None:
    if issues:
        field_name, message = issues[0]
        raise ValidationError(message.code, field=field_name, **message.params)


def add_training_in(
    uow: UnitOfWork, employee_id: int, data: TrainingInput, batch_id: int | None = None
) -> TrainingRecord:
    _raise_first(check_training(data))
    record = TrainingRecord(
        employee_id=employee_id,
        course=data.course.strip(),
        provider=data.provider.strip(),
        start_date=data.start_date,
        hours=data.hours,
        score=data.score,
        passed=data.passed,
        batch_id=batch_id,
    )
    uow.session.add(record)
    uow.session.flush()
    uow.audit(
        "training.add",
        "training",
        record.id,
        after={"employee_id": employee_id, "batch": batch_id, **_training_dict(record)},
    )
    return record


def _training_dict(r: TrainingRecord) -> dict[str, Any]:
    return {
        "course": r.course,
        "provider": r.provider,
        "start_date": r.start_date,
        "hours": r.hours,
        "score": r.score,
        "passed": r.passed,
    }


def add_training(
    app: AppSession,
    employee_id: int,
    data: TrainingInput,
    certificate: tuple[str, bytes] | None = None,
) -> int:
    """A training record, optionally with its certificate file (stored as an attachment)."""
    with app.uow() as uow:
        _editable(uow.session, app.actor, employee_id)
        record = add_training_in(uow, employee_id, data)
        if certificate is not None:
            cert = add_attachment_in(
                uow, employee_id, certificate[0], certificate[1], "training", record.id
            )
            record.certificate_id = cert.id
        uow.commit()
        return record.id


def delete_training(app: AppSession, record_id: int) -> None:
    with app.uow() as uow:
        record = uow.session.get(TrainingRecord, record_id)
        if record is None:
            raise NotFound("archive.record.not_found", id=record_id)
        _editable(uow.session, app.actor, record.employee_id)
        uow.audit("training.delete", "training", record.id, before=_training_dict(record))
        uow.session.delete(record)
        uow.commit()


def list_training(app: AppSession, employee_id: int) -> list[TrainingRow]:
    with app.read() as s:
        ensure_visible(s, app.actor, employee_id)
        records = s.scalars(
            select(TrainingRecord)
            .where(TrainingRecord.employee_id == employee_id)
            .order_by(TrainingRecord.start_date.desc(), TrainingRecord.id.desc())
        ).all()
        names = {
            a_id: name
            for a_id, name in s.execute(
                select(Attachment.id, Attachment.filename).where(
                    Attachment.id.in_([r.certificate_id for r in records if r.certificate_id])
                )
            )
        }
        return [
            TrainingRow(
                r.id, r.employee_id, r.course, r.provider, r.start_date, r.hours, r.score, r.passed,
                r.certificate_id, names.get(r.certificate_id) if r.certificate_id else None,
            )
            for r in records
        ]  # fmt: skip


# --- achievements -----------------------------------------------------------------------------


@dataclass
class AchievementInput:
    type: str = ""
    name: str = ""
    date: date | None = None
    result: str = "成功"
    roi: float | None = None
    team_size: int | None = None
    notes: str = ""


def check_achievement(data: AchievementInput) -> list[tuple[str, Message]]:
    issues: list[tuple[str, Message]] = []
    if achievement_type_code(data.type or "") is None:
        issues.append(("type", Message("archive.achievement.bad_type", {"text": data.type})))
    if not data.name.strip():
        issues.append(("name", Message("archive.achievement.name_required")))
    if data.date is None:
        issues.append(("date", Message("archive.achievement.date_required")))
    if data.result not in RESULTS:
        issues.append(("result", Message("archive.achievement.bad_result", {"text": data.result})))
    if data.roi is not None and not 0 <= data.roi <= 1000:
        issues.append(("roi", Message("archive.achievement.bad_roi", {"roi": data.roi})))
    if data.team_size is not None and not 0 <= data.team_size <= 1000:
        issues.append(
            ("team_size", Message("archive.achievement.bad_team", {"team": data.team_size}))
        )
    return issues


def _achievement_dict(a: Achievement) -> dict[str, Any]:
    return {
        "type": a.type,
        "name": a.name,
        "date": a.date,
        "result": a.result,
        "roi": a.roi,
        "team_size": a.team_size,
    }


def add_achievement_in(
    uow: UnitOfWork, employee_id: int, data: AchievementInput, batch_id: int | None = None
) -> Achievement:
    _raise_first(check_achievement(data))
    assert data.date is not None
    record = Achievement(
        employee_id=employee_id,
        type=achievement_type_code(data.type) or data.type,
        name=data.name.strip(),
        date=data.date,
        result=data.result,
        roi=data.roi,
        team_size=data.team_size,
        notes=data.notes.strip(),
        batch_id=batch_id,
    )
    uow.session.add(record)
    uow.session.flush()
    uow.audit(
        "achievement.add",
        "achievement",
        record.id,
        after={"employee_id": employee_id, "batch": batch_id, **_achievement_dict(record)},
    )
    return record


def add_achievement(
    app: AppSession,
    employee_id: int,
    data: AchievementInput,
    evidence: list[tuple[str, bytes]] | None = None,
) -> int:
    with app.uow() as uow:
        _editable(uow.session, app.actor, employee_id)
        record = add_achievement_in(uow, employee_id, data)
        for name, content in evidence or []:
            add_attachment_in(uow, employee_id, name, content, "achievement", record.id)
        uow.commit()
        return record.id


def delete_achievement(app: AppSession, record_id: int) -> None:
    with app.uow() as uow:
        s = uow.session
        record = s.get(Achievement, record_id)
        if record is None:
            raise NotFound("archive.record.not_found", id=record_id)
        _editable(s, app.actor, record.employee_id)
        uow.audit("achievement.delete", "achievement", record.id, before=_achievement_dict(record))
        for evidence in s.scalars(
            select(Attachment).where(
                Attachment.ref_kind == "achievement", Attachment.ref_id == record.id
            )
        ):
            evidence.ref_kind, evidence.ref_id = None, None  # the file stays in 附件
        s.delete(record)
        uow.commit()


def list_achievements(app: AppSession, employee_id: int) -> list[AchievementRow]:
    with app.read() as s:
        ensure_visible(s, app.actor, employee_id)
        records = s.scalars(
            select(Achievement)
            .where(Achievement.employee_id == employee_id)
            .order_by(Achievement.date.desc(), Achievement.id.desc())
        ).all()
        evidence: dict[int, list[tuple[int, str]]] = {}
        for a_id, ref_id, name in s.execute(
            select(Attachment.id, Attachment.ref_id, Attachment.filename).where(
                Attachment.employee_id == employee_id, Attachment.ref_kind == "achievement"
            )
        ):
            if ref_id is not None:
                evidence.setdefault(ref_id, []).append((a_id, name))
        return [
            AchievementRow(
                r.id, r.employee_id, r.type, r.name, r.date, r.result, r.roi, r.team_size, r.notes,
                tuple(evidence.get(r.id, [])),
            )
            for r in records
        ]  # fmt: skip


# --- 360 feedback -----------------------------------------------------------------------------


@dataclass
class FeedbackInput:
    relation: str = "上级"
    date: date | None = None
    ratings: dict[str, int] = field(default_factory=dict)
    comment: str = ""
    anonymous: bool = False
    rater_employee_id: int | None = None
    rater_name: str = ""


def check_feedback(data: FeedbackInput, competencies: list[str]) -> list[tuple[str, Message]]:
    issues: list[tuple[str, Message]] = []
    if data.relation not in RELATIONS:
        issues.append(
            ("relation", Message("archive.feedback.bad_relation", {"text": data.relation}))
        )
    if data.date is None:
        issues.append(("date", Message("archive.feedback.date_required")))
    if not data.ratings and not data.comment.strip():
        issues.append(("ratings", Message("archive.feedback.empty")))
    for name, value in data.ratings.items():
        if name not in competencies:
            issues.append(
                ("ratings", Message("archive.feedback.unknown_competency", {"name": name}))
            )
        elif not isinstance(value, int) or not RATING_MIN <= value <= RATING_MAX:
            issues.append(
                ("ratings", Message("archive.feedback.bad_rating", {"name": name, "value": value}))
            )
    return issues


def add_feedback(app: AppSession, employee_id: int, data: FeedbackInput) -> int:
    """360 feedback. Without an explicit rater the logged-in user is the rater (their employee record)."""
    with app.uow() as uow:
        s = uow.session
        _may_rate(s, app.actor, employee_id)
        names = [c.name for c in competency_model(s)]
        _raise_first(check_feedback(data, names))
        rater_id = data.rater_employee_id
        if rater_id is None and not data.rater_name.strip():
            rater_id = app.actor.employee_id
        rater_name = data.rater_name.strip()
        if rater_id is not None:
            rater = s.get(Employee, rater_id)
            if rater is None:
                raise ValidationError("archive.feedback.unknown_rater", field="rater", id=rater_id)
            rater_name = rater_name or rater.name
        if not rater_name:
            rater_name = app.actor.display_name
        if data.relation == "自评":
            rater_id, rater_name = employee_id, s.get(Employee, employee_id).name  # type: ignore[union-attr]
        assert data.date is not None
        record = Feedback(
            employee_id=employee_id,
            rater_employee_id=rater_id,
            rater_name=rater_name,
            relation=data.relation,
            date=data.date,
            ratings=dict(data.ratings),
            comment=data.comment.strip(),
            anonymous=data.anonymous,
        )
        s.add(record)
        s.flush()
        # the audit log is readable by the owner only, so it may name an anonymous rater
        uow.audit(
            "feedback.add",
            "feedback",
            record.id,
            after={
                "employee_id": employee_id,
                "relation": data.relation,
                "date": data.date,
                "ratings": record.ratings,
                "anonymous": data.anonymous,
                "rater_employee_id": rater_id,
            },
        )
        uow.commit()
        return record.id


def delete_feedback(app: AppSession, feedback_id: int) -> None:
    with app.uow() as uow:
        record = uow.session.get(Feedback, feedback_id)
        if record is None:
            raise NotFound("archive.record.not_found", id=feedback_id)
        _editable(uow.session, app.actor, record.employee_id)
        uow.audit(
            "feedback.delete",
            "feedback",
            record.id,
            before={
                "employee_id": record.employee_id,
                "date": record.date,
                "ratings": record.ratings,
            },
        )
        uow.session.delete(record)
        uow.commit()


def list_feedback(app: AppSession, employee_id: int) -> list[FeedbackRow]:
    show_raters = can(app.actor, Perm.VIEW_ANONYMOUS_RATER)
    with app.read() as s:
        ensure_visible(s, app.actor, employee_id)
        rows = []
        for f in s.scalars(
            select(Feedback)
            .where(Feedback.employee_id == employee_id)
            .order_by(Feedback.date.desc(), Feedback.id.desc())
        ):
            hidden = f.anonymous and not show_raters
            rows.append(
                FeedbackRow(
                    f.id, f.employee_id, "" if hidden else f.rater_name, hidden, f.relation, f.date,
                    {k: int(v) for k, v in (f.ratings or {}).items()}, f.comment, f.anonymous,
                )
            )  # fmt: skip
        return rows


# --- competencies -----------------------------------------------------------------------------


def competency_model(session: Session) -> list[CompetencyDef]:
    """The company's competencies with their 1–5 descriptors; the built-in model until one is saved."""
    saved = session.scalars(select(Competency).order_by(Competency.sort_order, Competency.id)).all()
    if not saved:
        return [CompetencyDef(name, descriptors) for name, descriptors in DEFAULT_COMPETENCIES]
    return [
        CompetencyDef(
            c.name, tuple(str((c.descriptors or {}).get(str(i), "")) for i in range(1, 6))
        )
        for c in saved
    ]


def list_competencies(app: AppSession) -> list[CompetencyDef]:
    with app.read() as s:
        return competency_model(s)


def save_competencies(app: AppSession, model: list[CompetencyDef]) -> None:
    """Replace the competency model (owner: it belongs to the ladder's design)."""
    require(app.actor, Perm.EDIT_LADDER)
    names = [c.name.strip() for c in model]
    if any(not n for n in names):
        raise ValidationError("archive.competency.name_required")
    if len(set(names)) != len(names):
        raise ValidationError("archive.competency.duplicate")
    with app.uow() as uow:
        s = uow.session
        before = [c.name for c in competency_model(s)]
        for old in s.scalars(select(Competency)).all():
            s.delete(old)
        s.flush()
        for order, c in enumerate(model):
            s.add(
                Competency(
                    name=c.name.strip(),
                    descriptors={str(i + 1): text for i, text in enumerate(c.descriptors[:5])},
                    sort_order=order,
                )
            )
        uow.audit(
            "competency.save", "competency", None, before={"names": before}, after={"names": names}
        )
        uow.commit()


def competency_profile(
    app: AppSession,
    employee_id: int,
    since: date | None = None,
    *,
    until: date | None = None,
    level_id: int | None = None,
) -> list[CompetencyScore]:
    """Per competency: mean of the ratings received (from ``since`` to ``until``), against what
    ``level_id`` expects (default: the employee's own level; the review screen passes the level
    a promotion leads to).

    Self-ratings are left out of the mean: the radar shows how others see the person.
    """
    with app.read() as s:
        emp = ensure_visible(s, app.actor, employee_id)
        expected: dict[str, Any] = {}
        target = level_id if level_id is not None else emp.level_id
        if target is not None:
            level = s.get(Level, target)
            expected = dict(level.competencies or {}) if level else {}
        sums: dict[str, list[float]] = {}
        query = select(Feedback).where(
            Feedback.employee_id == employee_id, Feedback.relation != "自评"
        )
        if since is not None:
            query = query.where(Feedback.date >= since)
        if until is not None:
            query = query.where(Feedback.date <= until)
        for f in s.scalars(query):
            for name, value in (f.ratings or {}).items():
                sums.setdefault(name, []).append(float(value))
        names = [c.name for c in competency_model(s)]
        names += [n for n in expected if n not in names]
        return [
            CompetencyScore(
                n,
                sum(sums[n]) / len(sums[n]) if sums.get(n) else None,
                float(expected[n]) if isinstance(expected.get(n), int | float) else None,
                len(sums.get(n, [])),
            )
            for n in names
        ]


# --- scores -----------------------------------------------------------------------------------


def list_scores(app: AppSession, employee_id: int) -> list[ScoreRow]:
    with app.read() as s:
        ensure_visible(s, app.actor, employee_id)
        return [
            ScoreRow(e.id, e.period, e.part, e.item, e.score, e.rater, e.note)
            for e in s.scalars(
                select(ScoreEntry)
                .where(ScoreEntry.employee_id == employee_id)
                .order_by(ScoreEntry.period.desc(), ScoreEntry.id)
            )
        ]


# --- the growth timeline ----------------------------------------------------------------------


def _level_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Level.id, Level.title)).all())


def _reason(reason: str) -> str:
    return f"archive.grade_reason.{reason}" if reason in SYSTEM_REASONS else ""


def timeline(app: AppSession, employee_id: int) -> list[TimelineEvent]:
    """成长档案: every grade and salary change, training, achievement, feedback and score, newest first."""
    with app.read() as s:
        emp = ensure_visible(s, app.actor, employee_id)
        levels = _level_names(s)
        show_salary = can(app.actor, Perm.VIEW_PERSONAL_DATA)
        events: list[TimelineEvent] = []
        if emp.hire_date is not None:
            events.append(
                TimelineEvent(
                    emp.hire_date, "hire", Message("archive.timeline.hired", {"no": emp.no})
                )
            )
        if emp.leave_date is not None:
            events.append(
                TimelineEvent(
                    emp.leave_date,
                    "departure",
                    Message("archive.timeline.left", {}),
                    Message("archive.timeline.reason", {"reason": emp.leave_reason})
                    if emp.leave_reason
                    else None,
                )
            )
        for g in s.scalars(select(GradeChange).where(GradeChange.employee_id == employee_id)):
            code = _reason(g.reason)
            why = (
                Message(code)
                if code
                else (
                    Message("archive.timeline.reason", {"reason": g.reason}) if g.reason else None
                )
            )
            if g.from_level_id != g.to_level_id:
                events.append(
                    TimelineEvent(
                        g.effective_date,
                        "grade",
                        Message(
                            "archive.timeline.level",
                            {
                                "from": levels.get(g.from_level_id or 0, "—"),
                                "to": levels.get(g.to_level_id or 0, "—"),
                            },
                        ),
                        why,
                        g.id,
                    )
                )
            if show_salary and g.salary_before != g.salary_after:
                events.append(
                    TimelineEvent(
                        g.effective_date,
                        "salary",
                        Message(
                            "archive.timeline.salary",
                            {"before": "—" if g.salary_before is None else f"{g.salary_before:,}",
                             "after": "—" if g.salary_after is None else f"{g.salary_after:,}"},
                        ),
                        why,
                        g.id,
                    )
                )  # fmt: skip
        for t in s.scalars(select(TrainingRecord).where(TrainingRecord.employee_id == employee_id)):
            if t.start_date is not None:
                outcome = "unknown" if t.passed is None else ("passed" if t.passed else "failed")
                events.append(
                    TimelineEvent(
                        t.start_date,
                        "training",
                        Message("archive.timeline.training", {"course": t.course}),
                        Message(
                            f"archive.timeline.training_{outcome}",
                            {"provider": t.provider, "hours": t.hours or 0},
                        ),
                        t.id,
                    )
                )
        for a in s.scalars(select(Achievement).where(Achievement.employee_id == employee_id)):
            kind = ACHIEVEMENT_TYPES.get(a.type)
            events.append(
                TimelineEvent(
                    a.date,
                    "achievement",
                    Message(f"archive.timeline.achievement.{a.type}", {"name": a.name}) if kind else Message("archive.timeline.achievement_other", {"type": a.type, "name": a.name}),
                    Message("archive.timeline.achievement_failed" if a.result == "失败" else "archive.timeline.achievement_succeeded", {"roi": a.roi if a.roi is not None else "—", "team": a.team_size if a.team_size is not None else "—"}),
                    a.id,
                )
            )  # fmt: skip
        show_raters = can(app.actor, Perm.VIEW_ANONYMOUS_RATER)
        for f in s.scalars(select(Feedback).where(Feedback.employee_id == employee_id)):
            rater = f.rater_name if (show_raters or not f.anonymous) else ""
            events.append(
                TimelineEvent(
                    f.date,
                    "feedback",
                    Message("archive.timeline.feedback" if rater else "archive.timeline.feedback_anonymous", {"rater": rater, "relation": relation_message(f.relation)}),
                    Message("archive.timeline.reason", {"reason": f.comment}) if f.comment else None,
                    f.id,
                )
            )  # fmt: skip
        events.extend(_score_events(s, employee_id))
        for source in TIMELINE_SOURCES:
            events.extend(source(s, employee_id))
        # newest first; on the same day the hire sits below what came with it (first level, salary)
        events.sort(key=lambda e: (e.day, e.kind != "hire", e.kind), reverse=True)
        return events


_HALF = {"上半年": (6, 30), "下半年": (12, 31), "h1": (6, 30), "h2": (12, 31)}
_QUARTER = {"1": (3, 31), "2": (6, 30), "3": (9, 30), "4": (12, 31)}
_QUARTER_ZH = {"一": "1", "二": "2", "三": "3", "四": "4"}


def period_end(period: str) -> date | None:
    """The last day of an evaluation period written as HR writes it: 2024上半年, 2024下半年,
    2024Q2, 2024年第二季度, 2024年3月, 2024-03, 2024年度; None when it names no year."""
    text = period.strip().lower().replace(" ", "")
    year_found = re.match(r"(\d{4})", text)
    if year_found is None:
        return None
    year, rest = int(year_found.group(1)), text[4:].lstrip("年-_/")
    for key, (month, day) in _HALF.items():
        if rest.startswith(key):
            return date(year, month, day)
    quarter = re.match(r"(?:q|第)?([1-4一二三四])(?:季度?)?$", rest)
    if quarter:
        month, day = _QUARTER[_QUARTER_ZH.get(quarter.group(1), quarter.group(1))]
        return date(year, month, day)
    month_found = re.match(r"(\d{1,2})月?$", rest)
    if month_found and 1 <= int(month_found.group(1)) <= 12:
        month = int(month_found.group(1))
        return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return date(year, 12, 31) if rest in ("", "度", "年", "年度", "全年") else None


def _score_events(session: Session, employee_id: int) -> list[TimelineEvent]:
    """One event per evaluation period: how many item scores, their mean, and each item."""
    periods: dict[str, list[ScoreEntry]] = {}
    for entry in session.scalars(
        select(ScoreEntry).where(ScoreEntry.employee_id == employee_id).order_by(ScoreEntry.id)
    ):
        periods.setdefault(entry.period, []).append(entry)
    batch_days = {
        b.id: b.created_at.date()
        for b in session.scalars(
            select(ImportBatch).where(
                ImportBatch.id.in_(
                    {e.batch_id for es in periods.values() for e in es if e.batch_id}
                )
            )
        )
        if b.created_at is not None
    }
    events = []
    for period, entries in periods.items():
        scored = [e.scored_on for e in entries if e.scored_on is not None]
        day = (
            max(scored)
            if scored
            else period_end(period)
            or next((batch_days[e.batch_id] for e in entries if e.batch_id in batch_days), None)
        )
        if day is None:
            continue
        # no plain mean in the headline: it read 平均80.3 beside the weighted 评估总分 81.2
        # that the rules and the case show; the items and their scores follow in the detail
        items = "；".join(
            f"{e.item} {e.score:g}" + (f"（{e.rater}）" if e.rater else "") for e in entries
        )
        events.append(
            TimelineEvent(
                day,
                "score",
                Message(
                    "archive.timeline.scores",
                    {"period": period, "n": len(entries)},
                ),
                Message("archive.timeline.reason", {"reason": items}),
                entries[0].id,
            )
        )
    return events


def part_code(text: str) -> str | None:
    """The evaluation part for "能力", "ability", "Ability" …, else None."""
    wanted = text.strip().lower()
    for part in EVALUATION_PARTS.values():
        if wanted in (part.code, part.name_zh, part.name_en.lower()):
            return part.code
    return None
