"""Keeping a company file healthy: verify integrity and the audit chain, restore backups safely."""

from __future__ import annotations

import contextlib
import glob
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import DatabaseError

from core.errors import CorruptFile
from core.i18n import Message
from core.model import User
from core.permissions import Perm, require
from core.services.admin import audit, signatures
from core.services.eligibility import order_totals
from core.session import AppSession
from core.storage import backup as backups
from core.storage.anchor import anchor_path
from core.storage.atomic import write_atomic
from core.storage.company_file import (
    clean_leftovers,
    finish_restore,
    keys_path_for,
    restore_journal_path,
    staged_keys_path,
)
from core.storage.database import integrity_problems
from core.storage.keyslots import KeyFile
from core.storage.lock import CompanyLock


@dataclass(frozen=True)
class VerifyReport:
    audit_entries: int
    problems: list[Message]
    # Worth saying but not wrong: entries from before signing, entries by no person, keys
    # replaced with the recovery key (core/services/admin/signatures.py).
    notes: list[Message] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(app: AppSession) -> VerifyReport:
    """Integrity (SQLite and SQLCipher page checks), the audit chain, every entry's author
    signature, and whether the key slots and the accounts agree; damage is reported in words,
    never as a database error."""
    try:
        found = [
            Message("verify.integrity", {"detail": p}) for p in integrity_problems(app.file.engine)
        ]
    except DatabaseError as error:
        return VerifyReport(0, [_damaged(app, error)])
    try:
        with app.read() as session:
            chain = audit.verify_chain(session)
        signed = signatures.check(app)
        with app.read() as session:
            anchored = audit.check_anchor(session, app.file)
        with app.read() as session:
            totals = order_totals.problems(session)
        with app.read() as session:
            accounts = [
                (login, bool(disabled))
                for login, disabled in session.execute(select(User.login, User.disabled))
            ]
    except DatabaseError as error:
        return VerifyReport(0, [*found, _damaged(app, error)])
    return VerifyReport(
        audit_entries=chain.entries,
        problems=found
        + chain.problems
        + anchored
        + signed.problems
        + totals
        + _slot_problems(app, accounts),
        notes=signed.notes,
    )


def _damaged(app: AppSession, error: DatabaseError) -> Message:
    detail = str(getattr(error, "orig", error))
    return Message("verify.damaged", {"file": app.file.path.name, "detail": detail})


def _slot_problems(app: AppSession, accounts: Sequence[tuple[str, bool]]) -> list[Message]:
    """Key slots for no (enabled) account, and enabled accounts without a key slot."""
    by_login = {login.casefold(): disabled for login, disabled in accounts}
    problems = []
    for slot in app.file.keyfile.slots:
        disabled = by_login.get(slot.login.casefold())
        if disabled is None:
            problems.append(Message("verify.slot_without_user", {"login": slot.login}))
        elif disabled:
            problems.append(Message("verify.slot_of_disabled_user", {"login": slot.login}))
    slots = {login.casefold() for login in app.file.keyfile.logins()}
    for login, disabled in accounts:
        if not disabled and login.casefold() not in slots:
            problems.append(Message("verify.user_without_slot", {"login": login}))
    return problems


def backup_owner_login(backup: Path) -> str:
    """The first owner login in a backup's key file (the default --user for restore)."""
    backups.read_manifest(backup)
    with zipfile.ZipFile(backup) as zf:
        data = json.loads(zf.read("data.tidui.keys").decode("utf-8"))
    owners = [s["login"] for s in data.get("slots", []) if s.get("role") == "owner"]
    return owners[0] if owners else ""


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    previous_backup: str | None


def restore(backup: Path, target: Path, login: str, password: str) -> RestoreResult:
    """Restore ``backup`` to ``target`` after proving it opens and passes ``verify``.

    The backup is first unpacked beside the target and checked there; an existing target is
    kept as a raw copy (still encrypted) before being replaced.
    """
    from core.services.admin import auth

    backups.read_manifest(backup)
    target = Path(target)
    if target.parent.is_dir():
        early = CompanyLock(target)
        early.acquire("restore")
        try:
            clean_leftovers(target)  # what killed restores and backups left beside it
        finally:
            early.release()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    staging = target.with_name(f".restore-{stamp}-{target.name}")
    backups.extract_to(backup, staging)
    try:
        app = auth.log_in(staging, login, password)
        try:
            report = verify(app)
        finally:
            app.close(backup=False)
        if not report.ok:
            raise CorruptFile("backup.corrupt", file=str(backup))
        previous: str | None = None
        lock = CompanyLock(target)
        lock.acquire("restore")
        try:
            if target.exists():
                previous = str(_keep_raw_copy(target))
            # a key-file change staged for the file being replaced must never meet the backup
            with contextlib.suppress(FileNotFoundError):
                staged_keys_path(target).unlink()
            # The three renames as one step: journaled first, so an open after a kill between
            # them finishes them (company_file.finish_restore) instead of finding half a trio.
            staged_anchor = anchor_path(staging)
            moves = [
                (staged_anchor.name if staged_anchor.exists() else "", anchor_path(target).name),
                (keys_path_for(staging).name, keys_path_for(target).name),
                (staging.name, target.name),
            ]
            write_atomic(restore_journal_path(target), json.dumps(moves).encode("utf-8"))
            finish_restore(target)
        finally:
            lock.release()
        return RestoreResult(target, previous)
    finally:
        for leftover in (
            staging,
            keys_path_for(staging),
            anchor_path(staging),
            CompanyLock(staging).data_path,
        ):
            with contextlib.suppress(OSError):
                leftover.unlink()
        for extra in staging.parent.glob(f"{staging.name}.lock*"):
            with contextlib.suppress(OSError):
                extra.unlink()


def _keep_raw_copy(target: Path) -> Path:
    """Zip the current (encrypted) pair as it is on disk, so a restore never loses data."""
    folder = backups.default_backup_dir(target)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = folder / f"{target.stem}-{stamp}-before-restore{backups.BACKUP_SUFFIX}"
    keys = keys_path_for(target)
    KeyFile.load(keys)  # refuse to shelve a pair we could never reopen
    import hashlib

    data_hash = hashlib.sha256(target.read_bytes()).hexdigest()
    keys_bytes = keys.read_bytes()
    anchor_bytes = backups.read_anchor(target)
    manifest: dict[str, object] = {
        "format": "tidui-backup",
        "version": 1,
        "created": datetime.now().isoformat(timespec="seconds"),
        "reason": "before-restore",
        "source": target.name,
        "data_sha256": data_hash,
        "keys_sha256": hashlib.sha256(keys_bytes).hexdigest(),
    }
    if anchor_bytes is not None:
        manifest["audit_sha256"] = hashlib.sha256(anchor_bytes).hexdigest()
    with zipfile.ZipFile(out, "w") as zf:
        zf.write(target, "data.tidui")
        zf.writestr("data.tidui.keys", keys_bytes)
        if anchor_bytes is not None:
            zf.writestr("data.tidui.audit", anchor_bytes)
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return out


@dataclass(frozen=True)
class BackupRow:
    path: Path
    made: datetime | None  # from the file name (local time)
    reason: str  # "close", "manual", "before-restore", "before-migration-v1", …
    size: int  # bytes


def backup_folder(app: AppSession) -> Path:
    """Where automatic backups of the open file go (beside it, NAME.backups)."""
    return backups.default_backup_dir(app.file.path)


def list_backups(app: AppSession, folder: Path | None = None) -> list[BackupRow]:
    """The backups of the open file in ``folder`` (default: its backup folder), newest first.
    A folder that is missing or unreadable lists nothing (Perm.BACKUP)."""
    require(app.actor, Perm.BACKUP)
    folder = folder or backup_folder(app)
    stem = app.file.path.stem
    rows = []
    try:
        found = list(folder.glob(f"{glob.escape(stem)}-*{backups.BACKUP_SUFFIX}"))
    except OSError:
        return []
    for path in found:
        made = backups.backup_time(path, stem)
        name = path.name[: -len(backups.BACKUP_SUFFIX)]
        reason = name.rsplit("-", 1)[-1] if made is not None else ""
        for known in ("before-restore", "before-migration-v"):
            at = name.find(known)
            if at >= 0:
                reason = name[at:]
        try:
            size = path.stat().st_size
        except OSError:
            continue
        rows.append(BackupRow(path, made, reason, size))
    rows.sort(key=lambda r: (r.made or datetime.min, r.path.name), reverse=True)
    return rows
