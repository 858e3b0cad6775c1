"""Kill harness: ``tidui-cli import`` / ``user add`` / ``backup`` / ``restore`` SIGKILLed at random
points; after every kill the file opens (so the lock is free), ``verify`` passes (integrity, audit
chain and its anchor, slots and accounts agree) and the operation is all there or not there at all.

Each kill runs on a fresh copy of one prepared company, at a uniformly random moment between the
CLI's start-up and the end of an unkilled run of the same command (measured first), so most kills
land inside the work rather than in the interpreter's start. ``user disable`` re-keys the file
(new key, PRAGMA rekey, slots re-sealed, the audit anchor re-authenticated).

Quick size in the suite: ``TIDUI_KILLS`` kills per operation (default 2, i.e. 10 in all). The long
run: ``TIDUI_KILLS=200 pytest -q -m slow tests/e2e/test_kill_harness.py`` (1,000 kills). The seed
is printed on failure and can be fixed with ``TIDUI_KILL_SEED``.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.errors import TiduiError
from core.model import Employee, ImportBatch, StoreDayFact, User
from core.services.admin import auth, maintenance
from core.storage import backup as backups
from core.storage.anchor import anchor_path
from core.storage.company_file import keys_path_for
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow

PASSWORD = "owner-pass-1"
NEW_PASSWORD = "hr-pass-12345"
KILLS = int(os.environ.get("TIDUI_KILLS", "2"))
SEED = int(os.environ.get("TIDUI_KILL_SEED", str(random.randrange(1 << 30))))
DAILY = SAMPLES / "【生意参谋平台】店铺整体_日_悦颜美妆旗舰店_2024-01-01_2024-06-30.xls"


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "TIDUI_TEST_FAST_KDF": "1",
        "TIDUI_PASSWORD": PASSWORD,
        "TIDUI_NEW_PASSWORD": NEW_PASSWORD,
    }


def _cli(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "core.cli.main", *map(str, args)]


def _run(*args: str | Path) -> None:
    done = subprocess.run(_cli(*args), capture_output=True, text=True, env=_env(), timeout=300)
    assert done.returncode == 0, done.stderr


def _copy_pair(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True)
    target = folder / source.name
    for part in (source, keys_path_for(source), anchor_path(source)):
        if part.exists():
            shutil.copy2(part, folder / part.name.replace(source.name, target.name))
    return target


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A beauty company with the sample roster and store owners (what the import needs)."""
    path = tmp_path_factory.mktemp("kill-base") / "悦颜.tidui"
    _run("init", path, "--company", "悦颜美妆", "--owner", "boss", "--template", "beauty")
    _run("import", path, SAMPLES / "员工花名册.xlsx")
    _run("import", path, SAMPLES / "店铺负责人.xlsx")
    _run("user", "add", path, "--login", "hr8", "--role", "hr")
    return path


@dataclass
class State:
    batches: int
    day_facts: int
    employees: int
    users: list[str]


def _open_and_check(path: Path) -> State:
    """The file opens (its lock is free) and verifies; what it holds."""
    app = auth.log_in(path, "boss", PASSWORD)
    try:
        report = maintenance.verify(app)
        assert report.ok, [m.text("zh") for m in report.problems]
        assert app.warnings == [], [w.text("zh") for w in app.warnings]
        with app.read() as s:
            return State(
                batches=s.scalar(select(func.count()).select_from(ImportBatch)) or 0,
                day_facts=s.scalar(select(func.count()).select_from(StoreDayFact)) or 0,
                employees=s.scalar(select(func.count()).select_from(Employee)) or 0,
                users=sorted(s.scalars(select(User.login))),
            )
    finally:
        app.close(backup=False)


@dataclass
class Operation:
    name: str
    command: Callable[[Path, Path], list[str | Path]]  # (company file, work folder) -> argv
    check: Callable[[Path, Path, State, State], bool]  # -> whether the operation is there


def _import_check(path: Path, work: Path, before: State, full: State) -> bool:
    after = _open_and_check(path)
    if after.batches == before.batches:
        assert after.day_facts == before.day_facts
        return False
    assert (after.batches, after.day_facts) == (full.batches, full.day_facts)
    return True


def _user_check(path: Path, work: Path, before: State, full: State) -> bool:
    after = _open_and_check(path)  # verify: no slot without its account, nor the reverse
    if "hr9" not in after.users:
        assert after.users == before.users
        return False
    auth.log_in(path, "hr9", NEW_PASSWORD).close(backup=False)
    return True


def _disable_check(path: Path, work: Path, before: State, full: State) -> bool:
    """Disabling re-keys the file: after a kill either the old key still opens everything and
    hr8 too, or the new key does and hr8 is refused; verify (anchor re-MAC'd) passes either way."""
    _open_and_check(path)
    try:
        auth.log_in(path, "hr8", NEW_PASSWORD).close(backup=False)
    except TiduiError:
        return True
    return False


def _backup_check(path: Path, work: Path, before: State, full: State) -> bool:
    _open_and_check(path)
    folder = work / "bk"
    made = sorted(folder.glob(f"*{backups.BACKUP_SUFFIX}")) if folder.exists() else []
    for backup in made:  # a backup that is there is whole
        backups.read_manifest(backup)
        with zipfile.ZipFile(backup) as zf:
            assert "data.tidui" in zf.namelist()
    # the next backup clears what the killed one left behind
    _run("backup", path, "--to", folder)
    assert not list(folder.glob(".backup.*.tmp"))
    return bool(made)


def _restore_check(path: Path, work: Path, before: State, full: State) -> bool:
    target = work / "target" / path.name
    after = _open_and_check(target)
    leftovers = [p.name for p in target.parent.iterdir() if p.name.startswith(".restore-")]
    assert not leftovers, leftovers  # the open (or the next restore) cleaned them
    if after.batches == before.batches:
        return False
    assert after.batches == full.batches
    return True


def _prepare_restore(path: Path, work: Path) -> None:
    """Restore target: the base pair (no import); the backup: the base plus one import."""
    target = _copy_pair(path, work / "target")
    source = _copy_pair(path, work / "source")
    _run("import", source, DAILY, "--store", "悦颜美妆旗舰店")
    _run("backup", source, "--to", work / "bk-source")
    assert target.exists()


OPERATIONS = {
    "import": Operation(
        "import",
        lambda path, work: ["import", path, DAILY, "--store", "悦颜美妆旗舰店"],
        _import_check,
    ),
    "user-add": Operation(
        "user-add",
        lambda path, work: ["user", "add", path, "--login", "hr9", "--role", "hr"],
        _user_check,
    ),
    "user-disable": Operation(
        "user-disable",
        lambda path, work: ["user", "disable", path, "--login", "hr8"],
        _disable_check,
    ),
    "backup": Operation(
        "backup",
        lambda path, work: ["backup", path, "--to", work / "bk"],
        _backup_check,
    ),
    "restore": Operation(
        "restore",
        lambda path, work: [
            "restore",
            next((work / "bk-source").glob(f"*{backups.BACKUP_SUFFIX}")),
            "--to",
            work / "target" / path.name,
        ],
        _restore_check,
    ),
}


def _fresh(base: Path, folder: Path, op: str) -> Path:
    path = _copy_pair(base, folder / "file")
    if op == "restore":
        _prepare_restore(path, folder)
    return path


def _subject(path: Path, folder: Path, op: str) -> Path:
    return folder / "target" / path.name if op == "restore" else path


@pytest.mark.parametrize("op", list(OPERATIONS))
def test_killed_at_random_points_the_file_stays_whole(
    base: Path, tmp_path: Path, op: str, record_property: Callable[[str, object], None]
) -> None:
    rng = random.Random(f"{SEED}-{op}")
    operation = OPERATIONS[op]
    # an unkilled run: how long it takes, and what "fully there" looks like
    folder = tmp_path / "reference"
    path = _fresh(base, folder, op)
    before = _open_and_check(_subject(path, folder, op))
    start = time.monotonic()
    _run(*operation.command(path, folder))
    duration = time.monotonic() - start
    full = _open_and_check(_subject(path, folder, op))
    started = time.monotonic()
    subprocess.run(_cli("--help"), capture_output=True, env=_env(), timeout=120)
    startup = min(time.monotonic() - started, duration * 0.8)

    there = absent = 0
    for kill in range(KILLS):
        folder = tmp_path / f"kill-{kill}"
        path = _fresh(base, folder, op)
        delay = rng.uniform(startup, duration)
        proc = subprocess.Popen(
            _cli(*operation.command(path, folder)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_env(),
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        try:
            done = operation.check(path, folder, before, full)
        except AssertionError as error:
            raise AssertionError(
                f"{op}: kill {kill} after {delay:.2f}s (seed {SEED}): {error}"
            ) from None
        there += done
        absent += not done
        shutil.rmtree(folder, ignore_errors=True)
    record_property("kills", KILLS)
    print(f"\n{op}: {KILLS} kills (seed {SEED}): {there} fully done, {absent} fully absent")
