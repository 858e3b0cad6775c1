"""Progress and cancellation for long core work (imports, batch PDFs, backups), with no Qt in sight.

A long function takes a ``Progress`` and calls ``step`` now and then; the GUI's worker wires the
callback to a progress bar and ``cancel()`` to the Cancel button. Cancelling raises ``Cancelled``
inside the work at the next ``step``, so the unit of work rolls back and nothing is half-written.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from core.errors import TiduiError
from core.i18n import Message


class Cancelled(TiduiError):
    code = "progress.cancelled"


ProgressCallback = Callable[[int, int, Message | None], None]


class Progress:
    def __init__(self, callback: ProgressCallback | None = None) -> None:
        self._callback = callback
        self._cancel = threading.Event()

    def step(self, done: int, total: int, note: Message | None = None) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        if self._callback is not None:
            self._callback(done, total, note)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


NO_PROGRESS = Progress()
