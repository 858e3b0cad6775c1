"""tidui-cli: the same core driven from a shell (contract in docs/cli.md).

The contract is docs/cli.md (tests/core/cli/test_cli_doc.py keeps it in step with the parser).
Exit codes: 0 success, 1 a user-facing error (one clear line on stderr in the chosen language),
2 a usage error. Each command lives in core/cli/commands/<name>.py and exposes
``register(subparsers)``, adding its sub-parser with ``set_defaults(run=<function(args) -> int>)``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from core import i18n
from core.errors import DiskFull, TiduiError

# Command modules in the order they appear in --help; a module absent from this build is skipped.
COMMAND_MODULES = [
    "init",
    "user",
    "import_",
    "undo_import",
    "ladder",
    "eligibility",
    "dashboard",
    "cycle",
    "case",
    "report",
    "export",
    "backup",
    "verify",
    "recover",
    "demo",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors exit 2, as argparse does
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tidui-cli", description="Tidui 梯队 command line")
    parser.add_argument("--lang", choices=list(i18n.LANGUAGES), default=None)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"core.cli.commands.{name}").register(sub)
    return parser


def _language_from(argv: Sequence[str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return i18n.DEFAULT_LANGUAGE


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # --lang may appear anywhere (before or after the command); pull it out first.
    lang = _language_from(args_list)
    i18n.set_language(lang)
    cleaned: list[str] = []
    skip = False
    for i, arg in enumerate(args_list):
        if skip:
            skip = False
            continue
        if arg == "--lang":
            skip = i + 1 < len(args_list)
            continue
        if arg.startswith("--lang="):
            continue
        cleaned.append(arg)
    parser = build_parser()
    args = parser.parse_args(cleaned)
    args.lang = lang
    try:
        code: int = args.run(args)
        return code
    except TiduiError as err:
        print(err.text(lang), file=sys.stderr)
        return 1
    except BrokenPipeError:  # before OSError, of which it is one
        # the reader went away (`tidui-cli … --json | head`): the work is done, say nothing more
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as err:
        from core.storage.atomic import is_disk_full

        if not is_disk_full(err):
            raise
        print(DiskFull(folder=str(err.filename or "")).text(lang), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
