"""tidui-cli export FILE --what roster|metrics|evaluations|salary-changes|audit --out XLSX (docs/cli.md)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from core.cli.common import add_auth_arguments, add_file_argument, open_session

KINDS = ("roster", "metrics", "evaluations", "salary-changes", "audit")


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("export", help="export an .xlsx (formula-safe)")
    add_file_argument(p)
    p.add_argument("--what", required=True, choices=KINDS)
    p.add_argument("--out", required=True, type=Path, metavar="XLSX")
    add_auth_arguments(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from core.errors import TiduiError
    from core.i18n import render

    if args.what == "metrics":
        raise TiduiError("case.cli.export_unavailable", what=args.what)
    app = open_session(args)
    try:
        if args.what == "roster":
            from core.services.archive.personal_export import export_roster

            count = export_roster(app, args.out)
        elif args.what == "salary-changes":
            from core.services.promotion.exports import export_salary_changes

            count = export_salary_changes(app, args.out, args.lang)
        elif args.what == "evaluations":
            from core.services.promotion.exports import export_evaluations

            count = export_evaluations(app, args.out, args.lang)
        else:
            from core.services.promotion.exports import export_audit

            count = export_audit(app, args.out)
    finally:
        app.close(backup=False)
    print(render("case.cli.exported", {"count": count, "file": str(args.out)}, args.lang))
    return 0
