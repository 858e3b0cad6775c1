"""`tidui --demo --smoke-quit-after N` (what CI runs under xvfb-run on xcb) starts, logs in, quits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    return subprocess.run(
        [sys.executable, "-m", "desktop.app", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_demo_starts_logs_in_and_quits_cleanly(tmp_path: Path) -> None:
    done = _run(tmp_path, "--demo", "--smoke-quit-after", "0.5")
    assert done.returncode == 0, done.stderr
    assert "smoke: main window shown" in done.stdout
    demo = next((tmp_path / "data" / "Tidui").glob("*.tidui"))
    assert not demo.with_name(demo.name + ".lock.json").exists()  # closed, not killed
    assert any(demo.parent.glob("*.backups/*"))  # closing made its automatic backup


def test_without_the_demo_it_shows_the_start_window_and_quits(tmp_path: Path) -> None:
    done = _run(tmp_path, "--smoke-quit-after", "0.2")
    assert done.returncode == 0, done.stderr
