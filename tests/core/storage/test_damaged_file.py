"""A damaged company file is said to be damaged in words, and nothing writes into it or backs
it up; restores keep the key file private; killed backups and restores leave nothing behind."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import CorruptFile, TiduiError
from core.services.admin import auth, maintenance
from core.storage import backup as backups
from core.storage.company_file import keys_path_for
from tests.conftest import OWNER, OWNER_PASSWORD, SAMPLES, make_company

PAGE = 4096


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TIDUI_TEST_FAST_KDF": "1", "TIDUI_PASSWORD": OWNER_PASSWORD}
    return subprocess.run(
        [sys.executable, "-m", "core.cli.main", "--lang", "en", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    """A company file (template B: several pages) with one byte flipped in a data page that
    log-in itself does not read."""
    app, _ = make_company(tmp_path, "beauty")
    path = app.file.path
    app.close(backup=False)
    good = path.read_bytes()
    for page in range(len(good) // PAGE - 1, 1, -1):
        data = bytearray(good)
        data[page * PAGE + PAGE // 2] ^= 0x5A
        path.write_bytes(bytes(data))
        try:
            auth.log_in(path, OWNER, OWNER_PASSWORD).close(backup=False)
        except TiduiError:
            continue
        return path
    pytest.fail("no page could be damaged without breaking log-in")


def test_verify_says_the_file_is_damaged_in_words(damaged: Path) -> None:
    app = auth.log_in(damaged, OWNER, OWNER_PASSWORD)
    try:
        report = maintenance.verify(app)
    finally:
        app.close(backup=False)
    assert not report.ok
    done = run_cli("verify", damaged)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "damaged" in done.stderr or "integrity" in done.stderr.lower()


def test_import_and_backup_refuse_a_damaged_file_and_leave_it_as_it_is(damaged: Path) -> None:
    before = digest(damaged), digest(keys_path_for(damaged))
    done = run_cli("import", damaged, SAMPLES / "员工花名册.xlsx")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "damaged" in done.stderr
    folder = damaged.parent / "backups"
    done = run_cli("backup", damaged, "--to", folder)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "damaged" in done.stderr
    assert not folder.exists() or not list(folder.glob("*.zip"))
    assert (digest(damaged), digest(keys_path_for(damaged))) == before
    app = auth.log_in(damaged, OWNER, OWNER_PASSWORD)
    try:
        with pytest.raises(CorruptFile) as caught:
            app.file.backup(folder, reason="close")
        assert caught.value.code == "file.damaged"
    finally:
        app.file.engine.dispose()
        app.file.lock.release()


def test_a_session_reads_every_page_once_before_writing_and_every_backup_reads_them_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three years of orders make the whole-file check 1.6 s: an import must not pay it each
    time, a backup (which must never copy a damaged file) does."""
    from core.services.imports import engine as imports
    from core.storage import company_file

    checks: list[str] = []
    real = company_file.damage

    def counted(engine: object) -> list[str]:
        checks.append("checked")
        return real(engine)  # type: ignore[arg-type]

    monkeypatch.setattr(company_file, "damage", counted)
    app, _ = make_company(tmp_path, "beauty")
    try:
        imports.import_file(app, SAMPLES / "员工花名册.xlsx")
        imports.import_file(app, SAMPLES / "店铺负责人.xlsx")
        assert checks == ["checked"]
        app.file.backup(tmp_path / "backups")
        app.file.backup(tmp_path / "backups")
        assert checks == ["checked"] * 3
    finally:
        app.close(backup=False)


def test_a_restore_writes_the_key_file_owner_only(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    made = app.file.backup(tmp_path / "b")
    app.close(backup=False)
    target = tmp_path / "restored.tidui"
    maintenance.restore(made, target, OWNER, OWNER_PASSWORD)
    assert stat.S_IMODE(keys_path_for(target).stat().st_mode) == 0o600
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_leftovers_of_killed_backups_and_restores_are_cleaned_at_the_next_run(
    tmp_path: Path,
) -> None:
    app, _ = make_company(tmp_path)
    path = app.file.path
    folder = backups.default_backup_dir(path)
    folder.mkdir()
    stale_backup = folder / f".backup.{path.stem}.k1ll3d.tmp"
    stale_backup.write_bytes(b"x" * 1000)
    other = folder / ".backup.another-company.abc.tmp"
    other.write_bytes(b"x")
    app.file.backup(reason="manual")
    assert not stale_backup.exists() and other.exists()
    app.close(backup=False)

    staging = path.with_name(f".restore-20250101-000000-{path.name}")
    leftovers = [
        staging,
        keys_path_for(staging),
        Path(f"{staging}.lock"),
        Path(f"{staging}.lock.json"),
        path.with_name(f".{path.name}.restore.tmp"),
        path.with_name(f".{keys_path_for(path).name}.abc123.tmp"),
    ]
    for leftover in leftovers:
        leftover.write_bytes(b"y" * 100)
    auth.log_in(path, OWNER, OWNER_PASSWORD).close(backup=False)
    assert [p.name for p in leftovers if p.exists()] == []
    assert path.exists() and keys_path_for(path).exists()


@pytest.mark.parametrize("dies_at", [1, 2, 3])
def test_restore_killed_between_its_renames_is_finished_at_the_next_open(
    tmp_path: Path, dies_at: int
) -> None:
    """The anchor, key file and data file are renamed onto the target one by one; a process
    that dies after any of them leaves a journal the next open finishes: the restored trio."""
    import textwrap

    from core.model import User
    from core.services.admin import users

    app, _ = make_company(tmp_path)
    made = app.file.backup(tmp_path / "bk")
    users.add_user(app, "hr1", "小王", "hr", "hr-pass-123")  # after the backup
    path = app.file.path
    app.close(backup=False)
    script = textwrap.dedent(
        f"""
        import os
        os.environ["TIDUI_TEST_FAST_KDF"] = "1"
        from core.storage import company_file
        from core.services.admin import maintenance
        real, calls = os.replace, []
        trio = {{os.path.basename(p) for p in ({str(path)!r}, {str(path) + ".keys"!r},
                {str(path) + ".audit"!r})}}
        def replace(src, dst):
            real(src, dst)
            if os.path.basename(str(dst)) in trio:
                calls.append(dst)
                if len(calls) == {dies_at}:
                    os._exit(9)  # as SIGKILL: no clean-up runs
        os.replace = replace
        maintenance.restore({str(made)!r}, {str(path)!r}, {OWNER!r}, {OWNER_PASSWORD!r})
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 9, done.stderr
    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    try:
        report = maintenance.verify(app)
        assert report.ok, [m.text("zh") for m in report.problems]
        assert app.warnings == []
        with app.read() as s:
            assert [u.login for u in s.query(User)] == [OWNER]  # the backup's accounts
    finally:
        app.close(backup=False)
    assert not [p.name for p in path.parent.iterdir() if ".restore" in p.name]
