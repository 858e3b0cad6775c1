"""The 达标名单, 晋升进度 and KPI viewmodels without a window: rows, filters, sort, recompute on change, export."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from core.domain.rules import Readiness
from core.session import AppSession
from desktop.viewmodels import worker
from desktop.viewmodels.eligibility_progress_vm import ProgressViewModel
from desktop.viewmodels.eligibility_vm import (
    SHOW_ALL,
    SHOW_NEARLY,
    SHOW_READY,
    CandidateTableModel,
    EligibilityViewModel,
)
from desktop.viewmodels.kpi_vm import KpiViewModel
from desktop.viewmodels.session_vm import SessionViewModel
from tests.core.services.test_eligibility_service import GROWTH_OF_THE_BRIEF, assistant
from tests.core.services.test_metrics_seed import Seed

M = CandidateTableModel


@pytest.fixture
def office(company_home: AppSession) -> Iterator[tuple[SessionViewModel, Seed]]:
    """Template A with three assistants as of 2024-03: ready, nearly (the brief's months), not."""
    seed = Seed(company_home)
    assistant(seed, "E007", "周杰")
    assistant(seed, "E006", "孙悦", growths=GROWTH_OF_THE_BRIEF)
    assistant(seed, "E011", "马超", growths=(0.05, 0.05, 0.05), launches=())
    yield SessionViewModel(company_home), seed
    worker.wait_all()  # background work ends before the file closes


def loaded(qtbot: QtBot, vm: EligibilityViewModel, as_of: str | None = "2024-03") -> None:
    with qtbot.waitSignal(vm.loaded, timeout=20000):
        if as_of is not None and vm.as_of != as_of:
            vm.set_as_of(as_of)
        else:
            vm.refresh()


def texts(model: CandidateTableModel, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_list_shows_ready_and_nearly_by_default_sorted_ready_first(
    qtbot: QtBot, office: tuple[SessionViewModel, Seed]
) -> None:
    session_vm, _ = office
    vm = EligibilityViewModel(session_vm)
    loaded(qtbot, vm)
    model = vm.model
    assert texts(model, M.COL_NAME) == ["周杰", "孙悦"]
    assert texts(model, M.COL_STATUS) == ["已达标", "接近达标"]
    assert texts(model, M.COL_MET) == ["3/3", "2/3"]
    assert texts(model, M.COL_FROM) == ["运营助理", "运营助理"]
    assert texts(model, M.COL_TO) == ["运营专员", "运营专员"]
    # levels are cut off in narrow columns (transfers name their track): the tooltip has them whole
    assert model.index(0, M.COL_TO).data(Qt.ItemDataRole.ToolTipRole) == "运营专员"
    assert model.index(1, M.COL_UNMET).data() == "连续3个月GMV增长率≥15%"
    assert model.index(0, M.COL_UNMET).data() == ""
    assert "截至2024年3月" in vm.summary() and "已达标1人次" in vm.summary()
    assert model.index(0, M.COL_STATUS).data(Qt.ItemDataRole.ForegroundRole) is not None

    model.set_filters(show=SHOW_ALL)
    assert texts(model, M.COL_NAME) == ["周杰", "孙悦", "马超"]
    model.set_filters(show=SHOW_READY)
    assert texts(model, M.COL_NAME) == ["周杰"]
    model.set_filters(show=SHOW_NEARLY)
    assert texts(model, M.COL_NAME) == ["孙悦"]
    model.set_filters(show=SHOW_ALL, search="e011")
    assert texts(model, M.COL_NAME) == ["马超"]
    model.set_filters(show=SHOW_ALL, search="孙")
    assert texts(model, M.COL_NAME) == ["孙悦"]
    model.set_filters(show=SHOW_ALL, search="sunyue")  # typed without choosing characters
    assert texts(model, M.COL_NAME) == ["孙悦"]
    model.set_filters(show=SHOW_ALL, search="zj")
    assert texts(model, M.COL_NAME) == ["周杰"]
    model.set_filters(show=SHOW_ALL)
    model.sort(M.COL_NO, Qt.SortOrder.DescendingOrder)
    assert texts(model, M.COL_NO) == ["E011", "E007", "E006"]
    model.sort(M.COL_COMPLETION, Qt.SortOrder.AscendingOrder)
    assert texts(model, M.COL_NAME)[0] == "马超"
    (path_id, label) = vm.transitions()[0]
    assert label == "运营助理 → 运营专员"
    model.set_filters(show=SHOW_ALL, transition_id=path_id)
    assert model.rowCount() == 3
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None


def test_list_recomputes_after_a_data_change(
    qtbot: QtBot, office: tuple[SessionViewModel, Seed]
) -> None:
    session_vm, seed = office
    vm = EligibilityViewModel(session_vm)
    loaded(qtbot, vm)
    vm.model.set_filters(show=SHOW_ALL)
    before = {c.person.no: c.status for c in vm.model.candidates}
    assert before["E011"] is Readiness.NOT_READY
    # an achievement is recorded elsewhere (the archive announces "employees"): no stale list
    with seed.app.read() as s:
        from sqlalchemy import select

        from core.model import Employee

        ma = s.scalar(select(Employee.id).where(Employee.no == "E006"))
    assert ma is not None
    with qtbot.waitSignal(vm.loaded, timeout=20000):
        seed.achievement(ma, "new_product", date(2024, 3, 10))
        session_vm.notify_changed("employees")
    assert vm.found is not None
    # 孙悦 already had her launches; the list is simply recomputed with the same verdicts
    assert {c.person.no for c in vm.found.shortlist()} == {"E006", "E007"}


def test_a_newer_computation_replaces_one_still_running(
    qtbot: QtBot, office: tuple[SessionViewModel, Seed]
) -> None:
    session_vm, _ = office
    vm = EligibilityViewModel(session_vm)
    vm.set_as_of("2024-02")
    vm.set_as_of("2023-12")
    with qtbot.waitSignal(vm.loaded, timeout=20000):
        vm.set_as_of("2024-03")
    worker.wait_all()
    assert vm.found is not None and vm.found.as_of == "2024-03"
    assert not vm.loading
    assert vm.months()[0] == "2024-03"


def test_export_writes_the_rows_shown_formula_safe(
    qtbot: QtBot, office: tuple[SessionViewModel, Seed], tmp_path: Path
) -> None:
    session_vm, seed = office
    seed.employee("E099", "=HYPERLINK(1)", "运营助理")
    vm = EligibilityViewModel(session_vm)
    loaded(qtbot, vm)
    vm.model.set_filters(show=SHOW_ALL)
    target = tmp_path / "名单.xlsx"
    with qtbot.waitSignal(vm.exported):
        assert vm.export(target)
    sheet = load_workbook(target).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "悦颜美妆 达标名单（截至2024年3月）"
    assert rows[1][:4] == ("工号", "姓名", "部门", "通道")
    by_no = {r[0]: r for r in rows[2:]}
    assert set(by_no) == {"E006", "E007", "E011", "E099"}
    assert by_no["E099"][1] == "'=HYPERLINK(1)"
    assert by_no["E007"][7] == "已达标" and by_no["E007"][8] == "3/3"
    assert by_no["E006"][10] == "连续3个月GMV增长率≥15%"


def test_progress_cards_explain_each_criterion(
    qtbot: QtBot, office: tuple[SessionViewModel, Seed]
) -> None:
    session_vm, seed = office
    with seed.app.read() as s:
        from sqlalchemy import select

        from core.model import Employee

        sun = s.scalar(select(Employee.id).where(Employee.no == "E006"))
    vm = ProgressViewModel(session_vm)
    with qtbot.waitSignal(vm.changed, timeout=20000):
        vm.show(sun, None, "2024-03")
    (card,) = vm.cards
    assert card.title == "运营助理 → 运营专员" and card.kind == "晋升"
    assert card.status is Readiness.NEARLY and card.status_text == "接近达标"
    growth, conversion, launches = card.lines
    assert not growth.met and growth.required == "≥15%"
    assert [(c.label, c.value, c.met) for c in growth.months] == [
        ("1月", "16.2%", True),
        ("2月", "9.8%", False),
        ("3月", "17.5%", True),
    ]
    assert growth.missing.startswith("GMV增长率≥15%: 还有1个月未达标")
    assert conversion.met and conversion.required == "≥2个百分点" and conversion.missing == ""
    assert [c.label for c in conversion.months] == ["2023年12月", "3月"]
    assert launches.required == "≥2次新品上线" and launches.months == ()
    assert vm.heading() == "截至2024年3月"
    # 打印进度单 prints the month on screen, not the latest complete month
    with qtbot.waitSignal(vm.changed, timeout=20000):
        vm.set_as_of("2024-02")
    sheet = vm.progress_report()
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=sheet.render_now(), capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert "截至 2024年2月 的数据" in text, text[:200]
    with qtbot.waitSignal(vm.changed, timeout=20000):
        vm.show(None)
    assert vm.cards == [] and vm.empty_text() == "选择一名员工，查看其晋升进度。"


def test_kpi_table_tooltips_and_charts(qtbot: QtBot, company: AppSession) -> None:
    try:
        kpi_table_tooltips_and_charts(qtbot, company)
    finally:
        worker.wait_all()


def kpi_table_tooltips_and_charts(qtbot: QtBot, company: AppSession) -> None:
    seed = Seed(company)
    ann = seed.employee("E004", "陈静")
    shop = seed.store("旗舰店")
    seed.own(ann, shop, "2024-01")
    batch = seed.batch("sycm-shop", "交易概况_月.xlsx")
    seed.months(shop, "2024-01", [100_000.0, 120_000.0], batch=batch, visitors=[4000, 5000],
                buyers=[100, 150])  # fmt: skip
    session_vm = SessionViewModel(company)
    vm = KpiViewModel(session_vm)
    with qtbot.waitSignal(vm.changed, timeout=20000):
        vm.show(ann)
    table = vm.table
    headers = [table.headerData(c, Qt.Orientation.Horizontal) for c in range(table.columnCount())]
    assert headers[:4] == ["月份", "GMV", "GMV增长率", "访客数"]
    assert "转化率" in headers
    assert table.index(0, 0).data() == "2024年2月"  # newest first
    assert table.index(0, 1).data() == "¥120,000"
    assert table.index(0, 2).data() == "20%"
    tip = table.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert f"导入批次#{batch}「交易概况_月.xlsx」" in tip and "旗舰店" in tip
    growth_tip = table.index(0, 2).data(Qt.ItemDataRole.ToolTipRole)
    assert growth_tip.startswith("由本月与上月的GMV计算得出")
    assert table.index(1, 2).data() == ""  # no growth without the month before
    charts = {c.code: c for c in vm.charts()}
    assert charts["gmv"].points == ((0, 100_000.0), (1, 120_000.0))
    assert charts["conversion_rate"].points == ((0, 2.5), (1, 3.0))  # drawn in %
    assert charts["gmv"].labels == ("1月", "2月")
    assert "2024年2月  GMV ¥120,000" in charts["gmv"].tooltips[1]
    assert vm.empty_text() == ""
    with qtbot.waitSignal(vm.changed, timeout=20000):
        vm.show(seed.employee("E005", "新人"))
    assert vm.empty_text().startswith("还没有该员工的指标数据")


def test_kpi_marks_a_spill_over_month_incomplete_and_charts_whole_months(
    qtbot: QtBot, company: AppSession
) -> None:
    from datetime import datetime

    from core.domain import months as mo
    from desktop.viewmodels.kpi_vm import KpiViewModel
    from tests.core.services.test_metrics_seed import Seed

    seed = Seed(company)
    ann = seed.employee("E001", "安娜")
    shop = seed.store("悦颜美妆专营店")
    seed.own(ann, shop, "2024-05")
    orders = seed.batch("taobao-orders")
    for paid in (datetime(2024, 5, 28, 9), datetime(2024, 6, 29, 20), datetime(2024, 7, 1, 0, 21)):
        seed.order(shop, mo.of_date(paid.date()), 100.0, batch=orders, paid_at=paid)
    vm = KpiViewModel(SessionViewModel(company))
    vm.show(ann)
    qtbot.waitUntil(lambda: vm.kpi is not None and not vm.loading, timeout=20000)
    table = vm.table
    assert [table.index(r, 0).data() for r in range(table.rowCount())] == [
        "2024年7月（不完整）",
        "2024年6月",
        "2024年5月",
    ]
    gmv = next(c for c in vm.charts() if c.code == "gmv")
    assert gmv.months == ("2024-05", "2024-06") and len(gmv.points) == 2


def test_kpi_shows_the_newest_year_and_every_month_when_asked(
    qtbot: QtBot, company: AppSession
) -> None:
    seed = Seed(company)
    ann = seed.employee("E004", "陈静")
    shop = seed.store("旗舰店")
    seed.own(ann, shop, "2022-01")
    seed.months(shop, "2022-01", [1000.0 + i for i in range(30)], batch=seed.batch())
    vm = KpiViewModel(SessionViewModel(company))
    try:
        vm.show(ann)
        qtbot.waitUntil(lambda: vm.kpi is not None and not vm.loading, timeout=20000)
        assert vm.table.rowCount() == 12
        assert vm.table.index(0, 0).data() == "2024年6月"
        assert vm.table.index(11, 0).data() == "2023年7月"
        assert vm.span_note() == "只显示最近12个月；更早的月份请在“显示”中选择“全部月份”。"
        assert [s for _, s in vm.span_choices()] == [12, 24, None]
        vm.set_span(None)
        qtbot.waitUntil(lambda: vm.kpi is not None and vm.kpi.span is None, timeout=20000)
        assert vm.table.rowCount() == 30 and vm.span_note() == ""
        assert len(next(c for c in vm.charts() if c.code == "gmv").points) == 30
    finally:
        worker.wait_all()


def test_a_move_across_tracks_names_the_tracks_in_english_brackets(english: None) -> None:
    """The English ready list read "运营专员（数据运营）" for a level of another track."""
    from core.domain import scoring
    from core.services.eligibility.readiness import TransitionRules
    from desktop import i18n
    from desktop.viewmodels.eligibility_vm import transition_ends, transition_label

    move = TransitionRules(
        1,
        "transfer",
        1,
        2,
        "运营助理",
        "运营专员",
        "店铺运营",
        "数据运营",
        (),
        scoring.DEFAULT_TEMPLATE,
    )
    assert transition_ends(move) == ("运营助理 (店铺运营)", "运营专员 (数据运营)")
    i18n.install("zh")
    assert transition_label(move) == "运营助理（店铺运营） → 运营专员（数据运营）"
