"""The 员工档案 list's 晋升状态: readiness, or the case under way once there is one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from core.services.admin import auth
from core.services.archive.employees import find_by_no
from desktop.viewmodels import worker
from desktop.viewmodels.readiness_badges_vm import ReadinessBadgesViewModel
from desktop.viewmodels.session_vm import SessionViewModel


def test_a_case_under_way_shows_instead_of_the_readiness(
    qtbot: QtBot, fresh_demo: Callable[..., Path]
) -> None:
    app = auth.log_in(fresh_demo(with_cases=True), "demo", "tidui-demo")
    try:
        with app.read() as s:
            ids = {no: find_by_no(s, no).id for no in ("E004", "E006", "E008", "E002")}  # type: ignore[union-attr]
        vm = ReadinessBadgesViewModel(SessionViewModel(app))
        with qtbot.waitSignal(vm.changed, timeout=30000):
            vm.refresh()
        # 陈静's case waits at its first step: not "接近→运营主管" as if nothing had been asked
        assert vm.badge(ids["E004"]) == "已提交→运营主管"
        assert vm.badge(ids["E006"]) == "审批中→运营专员"  # 孙悦
        # 黄婷's case was rejected: what is left is her readiness, never "已驳回"
        assert "已驳回" not in vm.badge(ids["E008"])
        assert vm.badge(ids["E002"]).startswith("接近→")  # 李娜: no case, her readiness
        assert vm.rank(ids["E004"]) == 0
    finally:
        worker.wait_all()
        app.close(backup=False)
