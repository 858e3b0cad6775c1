"""What the owner's audit viewer and backup list read: filters, permissions, formula-safe export."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.errors import PermissionDenied
from core.services.admin import audit, maintenance, users
from core.services.admin.audit import AuditFilter
from core.services.promotion.exports import export_audit
from core.session import AppSession
from tests.conftest import OWNER, as_role


def test_filters_by_person_kind_and_day(company: AppSession) -> None:
    hr = as_role(company, "hr1", "hr")
    users.add_user(company, "hr2", '=HYPERLINK("x")', "hr", "hr-pass-123")
    everything = audit.list_entries(company, AuditFilter())
    assert [e.action for e in everything][:2] == ["user.add", "user.add"]  # newest first
    assert {e.actor for e in audit.list_entries(company, AuditFilter(actor=OWNER))} == {OWNER}
    assert {e.entity for e in audit.list_entries(company, AuditFilter(entity="user"))} == {"user"}
    today = date.today()
    assert audit.list_entries(company, AuditFilter(until=today - timedelta(days=1))) == []
    assert len(audit.list_entries(company, AuditFilter(since=today, until=today))) == len(
        everything
    )
    actors, entities = audit.filter_choices(company)
    assert OWNER in actors and "user" in entities
    assert audit.entity_label("user") == "账号"
    with pytest.raises(PermissionDenied):
        audit.list_entries(hr, AuditFilter())


def test_export_holds_what_the_filter_shows_and_is_formula_safe(
    company: AppSession, tmp_path: Path
) -> None:
    users.add_user(company, "hr2", '=HYPERLINK("x")', "hr", "hr-pass-123")
    out = tmp_path / "audit.xlsx"
    count = export_audit(company, out, AuditFilter(entity="user"))
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert count == len(rows) == 1
    assert all(not str(cell).startswith("=") for row in rows for cell in row if cell)


def test_backups_are_listed_newest_first_with_their_reason(company: AppSession) -> None:
    assert maintenance.list_backups(company) == []
    company.file.backup(reason="manual")
    company.file.backup(reason="close")
    rows = maintenance.list_backups(company)
    assert [r.reason for r in rows] == ["close", "manual"]
    assert all(r.size > 0 and r.made is not None for r in rows)
    hr = as_role(company, "hr1", "hr")  # HR may back up, so sees the list too
    assert len(maintenance.list_backups(hr)) == 2


def _audit_calls() -> list[tuple[str, int, object, object]]:
    """(file, line, action node, entity node) of every entry core writes to the log."""
    import ast

    root = Path(__file__).resolve().parents[3] / "core"
    calls = []
    for path in sorted(root.rglob("*.py")):
        if path == root / "session.py":  # the plumbing itself: it passes them on
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            # uow.audit(action, entity, …) and append_audit(session, actor, action, entity, …)
            first = {"audit": 0, "audit_system": 0, "append_audit": 2}.get(called)
            if first is None or len(node.args) < first + 2:
                continue
            calls.append((path.name, node.lineno, node.args[first], node.args[first + 1]))
    return calls


def _audited_kinds() -> dict[str, str]:
    """Every kind of object core writes to the log."""
    import ast

    kinds: dict[str, str] = {}
    for name, line, _action, entity in _audit_calls():
        assert isinstance(entity, ast.Constant), f"{name}:{line}: name the kind"
        kinds.setdefault(str(entity.value), f"{name}:{line}")
    return kinds


def _audited_actions() -> set[str]:
    """Every action core writes; the few built at run time spelled out from what they use."""
    import ast

    from core.domain.cases import CaseAction

    made_up = {
        "f'case.{move.value}'": {f"case.{move.value}" for move in CaseAction},
        "f\"cycle.{('close' if state == 'closed' else 'reopen')}\"": {
            "cycle.close",
            "cycle.reopen",
        },
        "'user.disable' if disabled else 'user.enable'": {"user.disable", "user.enable"},
    }
    actions: set[str] = set()
    for name, line, action, _entity in _audit_calls():
        if isinstance(action, ast.Constant):
            actions.add(str(action.value))
        else:
            written = ast.unparse(action)  # type: ignore[arg-type]
            assert written in made_up, f"{name}:{line}: {written}: spell out what it makes"
            actions |= made_up[written]
    return actions


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_kind_of_object_in_the_log_has_a_name(lang: str) -> None:
    """The log's 对象 column and its filter showed the codes 'feedback' and 'store_ownership'."""
    from core import i18n

    kinds = _audited_kinds()
    assert {"employee", "feedback", "store_ownership", "promotion_case"} <= set(kinds)
    known = i18n.catalogue()
    assert {k: where for k, where in kinds.items() if f"audit.entity.{k}" not in known} == {}
    i18n.set_language(lang)
    try:
        names = {kind: audit.entity_label(kind) for kind in kinds}
    finally:
        i18n.set_language("zh")
    assert all(name and name != kind for kind, name in names.items()), names


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_action_in_the_log_is_said_in_words(lang: str) -> None:
    """The 操作 column showed codes (employee.update, case.approve) to an owner reading Chinese."""
    from core import i18n

    actions = _audited_actions()
    assert {"employee.update", "case.approve", "cycle.reopen", "company.create"} <= actions
    i18n.set_language(lang)
    try:
        words = {action: audit.action_label(action) for action in actions}
    finally:
        i18n.set_language("zh")
    assert {a: w for a, w in words.items() if w == a} == {}
    if lang == "zh":
        assert words["employee.update"] == "修改员工" and words["case.return"] == "退回补充"
    assert audit.action_label("some.future_action") == "some.future_action"
