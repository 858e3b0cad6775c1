"""The start window's state: recently opened company files (kept in QSettings)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal

MAX_RECENT = 10
DEMO_LOGIN = "demo"
DEMO_PASSWORD = "tidui-demo"


def demo_path() -> Path:
    from desktop.runtime import data_dir

    return data_dir() / "悦颜美妆-演示.tidui"


class StartViewModel(QObject):
    recent_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    def recent_files(self) -> list[Path]:
        value = QSettings().value("recent/files", [])
        if isinstance(value, str):
            items = [value]
        elif isinstance(value, list | tuple):
            items = [str(v) for v in value]
        else:
            items = []
        return [Path(p) for p in items if p]

    def add_recent(self, path: Path) -> None:
        path = Path(path).resolve()
        items = [p for p in self.recent_files() if p.resolve() != path]
        items.insert(0, path)
        QSettings().setValue("recent/files", [str(p) for p in items[:MAX_RECENT]])
        self.recent_changed.emit()

    def forget(self, path: Path) -> None:
        items = [p for p in self.recent_files() if p != Path(path)]
        QSettings().setValue("recent/files", [str(p) for p in items])
        self.recent_changed.emit()

    def demo_company(self) -> Path:
        """The demo company's file, created through the real services the first time, and again
        when this Tidui tells a newer story than the one that made it (log in demo / tidui-demo)."""
        from core.services import demo

        target = demo_path()
        demo.ensure_demo(target, DEMO_LOGIN, DEMO_PASSWORD)
        return target

    @staticmethod
    def exists(path: Path) -> bool:
        return Path(path).is_file()
