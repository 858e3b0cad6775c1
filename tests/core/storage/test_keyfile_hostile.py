"""The key file under attack and under crashes: damaged or tampered .keys files give one clear
"key file damaged" line (never a traceback, a 4 GB derivation or a hang), torn writes never
read as valid, and a user's row and key slot exist both or neither, even killed in between."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from core.errors import CorruptFile, UnknownUser
from core.services.admin import auth, maintenance, users
from core.storage.company_file import keys_path_for, staged_keys_path
from core.storage.keyslots import KeyFile
from tests.conftest import OWNER, OWNER_PASSWORD, make_company

MEMORY_CAP = 1536 * 1024 * 1024


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TIDUI_TEST_FAST_KDF": "1", "TIDUI_PASSWORD": OWNER_PASSWORD}
    return subprocess.run(
        [sys.executable, "-m", "core.cli.main", "--lang", "en", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        preexec_fn=_cap_memory,
    )


@pytest.fixture
def company_path(tmp_path: Path) -> Path:
    app, _ = make_company(tmp_path)
    users.add_user(app, "hr1", "人事", "hr", "hr-pass-123")
    path = app.file.path
    app.close(backup=False)
    return path


def _keys(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(keys_path_for(path).read_text(encoding="utf-8"))
    return data


def _tamper_kdf(path: Path, **kdf: object) -> None:
    data = _keys(path)
    for slot in data["slots"]:
        slot["kdf"].update(kdf)
    keys_path_for(path).write_text(json.dumps(data), encoding="utf-8")


DAMAGED = {
    "a JSON array": "[1, 2, 3]",
    "deeply nested": "[" * 100_000 + "]" * 100_000,
    "a string": '"tidui-keys"',
    "slots not a list": json.dumps({"format": "tidui-keys", "slots": 5, "recovery": {}}),
    "binary": "\udcff",
}


@pytest.mark.parametrize("name", list(DAMAGED))
def test_a_key_file_of_the_wrong_shape_is_damaged_in_words(company_path: Path, name: str) -> None:
    keys = keys_path_for(company_path)
    keys.write_bytes(DAMAGED[name].encode("utf-8", "surrogateescape"))
    with pytest.raises(CorruptFile) as caught:
        auth.log_in(company_path, OWNER, OWNER_PASSWORD)
    assert caught.value.code == "file.keys_corrupt"
    done = run_cli("verify", company_path, "--user", OWNER)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "is damaged" in done.stderr


@pytest.mark.parametrize(
    "kdf",
    [
        {"n": 2**22},  # 4 GB and 20 s per attempt
        {"n": 2**25},  # a MemoryError
        {"p": 10**6},  # hours
        {"r": 1000},
        {"n": 3000},  # not a power of two
        {"n": True},
        {"name": "pbkdf2"},
        {"salt": "AAAA"},
    ],
)
def test_kdf_costs_tidui_never_writes_are_refused_before_deriving(
    company_path: Path, kdf: dict[str, object]
) -> None:
    _tamper_kdf(company_path, **kdf)
    with pytest.raises(CorruptFile) as caught:
        KeyFile.load(keys_path_for(company_path))
    assert caught.value.code == "file.keys_corrupt"
    done = run_cli("verify", company_path, "--user", OWNER)  # memory capped at 1.5 GB
    assert done.returncode == 1 and "is damaged" in done.stderr
    assert "Traceback" not in done.stderr


def test_every_torn_write_of_the_key_file_is_damaged_never_valid(company_path: Path) -> None:
    whole = keys_path_for(company_path).read_bytes()
    full = KeyFile.parse(whole, "x")
    for cut in range(len(whole)):
        try:
            torn = KeyFile.parse(whole[:cut], "x")
        except CorruptFile:
            continue
        # only cutting the final line end leaves the same, whole content
        assert whole[cut:].strip() == b"" and torn == full, cut


# --- both or neither ------------------------------------------------------------------------

CRASH = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from core.services.admin import auth
    from core.services.admin import users
    from core.session import UnitOfWork
    from core.storage.company_file import OpenFile
    where = sys.argv[2]
    app = auth.log_in(Path(sys.argv[1]), "boss", "owner-pass-1")
    if where == "before-commit":
        UnitOfWork.commit = lambda self: os._exit(9)
    else:
        OpenFile.promote_keys = lambda self, staged: os._exit(9)
    users.add_user(app, "newbie", "新人", "hr", "newbie-pass-1")
    """
)


def _crash_adding_a_user(path: Path, where: str) -> None:
    env = {**os.environ, "TIDUI_TEST_FAST_KDF": "1"}
    done = subprocess.run(
        [sys.executable, "-c", CRASH, str(path), where], env=env, capture_output=True, timeout=120
    )
    assert done.returncode == 9, done.stderr.decode(errors="replace")[-2000:]


def test_killed_after_the_commit_the_user_and_the_slot_both_exist(company_path: Path) -> None:
    _crash_adding_a_user(company_path, "after-commit")
    assert staged_keys_path(company_path).exists()  # the crash left the change staged
    newbie = auth.log_in(company_path, "newbie", "newbie-pass-1")
    try:
        assert newbie.actor.role == "hr"
        assert maintenance.verify(newbie).ok
    finally:
        newbie.close(backup=False)
    assert not staged_keys_path(company_path).exists()
    assert KeyFile.load(keys_path_for(company_path)).find("newbie") is not None


def test_killed_before_the_commit_neither_exists_and_the_login_is_free(
    company_path: Path,
) -> None:
    _crash_adding_a_user(company_path, "before-commit")
    with pytest.raises(UnknownUser):
        auth.log_in(company_path, "newbie", "newbie-pass-1")
    app = auth.log_in(company_path, OWNER, OWNER_PASSWORD)
    try:
        assert not staged_keys_path(company_path).exists()
        assert app.file.keyfile.find("newbie") is None
        assert maintenance.verify(app).ok
        users.add_user(app, "newbie", "新人", "hr", "newbie-pass-2")  # the name is free
    finally:
        app.close(backup=False)
    auth.log_in(company_path, "newbie", "newbie-pass-2").close(backup=False)


def test_a_password_reset_that_never_committed_does_not_open_the_file(
    company_path: Path,
) -> None:
    script = CRASH.replace(
        'users.add_user(app, "newbie", "新人", "hr", "newbie-pass-1")',
        'users.reset_password(app, "hr1", "stolen-pass-1")',
    )
    env = {**os.environ, "TIDUI_TEST_FAST_KDF": "1"}
    args = [sys.executable, "-c", script, str(company_path), "before-commit"]
    assert subprocess.run(args, env=env, capture_output=True, timeout=120).returncode == 9
    with pytest.raises(Exception) as caught:
        auth.log_in(company_path, "hr1", "stolen-pass-1")
    assert getattr(caught.value, "code", "") == "auth.wrong_password"
    auth.log_in(company_path, "hr1", "hr-pass-123").close(backup=False)


def test_verify_reports_slots_without_users_and_users_without_slots(company_path: Path) -> None:
    keys = keys_path_for(company_path)
    keyfile = KeyFile.load(keys)
    app = auth.log_in(company_path, OWNER, OWNER_PASSWORD)
    try:
        key = app.file.key
        app.file.keyfile.set_slot("ghost", "owner", "ghost-pass-1", key)  # no such account
        app.file.keyfile.remove_slot("hr1")  # an account left without a slot
        report = maintenance.verify(app)
    finally:
        app.close(backup=False)
    codes = {(m.code, m.params.get("login")) for m in report.problems}
    assert codes == {("verify.slot_without_user", "ghost"), ("verify.user_without_slot", "hr1")}
    assert keyfile.find("hr1") is not None


@pytest.mark.parametrize("sign", ["not an object", {"nonce": "AAAA"}, {"nonce": 1, "wrapped": 2}])
def test_a_signing_key_entry_of_the_wrong_shape_is_damaged(company_path: Path, sign: Any) -> None:
    data = _keys(company_path)
    data["slots"][0]["sign"] = sign
    keys_path_for(company_path).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CorruptFile) as caught:
        KeyFile.load(keys_path_for(company_path))
    assert caught.value.code == "file.keys_corrupt"


def test_a_signing_key_moved_to_another_slot_does_not_unwrap(company_path: Path) -> None:
    """The wrapped signing key is bound to its login (and file), like the slot itself: hr1's
    copied into the owner's slot does not give the owner's log-in hr1's key."""
    data = _keys(company_path)
    by_login = {slot["login"]: slot for slot in data["slots"]}
    by_login[OWNER]["sign"] = by_login["hr1"]["sign"]
    keys_path_for(company_path).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CorruptFile) as caught:
        auth.log_in(company_path, OWNER, OWNER_PASSWORD)
    assert caught.value.code == "file.keys_corrupt"
