"""Workload 4: a fresh Tidui process up to the log-in window vs a bare PySide6 hello-world window.

Both sides are whole processes (interpreter start, imports, first window shown, exit), started
offscreen, so the ratio shows what Tidui's own imports and windows add to the Qt minimum.
Qt settings go to the scratch folder, so the run neither reads nor changes the user's settings.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

NUMBER = 4
NAME = "startup"
TITLE = "启动到登录窗口 / starting Tidui up to the log-in window"
BASELINE = "a bare PySide6 QMainWindow hello-world process"
SIZES = (1, 1)  # one start-up per timed call
TARGET_RATIO = 3.0
ABSOLUTE_LIMIT_S = None
MEMORY_LIMIT_MB = None
REPEATS = 7
ROUNDS = 7  # start-up is the most sensitive to other programs: alternate every call

# What `tidui FILE` does before the user can type a password (desktop/app.py, AppController.open_file),
# except that the log-in dialog is shown non-modally so the process can end once it is up.
TIDUI_SCRIPT = """
import sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication
QCoreApplication.setOrganizationName("Tidui")
QCoreApplication.setApplicationName("Tidui")
app = QApplication(sys.argv[:1])
from desktop import i18n
from desktop.fonts import install_app_font
install_app_font(app)
i18n.install(i18n.saved_language())
from desktop.views.app_controller import AppController
from desktop.viewmodels.login_vm import LoginViewModel
from desktop.views.login_dialog import LoginDialog
controller = AppController()
controller.show_start()
dialog = LoginDialog(LoginViewModel(Path(sys.argv[1]), parent=controller), controller.start_window)
dialog.show()
def shown():
    print("shown" if dialog.isVisible() else "not shown")
    app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""

HELLO_SCRIPT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("Hello"))
window.show()
def shown():
    print("shown" if window.isVisible() else "not shown")
    app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""


@dataclass
class Startup:
    company_file: Path
    env: dict[str, str]


def build(size: int, workdir: Path) -> None:
    from core.services.admin import auth

    # The file is only listed by the dialog, never opened: a cheap key derivation is fine.
    os.environ.setdefault("TIDUI_TEST_FAST_KDF", "1")
    app, _recovery = auth.create_company(
        workdir / "悦颜美妆.tidui", "悦颜美妆", "boss", "bench-pass-1", "王老板"
    )
    app.close(backup=False)


def prepare(size: int, workdir: Path) -> Startup:
    settings = workdir / "settings"
    settings.mkdir(exist_ok=True)
    env = dict(os.environ, XDG_CONFIG_HOME=str(settings), XDG_DATA_HOME=str(settings))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return Startup(workdir / "悦颜美妆.tidui", env)


def _start(script: str, state: Startup, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=state.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0 or done.stdout.strip() != "shown":
        raise RuntimeError(f"start-up failed ({done.returncode}): {done.stdout}{done.stderr}")


def run(state: Startup) -> None:
    _start(TIDUI_SCRIPT, state, str(state.company_file))


def baseline(state: Startup) -> None:
    _start(HELLO_SCRIPT, state)
