"""Key slots: the file key wrapped once per user password (scrypt + AES-256-GCM), as LUKS/KeePass do.

The sidecar ``NAME.tidui.keys`` is JSON with no secret in clear. The file key itself is 32 random
bytes; the recovery key *is* that key written as 8 groups of 8 hex digits, so any SQLCipher 4 client
can open the data file with it. Each slot's AES-GCM associated data binds the slot to the file id
and the login, so a slot copied to another login or file does not open. The role written in a slot
is only a label: the role that counts is the user's row inside the encrypted database, so editing
the JSON cannot promote anyone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from core.errors import CorruptFile, UnknownUser, WrongPassword, WrongRecoveryKey
from core.storage.atomic import write_atomic

KEYFILE_FORMAT = "tidui-keys"
KEYFILE_VERSION = 1
KEY_BYTES = 32

# scrypt cost: ~0.1 s and 32 MiB on an office PC. Stored per slot, so it can rise later.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1


def _scrypt_n() -> int:
    # Tests create hundreds of slots; a cheap cost there keeps the suite fast.
    return 2**10 if os.environ.get("TIDUI_TEST_FAST_KDF") else SCRYPT_N


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def new_file_key() -> bytes:
    return os.urandom(KEY_BYTES)


def format_recovery_key(key: bytes) -> str:
    """32 bytes -> '3f9a0c12-....' (8 groups of 8 lowercase hex digits)."""
    hexed = key.hex()
    return "-".join(hexed[i : i + 8] for i in range(0, 64, 8))


_RECOVERY_RE = re.compile(r"^[0-9a-f]{64}$")


def parse_recovery_key(text: str) -> bytes:
    """Accepts the printed form with or without dashes, spaces or upper case."""
    cleaned = re.sub(r"[\s\-]", "", text).lower()
    if not _RECOVERY_RE.match(cleaned):
        raise WrongRecoveryKey()
    return bytes.fromhex(cleaned)


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=n, r=r, p=p)
    return kdf.derive(password.encode("utf-8"))


def _key_check(file_id: str, key: bytes) -> str:
    return hmac.new(key, f"tidui-key-check|{file_id}".encode(), hashlib.sha256).hexdigest()


@dataclass
class UserSlot:
    login: str
    role: str
    kdf: dict[str, Any]
    nonce: str
    wrapped: str

    def aad(self, file_id: str) -> bytes:
        return f"tidui-slot|{file_id}|{self.login}".encode()

    def to_json(self) -> dict[str, Any]:
        return {
            "login": self.login,
            "role": self.role,
            "kdf": self.kdf,
            "nonce": self.nonce,
            "wrapped": self.wrapped,
        }


@dataclass
class KeyFile:
    """The parsed sidecar. Mutating methods change memory only; ``save`` writes atomically."""

    file_id: str
    slots: list[UserSlot] = field(default_factory=list)
    recovery_check: str = ""
    created: str = ""

    # -- reading and writing -------------------------------------------------
    @classmethod
    def load(cls, path: Path) -> KeyFile:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise CorruptFile("file.keys_missing", file=str(path)) from None
        except OSError as exc:
            raise CorruptFile("file.keys_unreadable", file=str(path), reason=str(exc)) from None
        try:
            data = json.loads(raw.decode("utf-8"))
            if data.get("format") != KEYFILE_FORMAT:
                raise ValueError("format")
            if int(data.get("version", 0)) > KEYFILE_VERSION:
                raise CorruptFile("file.keys_too_new", file=str(path))
            slots = [
                UserSlot(
                    login=str(s["login"]),
                    role=str(s["role"]),
                    kdf=dict(s["kdf"]),
                    nonce=str(s["nonce"]),
                    wrapped=str(s["wrapped"]),
                )
                for s in data["slots"]
            ]
            return cls(
                file_id=str(data["file_id"]),
                slots=slots,
                recovery_check=str(data["recovery"]["check"]),
                created=str(data.get("created", "")),
            )
        except CorruptFile:
            raise
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise CorruptFile("file.keys_corrupt", file=str(path)) from None

    def to_bytes(self) -> bytes:
        data = {
            "format": KEYFILE_FORMAT,
            "version": KEYFILE_VERSION,
            "file_id": self.file_id,
            "created": self.created,
            "cipher": "AES-256-GCM",
            "slots": [s.to_json() for s in self.slots],
            "recovery": {"check": self.recovery_check, "note": "recovery key = raw SQLCipher key"},
        }
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def save(self, path: Path) -> None:
        write_atomic(path, self.to_bytes())

    # -- creating ------------------------------------------------------------
    @classmethod
    def new(cls, file_id: str, key: bytes) -> KeyFile:
        return cls(
            file_id=file_id,
            recovery_check=_key_check(file_id, key),
            created=datetime.now(UTC).isoformat(timespec="seconds"),
        )

    # -- slots ---------------------------------------------------------------
    def find(self, login: str) -> UserSlot | None:
        wanted = login.strip().casefold()
        return next((s for s in self.slots if s.login.casefold() == wanted), None)

    def logins(self) -> list[str]:
        return [s.login for s in self.slots]

    def set_slot(self, login: str, role: str, password: str, key: bytes) -> None:
        """Add or replace ``login``'s slot, wrapping ``key`` under ``password``."""
        self.check_key(key)
        salt = os.urandom(16)
        n = _scrypt_n()
        kek = _derive(password, salt, n, SCRYPT_R, SCRYPT_P)
        nonce = os.urandom(12)
        slot = UserSlot(
            login=login,
            role=role,
            kdf={"name": "scrypt", "n": n, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
            nonce=_b64(nonce),
            wrapped="",
        )
        slot.wrapped = _b64(AESGCM(kek).encrypt(nonce, key, slot.aad(self.file_id)))
        self.slots = [s for s in self.slots if s.login.casefold() != login.casefold()] + [slot]

    def relabel(self, login: str, role: str) -> None:
        """Change a slot's role label (shown before log-in; the database decides the real role)."""
        slot = self.find(login)
        if slot is None:
            raise UnknownUser(login=login)
        slot.role = role

    def remove_slot(self, login: str) -> None:
        self.slots = [s for s in self.slots if s.login.casefold() != login.casefold()]

    def unlock(self, login: str, password: str) -> bytes:
        """The file key, if ``password`` is ``login``'s; WrongPassword / UnknownUser otherwise."""
        slot = self.find(login)
        if slot is None:
            raise UnknownUser(login=login)
        try:
            kdf = slot.kdf
            if kdf.get("name") != "scrypt":
                raise CorruptFile("file.keys_corrupt", file=self.file_id)
            kek = _derive(
                password, _unb64(str(kdf["salt"])), int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
            )
            key = AESGCM(kek).decrypt(
                _unb64(slot.nonce), _unb64(slot.wrapped), slot.aad(self.file_id)
            )
        except InvalidTag:
            raise WrongPassword(login=login) from None
        except (KeyError, ValueError, TypeError):
            raise CorruptFile("file.keys_corrupt", file=self.file_id) from None
        return key

    def check_key(self, key: bytes) -> None:
        if not hmac.compare_digest(_key_check(self.file_id, key), self.recovery_check):
            raise WrongRecoveryKey()
