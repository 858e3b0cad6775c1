"""One Tidui per user: a second start (double-clicking a .tidui file while Tidui runs) hands its
file to the running one, which comes to the front, instead of failing on the company file's lock.

The first instance listens on a local socket (a named pipe on Windows) whose name is derived from
the user's data folder; a later one connects, sends the file path (or nothing) and exits.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStandardPaths, Qt, QTimer, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.i18n import tr

if TYPE_CHECKING:
    from desktop.views.app_controller import AppController

TIMEOUT_MS = 1000
log = logging.getLogger("tidui")


def default_key() -> str:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    return "tidui-" + hashlib.sha256(folder.encode("utf-8")).hexdigest()[:16]


class SingleInstance(QObject):
    """``forward(path)`` from a second instance; ``listen()`` in the first, which then emits
    ``file_requested`` (a path, or "" for a plain start) for every later start."""

    file_requested = Signal(str)

    def __init__(self, key: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = key or default_key()
        self.server: QLocalServer | None = None

    def forward(self, path: Path | None) -> bool:
        """True when another instance runs and took ``path``: this one should exit."""
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if not socket.waitForConnected(TIMEOUT_MS):
            return False
        if sys.platform == "win32":  # let the running instance take the foreground
            import ctypes

            ctypes.windll.user32.AllowSetForegroundWindow(-1)  # type: ignore[attr-defined]
        socket.write((str(path.resolve()) if path else "").encode("utf-8") + b"\n")
        socket.flush()
        socket.waitForBytesWritten(TIMEOUT_MS)
        socket.waitForReadyRead(TIMEOUT_MS)  # the reply says it arrived
        socket.disconnectFromServer()
        return True

    def listen(self) -> bool:
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.key):
            # Nobody answered forward(): a socket left by a crashed instance. Take it over.
            QLocalServer.removeServer(self.key)
            if not server.listen(self.key):
                return False
        server.newConnection.connect(self._on_connection)
        self.server = server
        return True

    @Slot()
    def _on_connection(self) -> None:
        assert self.server is not None
        while (socket := self.server.nextPendingConnection()) is not None:
            socket.readyRead.connect(self._on_ready)
            socket.disconnected.connect(socket.deleteLater)
            if socket.canReadLine():
                self._read(socket)

    @Slot()
    def _on_ready(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        text = bytes(socket.readLine().data()).decode("utf-8").strip()
        socket.write(b"ok\n")
        socket.flush()
        # Not from inside the socket's signal: opening the file runs the modal log-in dialog's
        # own event loop, where the second start's disconnect would delete this socket under
        # the stack still running its slot (a crash).
        QTimer.singleShot(0, self, lambda: self.file_requested.emit(text))

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server.deleteLater()
            self.server = None


def raise_window(window: QWidget) -> None:
    window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()


def bring_forward(controller: AppController, text: str) -> None:
    """The running instance's answer to a second start: front window, and open the file if it can."""
    log.info("second start: %s", "a company file handed over" if text else "no file")
    dialog = getattr(controller, "login_dialog", None)
    if dialog is not None and dialog.isVisible():  # already asking for a password
        raise_window(dialog)
        return
    window = controller.top_window()
    raise_window(window)
    if not text:
        return
    path = Path(text)
    session = controller.session_vm
    if session is None:
        controller.open_file(path)
        return
    if session.app.file.path.resolve() != path.resolve():
        QMessageBox.information(
            window,
            tr("已有打开的公司档案"),
            tr(
                "Tidui 正在使用另一个公司档案。请先关闭它（文件 → 关闭档案），再打开 {file}。"
            ).format(file=path.name),
        )
