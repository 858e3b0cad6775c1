"""What the running app needs around it: its per-user folders, the support log, the crash dialog.

Nothing is ever written beside the executable (Program Files is read-only, and a frozen bundle
may be shared): the demo company, logs and crash reports live in the per-user data folder
(``%LOCALAPPDATA%\\Tidui`` on Windows, ``~/.local/share/Tidui`` on Linux, from QStandardPaths);
settings are QSettings' per-user store (the registry under HKCU\\Software\\Tidui on Windows,
``~/.config/Tidui/Tidui.conf`` on Linux).
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import threading
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from PySide6.QtCore import QStandardPaths, QtMsgType, QUrl, qInstallMessageHandler, qVersion
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from core import diagnostics
from desktop.i18n import tr

log = logging.getLogger("tidui")
LOG_FILE = "tidui.log"
LOG_BYTES = 1_000_000
LOG_BACKUPS = 5


def data_dir() -> Path:
    """The per-user folder for Tidui's own files (created on first use)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    folder = Path(base) / "Tidui"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def log_dir() -> Path:
    folder = data_dir() / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


_fault_file: IO[str] | None = None


def setup_logging(
    folder: Path, *, capture_qt: bool = True, capture_faults: bool = True
) -> RotatingFileHandler:
    """The support log: ``tidui.log`` (+ 5 older ones of 1 MB), redacted; Qt's warnings and hard
    crashes (faulthandler) go there too. A windowed Windows build has no stdout/stderr: they
    become the null device so a stray print() cannot fail."""
    global _fault_file
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    folder.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(
        folder / LOG_FILE, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(
        diagnostics.RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    diagnostics.configure(folder)
    if capture_qt:
        qInstallMessageHandler(_qt_message)
    if capture_faults and _fault_file is None:
        _fault_file = (folder / "faults.log").open("a", encoding="utf-8")
        faulthandler.enable(_fault_file)
    log.info(diagnostics.environment_summary() + f"; Qt {qVersion()}")
    return handler


def _qt_message(mode: QtMsgType, context: Any, message: str) -> None:
    if "This plugin does not support" in message:  # the offscreen platform, harmless
        return
    level = (
        logging.DEBUG if mode in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg) else logging.WARNING
    )
    logging.getLogger("tidui.qt").log(level, "%s", message)


# -- unexpected errors ----------------------------------------------------------------------------


class CrashDialog(QDialog):
    """Says something went wrong, shows the (redacted) report and lets the user copy it."""

    def __init__(self, report: str, saved: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Tidui 遇到了意外错误"))
        self.setMinimumSize(640, 420)
        text = tr(
            "出现了一个意外错误。已保存的数据不受影响；如果问题重复出现，请把下面的报告发给技术支持。报告不含密码、密钥或员工信息。"
        )
        if saved is not None:
            text += "\n" + tr("报告已保存到：{path}").format(path=str(saved))
        self.message = QLabel(text)
        self.message.setWordWrap(True)
        self.report = QPlainTextEdit(report)
        self.report.setReadOnly(True)
        self.report.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.buttons = QDialogButtonBox()
        self.copy_button = self.buttons.addButton(
            tr("复制报告"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.folder_button = self.buttons.addButton(
            tr("打开日志文件夹"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.close_button = self.buttons.addButton(
            tr("关闭"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.copy_button.clicked.connect(self.copy_report)
        self.folder_button.clicked.connect(lambda: self.open_folder(saved))
        self.folder_button.setEnabled(saved is not None)
        self.buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.report)
        layout.addWidget(self.buttons)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report.toPlainText())
        self.copy_button.setText(tr("已复制"))

    @staticmethod
    def open_folder(saved: Path | None) -> None:
        if saved is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(saved.parent)))


class CrashHandler:
    """sys.excepthook / threading.excepthook: save the report, log it, show it (once at a time).

    ``on_crash`` replaces the dialog (the screenshot smoke run exits with an error instead)."""

    def __init__(self, folder: Path, on_crash: Callable[[str, Path | None], None] | None = None):
        self.folder = folder
        self.on_crash = on_crash
        self.showing = False
        self.last_report: str | None = None
        self.last_path: Path | None = None

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def handle(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        context = {"thread": threading.current_thread().name, "Qt": qVersion()}
        report = diagnostics.crash_report(exc_type, exc, tb, context)
        path: Path | None
        try:
            path = diagnostics.write_report(self.folder, report)
        except OSError:
            path = None
        log.error("unexpected error (report %s)", path.name if path else "not saved")
        log.error("%s", report)
        self.last_report, self.last_path = report, path
        if self.on_crash is not None:
            self.on_crash(report, path)
            return
        app = QApplication.instance()
        if self.showing or app is None or threading.current_thread() is not threading.main_thread():
            return
        self.showing = True
        try:
            CrashDialog(report, path, QApplication.activeWindow()).exec()
        finally:
            self.showing = False
