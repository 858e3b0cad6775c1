"""tidui-cli import FILE DIR_OR_FILES…: the month's exports, each readable file its own batch (docs/cli.md).

The files are read, ordered and decided as the GUI's monthly import does
(``core.services.imports.month``); a file that needs a person's decision, or cannot be imported, is
named on stderr and makes the exit status 1, the others are still imported.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.cli.common import open_session, print_json
from core.domain import explain as ex
from core.i18n import render


def run_month(args: argparse.Namespace, paths: list[Path]) -> int:
    from core.services.imports import month as import_month

    lang = args.lang
    if args.source != "auto" or args.store or args.sheet or args.dry_run:
        args.import_parser.error(render("import_month.cli.one_file_options", None, lang))
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(
            render(
                "imports.file_not_found",
                {"file": missing[0].name, "location": str(missing[0])},
                lang,
            ),
            file=sys.stderr,
        )
        return 1
    app = open_session(args)
    result = None
    try:
        _, result = import_month.import_paths(
            app,
            paths,
            on_duplicate=args.on_duplicate,
            unmatched_accounts="skip" if args.unmatched_accounts == "skip" else "ask",
        )
    finally:
        app.close(backup=result is not None and bool(result.batch_ids))
    if args.json:
        print_json([o.as_json(lang) for o in result.outcomes])
    else:
        for outcome in result.outcomes:
            found = outcome.result
            if found is not None and outcome.status == "imported":
                detail = render(
                    "imports.cli.done",
                    {
                        "batch": found.batch_id,
                        "file": found.file_name,
                        "rows": found.rows,
                        "imported": found.imported,
                        "skipped": found.skipped,
                        "months": ex.joined(found.months, ex.NAMES) if found.months else "—",
                    },
                    lang,
                )
            else:
                detail = outcome.message.text(lang) if outcome.message else ""
            if outcome.status == "imported":
                print(detail)
                continue
            print(
                render(
                    "import_month.cli.line",
                    {
                        "status": render(f"import_month.cli.status.{outcome.status}", None, lang),
                        "file": outcome.path.name,
                        "detail": detail,
                    },
                    lang,
                )
            )
        print(
            render(
                "import_month.cli.summary",
                {
                    "files": len(result.outcomes),
                    "imported": len(result.with_status("imported")),
                    "skipped": len(result.with_status("skipped")),
                    "questions": len(result.with_status("needs_decision")),
                    "failed": len(result.with_status("failed")),
                },
                lang,
            )
        )
        for change in result.readiness:
            print(change.text(lang))
    stopped = result.with_status("needs_decision", "failed")
    for outcome in stopped:
        reason = outcome.message.text(lang) if outcome.message else ""
        print(
            render(
                "import_month.cli.not_imported", {"file": str(outcome.path), "reason": reason}, lang
            ),
            file=sys.stderr,
        )
    return 1 if stopped else 0
