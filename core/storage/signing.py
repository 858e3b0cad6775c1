"""Per-author signatures on audit entries (Ed25519).

Each account has an Ed25519 signing key. Its private half (a 32-byte seed) is wrapped in the
account's key slot under the password (``keyslots``), so only a log-in with that password can
sign in its name; its public half is published in the audit chain by the entry that created or
replaced it (``company.create``, ``user.add`` …: ``after["signing_key"]``), signed by whoever wrote
that entry. Every entry a person writes carries their signature over the entry's hash, so
holding the file key alone (the recovery key, or another account's password) no longer lets
anyone write or rewrite entries in another account's name without ``verify`` noticing.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SEED_BYTES = 32
SIGNATURE_BYTES = 64
_CONTEXT = b"tidui-audit-entry|"


def new_seed() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes_raw()


def public_text(seed: bytes) -> str:
    """The public half of ``seed`` as it is published in the chain (base64 of 32 bytes)."""
    raw = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    return base64.b64encode(raw).decode("ascii")


class Signer:
    """One account's signing key, unlocked by its password for the session."""

    def __init__(self, seed: bytes) -> None:
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self.seed = seed
        self.public_raw = self._key.public_key().public_bytes_raw()
        self.public = base64.b64encode(self.public_raw).decode("ascii")

    def __repr__(self) -> str:  # never show the seed
        return f"Signer({self.public})"

    def sign(self, entry_hash: str) -> str:
        return base64.b64encode(self._key.sign(_CONTEXT + entry_hash.encode("ascii"))).decode()


def public_key(text: object) -> Ed25519PublicKey | None:
    """A published key, or None when ``text`` is not one."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw) if len(raw) == SEED_BYTES else None
    except (ValueError, binascii.Error, UnicodeEncodeError):
        return None


# Signatures this process has already found valid, as (key, hash, signature): a check is
# deterministic, so a second verify (or a restore's verify of a copy of the open file) skips
# the ~0.1 ms each costs. Memory only: nothing in it comes from, or goes to, a file.
_VALID: set[tuple[bytes, str, str]] = set()
_VALID_MAX = 200_000


def signed_by(key: Ed25519PublicKey, entry_hash: str, signature: str | None) -> bool:
    if not signature or len(signature) > 100:
        return False
    seen = (key.public_bytes_raw(), entry_hash, signature)
    if seen in _VALID:
        return True
    try:
        raw = base64.b64decode(signature.encode("ascii"), validate=True)
        key.verify(raw, _CONTEXT + entry_hash.encode("ascii"))
    except (InvalidSignature, ValueError, binascii.Error, UnicodeEncodeError):
        return False
    if len(_VALID) >= _VALID_MAX:
        _VALID.clear()
    _VALID.add(seen)
    return True
