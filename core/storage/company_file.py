"""Creating, opening and closing a company file: lock, key slots, encrypted engine, migrations.

A company file is ``NAME.tidui`` (SQLCipher 4 data) plus ``NAME.tidui.keys`` (key slots). Opening
never writes to the data file before the key is proven right: a wrong password leaves its bytes
and mtime untouched. Creating writes everything to temp files first and renames at the end, so an
interrupted creation leaves nothing half-made behind.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from core.errors import (
    CompanyFileError,
    CorruptFile,
    SchemaTooNew,
    UnknownUser,
    WrongPassword,
)
from core.i18n import Message
from core.model import FileMeta
from core.progress import NO_PROGRESS, Progress
from core.storage import anchor as anchors
from core.storage import backup as backups
from core.storage.anchor import ANCHOR_SUFFIX
from core.storage.atomic import fsync_dir, write_atomic
from core.storage.database import check_readable, damage, make_engine, rekey, session_factory
from core.storage.keyslots import (
    KeyFile,
    copy_slot,
    format_recovery_key,
    new_file_key,
    parse_recovery_key,
)
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

# file_meta key: the generation of the key file the last committed change expects.
KEYS_GENERATION = "keys_generation"

__all__ = [
    "FILE_SUFFIX",
    "OpenFile",
    "create",
    "keys_path_for",
    "open_with_password",
    "open_with_recovery_key",
]


def recorded_count(meta: dict[str, str]) -> int | None:
    """The data file's own record of how many audit entries it had at its last anchored
    change (None for a file from before it was kept, or a value that is not a count)."""
    value = meta.get(anchors.COUNT_META, "")
    return int(value) if value.isdigit() else None


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
    # The audit chain's anchor (core/storage/anchor.py), as found at open: the data's head, and
    # why it does not match the anchor (None when it does, or for a file never anchored yet).
    audit_head: anchors.Head = field(default=anchors.EMPTY)
    anchor_finding: anchors.Finding | None = None
    anchor_flagged: bool = False
    _anchor_next: anchors.Head | None = field(default=None, repr=False)
    _intact: bool = field(default=False, repr=False)  # check_intact passed in this session
    # The signing seed of the account whose password opened the file (None: a slot from
    # before signing, or opened with the recovery key); the log-in turns it into a Signer.
    signing_seed: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.sessions = session_factory(self.engine)

    # -- the audit chain's anchor -------------------------------------------------------------

    def examine_anchor(self) -> None:
        """Compare the audit chain with its anchor (at open); settle a commit a crash
        interrupted (the data matches one of the anchor's two heads)."""
        try:
            with self.engine.connect() as conn:
                meta = read_meta(conn)
                self.anchor_flagged = meta.get(anchors.ANCHORED_META) == "1"
                head, anchor, matched, finding = anchors.examine(
                    conn,
                    self.path,
                    self.key,
                    self.file_id,
                    self.anchor_flagged,
                    recorded_count(meta),
                )
        except DatabaseError:
            self.anchor_finding = anchors.Finding("unreadable")
            return
        self.audit_head, self.anchor_finding = head, finding
        if anchor is not None and matched is not None and anchor.next is not None:
            with contextlib.suppress(OSError):
                anchors.write(self.path, self.key, anchors.Anchor(self.file_id, matched))

    def stage_anchor(self, session: Session) -> anchors.Head | None:
        """Before a commit that added audit entries: write the anchor with both the current
        head and the one the commit makes. Nothing when the anchor did not match at open (the
        evidence stays until the owner acts) or no entry was added."""
        if self.anchor_finding is not None:
            return None
        session.flush()
        new = anchors.db_head(session)
        if new == self.audit_head:
            return None
        if not self.anchor_flagged:
            session.merge(FileMeta(key=anchors.ANCHORED_META, value="1"))
        # the data's own record of its chain, so an older copy put back is told from a cut tail
        session.merge(FileMeta(key=anchors.COUNT_META, value=str(new.count)))
        session.flush()
        anchors.write(self.path, self.key, anchors.Anchor(self.file_id, self.audit_head, new))
        self._anchor_next = new
        return new

    def finish_anchor(self, new: anchors.Head) -> None:
        """After the commit: the anchor names the new head only. A failure here (a full disk)
        leaves the two-head anchor, which still matches; the next open settles it."""
        self.audit_head, self.anchor_flagged, self._anchor_next = new, True, None
        with contextlib.suppress(OSError):
            anchors.write(self.path, self.key, anchors.Anchor(self.file_id, new))

    def abandon_anchor(self) -> None:
        """The commit failed: the anchor names the unchanged head again."""
        if self._anchor_next is None:
            return
        self._anchor_next = None
        if self.anchor_flagged or self.audit_head != anchors.EMPTY:
            with contextlib.suppress(OSError):
                anchors.write(self.path, self.key, anchors.Anchor(self.file_id, self.audit_head))

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

    # -- changing the key file together with the data -------------------------------------
    # A change to the slots (a user added, a password reset, a re-key) is staged as
    # NAME.tidui.keys.pending and its generation recorded in ``session`` with the change
    # itself; after the commit the staged file becomes the key file. A crash before the
    # commit leaves a staged file the data does not expect (dropped at the next open); a
    # crash after it, one it does expect (finished at the next open): both or neither.

    def stage_keys(self, session: Session, staged: KeyFile) -> KeyFile:
        """Write ``staged`` (as the next generation) beside the key file and record its
        generation in ``session``'s transaction; then commit, then ``promote_keys``."""
        staged.generation = self.keyfile.generation + 1
        write_atomic(staged_keys_path(self.path), staged.to_bytes())
        session.merge(FileMeta(key=KEYS_GENERATION, value=str(staged.generation)))
        session.flush()
        return staged

    def promote_keys(self, staged: KeyFile) -> None:
        """After the commit: the staged key file becomes the key file (without any re-key
        journal: the new key must not stay readable with the old one)."""
        self.keyfile = _final(staged)
        self.save_keys()
        with contextlib.suppress(FileNotFoundError):
            staged_keys_path(self.path).unlink()

    def drop_staged_keys(self) -> None:
        """The commit failed: the staged key file must never be promoted."""
        with contextlib.suppress(OSError):
            staged_keys_path(self.path).unlink()

    def rekey(self, new_key: bytes) -> None:
        """Re-encrypt the data under ``new_key`` (after the change staging it committed); the
        audit anchor is re-authenticated first (idempotent, so a crash may repeat it)."""
        anchors.remac(self.path, self.key, new_key)
        rekey(self.engine, new_key)
        self.engine = make_engine(self.path, new_key)
        self.sessions = session_factory(self.engine)
        self.key = new_key

    def check_intact(self, *, again: bool = False) -> None:
        """Refuse to write into or back up a file whose pages fail their cipher check: a
        damaged file must not spread into new data or push good backups out of rotation.

        The whole file is read once per session (1.6 s for three years of orders): after that
        the file has been under this session's lock, written only by it, and SQLCipher checks
        the HMAC of every page a write reads, so a write refuses a damaged page it touches all
        the same; an import then costs what the month costs, not what the file's years do.
        ``again`` reads every page anyway (backups, which must never copy a damaged file).
        """
        if self._intact and not again:
            return
        found = damage(self.engine)
        if found:
            raise CorruptFile("file.damaged", file=self.path.name, detail="; ".join(found[:3]))
        self._intact = True

    def backup(self, dest_dir: Path | None = None, reason: str = "manual") -> Path:
        with self.engine.connect() as conn:
            version = int(read_meta(conn).get("schema_version", "0"))
        # every page is checked again, beside the copy (make_backup keeps the zip only if it passes)
        made = backups.make_backup(
            self.path,
            self.keys_path,
            self.engine,
            dest_dir,
            reason,
            version,
            check=lambda: self.check_intact(again=True),
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


def staged_keys_path(data_path: Path) -> Path:
    keys = keys_path_for(data_path)
    return keys.with_name(keys.name + ".pending")


def _final(staged: KeyFile) -> KeyFile:
    final = KeyFile(
        file_id=staged.file_id,
        slots=[copy_slot(slot) for slot in staged.slots],
        recovery_check=staged.recovery_check,
        created=staged.created,
        generation=staged.generation,
    )
    return final


def restore_journal_path(data_path: Path) -> Path:
    return data_path.with_name(f".{data_path.name}.restore-journal")


def finish_restore(path: Path) -> None:
    """Carry out (or finish, after a kill) the renames a restore journaled: the staged anchor,
    key file and data file onto ``path``'s trio, in that order; idempotent (a rename whose source
    is gone was done). Only renames from a ``.restore-`` staging name onto the trio's own names
    are honoured, so a planted journal cannot move other files. Called holding ``path``'s lock."""
    journal = restore_journal_path(path)
    try:
        moves = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError):
        moves = []
    folder = path.parent
    trio = {path.name, keys_path_for(path).name, anchors.anchor_path(path).name}
    if not isinstance(moves, list):
        moves = []
    for move in moves:
        if not (
            isinstance(move, list) and len(move) == 2 and all(isinstance(m, str) for m in move)
        ):
            continue
        source, target = move
        if target not in trio or (source and not source.startswith(".restore-")):
            continue
        if not source:  # the backup had no anchor: the old one is not the restored file's
            with contextlib.suppress(FileNotFoundError):
                (folder / target).unlink()
        elif (folder / source).exists():
            os.replace(folder / source, folder / target)
    fsync_dir(folder)
    with contextlib.suppress(FileNotFoundError):
        journal.unlink()
    fsync_dir(folder)


def clean_leftovers(path: Path) -> None:
    """Temp files killed runs left beside ``path`` (called holding its lock): half-written key
    files, restore copies and full-size restore staging pairs no restore is still using. A
    restore killed between its renames is finished first."""
    finish_restore(path)
    folder = path.parent
    name = path.name
    keys = keys_path_for(path).name
    audit = anchors.anchor_path(path).name
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        leftover = entry.name
        temp = leftover.endswith(".tmp") and (
            leftover.startswith(f".{keys}.") or leftover.startswith(f".{audit}.")
        )
        if temp or leftover in (
            f".{name}.restore.tmp",
            f".{keys}.restore.tmp",
            f".{name}.creating",
        ):
            with contextlib.suppress(OSError):
                entry.unlink()
    stagings = set()
    for piece in folder.glob(".restore-*"):
        base = piece.name
        for suffix in (".lock.json", ".lock", ".keys", ANCHOR_SUFFIX):
            if base.endswith(suffix) and not base.endswith(f"-{name}"):
                base = base[: -len(suffix)]
                break
        if base.endswith(f"-{name}"):  # a killed restore's staging trio, or only its lock
            stagings.add(folder / base)
    for staging in sorted(stagings):
        staging_lock = CompanyLock(staging)
        try:
            staging_lock.acquire("cleanup")
        except Exception:  # a restore in progress holds it
            continue
        try:
            for piece in folder.glob(f"{glob.escape(staging.name)}*"):
                if piece.name != f"{staging.name}.lock":
                    with contextlib.suppress(OSError):
                        piece.unlink()
        finally:
            staging_lock.release()
        with contextlib.suppress(OSError):
            Path(f"{staging}.lock").unlink()


def _load_staged(path: Path) -> KeyFile | None:
    try:
        return KeyFile.load(staged_keys_path(path))
    except CorruptFile:
        return None  # missing, or torn: a torn staged file belongs to no committed change


def _settle_keys(
    path: Path, engine: Engine, key: bytes, keyfile: KeyFile, meta: dict[str, str]
) -> tuple[KeyFile, Engine, bytes]:
    """Finish or drop a key-file change a crash interrupted (see ``OpenFile.stage_keys``)."""
    staged_path = staged_keys_path(path)
    if not staged_path.exists():
        return keyfile, engine, key
    staged = _load_staged(path)
    try:
        expected = int(meta.get(KEYS_GENERATION, "0"))
    except ValueError:
        expected = -1
    if (
        staged is None
        or staged.file_id != keyfile.file_id
        or staged.generation != expected
        or keyfile.generation == expected
    ):
        with contextlib.suppress(OSError):
            staged_path.unlink()
        return keyfile, engine, key
    if staged.rekey is not None and not staged.is_key(key):
        # committed, but the data is still under the old key: finish the re-key
        new_key = staged.rekey_target(key)
        anchors.remac(path, key, new_key)
        rekey(engine, new_key)
        engine = make_engine(path, new_key)
        key = new_key
    final = _final(staged)
    final.save(keys_path_for(path))
    with contextlib.suppress(OSError):
        staged_path.unlink()
    return final, engine, key


def create(
    path: Path,
    populate: Populate,
    owner_login: str,
    owner_role: str,
    owner_password: str,
    owner_signing: bytes | None = None,
) -> OpenFile:
    """Create ``path`` (+ .keys). ``populate`` fills the new schema inside the creating transaction;
    ``owner_signing``: the owner's signing seed, wrapped in their slot (populate signs with it).

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
        keyfile.set_slot(owner_login, owner_role, owner_password, key, owner_signing)
        with contextlib.suppress(FileNotFoundError):
            tmp_data.unlink()
        engine = make_engine(tmp_data, key)
        with engine.begin() as conn:
            create_schema(conn, file_id)
        with session_factory(engine)() as session, session.begin():
            populate(session)
            head = anchors.db_head(session)
            if head != anchors.EMPTY:
                session.merge(FileMeta(key=anchors.ANCHORED_META, value="1"))
                session.merge(FileMeta(key=anchors.COUNT_META, value=str(head.count)))
        engine.dispose()
        keyfile.save(keys)
        if head != anchors.EMPTY:
            anchors.write(path, key, anchors.Anchor(file_id, head))
        os.replace(tmp_data, path)
        fsync_dir(path.parent)
    except BaseException:
        if engine is not None:
            engine.dispose()
        with contextlib.suppress(OSError):
            tmp_data.unlink()
        if not path.exists():
            for made in (keys, anchors.anchor_path(path)):
                with contextlib.suppress(OSError):
                    made.unlink()
        lock.release()
        raise
    opened = OpenFile(path=path, key=key, keyfile=keyfile, engine=make_engine(path, key), lock=lock)
    opened.signing_seed = owner_signing
    opened.examine_anchor()
    return opened


def _open_with_key(
    path: Path,
    keyfile: KeyFile,
    key: bytes,
    lock: CompanyLock,
    migrations: list[Migration] | None = None,
    progress: Progress = NO_PROGRESS,
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
    try:
        keyfile, engine, key = _settle_keys(path, engine, key, keyfile, meta)
    except BaseException:
        engine.dispose()
        raise
    version = int(meta.get("schema_version", "0"))
    if version > known:
        engine.dispose()
        raise SchemaTooNew(file=path.name, version=version, known=known)
    opened = OpenFile(path=path, key=key, keyfile=keyfile, engine=engine, lock=lock)
    opened.examine_anchor()
    if pending(version, steps):
        try:
            # a file from an older Tidui: backed up, then upgraded (seconds for years of orders)
            progress.step(0, 2, Message("file.upgrading.backup", {"file": path.name}))
            opened.backup(reason=f"before-migration-v{version}")
            progress.step(1, 2, Message("file.upgrading", {"file": path.name}))
            opened.migrated = migrate(engine, steps)
        except BaseException:
            engine.dispose()
            raise
    return opened


def _check_paths(path: Path) -> Path:
    path = Path(path)
    if restore_journal_path(path).exists():
        # a restore killed between its renames: finish it before reading any of the trio
        lock = CompanyLock(path)
        lock.acquire("restore")
        try:
            finish_restore(path)
        finally:
            lock.release()
    if not path.exists():
        raise CompanyFileError("file.not_found", file=str(path))
    if path.is_dir():
        raise CompanyFileError("file.is_folder", file=str(path))
    return path


def open_with_password(
    path: Path,
    login: str,
    password: str,
    migrations: list[Migration] | None = None,
    progress: Progress = NO_PROGRESS,
) -> OpenFile:
    """Open with an account's password; ``progress`` hears of an upgrade of an older file."""
    path = _check_paths(path)
    keyfile = KeyFile.load(keys_path_for(path))
    lock = CompanyLock(path)
    lock.acquire(login)
    try:
        clean_leftovers(path)
        staged = _load_staged(path) if staged_keys_path(path).exists() else None
        refused: BaseException | None = None
        try:
            key, seed = keyfile.open_slot(login, password)
        except (UnknownUser, WrongPassword) as error:
            # The account may be in a staged key file whose change committed before a crash.
            if staged is None or staged.file_id != keyfile.file_id:
                raise
            refused = error
            key, seed = _unlock_or(staged, login, password, error)
        try:
            opened = _open_with_key(path, keyfile, key, lock, migrations, progress)
        except CorruptFile as error:
            # A re-key may have reached the data before a crash kept its key file staged.
            if error.code != "file.data_corrupt" or staged is None:
                raise
            new_key, seed = _unlock_or(staged, login, password, error)
            if new_key == key:
                raise
            opened = _open_with_key(path, keyfile, new_key, lock, migrations, progress)
        if refused is not None and opened.keyfile is keyfile:
            # only the staged key file knew this password, and its change never committed
            opened.engine.dispose()
            raise refused
        if opened.keyfile is not keyfile:
            # The key file changed while opening: the password must open the settled one.
            try:
                again, seed = opened.keyfile.open_slot(login, password)
            except BaseException:
                opened.engine.dispose()
                raise
            if again != opened.key:
                opened.engine.dispose()
                raise WrongPassword(login=login)
        opened.signing_seed = seed
        return opened
    except BaseException:
        lock.release()
        raise


def _unlock_or(
    staged: KeyFile, login: str, password: str, error: BaseException | None = None
) -> tuple[bytes, bytes | None]:
    try:
        return staged.open_slot(login, password)
    except (UnknownUser, WrongPassword, CorruptFile):
        if error is not None:
            raise error from None
        raise


def open_with_recovery_key(path: Path, recovery_key: str) -> OpenFile:
    """Open with the printed recovery key (the raw file key), e.g. to set a new owner password."""
    path = _check_paths(path)
    key = parse_recovery_key(recovery_key)
    keys = keys_path_for(path)
    lock = CompanyLock(path)
    lock.acquire("recovery")
    try:
        clean_leftovers(path)
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
