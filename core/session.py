"""Who is working on which open company file, and the unit of work every use case runs in.

The unit of work is the only thing that commits (Cosmic Python, ch. 6): a use case opens one,
changes things, writes its audit entries, and calls ``commit()``; leaving the block without
committing rolls everything back. Audit entries are hash-chained in the same transaction.
"""

from __future__ import annotations

import gc
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import TiduiError
from core.i18n import Message
from core.model import AuditEntry
from core.storage.atomic import disk_full, is_disk_full
from core.storage.company_file import OpenFile
from core.storage.signing import Signer

GENESIS_HASH = "0" * 64
# The actor of an entry no person wrote (not a valid login): unsigned by design, and listed
# as such by verify. Every entry naming a login must carry that account's signature.
SYSTEM_ACTOR = "<system>"


@dataclass(frozen=True)
class Actor:
    """The logged-in user, as core services see them."""

    user_id: int
    login: str
    display_name: str
    role: str
    employee_id: int | None = None


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def jsonable(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """Before/after snapshots as plain JSON (dates as ISO text, bytes summarised)."""
    if data is None:
        return None
    result: dict[str, Any] = json.loads(json.dumps(data, default=_json_default, ensure_ascii=False))
    return result


def entry_hash(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> str:
    payload = json.dumps(
        [
            prev_hash,
            at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f"),
            actor,
            action,
            entity,
            entity_id,
            before,
            after,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class UnitOfWork:
    """``with app.uow() as uow: ...; uow.audit(...); uow.commit()``."""

    session: Session

    def __init__(self, app: AppSession) -> None:
        self.app = app
        self.actor = app.actor
        self._committed = False
        self._last_hash: str | None = None
        self._audited = False

    def __enter__(self) -> UnitOfWork:
        self.session = self.app.file.sessions()
        self.session.begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed:
                self.session.rollback()
        finally:
            self.session.close()
        if exc is not None and not isinstance(exc, TiduiError) and is_disk_full(exc):
            # rolled back: say so in words, not as a database error
            raise disk_full(self.app.file.path.parent) from exc

    def commit(self) -> None:
        """Commit; a change that wrote audit entries moves the chain's anchor with it
        (``OpenFile.stage_anchor``: both heads before, the new one after)."""
        staged = self.app.file.stage_anchor(self.session) if self._audited else None
        try:
            self.session.commit()
        except BaseException:
            if staged is not None:
                self.app.file.abandon_anchor()
            raise
        self._committed = True
        if staged is not None:
            self.app.file.finish_anchor(staged)

    def rollback(self) -> None:
        self.session.rollback()

    def audit(
        self,
        action: str,
        entity: str,
        entity_id: object = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        self._append(self.actor.login, action, entity, entity_id, before, after, self.app.signer)

    def audit_system(
        self,
        action: str,
        entity: str,
        entity_id: object = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """An entry no person wrote (actor ``SYSTEM_ACTOR``, unsigned by design; verify lists
        such entries): for what the program does on its own, never for a user's action."""
        self._append(SYSTEM_ACTOR, action, entity, entity_id, before, after, None)

    def _append(
        self,
        actor: str,
        action: str,
        entity: str,
        entity_id: object,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        signer: Signer | None,
    ) -> None:
        self._audited = True
        self._last_hash = append_audit(
            self.session,
            actor,
            action,
            entity,
            entity_id,
            before,
            after,
            prev_hash=self._last_hash,
            signer=signer,
        )


def append_audit(
    session: Session,
    actor_login: str,
    action: str,
    entity: str,
    entity_id: object = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    prev_hash: str | None = None,
    signer: Signer | None = None,
) -> str:
    """Add one chained audit entry to ``session``, signed by ``signer`` (the author's key,
    unlocked at log-in); returns its hash (the next entry's prev_hash)."""
    if prev_hash is None:
        session.flush()
        last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
        prev_hash = last or GENESIS_HASH
    at = datetime.now(UTC)
    before_j, after_j = jsonable(before), jsonable(after)
    eid = None if entity_id is None else str(entity_id)
    digest = entry_hash(prev_hash, at, actor_login, action, entity, eid, before_j, after_j)
    session.add(
        AuditEntry(
            at=at,
            actor=actor_login,
            action=action,
            entity=entity,
            entity_id=eid,
            before=before_j,
            after=after_j,
            prev_hash=prev_hash,
            hash=digest,
            signature=None if signer is None else signer.sign(digest),
        )
    )
    return digest


@dataclass
class AppSession:
    """An open company file plus the logged-in actor: what every screen and command works with."""

    file: OpenFile
    actor: Actor
    # What the log-in found wrong and the user must be told (e.g. a cut audit log).
    warnings: list[Message] = field(default_factory=list)
    # The actor's signing key (unlocked with their password); None only for an account whose
    # slot predates signing until its log-in gives it one (auth.log_in).
    signer: Signer | None = field(default=None, repr=False)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self)

    def read(self) -> Session:
        """A session for read-only queries (closed by the caller, ``with app.read() as s:``)."""
        return self.file.sessions()

    def settle(self) -> None:
        """Once the company is open: what is alive now (modules, classes, the ORM's mappings,
        the session's caches) lives as long as the session, so Python's full garbage
        collections stop walking it again (``gc.freeze``). Measured on three years of orders,
        such a collection took 0.05 s and fell inside every other opening of the 达标名单,
        doubling it; frozen, it takes 0.1 ms. ``close`` hands those objects back. (No collection
        first: what little garbage the log-in left is freed at ``close``.)"""
        gc.freeze()

    def close(self, backup: bool = True) -> None:
        try:
            self.file.close(backup=backup)
        finally:
            gc.unfreeze()  # the closed session's objects can be collected again
