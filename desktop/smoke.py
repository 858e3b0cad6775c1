"""Start-up checks CI runs on the real application.

- ``tidui --smoke-quit-after SECONDS``: start, (with --demo) log in to the demo, then quit.

CI starts the real application on a real platform plugin (xcb under Xvfb) with this flag: a
missing system library aborts Qt before any window, and a start that never reaches the main
window ends with exit code 3 instead of hanging. The demo's password is public (README), so only
the demo logs in by itself; any other file just shows the start window and quits.

- ``tidui --screenshot OUT.png``: start as a user would, save a picture, quit (CI's frozen smoke).

With ``--demo`` it logs in as the demo owner through the real log-in dialog, opens every screen of
the sidebar once (a screen whose module is missing from a frozen build would otherwise just not
be listed), waits for background work to end and saves the main window. With a FILE it saves the
log-in window as soon as it is up (start-up time). Exit code 0 when the picture was saved; 1 with
a line on stderr when something did not appear in time, a screen is missing or an unexpected
error was raised on the way (``TIDUI_SMOKE_FORCE_ERROR=1`` raises one on purpose, to check the
crash report of a frozen build).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from desktop.viewmodels import worker
from desktop.views.navigation import PAGES, load_page_class

if TYPE_CHECKING:
    from desktop.views.app_controller import AppController

TIMEOUT_S = 120.0
NOT_STARTED = 3  # exit code: the main window never appeared
GRACE = 90.0  # seconds to reach the main window (creating the demo and scrypt included)


class ScreenshotRun(QObject):
    def __init__(
        self,
        controller: AppController,
        out: Path,
        password: str | None,
        timeout_s: float = TIMEOUT_S,
    ) -> None:
        super().__init__(controller)
        self.controller = controller
        self.out = Path(out)
        self.password = password
        self.timeout_s = timeout_s
        self.started = time.monotonic()
        self.submitted = False
        self.walked = False
        self.done = False
        self.login_shown_after: float | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(50)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.timer.start()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def finish(self, code: int, message: str) -> None:
        if self.done:
            return
        self.done = True
        self.timer.stop()
        print(f"tidui --screenshot: {message}", file=sys.stderr if code else sys.stdout)
        QApplication.exit(code)

    def fail(self, message: str) -> None:
        self.finish(1, message)

    def save(self, widget: QWidget, what: str) -> None:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        if not widget.grab().save(str(self.out)) or self.out.stat().st_size == 0:
            self.fail(f"could not save {self.out}")
            return
        login = (
            f"log-in window after {self.login_shown_after:.2f} s, "
            if self.login_shown_after
            else ""
        )
        self.finish(0, f"{login}{what} saved to {self.out} after {self.elapsed():.2f} s")

    def tick(self) -> None:
        if self.done:
            return
        if self.elapsed() > self.timeout_s:
            self.fail(f"nothing to save after {self.timeout_s:.0f} s")
            return
        main = self.controller.main_window
        if main is not None and main.isVisible():
            self.on_main_window(main)
            return
        dialog = getattr(self.controller, "login_dialog", None)
        if dialog is None or not dialog.isVisible():
            return
        if self.login_shown_after is None:
            self.login_shown_after = self.elapsed()
        if self.password is None:
            self.save(dialog, "log-in window")
        elif not self.submitted:
            self.submitted = True
            dialog.password.setText(self.password)
            dialog.ok_button.click()
        elif not dialog.ok_button.isEnabled() and not dialog.vm.busy:
            self.fail(f"log-in refused: {dialog.error.text()}")

    def on_main_window(self, main: QWidget) -> None:
        from desktop.views.main_window import MainWindow

        assert isinstance(main, MainWindow)
        if not self.walked:
            self.walked = True
            missing = [spec.key for spec in PAGES if load_page_class(spec) is None]
            if missing:
                self.fail(f"screens missing from this build: {', '.join(missing)}")
                return
            for spec in reversed(main.specs):
                main.show_page(spec.key)
                QApplication.processEvents()
            if os.environ.get("TIDUI_SMOKE_FORCE_ERROR"):  # proves the crash report, frozen too
                raise RuntimeError(
                    "forced error: password=smoke-secret 王芳 330102199001011234 wang@example.com"
                )
            return
        if worker.wait_all(0) and not worker.busy():
            self.save(main, "main window")


def run(controller: AppController, out: Path, password: str | None) -> ScreenshotRun:
    job = ScreenshotRun(controller, out, password)
    job.start()
    return job


def arm(controller: AppController, seconds: float, demo_password: str | None) -> None:
    """Poll until the main window shows, wait ``seconds``, then quit through 文件 → 退出."""
    timer = QTimer(controller)
    timer.setInterval(200)
    state = {"elapsed": 0.0, "typed": False, "shown_at": -1.0}

    def tick() -> None:
        state["elapsed"] += 0.2
        dialog = getattr(controller, "login_dialog", None)
        if demo_password and not state["typed"] and dialog is not None and dialog.isVisible():
            state["typed"] = True
            dialog.password.setText(demo_password)
            dialog.ok_button.click()
        window = controller.main_window
        if window is not None and window.isVisible() and state["shown_at"] < 0:
            state["shown_at"] = state["elapsed"]
            print(f"smoke: main window shown: {window.windowTitle()}", flush=True)
        if state["shown_at"] >= 0 and state["elapsed"] - state["shown_at"] >= seconds:
            timer.stop()
            assert window is not None
            print("smoke: quitting through 文件 → 退出", flush=True)
            window.quit_action.trigger()
        elif state["shown_at"] < 0 and state["elapsed"] >= (GRACE if demo_password else seconds):
            timer.stop()
            if demo_password:
                print("smoke: the main window did not appear", file=sys.stderr, flush=True)
                QApplication.exit(NOT_STARTED)
            else:
                QApplication.quit()

    timer.timeout.connect(tick)
    timer.start()
