"""tidui-cli case create|act|decide|show (+ resubmit, withdraw, revoke) and tidui-cli cases (docs/cli.md)."""

from __future__ import annotations

import argparse
from typing import Any

from core.cli.commands.cycle import parse_day
from core.cli.common import (
    add_auth_arguments,
    add_file_argument,
    add_json_argument,
    open_session,
    print_json,
)
from core.domain import explain as ex
from core.errors import ValidationError
from core.session import AppSession


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("case", help="promotion cases 晋升申请")
    actions = p.add_subparsers(dest="case_command", required=True, parser_class=type(p))

    create = actions.add_parser("create", help="create and submit a case")
    add_file_argument(create)
    create.add_argument("--employee", required=True, metavar="NO")
    create.add_argument(
        "--to", required=True, metavar="LEVEL", help="target level (or TRACK/LEVEL)"
    )
    create.add_argument("--cycle", default=None, metavar="NAME")
    create.add_argument("--reason", default="", metavar="TEXT")
    create.add_argument("--statement", default="", metavar="TEXT", help="self-statement 自述")
    create.set_defaults(run=run_create)

    act = actions.add_parser("act", help="approve, reject or return at the waiting step")
    add_file_argument(act)
    act.add_argument("case", type=int, metavar="CASE")
    group = act.add_mutually_exclusive_group(required=True)
    group.add_argument("--approve", dest="action", action="store_const", const="approve")
    group.add_argument("--reject", dest="action", action="store_const", const="reject")
    group.add_argument("--return", dest="action", action="store_const", const="return")
    act.add_argument("--comment", default="", metavar="TEXT")
    act.set_defaults(run=run_act)

    decide = actions.add_parser("decide", help="the owner's decision on an approved case")
    add_file_argument(decide)
    decide.add_argument("case", type=int, metavar="CASE")
    decide.add_argument("--salary", required=True, type=float, metavar="YUAN")
    decide.add_argument("--effective", required=True, metavar="YYYY-MM-DD")
    decide.add_argument("--permission", action="append", default=None, metavar="TEXT")
    decide.add_argument("--training", action="append", default=None, metavar="TEXT")
    decide.set_defaults(run=run_decide)

    show = actions.add_parser("show", help="one case")
    add_file_argument(show)
    show.add_argument("case", type=int, metavar="CASE")
    show.set_defaults(run=run_show)

    for name, helptext in (
        ("resubmit", "send a returned case back into the chain"),
        ("withdraw", "withdraw an undecided case"),
        ("revoke", "revoke a published case before its effective date (owner)"),
    ):
        q = actions.add_parser(name, help=helptext)
        add_file_argument(q)
        q.add_argument("case", type=int, metavar="CASE")
        if name == "revoke":
            q.add_argument("--reason", "--comment", dest="comment", default="", metavar="TEXT")
        else:
            q.add_argument("--comment", default="", metavar="TEXT")
        q.set_defaults(run=run_other, other=name)

    for q in (
        create,
        act,
        decide,
        show,
        *[actions.choices[n] for n in ("resubmit", "withdraw", "revoke")],
    ):
        add_auth_arguments(q)
        add_json_argument(q)

    lst: argparse.ArgumentParser = sub.add_parser("cases", help="list promotion cases")
    add_file_argument(lst)
    lst.add_argument("--state", default=None, metavar="S")
    lst.add_argument("--mine", action="store_true", help="only those waiting on me")
    lst.add_argument("--cycle", default=None, metavar="NAME")
    add_auth_arguments(lst)
    add_json_argument(lst)
    lst.set_defaults(run=run_list)


def _print_case(app: AppSession, case_id: int, args: argparse.Namespace) -> None:
    from core.i18n import render
    from core.services.promotion import cases

    view = cases.view_case(app, case_id)
    data = cases.case_json(view, args.lang)
    if args.json:
        print_json(data)
        return
    lang = args.lang
    state = render(f"case.state.{data['state']}", None, lang)
    waiting = data["waiting_for"]
    who = f" — {render(f'case.role.{waiting}', None, lang)}" if waiting else ""
    print(
        f"#{data['case']} {data['employee']} {data['name']}  {data['from']} → {data['to']}  [{state}{who}]"
    )
    for c in data["criteria"]:
        print(f"    {'✓' if c['met'] else '✗'} {c['explanation']}")
    scores = data["scores"]
    if any(v is not None for v in scores.values()):
        print(
            "    "
            + "  ".join(f"{k}={'—' if v is None else round(v, 1)}" for k, v in scores.items())
        )
    for step in data["steps"]:
        action = render(f"case.action.{step['action']}", None, lang)
        print(f"    {step['at'][:16]}  {step['login'] or '—'}  {action}  {step['comment']}")


def _employee_id(app: AppSession, no: str) -> int:
    from core.services.archive.employees import find_by_no

    with app.read() as s:
        emp = find_by_no(s, no)
        if emp is None:
            raise ValidationError("archive.import.unknown_employee", field="employee", no=no)
        return emp.id


def _transition_id(app: AppSession, employee_id: int, target: str) -> int:
    """--to LEVEL: a level title among the employee's moves (TRACK/LEVEL when two tracks share it)."""
    from core.model import Employee
    from core.services.eligibility import readiness as el

    target = target.strip()
    with app.read() as s:
        emp = s.get(Employee, employee_id)
        assert emp is not None
        moves = el.transitions_out_of(s, emp.level_id) if emp.level_id is not None else []
        name = emp.name
    track, _, title = target.rpartition("/")
    found = [m for m in moves if m.to_level == title and (not track or m.to_track == track)] or [
        m for m in moves if target in (m.ends()[1], m.to_level)
    ]
    if len(found) == 1:
        return found[0].id
    if not found:
        raise ValidationError("case.not_a_move", field="to", name=name)
    raise ValidationError(
        "case.cli.ambiguous_level",
        field="to",
        level=target,
        choices=ex.joined((f"{m.to_track}/{m.to_level}" for m in found), ex.NAMES),
    )


def run_create(args: argparse.Namespace) -> int:
    from core.services.promotion import cases

    app = open_session(args)
    try:
        employee_id = _employee_id(app, args.employee)
        transition_id = _transition_id(app, employee_id, args.to)
        case_id = cases.create_case(
            app,
            employee_id,
            transition_id=transition_id,
            cycle=args.cycle,
            reason=args.reason,
            statement=args.statement,
        )
        _print_case(app, case_id, args)
    finally:
        app.close(backup=False)
    return 0


def run_act(args: argparse.Namespace) -> int:
    from core.services.promotion import cases

    app = open_session(args)
    try:
        cases.act(app, args.case, args.action, args.comment)
        _print_case(app, args.case, args)
    finally:
        app.close(backup=False)
    return 0


def run_decide(args: argparse.Namespace) -> int:
    from core.services.promotion import cases

    effective = parse_day(args.effective, "effective")
    assert effective is not None
    app = open_session(args)
    try:
        cases.decide(
            app,
            args.case,
            args.salary,
            effective,
            permissions=args.permission,
            training=args.training,
        )
        _print_case(app, args.case, args)
    finally:
        app.close(backup=False)
    return 0


def run_show(args: argparse.Namespace) -> int:
    app = open_session(args)
    try:
        _print_case(app, args.case, args)
    finally:
        app.close(backup=False)
    return 0


def run_other(args: argparse.Namespace) -> int:
    from core.services.promotion import cases

    app = open_session(args)
    try:
        if args.other == "resubmit":
            cases.resubmit(app, args.case, args.comment)
        elif args.other == "withdraw":
            cases.withdraw(app, args.case, args.comment)
        else:
            cases.revoke(app, args.case, args.comment)
        _print_case(app, args.case, args)
    finally:
        app.close(backup=False)
    return 0


def run_list(args: argparse.Namespace) -> int:
    from core.i18n import render
    from core.services.promotion import cases

    app = open_session(args)
    try:
        found = cases.list_cases(app, state=args.state, mine=args.mine, cycle=args.cycle)
        if args.json:
            print_json([cases.case_json(cases.view_case(app, c.id), args.lang) for c in found])
            return 0
        for c in found:
            state = render(f"case.state.{c.state}", None, args.lang)
            print(f"#{c.id}\t{c.no}\t{c.name}\t{c.label()}\t{state}")
    finally:
        app.close(backup=False)
    return 0
