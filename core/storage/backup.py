"""Encrypted backups: a zip holding the (still encrypted) data file, its key file and a manifest.

The data file is copied byte for byte while a read transaction holds SQLite's SHARED lock, so no
write can land half-way through the copy; the copy stays encrypted with the same key. Restoring
checks the manifest's hashes first and writes through temp files, so a bad backup never replaces
a good file.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from core.errors import CorruptFile, FileInUse
from core.storage.atomic import disk_full, fsync_dir, is_disk_full
from core.storage.lock import CompanyLock

BACKUP_SUFFIX = ".tidui.zip"
# Automatic backups kept (grandfather-father-son): the newest of each of the last 7 days,
# 4 ISO weeks and 12 months that have backups, and always the 3 newest (several closes a
# day must not rotate away this morning's). Manual backups are never rotated.
KEEP_NEWEST = 3
KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_MONTHLY = 12
_STAMP = re.compile(r"-(\d{8})-(\d{6})(?:-\d{3})?-")
_DATA = "data.tidui"
_KEYS = "data.tidui.keys"
_MANIFEST = "manifest.json"
# The audit chain's anchor (anchor.py), when the file has one: a restored file keeps it, so a
# backup cut at its audit tail is caught like the file itself.
_AUDIT = "data.tidui.audit"


def _anchor_of(data_path: Path) -> Path:
    return data_path.with_name(data_path.name + ".audit")


def default_backup_dir(data_path: Path) -> Path:
    return data_path.with_name(data_path.stem + ".backups")


def make_backup(
    data_path: Path,
    keys_path: Path,
    engine: Engine,
    dest_dir: Path | None = None,
    reason: str = "manual",
    schema_version: int = 0,
    check: Callable[[], None] | None = None,
) -> Path:
    """Write a verified-to-open backup zip atomically; ``check`` (the damage check, which reads
    every page) runs on another thread while the file is copied, under the same read lock, and
    the zip is kept only when it passes (a damaged file must never push good backups out)."""
    dest_dir = dest_dir or default_backup_dir(data_path)
    dest_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")[:-3]
    target = dest_dir / f"{data_path.stem}-{stamp}-{reason}{BACKUP_SUFFIX}"
    prefix = f".backup.{data_path.stem}."
    # The caller holds the file's lock: a temp file of this file's backups is from a killed run.
    for stale in dest_dir.glob(".backup.*.tmp"):
        if stale.name.startswith(prefix):
            with contextlib.suppress(OSError):
                stale.unlink()
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=dest_dir)
    except OSError as error:
        if is_disk_full(error):
            raise disk_full(dest_dir) from error
        raise
    os.close(fd)
    tmp = Path(tmp_name)
    checking: Future[None] | None = None
    try:
        with engine.connect() as conn:
            # A transaction + a read = SQLite's SHARED lock: writers wait until the copy is done.
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
            if check is not None:
                checking = _CHECKS.submit(check)
            keys_bytes = keys_path.read_bytes()
            anchor_bytes = read_anchor(data_path)
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
                data_hash = _copy_into(zf, data_path, _DATA)
                zf.writestr(_KEYS, keys_bytes)
                if anchor_bytes is not None:
                    zf.writestr(_AUDIT, anchor_bytes)
                manifest: dict[str, object] = {
                    "format": "tidui-backup",
                    "version": 1,
                    "created": datetime.now().isoformat(timespec="seconds"),
                    "reason": reason,
                    "source": data_path.name,
                    "schema_version": schema_version,
                    "data_sha256": data_hash,
                    "keys_sha256": hashlib.sha256(keys_bytes).hexdigest(),
                }
                if anchor_bytes is not None:
                    manifest["audit_sha256"] = hashlib.sha256(anchor_bytes).hexdigest()
                zf.writestr(_MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
            if checking is not None:
                checking.result()  # raises when the file is damaged: the zip is dropped below
            conn.rollback()
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        fsync_dir(dest_dir)
    except BaseException as error:
        if checking is not None:
            checking.exception()  # never leave it reading the file
        with contextlib.suppress(OSError):
            tmp.unlink()
        if is_disk_full(error):
            raise disk_full(dest_dir) from error
        raise
    return target


# The backup's damage check runs here while the copy is written (SQLite, hashing, the CRC and
# the writes all release the GIL: two cores do the two at once).
_CHECKS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tidui-backup-check")
_CHUNK = 4 << 20


def _copy_into(zf: zipfile.ZipFile, source: Path, name: str) -> str:
    """Copy ``source`` into ``zf`` as ``name`` (stored) in large chunks; returns its SHA-256,
    taken from the same reads (the file is read once)."""
    digest = hashlib.sha256()
    info = zipfile.ZipInfo.from_file(source, name)
    info.compress_type = zipfile.ZIP_STORED
    with source.open("rb") as fh, zf.open(info, "w", force_zip64=True) as out:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def read_anchor(data_path: Path) -> bytes | None:
    try:
        return _anchor_of(data_path).read_bytes()
    except FileNotFoundError:
        return None


def backup_time(path: Path, stem: str) -> datetime | None:
    """When a backup of ``stem`` was made, from its name; None for a name Tidui did not give."""
    if not path.name.startswith(f"{stem}-"):
        return None
    found = _STAMP.match(path.name, len(stem))
    if found is None:
        return None
    try:
        return datetime.strptime(found.group(1) + found.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None


def kept_backups(dated: list[tuple[datetime, Path]]) -> set[Path]:
    """Which of the automatic backups the rotation keeps (see KEEP_DAILY and the others)."""
    newest_first = sorted(dated, key=lambda item: item[0], reverse=True)
    keep = {path for _, path in newest_first[:KEEP_NEWEST]}
    buckets: tuple[tuple[int, Callable[[datetime], object]], ...] = (
        (KEEP_DAILY, lambda when: when.date()),
        (KEEP_WEEKLY, lambda when: when.isocalendar()[:2]),
        (KEEP_MONTHLY, lambda when: (when.year, when.month)),
    )
    for count, bucket in buckets:
        seen: list[object] = []
        for when, path in newest_first:
            key = bucket(when)
            if key in seen:
                continue
            if len(seen) == count:
                break
            seen.append(key)
            keep.add(path)
    return keep


def rotate(dest_dir: Path, stem: str) -> list[Path]:
    """Delete the automatic backups of ``stem`` the rotation does not keep; manual ones and
    files whose names Tidui did not give stay."""
    dated = []
    for path in dest_dir.glob(f"{glob.escape(stem)}-*{BACKUP_SUFFIX}"):
        when = backup_time(path, stem)
        if when is not None and not path.name.endswith(f"-manual{BACKUP_SUFFIX}"):
            dated.append((when, path))
    keep = kept_backups(dated)
    removed = sorted(path for _, path in dated if path not in keep)
    for path in removed:
        with contextlib.suppress(OSError):
            path.unlink()
    return removed


def read_manifest(backup: Path) -> dict[str, object]:
    try:
        with zipfile.ZipFile(backup) as zf:
            manifest = json.loads(zf.read(_MANIFEST).decode("utf-8"))
            if manifest.get("format") != "tidui-backup":
                raise ValueError("format")
            data_hash = hashlib.sha256(zf.read(_DATA)).hexdigest()
            keys_hash = hashlib.sha256(zf.read(_KEYS)).hexdigest()
            audit_hash = (
                hashlib.sha256(zf.read(_AUDIT)).hexdigest() if _AUDIT in zf.namelist() else None
            )
    except FileNotFoundError:
        raise CorruptFile("backup.missing", file=str(backup)) from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise CorruptFile("backup.corrupt", file=str(backup)) from None
    if (
        data_hash != manifest.get("data_sha256")
        or keys_hash != manifest.get("keys_sha256")
        or audit_hash != manifest.get("audit_sha256")
    ):
        raise CorruptFile("backup.hash_mismatch", file=str(backup))
    return dict(manifest)


def extract_to(backup: Path, data_target: Path) -> None:
    """Write the backup's data and key files to ``data_target`` (+ .keys), replacing atomically.

    Refuses while someone holds the target open. The caller verifies the result can be opened.
    """
    read_manifest(backup)
    keys_target = data_target.with_name(data_target.name + ".keys")
    data_target.parent.mkdir(parents=True, exist_ok=True)
    lock = CompanyLock(data_target)
    lock.acquire("restore")
    try:
        tmp_data = data_target.with_name(f".{data_target.name}.restore.tmp")
        tmp_keys = keys_target.with_name(f".{keys_target.name}.restore.tmp")
        audit_target = _anchor_of(data_target)
        tmp_audit = audit_target.with_name(f".{audit_target.name}.restore.tmp")
        try:
            with zipfile.ZipFile(backup) as zf:
                members = [(_DATA, tmp_data), (_KEYS, tmp_keys)]
                has_audit = _AUDIT in zf.namelist()
                if has_audit:
                    members.append((_AUDIT, tmp_audit))
                for member, tmp in members:
                    # Owner-only, as the key file Tidui writes (mkstemp) and the data file are.
                    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                    os.chmod(tmp, 0o600)
                    with zf.open(member) as src, os.fdopen(fd, "wb") as dst:
                        shutil.copyfileobj(src, dst)
                        dst.flush()
                        os.fsync(dst.fileno())
            if has_audit:
                os.replace(tmp_audit, audit_target)
            else:  # a backup from before anchoring: the target's anchor is not its anchor
                with contextlib.suppress(FileNotFoundError):
                    audit_target.unlink()
            os.replace(tmp_keys, keys_target)
            os.replace(tmp_data, data_target)
            fsync_dir(data_target.parent)
        finally:
            for tmp in (tmp_data, tmp_keys, tmp_audit):
                with contextlib.suppress(OSError):
                    tmp.unlink()
    except FileInUse:
        raise
    finally:
        lock.release()
