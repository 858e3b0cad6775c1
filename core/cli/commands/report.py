"""tidui-cli report: a promotion document as PDF (docs/cli.md).

    tidui-cli report FILE --employee NO|all --kind evaluation|letter|announcement|progress
                     [--case ID] [--cycle NAME] --out PDF|DIR

``--employee all --out DIR`` writes one PDF per active employee (the announcement: one file).
Bad input (an unknown employee, no case, a placeholder without a value) exits 1 with one line.
"""

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
)

KINDS = ("evaluation", "letter", "announcement", "progress")


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "report",
        help="render a promotion document as PDF (evaluation, letter, announcement, progress)",
    )
    add_file_argument(p)
    p.add_argument(
        "--employee",
        default=None,
        metavar="NO|all",
        help="the employee's 工号, or 'all' for every active employee (--out is then a folder)",
    )
    p.add_argument("--kind", required=True, choices=KINDS, help="which document")
    p.add_argument("--case", type=int, default=None, metavar="ID", help="the promotion case")
    p.add_argument("--cycle", default=None, metavar="NAME", help="the review cycle")
    p.add_argument("--out", required=True, type=Path, metavar="PDF|DIR", help="where to write")
    p.add_argument(
        "--show-id-number",
        dest="show_id_number",
        action="store_true",
        help="print the full ID number (only for users who may see personal data)",
    )
    add_auth_arguments(p)
    add_json_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from core.errors import ValidationError
    from core.i18n import render
    from core.reports import service
    from core.reports.common import employee_id_of

    lang = args.lang
    everyone = (args.employee or "").strip().lower() == "all"
    out: Path = args.out
    # the user's mistakes about --out, before asking a password
    if everyone and out.exists() and not out.is_dir():
        raise ValidationError("report.cli.out_not_dir", field="out", path=str(out))
    if not everyone and out.is_dir():
        raise ValidationError("report.cli.out_is_dir", field="out", path=str(out))
    if args.employee is None and args.kind != "announcement":
        raise ValidationError("report.employee.required", field="employee", kind=args.kind)
    app = open_session(args)
    try:
        if everyone:
            result = service.write_all(
                app,
                args.kind,
                out,
                cycle=args.cycle,
                show_id_number=args.show_id_number,
                lang=lang,
            )
            written = [str(p) for p in result.written]
            if args.json:
                print_json(
                    {
                        "written": written,
                        "skipped": [{"employee": w, "reason": r} for w, r in result.skipped],
                    }
                )
                return 0
            for path in written:
                print(render("report.cli.written", {"path": path}, lang))
            for who, why in result.skipped:
                print(render("report.cli.skipped", {"who": who, "why": why}, lang))
            print(
                render(
                    "report.cli.batch",
                    {"written": len(written), "skipped": len(result.skipped), "folder": str(out)},
                    lang,
                )
            )
            return 0
        employee_id = employee_id_of(app, args.employee) if args.employee else None
        data = service.render_report(
            app,
            args.kind,
            employee_id,
            case_id=args.case,
            cycle=args.cycle,
            show_id_number=args.show_id_number,
        )
        written_to = service.write_report(out, data)
    finally:
        app.close(backup=False)
    if args.json:
        print_json({"written": [str(written_to)], "skipped": []})
    else:
        print(render("report.cli.written", {"path": str(written_to)}, lang))
    return 0
