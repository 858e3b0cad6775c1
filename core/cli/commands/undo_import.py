"""tidui-cli undo-import: remove everything one import batch added and bring back what it replaced."""

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
)


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "undo-import", help="remove everything an import batch added"
    )
    add_file_argument(p)
    p.add_argument("batch", type=int, metavar="BATCH", help="the batch id tidui-cli import printed")
    add_auth_arguments(p)
    add_json_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from core.services.imports import engine as imports

    app = open_session(args)
    undone = None
    try:
        undone = imports.undo_import(app, args.batch)
    finally:
        app.close(backup=undone is not None)
    if args.json:
        print_json(
            {
                "batch": undone.batch_id,
                "file": undone.file_name,
                "removed": undone.removed,
                "restored": undone.restored,
            }
        )
    else:
        print_line(
            "imports.cli.undone",
            batch=undone.batch_id,
            file=undone.file_name,
            removed=undone.removed,
            restored=undone.restored,
        )
    return 0
