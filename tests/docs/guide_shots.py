"""The user guide's screenshots (docs/guide/images/), taken from the demo company in the real
main window at 1366×768, offscreen; dialogs are saved at their own size.

``take_all(qtbot, folder, work)`` builds the demo in ``work``, logs in as its owner and walks the
screens the guide shows, in the guide's order: the dashboard, the ladder designer, the import
history and the month's import, the 达标名单 with a progress sheet, a review cycle from its score
grid to the letter (孙悦, E006, waits for the owner: approved and decided on the way), the
backups, the log-in window's recovery page and the start window. Returns each picture's file
name with the size of the window or dialog it shows.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, QSize
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from core.i18n import render
from core.services import demo
from core.services.admin import auth
from core.session import AppSession
from desktop.viewmodels import worker
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.imports.wizard import CHECK, OWNER
from desktop.views.main_window import MainWindow

WINDOW = QSize(1366, 768)
PASSWORD = "tidui-demo"
TIMEOUT = 30000
# the month's store exports among the test samples (the roster and Tidui's templates are not)
MONTH_SAMPLES = (
    "生意参谋_交易概况_月_悦颜美妆专营店_2023-01_2024-06.xlsx",
    "抖店订单导出_2024-06.xlsx",
    "直播间列表_2024-06-01_2024-06-30.xlsx",
)


class Shooter:
    def __init__(self, qtbot: QtBot, folder: Path, work: Path) -> None:
        self.qtbot = qtbot
        self.folder = folder
        self.work = work
        self.taken: dict[str, QSize] = {}  # file name → the size of what was grabbed
        folder.mkdir(parents=True, exist_ok=True)
        self.path = work / "悦颜美妆（演示）.tidui"
        self.recovery_key = demo.create_demo(self.path, "demo", PASSWORD)
        self.app: AppSession = auth.log_in(self.path, "demo", PASSWORD)
        self.session_vm = SessionViewModel(self.app)
        self.window = MainWindow(self.session_vm)
        qtbot.addWidget(self.window)
        self.window.show()
        self.window.showNormal()
        self.window.resize(WINDOW)
        qtbot.waitExposed(self.window)

    # --- helpers ---------------------------------------------------------------------------------

    def settle(self, ms: int = 120) -> None:
        worker.wait_all()
        QApplication.processEvents()
        self.qtbot.wait(ms)
        worker.wait_all()
        QApplication.processEvents()

    def save(self, widget: QWidget, name: str) -> None:
        self.settle(60)
        path = self.folder / f"{name}.png"
        assert widget.grab().save(str(path)), path
        self.taken[path.name] = widget.size()

    def page(self, key: str) -> QWidget:
        self.window.show_page(key)
        self.settle()
        return self.window.pages[key]

    def wait(self, condition: Callable[[], object], timeout: int = TIMEOUT) -> None:
        self.qtbot.waitUntil(lambda: bool(condition()), timeout=timeout)

    def close(self) -> None:
        worker.cancel_all()
        worker.wait_all()
        self.window.allow_close()
        self.window.close()
        self.app.close(backup=False)

    # --- the guide's screens ---------------------------------------------------------------------

    def dashboard(self) -> None:
        from desktop.views.dashboard.page import LinkLabel

        page = self.page("dashboard")
        vm = page.vm  # type: ignore[attr-defined]
        self.wait(lambda: vm.result is not None and not vm.loading)
        self.save(self.window, "dashboard")
        scroll = page.findChild(QScrollArea)
        assert scroll is not None
        bar = scroll.verticalScrollBar()
        bar.setValue(bar.maximum())
        self.save(self.window, "dashboard-lower")
        bar.setValue(0)
        director = next(lv for t in vm.result.tracks for lv in t.levels if lv.level == "运营总监")
        gap = page.findChild(LinkLabel, f"gap-{director.level_id}")
        assert gap is not None
        gap.click()
        dialog = page.dialog  # type: ignore[attr-defined]
        assert dialog is not None
        self.save(dialog, "dashboard-gap")
        dialog.close()

    def ladder(self) -> None:
        from desktop.viewmodels.ladder_vm import LEVEL, TRANSITION

        page = self.page("ladder")
        self.save(self.window, "ladder")
        vm = page.vm  # type: ignore[attr-defined]
        design = vm.design
        shop = next(t for t in design.tracks if t.name == "店铺运营")
        levels = {lv.title: lv for lv in design.levels if lv.track_id == shop.id}
        path = design.find_transition(levels["运营专员"].id, levels["运营主管"].id)
        assert path is not None
        vm.select(TRANSITION, path.id)
        self.save(self.window, "ladder-path")
        vm.select(LEVEL, levels["运营主管"].id)
        self.save(self.window, "ladder-level")
        vm.select(None)
        page.tabs.setCurrentWidget(page.evaluation_editor)  # type: ignore[attr-defined]
        self.save(self.window, "ladder-evaluation")
        page.tabs.setCurrentIndex(0)  # type: ignore[attr-defined]

    def employees(self) -> None:
        """员工档案: 陈静 (E004) found by pinyin, her basic information, then her 成长档案."""
        from core.services.archive import employees as archive

        page = self.page("employees")
        people = {r.no: r.id for r in archive.list_employees(self.app)}
        page.search.setText("chenj")  # type: ignore[attr-defined]
        self.settle()
        page.show_employee(people["E004"])  # type: ignore[attr-defined]
        self.settle()
        self.save(self.window, "employees")
        tabs = page.tabs  # type: ignore[attr-defined]
        tabs.setCurrentIndex(1)  # 成长档案
        self.save(self.window, "employees-timeline")
        tabs.setCurrentIndex(0)
        page.search.clear()  # type: ignore[attr-defined]

    def imports(self, samples: Path) -> None:
        from desktop.views.imports import month as month_module
        from desktop.views.imports.month import SUMMARY

        page = self.page("imports")
        self.save(self.window, "imports")
        folder = self.work / "6月导出"
        folder.mkdir()
        files = [Path(shutil.copy(samples / name, folder / name)) for name in MONTH_SAMPLES]
        original = month_module.ask_month_files
        month_module.ask_month_files = lambda _parent: files
        try:
            page.month_action.trigger()  # type: ignore[attr-defined]
        finally:
            month_module.ask_month_files = original
        dialog = page.month  # type: ignore[attr-defined]
        assert dialog is not None
        self.wait(lambda: dialog.stack.currentIndex() == SUMMARY, 60000)
        dialog.resize(1340, 620)
        self.save(dialog, "import-month")
        dialog.reject()
        self.settle()
        # the 生意参谋 months the demo imported already: the wizard asks what to do with them
        self.wizard(page, files[0])

    def wizard(self, page: QWidget, path: Path) -> None:
        """One file through the import wizard to 预览和检查, saving 数据归属 on the way."""
        from PySide6.QtWidgets import QWizard

        wizard = page.start_import([path])  # type: ignore[attr-defined]
        wizard.resize(1100, 700)
        while wizard.currentId() != CHECK:
            self.wait(lambda: not wizard.vm.busy and wizard.currentPage().isComplete())
            if wizard.currentId() == OWNER:
                self.save(wizard, "import-wizard-owner")
            wizard.button(QWizard.WizardButton.NextButton).click()
        self.wait(lambda: not wizard.vm.busy and bool(wizard.check_page.summary.text()))
        self.save(wizard, "import-wizard-check")
        wizard.reject()
        self.settle()

    def eligibility(self) -> None:
        from desktop.viewmodels.eligibility_vm import CandidateTableModel as C

        page = self.page("eligibility")
        vm = page.vm  # type: ignore[attr-defined]
        self.wait(lambda: vm.found is not None and not vm.loading)
        model = page.table.model()  # type: ignore[attr-defined]
        nearly = [
            r for r in range(model.rowCount()) if model.index(r, C.COL_STATUS).data() == "接近达标"
        ]
        # 陈静 (E004) nearly ready for 运营主管, the guide's example; else whoever is nearly ready
        row = next(
            (
                r
                for r in nearly
                if model.index(r, C.COL_NAME).data() == "陈静"
                and model.index(r, C.COL_TO).data() == "运营主管"
            ),
            nearly[0],
        )
        page.table.selectRow(row)  # type: ignore[attr-defined]
        panel = page.panel  # type: ignore[attr-defined]
        self.wait(lambda: panel.card_views and panel.print_button.isVisible())
        self.save(self.window, "eligibility")
        panel.print_button.click()
        preview = panel.preview
        assert preview is not None
        self.wait(lambda: preview.document.pageCount() >= 1)
        preview.resize(900, 740)
        self.qtbot.wait(900)  # QPdfView paints its pages in the background
        self.save(preview, "progress-sheet")
        preview.close()

    def review_cycle(self) -> None:
        from desktop.views.promotion.case_dialog import CaseDialog, DecisionDialog

        cycles = self.page("cycles")
        table = cycles.cycle_table  # type: ignore[attr-defined]
        names = [table.model().index(r, 0).data() for r in range(table.model().rowCount())]
        table.selectRow(names.index(demo.DEMO_CYCLE))  # the open one, whatever else is listed
        self.save(self.window, "cycles")
        cycles.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]  # 候选人
        self.save(self.window, "cycles-candidates")
        cycles.tabs.setCurrentIndex(0)  # type: ignore[attr-defined]
        queue = self.page("queue")
        self.save(self.window, "queue")
        model = queue.vm.model  # type: ignore[attr-defined]
        found = [model.row_at(r) for r in range(model.rowCount())]
        sun = next(c for c in found if c is not None and c.no == "E006")
        dialog = CaseDialog(self.session_vm, sun.id, self.window)
        self.qtbot.addWidget(dialog)
        dialog.show()
        approve = dialog.buttons["approve"]
        self.wait(approve.isVisible)
        self.save(dialog, "case")
        dialog.comment.setPlainText("数据扎实，同意晋升。")
        approve.click()
        decide = dialog.buttons["decide"]
        self.wait(lambda: decide.isVisible() and decide.isEnabled())
        decision = DecisionDialog(dialog.vm, dialog)
        self.qtbot.addWidget(decision)
        decision.show()
        self.save(decision, "decide")
        from desktop.views.promotion import case_dialog

        confirm = case_dialog.ask_to_confirm
        case_dialog.ask_to_confirm = lambda *_args: True  # the owner says Yes to the summary
        try:
            decision.on_accepted()
        finally:
            case_dialog.ask_to_confirm = confirm
        self.wait(lambda: decision.result() == 1)
        letter = dialog.document_buttons["letter"]
        self.wait(letter.isVisible)
        letter.click()
        preview = dialog.preview
        assert preview is not None
        self.wait(lambda: preview.document.pageCount() >= 1)
        preview.resize(900, 740)
        self.qtbot.wait(900)
        self.save(preview, "letter")
        preview.close()
        dialog.close()
        review = self.page("review")
        box = review.cycle  # type: ignore[attr-defined]
        box.setCurrentIndex(box.findText(demo.DEMO_CYCLE))
        table = review.table  # type: ignore[attr-defined]
        rows = [table.model().index(r, 0).data() for r in range(table.model().rowCount())]
        table.selectRow(rows.index("孙悦"))
        self.save(self.window, "review")

    def backups(self) -> None:
        page = self.page("settings")
        tabs = page.tabs  # type: ignore[attr-defined]
        index = next(i for i in range(tabs.count()) if tabs.tabText(i) == "备份与校验")
        tabs.setCurrentIndex(index)
        tab = tabs.widget(index)
        # what 立即备份 does, without the message box it then shows
        made = self.app.file.backup(reason="manual")
        tab.last.setText(render("backup.done", {"file": str(made)}))
        tab.refresh()
        self.save(self.window, "backup")

    def recovery(self) -> None:
        """The log-in window's recovery page, once the file is closed."""
        from desktop.viewmodels.login_vm import LoginViewModel
        from desktop.views.login_dialog import LoginDialog

        self.close()
        dialog = LoginDialog(LoginViewModel(self.path))
        self.qtbot.addWidget(dialog)
        dialog.show()
        self.save(dialog, "login")
        dialog.recover_link.click()
        dialog.owner_login.setText("demo")
        self.save(dialog, "login-recovery")
        dialog.reject()

    def start_window(self) -> None:
        from desktop.viewmodels.start_vm import StartViewModel
        from desktop.views.start_window import StartWindow

        QSettings().setValue("recent/files", [str(self.path)])
        window = StartWindow(StartViewModel())
        self.qtbot.addWidget(window)
        window.show()
        self.save(window, "start")
        window.close()


def take_all(qtbot: QtBot, folder: Path, work: Path, samples: Path) -> dict[str, QSize]:
    shooter = Shooter(qtbot, folder, work)
    try:
        shooter.dashboard()
        shooter.ladder()
        shooter.employees()
        shooter.imports(samples)
        shooter.eligibility()
        shooter.review_cycle()
        shooter.backups()
    except BaseException:
        shooter.close()
        raise
    shooter.recovery()
    shooter.start_window()
    return shooter.taken


__all__ = ["WINDOW", "take_all"]
