"""Disabling a user re-keys the file: an old copy of the key file (or the old recovery key)
no longer opens the data, everyone else still logs in, and a crash anywhere in between
leaves a file that opens with the new key only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core.errors import TiduiError, UnknownUser
from core.services.admin import auth, maintenance, users
from core.services.imports.engine import pseudonym_key
from core.storage.company_file import keys_path_for, open_with_recovery_key, staged_keys_path
from core.storage.database import check_readable, make_engine
from core.storage.keyslots import KeyFile
from tests.conftest import OWNER, OWNER_PASSWORD, make_company

HR_PASSWORD = "hr-pass-123"


@pytest.fixture
def company_path(tmp_path: Path) -> Path:
    app, _ = make_company(tmp_path)
    users.add_user(app, "hr1", "人事", "hr", HR_PASSWORD)
    users.add_user(app, "sup1", "主管", "supervisor", "sup-pass-123")
    path = app.file.path
    app.close(backup=False)
    return path


def old_copy_opens_data(path: Path, old_keys: Path, login: str, password: str) -> bool:
    """What someone removed could try: their slot in an old key file, on the current data."""
    key = KeyFile.load(old_keys).unlock(login, password)
    engine = make_engine(path, key)
    try:
        check_readable(engine, path.name)
        return True
    except TiduiError:
        return False
    finally:
        engine.dispose()


def test_disabling_rekeys_so_an_old_key_file_no_longer_opens_the_data(
    company_path: Path, tmp_path: Path
) -> None:
    old_keys = tmp_path / "copy-kept-by-hr1.keys"
    shutil.copy(keys_path_for(company_path), old_keys)
    app = auth.log_in(company_path, OWNER, OWNER_PASSWORD)
    old_recovery = app.file.recovery_key()
    pseudonyms = pseudonym_key(app)
    assert old_copy_opens_data(company_path, old_keys, "hr1", HR_PASSWORD)
    try:
        recovery = users.set_disabled(app, "hr1", True)
        assert recovery is not None and recovery != old_recovery
        assert app.file.recovery_key() == recovery
        assert pseudonym_key(app) == pseudonyms  # buyers keep their pseudonyms
        assert maintenance.verify(app).ok
    finally:
        app.close(backup=False)
    assert not old_copy_opens_data(company_path, old_keys, "hr1", HR_PASSWORD)
    assert not old_copy_opens_data(company_path, old_keys, "sup1", "sup-pass-123")
    with pytest.raises(UnknownUser):
        auth.log_in(company_path, "hr1", HR_PASSWORD)
    for login, password in ((OWNER, OWNER_PASSWORD), ("sup1", "sup-pass-123")):
        auth.log_in(company_path, login, password).close(backup=False)
    open_with_recovery_key(company_path, recovery).close()
    with pytest.raises(TiduiError):
        open_with_recovery_key(company_path, old_recovery).close()


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TIDUI_TEST_FAST_KDF": "1", "TIDUI_PASSWORD": OWNER_PASSWORD}
    return subprocess.run(
        [sys.executable, "-m", "core.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_cli_user_disable_prints_the_new_recovery_key_once(
    company_path: Path, tmp_path: Path
) -> None:
    old_keys = tmp_path / "old.keys"
    shutil.copy(keys_path_for(company_path), old_keys)
    done = run_cli("user", "disable", company_path, "--login", "hr1", "--json")
    assert done.returncode == 0, done.stderr
    recovery = json.loads(done.stdout)["recovery_key"]
    assert len(recovery.split("-")) == 8
    assert not old_copy_opens_data(company_path, old_keys, "hr1", HR_PASSWORD)
    open_with_recovery_key(company_path, recovery).close()
    done = run_cli("--lang", "en", "user", "disable", company_path, "--login", "sup1")
    assert done.returncode == 0 and "new recovery key" in done.stdout
    done = run_cli("--lang", "en", "user", "disable", company_path, "--login", OWNER)
    assert done.returncode == 1 and "Traceback" not in done.stderr


CRASH = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from core.services.admin import auth
    from core.services.admin import users
    from core.storage.company_file import OpenFile
    app = auth.log_in(Path(sys.argv[1]), "boss", "owner-pass-1")
    setattr(OpenFile, sys.argv[2], lambda *args: os._exit(9))
    users.set_disabled(app, "hr1", True)
    """
)


@pytest.mark.parametrize("killed_at", ["rekey", "promote_keys"])
def test_killed_mid_rekey_the_next_open_finishes_it(
    company_path: Path, tmp_path: Path, killed_at: str
) -> None:
    old_keys = tmp_path / "old.keys"
    shutil.copy(keys_path_for(company_path), old_keys)
    env = {**os.environ, "TIDUI_TEST_FAST_KDF": "1"}
    done = subprocess.run(
        [sys.executable, "-c", CRASH, str(company_path), killed_at],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 9, done.stderr.decode(errors="replace")[-2000:]
    assert staged_keys_path(company_path).exists()
    app = auth.log_in(company_path, OWNER, OWNER_PASSWORD)
    try:
        assert maintenance.verify(app).ok
        assert app.file.keyfile.find("hr1") is None and app.file.keyfile.rekey is None
    finally:
        app.close(backup=False)
    assert not staged_keys_path(company_path).exists()
    assert "rekey" not in json.loads(keys_path_for(company_path).read_text())
    assert not old_copy_opens_data(company_path, old_keys, "hr1", HR_PASSWORD)
    auth.log_in(company_path, "sup1", "sup-pass-123").close(backup=False)
