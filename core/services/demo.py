"""The demo company (template B, 悦颜美妆) used by `tidui --demo` and `tidui-cli demo`."""

from __future__ import annotations

from pathlib import Path

from core.services import auth

DEMO_COMPANY = "悦颜美妆（演示）"


def create_demo(path: Path, login: str = "demo", password: str = "tidui-demo") -> str:
    """Create the demo company file at ``path``; returns its recovery key."""
    template = "none"
    try:
        import core.services.ladder_templates  # noqa: F401

        template = "beauty"
    except ModuleNotFoundError:
        pass
    app, recovery = auth.create_company(
        Path(path), DEMO_COMPANY, login, password, "演示老板", template=template
    )
    try:
        _fill(app)
    finally:
        app.close(backup=False)
    return recovery


def _fill(app: auth.AppSession) -> None:
    """Employees, stores and 18 months of data arrive as the archive and import features land."""
    del app
