"""Reading and verifying the audit log: the chain of hashes shows any edit made behind the app's back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.i18n import Message, catalogue, render
from core.model import AuditEntry, Employee, FileMeta, Level, Track
from core.permissions import Perm, require
from core.services.admin.audit_text import AuditNames
from core.session import GENESIS_HASH, AppSession, entry_hash
from core.storage import anchor as anchors
from core.storage.company_file import OpenFile, recorded_count


@dataclass(frozen=True)
class ChainReport:
    entries: int
    problems: list[Message]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(session: Session) -> ChainReport:
    problems: list[Message] = []
    prev = GENESIS_HASH
    count = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        count += 1
        if entry.prev_hash != prev:
            problems.append(Message("audit.chain_broken", {"id": entry.id}))
        expected = entry_hash(
            entry.prev_hash,
            entry.at,
            entry.actor,
            entry.action,
            entry.entity,
            entry.entity_id,
            entry.before,
            entry.after,
        )
        if expected != entry.hash:
            problems.append(
                Message("audit.entry_altered", {"id": entry.id, "action": entry.action})
            )
        prev = entry.hash
    return ChainReport(entries=count, problems=problems)


def recent(session: Session, limit: int = 200) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))


def _finding_message(finding: anchors.Finding, file_name: str) -> Message | None:
    if finding.code == "unreadable":
        return None  # verify reports the damage itself
    params = {
        "file": file_name,
        "anchored": finding.anchored,
        "found": finding.found,
        "missing": finding.anchored - finding.found,
        "extra": finding.found - finding.anchored,
        "found_at": _local_time(finding.found_at),
        "anchored_at": _local_time(finding.anchored_at),
    }
    return Message(f"audit.anchor_{finding.code}", params)


def _local_time(stored: str) -> str | Message:
    """An entry's time as the table stores it (naive UTC) in the PC's local time, to the
    minute; "time unknown" in words for an anchor written before heads carried their time."""
    try:
        when = datetime.fromisoformat(stored)
    except ValueError:
        return Message("audit.time_unknown")
    return when.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def anchor_messages(file: OpenFile) -> list[Message]:
    """What the open found wrong with the audit chain's anchor (shown at log-in)."""
    if file.anchor_finding is None:
        return []
    found = _finding_message(file.anchor_finding, file.path.name)
    return [] if found is None else [found]


def check_anchor(session: Session, file: OpenFile) -> list[Message]:
    """The chain as it is now against the anchor file as it is now (for verify)."""
    with session.begin():
        flagged = session.get(FileMeta, anchors.ANCHORED_META)
        count = session.get(FileMeta, anchors.COUNT_META)
        _head, _anchor, _matched, finding = anchors.examine(
            session,
            file.path,
            file.key,
            file.file_id,
            flagged is not None and flagged.value == "1",
            recorded_count({} if count is None else {anchors.COUNT_META: count.value}),
        )
    if finding is None:
        return []
    found = _finding_message(finding, file.path.name)
    return [] if found is None else [found]


# -- the owner's audit viewer ----------------------------------------------------------------


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime  # UTC
    actor: str
    action: str
    entity: str
    entity_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    hash: str = ""


@dataclass(frozen=True)
class AuditFilter:
    """Who (login), what kind (entity), and from/to which day (inclusive, local dates)."""

    actor: str | None = None
    entity: str | None = None
    since: date | None = None
    until: date | None = None


def _utc_bounds(day: date, end: bool) -> datetime:
    """A local calendar day's start (or the next day's start) as a naive UTC time, as stored."""
    local = datetime.combine(day + timedelta(days=1) if end else day, time.min).astimezone()
    return local.astimezone(UTC).replace(tzinfo=None)


def list_entries(app: AppSession, where: AuditFilter, limit: int | None = 5000) -> list[AuditRow]:
    """The audit log, newest first, for the owner (Perm.VIEW_AUDIT); ``limit=None``: all."""
    require(app.actor, Perm.VIEW_AUDIT)
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if limit is not None:
        query = query.limit(limit)
    if where.actor:
        query = query.where(AuditEntry.actor == where.actor)
    if where.entity:
        query = query.where(AuditEntry.entity == where.entity)
    if where.since:
        query = query.where(AuditEntry.at >= _utc_bounds(where.since, end=False))
    if where.until:
        query = query.where(AuditEntry.at < _utc_bounds(where.until, end=True))
    with app.read() as session:
        return [
            AuditRow(
                e.id,
                e.at.replace(tzinfo=UTC),
                e.actor,
                e.action,
                e.entity,
                e.entity_id,
                e.before,
                e.after,
                e.hash,
            )
            for e in session.scalars(query)
        ]


def log_head(app: AppSession) -> tuple[int, int]:
    """(how many entries, the newest id): what tells a viewer the log has changed."""
    require(app.actor, Perm.VIEW_AUDIT)
    with app.read() as session:
        count, newest = session.execute(
            select(func.count(AuditEntry.id), func.max(AuditEntry.id))
        ).one()
    return int(count or 0), int(newest or 0)


def filter_choices(app: AppSession) -> tuple[list[str], list[str]]:
    """(every login and every kind of object the log names), for the viewer's filters."""
    require(app.actor, Perm.VIEW_AUDIT)
    with app.read() as session:
        actors = sorted(session.scalars(select(AuditEntry.actor).distinct()))
        entities = sorted(session.scalars(select(AuditEntry.entity).distinct()))
    return actors, entities


def reference_names(app: AppSession) -> AuditNames:
    """What the employee, level and track ids the entries store stand for now (the viewer shows
    宋佳（E016） for ``employee_id: 16``); an id no longer in the file stays a number."""
    require(app.actor, Perm.VIEW_AUDIT)
    with app.read() as session:
        people = {
            i: (name, no)
            for i, name, no in session.execute(select(Employee.id, Employee.name, Employee.no))
        }
        levels = {i: title for i, title in session.execute(select(Level.id, Level.title))}
        tracks = {i: name for i, name in session.execute(select(Track.id, Track.name))}
    return AuditNames(people, levels, tracks)


def action_label(action: str) -> str:
    """What was done, in words (修改员工 for employee.update)."""
    return _named("audit.action", action)


def entity_label(entity: str) -> str:
    """A kind of object in words (账号 for user)."""
    return _named("audit.entity", entity)


def _named(prefix: str, code: str) -> str:
    """``prefix.code``'s words, or the code itself when unnamed (an older Tidui's, a test's)."""
    key = f"{prefix}.{code}"
    return render(key) if key in catalogue() else code
