"""Kill harness: ``tidui-cli import`` / ``user add`` / ``user disable`` / ``backup`` / ``restore`` /
``case create`` / ``case act --approve`` / ``case decide`` SIGKILLed at random points; after every
kill the lock is free, the file opens, ``verify`` passes (integrity, audit chain and its anchor,
slots and accounts agree) and the operation is all there or not there at all.

Each kill runs on a fresh copy of one prepared company, at a uniformly random point between the
CLI's start-up and the end of an unkilled run of the same command (measured first), so most kills
land inside the work rather than in the interpreter's start. Kills alternate between two clocks:
the process's own CPU time, read from /proc while it runs (on a busy machine a run takes longer by
the wall clock, and a kill timed by it alone would nearly always land before the commit), and the
wall clock (CPU time hardly moves while a backup copies and fsyncs, so the CPU clock alone would
rarely land there); only the wall clock where there is no /proc. ``user disable`` re-keys the file
(new key, PRAGMA rekey, slots re-sealed, the audit anchor re-authenticated). A case operation is
"all there" when the case (state, waiting step, trail), the audit entries and, for a decision
that takes effect at once, the grade change, the employee's level and salary and the granted
permissions are exactly as after an unkilled run, and "absent" when they are exactly as before.

Quick size in the suite: ``TIDUI_KILLS`` kills per operation (default 2, i.e. 16 in all). The long
run: ``TIDUI_KILLS=125 pytest -q -s -m slow tests/e2e/test_kill_harness.py`` (1,000 kills). The
seed is printed on failure and can be fixed with ``TIDUI_KILL_SEED``.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.domain.cases import CaseState
from core.errors import FileInUse, TiduiError
from core.model import (
    AuditEntry,
    Employee,
    Entitlement,
    GradeChange,
    ImportBatch,
    PromotionCase,
    StoreDayFact,
    User,
)
from core.services.admin import auth, maintenance, users
from core.services.eligibility import readiness
from core.services.imports import engine as imports
from core.services.promotion import cases
from core.session import AppSession
from core.storage import backup as backups
from core.storage.anchor import anchor_path
from core.storage.company_file import keys_path_for
from core.storage.lock import CompanyLock
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow

PASSWORD = "owner-pass-1"
NEW_PASSWORD = "hr-pass-12345"
KILLS = int(os.environ.get("TIDUI_KILLS", "2"))
SEED = int(os.environ.get("TIDUI_KILL_SEED", str(random.randrange(1 << 30))))
DAILY = SAMPLES / "【生意参谋平台】店铺整体_日_悦颜美妆旗舰店_2024-01-01_2024-06-30.xls"
# Three 运营助理 of the sample roster: one proposed by a killed `case create`, one whose case
# waits at its first step, one whose case every step has approved (waiting for the decision).
TO_CREATE, TO_APPROVE, TO_DECIDE = "E014", "E006", "E007"
MOVE = "运营专员"


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
    """A beauty company with the sample roster and store owners (what the import needs) and an
    HR account; made in-process (the CLI's start-up would cost a second a step)."""
    app, _ = auth.create_company(
        tmp_path_factory.mktemp("kill-base") / "悦颜.tidui",
        "悦颜美妆",
        "boss",
        PASSWORD,
        "",
        "beauty",
    )
    try:
        for name in ("员工花名册.xlsx", "店铺负责人.xlsx"):
            imports.import_file(app, SAMPLES / name)
        users.add_user(app, "hr8", "人事", "hr", NEW_PASSWORD)
        return app.file.path
    finally:
        app.close(backup=False)


def _propose(app: AppSession, no: str) -> int:
    with app.read() as s:
        emp = s.scalars(select(Employee).where(Employee.no == no)).one()
        assert emp.level_id is not None
        (move,) = [m for m in readiness.transitions_out_of(s, emp.level_id) if m.to_level == MOVE]
        employee_id = emp.id
    return cases.create_case(app, employee_id, transition_id=move.id, reason="大促表现突出")


@dataclass(frozen=True)
class Setup:
    """What the operations start from (made once per module)."""

    base: Path
    with_cases: Path  # the base plus a case waiting at its first step and an approved one
    waiting_case: int
    approved_case: int
    salary: int  # the approved case's new salary, inside the new level's band
    restore_backup: Path  # a backup of the base plus one import


@pytest.fixture(scope="module")
def setup(base: Path, tmp_path_factory: pytest.TempPathFactory) -> Setup:
    folder = tmp_path_factory.mktemp("kill-setup")
    app = auth.log_in(_copy_pair(base, folder / "source"), "boss", PASSWORD)
    try:
        imports.import_file(app, DAILY, store="悦颜美妆旗舰店")
        restore_backup = app.file.backup(folder / "bk")
    finally:
        app.close(backup=False)
    with_cases = _copy_pair(base, folder / "cases")
    app = auth.log_in(with_cases, "boss", PASSWORD)
    try:
        waiting = _propose(app, TO_APPROVE)
        approved = _propose(app, TO_DECIDE)
        while cases.act(app, approved, "approve") is not CaseState.APPROVED:
            pass  # the owner approves each step on its behalf
        view = cases.view_case(app, approved)
        low = view.suggested_salary[0] if view.suggested_salary else view.salary_band[0]
        assert low is not None
    finally:
        app.close(backup=False)
    return Setup(base, with_cases, waiting, approved, int(low), restore_backup)


@dataclass
class State:
    batches: int
    day_facts: int
    employees: int
    users: list[str]
    # the promotion cases: (id, state, waiting step, trail actions)
    cases: list[tuple[int, str, int | None, tuple[str, ...]]]
    audit: dict[str, int]  # audit entries by action
    grades: list[tuple[int, int | None, int | None, int | None]]  # employee, level, salaries
    levels: list[tuple[str, int | None, int | None]]  # employee no, level, salary
    entitlements: int


def _open_and_check(path: Path) -> State:
    """The lock is free, the file opens and verifies; what it holds."""
    lock = CompanyLock(path)
    try:
        lock.acquire("kill-check")  # the killed process held it: the OS has let it go
    except FileInUse as error:
        raise AssertionError(f"the lock is still held: {error.text('zh')}") from None
    lock.release()
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
                cases=[
                    (c.id, c.state, c.step, tuple(step.action for step in c.steps))
                    for c in s.scalars(select(PromotionCase).order_by(PromotionCase.id))
                ],
                audit=dict(Counter(s.scalars(select(AuditEntry.action)))),
                grades=[
                    (g.employee_id, g.to_level_id, g.salary_before, g.salary_after)
                    for g in s.scalars(select(GradeChange).order_by(GradeChange.id))
                ],
                levels=[
                    (e.no, e.level_id, e.salary)
                    for e in s.scalars(select(Employee).order_by(Employee.no))
                ],
                entitlements=s.scalar(select(func.count()).select_from(Entitlement)) or 0,
            )
    finally:
        app.close(backup=False)


@dataclass
class Operation:
    name: str
    command: Callable[[Path, Path, Setup], list[str | Path]]  # (file, work folder, setup) -> argv
    check: Callable[[Path, Path, State, State], bool]  # -> whether the operation is there
    start: Callable[[Setup], Path] = lambda setup: setup.base  # the pair each run starts from


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
    after = _open_and_check(path)
    leftovers = [p.name for p in path.parent.iterdir() if p.name.startswith(".restore-")]
    assert not leftovers, leftovers  # the open (or the next restore) cleaned them
    if after.batches == before.batches:
        return False
    assert after.batches == full.batches
    return True


def _case_check(path: Path, work: Path, before: State, full: State) -> bool:
    """The case, its trail, the audit entries, the grade change, the employee's level and
    salary and the granted permissions: all as after an unkilled run, or all as before."""
    after = _open_and_check(path)
    assert before != full  # the operation changes something to look for
    if after == before:
        return False
    assert after == full, (after, full)
    return True


OPERATIONS = {
    "import": Operation(
        "import",
        lambda path, work, setup: ["import", path, DAILY, "--store", "悦颜美妆旗舰店"],
        _import_check,
    ),
    "user-add": Operation(
        "user-add",
        lambda path, work, setup: ["user", "add", path, "--login", "hr9", "--role", "hr"],
        _user_check,
    ),
    "user-disable": Operation(
        "user-disable",
        lambda path, work, setup: ["user", "disable", path, "--login", "hr8"],
        _disable_check,
    ),
    "backup": Operation(
        "backup",
        lambda path, work, setup: ["backup", path, "--to", work / "bk"],
        _backup_check,
    ),
    "restore": Operation(
        "restore",
        lambda path, work, setup: ["restore", setup.restore_backup, "--to", path],
        _restore_check,
    ),
    "case-create": Operation(
        "case-create",
        lambda path, work, setup: [
            "case",
            "create",
            path,
            "--employee",
            TO_CREATE,
            "--to",
            MOVE,
            "--reason",
            "直播间转化率提升明显",
        ],
        _case_check,
        lambda setup: setup.with_cases,
    ),
    "case-approve": Operation(
        "case-approve",
        lambda path, work, setup: ["case", "act", path, str(setup.waiting_case), "--approve"],
        _case_check,
        lambda setup: setup.with_cases,
    ),
    "case-decide": Operation(
        "case-decide",
        lambda path, work, setup: [
            "case",
            "decide",
            path,
            str(setup.approved_case),
            "--salary",
            str(setup.salary),
            # yesterday: the decision takes effect at once (grade change, level, salary)
            "--effective",
            (date.today() - timedelta(days=1)).isoformat(),
        ],
        _case_check,
        lambda setup: setup.with_cases,
    ),
}


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float | None:
    """The CPU time (user + system) a running process has used so far, None without /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / _TICK


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


@dataclass(frozen=True)
class Took:
    wall: float
    cpu: float


def _timed(*args: str | Path) -> Took:
    """Run the CLI to its end: how long it took by the clock and in CPU time."""
    cpu, wall = _children_cpu(), time.monotonic()
    _run(*args)
    return Took(time.monotonic() - wall, _children_cpu() - cpu)


@pytest.fixture(scope="module")
def startup() -> Took:
    """How long the CLI takes to start (kills before that only test the interpreter)."""
    cpu, wall = _children_cpu(), time.monotonic()
    subprocess.run(_cli("--help"), capture_output=True, env=_env(), timeout=120)
    return Took(time.monotonic() - wall, _children_cpu() - cpu)


def _kill_at(proc: subprocess.Popen[bytes], point: float, clock: str) -> None:
    """SIGKILL ``proc`` once it has used ``point`` seconds of CPU (``clock`` "cpu") or of
    wall time; a run that ends first is left ended."""
    if clock == "wall":
        time.sleep(point)
    else:
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            used = _cpu_of(proc.pid)
            if used is None or used >= point:
                break
            time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)


@pytest.mark.parametrize("op", list(OPERATIONS))
def test_killed_at_random_points_the_file_stays_whole(
    setup: Setup,
    startup: Took,
    tmp_path: Path,
    op: str,
    record_property: Callable[[str, object], None],
) -> None:
    rng = random.Random(f"{SEED}-{op}")
    operation = OPERATIONS[op]
    # an unkilled run: how long it takes, and what "fully there" looks like
    folder = tmp_path / "reference"
    path = _copy_pair(operation.start(setup), folder / "file")
    before = _open_and_check(path)
    took = _timed(*operation.command(path, folder, setup))
    full = _open_and_check(path)
    clocks = ("cpu", "wall") if _cpu_of(os.getpid()) is not None else ("wall",)
    spans = {
        "cpu": (min(startup.cpu, took.cpu * 0.8), took.cpu),
        "wall": (min(startup.wall, took.wall * 0.8), took.wall),
    }

    there = absent = 0
    for kill in range(KILLS):
        folder = tmp_path / f"kill-{kill}"
        path = _copy_pair(operation.start(setup), folder / "file")
        clock = clocks[kill % len(clocks)]
        point = rng.uniform(*spans[clock])
        proc = subprocess.Popen(
            _cli(*operation.command(path, folder, setup)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=_env(),
        )
        _kill_at(proc, point, clock)
        proc.wait(timeout=60)
        try:
            done = operation.check(path, folder, before, full)
        except AssertionError as error:
            raise AssertionError(
                f"{op}: kill {kill} at {point:.2f}s ({clock}, seed {SEED}): {error}"
            ) from None
        there += done
        absent += not done
        shutil.rmtree(folder, ignore_errors=True)
    record_property("kills", KILLS)
    print(
        f"\n{op}: {KILLS} kills (seed {SEED}, {'/'.join(clocks)} clock): {there} fully done,"
        f" {absent} fully absent"
    )
