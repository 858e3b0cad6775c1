"""Writing a file so that a crash leaves either the old or the new content, never half of either."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Protocol


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
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
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
