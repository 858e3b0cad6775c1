"""``tidui --smoke-quit-after SECONDS``: start, (with --demo) log in to the demo, then quit.

CI starts the real application on a real platform plugin (xcb under Xvfb) with this flag: a
missing system library aborts Qt before any window, and a start that never reaches the main
window ends with exit code 3 instead of hanging. The demo's password is public (README), so only
the demo logs in by itself; any other file just shows the start window and quits.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from desktop.views.app_controller import AppController

NOT_STARTED = 3  # exit code: the main window never appeared
GRACE = 90.0  # seconds to reach the main window (creating the demo and scrypt included)


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
