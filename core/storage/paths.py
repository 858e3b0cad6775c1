"""Where the pieces of a company file live (kept import-light: the log-in window needs it early)."""

from __future__ import annotations

from pathlib import Path

FILE_SUFFIX = ".tidui"


def keys_path_for(data_path: Path) -> Path:
    return data_path.with_name(data_path.name + ".keys")
