"""Entry point of the `tidui` command: the desktop application."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEMO_LOGIN = "demo"
DEMO_PASSWORD = "tidui-demo"


def demo_path() -> Path:
    from PySide6.QtCore import QStandardPaths

    folder = (
        Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation))
        / "Tidui"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "悦颜美妆-演示.tidui"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tidui", description="Tidui 梯队")
    parser.add_argument("file", nargs="?", type=Path, help="company file to open")
    parser.add_argument(
        "--demo", action="store_true", help="open (and first create) the demo company"
    )
    parser.add_argument("--lang", choices=["zh", "en"], default=None)
    parser.add_argument(
        "--smoke-quit-after",
        type=float,
        metavar="SECONDS",
        help="start-up check: log in to the demo, quit SECONDS after the main window shows",
    )
    args = parser.parse_args(argv)

    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName("Tidui")
    QCoreApplication.setApplicationName("Tidui")
    app = QApplication(sys.argv[:1])
    from desktop import i18n
    from desktop.fonts import install_app_font

    install_app_font(app)
    if args.lang:
        i18n.choose_for_this_run(args.lang)
    else:
        i18n.install(i18n.saved_language())
    from importlib import resources

    icon = resources.files("resources") / "icons" / "tidui.png"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))

    from desktop.views.app_controller import AppController

    controller = AppController()
    app.aboutToQuit.connect(controller.shutdown)
    target: Path | None = args.file
    login = ""
    if args.demo:
        from core.services import demo

        target = demo_path()
        if not target.exists():
            demo.create_demo(target, DEMO_LOGIN, DEMO_PASSWORD)
        login = DEMO_LOGIN
    if args.smoke_quit_after is not None:
        from desktop import smoke

        smoke.arm(controller, args.smoke_quit_after, DEMO_PASSWORD if args.demo else None)
    controller.show_start()
    if target is not None:
        QTimer.singleShot(0, lambda: controller.open_file(target, login))
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
