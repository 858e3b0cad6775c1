"""晋升评审 on the demo company: move through the candidates with the keyboard, compare two of the
same move, preview the comparison and print it to a PDF file a person could hand round."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QRectF, Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QLabel, QTableWidget
from pytestqt.qtbot import QtBot

from core.services.admin import auth
from core.session import AppSession
from desktop.viewmodels import worker
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.promotion.review_page import CompareDialog, ReviewPage
from desktop.views.reports.preview_dialog import ReportPreviewDialog
from tests.core.reports.support import LONG_RULE, flat, pages, pdftext, with_long_rule
from tests.viewmodels.promotion_fixtures import PASSWORD, copy_demo
from tests.views.conftest import shot

pytestmark = pytest.mark.gui
MOVE = "运营助理 → 运营专员"


@pytest.fixture
def demo_file(demo_sources: Callable[[bool], Path]) -> Path:
    return demo_sources(False)  # built once per test process: copy it, never open it


@pytest.fixture
def owner(demo_file: Path, tmp_path: Path) -> Iterator[AppSession]:
    app = auth.log_in(copy_demo(demo_file, tmp_path), "demo", PASSWORD)
    yield app
    worker.cancel_all()
    worker.wait_all()
    app.close(backup=False)


def _panel_text(page: ReviewPage) -> str:
    return "\n".join(label.text() for label in page.panel.findChildren(QLabel))


def test_move_compare_preview_and_print(
    qtbot: QtBot, owner: AppSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = ReviewPage(SessionViewModel(owner))
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    assert page.cycle.count() >= 1 and page.vm.candidates.rowCount() >= 3
    first = page.vm.detail
    assert first is not None and first.row.name in _panel_text(page)

    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.table.currentIndex().row() == 1
    assert page.vm.detail is not None and page.vm.detail.row != first.row
    assert page.vm.detail.row.name in _panel_text(page)  # the panel followed

    page.transition.setCurrentIndex(page.transition.findData(MOVE))
    assert all(page.vm.candidates.row_at(r).transition == MOVE for r in range(3))  # type: ignore[union-attr]
    assert not page.compare_button.isEnabled()
    selection = page.table.selectionModel()
    page.table.selectRow(0)
    selection.select(
        page.vm.candidates.index(1, 0),
        QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert page.compare_button.isEnabled()
    names = [page.vm.candidates.row_at(r).name for r in (0, 1)]  # type: ignore[union-attr]

    shown: list[CompareDialog] = []
    monkeypatch.setattr(CompareDialog, "exec", lambda d: shown.append(d) or 0)
    page.compare_button.click()
    (dialog,) = shown
    dialog.show()
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(1, 3)]  # type: ignore[union-attr]
    assert headers == names
    assert dialog.differing  # the two differ somewhere, and those rows are shaded
    row = dialog.differing[0]
    assert (
        dialog.table.item(row, 1).background().color()
        == dialog.table.item(row, 0).background().color()
    )  # type: ignore[union-attr]
    assert dialog.table.item(row, 1).background().color().name() == "#fff4ce"  # type: ignore[union-attr]

    dialog.preview_button.click()
    preview = dialog.preview
    assert isinstance(preview, ReportPreviewDialog)
    qtbot.waitUntil(lambda: preview.print_button.isEnabled(), timeout=15000)
    printer = preview.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "compare-printed.pdf"
    printer.setOutputFileName(str(printed))
    assert preview.print_to(printer) >= 1
    if os.environ.get("TIDUI_KEEP_PRINTED"):
        shutil.copy(printed, os.environ["TIDUI_KEEP_PRINTED"])
    saved = preview.vm.save(tmp_path / "compare.pdf")  # the real-text copy, as 另存为 PDF writes
    text = flat(pdftext(saved))
    assert "晋升评审对比" in text and flat(MOVE) in text
    assert all(name in text for name in names)
    assert pages(printed) >= 1  # the printer got the page (as images: no text to read)
    preview.close()


def _cut_rows(table: QTableWidget) -> list[int]:
    """Rows shorter than their wrapped text at the columns' widths (Qt cuts them with "…")."""
    return [r for r in range(table.rowCount()) if table.rowHeight(r) < table.sizeHintForRow(r)]


def test_compare_of_three_fits_a_laptop_and_wraps_a_long_criterion(
    qtbot: QtBot, owner: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three candidates side by side on a 1366×768 laptop: the dialog fits above the task bar,
    every column is in view without scrolling sideways, and a 60-character criterion wraps whole
    inside its column (its row as tall as its lines), also at the dialog's least width."""
    with_long_rule(monkeypatch)
    page = ReviewPage(SessionViewModel(owner))
    qtbot.addWidget(page)
    page.transition.setCurrentIndex(page.transition.findData(MOVE))
    dialog = CompareDialog(page.vm, [0, 1, 2], page)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    assert table.columnCount() == 4
    assert dialog.width() <= 1366 and dialog.height() <= 728

    def readable() -> None:
        QApplication.processEvents()
        assert table.horizontalScrollBar().maximum() == 0
        widths = sum(table.columnWidth(c) for c in range(table.columnCount()))
        assert widths <= table.viewport().width()  # the last candidate in view too
        assert not _cut_rows(table)
        (long,) = [r for r in range(table.rowCount()) if LONG_RULE in table.item(r, 0).text()]  # type: ignore[union-attr]
        assert table.rowHeight(long) >= 2 * table.rowHeight(long + 1)  # wrapped, not elided

    readable()
    shot(dialog, "compare-three")
    if os.environ.get("TIDUI_SHOTS"):
        dialog.grab().save(os.environ["TIDUI_SHOTS"])
    dialog.resize(dialog.minimumWidth(), dialog.height())
    readable()
    dialog.close()


def _show(page: ReviewPage, name: str) -> None:
    rows = page.vm.candidates.rowCount()
    number = next(
        r
        for r in range(rows)
        if page.vm.candidates.row_at(r).name == name  # type: ignore[union-attr]
        and page.vm.candidates.row_at(r).transition == MOVE  # type: ignore[union-attr]
    )
    page.table.selectRow(number)
    page.table.setCurrentIndex(page.vm.candidates.index(number, 0))


def _sun_yue(qtbot: QtBot, app: AppSession) -> ReviewPage:
    """晋升评审 at a laptop's 1366×720, on 孙悦's move to 运营专员."""
    page = ReviewPage(SessionViewModel(app))
    qtbot.addWidget(page)
    page.resize(1366, 720)
    page.show()
    qtbot.waitExposed(page)
    _show(page, "孙悦")
    return page


def test_the_panel_shows_competencies_against_the_target_level_and_360_quotes(
    qtbot: QtBot, owner: AppSession, demo_file: Path, tmp_path: Path
) -> None:
    """孙悦's 360 means against what 运营专员 expects (self-rating left out), the radar, and the
    comments: the anonymous peer's is quoted for the owner only."""
    from desktop.views.employees.radar import CompetencyRadar

    page = _sun_yue(qtbot, owner)
    rows = {c.competency: c for c in page.vm.competency_rows()}
    assert rows["团队协作"].expected == "3级"
    assert rows["团队协作"].mean == "3.5（2人评）"  # 上级 3 + anonymous 同事 4; 自评 5 left out
    assert all(c.mark == "✓" for c in rows.values())
    radar = page.panel.findChild(CompetencyRadar, "competency-radar")
    assert radar is not None and [a.name for a in radar.scores] == list(rows)
    qtbot.waitUntil(radar.isVisible)  # shown once the event loop runs, as on screen
    quotes = [q.text() for q in page.panel.findChildren(QLabel, "feedback-quote")]
    assert any("上级 陈静" in q and "618期间独立盯完整个店铺" in q for q in quotes)
    assert any("（匿名）" in q and "配合好" in q for q in quotes)
    shot(page, "review-competencies")

    hr = auth.unlock_again(owner, "hr", PASSWORD)  # the HR assistant on the same PC
    hr_page = ReviewPage(SessionViewModel(hr))
    qtbot.addWidget(hr_page)
    _show(hr_page, "孙悦")
    hr_quotes = [q.comment for q in hr_page.vm.quote_lines()]
    assert any("618期间" in q for q in hr_quotes)
    assert not any("配合好" in q for q in hr_quotes)  # anonymous: the owner's eyes only
    assert hr_page.vm.competency_rows()[2].mean == "3.5（2人评）"  # its ratings still count


def test_an_evidence_file_opens_from_the_panel(
    qtbot: QtBot, fresh_demo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """孙悦's case on the full demo carries a 活动方案: its name is a link in 佐证材料; a click
    opens a decrypted temp copy in the system's program."""
    from PySide6.QtCore import QUrl

    from core.services.promotion import cases
    from desktop.views.promotion import review_page

    app = auth.log_in(fresh_demo(), "demo", PASSWORD)  # the full demo, with its cases
    try:
        page = ReviewPage(SessionViewModel(app))
        qtbot.addWidget(page)
        case_id = next(r.case_id for r in page.vm.rows if r.name == "孙悦")
        assert case_id is not None
        cases.add_evidence(app, case_id, "618活动方案.pdf", b"%PDF-1.4 plan")
        page.vm.load(page.vm.cycle.id)  # type: ignore[union-attr]
        page.show()
        _show(page, "孙悦")
        links = page.panel.findChild(QLabel, "evidence-links")
        assert links is not None and "618活动方案.pdf" in links.text()
        opened: list[QUrl] = []
        monkeypatch.setattr(review_page.QDesktopServices, "openUrl", opened.append)
        ((attachment_id, _name),) = page.vm.evidence_files()
        links.linkActivated.emit(str(attachment_id))
        (url,) = opened
        assert Path(url.toLocalFile()).read_bytes() == b"%PDF-1.4 plan"
        page.vm.temp_files.cleanup()
        assert not Path(url.toLocalFile()).exists()  # the decrypted copy does not linger
    finally:
        worker.cancel_all()
        worker.wait_all()
        app.close(backup=False)


def test_a_single_value_in_the_checklist_is_not_broken_across_lines(
    qtbot: QtBot, owner: AppSession
) -> None:
    """孙悦's 转化率 change read "1.6个百分 / 点" in 实际 and 要求 at 1366×768 (seen under Xvfb)."""
    from PySide6.QtWidgets import QLabel

    page = _sun_yue(qtbot, owner)
    qtbot.wait(50)
    values = [
        label
        for label in page.findChildren(QLabel)
        if label.isVisible() and label.text().endswith("个百分点") and len(label.text()) < 12
    ]
    assert len(values) == 2, [v.text() for v in values]  # observed and required
    for label in values:
        assert not label.wordWrap() and label.width() >= label.sizeHint().width(), label.text()


def test_the_english_title_uses_english_brackets(
    qtbot: QtBot, owner: AppSession, english: None
) -> None:
    """The English detail's title read "孙悦（E006）  运营助理 → 运营专员"."""
    page = ReviewPage(SessionViewModel(owner))
    qtbot.addWidget(page)
    page.show()
    detail = page.vm.detail
    assert detail is not None
    assert f"{detail.row.name} ({detail.row.no})" in _panel_text(page)


def test_the_english_comparison_preview_counts_its_pages(
    qtbot: QtBot, owner: AppSession, english: None
) -> None:
    """The English preview of the comparison sheet read "1 pages"."""
    from desktop.views.reports.preview_dialog import open_preview

    page = ReviewPage(SessionViewModel(owner))
    qtbot.addWidget(page)
    page.transition.setCurrentIndex(page.transition.findData(MOVE))
    preview = open_preview(page.vm.compare_report([0, 1]), page)
    qtbot.waitUntil(lambda: preview.print_button.isEnabled(), timeout=15000)
    count = preview.document.pageCount()
    assert count == 1  # two candidates of one move fit on a page
    assert preview.status.text() == "1 page"
    preview.close()


def test_another_person_opens_at_the_top_of_the_detail(qtbot: QtBot, owner: AppSession) -> None:
    """The detail pane kept its scroll position from one person to the next: scrolled down to
    佐证材料 on one, the next (↓/↑ in the list, or a click) opened mid-page."""
    from PySide6.QtTest import QTest

    page = ReviewPage(SessionViewModel(owner))
    qtbot.addWidget(page)
    page.resize(1366, 720)
    page.show()
    qtbot.waitExposed(page)
    page.transition.setCurrentIndex(page.transition.findData(MOVE))  # three long details
    assert page.vm.candidates.rowCount() >= 3 and page.table.currentIndex().row() == 0
    bar = page.panel_scroll.verticalScrollBar()

    def scrolled_to_bottom() -> None:
        qtbot.waitUntil(lambda: bar.maximum() > 0)
        bar.setValue(bar.maximum())
        assert bar.value() > bar.minimum()

    def at_top() -> None:
        # the new detail laid out, taller than the pane: there is somewhere to be
        qtbot.waitUntil(lambda: bar.maximum() > 0)
        assert bar.value() == bar.minimum()

    page.table.setFocus()
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
        scrolled_to_bottom()
        before = page.vm.detail
        qtbot.keyClick(page.table, key)
        assert page.vm.detail is not None and page.vm.detail.row != before.row  # type: ignore[union-attr]
        at_top()

    scrolled_to_bottom()
    row = 2
    cell = page.table.visualRect(page.vm.candidates.index(row, 0)).center()
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert page.table.currentIndex().row() == row
    at_top()


def _drawn_labels(radar: object, monkeypatch: pytest.MonkeyPatch) -> dict[str, QRectF]:
    """Paint ``radar`` and return where each axis label's text landed (what the eye sees)."""
    from PySide6.QtGui import QPainter

    from desktop.views.employees import radar as module

    drawn: dict[str, QRectF] = {}

    class Recording(QPainter):
        def drawText(self, *args: object) -> None:  # type: ignore[override]
            if len(args) == 3 and isinstance(args[0], QRectF):
                box, flags, text = args
                drawn[str(text)] = self.boundingRect(box, flags, str(text))  # type: ignore[call-overload]
            super().drawText(*args)  # type: ignore[call-overload]

    monkeypatch.setattr(module, "QPainter", Recording)
    radar.grab()  # type: ignore[attr-defined]
    monkeypatch.undo()
    names = [s.name for s in radar.scores]  # type: ignore[attr-defined]
    assert set(names) <= set(drawn), (names, list(drawn))
    return {n: drawn[n] for n in names}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_radar_labels_stay_clear_of_the_legend_at_1366(
    qtbot: QtBot,
    owner: AppSession,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    request: pytest.FixtureRequest,
) -> None:
    """李娜's six abilities on the radar in the 1366×768 window: the bottom axis's label
    学习能力 was drawn on top of the legend ("当前评分… / 职级要求"), worse in English where the
    legend takes two lines. Every label is whole inside the chart and clear of every legend
    entry."""
    from desktop.views.employees.radar import CompetencyRadar
    from tests.views.conftest import window_at_1366

    if language == "en":
        request.getfixturevalue("english")
    window = window_at_1366(qtbot, owner)
    window.show_page("review")
    page = window.page("review")
    assert isinstance(page, ReviewPage)
    number = next(
        r
        for r in range(page.vm.candidates.rowCount())
        if page.vm.candidates.row_at(r).name == "李娜"  # type: ignore[union-attr]
    )
    page.table.selectRow(number)
    radar = page.panel.findChild(CompetencyRadar, "competency-radar")
    assert radar is not None and len(radar.scores) >= 6  # a bottom axis, right above the legend
    qtbot.waitUntil(radar.isVisible)
    page.panel_scroll.ensureWidgetVisible(radar)
    labels = _drawn_labels(radar, monkeypatch)
    legend = radar.legend_layout()
    for name, box in labels.items():
        assert QRectF(radar.rect()).contains(box), (name, box, radar.size())
        for entry in legend:
            assert not box.intersects(entry), (name, box, entry)
    shot(radar, f"review-radar-{language}")
    shot(window, f"review-radar-window-{language}")


@pytest.mark.parametrize("size", [(260, 240), (320, 280), (520, 260)])
def test_long_english_ability_names_stay_inside_the_radar(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, english: None, size: tuple[int, int]
) -> None:
    """Abilities a company named in English, down to the radar's least size: no label runs out
    of the widget or onto the legend."""
    from core.services.archive.records import CompetencyScore
    from desktop.views.employees.radar import CompetencyRadar

    names = ("Data analysis", "Strategy", "Teamwork", "Learning ability", "Innovation", "Lead")
    radar = CompetencyRadar()
    qtbot.addWidget(radar)
    radar.set_scores([CompetencyScore(n, 3.0, 4.0, 2) for n in names])
    radar.resize(*size)
    radar.show()
    labels = _drawn_labels(radar, monkeypatch)
    for name, box in labels.items():
        assert QRectF(radar.rect()).contains(box), (name, box, size)
        for entry in radar.legend_layout():
            assert not box.intersects(entry), (name, box, entry, size)
    _centre, radius, _boxes = radar.chart_layout()
    assert radius >= 40, size  # still a chart, not a dot
