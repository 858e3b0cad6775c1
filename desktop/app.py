"""Entry point of the `tidui` command: the desktop application."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.viewmodels.start_vm import DEMO_LOGIN, DEMO_PASSWORD, demo_path

__all__ = ["DEMO_LOGIN", "DEMO_PASSWORD", "demo_path", "main"]


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
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="OUT.png",
        help="save the log-in window (with --demo: the main window after logging in) and quit",
    )
    args = parser.parse_args(argv)

    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName("Tidui")
    QCoreApplication.setApplicationName("Tidui")
    app = QApplication(sys.argv[:1])
    from desktop import runtime
    from desktop.viewmodels.gc_guard import MainThreadCollector

    # cyclic garbage is freed on this thread only (a QObject freed by a pool thread crashes Qt)
    collector = MainThreadCollector(app)
    app.aboutToQuit.connect(collector.stop)
    from desktop.single_instance import SingleInstance, bring_forward

    # A second start hands its file to the running Tidui (not in a scripted screenshot run).
    instance = SingleInstance() if args.screenshot is None else None
    if instance is not None and instance.forward(demo_path() if args.demo else args.file):
        return 0
    logs = runtime.log_dir()
    runtime.setup_logging(logs)
    crashes = runtime.CrashHandler(logs)
    crashes.install()
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
        demo.ensure_demo(target, DEMO_LOGIN, DEMO_PASSWORD)
        login = DEMO_LOGIN
    if args.smoke_quit_after is not None:
        from desktop import smoke

        smoke.arm(controller, args.smoke_quit_after, DEMO_PASSWORD if args.demo else None)
    controller.show_start()
    if instance is not None:
        instance.listen()
        instance.file_requested.connect(lambda text: bring_forward(controller, text))
    if args.screenshot is not None:
        from desktop import smoke

        if target is None:
            parser.error("--screenshot needs --demo or a company file")
        run = smoke.run(controller, args.screenshot, DEMO_PASSWORD if args.demo else None)
        crashes.on_crash = lambda report, path: run.fail(f"unexpected error, report: {path}")
    if target is not None:
        QTimer.singleShot(0, lambda: controller.open_file(target, login))
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
