"""The frozen app's support machinery: crash dialog and reports, support log, single instance,
and the ``tidui --screenshot`` hook CI's frozen smoke test drives."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QImage
from pytestqt.qtbot import QtBot

from desktop import runtime
from desktop.single_instance import SingleInstance, bring_forward
from tests.conftest import make_company
from tests.views.conftest import shot

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]


def _error_with_personal_data() -> tuple[type[BaseException], BaseException, object]:
    try:
        raise RuntimeError("import of '王芳' failed: password=owner-pass-1 id 330102199001011234")
    except RuntimeError as exc:
        return type(exc), exc, exc.__traceback__


def test_unexpected_error_shows_a_copyable_report_and_saves_it(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[runtime.CrashDialog] = []

    def fake_exec(dialog: runtime.CrashDialog) -> int:
        shown.append(dialog)
        qtbot.addWidget(dialog)
        return 0

    monkeypatch.setattr(runtime.CrashDialog, "exec", fake_exec)
    handler = runtime.CrashHandler(tmp_path / "logs")
    handler.handle(*_error_with_personal_data())  # type: ignore[arg-type]

    [dialog] = shown
    report = dialog.report.toPlainText()
    assert "RuntimeError: import of '<text>' failed: password=<hidden>" in report
    for secret in ("王芳", "owner-pass-1", "330102199001011234"):
        assert secret not in report
    saved = list((tmp_path / "logs").glob("crash-*.txt"))
    assert saved == [handler.last_path]
    assert saved[0].read_text(encoding="utf-8") == report
    assert str(saved[0]) in dialog.message.text()
    dialog.show()
    shot(dialog, "crash-dialog")
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == report
    assert dialog.copy_button.text() == "已复制"


def test_a_second_error_while_the_dialog_is_open_is_only_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[int] = []
    monkeypatch.setattr(runtime.CrashDialog, "exec", lambda self: opened.append(1) or 0)
    handler = runtime.CrashHandler(tmp_path)
    handler.showing = True
    handler.handle(*_error_with_personal_data())  # type: ignore[arg-type]
    assert opened == [] and len(list(tmp_path.glob("crash-*.txt"))) == 1


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_button_handler_shows_the_crash_dialog(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real path: an exception escapes a Qt slot, reaches sys.excepthook (the handler),
    the app keeps running and the user sees the report."""
    from PySide6.QtWidgets import QPushButton

    shown: list[runtime.CrashDialog] = []

    def fake_exec(dialog: runtime.CrashDialog) -> int:
        shown.append(dialog)
        qtbot.addWidget(dialog)
        return 0

    monkeypatch.setattr(runtime.CrashDialog, "exec", fake_exec)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    handler = runtime.CrashHandler(tmp_path / "logs")
    handler.install()
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)

    def broken() -> None:
        raise KeyError("employee 330102199001011234 missing")

    button = QPushButton("保存")
    qtbot.addWidget(button)
    button.clicked.connect(broken)
    button.show()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    report = shown[0].report.toPlainText()
    assert "KeyError" in report and "in broken" in report
    assert "330102199001011234" not in report
    assert [p.name for p in (tmp_path / "logs").glob("crash-*.txt")] == [handler.last_path.name]
    assert button.isVisible()  # nothing closed: the user carries on


def test_an_error_in_a_background_thread_is_saved_without_a_dialog_from_that_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[int] = []
    monkeypatch.setattr(runtime.CrashDialog, "exec", lambda self: opened.append(1) or 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    handler = runtime.CrashHandler(tmp_path)
    handler.install()

    def job() -> None:
        raise ValueError("password=owner-pass-1")

    thread = threading.Thread(target=job, name="import-worker")
    thread.start()
    thread.join()
    [saved] = tmp_path.glob("crash-*.txt")
    text = saved.read_text(encoding="utf-8")
    assert "thread: import-worker" in text and "password=<hidden>" in text
    assert "owner-pass-1" not in text
    assert opened == []  # widgets only from the main thread


def test_crash_dialog_opens_the_log_folder_and_closes(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    saved = tmp_path / "logs" / "crash-1.txt"
    dialog = runtime.CrashDialog("Tidui crash report\n", saved)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    assert [url.toLocalFile() for url in opened] == [str(saved.parent)]
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    unsaved = runtime.CrashDialog("report", None)  # the log folder could not be written
    qtbot.addWidget(unsaved)
    assert not unsaved.folder_button.isEnabled() and "已保存到" not in unsaved.message.text()


def test_crash_dialog_in_english_fits_a_small_screen(qtbot: QtBot, tmp_path: Path) -> None:
    from desktop import i18n

    i18n.install("en")
    dialog = runtime.CrashDialog("Tidui crash report\n" + "x" * 300, tmp_path / "crash-1.txt")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.copy_button.text() == "Copy report"
    assert "Tidui" in dialog.windowTitle() and "遇到" not in dialog.windowTitle()
    assert dialog.width() <= 1366 and dialog.height() <= 768
    shot(dialog, "crash-dialog-en")


def test_support_log_rotates_and_is_redacted(tmp_path: Path) -> None:
    handler = runtime.setup_logging(tmp_path, capture_qt=False, capture_faults=False)
    try:
        logging.getLogger("tidui").info("opened for wang@example.com")
        # 1.2 MB of ordinary lines (words, not one 1000-letter run: the redaction rules scan
        # such a run again from each letter, which made this test take 15-25 s)
        line = " ".join(["x" * 99] * 10)
        for _ in range(1200):
            logging.getLogger("tidui").info(line)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
        from core import diagnostics

        diagnostics.configure(None)
    assert (tmp_path / "tidui.log").is_file() and (tmp_path / "tidui.log.1").is_file()
    assert not (tmp_path / f"tidui.log.{runtime.LOG_BACKUPS + 1}").exists()
    text = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("tidui.log*"))
    assert "Tidui 0.1" in text and "wang@example.com" not in text


def test_data_folder_is_per_user_not_beside_the_program(tmp_path: Path) -> None:
    folder = runtime.data_dir()
    assert runtime.log_dir().parent == folder
    assert Path(sys.executable).parent not in (folder, *folder.parents)


def test_second_start_hands_its_file_to_the_running_one(qtbot: QtBot, tmp_path: Path) -> None:
    key = f"tidui-test-{os.getpid()}-{tmp_path.name}"
    first = SingleInstance(key)
    assert first.listen()
    target = tmp_path / "悦颜美妆.tidui"
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "app = QCoreApplication([])\n"
        "from desktop.single_instance import SingleInstance\n"
        "print(SingleInstance(sys.argv[1]).forward(Path(sys.argv[2])))\n"
    )
    with qtbot.waitSignal(first.file_requested, timeout=20000) as signal:
        second = subprocess.Popen(
            [sys.executable, "-c", script, key, str(target)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
    assert signal.args == [str(target.resolve())]
    out, _ = second.communicate(timeout=20)
    assert out.strip() == "True"
    first.close()
    qtbot.wait(50)
    assert not SingleInstance(key).forward(target)  # nobody listens any more


def test_running_instance_comes_forward_and_refuses_a_second_file(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from desktop.views.app_controller import AppController

    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    app, _ = make_company(tmp_path)
    controller = AppController()
    controller.show_main(app)
    assert controller.main_window is not None
    qtbot.addWidget(controller.main_window)
    controller.main_window.showMinimized()
    bring_forward(controller, str(app.file.path))
    assert not controller.main_window.isMinimized() and told == []
    bring_forward(controller, str(tmp_path / "另一家.tidui"))
    assert told and "另一家.tidui" in told[0]
    controller.main_window.allow_close()
    controller.main_window.close()
    app.close(backup=False)


def _run_app(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = dict(
        os.environ,
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        QT_QPA_PLATFORM="offscreen",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "desktop.app", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


# What the test run itself makes in the checkout, maybe while the first start below runs (another
# pytest-xdist worker: the linters' and hypothesis' caches, the screenshots for a person).
SUITE_OUTPUTS = frozenset(
    {
        ".hypothesis",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".import_linter_cache",
        "test-screenshots",
    }
)


def _program_files() -> set[Path]:
    """What lies beside the program (the checkout's top level) and in its resources."""
    beside = {p for p in ROOT.iterdir() if p.name not in SUITE_OUTPUTS}
    return beside | set((ROOT / "resources").rglob("*"))


@dataclass(frozen=True)
class FirstStart:
    home: Path
    out: Path
    done: subprocess.CompletedProcess[str]
    written: list[str]  # the files in home right after it, relative to home
    program_before: set[Path]
    program_after: set[Path]


@pytest.fixture(scope="module")
def first_start(tmp_path_factory: pytest.TempPathFactory) -> FirstStart:
    """A user's very first `tidui --demo --screenshot` on a fresh home: it builds the demo (the
    slow part), logs in and saves the main window. Run once for the tests that read it."""
    base = tmp_path_factory.mktemp("first-start")
    home = base / "home"
    home.mkdir()
    out = base / "main.png"  # outside home: home holds only what the app wrote
    before = _program_files()
    done = _run_app(home, "--demo", "--screenshot", str(out))
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())
    return FirstStart(home, out, done, written, before, _program_files())


@pytest.mark.slow
def test_screenshot_hook_logs_in_to_the_demo_and_saves_the_main_window(
    first_start: FirstStart, tmp_path: Path
) -> None:
    home, out, done = first_start.home, first_start.out, first_start.done
    assert done.returncode == 0, done.stderr
    assert "main window saved" in done.stdout
    image = QImage(str(out))
    assert image.width() >= 640 and image.height() >= 480  # fits the (offscreen 800×800) screen
    logs = home / "data" / "Tidui" / "logs"
    assert (logs / "tidui.log").is_file() and not list(logs.glob("crash-*.txt"))
    # the demo company lives in the per-user data folder
    assert (home / "data" / "Tidui" / "悦颜美妆-演示.tidui").is_file()

    # the log-in window alone, for a file given on the command line
    login = tmp_path / "login.png"
    done = _run_app(
        home,
        str(home / "data" / "Tidui" / "悦颜美妆-演示.tidui"),
        "--screenshot",
        str(login),
    )
    assert done.returncode == 0, done.stderr
    assert "log-in window saved" in done.stdout and QImage(str(login)).width() > 300

    # an unexpected error on the way fails the run and leaves a redacted report
    again = tmp_path / "again.png"
    done = _run_app(home, "--demo", "--screenshot", str(again), TIDUI_SMOKE_FORCE_ERROR="1")
    assert done.returncode == 1 and "unexpected error" in done.stderr
    [report] = logs.glob("crash-*.txt")
    text = report.read_text(encoding="utf-8")
    assert "RuntimeError: forced error" in text and "smoke.py" in text
    for secret in ("smoke-secret", "王芳", "330102199001011234", "wang@example.com"):
        assert secret not in text


# -- per-user folders ------------------------------------------------------------------------------


def test_data_and_log_folders_follow_the_users_data_location(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.single_instance import default_key

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "alice"))
    alice_key = default_key()
    assert runtime.data_dir() == tmp_path / "alice" / "Tidui" and runtime.data_dir().is_dir()
    assert runtime.log_dir() == tmp_path / "alice" / "Tidui" / "logs"
    assert runtime.log_dir().is_dir()
    # another user (another data folder) gets another single-instance socket
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "bob"))
    assert runtime.data_dir() == tmp_path / "bob" / "Tidui"
    assert default_key() != alice_key


@pytest.mark.slow
def test_the_app_writes_only_to_the_users_data_and_settings_folders(
    first_start: FirstStart,
) -> None:
    assert first_start.done.returncode == 0, first_start.done.stderr
    written = first_start.written
    data, config = f"data{os.sep}Tidui{os.sep}", f"config{os.sep}Tidui{os.sep}"
    assert all(name.startswith((data, config)) for name in written), written
    assert f"{data}logs{os.sep}tidui.log" in written
    assert f"{data}悦颜美妆-演示.tidui" in written
    assert f"{config}Tidui.conf" in written  # the recent files list: QSettings, per user
    # nothing beside the program or in its resources
    assert first_start.program_after == first_start.program_before


# -- single instance: a second start hands over its file ---------------------------------------------


def test_second_start_with_a_file_brings_the_start_window_forward_and_opens_the_file(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from desktop.views.app_controller import AppController
    from tests.conftest import OWNER, OWNER_PASSWORD

    app, _ = make_company(tmp_path)
    target = app.file.path
    app.close(backup=False)
    controller = AppController()
    qtbot.addWidget(controller.start_window)
    controller.show_start()
    controller.start_window.showMinimized()
    key = f"tidui-test-{os.getpid()}-{tmp_path.name}"
    first = SingleInstance(key)
    assert first.listen()
    first.file_requested.connect(lambda text: bring_forward(controller, text))

    # The log-in dialog is modal (its own event loop): a timer plays the user inside it.
    seen: dict[str, object] = {}

    def user() -> None:
        dialog = getattr(controller, "login_dialog", None)
        if dialog is None or not dialog.isVisible() or "dialog" in seen:
            return
        seen["dialog"] = dialog
        seen["start_minimized"] = controller.start_window.isMinimized()
        seen["file"] = dialog.vm.path
        # a third double-click while the log-in is up: the same dialog comes forward
        bring_forward(controller, str(target))
        seen["same_dialog"] = controller.login_dialog is dialog
        dialog.login.setCurrentText(OWNER)
        dialog.password.setText(OWNER_PASSWORD)
        dialog.ok_button.click()

    robot = QTimer()
    robot.timeout.connect(user)
    robot.start(50)
    second = subprocess.Popen(
        [sys.executable, "-c", _FORWARD, key, str(target)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        qtbot.waitUntil(
            lambda: controller.main_window is not None and controller.main_window.isVisible(),
            timeout=30000,
        )
        out, _ = second.communicate(timeout=30)
    finally:
        robot.stop()
        first.close()
    assert out.strip() == "True"  # the second start was told to exit
    assert seen["start_minimized"] is False  # the running window came forward first
    assert Path(str(seen["file"])) == target and seen["same_dialog"] is True
    assert controller.session_vm is not None
    assert controller.session_vm.app.file.path.resolve() == target.resolve()
    assert not controller.start_window.isVisible()
    shot(controller.main_window, "single-instance-opened-file")
    controller.close_file(show_start=False)


_FORWARD = (
    "import sys\n"
    "from pathlib import Path\n"
    "from PySide6.QtCore import QCoreApplication\n"
    "app = QCoreApplication([])\n"
    "from desktop.single_instance import SingleInstance\n"
    "print(SingleInstance(sys.argv[1]).forward(Path(sys.argv[2])))\n"
)


@pytest.mark.slow
def test_a_second_tidui_process_hands_its_file_to_the_first_and_exits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real start-up path (desktop.app.main): the second process exits 0 before it logs
    or shows anything; the first one receives the file."""
    from desktop.single_instance import default_key

    home = tmp_path / "home"
    home.mkdir()
    environ = dict(
        os.environ,
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        QT_QPA_PLATFORM="offscreen",
        TMPDIR=str(tmp_path),  # the socket of the first one (stopped without clean-up) goes here
    )
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    key = default_key()  # the one both processes derive from the same data folder
    app, _ = make_company(tmp_path)
    target = app.file.path
    app.close(backup=False)
    log = home / "data" / "Tidui" / "logs" / "tidui.log"
    errors = (tmp_path / "first.err").open("w", encoding="utf-8")
    first = subprocess.Popen(
        [sys.executable, "-m", "desktop.app"], cwd=ROOT, env=environ, stderr=errors
    )
    try:
        probe = SingleInstance(key)
        for _ in range(600):  # until the first one listens (a plain start: it just comes forward)
            if first.poll() is not None or probe.forward(None):
                break
            time.sleep(0.1)
        assert first.poll() is None, (tmp_path / "first.err").read_text(encoding="utf-8")
        second = subprocess.run(
            [sys.executable, "-m", "desktop.app", str(target)],
            cwd=ROOT,
            env=environ,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert second.returncode == 0, second.stderr
        for _ in range(100):
            if "a company file handed over" in log.read_text(encoding="utf-8"):
                break
            time.sleep(0.1)
        text = log.read_text(encoding="utf-8")
    finally:
        first.terminate()
        first.wait(timeout=30)
        errors.close()
    assert "second start: a company file handed over" in text
    assert text.count(" starting; ") == 1  # the second process never got as far as logging
    assert first.returncode is not None
