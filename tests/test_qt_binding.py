"""The installed Qt binding must not lose references to None/True (PySide6 6.12.0 did).

With 6.12.0 every void call took a reference from None and every emit() one from True, and
CPython 3.11 aborted ("none_dealloc") after a few thousand calls: the designer died mid-edit.
pyproject pins 6.11.3; this test fails loudly if a bump brings the bug back.
"""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal
app = QCoreApplication([])
class Probe(QObject):
    changed = Signal()
probe = Probe()
none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
for _ in range(20_000):
    probe.setObjectName("x")
    probe.changed.emit()
print(none_before - sys.getrefcount(None), true_before - sys.getrefcount(True))
"""


def test_qt_calls_keep_none_and_true_alive() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.returncode == 0, out.stderr[-500:]
    lost_none, lost_true = (int(x) for x in out.stdout.split())
    assert lost_none < 100 and lost_true < 100, (lost_none, lost_true)
