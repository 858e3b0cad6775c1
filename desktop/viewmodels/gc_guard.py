"""Python's cyclic garbage collector runs only on the GUI thread.

A viewmodel connected to another object's signal (``session_vm.data_changed.connect(self._on…)``)
sits in a reference cycle, so only the cyclic collector frees it. Left automatic, that collector
runs on whichever thread happens to allocate next, often a pool thread doing core work: the
QObject is then destroyed off the thread that owns it while the GUI thread is delivering its
events, and the process dies with a segmentation fault (seen in CI, rc 139). The guard turns the
automatic collector off and collects from a timer on the GUI thread instead, with the same
generation thresholds, so memory stays bounded and no QObject dies on the wrong thread.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


def collect_on_this_thread() -> int:
    """Collect what the thresholds ask for, as the automatic collector would; returns the
    number of objects found unreachable."""
    t0, t1, t2 = gc.get_threshold()
    c0, c1, c2 = gc.get_count()
    found = 0
    if c0 > t0:
        found += gc.collect(0)
        if c1 > t1:
            found += gc.collect(1)
            if c2 > t2:
                found += gc.collect(2)
    return found


class MainThreadCollector(QObject):
    """Create once on the GUI thread (the app does, at start); it lives as long as its parent."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(collect_on_this_thread)
        self._timer.start()

    def stop(self) -> None:
        """Give the collector back to Python (the app is quitting)."""
        self._timer.stop()
        gc.collect()
        gc.enable()
