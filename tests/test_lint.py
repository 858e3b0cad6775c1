"""The code stays as the style guide says: ruff clean and formatted, and mypy clean where typing is
required (the same checks as .pre-commit-config.yaml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    return shutil.which(name) or str(Path(sys.executable).with_name(name))


def test_ruff_is_clean() -> None:
    out = subprocess.run(
        [_tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stdout[-3000:]


def test_ruff_format_is_clean() -> None:
    out = subprocess.run(
        [_tool("ruff"), "format", "--check", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout[-3000:]


def test_mypy_is_clean_on_core_viewmodels_and_views() -> None:
    out = subprocess.run(
        [_tool("mypy"), "core", "desktop/viewmodels", "desktop/views"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stdout[-3000:]
