"""tidui-cli import: one spreadsheet in as one batch, deciding as the wizard would by default; several
files or a folder (the month's exports) each as its own batch, through core.services.imports.month (docs/cli.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.cli.common import (
    add_auth_arguments,
    add_file_argument,
    add_json_argument,
    open_session,
    print_json,
)
from core.domain import explain as ex

if TYPE_CHECKING:
    from collections.abc import Sequence

    from core.importers.table import SkippedRow


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "import", help="import a store export or a Tidui template as one batch"
    )
    add_file_argument(p)
    p.add_argument(
        "spreadsheet",
        type=Path,
        nargs="+",
        metavar="DIR_OR_FILES",
        help=".xlsx, .xls or .csv; several files or a folder: each readable file its own batch",
    )
    p.add_argument(
        "--source",
        default="auto",
        metavar="KIND",
        help="sycm-shop, taobao-orders, douyin-live, douyin-orders, roster, store-owners, "
        "training, achievements, scores, metrics (default: auto, from the headers)",
    )
    p.add_argument("--store", default=None, metavar="NAME", help="the store the file belongs to")
    p.add_argument("--sheet", default=None, metavar="S", help="sheet name or number (1 = first)")
    p.add_argument(
        "--on-duplicate",
        dest="on_duplicate",
        choices=["skip", "replace", "fail"],
        default="skip",
        help="rows or a file already imported: skip them (default), replace them, or fail",
    )
    p.add_argument(
        "--unmatched-accounts",
        dest="unmatched_accounts",
        choices=["fail", "skip"],
        default=None,
        help="accounts unknown to Tidui: 抖店 orders of such creators are always imported (they "
        "count for the store, listed under unmatched_creators); a live-session list fails unless "
        "skip (its sessions are left out); fail refuses both",
    )
    p.add_argument("--dry-run", dest="dry_run", action="store_true", help="check, store nothing")
    add_auth_arguments(p)
    add_json_argument(p)
    p.set_defaults(run=run, import_parser=p)


def run(args: argparse.Namespace) -> int:
    paths: list[Path] = args.spreadsheet
    if len(paths) > 1 or paths[0].is_dir():
        from core.cli.commands.import_month import run_month

        return run_month(args, paths)
    args.spreadsheet = paths[0]
    return run_one(args)


def run_one(args: argparse.Namespace) -> int:
    from core.i18n import render
    from core.importers.reading import check_file
    from core.importers.sources import source_kind
    from core.services.imports import engine as imports

    if args.source != "auto":
        source_kind(args.source)  # an unknown kind: say so before asking for a password
    check_file(args.spreadsheet)  # a missing or unreadable file: likewise
    app = open_session(args)
    result = None
    try:
        result = imports.import_file(
            app,
            args.spreadsheet,
            source=args.source,
            store=args.store,
            sheet=args.sheet,
            on_duplicate=args.on_duplicate,
            dry_run=args.dry_run,
            unmatched_accounts=args.unmatched_accounts,
        )
    finally:
        app.close(backup=result is not None and result.batch_id is not None)
    lang = args.lang
    failed = result.imported == 0 and bool(result.errors)
    if args.json:
        print_json(result.as_json(lang))
    else:
        code = "imports.cli.dry_run" if result.dry_run else "imports.cli.done"
        if result.batch_id is None and not result.dry_run:
            code = "imports.cli.nothing"
        print(
            render(
                code,
                {
                    "batch": result.batch_id if result.batch_id is not None else "—",
                    "file": result.file_name,
                    "rows": result.rows,
                    "imported": result.imported,
                    "skipped": result.skipped,
                    "months": ex.joined(result.months, ex.NAMES) if result.months else "—",
                },
                lang,
            )
        )
        for line in skipped_lines(result.skipped_rows, lang):
            print(line)
        for note in result.notes:
            print(note.text(lang))
        for problem in result.errors:
            print(problem.message.text(lang), file=sys.stderr)
    if failed:
        print(
            render("imports.cli.nothing_valid", {"file": result.file_name}, lang), file=sys.stderr
        )
        return 1
    return 0


# Rows skipped one by one are named (a 合计 row, a note under the table), at most this many
SKIPPED_NAMED = 5


def skipped_lines(skipped: Sequence[SkippedRow], lang: str | None) -> list[str]:
    """Why rows were skipped, under the summary's "跳过 13 行": orders that do not count grouped
    by status, every other row by its own message (a 合计 row was one more skipped row, with no
    word of which or why)."""
    from core.i18n import render
    from core.importers.table import SKIP_DUPLICATE, SKIP_STATUS

    statuses: dict[str, int] = {}
    repeats = 0
    named: list[SkippedRow] = []
    for row in skipped:
        if row.reason.code == SKIP_STATUS:
            status = str(row.reason.params.get("status", ""))
            statuses[status] = statuses.get(status, 0) + 1
        elif row.reason.code == SKIP_DUPLICATE:
            repeats += 1
        else:
            named.append(row)
    lines = [
        render("imports.cli.skipped_status", {"count": count, "status": status}, lang)
        for status, count in statuses.items()
    ]
    if repeats:
        lines.append(render("imports.cli.skipped_repeats", {"count": repeats}, lang))
    lines += [row.reason.text(lang) for row in named[:SKIPPED_NAMED]]
    if len(named) > SKIPPED_NAMED:
        lines.append(
            render("imports.cli.skipped_more", {"count": len(named) - SKIPPED_NAMED}, lang)
        )
    return lines
