"""The audit chain's head, anchored outside the data file: ``NAME.tidui.audit``.

The audit log is hash-chained inside the data file, so on its own a chain cut at its end (the
newest entries deleted), or edited and re-hashed from the edit onwards, still links up. The
anchor records how many entries the chain had after the last change Tidui committed, and the
id and hash of the newest one, authenticated with an HMAC under a key derived from the file key;
``verify`` and every log-in compare the chain with it.

A change that adds audit entries writes the anchor twice: before its commit with both the
current head and the one the commit will make (``next``), after the commit with the new head
only. A crash anywhere in between leaves an anchor one of whose heads the data matches, so a
killed run is never reported as tampering; the next open settles it.

The data file records, in the same transaction as each anchored change, how many entries its
chain had then (``file_meta.audit_count``). So when the chain is shorter than the anchor says,
a file whose own record agrees with its chain is a whole older copy put back (a rollback: an old
backup unpacked by hand, the pair copied back from a USB stick), while a record that names more
entries than the chain holds means entries were deleted from its end (a cut tail). Each head
also carries the time of its newest entry, so the warning can say from when to when changes are
missing. A rollback across a re-key (the old pair opens under its old key) no longer checks the
anchor's MAC; when the anchor is otherwise Tidui's and names a longer chain of this file, that
is reported as a probable rollback rather than a bare "anchor altered".

Limits (SECURITY.md): whoever holds the file key (any account's password, or the recovery
key) can compute the MAC too; a data file rolled back together with its anchor is not noticed.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from core.storage.atomic import write_atomic

ANCHOR_SUFFIX = ".audit"
# file_meta key: set (in the same transaction) once a change has been anchored, so a
# deleted anchor file is reported rather than taken for a file from before anchoring.
ANCHORED_META = "audit_anchored"
# file_meta key: the number of audit entries as of the last anchored change (same transaction).
COUNT_META = "audit_count"
_FORMAT = "tidui-audit-anchor"
_VERSION = 2  # 2: each head carries "at", the time of its newest entry (1 is still read)
_MAX_AT = 40
_MAX_BYTES = 4096
_GENESIS = "0" * 64


@dataclass(frozen=True)
class Head:
    """The chain's state: ``count`` entries, the newest with ``last_id`` and ``hash``."""

    count: int
    last_id: int
    hash: str
    # when the newest entry was written (UTC, as the table stores it); not part of the identity
    at: str = field(default="", compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "last_id": self.last_id, "hash": self.hash, "at": self.at}


EMPTY = Head(0, 0, _GENESIS)


@dataclass(frozen=True)
class Anchor:
    file_id: str
    head: Head
    next: Head | None = None  # set while a commit is under way

    def heads(self) -> list[Head]:
        return [self.head] if self.next is None else [self.head, self.next]


class AnchorInvalid(Exception):
    """The anchor file is not one Tidui wrote under this key (tampered, torn or foreign)."""


def anchor_path(data_path: Path) -> Path:
    return data_path.with_name(data_path.name + ANCHOR_SUFFIX)


def _mac_key(file_key: bytes) -> bytes:
    return hmac.new(file_key, b"tidui audit anchor v1", hashlib.sha256).digest()


def _body(anchor: Anchor) -> dict[str, Any]:
    return {
        "format": _FORMAT,
        "version": _VERSION,
        "file_id": anchor.file_id,
        "head": anchor.head.to_json(),
        "next": None if anchor.next is None else anchor.next.to_json(),
    }


def _mac(file_key: bytes, body: dict[str, Any]) -> str:
    payload = json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hmac.new(_mac_key(file_key), payload, hashlib.sha256).hexdigest()


def to_bytes(anchor: Anchor, file_key: bytes) -> bytes:
    body = _body(anchor)
    body["mac"] = _mac(file_key, body)
    return json.dumps(body, indent=1).encode("utf-8")


def write(data_path: Path, file_key: bytes, anchor: Anchor) -> None:
    write_atomic(anchor_path(data_path), to_bytes(anchor, file_key))


def _head(raw: object, version: int) -> Head:
    fields = {"count", "last_id", "hash"} | ({"at"} if version >= 2 else set())
    if not isinstance(raw, dict) or set(raw) != fields:
        raise ValueError("head")
    count, last_id, digest = raw["count"], raw["last_id"], raw["hash"]
    at = raw.get("at", "")
    if (
        type(count) is not int
        or type(last_id) is not int
        or not isinstance(digest, str)
        or not isinstance(at, str)
        or not 0 <= count < 2**62
        or not 0 <= last_id < 2**62
        or len(digest) != 64
        or len(at) > _MAX_AT
    ):
        raise ValueError("head")
    return Head(count, last_id, digest, at)


def _unverified(data: bytes) -> tuple[Anchor, int, str]:
    """(the anchor as written, its format version, its MAC), nothing checked but the shape."""
    if len(data) > _MAX_BYTES:
        raise AnchorInvalid("size")
    try:
        raw = json.loads(data.decode("utf-8"))
        if not isinstance(raw, dict) or raw.get("format") != _FORMAT:
            raise ValueError("format")
        version = raw.get("version")
        if type(version) is not int or version not in (1, _VERSION):
            raise ValueError("format")
        if set(raw) != {"format", "version", "file_id", "head", "next", "mac"}:
            raise ValueError("fields")
        if not isinstance(raw["file_id"], str) or not isinstance(raw["mac"], str):
            raise ValueError("fields")
        anchor = Anchor(
            file_id=raw["file_id"],
            head=_head(raw["head"], version),
            next=None if raw["next"] is None else _head(raw["next"], version),
        )
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise AnchorInvalid(str(error)) from None
    return anchor, version, raw["mac"]


def _body_as_written(anchor: Anchor, version: int) -> dict[str, Any]:
    body = _body(anchor)
    if version == 1:  # before heads carried their time
        body["version"] = 1
        for name in ("head", "next"):
            if body[name] is not None:
                body[name].pop("at")
    return body


def parse(data: bytes, file_key: bytes) -> Anchor:
    """The anchor in ``data`` if its MAC checks under ``file_key``; AnchorInvalid otherwise."""
    anchor, version, mac = _unverified(data)
    if not hmac.compare_digest(_mac(file_key, _body_as_written(anchor, version)), mac):
        raise AnchorInvalid("mac")
    return anchor


def load(data_path: Path, file_key: bytes) -> Anchor | None:
    """None when there is no anchor file; AnchorInvalid when it does not check."""
    try:
        data = anchor_path(data_path).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise AnchorInvalid(str(error)) from None
    return parse(data, file_key)


def remac(data_path: Path, old_key: bytes, new_key: bytes) -> None:
    """Before a re-key: the anchor re-authenticated under ``new_key``. Idempotent (a crash may
    repeat it); an anchor that checks under neither key is left for ``verify`` to report."""
    try:
        load(data_path, new_key)
        return  # no anchor, or already under the new key
    except AnchorInvalid:
        pass
    with contextlib.suppress(AnchorInvalid):
        old = load(data_path, old_key)
        if old is not None:
            write(data_path, new_key, old)


@dataclass(frozen=True)
class Finding:
    """Why the chain does not match its anchor: ``missing`` (the anchor file was deleted),
    ``invalid`` (not written by Tidui under this key), ``tail_cut`` (entries after the
    ``anchored``-th are gone: ``found`` remain), ``rolled_back`` (the whole file is an older
    copy: its chain stops at ``found`` entries, as its own record says, the anchor names
    ``anchored``), ``rolled_back_rekeyed`` (the same, from before a re-key: the anchor is
    Tidui's and names a longer chain of this file but does not check under this older key),
    ``rewritten`` (the ``anchored``-th entry is not the one anchored), ``unanchored`` (``found``
    entries, ``anchored`` of them anchored: the rest were added outside Tidui), ``unreadable``
    (the data file could not be read: see verify). ``found_at`` / ``anchored_at``: when the
    newest entry of each was written (UTC text as the table stores it; empty if unknown)."""

    code: str
    anchored: int = 0
    found: int = 0
    found_at: str = ""
    anchored_at: str = ""


def examine(
    conn: Connection | Session,
    data_path: Path,
    file_key: bytes,
    file_id: str,
    flagged: bool,
    recorded: int | None = None,
) -> tuple[Head, Anchor | None, Head | None, Finding | None]:
    """(the data's head, the anchor, the anchor's head the data matches, the finding).
    ``recorded``: the data file's own count of entries at its last anchored change
    (``COUNT_META``), None for a file from before it was kept."""
    current = db_head(conn)
    try:
        anchor = load(data_path, file_key)
    except AnchorInvalid:
        return current, None, None, _older_under_another_key(data_path, file_id, current, recorded)
    if anchor is None:
        return current, None, None, (Finding("missing") if flagged else None)
    if anchor.file_id != file_id:
        return current, None, None, Finding("invalid")
    for head in anchor.heads():
        if head == current:
            return current, anchor, head, None
    head = anchor.head
    if current.count < head.count:
        code = "rolled_back" if recorded == current.count else "tail_cut"
        return current, anchor, None, Finding(code, head.count, current.count, current.at, head.at)
    if head.count and entry_at(conn, head.count) != (head.last_id, head.hash):
        return current, anchor, None, Finding("rewritten", head.count, current.count)
    return current, anchor, None, Finding("unanchored", head.count, current.count)


def _older_under_another_key(
    data_path: Path, file_id: str, current: Head, recorded: int | None
) -> Finding:
    """An anchor that does not check under this file's key: a probable rollback past a re-key
    when it is otherwise Tidui's, of this file, names a longer chain, and the data's own
    record agrees with its chain (unauthenticated: only the wording depends on it)."""
    try:
        written, _version, _mac = _unverified(anchor_path(data_path).read_bytes())
    except (AnchorInvalid, OSError):
        return Finding("invalid")
    head = written.head
    if written.file_id != file_id or recorded != current.count or head.count <= current.count:
        return Finding("invalid")
    return Finding("rolled_back_rekeyed", head.count, current.count, current.at, head.at)


def db_head(conn: Connection | Session) -> Head:
    """The chain's head as the data file holds it (inside the caller's transaction)."""
    count = int(conn.execute(_sql("SELECT count(*) FROM audit_log")).scalar_one())
    if count == 0:
        return EMPTY
    row = conn.execute(_sql("SELECT id, hash, at FROM audit_log ORDER BY id DESC LIMIT 1")).one()
    return Head(count, int(row[0]), str(row[1]), str(row[2] or "")[:_MAX_AT])


def entry_at(conn: Connection | Session, position: int) -> tuple[int, str] | None:
    """(id, hash) of the ``position``-th entry (1-based, in id order), None if there is none."""
    if position <= 0:
        return None
    row = conn.execute(
        _sql("SELECT id, hash FROM audit_log ORDER BY id LIMIT 1 OFFSET :skip"),
        {"skip": position - 1},
    ).first()
    return None if row is None else (int(row[0]), str(row[1]))


def _sql(statement: str) -> Any:
    from sqlalchemy import text

    return text(statement)
