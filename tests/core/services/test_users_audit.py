"""Accounts, permissions enforced in core, and the tamper-evident audit log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlcipher3

from core.errors import PermissionDenied, UnknownUser, ValidationError, WrongPassword
from core.services.admin import auth, maintenance, users
from core.services.admin import company as company_service
from core.session import AppSession
from core.storage.company_file import keys_path_for
from tests.conftest import OWNER, OWNER_PASSWORD, as_role


def test_owner_adds_user_who_can_log_in(company: AppSession) -> None:
    users.add_user(company, "hr1", "小王", "hr", "hr-pass-123")
    logins = [u.login for u in users.list_users(company)]
    assert logins == [OWNER, "hr1"]
    keys = json.loads(keys_path_for(company.file.path).read_text(encoding="utf-8"))
    assert [s["login"] for s in keys["slots"]] == [OWNER, "hr1"]
    hr = auth.unlock_again(company, "hr1", "hr-pass-123")
    assert hr.actor.role == "hr"


def test_hr_cannot_add_users_even_through_core(company: AppSession) -> None:
    hr = as_role(company, "hr1", "hr")
    with pytest.raises(PermissionDenied) as err:
        users.add_user(hr, "sneaky", "x", "owner", "whatever-123")
    assert "权限不足" in err.value.text("zh")
    with pytest.raises(PermissionDenied):
        company_service.update_info(hr, "改名", "CNY", "zh")


def test_duplicate_login_and_weak_password_are_refused(company: AppSession) -> None:
    with pytest.raises(ValidationError) as err:
        users.add_user(company, OWNER.upper(), "x", "hr", "long-enough-1")
    assert "已存在" in err.value.text("zh")
    with pytest.raises(ValidationError) as err:
        users.add_user(company, "hr2", "x", "hr", "short")
    assert "至少" in err.value.text("zh")


def test_disable_removes_slot_and_enable_needs_new_password(company: AppSession) -> None:
    users.add_user(company, "sup", "主管", "supervisor", "sup-pass-123")
    users.set_disabled(company, "sup", True)
    with pytest.raises(UnknownUser):
        auth.unlock_again(company, "sup", "sup-pass-123")
    with pytest.raises(ValidationError):
        users.set_disabled(company, "sup", False)
    users.set_disabled(company, "sup", False, "fresh-pass-123")
    assert auth.unlock_again(company, "sup", "fresh-pass-123").actor.login == "sup"


def test_cannot_disable_last_owner_or_self(company: AppSession) -> None:
    with pytest.raises(ValidationError):
        users.set_disabled(company, OWNER, True)


def test_reset_and_change_password(company: AppSession) -> None:
    users.add_user(company, "hr1", "小王", "hr", "hr-pass-123")
    users.reset_password(company, "hr1", "hr-pass-456")
    with pytest.raises(WrongPassword):
        auth.unlock_again(company, "hr1", "hr-pass-123")
    hr = auth.unlock_again(company, "hr1", "hr-pass-456")
    with pytest.raises(ValidationError) as wrong:  # the one asking is logged in: no user name
        users.change_own_password(hr, "wrong-old-pass", "hr-pass-789")
    assert wrong.value.code == "auth.current_password_wrong"
    users.change_own_password(hr, "hr-pass-456", "hr-pass-789")
    assert auth.unlock_again(company, "hr1", "hr-pass-789").actor.login == "hr1"


def test_role_label_in_key_file_cannot_promote(company: AppSession) -> None:
    users.add_user(company, "hr1", "小王", "hr", "hr-pass-123")
    path = company.file.path
    company.close(backup=False)
    keys = keys_path_for(path)
    data = json.loads(keys.read_text(encoding="utf-8"))
    for slot in data["slots"]:
        if slot["login"] == "hr1":
            slot["role"] = "owner"
    keys.write_text(json.dumps(data), encoding="utf-8")
    hr = auth.log_in(path, "hr1", "hr-pass-123")
    try:
        assert hr.actor.role == "hr"
        with pytest.raises(PermissionDenied):
            users.add_user(hr, "x2", "x", "hr", "whatever-123")
    finally:
        hr.close(backup=False)


def test_every_change_is_audited_and_chain_verifies(company: AppSession) -> None:
    users.add_user(company, "hr1", "小王", "hr", "hr-pass-123")
    company_service.update_info(company, "悦颜美妆有限公司", "CNY", "en")
    report = maintenance.verify(company)
    assert report.ok, report.problems
    assert report.audit_entries == 3  # create, add user, update company
    from core.services.admin.audit import recent

    with company.read() as s:
        last = recent(s, 1)[0]
    assert last.action == "company.update"
    assert last.before is not None and last.before["name"] == "悦颜美妆"
    assert last.after is not None and last.after["name"] == "悦颜美妆有限公司"


def test_edit_behind_the_apps_back_is_detected(tmp_path: Path) -> None:
    from tests.conftest import make_company

    app, recovery = make_company(tmp_path)
    users.add_user(app, "hr1", "小王", "hr", "hr-pass-123")
    path = app.file.path
    app.close(backup=False)
    con = sqlcipher3.connect(str(path))
    con.execute(f"PRAGMA key = \"x'{recovery.replace('-', '')}'\"")
    con.execute(
        "UPDATE audit_log SET after = json_set(after, '$.role', 'owner') WHERE action = 'user.add'"
    )
    con.commit()
    con.close()
    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    try:
        report = maintenance.verify(app)
        assert not report.ok
        assert any("被改动" in m.text("zh") for m in report.problems)
    finally:
        app.close(backup=False)


def test_deleting_an_audit_entry_breaks_the_chain(tmp_path: Path) -> None:
    from tests.conftest import make_company

    app, recovery = make_company(tmp_path)
    users.add_user(app, "hr1", "小王", "hr", "hr-pass-123")
    users.add_user(app, "hr2", "小李", "hr", "hr-pass-123")
    path = app.file.path
    app.close(backup=False)
    con = sqlcipher3.connect(str(path))
    con.execute(f"PRAGMA key = \"x'{recovery.replace('-', '')}'\"")
    con.execute("DELETE FROM audit_log WHERE id = 2")
    con.commit()
    con.close()
    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    try:
        report = maintenance.verify(app)
        assert any("断开" in m.text("zh") for m in report.problems)
    finally:
        app.close(backup=False)


def test_company_info_validation(company: AppSession) -> None:
    with pytest.raises(ValidationError):
        company_service.update_info(company, "  ", "CNY", "zh")
    with pytest.raises(ValidationError):
        company_service.update_info(company, "悦颜", "EUR", "zh")
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    saved = company_service.update_info(company, "悦颜", "CNY", "zh", logo=png)
    assert saved.logo == png and saved.logo_mime == "image/png"
    with pytest.raises(ValidationError):
        company_service.update_info(company, "悦颜", "CNY", "zh", logo=b"GIF89a....")
