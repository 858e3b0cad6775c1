"""Background work as screens use it: only the latest run of a screen is heard, cancels are quiet."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from core.errors import ValidationError
from core.progress import Progress
from desktop.viewmodels import worker


def test_a_replaced_run_is_never_heard(qtbot: QtBot) -> None:
    runner = worker.LatestJob()
    heard: list[object] = []
    loading: list[bool] = []
    runner.succeeded.connect(heard.append)
    runner.loading_changed.connect(loading.append)
    release = threading.Event()

    def slow(progress: Progress) -> str:
        while not release.wait(0.01):
            progress.step(0, 0)  # a cancel is noticed here
        return "old"

    def fast(progress: Progress) -> str:
        del progress
        return "new"

    first = runner.start(slow)
    second = runner.start(fast)  # the user changed the month: the first run is replaced
    with qtbot.waitSignal(second.finished, timeout=10_000):
        pass
    release.set()
    qtbot.waitUntil(lambda: not first.running, timeout=10_000)
    qtbot.wait(50)  # anything the first run might still deliver has arrived
    assert heard == ["new"]
    assert loading == [True, False] and not runner.loading


def test_errors_come_out_as_text_and_loading_ends(qtbot: QtBot) -> None:
    runner = worker.LatestJob()
    failed: list[str] = []
    runner.failed.connect(failed.append)

    def broken(progress: Progress) -> None:
        del progress
        raise ValidationError("metric_values.bad_month", text="2024-13")

    job = runner.start(broken)
    with qtbot.waitSignal(job.finished, timeout=10_000):
        pass
    qtbot.wait(20)
    assert failed == ["月份“2024-13”无效，请写成 2024-03。"] and not runner.loading
    runner.cancel()  # nothing running: harmless
    assert not runner.loading


def test_what_a_job_captured_is_freed_on_the_gui_thread(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A viewmodel dropped by its caller while its job ran (a test's ``case_vm(...).act``, a
    dialog closed mid-save) lives on only in the job's closure. That last reference must go on
    the GUI thread: freed with the pool thread's QRunnable, the QObject was destroyed off its
    thread and the next processEvents crashed (rc 139, once in seven full runs)."""
    from PySide6.QtCore import QObject

    freed_on: list[str] = []

    class Screen(QObject):
        def __del__(self) -> None:
            freed_on.append(threading.current_thread().name)

    monkeypatch.setattr(worker, "LINGER_MS", 50)
    started, release = threading.Event(), threading.Event()

    def start_on(screen: Screen) -> worker.Job:
        def work(progress: Progress) -> str:
            del progress
            started.set()
            release.wait(5)
            return screen.objectName()

        return worker.start(work)

    job = start_on(Screen())
    done: list[object] = []
    job.finished.connect(lambda: done.append(True))
    qtbot.waitUntil(started.is_set, timeout=5000)
    del job  # the caller lets go while the work runs
    release.set()
    qtbot.waitUntil(lambda: bool(done), timeout=5000)
    assert worker.wait_all(5000)
    qtbot.waitUntil(lambda: bool(freed_on), timeout=5000)
    assert freed_on == [threading.main_thread().name]
