"""Writing a file so that a crash leaves either the old or the new content, never half of either."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Protocol

from core.errors import DiskFull

_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}


def is_disk_full(error: BaseException) -> bool:
    """An OSError for a full disk or quota, or SQLite's SQLITE_FULL (through SQLAlchemy)."""
    seen: BaseException | None = error
    for _ in range(4):
        if seen is None:
            return False
        if isinstance(seen, OSError) and seen.errno in _FULL_ERRNOS:
            return True
        if "database or disk is full" in str(getattr(seen, "orig", seen)):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def disk_full(folder: Path) -> DiskFull:
    return DiskFull(folder=str(folder))


def fsync_dir(folder: Path) -> None:
    """Make a rename durable; directories cannot be opened on Windows, where NTFS journals it."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temp file beside ``path``, fsync, then rename over it."""
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if is_disk_full(error):
            raise disk_full(folder) from error
        raise
    fsync_dir(folder)


class _Saveable(Protocol):
    def save(self, filename: BinaryIO) -> object: ...


def save_workbook(workbook: _Saveable, path: Path) -> None:
    """Save an openpyxl workbook (or anything with ``save(file)``) with ``write_atomic``: an
    export interrupted half-way, or failing on a full disk, never leaves a broken .xlsx where
    the user's previous file was."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_atomic(Path(path), buffer.getvalue())


def write_zip_atomic(path: Path, members: Iterable[tuple[str, bytes]]) -> None:
    """A .zip of ``members`` (name, data), deflated, written with ``write_atomic``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in members:
            bundle.writestr(name, data)
    write_atomic(Path(path), buffer.getvalue())
