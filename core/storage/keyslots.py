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
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from core.errors import CorruptFile, UnknownUser, WrongPassword, WrongRecoveryKey
from core.storage.atomic import write_atomic
from core.storage.signing import new_seed

KEYFILE_FORMAT = "tidui-keys"
KEYFILE_VERSION = 1
KEY_BYTES = 32

# scrypt cost: ~0.1 s and 32 MiB on an office PC. Stored per slot, so it can rise later.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
# What a slot may ask for: only what Tidui writes (2**10 in tests, 2**15 now, room for one
# doubling). A tampered slot asking for n=2**22 would cost 4 GB and 20 s per log-in attempt;
# it is refused as a damaged key file before any derivation.
SCRYPT_N_RANGE = (2**10, 2**16)
SALT_BYTES = 16
NONCE_BYTES = 12
WRAPPED_BYTES = KEY_BYTES + 16  # the key and its GCM tag
# A key file with hundreds of users is tens of KB; anything far bigger is not one.
MAX_KEYFILE_BYTES = 4 * 1024 * 1024


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


def _envelope_key(shared: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=None, info=b"tidui-envelope").derive(shared)


def seal(public: bytes, key: bytes, aad: bytes) -> dict[str, str]:
    """``key`` encrypted to an X25519 public key (ephemeral key + HKDF + AES-256-GCM)."""
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public))
    nonce = os.urandom(NONCE_BYTES)
    return {
        "eph": _b64(ephemeral.public_key().public_bytes_raw()),
        "nonce": _b64(nonce),
        "wrapped": _b64(AESGCM(_envelope_key(shared)).encrypt(nonce, key, aad)),
    }


def unseal(private: bytes, envelope: dict[str, str], aad: bytes) -> bytes:
    shared = X25519PrivateKey.from_private_bytes(private).exchange(
        X25519PublicKey.from_public_bytes(_unb64(envelope["eph"]))
    )
    return AESGCM(_envelope_key(shared)).decrypt(
        _unb64(envelope["nonce"]), _unb64(envelope["wrapped"]), aad
    )


@dataclass
class UserSlot:
    """One account's way to the file key.

    The password (scrypt) unwraps the account's own X25519 private key (``wrapped``); the file
    key is sealed to the account's public key (``envelope``). So the owner can re-key the file
    (disabling someone) and seal the new key to every remaining account without knowing their
    passwords. A slot without ``envelope`` (written before this scheme) wraps the file key
    directly under the password.
    """

    login: str
    role: str
    kdf: dict[str, Any]
    nonce: str
    wrapped: str
    public: str = ""
    envelope: dict[str, str] | None = None
    # The account's Ed25519 signing seed wrapped under the same password-derived key
    # (core/storage/signing.py); None in a slot written before audit entries were signed.
    sign: dict[str, str] | None = None

    def aad(self, file_id: str, signs: bool | None = None) -> bytes:
        """What the slot's wrapped key and sealed file key are bound to: the file and the
        login, and whether the slot holds a signing key (so that removing it from a slot, to
        have the account take a new one, breaks the slot instead: only the password could
        re-wrap it)."""
        signs = self.sign is not None if signs is None else signs
        return f"tidui-slot|{file_id}|{self.login}{'|signs' if signs else ''}".encode()

    def sign_aad(self, file_id: str) -> bytes:
        return self.aad(file_id, signs=True) + b"|sign"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "login": self.login,
            "role": self.role,
            "kdf": self.kdf,
            "nonce": self.nonce,
            "wrapped": self.wrapped,
        }
        if self.envelope is not None:
            data["public"] = self.public
            data["envelope"] = self.envelope
        if self.sign is not None:
            data["sign"] = self.sign
        return data


def _check_slot(slot: UserSlot) -> None:
    """Raises ValueError unless ``slot`` is shaped exactly as Tidui writes slots."""
    kdf = slot.kdf
    if not slot.login or len(slot.login) > 200 or len(slot.role) > 50:
        raise ValueError("login")
    if set(kdf) != {"name", "n", "r", "p", "salt"} or kdf["name"] != "scrypt":
        raise ValueError("kdf")
    n, r, p = kdf["n"], kdf["r"], kdf["p"]
    if any(type(v) is not int for v in (n, r, p)):
        raise ValueError("kdf")
    low, high = SCRYPT_N_RANGE
    if not (low <= n <= high and n & (n - 1) == 0) or r != SCRYPT_R or p != SCRYPT_P:
        raise ValueError("kdf")
    if not isinstance(kdf["salt"], str) or len(_unb64(kdf["salt"])) != SALT_BYTES:
        raise ValueError("salt")
    if len(_unb64(slot.nonce)) != NONCE_BYTES or len(_unb64(slot.wrapped)) != WRAPPED_BYTES:
        raise ValueError("slot")
    if slot.envelope is not None:
        envelope = slot.envelope
        if set(envelope) != {"eph", "nonce", "wrapped"} or len(_unb64(slot.public)) != KEY_BYTES:
            raise ValueError("envelope")
        if (
            len(_unb64(envelope["eph"])) != KEY_BYTES
            or len(_unb64(envelope["nonce"])) != NONCE_BYTES
            or len(_unb64(envelope["wrapped"])) != WRAPPED_BYTES
        ):
            raise ValueError("envelope")
    if slot.sign is not None and (
        set(slot.sign) != {"nonce", "wrapped"}
        or len(_unb64(slot.sign["nonce"])) != NONCE_BYTES
        or len(_unb64(slot.sign["wrapped"])) != WRAPPED_BYTES
    ):
        raise ValueError("sign")


def _wrap_seed(kek: bytes, slot: UserSlot, file_id: str, seed: bytes) -> dict[str, str]:
    nonce = os.urandom(NONCE_BYTES)
    wrapped = AESGCM(kek).encrypt(nonce, seed, slot.sign_aad(file_id))
    return {"nonce": _b64(nonce), "wrapped": _b64(wrapped)}


def copy_slot(slot: UserSlot) -> UserSlot:
    return UserSlot(
        slot.login,
        slot.role,
        dict(slot.kdf),
        slot.nonce,
        slot.wrapped,
        slot.public,
        dict(slot.envelope) if slot.envelope else None,
        dict(slot.sign) if slot.sign else None,
    )


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("text")
    return value


@dataclass
class KeyFile:
    """The parsed sidecar. Mutating methods change memory only; ``save`` writes atomically.

    ``generation`` counts the saved versions; the data file records the generation its last
    committed change expects (``file_meta.keys_generation``), so a key file staged for a
    change that never committed is recognised and dropped at the next open (``company_file``).
    """

    file_id: str
    slots: list[UserSlot] = field(default_factory=list)
    recovery_check: str = ""
    created: str = ""
    generation: int = 0
    # Only in a staged key file that changes the file key: the new key wrapped under the old
    # one, so an open that finds the data still under the old key can finish the re-key.
    rekey: dict[str, str] | None = None

    # -- reading and writing -------------------------------------------------
    @classmethod
    def load(cls, path: Path) -> KeyFile:
        try:
            if path.stat().st_size > MAX_KEYFILE_BYTES:
                raise CorruptFile("file.keys_corrupt", file=str(path))
            raw = path.read_bytes()
        except FileNotFoundError:
            raise CorruptFile("file.keys_missing", file=str(path)) from None
        except OSError as exc:
            raise CorruptFile("file.keys_unreadable", file=str(path), reason=str(exc)) from None
        return cls.parse(raw, str(path))

    @classmethod
    def parse(cls, raw: bytes, name: str) -> KeyFile:
        """The key file in ``raw``; CorruptFile for anything not shaped as Tidui writes it
        (not an object, nested too deep, cut short, KDF costs outside SCRYPT_N_RANGE...)."""
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or data.get("format") != KEYFILE_FORMAT:
                raise ValueError("format")
            version = data.get("version", 0)
            if type(version) is not int:
                raise ValueError("version")
            if version > KEYFILE_VERSION:
                raise CorruptFile("file.keys_too_new", file=name)
            if not isinstance(data["slots"], list) or not isinstance(data["recovery"], dict):
                raise ValueError("slots")
            slots = []
            for s in data["slots"]:
                if not isinstance(s, dict) or not isinstance(s["kdf"], dict):
                    raise ValueError("slot")
                envelope = s.get("envelope")
                if envelope is not None and not isinstance(envelope, dict):
                    raise ValueError("envelope")
                sign = s.get("sign")
                if sign is not None and not isinstance(sign, dict):
                    raise ValueError("sign")
                slot = UserSlot(
                    login=_text(s["login"]),
                    role=_text(s["role"]),
                    kdf=dict(s["kdf"]),
                    nonce=_text(s["nonce"]),
                    wrapped=_text(s["wrapped"]),
                    public=_text(s.get("public", "")),
                    envelope={k: _text(v) for k, v in envelope.items()} if envelope else None,
                    sign={k: _text(v) for k, v in sign.items()} if sign else None,
                )
                _check_slot(slot)
                slots.append(slot)
            check = _text(data["recovery"]["check"])
            generation = data.get("generation", 0)
            if not re.fullmatch(r"[0-9a-f]{64}", check) or type(generation) is not int:
                raise ValueError("recovery")
            rekey = data.get("rekey")
            if rekey is not None and (
                not isinstance(rekey, dict) or set(rekey) != {"nonce", "wrapped"}
            ):
                raise ValueError("rekey")
            return cls(
                file_id=_text(data["file_id"]),
                slots=slots,
                recovery_check=check,
                created=str(data.get("created", "")),
                generation=generation,
                rekey={k: _text(v) for k, v in rekey.items()} if rekey else None,
            )
        except CorruptFile:
            raise
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
            # (binascii.Error and json.JSONDecodeError are ValueErrors)
            raise CorruptFile("file.keys_corrupt", file=name) from None

    def to_bytes(self) -> bytes:
        data = {
            "format": KEYFILE_FORMAT,
            "version": KEYFILE_VERSION,
            "file_id": self.file_id,
            "created": self.created,
            "generation": self.generation,
            "cipher": "AES-256-GCM",
            "slots": [s.to_json() for s in self.slots],
            "recovery": {"check": self.recovery_check, "note": "recovery key = raw SQLCipher key"},
        }
        if self.rekey is not None:
            data["rekey"] = self.rekey
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

    def set_slot(
        self, login: str, role: str, password: str, key: bytes, signing: bytes | None = None
    ) -> None:
        """Add or replace ``login``'s slot, wrapping ``key`` under ``password``, and the
        account's signing seed ``signing`` (a new one when None) beside it."""
        self.check_key(key)
        salt = os.urandom(16)
        n = _scrypt_n()
        kek = _derive(password, salt, n, SCRYPT_R, SCRYPT_P)
        nonce = os.urandom(NONCE_BYTES)
        private = X25519PrivateKey.generate()
        public = private.public_key().public_bytes_raw()
        slot = UserSlot(
            login=login,
            role=role,
            kdf={"name": "scrypt", "n": n, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
            nonce=_b64(nonce),
            wrapped="",
            public=_b64(public),
        )
        slot.sign = _wrap_seed(kek, slot, self.file_id, signing or new_seed())
        aad = slot.aad(self.file_id)
        slot.wrapped = _b64(AESGCM(kek).encrypt(nonce, private.private_bytes_raw(), aad))
        slot.envelope = seal(public, key, aad)
        self.slots = [s for s in self.slots if s.login.casefold() != login.casefold()] + [slot]

    def add_signing(self, login: str, password: str, signing: bytes) -> None:
        """Give ``login``'s slot (written before signing) the signing seed ``signing``,
        wrapped under its password; the rest of the slot stays as it is."""
        slot = self.find(login)
        if slot is None:
            raise UnknownUser(login=login)
        if slot.sign is not None:
            raise ValueError(login)
        kek, unwrapped = self._open(slot, password)
        key = None
        if slot.envelope is not None:
            try:
                key = unseal(unwrapped, slot.envelope, slot.aad(self.file_id))
            except (InvalidTag, KeyError, ValueError, TypeError):
                raise CorruptFile("file.keys_corrupt", file=self.file_id) from None
        # the slot is re-bound to holding a signing key (see UserSlot.aad)
        slot.sign = _wrap_seed(kek, slot, self.file_id, signing)
        aad = slot.aad(self.file_id)
        nonce = os.urandom(NONCE_BYTES)
        slot.nonce = _b64(nonce)
        slot.wrapped = _b64(AESGCM(kek).encrypt(nonce, unwrapped, aad))
        if key is not None:
            slot.envelope = seal(_unb64(slot.public), key, aad)

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
        return self.open_slot(login, password)[0]

    def open_slot(self, login: str, password: str) -> tuple[bytes, bytes | None]:
        """(the file key, the account's signing seed or None for a slot from before signing),
        if ``password`` is ``login``'s; WrongPassword / UnknownUser otherwise."""
        slot = self.find(login)
        if slot is None:
            raise UnknownUser(login=login)
        kek, unwrapped = self._open(slot, password)
        aad = slot.aad(self.file_id)
        seed = None
        if slot.sign is not None:
            try:
                seed = AESGCM(kek).decrypt(
                    _unb64(slot.sign["nonce"]),
                    _unb64(slot.sign["wrapped"]),
                    slot.sign_aad(self.file_id),
                )
            except (InvalidTag, KeyError, ValueError):
                raise CorruptFile("file.keys_corrupt", file=self.file_id) from None
        if slot.envelope is None:
            return unwrapped, seed
        try:
            return unseal(unwrapped, slot.envelope, aad), seed
        except (InvalidTag, KeyError, ValueError, TypeError):
            # the password was right: the sealed key itself was damaged or replaced
            raise CorruptFile("file.keys_corrupt", file=self.file_id) from None

    def _open(self, slot: UserSlot, password: str) -> tuple[bytes, bytes]:
        """(the password-derived key, what it unwraps: the X25519 key or a legacy file key)."""
        login = slot.login
        try:
            _check_slot(slot)  # never derive with costs Tidui did not write
            kdf = slot.kdf
            kek = _derive(
                password, _unb64(str(kdf["salt"])), int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
            )
            aad = slot.aad(self.file_id)
            unwrapped = AESGCM(kek).decrypt(_unb64(slot.nonce), _unb64(slot.wrapped), aad)
        except InvalidTag:
            if slot.sign is None and self._signed_once(slot, kek):
                # the password is right, but the slot's signing key was removed
                raise CorruptFile("file.keys_corrupt", file=self.file_id) from None
            raise WrongPassword(login=login) from None
        except (KeyError, ValueError, TypeError):
            raise CorruptFile("file.keys_corrupt", file=self.file_id) from None
        return kek, unwrapped

    def _signed_once(self, slot: UserSlot, kek: bytes) -> bool:
        try:
            aad = slot.aad(self.file_id, signs=True)
            AESGCM(kek).decrypt(_unb64(slot.nonce), _unb64(slot.wrapped), aad)
        except InvalidTag:
            return False
        return True

    def check_key(self, key: bytes) -> None:
        if not hmac.compare_digest(_key_check(self.file_id, key), self.recovery_check):
            raise WrongRecoveryKey()

    def is_key(self, key: bytes) -> bool:
        return hmac.compare_digest(_key_check(self.file_id, key), self.recovery_check)

    def rekeyed(self, old_key: bytes, new_key: bytes) -> KeyFile:
        """A copy for ``new_key``: every slot's key sealed anew to its account (passwords stay
        as they are), a new recovery check, and the re-key journal (new key under the old).

        Raises ValueError for a slot written before sealed keys (it cannot be re-wrapped
        without its password)."""
        copy = KeyFile.new(self.file_id, new_key)
        copy.created = self.created
        copy.generation = self.generation
        for slot in self.slots:
            if slot.envelope is None:
                raise ValueError(slot.login)
            fresh = copy_slot(slot)
            fresh.envelope = seal(_unb64(slot.public), new_key, slot.aad(self.file_id))
            copy.slots.append(fresh)
        nonce = os.urandom(NONCE_BYTES)
        wrapped = AESGCM(old_key).encrypt(nonce, new_key, f"tidui-rekey|{self.file_id}".encode())
        copy.rekey = {"nonce": _b64(nonce), "wrapped": _b64(wrapped)}
        return copy

    def rekey_target(self, old_key: bytes) -> bytes:
        """The new key of a staged re-key, unwrapped with the key the data still has."""
        if self.rekey is None:
            raise CorruptFile("file.keys_corrupt", file=self.file_id)
        try:
            return AESGCM(old_key).decrypt(
                _unb64(self.rekey["nonce"]),
                _unb64(self.rekey["wrapped"]),
                f"tidui-rekey|{self.file_id}".encode(),
            )
        except (InvalidTag, ValueError, KeyError):
            raise CorruptFile("file.keys_corrupt", file=self.file_id) from None
