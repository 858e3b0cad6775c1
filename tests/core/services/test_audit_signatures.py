"""Each audit entry is signed by its author: the file key alone cannot write in anyone's name.

Every attack here is made the way someone holding the file key (the recovery key, or any
account's password) could make it outside Tidui: rows written with an SQLCipher client, the
chain re-hashed, and the anchor and ``audit_count`` rewritten to match, so the anchor finds
nothing. What remains is the signatures: ``verify`` names the entries not signed by the account
they name, and the log-in says so too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.services.admin import auth, maintenance, users
from core.services.admin import company as company_service
from core.session import SYSTEM_ACTOR
from core.storage.keyslots import KeyFile
from core.storage.paths import keys_path_for
from core.storage.signing import Signer, new_seed
from tests.conftest import OWNER, OWNER_PASSWORD, make_company
from tests.core.services.audit_support import (
    Row,
    connect,
    forged,
    rewrite,
    slots_before_signing,
)

HR_PASSWORD = "hr-pass-123"


def _company(tmp_path: Path) -> tuple[Path, str]:
    """boss, hr1 and hr2; four entries (create, two accounts, a company edit)."""
    app, recovery = make_company(tmp_path)
    users.add_user(app, "hr1", "小王", "hr", HR_PASSWORD)
    users.add_user(app, "hr2", "小李", "hr", HR_PASSWORD)
    company_service.update_info(app, "悦颜美妆有限公司", "CNY", "zh")
    path = app.file.path
    app.close(backup=False)
    return path, recovery


def _check(path: Path, login: str = OWNER, password: str = OWNER_PASSWORD) -> tuple[Any, ...]:
    """(log-in warnings, verify's problems, verify's notes), in Chinese."""
    app = auth.log_in(path, login, password)
    try:
        report = maintenance.verify(app)
        return (
            [w.text("zh") for w in app.warnings],
            [m.text("zh") for m in report.problems],
            [m.text("zh") for m in report.notes],
        )
    finally:
        app.close(backup=False)


def _append_signed(path: Path, recovery: str, entry: Row, signer: Signer) -> None:
    """``entry`` appended to the chain (with the file key) and signed with ``signer``."""
    rewrite(
        path,
        recovery,
        lambda rows: rows.append(entry),
        sign=lambda row, digest: signer.sign(digest) if row is entry else row["signature"],
    )


def _signer_of(path: Path, login: str, password: str) -> Signer:
    """What someone holding ``login``'s password can sign with."""
    app = auth.log_in(path, login, password)
    try:
        assert app.signer is not None
        return app.signer
    finally:
        app.close(backup=False)


def test_a_genuine_chain_of_several_users_passes(tmp_path: Path) -> None:
    path, recovery = _company(tmp_path)
    app = auth.log_in(path, "hr1", HR_PASSWORD)
    users.change_own_password(app, HR_PASSWORD, "hr-pass-456")
    app.close(backup=False)
    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    users.reset_password(app, "hr2", "hr-pass-789")
    users.set_role(app, "hr1", "supervisor")
    users.reset_password(app, OWNER, "owner-pass-2")  # one's own key is kept
    app.close(backup=False)
    app = auth.log_in(path, "hr2", "hr-pass-789")
    users.change_own_password(app, "hr-pass-789", "hr-pass-000")
    app.close(backup=False)
    assert _check(path, OWNER, "owner-pass-2") == ([], [], [])
    assert _check(path, "hr1", "hr-pass-456") == ([], [], [])
    con = connect(path, recovery)
    unsigned = con.execute("SELECT count(*) FROM audit_log WHERE signature IS NULL").fetchone()
    con.close()
    assert unsigned == (0,)


@pytest.mark.parametrize("forger", ["file key only", "a random key", "hr1's own key"])
def test_an_entry_appended_in_the_owners_name_is_caught(tmp_path: Path, forger: str) -> None:
    path, recovery = _company(tmp_path)
    signer = {
        "file key only": None,
        "a random key": Signer(new_seed()),
        "hr1's own key": _signer_of(path, "hr1", HR_PASSWORD),
    }[forger]
    entry = forged(OWNER, "user.role", {"login": "hr1", "role": "owner"})
    rewrite(
        path,
        recovery,
        lambda rows: rows.append(entry),
        sign=lambda row, digest: (
            signer.sign(digest) if row is entry and signer else row.get("signature")
        ),
    )
    warnings, problems, _notes = _check(path)
    expected = "第 5 条审计记录"  # (hr1's log-in wrote nothing)
    assert len(problems) == 1 and expected in problems[0], problems
    assert f"不是 {OWNER} 本人签署的" in problems[0]
    assert "user.role" in problems[0]
    assert any(expected in w for w in warnings), warnings
    assert not any("锚点" in p or "改写过：" in p for p in problems), "the anchor was forged too"


def test_an_entry_edited_rehashed_and_reanchored_is_caught(tmp_path: Path) -> None:
    """Make hr2 an owner in its user.add entry: that entry and every later one no longer
    carry their author's signature (each signs its own hash, which the edit changed)."""
    path, recovery = _company(tmp_path)

    def edit(rows: list[Row]) -> None:
        rows[2]["after"]["role"] = "owner"

    rewrite(path, recovery, edit)
    warnings, problems, _notes = _check(path)
    assert any("第 3 条审计记录" in p and f"不是 {OWNER} 本人签署的" in p for p in problems)
    assert any("第 4 条审计记录" in p for p in problems)
    assert not any("第 2 条审计记录" in p for p in problems), "entries before the edit still check"
    assert warnings, "the log-in says so too"


def test_an_owners_entry_signed_again_by_hr_is_caught(tmp_path: Path) -> None:
    """Rewriting who did what: the owner's company edit re-attributed… to the owner, but
    with other content and hr1's signature."""
    path, recovery = _company(tmp_path)
    hr1 = _signer_of(path, "hr1", HR_PASSWORD)

    def edit(rows: list[Row]) -> None:
        rows[3]["after"] = {"name": "别的公司"}

    rewrite(
        path,
        recovery,
        edit,
        sign=lambda row, digest: hr1.sign(digest) if row["id"] == 4 else row["signature"],
    )
    _warnings, problems, _notes = _check(path)
    assert len(problems) == 1 and "第 4 条审计记录" in problems[0], problems


def test_hr_cannot_register_a_key_for_the_owner(tmp_path: Path) -> None:
    """hr1 (with its own password, so a valid hr1 signature) writes a password reset for the
    owner that registers a key of its choosing, then signs an entry in the owner's name."""
    path, recovery = _company(tmp_path)
    hr1 = _signer_of(path, "hr1", HR_PASSWORD)
    fake = Signer(new_seed())
    reset = forged("hr1", "user.reset_password", {"login": OWNER, "signing_key": fake.public})
    then = forged(OWNER, "user.role", {"login": "hr1", "role": "owner"})

    def sign(row: Row, digest: str) -> str | None:
        if row is reset:
            return hr1.sign(digest)
        return fake.sign(digest) if row is then else row["signature"]

    rewrite(path, recovery, lambda rows: rows.extend([reset, then]), sign=sign)
    _warnings, problems, _notes = _check(path)
    assert any("第 5 条审计记录" in p and "无权" in p for p in problems), problems
    assert any("第 6 条审计记录" in p and f"不是 {OWNER} 本人签署的" in p for p in problems)


def test_a_tampered_published_key_is_caught(tmp_path: Path) -> None:
    """hr1's key in its user.add entry replaced by the attacker's, who then signs as hr1."""
    path, recovery = _company(tmp_path)
    fake = Signer(new_seed())
    entry = forged("hr1", "user.role", {"login": "hr1", "role": "owner"})

    def edit(rows: list[Row]) -> None:
        rows[1]["after"]["signing_key"] = fake.public
        rows.append(entry)

    rewrite(
        path,
        recovery,
        edit,
        sign=lambda row, digest: fake.sign(digest) if row is entry else row["signature"],
    )
    _warnings, problems, _notes = _check(path)
    assert any("第 2 条审计记录" in p for p in problems), problems
    assert any("第 5 条审计记录" in p and "不是 hr1 本人签署的" in p for p in problems)


def test_a_chain_rewritten_from_its_founding_entry_shows_at_the_owners_log_in(
    tmp_path: Path,
) -> None:
    """The whole chain re-signed under a new 'owner' key, founding entry included: every
    signature checks, but the key the owner's password unlocks is not the one the chain names."""
    path, recovery = _company(tmp_path)
    fake = Signer(new_seed())

    def edit(rows: list[Row]) -> None:
        rows[0]["after"]["signing_key"] = fake.public
        for row in rows[1:]:
            if row["actor"] == OWNER and row["after"] and "signing_key" in row["after"]:
                row["after"]["signing_key"] = Signer(new_seed()).public

    rewrite(path, recovery, edit, sign=lambda row, digest: fake.sign(digest))
    warnings, problems, _notes = _check(path)
    assert any("您（boss）的签名密钥与审计日志里为您登记的不一致" in p for p in problems), problems
    assert any("签名密钥与审计日志" in w for w in warnings), warnings


def test_disabling_someone_rekeys_and_every_signature_still_checks(tmp_path: Path) -> None:
    path, _recovery = _company(tmp_path)
    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    users.set_disabled(app, "hr2", True)  # a new file key, every slot re-sealed
    company_service.update_info(app, "悦颜美妆二号", "CNY", "zh")
    app.close(backup=False)
    app = auth.log_in(path, "hr1", HR_PASSWORD)
    users.change_own_password(app, HR_PASSWORD, "hr-pass-456")
    app.close(backup=False)
    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    users.set_disabled(app, "hr2", False, "hr-pass-new")  # back, with a new key vouched by boss
    app.close(backup=False)
    app = auth.log_in(path, "hr2", "hr-pass-new")
    users.change_own_password(app, "hr-pass-new", "hr-pass-newer")
    app.close(backup=False)
    assert _check(path) == ([], [], [])


def _strip_signatures(rows: list[Row]) -> None:
    """Every signature and every published key taken out of the log."""
    for row in rows:
        row["signature"] = None
        if row["after"]:
            row["after"].pop("signing_key", None)


def _as_before_signing(path: Path, recovery: str) -> None:
    """Turn a file into one from before signing: no signatures, no published keys, no
    signing keys in the slots, schema 3 (the migration then adds the column back)."""

    rewrite(path, recovery, _strip_signatures)
    con = connect(path, recovery)
    con.execute("ALTER TABLE audit_log DROP COLUMN signature")
    con.execute("UPDATE file_meta SET value = '3' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    slots_before_signing(path, {OWNER: OWNER_PASSWORD, "hr1": HR_PASSWORD, "hr2": HR_PASSWORD})


def _slots_with_keys(path: Path) -> set[str]:
    return {s.login for s in KeyFile.load(keys_path_for(path)).slots if s.sign is not None}


def test_an_old_file_is_reported_as_before_signing_and_signs_from_then_on(tmp_path: Path) -> None:
    path, recovery = _company(tmp_path)
    _as_before_signing(path, recovery)
    warnings, problems, notes = _check(path)  # migrates; boss gets a key at this log-in
    assert warnings == [] and problems == []
    assert len(notes) == 1 and "早于签名的记录 4 条" in notes[0], notes
    assert _slots_with_keys(path) == {OWNER}
    app = auth.log_in(path, "hr1", HR_PASSWORD)  # hr1 gets one at its next log-in
    users.change_own_password(app, HR_PASSWORD, "hr-pass-456")
    app.close(backup=False)
    assert _slots_with_keys(path) == {OWNER, "hr1"}
    assert _check(path)[1:] == ([], notes)
    # from now on a forged entry in the owner's name is caught, and not as "before signing"
    entry = forged(OWNER, "user.role", {"login": "hr2", "role": "owner"})
    rewrite(path, recovery, lambda rows: rows.append(entry))
    _warnings, problems, notes = _check(path)
    assert len(problems) == 1 and f"不是 {OWNER} 本人签署的" in problems[0], problems
    assert "早于签名的记录 4 条" in notes[0]


def test_an_account_created_after_signing_cannot_take_a_key_by_itself(tmp_path: Path) -> None:
    """Only accounts from before signing may publish their first key themselves."""
    path, recovery = _company(tmp_path)
    fake = Signer(new_seed())
    claim = forged("hr2", "user.signing_key", {"login": "hr2", "signing_key": fake.public})
    _append_signed(path, recovery, claim, fake)
    _warnings, problems, _notes = _check(path)
    assert len(problems) == 1 and "不是 hr2 本人签署的" in problems[0], problems


def test_the_log_in_that_gives_a_key_is_all_or_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed commit of the new key leaves the slot and the log as they were; the next
    log-in gives the key (the slot change is staged like every other)."""
    path, recovery = _company(tmp_path)
    _as_before_signing(path, recovery)
    from core.session import UnitOfWork

    real = UnitOfWork.commit

    def boom(self: UnitOfWork) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(UnitOfWork, "commit", boom)
    with pytest.raises(OSError):
        auth.log_in(path, OWNER, OWNER_PASSWORD)
    assert _slots_with_keys(path) == set()
    monkeypatch.setattr(UnitOfWork, "commit", real)
    warnings, problems, notes = _check(path)
    assert (warnings, problems) == ([], []) and "早于签名的记录 4 条" in notes[0]
    assert _slots_with_keys(path) == {OWNER}


def test_a_key_replaced_with_the_recovery_key_is_named(tmp_path: Path) -> None:
    path, recovery = _company(tmp_path)
    auth.recover(path, recovery, OWNER, "owner-pass-new").close(backup=False)
    warnings, problems, notes = _check(path, OWNER, "owner-pass-new")
    assert (warnings, problems) == ([], [])
    assert len(notes) == 1 and "用恢复密钥为 boss 重设了密码" in notes[0], notes


def test_entries_by_no_person_are_unsigned_by_design(tmp_path: Path) -> None:
    path, _recovery = _company(tmp_path)
    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    with app.uow() as uow:
        uow.audit_system("maintenance.check", "company", 1)
        uow.commit()
    app.close(backup=False)
    con = connect(path, _recovery)
    assert con.execute("SELECT actor, signature FROM audit_log WHERE id = 5").fetchone() == (
        SYSTEM_ACTOR,
        None,
    )
    con.close()
    warnings, problems, notes = _check(path)
    assert (warnings, problems) == ([], [])
    assert len(notes) == 1 and "由系统写入" in notes[0] and "第 5 条" in notes[0], notes


def test_a_log_stripped_to_look_older_than_signing_shows_at_the_next_log_in(
    tmp_path: Path,
) -> None:
    """Every signature and published key removed, re-hashed and re-anchored: the log alone
    would pass for one from before signing, but the owner's slot still holds the owner's
    key (only the password can take it out), and the log names none."""
    path, recovery = _company(tmp_path)

    rewrite(path, recovery, _strip_signatures)
    warnings, problems, _notes = _check(path)
    assert any("您（boss）的签名密钥与审计日志里为您登记的不一致" in p for p in problems), problems
    assert any("签名密钥" in w for w in warnings), warnings


def test_a_signing_key_removed_from_its_slot_breaks_the_slot(tmp_path: Path) -> None:
    """Taking the key out of a slot (so that the account would take a new one at its next
    log-in) leaves a damaged key file, not a slot from before signing, nor 'wrong password'."""
    from core.errors import CorruptFile

    path, _recovery = _company(tmp_path)
    keys = keys_path_for(path)
    data = json.loads(keys.read_text(encoding="utf-8"))
    for slot in data["slots"]:
        slot.pop("sign")
    keys.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CorruptFile) as caught:
        auth.log_in(path, OWNER, OWNER_PASSWORD)
    assert caught.value.code == "file.keys_corrupt"


def test_the_log_in_names_an_early_forged_key_by_its_place_in_a_long_log(tmp_path: Path) -> None:
    """The log-in reads the newest 50 entries and, before them, only those that publish keys
    or name roles; what it names still carries its true place in the chain."""
    path, recovery = _company(tmp_path)
    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    for number in range(60):
        company_service.update_info(app, f"悦颜美妆{number}", "CNY", "zh")
    app.close(backup=False)
    hr1 = _signer_of(path, "hr1", HR_PASSWORD)
    reset = forged("hr1", "user.reset_password", {"login": "hr2", "signing_key": hr1.public})

    def edit(rows: list[Row]) -> None:
        rows.insert(4, reset)

    def sign(row: Row, digest: str) -> str | None:  # everything re-signed where it can be
        return hr1.sign(digest) if row is reset else row["signature"]

    rewrite(path, recovery, edit, sign=sign)
    warnings, problems, _notes = _check(path)
    assert any("第 5 条审计记录" in w and "无权" in w for w in warnings), warnings
    assert any("第 5 条审计记录" in p and "无权" in p for p in problems), problems


def test_a_disabled_account_signs_nothing_more(tmp_path: Path) -> None:
    """hr2 kept its old key file and password (so its signing key) and, with someone holding
    the new file key, adds an entry after it was disabled: its key was revoked by the disable."""
    path, recovery = _company(tmp_path)
    hr2 = _signer_of(path, "hr2", HR_PASSWORD)
    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    recovery = users.set_disabled(app, "hr2", True) or ""
    app.close(backup=False)
    late = forged("hr2", "user.role", {"login": "hr2", "role": "owner"})
    _append_signed(path, recovery, late, hr2)
    _warnings, problems, _notes = _check(path)
    assert len(problems) == 1 and "第 6 条审计记录" in problems[0], problems
    assert "不是 hr2 本人签署的" in problems[0]
