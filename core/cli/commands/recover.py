"""tidui-cli recover: set a new owner password with the printed recovery key."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from core.cli.common import print_line, read_new_password
from core.errors import TiduiError


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "recover", help="set a new owner password using the recovery key"
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--owner", required=True, help="owner login to give a new password")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from core.services.admin import auth

    key = os.environ.get("TIDUI_RECOVERY_KEY")
    if key is None:
        if not sys.stdin.isatty():
            raise TiduiError("auth.wrong_recovery_key")
        key = getpass.getpass("Recovery key / 恢复密钥: ")
    app = auth.recover(args.file, key, args.owner, read_new_password(args.owner))
    app.close(backup=False)
    print_line("cli.password_reset", login=args.owner)
    return 0
