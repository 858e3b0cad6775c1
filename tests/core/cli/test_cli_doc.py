"""docs/cli.md is the CLI's source of truth: it and `tidui-cli --help` never drift apart.

Every command of the parser has a "### tidui-cli …" section naming each of its options, and every
section names a command the parser has.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from core.cli.main import build_parser

DOC = Path(__file__).resolve().parents[3] / "docs" / "cli.md"


def leaf_commands() -> dict[str, set[str]]:
    """'case act' -> its long options (without --help)."""
    found: dict[str, set[str]] = {}

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs and path:
            found[" ".join(path)] = {
                o
                for a in parser._actions
                for o in a.option_strings
                if o.startswith("--") and o != "--help"
            }
        for action in subs:
            for name, child in action.choices.items():
                walk(child, (*path, name))

    walk(build_parser(), ())
    return found


def sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^### tidui-cli (.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def test_every_command_and_option_is_documented() -> None:
    documented = sections()
    for command, options in leaf_commands().items():
        assert command in documented, f"docs/cli.md has no section for tidui-cli {command}"
        missing = sorted(o for o in options if o not in documented[command])
        assert not missing, f"tidui-cli {command}: {missing} not in docs/cli.md"


def test_every_documented_command_exists() -> None:
    commands = leaf_commands()
    stale = sorted(c for c in sections() if c not in commands)
    assert not stale, f"docs/cli.md documents commands tidui-cli does not have: {stale}"
