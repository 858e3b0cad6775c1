"""tidui-cli cycle open|list|close|reopen: review cycles 评审周期 (docs/cli.md)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from core.cli.common import (
    add_auth_arguments,
    add_file_argument,
    add_json_argument,
    open_session,
    print_json,
)
from core.errors import ValidationError


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("cycle", help="open, list, close review cycles")
    actions = p.add_subparsers(dest="cycle_command", required=True, parser_class=type(p))
    opened = actions.add_parser("open", help="open a review cycle (owner)")
    add_file_argument(opened)
    opened.add_argument("--name", required=True, help="e.g. 2024下半年")
    opened.add_argument("--as-of", dest="as_of", default=None, metavar="YYYY-MM")
    opened.add_argument("--deadline", default=None, metavar="YYYY-MM-DD")
    add_auth_arguments(opened)
    add_json_argument(opened)
    opened.set_defaults(run=run_open)
    listed = actions.add_parser("list", help="the review cycles")
    add_file_argument(listed)
    add_auth_arguments(listed)
    add_json_argument(listed)
    listed.set_defaults(run=run_list)
    for name, helptext in (("close", "close a cycle (read-only)"), ("reopen", "reopen a cycle")):
        q = actions.add_parser(name, help=helptext)
        add_file_argument(q)
        q.add_argument("cycle", metavar="NAME")
        add_auth_arguments(q)
        add_json_argument(q)
        q.set_defaults(run=run_state, state=name)


def parse_day(text: str | None, field: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError("case.effective.invalid", field=field, text=text) from None


def run_open(args: argparse.Namespace) -> int:
    from core.domain import months as mo
    from core.i18n import render
    from core.services.promotion import cycles

    if args.as_of is not None:
        mo.parse(args.as_of)
    deadline = parse_day(args.deadline, "deadline")
    app = open_session(args)
    try:
        row = cycles.open_cycle(app, args.name, args.as_of, deadline)
    finally:
        app.close(backup=False)
    if args.json:
        print_json(row.as_json())
    else:
        print(render("case.cli.cycle_opened", {"name": row.name, "as_of": row.as_of}, args.lang))
    return 0


def run_list(args: argparse.Namespace) -> int:
    from core.services.promotion import cycles

    app = open_session(args)
    try:
        rows = cycles.list_cycles(app)
    finally:
        app.close(backup=False)
    if args.json:
        print_json([r.as_json() for r in rows])
    else:
        for r in rows:
            print(f"{r.id}\t{r.name}\t{r.as_of}\t{r.state}")
    return 0


def run_state(args: argparse.Namespace) -> int:
    from core.services.promotion import cycles

    app = open_session(args)
    try:
        with app.read() as s:
            cycle_id = cycles.find_cycle(s, args.cycle).id
        row = (cycles.close_cycle if args.state == "close" else cycles.reopen_cycle)(app, cycle_id)
    finally:
        app.close(backup=False)
    if args.json:
        print_json(row.as_json())
    else:
        print(f"{row.name}\t{row.state}")
    return 0
