"""The company file is real SQLCipher, opens only with the right key, and is never half-written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from core.errors import (
    CompanyFileError,
    CorruptFile,
    FileInUse,
    SchemaTooNew,
    WrongPassword,
    WrongRecoveryKey,
)
from core.services.admin import auth
from core.storage.company_file import keys_path_for
from core.storage.migrations import SCHEMA_VERSION, Migration
from tests.conftest import OWNER, OWNER_PASSWORD, make_company


def _snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def test_file_on_disk_is_encrypted(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path, name="悦颜美妆绝密公司")
    path = app.file.path
    app.close(backup=False)
    raw = path.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    for plain in ("悦颜美妆绝密公司".encode(), b"CREATE TABLE", b"employees", OWNER.encode()):
        assert plain not in raw
    keys = keys_path_for(path).read_text(encoding="utf-8")
    assert OWNER_PASSWORD not in keys


def test_recovery_key_opens_file_in_a_separate_sqlcipher_client(tmp_path: Path) -> None:
    app, recovery = make_company(tmp_path, name="悦颜美妆")
    path = app.file.path
    app.close(backup=False)
    assert len(recovery) == 71 and recovery.count("-") == 7
    assert all(len(g) == 8 for g in recovery.split("-"))
    # A plain sqlcipher3 connection in another process, SQLCipher 4 defaults, no Tidui code.
    script = textwrap.dedent(
        f"""
        import sqlcipher3
        con = sqlcipher3.connect({str(path)!r})
        con.execute("PRAGMA key = \\"x'{recovery.replace("-", "")}'\\"")
        print(con.execute("select name from company").fetchone()[0])
        print(con.execute("pragma cipher_version").fetchone()[0])
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    assert out[0] == "悦颜美妆"
    assert out[1].startswith("4.")


def test_wrong_password_is_clear_and_leaves_file_untouched(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    path = app.file.path
    app.close(backup=False)
    before = _snapshot(path)
    keys_before = _snapshot(keys_path_for(path))
    time.sleep(0.01)
    with pytest.raises(WrongPassword) as err:
        auth.log_in(path, OWNER, "not-the-password")
    assert err.value.text("zh") == "用户名或密码不正确。"
    assert _snapshot(path) == before
    assert _snapshot(keys_path_for(path)) == keys_before
    # and the failed attempt did not keep the file locked
    auth.log_in(path, OWNER, OWNER_PASSWORD).close(backup=False)


def test_corrupt_key_file_gives_clear_error_and_is_not_overwritten(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    path = app.file.path
    app.close(backup=False)
    keys = keys_path_for(path)
    keys.write_bytes(keys.read_bytes()[:40])
    damaged = _snapshot(keys)
    data = _snapshot(path)
    with pytest.raises(CorruptFile) as err:
        auth.log_in(path, OWNER, OWNER_PASSWORD)
    assert "密钥文件" in err.value.text("zh")
    assert _snapshot(keys) == damaged
    assert _snapshot(path) == data


def test_truncated_data_file_gives_clear_error(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    path = app.file.path
    app.close(backup=False)
    path.write_bytes(path.read_bytes()[:1000])
    data = _snapshot(path)
    with pytest.raises(CorruptFile) as err:
        auth.log_in(path, OWNER, OWNER_PASSWORD)
    assert "损坏" in err.value.text("zh")
    assert _snapshot(path) == data


def test_missing_key_file_still_opens_with_recovery_key(tmp_path: Path) -> None:
    app, recovery = make_company(tmp_path)
    path = app.file.path
    app.close(backup=False)
    keys_path_for(path).unlink()
    app = auth.recover(path, recovery, OWNER, "brand-new-pass")
    app.close(backup=False)
    auth.log_in(path, OWNER, "brand-new-pass").close(backup=False)


def test_recovery_sets_new_owner_password(tmp_path: Path) -> None:
    app, recovery = make_company(tmp_path)
    path = app.file.path
    app.close(backup=False)
    with pytest.raises(WrongRecoveryKey):
        auth.recover(path, "0" * 64, OWNER, "brand-new-pass")
    with pytest.raises(WrongRecoveryKey):
        auth.recover(path, "not a key", OWNER, "brand-new-pass")
    auth.recover(path, recovery.upper().replace("-", " "), OWNER, "brand-new-pass").close(
        backup=False
    )
    with pytest.raises(WrongPassword):
        auth.log_in(path, OWNER, OWNER_PASSWORD)
    auth.log_in(path, OWNER, "brand-new-pass").close(backup=False)


def test_second_opener_is_refused_naming_the_holder(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    path = app.file.path
    with pytest.raises(FileInUse) as err:
        auth.log_in(path, OWNER, OWNER_PASSWORD)
    text = err.value.text("zh")
    assert "正在被使用" in text and OWNER in text
    app.close(backup=False)
    auth.log_in(path, OWNER, OWNER_PASSWORD).close(backup=False)


def test_lock_is_released_when_the_holder_is_killed(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    path = app.file.path
    app.close(backup=False)
    script = textwrap.dedent(
        f"""
        import os, sys, time
        os.environ["TIDUI_TEST_FAST_KDF"] = "1"
        from core.services.admin import auth
        app = auth.log_in({str(path)!r}, {OWNER!r}, {OWNER_PASSWORD!r})
        print("open", flush=True)
        time.sleep(120)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=os.getcwd()
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "open"
        with pytest.raises(FileInUse):
            auth.log_in(path, OWNER, OWNER_PASSWORD)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()
    auth.log_in(path, OWNER, OWNER_PASSWORD).close(backup=False)


def test_creating_over_an_existing_file_is_refused(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    path = app.file.path
    app.close(backup=False)
    before = _snapshot(path)
    with pytest.raises(CompanyFileError) as err:
        make_company(tmp_path)
    assert "已存在" in str(err.value)
    assert _snapshot(path) == before


def test_interrupted_creation_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.storage import keyslots

    def boom(self: object, path: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(keyslots.KeyFile, "save", boom)
    with pytest.raises(OSError):
        make_company(tmp_path)
    leftovers = [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")]
    assert leftovers == []


def _noop(conn: object) -> None:
    del conn


def test_older_file_is_backed_up_then_migrated(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    path = app.file.path
    app.close(backup=False)
    ran: list[int] = []

    def add_column(conn: object) -> None:
        from sqlalchemy import Connection

        assert isinstance(conn, Connection)
        conn.exec_driver_sql("ALTER TABLE company ADD COLUMN motto VARCHAR(100)")
        ran.append(SCHEMA_VERSION + 1)

    step = Migration(SCHEMA_VERSION + 1, "add company.motto", add_column)
    app = auth.log_in(path, OWNER, OWNER_PASSWORD, migrations=[step])
    assert ran == [SCHEMA_VERSION + 1]
    assert [m.version for m in app.file.migrated] == [SCHEMA_VERSION + 1]
    app.close(backup=False)
    backups = list((tmp_path / "company.backups").glob("*before-migration*"))
    assert len(backups) == 1
    # opening again with the same list: nothing left to do
    app = auth.log_in(path, OWNER, OWNER_PASSWORD, migrations=[step])
    assert app.file.migrated == []
    app.close(backup=False)
    # an app that only knows the old schema refuses the newer file, untouched
    before = _snapshot(path)
    with pytest.raises(SchemaTooNew) as err:
        auth.log_in(path, OWNER, OWNER_PASSWORD, migrations=[])
    assert "更新版本" in err.value.text("zh")
    assert _snapshot(path) == before


def test_failed_migration_rolls_back_and_keeps_backup(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    path = app.file.path
    app.close(backup=False)

    def broken(conn: object) -> None:
        from sqlalchemy import Connection

        assert isinstance(conn, Connection)
        conn.exec_driver_sql("ALTER TABLE company ADD COLUMN half VARCHAR(10)")
        raise RuntimeError("crash half-way")

    with pytest.raises(RuntimeError):
        auth.log_in(
            path, OWNER, OWNER_PASSWORD, migrations=[Migration(SCHEMA_VERSION + 1, "x", broken)]
        )
    app = auth.log_in(path, OWNER, OWNER_PASSWORD, migrations=[])
    with app.read() as s:
        cols = [r[1] for r in s.connection().exec_driver_sql("PRAGMA table_info(company)")]
    assert "half" not in cols
    app.close(backup=False)
