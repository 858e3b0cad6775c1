"""Auto-lock: after some minutes without keyboard or mouse input, the open file locks itself.

The minutes are a setting of this PC (Settings → 我的账号, default 10; 0 never locks). The
watcher filters the application's input events (QtCore only) and restarts its timer at most
once a second, so watching costs nothing measurable.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, QTimer, Signal

DEFAULT_MINUTES = 10
_KEY = "security/auto_lock_minutes"

_INPUT = frozenset(
    {
        QEvent.Type.MouseMove,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.KeyPress,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


def saved_minutes() -> float:
    value = QSettings().value(_KEY, DEFAULT_MINUTES)
    try:
        return max(float(value), 0.0)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float(DEFAULT_MINUTES)


def save_minutes(minutes: int) -> None:
    QSettings().setValue(_KEY, max(int(minutes), 0))


class IdleWatcher(QObject):
    """Emits ``idle`` once after ``minutes()`` without input; ``resume()`` after unlocking."""

    idle = Signal()

    def __init__(
        self, parent: QObject | None = None, minutes: Callable[[], float] = saved_minutes
    ) -> None:
        super().__init__(parent)
        self._minutes = minutes
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)
        self._last_input = 0.0
        self.active = True
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.restart()

    def restart(self) -> None:
        minutes = self._minutes()
        if minutes <= 0 or not self.active:
            self._timer.stop()
            return
        self._timer.start(max(int(minutes * 60_000), 1))

    def pause(self) -> None:
        self.active = False
        self._timer.stop()

    def resume(self) -> None:
        self.active = True
        self.restart()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.active and event.type() in _INPUT:
            now = time.monotonic()
            if now - self._last_input >= 1.0:
                self._last_input = now
                self.restart()
        return False

    def _on_timeout(self) -> None:
        if self.active:
            self.active = False
            self.idle.emit()
