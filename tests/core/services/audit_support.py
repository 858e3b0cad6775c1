"""Tampering with a closed company file as someone holding its file key would, outside Tidui:
rows written with an SQLCipher client, the chain re-hashed, the anchor and audit_count
rewritten to match (so only the author signatures can tell)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlcipher3

from core.session import GENESIS_HASH, entry_hash
from core.storage import anchor as anchors

Row = dict[str, Any]


def connect(path: Path, recovery: str) -> Any:
    con = sqlcipher3.connect(str(path))
    con.execute(f"PRAGMA key = \"x'{recovery.replace('-', '')}'\"")
    return con


_COLUMNS = ("id", "at", "actor", "action", "entity", "entity_id", "before", "after", "signature")


def rewrite(
    path: Path,
    recovery: str,
    edit: Callable[[list[Row]], None],
    sign: Callable[[Row, str], str | None] | None = None,
) -> None:
    """As a file-key holder: ``edit`` the rows (dicts, JSON already parsed; append to add),
    re-hash the whole chain, keep each signature unless ``sign`` gives a new one, and write a
    matching anchor and audit_count, so nothing but the signatures can tell."""
    con = connect(path, recovery)
    rows = [
        dict(zip(_COLUMNS, r, strict=True))
        for r in con.execute(f"SELECT {', '.join(_COLUMNS)} FROM audit_log ORDER BY id")
    ]
    for row in rows:
        row["before"] = json.loads(row["before"]) if row["before"] else None
        row["after"] = json.loads(row["after"]) if row["after"] else None
    edit(rows)
    prev = GENESIS_HASH
    con.execute("DELETE FROM audit_log")
    for number, row in enumerate(rows, 1):
        at = row.get("at") or datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
        when = datetime.fromisoformat(at).replace(tzinfo=UTC)
        digest = entry_hash(
            prev,
            when,
            row["actor"],
            row["action"],
            row["entity"],
            row.get("entity_id"),
            row.get("before"),
            row.get("after"),
        )
        signature = row.get("signature") if sign is None else sign(row, digest)
        con.execute(
            "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, before, after,"
            " prev_hash, hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                number,
                at,
                row["actor"],
                row["action"],
                row["entity"],
                row.get("entity_id"),
                json.dumps(row["before"], ensure_ascii=False) if row.get("before") else None,
                json.dumps(row["after"], ensure_ascii=False) if row.get("after") else None,
                prev,
                digest,
                signature,
            ),
        )
        prev, last_at = digest, at
    con.execute("UPDATE file_meta SET value = ? WHERE key = 'audit_count'", (str(len(rows)),))
    file_id = con.execute("SELECT value FROM file_meta WHERE key = 'file_id'").fetchone()[0]
    con.commit()
    con.close()
    key = bytes.fromhex(recovery.replace("-", ""))
    head = anchors.Head(len(rows), len(rows), prev, last_at)
    anchors.write(path, key, anchors.Anchor(file_id, head))


def forged(actor: str, action: str, after: dict[str, Any]) -> Row:
    return {"actor": actor, "action": action, "entity": "user", "entity_id": "1", "after": after}


def slots_before_signing(path: Path, passwords: dict[str, str]) -> None:
    """Rewrite the key file's slots as Tidui wrote them before signing: no signing key, and
    the wrapped key bound to the login alone (this needs each account's password)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from core.storage import keyslots
    from core.storage.paths import keys_path_for

    keys = keys_path_for(path)
    keyfile = keyslots.KeyFile.load(keys)
    for slot in keyfile.slots:
        kdf = slot.kdf
        salt = keyslots._unb64(kdf["salt"])
        kek = keyslots._derive(passwords[slot.login], salt, kdf["n"], kdf["r"], kdf["p"])
        signed_aad = slot.aad(keyfile.file_id)
        private = AESGCM(kek).decrypt(
            keyslots._unb64(slot.nonce), keyslots._unb64(slot.wrapped), signed_aad
        )
        assert slot.envelope is not None
        file_key = keyslots.unseal(private, slot.envelope, signed_aad)
        slot.sign = None
        aad = slot.aad(keyfile.file_id)
        slot.wrapped = keyslots._b64(AESGCM(kek).encrypt(keyslots._unb64(slot.nonce), private, aad))
        slot.envelope = keyslots.seal(keyslots._unb64(slot.public), file_key, aad)
    keyfile.save(keys)
