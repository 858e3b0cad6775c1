"""One writer per company file: an OS-level lock beside it, and a note saying who holds it.

The lock is an fcntl/msvcrt lock (through the ``filelock`` package) on ``NAME.tidui.lock``; the OS
drops it when the holder exits or crashes, so a stale lock never blocks anyone. Who holds it
(user, computer, process, since when) is written to ``NAME.tidui.lock.json`` so that a second
opener — another window or another PC on a shared folder — can be told whom to ask.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from core.errors import FileInUse


def lock_path(data_path: Path) -> Path:
    return data_path.with_name(data_path.name + ".lock")


def holder_path(data_path: Path) -> Path:
    return data_path.with_name(data_path.name + ".lock.json")


def read_holder(data_path: Path) -> dict[str, Any]:
    try:
        data = json.loads(holder_path(data_path).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


class CompanyLock:
    """Held while a company file is open; ``acquire`` raises FileInUse naming the holder."""

    def __init__(self, data_path: Path) -> None:
        self.data_path = data_path
        self._lock = FileLock(str(lock_path(data_path)), timeout=0, thread_local=False)

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def acquire(self, login: str = "") -> None:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            holder = read_holder(self.data_path)
            raise FileInUse(
                file=self.data_path.name,
                user=holder.get("login") or holder.get("os_user") or "?",
                host=holder.get("host") or "?",
                since=holder.get("since", "?"),
            ) from None
        except OSError as exc:
            raise FileInUse(file=self.data_path.name, user="?", host="?", since=str(exc)) from None
        info = {
            "login": login,
            "os_user": _os_user(),
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "since": datetime.now().strftime("%Y-%m-%d %H:%M"),
        }
        with contextlib.suppress(OSError):
            holder_path(self.data_path).write_text(
                json.dumps(info, ensure_ascii=False), encoding="utf-8"
            )

    def set_login(self, login: str) -> None:
        """Name the logged-in user once known (the lock is taken before the password is checked)."""
        info = read_holder(self.data_path)
        info["login"] = login
        with contextlib.suppress(OSError):
            holder_path(self.data_path).write_text(
                json.dumps(info, ensure_ascii=False), encoding="utf-8"
            )

    def release(self) -> None:
        if not self._lock.is_locked:
            return
        with contextlib.suppress(OSError):
            holder_path(self.data_path).unlink()
        self._lock.release(force=True)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""
