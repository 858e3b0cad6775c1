"""tidui-cli verify: SQLite/SQLCipher integrity checks plus the audit chain."""

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
    p: argparse.ArgumentParser = sub.add_parser("verify", help="integrity and audit-chain check")
    add_file_argument(p)
    add_auth_arguments(p)
    add_json_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from core.services.admin import maintenance

    app = open_session(args, warn=False)
    try:
        report = maintenance.verify(app)
    finally:
        app.close(backup=False)
    if args.json:
        print_json(
            {
                "ok": report.ok,
                "audit_entries": report.audit_entries,
                "problems": [m.text(args.lang) for m in report.problems],
                "notes": [m.text(args.lang) for m in report.notes],
            }
        )
    elif report.ok:
        print_line("verify.ok", entries=report.audit_entries)
        for note in report.notes:
            print(note.text(args.lang))
    else:
        import sys

        text = "; ".join(m.text(args.lang) for m in [*report.problems, *report.notes])
        print(f"{text}", file=sys.stderr)
    return 0 if report.ok else 1
