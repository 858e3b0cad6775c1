"""The demo company for the promotion viewmodel tests: one file made per module, copied per test."""

from __future__ import annotations

import shutil
from pathlib import Path

from core.services import demo
from core.services.admin import auth
from core.session import AppSession

PASSWORD = "tidui-demo"


def make_demo(folder: Path) -> Path:
    path = folder / "demo.tidui"
    demo.create_demo(path, with_cases=False)  # the tests walk their own cases
    return path


def copy_demo(source: Path, folder: Path) -> Path:
    path = folder / "demo.tidui"
    shutil.copy(source, path)
    shutil.copy(str(source) + ".keys", str(path) + ".keys")
    return path


def as_user(app: AppSession, login: str) -> AppSession:
    """Another account on the same open file (as after 锁定 and logging in again)."""
    return auth.unlock_again(app, login, PASSWORD)
