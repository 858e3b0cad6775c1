"""Background work as screens use it: only the latest run of a screen is heard, cancels are quiet."""

from __future__ import annotations

import threading

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
