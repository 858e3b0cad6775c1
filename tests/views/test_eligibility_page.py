"""达标名单, 晋升进度 and KPI driven through their widgets; screenshots saved for a human to look at."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from core.model import Employee
from core.session import AppSession
from desktop.viewmodels import worker
from desktop.viewmodels.eligibility_vm import SHOW_ALL, CandidateTableModel
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.views.eligibility import page as page_module
from desktop.views.eligibility.kpi_tab import KpiTab
from desktop.views.eligibility.page import EligibilityPage
from desktop.views.eligibility.progress_panel import ProgressPanel
from tests.core.services.test_eligibility_service import GROWTH_OF_THE_BRIEF, assistant
from tests.core.services.test_metrics_seed import Seed
from tests.views.conftest import shot

pytestmark = pytest.mark.gui
M = CandidateTableModel


def employee_id(app: AppSession, no: str) -> int:
    with app.read() as s:
        found = s.scalar(select(Employee.id).where(Employee.no == no))
    assert found is not None
    return found


@pytest.fixture
def office(company_home: AppSession) -> Iterator[AppSession]:
    seed = Seed(company_home)
    lead = seed.employee("E004", "陈静", "运营专员")
    assistant(seed, "E007", "周杰", supervisor=lead)
    assistant(seed, "E006", "孙悦", growths=GROWTH_OF_THE_BRIEF, supervisor=lead)
    assistant(seed, "E011", "马超", growths=(0.05, 0.16, 0.05), launches=(date(2024, 2, 2),))
    assistant(seed, "E010", "徐丽", conversion=(0.03, 0.0495))
    yield company_home
    worker.wait_all()  # background work ends before the file closes


@pytest.fixture
def empty_company(company: AppSession) -> Iterator[AppSession]:
    yield company
    worker.wait_all()


def make_page(qtbot: QtBot, app: AppSession) -> EligibilityPage:
    page = EligibilityPage(SessionViewModel(app))
    qtbot.addWidget(page)
    page.resize(1360, 780)
    page.show()
    qtbot.waitUntil(lambda: page.vm.found is not None and not page.vm.loading, timeout=20000)
    return page


def choose_month(qtbot: QtBot, page: EligibilityPage, month: str) -> None:
    index = page.month.findData(month)
    assert index > 0
    with qtbot.waitSignal(page.vm.loaded, timeout=20000):
        page.month.setCurrentIndex(index)


def test_list_with_progress_beside_it(qtbot: QtBot, office: AppSession) -> None:
    page = make_page(qtbot, office)
    assert page.vm.found is not None and page.vm.found.as_of == "2024-03"
    model = page.vm.model
    names = [model.index(r, M.COL_NAME).data() for r in range(model.rowCount())]
    assert names == ["周杰", "徐丽", "孙悦"]  # ready, then the closest to ready
    assert page.summary.text().startswith("截至2024年3月")
    # the first row is selected and its 晋升进度 shown beside the list
    qtbot.waitUntil(lambda: len(page.panel.card_views) == 1, timeout=20000)
    assert page.panel_title.text() == "晋升进度：周杰（E007）"
    page.table.selectRow(2)
    qtbot.waitUntil(
        lambda: (
            bool(page.panel.card_views) and page.panel.card_views[0].status.text() == "接近达标"
        ),
        timeout=20000,
    )
    card = page.panel.card_views[0]
    growth_row = card.rows[0]
    assert growth_row.mark.text() == "✗"
    assert [c.text() for c in growth_row.chips] == ["1月 16.2%", "2月 9.8%", "3月 17.5%"]
    qtbot.waitUntil(growth_row.missing.isVisible)  # shown by the layout on the next events
    assert growth_row.missing.text().startswith("未满足：GMV增长率≥15%: 还有1个月未达标")
    assert card.rows[2].mark.text() == "✓" and not card.rows[2].missing.isVisible()
    shot(page, "eligibility-list")

    # filters: everyone, then a search
    page.show_box.setCurrentIndex(page.show_box.findData(SHOW_ALL))
    assert model.rowCount() == 5
    page.search.setText("马")
    assert [model.index(r, M.COL_NAME).data() for r in range(model.rowCount())] == ["马超"]
    page.search.clear()
    page.table.sortByColumn(M.COL_NO, page.table.horizontalHeader().sortIndicatorOrder())
    assert model.rowCount() == 5

    # 发起晋升申请 is the owner's and HR's (the flow itself: tests/views/test_promotion_flow.py)
    assert page.apply_action.isEnabled()
    assert "发起晋升申请" in page.apply_action.toolTip()


def test_month_picker_and_recompute_after_change(qtbot: QtBot, office: AppSession) -> None:
    page = make_page(qtbot, office)
    choose_month(qtbot, page, "2024-02")
    assert page.vm.found is not None and page.vm.found.as_of == "2024-02"
    assert page.summary.text().startswith("截至2024年2月")
    # a new achievement (the archive says "employees" changed): recomputed, never stale
    ma = employee_id(office, "E011")
    page.month.setCurrentIndex(page.month.findData("2024-03"))
    qtbot.waitUntil(lambda: page.vm.found is not None and page.vm.found.as_of == "2024-03")
    before = {c.person.no: c.met for c in page.vm.found.candidates}
    assert before["E011"][2] is False
    Seed(office).achievement(ma, "new_product", date(2024, 3, 20))
    with qtbot.waitSignal(page.vm.loaded, timeout=20000):
        page.session_vm.notify_changed("employees")
    after = {c.person.no: c.met for c in page.vm.found.candidates}
    assert after["E011"][2] is True


def test_export_button_writes_the_visible_rows(
    qtbot: QtBot, office: AppSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = make_page(qtbot, office)
    target = tmp_path / "out.xlsx"
    monkeypatch.setattr(page_module, "ask_export_path", lambda parent, suggested: target)
    assert page.export_action.isEnabled()
    page.export_action.trigger()
    rows = list(load_workbook(target).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert [r[1] for r in rows[2:]] == ["周杰", "徐丽", "孙悦"]
    assert "已导出" in page.summary.text()


def test_supervisor_sees_their_team_only(qtbot: QtBot, office: AppSession) -> None:
    supervisor = Seed(office).supervisor("chenjing", "E004")
    page = make_page(qtbot, supervisor)
    page.show_box.setCurrentIndex(page.show_box.findData(SHOW_ALL))
    model = page.vm.model
    # her team, not herself (E004): her own readiness is in her archive's 晋升进度
    assert {model.index(r, M.COL_NO).data() for r in range(model.rowCount())} == {"E006", "E007"}
    assert not page.export_action.isEnabled()  # supervisors may not export data


def test_empty_company_says_why_the_list_is_empty(qtbot: QtBot, empty_company: AppSession) -> None:
    page = make_page(qtbot, empty_company)
    assert page.empty.isVisibleTo(page)
    assert "没有可评估的员工" in page.empty.text()
    shot(page, "eligibility-empty")


def test_progress_panel_alone_with_month_picker(qtbot: QtBot, office: AppSession) -> None:
    panel = ProgressPanel(SessionViewModel(office), employee_id(office, "E006"))
    qtbot.addWidget(panel)
    panel.resize(720, 640)
    panel.show()
    qtbot.waitUntil(lambda: len(panel.card_views) == 1, timeout=20000)
    assert panel.card_views[0].status.text() == "接近达标"
    assert panel.month.currentIndex() == 0  # the last complete month with data
    index = panel.month.findData("2024-02")
    with qtbot.waitSignal(panel.vm.changed, timeout=20000):
        panel.month.setCurrentIndex(index)
    qtbot.waitUntil(lambda: len(panel.card_views) == 1, timeout=20000)
    chips = [c.text() for c in panel.card_views[0].rows[0].chips]
    assert chips == ["2023年12月 无数据", "1月 16.2%", "2月 9.8%"]
    shot(panel, "eligibility-progress-panel")


def kpi_tab_with_charts(qtbot: QtBot, office: AppSession, no: str = "E006") -> KpiTab:
    """The KPI tab of ``no``, shown at 1000×760 once its charts are drawn."""
    tab = KpiTab(SessionViewModel(office), employee_id(office, no))
    qtbot.addWidget(tab)
    tab.resize(1000, 760)
    tab.show()
    qtbot.waitUntil(lambda: bool(tab.charts), timeout=20000)
    return tab


def test_kpi_tab_table_and_charts(qtbot: QtBot, office: AppSession) -> None:
    tab = kpi_tab_with_charts(qtbot, office)
    codes = [c.data.code for c in tab.charts]
    assert codes[:2] == ["gmv", "gmv_growth"] and "conversion_rate" in codes
    assert tab.table.model().rowCount() == 4
    growth = tab.charts[1]
    assert "来源：导入批次" in growth.tooltip_at(1.0)
    assert growth.series.count() == 3  # December has no growth (no November)
    shot(tab, "eligibility-kpi-tab")


def test_kpi_tab_months_follow_the_show_box(qtbot: QtBot, office: AppSession) -> None:
    from tests.core.services.test_metrics_seed import Seed

    seed = Seed(office)
    ann = seed.employee("E901", "陈静")
    shop = seed.store("三年老店")
    seed.own(ann, shop, "2022-01")
    seed.months(shop, "2022-01", [1000.0 + i for i in range(30)], batch=seed.batch())
    tab = KpiTab(SessionViewModel(office), ann)
    qtbot.addWidget(tab)
    tab.resize(1000, 760)
    tab.show()
    qtbot.waitUntil(lambda: bool(tab.charts) and not tab.vm.loading, timeout=20000)
    table = tab.table.model()
    newest = table.index(0, 0).data()
    assert table.rowCount() == 12 and tab.span_box.currentText() == "近12个月"
    assert tab.span_note.isVisible() and "只显示最近12个月" in tab.span_note.text()
    tab.span_box.setFocus()
    qtbot.keyClick(tab.span_box, Qt.Key.Key_End)  # the keyboard picks 全部月份
    assert tab.span_box.currentText() == "全部月份"
    qtbot.waitUntil(lambda: table.rowCount() > 12 and not tab.vm.loading, timeout=20000)
    assert table.index(0, 0).data() == newest and not tab.span_note.isVisible()
    shot(tab, "eligibility-kpi-tab-all-months")


def test_archive_form_gets_the_progress_and_kpi_tabs(qtbot: QtBot, office: AppSession) -> None:
    from desktop.views.employees.page import EmployeesPage

    page = EmployeesPage(SessionViewModel(office))
    qtbot.addWidget(page)
    page.resize(1360, 800)
    page.show()
    page.show_employee(employee_id(office, "E006"))
    tabs: QTabWidget = page.tabs
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    at = titles.index("晋升进度")  # other features may add tabs too (晋升申请)
    assert titles[at : at + 2] == ["晋升进度", "KPI"]
    tabs.setCurrentIndex(at)
    panel = tabs.currentWidget()
    assert isinstance(panel, ProgressPanel)
    qtbot.waitUntil(lambda: len(panel.card_views) == 1, timeout=20000)
    shot(page, "eligibility-archive-tab")


def test_page_in_english(qtbot: QtBot, office: AppSession) -> None:
    from desktop import i18n

    i18n.install("en")
    page = make_page(qtbot, office)
    model = page.vm.model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:3] == ["No.", "Name", "Dept."]
    assert model.index(0, M.COL_STATUS).data() == "Ready"
    assert page.summary.text().startswith("As of Mar 2024 · 1 ready, 2 nearly ready")
    page.table.selectRow(2)
    qtbot.waitUntil(
        lambda: (
            bool(page.panel.card_views) and page.panel.card_views[0].status.text() == "Nearly ready"
        ),
        timeout=20000,
    )
    assert page.panel.card_views[0].rows[0].rule.text() == (
        "GMV growth ≥ 15% in each of 3 consecutive months"
    )
    shot(page, "eligibility-list-en")


def test_hand_entered_metrics_from_the_kpi_tab(
    qtbot: QtBot, office: AppSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from core.services.eligibility import metric_values

    e006 = employee_id(office, "E006")
    tab = KpiTab(SessionViewModel(office), e006)
    qtbot.addWidget(tab)
    tab.resize(1000, 760)
    tab.show()
    qtbot.waitUntil(lambda: bool(tab.charts), timeout=20000)
    dialog = tab.open_manual_values()
    assert dialog is not None and dialog.empty.isVisible() and not dialog.table.isVisible()
    dialog.metric_box.setCurrentIndex(dialog.metric_box.findData("retention_30d"))
    assert dialog.value.suffix() == " %" and dialog.value.maximum() == 100.0
    dialog.month.setDate(dialog.month.date().fromString("2024-02", "yyyy-MM"))
    dialog.value.setValue(31.5)
    dialog.note.setText("会员系统导出")  # QTest types ASCII only
    qtbot.keyClick(dialog.value, Qt.Key.Key_Return)  # Enter enters the value, keeps the dialog
    assert dialog.isVisible() and dialog.table.isVisible()
    rows = metric_values.list_values(office, e006)
    assert [(r.metric.code, r.month, r.value, r.note) for r in rows] == [
        ("retention_30d", "2024-02", pytest.approx(0.315), "会员系统导出")
    ]
    model = dialog.table.model()
    assert [model.index(0, c).data() for c in range(4)] == [
        "30日留存率",
        "2024年2月",
        "31.5%",
        "手工录入",
    ]
    # the KPI tab recomputes: a column and a chart for the new metric
    qtbot.waitUntil(lambda: "retention_30d" in [c.data.code for c in tab.charts], timeout=20000)
    shot(dialog, "kpi-manual-metrics-dialog")

    dialog.table.selectRow(0)
    monkeypatch.setattr(
        QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes
    )
    assert dialog.on_delete_clicked()
    assert metric_values.list_values(office, e006) == []
    assert dialog.empty.isVisible()
    qtbot.waitUntil(lambda: "retention_30d" not in [c.data.code for c in tab.charts], timeout=20000)
    dialog.close()


def test_supervisors_see_hand_entered_metrics_but_cannot_enter_them(
    qtbot: QtBot, office: AppSession
) -> None:
    from core.services.eligibility import metric_values
    from desktop.views.eligibility.metric_values_dialog import MetricValuesDialog
    from tests.core.services.test_archive import supervisor_session

    e006 = employee_id(office, "E006")
    metric_values.set_value(office, e006, "report_accuracy", "2024-02", 0.97)
    lead = supervisor_session(office, "lead", employee_id(office, "E004"))

    dialog = MetricValuesDialog(SessionViewModel(lead), e006)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.entry.isVisible() and not dialog.delete_button.isVisible()
    assert dialog.table.model().rowCount() == 1


def test_owner_sets_the_nearly_ready_margin_from_the_list(qtbot: QtBot, office: AppSession) -> None:
    from core.services.eligibility import readiness as eligibility

    page = make_page(qtbot, office)
    assert page.margin.value() == 10 and page.margin.isEnabled()
    page.margin.setValue(30)
    assert eligibility.margin(office) == pytest.approx(0.30)
    qtbot.waitUntil(lambda: page.vm.found is not None and not page.vm.loading, timeout=20000)
    assert page.vm.found is not None and page.vm.found.margin == pytest.approx(0.30)


def test_hr_sees_the_margin_but_cannot_change_it(qtbot: QtBot, office: AppSession) -> None:
    from tests.conftest import as_role

    page = make_page(qtbot, as_role(office, "hr1", "hr"))
    assert page.margin.value() == 10 and not page.margin.isEnabled()


def test_english_titles_use_english_brackets(
    qtbot: QtBot, office: AppSession, english: None
) -> None:
    """The English panel read "Promotion progress: 孙悦（E006）" and the KPI charts "GMV（CNY）",
    "GMV growth（%）"."""
    page = make_page(qtbot, office)
    page.table.selectRow(2)
    assert page.panel_title.text().startswith("Promotion progress: ")
    assert page.panel_title.text().endswith(")") and "（" not in page.panel_title.text()
    tab = kpi_tab_with_charts(qtbot, office)
    titles = [c.data.title for c in tab.charts]
    assert "GMV growth (%)" in titles and not any("（" in t for t in titles), titles


def test_the_english_month_picker_shows_its_choice_whole(
    qtbot: QtBot, office: AppSession, english: None
) -> None:
    """In the employee form's narrow 晋升进度 tab the row read "Latest complete montl" and
    "Print progress sheet⋯": the print button goes below the picker when the row lacks room."""
    panel = ProgressPanel(SessionViewModel(office), employee_id(office, "E006"))
    qtbot.addWidget(panel)
    panel.setFixedWidth(300)
    panel.show()
    qtbot.waitUntil(lambda: len(panel.card_views) == 1, timeout=20000)
    qtbot.waitUntil(lambda: panel.print_button.isVisible())
    assert panel.month.itemText(0) == "Latest complete month"
    for widget in (panel.month, panel.print_button):
        assert widget.width() >= widget.sizeHint().width(), widget
