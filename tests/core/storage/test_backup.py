"""Backups are encrypted, rotate, and restore only when they check out."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from core.errors import CorruptFile, FileInUse
from core.services.admin import auth, maintenance, users
from core.storage import backup as backups
from tests.conftest import OWNER, OWNER_PASSWORD, make_company


def test_backup_is_encrypted_and_restores(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    users.add_user(app, "hr1", "小王", "hr", "hr-pass-123")
    made = app.file.backup(tmp_path / "bk")
    app.close(backup=False)
    with zipfile.ZipFile(made) as zf:
        assert sorted(zf.namelist()) == [
            "data.tidui",
            "data.tidui.audit",
            "data.tidui.keys",
            "manifest.json",
        ]
        assert not zf.read("data.tidui").startswith(b"SQLite format 3")
    target = tmp_path / "restored.tidui"
    result = maintenance.restore(made, target, OWNER, OWNER_PASSWORD)
    assert result.path == target and result.previous_backup is None
    app = auth.log_in(target, "hr1", "hr-pass-123")
    assert app.actor.role == "hr"
    app.close(backup=False)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".restore-")]


def test_restore_over_existing_keeps_a_copy(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    path = app.file.path
    made = app.file.backup(tmp_path / "bk")
    users.add_user(app, "later", "后来", "hr", "hr-pass-123")
    app.close(backup=False)
    result = maintenance.restore(made, path, OWNER, OWNER_PASSWORD)
    assert result.previous_backup is not None and Path(result.previous_backup).exists()
    app = auth.log_in(path, OWNER, OWNER_PASSWORD)
    assert [u.login for u in users.list_users(app)] == [OWNER]
    app.close(backup=False)


def test_restore_refuses_while_target_is_open(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    made = app.file.backup(tmp_path / "bk")
    with pytest.raises(FileInUse):
        maintenance.restore(made, app.file.path, OWNER, OWNER_PASSWORD)
    app.close(backup=False)


def test_tampered_backup_is_refused(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    made = app.file.backup(tmp_path / "bk")
    app.close(backup=False)
    bad = tmp_path / "bad.tidui.zip"
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(bad, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "data.tidui":
                data = data[:-10] + b"0123456789"
            dst.writestr(name, data)
    with pytest.raises(CorruptFile) as err:
        maintenance.restore(bad, tmp_path / "x.tidui", OWNER, OWNER_PASSWORD)
    assert "校验值" in err.value.text("zh")
    assert not (tmp_path / "x.tidui").exists()


def test_close_backups_rotate(tmp_path: Path) -> None:
    app, _ = make_company(tmp_path)
    path = app.file.path
    app.close(backup=True)
    for _ in range(backups.KEEP_NEWEST + 2):
        auth.log_in(path, OWNER, OWNER_PASSWORD).close(backup=True)
    kept = list(backups.default_backup_dir(path).glob("*-close.tidui.zip"))
    assert len(kept) == backups.KEEP_NEWEST  # all made today: the newest few


def test_rotation_keeps_7_daily_4_weekly_12_monthly(tmp_path: Path) -> None:
    from datetime import datetime, timedelta

    folder = tmp_path / "b"
    folder.mkdir()
    start = datetime(2025, 6, 30, 18, 0)
    made = []
    for day in range(500):  # a backup every evening for 500 days, two on some days
        for hour in (9, 18) if day % 3 == 0 else (18,):
            when = (start - timedelta(days=day)).replace(hour=hour)
            name = f"悦颜-{when:%Y%m%d-%H%M%S}-123-close.tidui.zip"
            (folder / name).write_bytes(b"")
            made.append(when)
    manual = folder / "悦颜-20200101-000000-000-manual.tidui.zip"
    manual.write_bytes(b"")
    stranger = folder / "悦颜-二店-20250630-180000-000-close.tidui.zip"
    stranger.write_bytes(b"")
    backups.rotate(folder, "悦颜")
    kept = sorted(
        backups.backup_time(p, "悦颜")
        for p in folder.glob("悦颜-2*.zip")
        if p not in (manual, stranger)
    )
    newest = sorted(made, reverse=True)
    days = sorted({w.date() for w in newest})[-7:]
    assert {w.date() for w in kept} >= set(days)
    weeks = {w.isocalendar()[:2] for w in kept}
    months = {(w.year, w.month) for w in kept}
    assert len(months) == 12 and len(weeks) >= 4
    assert len(kept) <= backups.KEEP_NEWEST + 7 + 4 + 12
    assert max(kept) == newest[0]
    assert manual.exists() and stranger.exists()
