"""tidui-cli dashboard: the pipeline dashboard's figures (docs/cli.md), as text or JSON."""

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
        "dashboard",
        help="the pipeline dashboard: head-count, successors and gaps per level, turnover, "
        "case speed, 9-box",
    )
    add_file_argument(p)
    p.add_argument(
        "--as-of",
        dest="as_of",
        default=None,
        metavar="YYYY-MM",
        help="the month to report (default: the last complete month with data)",
    )
    add_auth_arguments(p)
    add_json_argument(p)
    p.set_defaults(run=run)


def _pct(value: float | None, lang: str | None) -> str:
    from core.i18n import render

    return render("dashboard.cli.none", None, lang) if value is None else f"{value:.1f}%"


def _days(value: float | None, lang: str | None) -> str:
    from core.i18n import render

    return render("dashboard.cli.none", None, lang) if value is None else f"{value:g}"


def run(args: argparse.Namespace) -> int:
    from core.domain import months as mo
    from core.i18n import render
    from core.services import dashboard

    if args.as_of is not None:
        mo.parse(args.as_of)  # a bad month is the user's mistake: say so before asking a password
    app = open_session(args)
    try:
        found = dashboard.dashboard(app, args.as_of)
    finally:
        app.close(backup=False)
    lang = args.lang
    if args.json:
        print_json(dashboard.as_json(found, lang))
        return 0
    print(render("dashboard.cli.header", {"month": mo.label(found.as_of, lang or "zh")}, lang))
    for track in found.tracks:
        print(render("dashboard.cli.track", {"track": track.track}, lang))
        for level in reversed(track.levels):
            print(f"  {level.sentence.text(lang)}")
    print(render("dashboard.cli.gaps", None, lang))
    if not found.gaps:
        print(f"  {render('dashboard.cli.no_gaps', None, lang)}")
    for gap in found.gaps:
        print(f"  ✗ {gap.message.text(lang)}")
    flow = found.flow
    print(
        render(
            "dashboard.cli.turnover",
            {
                "pct": _pct(flow.rolling.pct, lang),
                "separations": flow.rolling.separations,
                "avg": f"{flow.rolling.avg_headcount:.2f}",
                "year_pct": _pct(flow.calendar.pct, lang),
            },
            lang,
        )
    )
    cases = found.cases
    print(
        render(
            "dashboard.cli.cases",
            {
                "decided": cases.decided,
                "avg": _days(cases.avg_days, lang),
                "max": _days(cases.max_days, lang),
                "open": len(cases.open),
                "ended": sum(n for _state, n in cases.ended),
            },
            lang,
        )
    )
    nine = found.nine_box
    print(
        render(
            "dashboard.cli.nine_box",
            {
                "period": nine.period or render("dashboard.cli.none", None, lang),
                "count": len(nine.entries),
            },
            lang,
        )
    )
    for entry in nine.entries:
        print(
            render(
                "dashboard.cli.nine_box_line",
                {
                    "no": entry.no,
                    "name": entry.name,
                    "performance": entry.performance,
                    "performance_score": f"{entry.performance_score:g}",
                    "potential": entry.potential,
                    "potential_score": f"{entry.potential_score:g}",
                },
                lang,
            )
        )
    return 0
