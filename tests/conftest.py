"""Test-wide settings and fixtures: offscreen Qt, fast key derivation, fresh company files."""

from __future__ import annotations

import gc
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Qt aborts looking for xcb without a display; every GUI test runs offscreen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep scrypt cheap in tests; the cost is stored per key slot, so files stay openable.
os.environ.setdefault("TIDUI_TEST_FAST_KDF", "1")

from hypothesis import settings

from core.session import AppSession

# Property tests judge results, not speed: a first example that pays for an import, or a busy CI
# machine, must not fail a test on hypothesis' 200 ms deadline (speed lives in bench/).
settings.register_profile("tidui", deadline=None)
settings.load_profile("tidui")

OWNER = "boss"
OWNER_PASSWORD = "owner-pass-1"
DATA = Path(__file__).resolve().parent / "data"
# Byte-for-byte copies of the product's sample store exports (never edited): CI clones only this repository.
SAMPLES = DATA / "samples"


@pytest.fixture(autouse=True)
def _language_kept() -> Iterator[None]:
    """A test that runs the CLI with --lang en (or switches the GUI) switches the process's
    language; the next test must read the default again, whatever order the tests run in."""
    from core import i18n

    before = i18n.current_language()
    yield
    if i18n.current_language() != before:
        i18n.set_language(before)


@pytest.fixture
def english(qapp: object) -> Iterator[None]:
    """The GUI and core messages in English for this test, Chinese again after it."""
    from desktop import i18n

    i18n.install("en")
    try:
        yield
    finally:
        i18n.install("zh")


@pytest.fixture(autouse=True)
def _garbage_on_the_test_thread() -> Iterator[None]:
    """As in the app (desktop/viewmodels/gc_guard.py): the cyclic collector never runs on a pool
    thread, where freeing a viewmodel left in a reference cycle crashes Qt (CI rc 139). Garbage
    of each test is collected here, on the test's own thread, once its background work is done."""
    gc.disable()
    yield
    _finish_background_work()
    gc.collect()


def _finish_background_work() -> None:
    """GUI tests may leave a recompute running on the thread pool: let it end before the file
    closes under it (only when Qt is loaded at all, so core tests stay Qt-free)."""
    if "PySide6.QtCore" in sys.modules:
        from desktop.viewmodels import worker

        worker.wait_all()


def make_company(
    folder: Path, template: str = "none", name: str = "悦颜美妆"
) -> tuple[AppSession, str]:
    from core.services.admin import auth

    return auth.create_company(
        folder / "company.tidui", name, OWNER, OWNER_PASSWORD, "王老板", template
    )


def older_file(app: AppSession, version: int, *undo: str) -> Path:
    """``app``'s file made a file of schema ``version`` (``undo``: SQL taking out what the later
    migrations add) and closed: what a shop has after using an older Tidui."""
    from sqlalchemy import text

    path = app.file.path
    with app.uow() as uow:
        conn = uow.session.connection()
        for sql in undo:
            conn.exec_driver_sql(sql)
        conn.execute(
            text("UPDATE file_meta SET value = :v WHERE key = 'schema_version'"),
            {"v": str(version)},
        )
        uow.commit()
    app.close(backup=False)
    return path


def as_older_schema(app: AppSession, version: int, *undo: str) -> AppSession:
    """``older_file``, logged in again: the migrations run as they do when a shop opens a file
    from an older Tidui. Returns the new log-in."""
    from core.services.admin import auth

    return auth.log_in(older_file(app, version, *undo), OWNER, OWNER_PASSWORD)


@pytest.fixture
def company(tmp_path: Path) -> Iterator[AppSession]:
    """A new, empty company file logged in as the owner; closed (without backup) afterwards."""
    app, _ = make_company(tmp_path)
    yield app
    _finish_background_work()
    app.close(backup=False)


@pytest.fixture
def company_home(tmp_path: Path) -> Iterator[AppSession]:
    """A company file started from built-in Template A (家居)."""
    app, _ = make_company(tmp_path, "home")
    yield app
    _finish_background_work()
    app.close(backup=False)


@pytest.fixture
def company_beauty(tmp_path: Path) -> Iterator[AppSession]:
    """A company file started from built-in Template B (美妆)."""
    app, _ = make_company(tmp_path, "beauty")
    yield app
    _finish_background_work()
    app.close(backup=False)


def as_role(app: AppSession, login: str, role: str, password: str = "other-pass-1") -> AppSession:
    """Add a user with ``role`` and return a session acting as them on the same open file."""
    from core.services.admin import users

    users.add_user(app, login, login, role, password)
    from core.services.admin.auth import unlock_again

    return unlock_again(app, login, password)


# -- the demo company: built once per test process, copied per test -------------------------------

DEMO_LOGIN = "demo"
DEMO_PASSWORD = "tidui-demo"
# what makes a company file whole on disk (the ".lock" beside it is the open file's, not copied)
COMPANY_FILES = ("", ".keys", ".audit")


def copy_company(source: Path, folder: Path, name: str = "demo.tidui") -> Path:
    """A byte-for-byte copy of the company file ``source`` (key slots and audit anchor too)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    for suffix in COMPANY_FILES:
        if Path(str(source) + suffix).exists():
            shutil.copy(str(source) + suffix, str(path) + suffix)
    return path


@pytest.fixture(scope="session")
def demo_sources(tmp_path_factory: pytest.TempPathFactory) -> Callable[[bool], Path]:
    """``source(with_cases)``: the demo company (core.services.demo.create_demo), built at the
    first call in this process (each pytest-xdist worker has its own) and never opened after:
    building it takes seconds, copying it milliseconds. Tests use ``fresh_demo``."""
    from core.services import demo

    built: dict[bool, Path] = {}

    def source(with_cases: bool) -> Path:
        if with_cases not in built:
            folder = tmp_path_factory.mktemp("demo-cases" if with_cases else "demo-no-cases")
            path = folder / "demo.tidui"
            demo.create_demo(path, DEMO_LOGIN, DEMO_PASSWORD, with_cases=with_cases)
            built[with_cases] = path
        return built[with_cases]

    return source


@pytest.fixture
def fresh_demo(demo_sources: Callable[[bool], Path], tmp_path: Path) -> Callable[..., Path]:
    """``fresh_demo(with_cases=True)``: this test's own copy of the demo company file, in its
    tmp_path, exactly as create_demo leaves it (log in as demo / tidui-demo)."""

    def make(with_cases: bool = True) -> Path:
        return copy_company(demo_sources(with_cases), tmp_path)

    return make
