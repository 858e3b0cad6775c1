"""A full disk during an import, a backup, an export or a key-slot write: one clear sentence (no traceback), the
company file pair byte for byte unchanged, and no temp files left behind.

Two ways to fill the disk: a real 8 MiB tmpfs with a filler file (needs root and mount, as on
the CI runner and the dev container; skipped elsewhere), and fault injection that runs
everywhere (SQLite's ``max_page_count`` makes the database hit SQLITE_FULL; an ``OSError
ENOSPC`` raised from the write path for the zip and xlsx writers).
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from core.errors import DiskFull
from core.services.admin import auth, maintenance
from core.services.archive.personal_export import export_roster
from core.services.imports import engine as imports
from core.session import AppSession
from core.storage.anchor import anchor_path
from core.storage.company_file import keys_path_for
from tests.conftest import OWNER, OWNER_PASSWORD, SAMPLES, make_company

DAILY = SAMPLES / "【生意参谋平台】店铺整体_日_悦颜美妆旗舰店_2024-01-01_2024-06-30.xls"


def _pair(path: Path) -> dict[str, str]:
    return {
        part.name: hashlib.sha256(part.read_bytes()).hexdigest()
        for part in (path, keys_path_for(path), anchor_path(path))
        if part.exists()
    }


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*"))


def _temp_files(folder: Path) -> list[str]:
    return [
        name
        for name in _names(folder)
        if name.endswith((".tmp", "-journal", ".creating")) or name.startswith(".restore-")
    ]


# -- fault injection (runs everywhere) -------------------------------------------------------


@pytest.fixture
def people(tmp_path: Path) -> Iterator[AppSession]:
    app, _ = make_company(tmp_path, "beauty")
    for name in ("员工花名册.xlsx", "店铺负责人.xlsx"):
        imports.import_file(app, SAMPLES / name)
    yield app
    app.close(backup=False)


def _database_full(app: AppSession) -> None:
    """From now on the data file cannot grow by a page: SQLite answers SQLITE_FULL."""
    engine = app.file.engine

    @event.listens_for(engine, "connect")
    def _cap(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        pages = cur.execute("PRAGMA page_count").fetchone()[0]
        cur.execute(f"PRAGMA max_page_count = {pages}")
        cur.close()

    engine.dispose()


def test_import_on_a_full_disk_says_so_and_changes_nothing(people: AppSession) -> None:
    path = people.file.path
    before = _pair(path)
    _database_full(people)
    with pytest.raises(DiskFull) as error:
        imports.import_file(people, DAILY, store="悦颜美妆旗舰店")
    assert "磁盘空间不足" in error.value.text("zh")
    assert "公司文件没有任何改动" in error.value.text("zh")
    people.file.engine.dispose()
    assert _pair(path) == before
    assert _temp_files(path.parent) == []


def _no_space(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_backup_on_a_full_disk_says_so_and_leaves_no_partial_zip(
    people: AppSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zipfile

    path = people.file.path
    before = _pair(path)
    folder = tmp_path / "usb"
    monkeypatch.setattr(zipfile.ZipFile, "writestr", _no_space)
    with pytest.raises(DiskFull) as error:
        people.file.backup(folder)
    assert "磁盘空间不足" in error.value.text("zh")
    assert list(folder.iterdir()) == []  # neither the zip nor its temp file
    assert maintenance.list_backups(people, folder) == []
    assert _pair(path) == before


def test_backup_that_fills_the_disk_half_way_through_the_data_is_not_listed(
    people: AppSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills while the data file is being copied into the zip: half a zip was on
    disk; it is removed, and 备份与恢复 lists no backup that would not restore."""
    from core.storage import backup as backups

    path = people.file.path
    before = _pair(path)
    folder = tmp_path / "usb"
    seen: list[int] = []

    def half_then_full(zf: Any, source: Path, name: str) -> str:
        with zf.open(name, "w", force_zip64=True) as out:
            out.write(source.read_bytes()[: source.stat().st_size // 2])
            zf.fp.flush()
            seen.append(sum(p.stat().st_size for p in folder.iterdir()))
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backups, "_copy_into", half_then_full)
    with pytest.raises(DiskFull) as error:
        people.file.backup(folder)
    monkeypatch.undo()
    assert seen and seen[0] > 0  # a partial zip did exist
    assert "磁盘空间不足" in error.value.text("zh")
    assert list(folder.iterdir()) == []
    assert maintenance.list_backups(people, folder) == []
    assert _pair(path) == before
    # with room again, the next backup is whole and restores
    made = people.file.backup(folder)
    assert [row.path for row in maintenance.list_backups(people, folder)] == [made]
    restored = maintenance.restore(made, tmp_path / "restored.tidui", OWNER, OWNER_PASSWORD)
    app = auth.log_in(restored.path, OWNER, OWNER_PASSWORD)
    try:
        assert maintenance.verify(app).ok
    finally:
        app.close(backup=False)


def test_export_on_a_full_disk_leaves_no_file_and_no_audit_entry(
    people: AppSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.storage import atomic

    out = tmp_path / "exports" / "花名册.xlsx"
    out.parent.mkdir()
    before = maintenance.verify(people).audit_entries
    monkeypatch.setattr(atomic.os, "fsync", _no_space)
    with pytest.raises(DiskFull):
        export_roster(people, out)
    monkeypatch.undo()
    assert list(out.parent.iterdir()) == []
    assert maintenance.verify(people).audit_entries == before


# -- a real full disk (a small tmpfs) ---------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr!r}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TIDUI_TEST_FAST_KDF": "1", "TIDUI_PASSWORD": OWNER_PASSWORD}
    return subprocess.run(
        [sys.executable, "-m", "core.cli.main", "--lang", "zh", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


def _fill(disk: Path, leave: int) -> None:
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    with (disk / "filler.bin").open("wb") as fh:
        fh.write(b"\0" * max(0, free - leave))


@pytest.mark.slow
def test_real_full_disk_import_backup_and_export_via_the_cli(small_disk: Path) -> None:
    path = small_disk / "悦颜.tidui"
    assert _cli("init", path, "--company", "悦颜", "--owner", OWNER, "--template", "beauty")
    for name in ("员工花名册.xlsx", "店铺负责人.xlsx"):
        assert _cli("import", path, SAMPLES / name).returncode == 0
    _fill(small_disk, 16 * 1024)
    before, names = _pair(path), _names(small_disk)
    for command in (
        ("import", path, DAILY, "--store", "悦颜美妆旗舰店"),
        ("backup", path, "--to", small_disk / "usb"),
        ("export", path, "--what", "roster", "--out", small_disk / "花名册.xlsx"),
    ):
        done = _cli(*command)
        assert done.returncode == 1, (command[0], done.stdout)
        assert "磁盘空间不足" in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert _pair(path) == before, command[0]
        assert [n for n in _names(small_disk) if n != "usb"] == names, command[0]
        assert _temp_files(small_disk) == []
    (small_disk / "filler.bin").unlink()
    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    try:
        assert maintenance.verify(app).ok
        assert maintenance.list_backups(app, small_disk / "usb") == []  # no half backup listed
    finally:
        app.close(backup=False)


def test_key_slot_write_on_a_full_disk_adds_no_account(
    company: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """user add stages the new key file before its commit: a full disk there rolls back."""
    from core.services.admin import users
    from core.storage import atomic

    path = company.file.path
    before = _pair(path)
    monkeypatch.setattr(atomic.os, "fsync", _no_space)
    with pytest.raises(DiskFull):
        users.add_user(company, "hr1", "小王", "hr", "hr-pass-123")
    monkeypatch.undo()
    assert [u.login for u in users.list_users(company)] == [OWNER]
    company.file.engine.dispose()
    assert _pair(path) == before
    assert _temp_files(path.parent) == []
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".pending")]
    assert maintenance.verify(company).ok
