"""tidui-cli demo: create the demo company file (template B, 悦颜美妆)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from core.cli.common import print_json, print_line


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("demo", help="create the demo company file")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--owner", default="demo", help="owner login (default: demo)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from core.services import demo

    password = os.environ.get("TIDUI_PASSWORD") or "tidui-demo"
    recovery = demo.create_demo(args.file, args.owner, password)
    if args.json:
        print_json({"file": str(args.file), "recovery_key": recovery, "login": args.owner})
    else:
        print_line("cli.created", file=str(args.file))
        print_line("cli.recovery_key", key=recovery)
    return 0
