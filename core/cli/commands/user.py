"""tidui-cli user add / passwd / disable: manage accounts (owner only, enforced by core.services.admin.users)."""

from __future__ import annotations

import argparse
from typing import Any

from core.cli.common import (
    add_auth_arguments,
    add_file_argument,
    add_json_argument,
    open_session,
    print_json,
    print_line,
    read_new_password,
)


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("user", help="manage user accounts")
    user_sub = p.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add", help="add an account")
    add_file_argument(add)
    add.add_argument("--login", required=True)
    add.add_argument("--role", required=True, choices=["owner", "hr", "supervisor"])
    add.add_argument("--name", default=None, help="display name")
    add.add_argument("--employee", default=None, metavar="NO", help="employee number (工号)")
    add_auth_arguments(add)
    add_json_argument(add)
    add.set_defaults(run=run_add)

    pw = user_sub.add_parser("passwd", help="set a new password for an account (owner)")
    add_file_argument(pw)
    pw.add_argument("--login", required=True)
    add_auth_arguments(pw)
    pw.set_defaults(run=run_passwd)

    off = user_sub.add_parser(
        "disable", help="disable an account and re-key the file (prints the new recovery key)"
    )
    add_file_argument(off)
    off.add_argument("--login", required=True)
    add_auth_arguments(off)
    add_json_argument(off)
    off.set_defaults(run=run_disable)


def run_add(args: argparse.Namespace) -> int:
    from core.services.admin import users

    app = open_session(args)
    try:
        new_password = read_new_password(args.login)
        row = users.add_user(
            app, args.login, args.name or args.login, args.role, new_password, args.employee
        )
    finally:
        app.close(backup=False)
    if args.json:
        print_json({"login": row.login, "role": row.role, "employee": row.employee_no})
    else:
        print_line("cli.user_added", login=row.login, role=row.role)
    return 0


def run_passwd(args: argparse.Namespace) -> int:
    from core.services.admin import users

    app = open_session(args)
    try:
        users.reset_password(app, args.login, read_new_password(args.login))
    finally:
        app.close(backup=False)
    print_line("cli.password_reset", login=args.login)
    return 0


def run_disable(args: argparse.Namespace) -> int:
    from core.services.admin import users

    app = open_session(args)
    try:
        recovery_key = users.set_disabled(app, args.login, True)
    finally:
        app.close(backup=False)
    if args.json:
        print_json({"recovery_key": recovery_key})
    else:
        print_line("cli.user_disabled", login=args.login, recovery_key=recovery_key)
    return 0
