"""文书预览: the evaluation report previewed, printed to a PDF file, saved, exported for everyone."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from core.services.admin import auth
from desktop.viewmodels.reports_vm import ReportViewModel
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.reports.preview_dialog import ExportDialog, ReportPreviewDialog
from tests.core.reports.support import DemoCases, build_demo, pages, pdftext
from tests.views.conftest import shot

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def demo_cases(tmp_path_factory: pytest.TempPathFactory) -> DemoCases:
    return build_demo(tmp_path_factory.mktemp("preview") / "demo.tidui")


@pytest.fixture
def session(demo_cases: DemoCases) -> Iterator[SessionViewModel]:
    app = auth.log_in(demo_cases.path, "demo", "tidui-demo")
    yield SessionViewModel(app)
    from desktop.viewmodels import worker

    worker.wait_all()
    app.close(backup=False)


def _preview(qtbot: QtBot, vm: ReportViewModel) -> ReportPreviewDialog:
    dialog = ReportPreviewDialog(vm)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_preview_print_to_file_and_save(
    qtbot: QtBot, session: SessionViewModel, demo_cases: DemoCases, tmp_path: Path
) -> None:
    vm = ReportViewModel(
        session, "evaluation", demo_cases.sun, case_id=demo_cases.decided, name="孙悦", no="E006"
    )
    dialog = _preview(qtbot, vm)
    qtbot.waitUntil(lambda: dialog.document.pageCount() == 2, timeout=30000)
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled()
    assert "共 2 页" in dialog.status.text()
    assert dialog.show_id.isVisible()  # the owner may choose to print the full ID number
    dialog.resize(1000, 740)
    qtbot.wait(1500)  # QPdfView renders its pages in the background
    shot(dialog, "report-preview")
    printer = dialog.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert dialog.print_to(printer) == 2
    assert pages(printed) == 2
    # printed to a file whole, it is the PDF itself: text and embedded fonts, not two pictures
    # (at a 1200-dpi printer's resolution those were 15 MB)
    assert printed.read_bytes() == vm.pdf and "孙悦" in pdftext(printed)
    if os.environ.get("TIDUI_KEEP_PRINTED"):
        shutil.copy(printed, os.environ["TIDUI_KEEP_PRINTED"])
    # a page range: only the second page
    printer = dialog.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    second = tmp_path / "second.pdf"
    printer.setOutputFileName(str(second))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 2)
    assert dialog.print_to(printer) == 1 and pages(second) == 1
    assert second.stat().st_size < 3_000_000  # one page pictured at 300 dpi, not 1200
    saved = vm.save(tmp_path / vm.suggested_file_name())
    assert saved.name == "E006_孙悦_晋升评估报告.pdf"
    assert "孙悦" in pdftext(saved)


def test_a_document_that_cannot_print_says_why(
    qtbot: QtBot, session: SessionViewModel, demo_cases: DemoCases
) -> None:
    vm = ReportViewModel(session, "letter", demo_cases.chen, name="陈静", no="E004")
    dialog = _preview(qtbot, vm)
    qtbot.waitUntil(lambda: bool(vm.error), timeout=30000)
    assert "没有已决定的晋升申请" in dialog.status.text()
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()


def test_export_all_with_progress(
    qtbot: QtBot, session: SessionViewModel, demo_cases: DemoCases, tmp_path: Path
) -> None:
    vm = ReportViewModel(session, "progress", demo_cases.sun, name="孙悦", no="E006")
    folder = tmp_path / "all"
    dialog = ExportDialog(vm, folder)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.finished_ok, timeout=60000)
    assert len(list(folder.glob("*.pdf"))) == 14  # the demo's payroll in 2024-06
    assert "已生成 14 份" in dialog.result_text
    assert dialog.cancel_button.text() == "关闭"
    shot(dialog, "report-export-all")


def test_letter_template_tab_flags_an_unknown_placeholder_and_previews_live(
    qtbot: QtBot, session: SessionViewModel
) -> None:
    from core.reports import templates
    from desktop.viewmodels.reports_vm import LetterTemplateViewModel
    from desktop.views.reports.letter_template import LetterTemplateTab

    tab = LetterTemplateTab(LetterTemplateViewModel(session))
    qtbot.addWidget(tab)
    tab.resize(1100, 640)
    tab.show()
    qtbot.waitUntil(lambda: tab.document.pageCount() == 1, timeout=30000)
    assert tab.save_button.isEnabled() and not tab.problem.text()
    tab.editor.setPlainText("{姓名}，你的{职务}已调整。")
    tab.refresh()
    assert "{职务}" in tab.problem.text() and not tab.save_button.isEnabled()
    tab.editor.setPlainText("恭喜{姓名}晋升为{新职级}！")
    tab.editor.moveCursor(QTextCursor.MoveOperation.End)
    tab.insert("月薪")
    tab.refresh()
    assert tab.save_button.isEnabled()
    tab.on_save_clicked()
    assert templates.letter_template(session.app) == "恭喜{姓名}晋升为{新职级}！{月薪}"
    qtbot.wait(1200)
    shot(tab, "letter-template-tab")
    tab.reset_button.click()
    tab.on_save_clicked()
    assert templates.letter_template(session.app) == templates.DEFAULT_LETTER


def test_settings_page_has_the_template_tab(qtbot: QtBot, session: SessionViewModel) -> None:
    from desktop.views.settings.page import SettingsPage

    page = SettingsPage(session)
    qtbot.addWidget(page)
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert "文书模板" in titles


def test_locking_with_an_unsaved_template_text_asks_first(
    qtbot: QtBot, session: SessionViewModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The GUI audit typed into 文书模板, pressed Ctrl+L and lost the text unasked. The main
    window asks every page's ``confirm_leave`` first: 取消 stays, 放弃修改 drops the text,
    保存 keeps it in the file. 公示模板 is asked about in the same question."""
    from core.reports import templates
    from core.services.promotion import config
    from desktop.views import questions
    from desktop.views.settings import page as settings_page
    from desktop.views.settings.page import SettingsPage

    page = SettingsPage(session)
    qtbot.addWidget(page)
    assert page.letter_tab is not None and page.notice_tab is not None
    assert page.confirm_leave()  # nothing typed: nothing asked
    asked: list[str] = []
    answers = [questions.CANCEL, questions.DISCARD, questions.SAVE]

    def ask_save(_parent: object, _title: str, text: str, *_args: object) -> str:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(settings_page, "ask_save", ask_save)
    page.letter_tab.editor.setPlainText("恭喜{姓名}晋升为{新职级}！")
    page.notice_tab.editor.setPlainText("{姓名}晋升为{新职级}。")
    assert not page.confirm_leave()  # 取消
    assert asked == ["文书模板、公示模板有未保存的修改。"]
    assert page.letter_tab.editor.toPlainText() == "恭喜{姓名}晋升为{新职级}！"
    assert page.confirm_leave()  # 放弃修改
    assert page.letter_tab.editor.toPlainText() == templates.letter_template(session.app)
    assert not page.letter_tab.unsaved() and not page.notice_tab.unsaved()
    page.letter_tab.editor.setPlainText("恭喜{姓名}晋升为{新职级}！")
    assert page.confirm_leave()  # 保存
    assert asked[-1] == "文书模板有未保存的修改。"
    assert templates.letter_template(session.app) == "恭喜{姓名}晋升为{新职级}！"
    assert config.notice_template(session.app) != "{姓名}晋升为{新职级}。"


def test_the_case_view_prints_its_report_and_once_decided_its_letter(
    qtbot: QtBot, session: SessionViewModel, demo_cases: DemoCases, tmp_path: Path
) -> None:
    from desktop.views.promotion.case_dialog import CaseDialog

    dialog = CaseDialog(session, demo_cases.decided)
    qtbot.addWidget(dialog)
    dialog.show()
    letter = dialog.document_buttons["letter"]
    qtbot.waitUntil(letter.isVisible, timeout=30000)
    assert dialog.document_buttons["evaluation"].isVisible()
    letter.click()
    preview = dialog.preview
    assert isinstance(preview, ReportPreviewDialog)
    qtbot.waitUntil(lambda: preview.document.pageCount() >= 1, timeout=30000)
    assert preview.windowTitle() == "晋升通知书 — 孙悦"
    assert preview.save_button.isEnabled()
    preview.close()
    notice = dialog.document_buttons["announcement"]  # the cycle's 晋升公示, from the case
    assert notice.isVisible()
    notice.click()
    preview = dialog.preview
    assert isinstance(preview, ReportPreviewDialog)
    qtbot.waitUntil(lambda: preview.document.pageCount() >= 1, timeout=30000)
    assert preview.windowTitle().startswith("晋升公示")
    assert "孙悦" not in preview.windowTitle()  # the notice is the cycle's, not hers
    assert preview.vm.pdf is not None
    (tmp_path / "notice.pdf").write_bytes(preview.vm.pdf)
    assert "孙悦" in pdftext(tmp_path / "notice.pdf")
    preview.close()
    dialog.close()
    waiting = CaseDialog(session, demo_cases.open)  # 陈静: not decided, no letter yet
    qtbot.addWidget(waiting)
    waiting.show()
    report = waiting.document_buttons["evaluation"]
    qtbot.waitUntil(report.isVisible, timeout=30000)
    assert not waiting.document_buttons["letter"].isVisible()
    assert not waiting.document_buttons["announcement"].isVisible()


def test_a_case_asks_before_it_is_rejected_and_keeps_its_approve_button_in_place(
    qtbot: QtBot, session: SessionViewModel, demo_cases: DemoCases, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.views.promotion import case_dialog

    asked: list[str] = []

    def say_no(_parent: object, _title: str, question: str) -> bool:
        asked.append(question)
        return False

    monkeypatch.setattr(case_dialog, "ask_to_confirm", say_no)
    dialog = case_dialog.CaseDialog(session, demo_cases.open)  # 陈静, waiting at the first step
    qtbot.addWidget(dialog)
    dialog.show()
    approve = dialog.buttons["approve"]
    qtbot.waitUntil(approve.isVisible, timeout=30000)
    shown = [b for b in dialog.buttons.values() if b.isVisible()]
    # the move that carries the case on is the last one, beside 关闭, wherever the others are
    assert shown[-1] is approve and max(b.x() for b in shown) == approve.x()
    dialog.buttons["reject"].click()  # no comment: refused with the reason, nothing asked
    assert not asked
    qtbot.waitUntil(lambda: dialog.buttons["reject"].isEnabled(), timeout=30000)
    assert "需要填写理由" in dialog.error.text()
    dialog.comment.setPlainText("材料不足")
    dialog.buttons["reject"].click()
    assert len(asked) == 1 and "陈静（E004）" in asked[0] and "不能再重新提交" in asked[0]
    assert dialog.vm.state != "rejected" and dialog.comment.toPlainText() == "材料不足"
    dialog.close()


def test_the_progress_panel_prints_the_sheet(
    qtbot: QtBot, session: SessionViewModel, demo_cases: DemoCases
) -> None:
    from desktop.views.eligibility.progress_panel import ProgressPanel

    panel = ProgressPanel(session, demo_cases.chen)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(panel.print_button.isVisible, timeout=30000)
    panel.print_button.click()
    preview = panel.preview
    assert isinstance(preview, ReportPreviewDialog)
    qtbot.waitUntil(lambda: preview.document.pageCount() >= 1, timeout=30000)
    assert preview.windowTitle() == "个人晋升进度单 — 陈静"
    assert preview.export_button.isVisible()  # 导出全部…: everyone's sheet
    preview.close()


def test_a_supervisor_has_no_print_button(qtbot: QtBot, demo_cases: DemoCases) -> None:
    from desktop.views.eligibility.progress_panel import ProgressPanel

    app = auth.log_in(demo_cases.path, "lina", "tidui-demo")
    try:
        panel = ProgressPanel(SessionViewModel(app), demo_cases.chen)
        qtbot.addWidget(panel)
        panel.show()
        qtbot.waitUntil(lambda: bool(panel.card_views), timeout=30000)
        assert not panel.print_button.isVisible()
    finally:
        from desktop.viewmodels import worker

        worker.wait_all()
        app.close(backup=False)


def test_a_one_page_document_says_one_page_in_english(
    qtbot: QtBot, session: SessionViewModel, demo_cases: DemoCases
) -> None:
    """The English preview of a one-page letter said "1 pages"."""
    from desktop import i18n

    i18n.install("en")
    vm = ReportViewModel(session, "letter", demo_cases.sun, case_id=demo_cases.decided)
    dialog = _preview(qtbot, vm)
    qtbot.waitUntil(lambda: dialog.document.pageCount() == 1, timeout=30000)
    assert dialog.status.text() == "1 page"
