"""Crash reports and support logs that can be sent to anyone: nothing secret or personal in them.

An unexpected error becomes a plain-text report (what Tidui was, where it failed, the redacted
traceback) written to the log folder; the desktop shows it in a dialog to copy. Everything that
reaches the report or the rotating log goes through ``redact``: the user's home folder and name,
e-mail addresses, phone and ID-card numbers, long numbers, hex/base64 secrets (keys, recovery
keys, hashes), ``password=...``-style pairs, SQL parameters, quoted values and Chinese text (names
of people, companies and files) are replaced. Frames keep file, line and function names, which is
what support needs. No locals, no environment, no settings are ever included.
"""

from __future__ import annotations

import getpass
import logging
import os
import platform
import re
import sys
import traceback
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Protocol

from core import __version__

log = logging.getLogger("tidui")


class _EmailRule:
    """``[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+`` with the same matches as ``re.sub`` finds, in linear time.

    Searched plainly, the pattern is tried from every letter of a long word and rescans the
    word's rest each time (a 40,000-letter line took 4 s). An address can only start where a run
    of address characters starts, or right where the address before it ended (``1@a.b.@c.d`` is
    two): so the search starts only at run starts, and after each address one anchored try is
    made at its end.
    """

    _ANY = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
    _AT_RUN_START = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(\.[\w-]+)+")

    def sub(self, replacement: str, text: str) -> str:
        parts: list[str] = []
        position = 0
        while (found := self._AT_RUN_START.search(text, position)) is not None:
            parts += (text[position : found.start()], replacement)
            position = found.end()
            while (next_one := self._ANY.match(text, position)) is not None:
                parts.append(replacement)
                position = next_one.end()
        if not parts:
            return text
        parts.append(text[position:])
        return "".join(parts)


class _Rule(Protocol):
    def sub(self, replacement: str, text: str) -> str: ...


_RULES: list[tuple[_Rule, str]] = [
    # SQLAlchemy appends the statement's values: they are the user's data.
    (re.compile(r"\[parameters: .*?\](?=\s*(\(|$))", re.S), "[parameters: <hidden>]"),
    (
        re.compile(
            r"(?i)\b(password|passwd|pwd|passphrase|secret|token|key|pragma key)\b(\s*[=:]\s*)\S+"
        ),
        r"\1\2<hidden>",
    ),
    (_EmailRule(), "<email>"),
    (re.compile(r"\b\d{17}[\dXx]\b|\b\d{15}\b"), "<id-number>"),
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "<phone>"),
    # recovery keys (8 groups of 8 hex digits) and any long hex run: keys, hashes, pseudonyms
    (re.compile(r"\b[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4,})+\b"), "<hex>"),
    (re.compile(r"(?<![0-9a-zA-Z])(?:x')?[0-9a-fA-F]{16,}'?(?![0-9a-zA-Z])"), "<hex>"),
    (re.compile(r"(?<![\d.])\d{7,}(?![\d.])"), "<number>"),
    # base64-like tokens: letters and digits, no path or word separators
    (
        re.compile(
            r"(?<![\w/\\.-])(?=[A-Za-z0-9+]*\d)(?=[A-Za-z0-9+]*[A-Za-z])[A-Za-z0-9+]{32,}={0,2}"
        ),
        "<secret>",
    ),
    # quoted values in messages ('王芳', "abc123"), then any Chinese left (names, files)
    (re.compile(r"'[^'\n]{1,200}'"), "'<text>'"),
    (re.compile(r'(?<!File )"[^"\n]{1,200}"'), '"<text>"'),  # not a traceback's file name
    # (an ASCII placeholder: redacting a redacted text changes nothing, and no Chinese is left)
    (re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+"), "<chinese>"),
]


def redact(text: str, home: str | None = None, user: str | None = None) -> str:
    """``text`` with everything secret or personal replaced (see the module docstring)."""
    home = str(Path.home()) if home is None else home
    if user is None:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):  # no user name on this system (containers)
            user = ""
    for folder in {home, home.replace("\\", "/")}:
        if len(folder) > 3:
            text = text.replace(folder, "~")
    if len(user) >= 3:
        text = re.sub(re.escape(user), "<user>", text, flags=re.I)
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def crash_report(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    context: Mapping[str, str] | None = None,
) -> str:
    """The redacted, copyable report of one unexpected error."""
    lines = [
        "Tidui crash report",
        f"version: {__version__}",
        f"time (UTC): {datetime.now(UTC).strftime('%Y-%m-%d %H:%M:%S')}",
        f"frozen: {'yes' if getattr(sys, 'frozen', False) else 'no'}",
        f"python: {platform.python_version()}",
        f"system: {platform.system()} {platform.release()} ({platform.machine()})",
    ]
    lines += [f"{name}: {value}" for name, value in (context or {}).items()]
    lines += ["", "".join(traceback.format_exception(exc_type, exc, tb)).rstrip()]
    return redact("\n".join(lines)) + "\n"


def write_report(folder: Path, report: str) -> Path:
    """Save ``report`` as ``crash-<time>.txt`` in ``folder`` (kept: the last 20)."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    path = folder / f"crash-{stamp}.txt"
    path.write_text(report, encoding="utf-8")
    for old in sorted(folder.glob("crash-*.txt"))[:-20]:
        old.unlink(missing_ok=True)
    return path


class RedactingFormatter(logging.Formatter):
    """A formatter for the support log: the formatted record (and its traceback) redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


_report_folder: Path | None = None


def configure(report_folder: Path | None) -> None:
    """Where ``record_unexpected`` saves reports (the desktop's log folder); None: only log."""
    global _report_folder
    _report_folder = report_folder


def record_unexpected(exc: BaseException, where: str) -> Path | None:
    """Log an unexpected error caught by a safety net (background jobs) and save its report."""
    log.error("unexpected error in %s", where, exc_info=(type(exc), exc, exc.__traceback__))
    if _report_folder is None:
        return None
    try:
        report = crash_report(type(exc), exc, exc.__traceback__, {"where": where})
        return write_report(_report_folder, report)
    except OSError:
        return None


def environment_summary() -> str:
    """One line for the top of the log at start-up (no paths, no user names)."""
    return (
        f"Tidui {__version__} starting; frozen={bool(getattr(sys, 'frozen', False))}; "
        f"python {platform.python_version()}; {platform.system()} {platform.release()}; "
        f"pid {os.getpid()}"
    )
