"""Reading and verifying the audit log: the chain of hashes shows any edit made behind the app's back."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.i18n import Message
from core.model import AuditEntry, FileMeta
from core.session import GENESIS_HASH, entry_hash
from core.storage import anchor as anchors
from core.storage.company_file import OpenFile


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
    }
    return Message(f"audit.anchor_{finding.code}", params)


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
        _head, _anchor, _matched, finding = anchors.examine(
            session,
            file.path,
            file.key,
            file.file_id,
            flagged is not None and flagged.value == "1",
        )
    if finding is None:
        return []
    found = _finding_message(finding, file.path.name)
    return [] if found is None else [found]
