"""What every tidui-cli command shares: authentication options, password sources, JSON output."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from core.errors import TiduiError
from core.i18n import render
from core.session import AppSession


def add_file_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="company file (.tidui)")


def add_auth_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", default=None, help="login (default: the owner created by init)")
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )


def add_json_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable JSON on stdout")


def read_password(args: argparse.Namespace, login: str) -> str:
    env = os.environ.get("TIDUI_PASSWORD")
    if env is not None:
        return env
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise TiduiError("cli.no_password")
    return getpass.getpass(render("cli.password_prompt", {"login": login}))


def read_new_password(login: str) -> str:
    env = os.environ.get("TIDUI_NEW_PASSWORD")
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise TiduiError("cli.no_password")
    first = getpass.getpass(render("cli.new_password_prompt", {"login": login}))
    second = getpass.getpass(render("cli.new_password_repeat"))
    if first != second:
        raise TiduiError("password.mismatch")
    return first


def default_login(path: Path) -> str:
    """The first owner slot in the key file: the owner created by ``init``."""
    from core.storage.company_file import keys_path_for
    from core.storage.keyslots import KeyFile

    keyfile = KeyFile.load(keys_path_for(path))
    owners = [s.login for s in keyfile.slots if s.role == "owner"]
    return owners[0] if owners else (keyfile.slots[0].login if keyfile.slots else "")


def open_session(args: argparse.Namespace, warn: bool = True) -> AppSession:
    """Log in; what the log-in found wrong (e.g. a cut audit log) goes to stderr first
    (``warn=False`` for a command that reports it itself)."""
    from core.services.admin import auth

    path: Path = args.file
    if not path.exists():
        raise TiduiError("file.not_found", file=str(path))
    login = args.user or default_login(path)
    password = read_password(args, login)
    app = auth.log_in(path, login, password)
    if warn:
        for warning in app.warnings:
            print(warning.text(getattr(args, "lang", None)), file=sys.stderr)
    return app


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def print_line(code: str, **params: Any) -> None:
    print(render(code, params))
