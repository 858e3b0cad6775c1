"""Running core work off the GUI thread, reporting progress/result/error back on it (like Anki's ops).

``start(fn, ...)`` runs ``fn(progress, *args)`` on the global QThreadPool. The function is core
code: it never touches Qt. Its result or error arrives through the returned ``Job``'s signals,
which Qt delivers on the thread that owns the job (the GUI thread).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from core import diagnostics
from core.errors import TiduiError
from core.i18n import Message, render
from core.progress import Cancelled, Progress


class Job(QObject):
    """One background run. Signals are emitted on the GUI thread."""

    progressed = Signal(int, int, str)  # done, total, note text
    succeeded = Signal(object)
    failed = Signal(str)  # a message for the user, already in their language
    raised = Signal(object)  # the TiduiError itself, for callers that react to its type
    cancelled = Signal()
    finished = Signal()
    finished_with = Signal(object)  # the job itself, for the keeper

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.progress = Progress(self._report)
        self.running = False
        # The work and its arguments (often closures over a viewmodel): held here, so that their
        # last reference goes with the job, on the GUI thread, never with the pool thread's locals.
        self.work: tuple[Callable[..., Any], tuple[Any, ...]] | None = None

    def _report(self, done: int, total: int, note: Message | None) -> None:
        self.progressed.emit(done, total, note.text() if note else "")

    @Slot()
    def cancel(self) -> None:
        self.progress.cancel()


class _Runnable(QRunnable):
    """Runs one job's work. It keeps no reference of its own: Qt deletes it on the pool thread,
    and an object whose last reference went there (a viewmodel a closure captured, say, after
    the test or screen let go of it) would be destroyed off the GUI thread: a crash (rc 139)."""

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job: Job | None = job
        self.setAutoDelete(True)

    def run(self) -> None:
        job, self.job = self.job, None
        assert job is not None and job.work is not None
        try:
            fn, args = job.work
            result = fn(job.progress, *args)
            del fn, args
        except Cancelled:
            job.cancelled.emit()
        except TiduiError as err:
            job.raised.emit(err)
            job.failed.emit(err.text())
        except Exception as exc:  # a bug: say so plainly, keep the app alive, keep a report
            diagnostics.record_unexpected(exc, "background job")
            job.failed.emit(render("error.unexpected", {"detail": f"{type(exc).__name__}: {exc}"}))
        else:
            job.succeeded.emit(result)
            del result
        finally:
            job.running = False
            job.finished.emit()
            job.finished_with.emit(job)
            del job  # the keeper, on the GUI thread, holds it until this thread surely let go


_jobs: set[Job] = set()
_lingering: list[object] = []  # finished jobs kept until their pool thread surely let go
LINGER_MS = 2000


class _Keeper(QObject):
    """Holds running jobs; lives in the GUI thread so a job is let go only after the GUI thread
    has delivered its last signal (a plain lambda would run in the worker thread, too early)."""

    @Slot(object)
    def release(self, job: object) -> None:
        _jobs.discard(job)
        # The pool thread may still hold the job for an instant after its last emit; if it
        # dropped the last reference, the QObject would be destroyed off the GUI thread (a crash).
        # Keep it a while longer, then let go here, on the GUI thread.
        _lingering.append(job)
        QTimer.singleShot(LINGER_MS, self._forget_oldest)

    @Slot()
    def _forget_oldest(self) -> None:
        if _lingering:
            job = _lingering.pop(0)
            if isinstance(job, Job):
                job.work = None  # the closures and whatever they captured go here, on this thread


_keeper: _Keeper | None = None


def start(fn: Callable[..., Any], *args: Any, parent: QObject | None = None) -> Job:
    """Run ``fn(progress, *args)`` in the background; connect to the job's signals right away.

    The work is queued on the next turn of the event loop, so signals connected by the caller
    after ``start`` returns are never missed, however fast the work is. The job deliberately has
    no Qt parent (``parent`` is accepted for readability only): if the screen that started it is
    closed while the work runs, the job must outlive it; Qt drops deliveries to receivers that
    are gone.
    """
    global _keeper
    del parent
    if _keeper is None:
        _keeper = _Keeper()
    job = Job()
    job.running = True
    _jobs.add(job)
    keeper = _keeper
    job.finished_with.connect(keeper.release)
    job.work = (fn, args)
    runnable = _Runnable(job)
    QTimer.singleShot(0, lambda: QThreadPool.globalInstance().start(runnable))
    return job


def cancel_all() -> None:
    """Ask every running job to stop at its next progress step (before closing the file)."""
    for job in list(_jobs):
        job.cancel()


def wait_all(timeout_ms: int = 30000) -> bool:
    """For tests and shutdown: wait until background jobs are done (queued ones included)."""
    from PySide6.QtCore import QCoreApplication

    QCoreApplication.processEvents()  # let jobs queued by start() reach the pool first
    return QThreadPool.globalInstance().waitForDone(timeout_ms)


def busy() -> bool:
    """Whether a background job is still running or has results not yet delivered."""
    return bool(_jobs)


class LatestJob(QObject):
    """One screen's background computation: starting again cancels the run still going, and only
    the latest run's result, error or progress comes out (a replaced run's is dropped).

    Jobs have no Qt parent (see ``start``); the connections to this object's slots end with it,
    so a screen closed mid-run simply never hears back.
    """

    succeeded = Signal(object)
    failed = Signal(str)
    progressed = Signal(int, int)  # done, total
    loading_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.job: Job | None = None
        self.loading = False

    def start(self, fn: Callable[..., Any], *args: Any) -> Job:
        self._drop()  # still loading: no flicker of "done" between the two runs
        job = start(fn, *args)
        self.job = job
        job.progressed.connect(self._on_progressed)
        job.succeeded.connect(self._on_succeeded)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        self._set_loading(True)
        return job

    def cancel(self) -> None:
        """Stop the run going (if any); nothing of it will come out."""
        self._drop()
        self._set_loading(False)

    def _drop(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()
        self.job = None

    def _latest(self) -> bool:
        return self.job is not None and self.sender() is self.job

    @Slot(int, int, str)
    def _on_progressed(self, done: int, total: int, note: str) -> None:
        del note
        if self._latest():
            self.progressed.emit(done, total)

    # The result is handed over while ``loading`` is still True: a screen that redraws when
    # loading ends then draws the new result once, not the old one first.
    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        if self._latest():
            self.succeeded.emit(result)
            self._set_loading(False)

    @Slot(str)
    def _on_failed(self, text: str) -> None:
        if self._latest():
            self.failed.emit(text)
            self._set_loading(False)

    @Slot()
    def _on_cancelled(self) -> None:
        if self._latest():
            self._set_loading(False)

    def _set_loading(self, loading: bool) -> None:
        if loading != self.loading:
            self.loading = loading
            self.loading_changed.emit(loading)
