"""tidui-cli backup / restore: encrypted backups (data + key file) and checked restores."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from core.cli.common import (
    add_auth_arguments,
    add_file_argument,
    add_json_argument,
    open_session,
    print_json,
    print_line,
)


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("backup", help="make an encrypted backup")
    add_file_argument(p)
    p.add_argument("--to", type=Path, default=None, metavar="DIR")
    add_auth_arguments(p)
    add_json_argument(p)
    p.set_defaults(run=run_backup)

    r: argparse.ArgumentParser = sub.add_parser("restore", help="restore a backup to a file")
    r.add_argument("backup", type=Path, metavar="BACKUP")
    r.add_argument("--to", type=Path, required=True, metavar="FILE")
    add_auth_arguments(r)
    add_json_argument(r)
    r.set_defaults(run=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    app = open_session(args)
    try:
        made = app.file.backup(args.to, reason="manual")
    finally:
        app.close(backup=False)
    if args.json:
        print_json({"backup": str(made)})
    else:
        print_line("backup.done", file=str(made))
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from core.cli.common import read_password
    from core.services.admin import maintenance

    login = args.user or maintenance.backup_owner_login(args.backup)
    password = read_password(args, login)
    result = maintenance.restore(args.backup, args.to, login, password)
    if args.json:
        print_json({"file": str(result.path), "previous_saved_to": result.previous_backup})
    else:
        print_line("restore.done", file=str(result.path))
    return 0
