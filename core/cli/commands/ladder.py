"""tidui-cli ladder export / import: copy a ladder between company files (JSON, or a readable .xlsx)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
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
    p: argparse.ArgumentParser = sub.add_parser("ladder", help="export or import a ladder")
    ladder_sub = p.add_subparsers(dest="ladder_command", required=True)

    export = ladder_sub.add_parser(
        "export", help="write the ladder to a .json file (or a readable .xlsx)"
    )
    add_file_argument(export)
    export.add_argument("--out", required=True, type=Path, metavar="X.json")
    add_auth_arguments(export)
    add_json_argument(export)
    export.set_defaults(run=run_export)

    imp = ladder_sub.add_parser("import", help="merge a ladder file into this company file")
    add_file_argument(imp)
    imp.add_argument("ladder_file", type=Path, metavar="X.json")
    imp.add_argument(
        "--dry-run", action="store_true", help="check the file and report, change nothing"
    )
    add_auth_arguments(imp)
    add_json_argument(imp)
    imp.set_defaults(run=run_import)


def run_export(args: argparse.Namespace) -> int:
    from core.services.ladder import io as ladder_io

    app = open_session(args)
    try:
        path = ladder_io.export_file(app, args.out)
        data = ladder_io.export_data(app)
    finally:
        app.close(backup=False)
    if args.json:
        print_json(
            {
                "file": str(path),
                "tracks": len(data["tracks"]),
                "levels": sum(len(t["levels"]) for t in data["tracks"]),
                "transitions": len(data["transitions"]),
            }
        )
    else:
        print_line("ladder_io.exported", file=str(path))
    return 0


def run_import(args: argparse.Namespace) -> int:
    from core.errors import ValidationError
    from core.services.ladder import io as ladder_io

    data = ladder_io.read_file(args.ladder_file)
    app = open_session(args)
    try:
        if args.dry_run:
            _, summary, problems = ladder_io.check_import(app, data)
            if problems:
                for problem in problems:
                    print(problem.text(args.lang), file=sys.stderr)
                raise ValidationError(
                    "ladder_io.invalid",
                    count=len(problems),
                    first=problems[0],
                    file=args.ladder_file.name,
                )
        else:
            summary = ladder_io.import_data(app, data, source=args.ladder_file.name)
    finally:
        app.close(backup=not args.dry_run)
    if args.json:
        print_json({"dry_run": args.dry_run, **dataclasses.asdict(summary)})
    else:
        print(summary.message().text(args.lang))
    return 0
