"""The sidebar's screens. Each feature adds one entry; a screen whose module is absent is not shown.

A page class is constructed as ``PageClass(session_vm, parent)`` where ``session_vm`` is a
desktop.viewmodels.session_vm.SessionViewModel. It should build its own viewmodel from
``session_vm.app`` and listen to ``session_vm.data_changed`` to refresh. A page holding unsaved
edits defines ``confirm_leave() -> bool`` (ask the user; True = go ahead); the main window calls it
before locking, closing the file or quitting.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from core.permissions import Perm


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str  # Chinese source text; shown through tr()
    module: str
    cls: str
    perm: Perm | None = None
    icon: str = ""


PAGES: list[PageSpec] = [
    PageSpec(
        "dashboard",
        "仪表盘",
        "desktop.views.dashboard.page",
        "DashboardPage",
        Perm.VIEW_ELIGIBILITY,
    ),
    PageSpec("ladder", "晋升通道", "desktop.views.ladder.page", "LadderPage", Perm.VIEW_LADDER),
    PageSpec("employees", "员工档案", "desktop.views.employees.page", "EmployeesPage", None),
    PageSpec("imports", "数据导入", "desktop.views.imports.page", "ImportsPage", Perm.IMPORT_DATA),
    PageSpec(
        "eligibility",
        "达标名单",
        "desktop.views.eligibility.page",
        "EligibilityPage",
        Perm.VIEW_ELIGIBILITY,
    ),
    PageSpec(
        "queue",
        "待我处理",
        "desktop.views.promotion.queue_page",
        "QueuePage",
        Perm.VIEW_ELIGIBILITY,
    ),
    PageSpec(
        "cycles",
        "评审周期",
        "desktop.views.promotion.cycles_page",
        "CyclesPage",
        Perm.VIEW_ELIGIBILITY,
    ),
    PageSpec(
        "review",
        "晋升评审",
        "desktop.views.promotion.review_page",
        "ReviewPage",
        Perm.VIEW_ELIGIBILITY,
    ),
    PageSpec("settings", "设置", "desktop.views.settings.page", "SettingsPage", None),
]


def load_page_class(spec: PageSpec) -> type | None:
    """The page's class, or None while that feature is not part of this build."""
    try:
        module = importlib.import_module(spec.module)
    except ModuleNotFoundError as exc:
        if exc.name and spec.module.startswith(exc.name):
            return None
        raise
    cls = getattr(module, spec.cls)
    assert isinstance(cls, type)
    return cls
