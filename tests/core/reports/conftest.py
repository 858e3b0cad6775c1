from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.services.admin import auth
from core.session import AppSession
from tests.core.reports.support import PASSWORD, DemoCases, build_demo


@pytest.fixture(scope="package")
def demo_cases(tmp_path_factory: pytest.TempPathFactory) -> DemoCases:
    return build_demo(tmp_path_factory.mktemp("reports") / "demo.tidui")


@pytest.fixture
def owner(demo_cases: DemoCases) -> Iterator[AppSession]:
    app = auth.log_in(demo_cases.path, "demo", PASSWORD)
    yield app
    app.close(backup=False)


@pytest.fixture
def hr(demo_cases: DemoCases) -> Iterator[AppSession]:
    app = auth.log_in(demo_cases.path, "hr", PASSWORD)
    yield app
    app.close(backup=False)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path
