"""tidui-cli eligibility: who meets which transition's criteria as of a month (docs/cli.md), as text or JSON."""

from __future__ import annotations

import argparse
from typing import Any

from core.cli.common import (
    add_auth_arguments,
    add_file_argument,
    add_json_argument,
    open_session,
    print_json,
)


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "eligibility",
        help="met / not met per criterion for every active employee and transition",
    )
    add_file_argument(p)
    p.add_argument(
        "--as-of",
        dest="as_of",
        default=None,
        metavar="YYYY-MM",
        help="the month to judge (default: the last complete month with data)",
    )
    add_auth_arguments(p)
    add_json_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from core.domain import months as mo
    from core.i18n import render
    from core.services.eligibility import readiness as eligibility

    if args.as_of is not None:
        mo.parse(args.as_of)  # a bad month is the user's mistake: say so before asking a password
    app = open_session(args)
    try:
        as_of, found = eligibility.report(app, args.as_of)
    finally:
        app.close(backup=False)
    lang = args.lang
    if args.json:
        print_json([eligibility.as_json(person, outlook, lang) for person, outlook in found])
        return 0
    print(render("eligibility.cli.header", {"month": mo.label(as_of, lang)}, lang))
    if not found:
        print(render("eligibility.cli.nobody", None, lang))
    for person, outlook in found:
        print(
            render(
                "eligibility.cli.line",
                {
                    "no": person.no,
                    "name": person.name,
                    "from": outlook.transition.ends()[0],
                    "to": outlook.transition.ends()[1],
                    "summary": outlook.summary().text(lang),
                },
                lang,
            )
        )
        for result in outlook.results:
            mark = "✓" if result.met else "✗"
            print(f"    {mark} {result.explanation.text(lang)}")
    return 0
