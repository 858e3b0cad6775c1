"""tidui-cli init: create an encrypted company file and print its recovery key once."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from core.cli.common import print_json, print_line, read_new_password


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("init", help="create a company file")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--company", required=True, help="company name")
    p.add_argument("--owner", required=True, help="owner login")
    p.add_argument("--owner-name", default=None, help="owner display name")
    p.add_argument("--template", choices=["home", "beauty", "none"], default="none")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the owner's new password from standard input (one line)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import os
    import sys

    from core.services.admin import auth

    # init creates the owner: the password comes from TIDUI_PASSWORD (as for every command),
    # else standard input with --password-stdin, else TIDUI_NEW_PASSWORD, else a prompt
    # asking twice.
    password = os.environ.get("TIDUI_PASSWORD")
    if password is None and args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    if password is None:
        password = read_new_password(args.owner)
    app, recovery = auth.create_company(
        args.file,
        args.company,
        args.owner,
        password,
        owner_display_name=args.owner_name,
        template=args.template,
        language=args.lang,
    )
    path = app.file.path
    app.close(backup=False)
    if args.json:
        print_json({"file": str(path), "recovery_key": recovery})
    else:
        print_line("cli.created", file=str(path))
        print_line("cli.recovery_key", key=recovery)
    return 0
