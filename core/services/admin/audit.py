"""Reading and verifying the audit log: the chain of hashes shows any edit made behind the app's back."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.i18n import Message
from core.model import AuditEntry
from core.session import GENESIS_HASH, entry_hash


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
