"""Creating, opening and closing a company file: lock, key slots, encrypted engine, migrations.

A company file is ``NAME.tidui`` (SQLCipher 4 data) plus ``NAME.tidui.keys`` (key slots). Opening
never writes to the data file before the key is proven right: a wrong password leaves its bytes
and mtime untouched. Creating writes everything to temp files first and renames at the end, so an
interrupted creation leaves nothing half-made behind.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.errors import CompanyFileError, CorruptFile, SchemaTooNew, WrongPassword
from core.storage import backup as backups
from core.storage.atomic import fsync_dir
from core.storage.database import check_readable, make_engine, session_factory
from core.storage.keyslots import KeyFile, format_recovery_key, new_file_key, parse_recovery_key
from core.storage.lock import CompanyLock
from core.storage.migrations import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Migration,
    create_schema,
    migrate,
    pending,
    read_meta,
)
from core.storage.paths import FILE_SUFFIX, keys_path_for

__all__ = [
    "FILE_SUFFIX",
    "OpenFile",
    "create",
    "keys_path_for",
    "open_with_password",
    "open_with_recovery_key",
]


@dataclass
class OpenFile:
    """An unlocked, locked-for-writing company file. Close it when done."""

    path: Path
    key: bytes = field(repr=False)
    keyfile: KeyFile
    engine: Engine
    lock: CompanyLock
    sessions: sessionmaker[Session] = field(init=False)
    migrated: list[Migration] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sessions = session_factory(self.engine)

    @property
    def keys_path(self) -> Path:
        return keys_path_for(self.path)

    @property
    def file_id(self) -> str:
        return self.keyfile.file_id

    def recovery_key(self) -> str:
        return format_recovery_key(self.key)

    def save_keys(self) -> None:
        self.keyfile.save(self.keys_path)

    def backup(self, dest_dir: Path | None = None, reason: str = "manual") -> Path:
        with self.engine.connect() as conn:
            version = int(read_meta(conn).get("schema_version", "0"))
        made = backups.make_backup(
            self.path, self.keys_path, self.engine, dest_dir, reason, version
        )
        if reason != "manual":
            backups.rotate(made.parent, self.path.stem)
        return made

    def close(self, backup: bool = False) -> Path | None:
        made = None
        try:
            if backup:
                made = self.backup(reason="close")
        finally:
            self.engine.dispose()
            self.lock.release()
        return made


Populate = Callable[[Session], None]


def create(
    path: Path,
    populate: Populate,
    owner_login: str,
    owner_role: str,
    owner_password: str,
) -> OpenFile:
    """Create ``path`` (+ .keys). ``populate`` fills the new schema inside the creating transaction.

    The recovery key is ``result.recovery_key()``: show it once, then forget it.
    """
    path = Path(path)
    keys = keys_path_for(path)
    if path.exists() or keys.exists():
        raise CompanyFileError("file.exists", file=str(path))
    if not path.parent.is_dir():
        raise CompanyFileError("file.no_folder", folder=str(path.parent))
    lock = CompanyLock(path)
    lock.acquire(owner_login)
    tmp_data = path.with_name(f".{path.name}.creating")
    engine: Engine | None = None
    try:
        key = new_file_key()
        file_id = uuid.uuid4().hex
        keyfile = KeyFile.new(file_id, key)
        keyfile.set_slot(owner_login, owner_role, owner_password, key)
        with contextlib.suppress(FileNotFoundError):
            tmp_data.unlink()
        engine = make_engine(tmp_data, key)
        with engine.begin() as conn:
            create_schema(conn, file_id)
        with session_factory(engine)() as session, session.begin():
            populate(session)
        engine.dispose()
        keyfile.save(keys)
        os.replace(tmp_data, path)
        fsync_dir(path.parent)
    except BaseException:
        if engine is not None:
            engine.dispose()
        with contextlib.suppress(OSError):
            tmp_data.unlink()
        if not path.exists():
            with contextlib.suppress(OSError):
                keys.unlink()
        lock.release()
        raise
    return OpenFile(path=path, key=key, keyfile=keyfile, engine=make_engine(path, key), lock=lock)


def _open_with_key(
    path: Path,
    keyfile: KeyFile,
    key: bytes,
    lock: CompanyLock,
    migrations: list[Migration] | None = None,
) -> OpenFile:
    engine = make_engine(path, key)
    try:
        check_readable(engine, path.name)
    except WrongPassword:
        # The key came from an authenticated slot, so a failed read means the data is damaged
        # (or the .keys file belongs to another company file).
        raise CorruptFile("file.data_corrupt", file=path.name) from None
    steps = MIGRATIONS if migrations is None else migrations
    known = max([SCHEMA_VERSION, *(m.version for m in steps)])
    with engine.connect() as conn:
        meta = read_meta(conn)
    if not meta:
        engine.dispose()
        raise CorruptFile("file.data_corrupt", file=path.name)
    if meta.get("file_id") != keyfile.file_id:
        engine.dispose()
        raise CorruptFile("file.keys_mismatch", file=path.name)
    version = int(meta.get("schema_version", "0"))
    if version > known:
        engine.dispose()
        raise SchemaTooNew(file=path.name, version=version, known=known)
    opened = OpenFile(path=path, key=key, keyfile=keyfile, engine=engine, lock=lock)
    if pending(version, steps):
        try:
            opened.backup(reason=f"before-migration-v{version}")
            opened.migrated = migrate(engine, steps)
        except BaseException:
            engine.dispose()
            raise
    return opened


def _check_paths(path: Path) -> Path:
    path = Path(path)
    if not path.exists():
        raise CompanyFileError("file.not_found", file=str(path))
    if path.is_dir():
        raise CompanyFileError("file.is_folder", file=str(path))
    return path


def open_with_password(
    path: Path, login: str, password: str, migrations: list[Migration] | None = None
) -> OpenFile:
    path = _check_paths(path)
    keyfile = KeyFile.load(keys_path_for(path))
    lock = CompanyLock(path)
    lock.acquire(login)
    try:
        key = keyfile.unlock(login, password)
        return _open_with_key(path, keyfile, key, lock, migrations)
    except BaseException:
        lock.release()
        raise


def open_with_recovery_key(path: Path, recovery_key: str) -> OpenFile:
    """Open with the printed recovery key (the raw file key), e.g. to set a new owner password."""
    path = _check_paths(path)
    key = parse_recovery_key(recovery_key)
    keys = keys_path_for(path)
    lock = CompanyLock(path)
    lock.acquire("recovery")
    try:
        try:
            keyfile = KeyFile.load(keys)
            keyfile.check_key(key)
        except CorruptFile:
            # The key file is gone or damaged: the recovery key alone still opens the data.
            keyfile = KeyFile.new("", key)
            engine = make_engine(path, key)
            try:
                check_readable(engine, path.name)
                with engine.connect() as conn:
                    keyfile = KeyFile.new(read_meta(conn).get("file_id", ""), key)
            finally:
                engine.dispose()
        return _open_with_key(path, keyfile, key, lock)
    except BaseException:
        lock.release()
        raise
