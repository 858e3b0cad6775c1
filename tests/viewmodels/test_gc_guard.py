"""Cyclic garbage is freed on the GUI thread only: a viewmodel left in a reference cycle and
collected by a pool thread crashed CI (rc 139) when Qt then delivered an event to it."""

from __future__ import annotations

import gc
import threading
from typing import ClassVar

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from pytestqt.exceptions import TimeoutError as WaitTimeout
from pytestqt.qtbot import QtBot

from desktop.viewmodels import worker
from desktop.viewmodels.gc_guard import MainThreadCollector, collect_on_this_thread


class _Cyclic(QObject):
    """A QObject in a reference cycle (it once also connected a signal to a method of its own;
    that was taken out on 12-06 as the suspected cause of this test's timeouts, wrongly: see
    the test)."""

    freed_on: ClassVar[list[str]] = []

    def __init__(self) -> None:
        super().__init__()
        self.me = self  # a cycle: only the cyclic collector frees it

    def __del__(self) -> None:
        _Cyclic.freed_on.append(threading.current_thread().name)


def test_the_collector_runs_on_the_gui_thread_not_on_pool_threads(qtbot: QtBot) -> None:
    # what earlier tests left for deletion goes now, not while this test counts on the count
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    collector = MainThreadCollector(interval_ms=20)
    try:
        assert not gc.isenabled()
        _Cyclic.freed_on.clear()
        count = gc.get_threshold()[0] + 50  # more than the youngest generation's threshold
        for _ in range(count):
            _Cyclic()

        def allocate(progress: object) -> list[list[int]]:
            del progress
            return [[i] for i in range(200_000)]  # would trigger the automatic collector here

        job = worker.start(allocate)
        # The lists stay alive until the cycles are freed: each object freed lowers the
        # youngest generation's count, and with them freed before the collector's next tick
        # (a busy full run) the count fell back under the threshold, so nothing was
        # collected and the test timed out with all 750 alive (reproduced by freeing 3,000
        # other objects first: "0 of 750 freed; counts (132, 0, 0)").
        with qtbot.waitSignal(job.succeeded, timeout=20000) as finished:
            pass
        allocated = finished.args
        try:
            qtbot.waitUntil(lambda: len(_Cyclic.freed_on) == count, timeout=20000)
        except WaitTimeout:  # say what gc saw
            alive = [o for o in gc.get_objects() if isinstance(o, _Cyclic)]
            holders = (  # its own __dict__ is one (self.me); anything else is the culprit
                sorted(type(r).__qualname__ for r in gc.get_referrers(alive[0]) if r is not alive)
                if alive
                else []
            )
            raise AssertionError(
                f"{len(_Cyclic.freed_on)} of {count} freed; counts {gc.get_count()}, "
                f"thresholds {gc.get_threshold()}, frozen {gc.get_freeze_count()}, "
                f"still alive {len(alive)}, held by {holders}"
            ) from None
        assert set(_Cyclic.freed_on) == {threading.main_thread().name}
        del allocated
    finally:
        collector.stop()
        gc.disable()  # the test-wide fixture keeps it off until the test ends


def test_collect_follows_the_generation_thresholds() -> None:
    gc.collect()
    assert collect_on_this_thread() == 0  # nothing over the threshold: nothing done
    for _ in range(gc.get_threshold()[0] + 10):
        _Cyclic()
    assert collect_on_this_thread() >= 1
