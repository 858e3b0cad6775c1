"""Hand-entered metric values (库存周转天数, 30日留存率, the owner's own metrics): by hand and by template."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.domain import ladder_design
from core.domain import metrics as mx
from core.errors import PermissionDenied, ValidationError
from core.i18n import render
from core.services.archive import employees
from core.services.archive.employees import EmployeeInput
from core.services.eligibility import metric_values
from core.services.eligibility import metrics as kpi
from core.services.imports import engine as imports
from core.services.imports.templates import write_template
from core.services.ladder import saving as ladder
from core.session import AppSession
from tests.conftest import as_role


def hire(app: AppSession, no: str, name: str) -> int:
    return employees.create_employee(
        app, EmployeeInput(no=no, name=name, hire_date=date(2023, 3, 1))
    )


def series(app: AppSession, employee_id: int, code: str) -> dict[str, float]:
    with app.read() as s:
        book = kpi.load_facts(s, [employee_id])
        custom = ladder.custom_metrics(s)
    values = book.series(employee_id, custom).get(code, {})
    return {m: v for m, v in values.items() if v is not None and v == v}


def test_a_hand_entered_value_feeds_the_kpis_and_replaces_the_earlier_one(
    company: AppSession,
) -> None:
    ann = hire(company, "E001", "安娜")
    metric_values.set_value(company, ann, "inventory_turnover_days", "2024-03", 42.0, "盘点")
    metric_values.set_value(company, ann, "retention_30d", "2024-03", 0.31)
    metric_values.set_value(company, ann, "inventory_turnover_days", "2024-03", 38.0)
    assert series(company, ann, "inventory_turnover_days") == {"2024-03": 38.0}
    rows = metric_values.list_values(company, ann)
    assert [(r.metric.code, r.value, r.by_hand, r.effective) for r in rows] == [
        ("retention_30d", 0.31, True, True),
        ("inventory_turnover_days", 38.0, True, True),
    ]
    metric_values.delete_value(company, rows[1].id)
    assert series(company, ann, "inventory_turnover_days") == {}
    kpi_tab = kpi.employee_kpi(company, ann)
    assert [m.metric.code for m in kpi_tab.metrics] == ["retention_30d"]


def test_entries_are_checked_with_clear_messages(company: AppSession) -> None:
    ann = hire(company, "E001", "安娜")
    with pytest.raises(ValidationError) as gmv:
        metric_values.set_value(company, ann, "gmv", "2024-03", 100.0)
    assert render(gmv.value.code, gmv.value.params) == "“GMV”来自店铺数据导入，不能手工录入。"
    with pytest.raises(ValidationError) as scale:
        metric_values.set_value(company, ann, "retention_30d", "2024-03", 31.0)
    assert "百分比请写成 12.5% 或 0.125" in render(scale.value.code, scale.value.params)
    assert "(0% – 100%)" in render(scale.value.code, scale.value.params, "en")
    with pytest.raises(ValidationError) as month:
        metric_values.set_value(company, ann, "retention_30d", "2024-13", 0.3)
    assert month.value.code == "metric_values.bad_month"
    with pytest.raises(ValidationError) as unknown:
        metric_values.set_value(company, ann, "nps", "2024-03", 3.0)
    assert "没有名为“nps”的手工指标" in render(unknown.value.code, unknown.value.params)
    assert metric_values.list_values(company, ann) == []


def test_custom_metrics_can_be_entered_and_supervisors_cannot_write(company: AppSession) -> None:
    design = ladder.load_design(company).put_metric(
        ladder_design.CustomMetricSpec("nps", "客户净推荐值", "NPS", "count", "higher", "user")
    )
    ladder.save_design(company, design)
    ann = hire(company, "E001", "安娜")
    assert "客户净推荐值" in [m.name_zh for m in metric_values.entry_metrics(company)]
    metric_values.set_value(company, ann, "nps", "2024-05", 47.0)
    assert series(company, ann, "nps") == {"2024-05": 47.0}
    boss = as_role(company, "lead", "supervisor")
    with pytest.raises(PermissionDenied):
        metric_values.set_value(boss, ann, "nps", "2024-06", 50.0)


@given(st.floats(min_value=0, max_value=1, allow_nan=False).map(lambda x: round(x, 4)))
def test_percent_cells_in_any_form_mean_the_same(fraction: float) -> None:
    metric = mx.CATALOGUE["retention_30d"]
    assert metric_values.parse_value(metric, fraction) == pytest.approx(fraction)
    assert metric_values.parse_value(metric, f"{fraction * 100:.2f}%") == pytest.approx(
        fraction, abs=1e-4
    )
    assert metric_values.parse_value(metric, str(fraction)) == pytest.approx(fraction)


def fill_template(path: Path, rows: list[list[object]]) -> Path:
    write_template("metrics", path)
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=value)
    wb.save(path)
    return path


def test_the_metrics_template_imports_checks_and_undoes(
    company: AppSession, tmp_path: Path
) -> None:
    ann = hire(company, "E001", "安娜")
    bo = hire(company, "E002", "王博")
    metric_values.set_value(company, ann, "retention_30d", "2024-03", 0.20)
    path = fill_template(
        tmp_path / "指标数据.xlsx",
        [
            ["E001", "2024-03", "30日留存率", "31.5%", "复核后"],
            ["E001", "2024-04", "retention_30d", 0.33, ""],
            ["E002", "2024年4月", "库存周转天数", "36", ""],
            ["E002", "2024-04", "GMV", "1000", ""],  # from the imports, not by hand
            ["E002", "2024-04", "30日留存率", "45", ""],  # 4500%: wrong scale
            ["E009", "2024-04", "30日留存率", "45%", ""],  # nobody
        ],
    )
    result = imports.import_file(company, path)
    assert result.kind == "metrics" and result.imported == 3
    problems = {(e.row, e.column): e.message.text() for e in result.errors}
    assert problems[(5, "指标")] == "“GMV”来自店铺数据导入，不能手工录入。"
    assert "百分比请写成" in problems[(6, "数值")]
    assert "E009" in problems[(7, "工号")]
    assert series(company, ann, "retention_30d") == {"2024-03": 0.315, "2024-04": 0.33}
    assert series(company, bo, "inventory_turnover_days") == {"2024-04": 36.0}
    hand = [r for r in metric_values.list_values(company, ann) if r.month == "2024-03"]
    assert [(r.by_hand, r.effective, r.file_name) for r in hand] == [
        (False, True, "指标数据.xlsx"),
        (True, False, None),
    ]
    with pytest.raises(ValidationError) as imported:
        metric_values.delete_value(company, hand[0].id)
    assert "导入记录" in render(imported.value.code, imported.value.params)

    imports.undo_import(company, result.batch_id)  # type: ignore[arg-type]
    assert series(company, ann, "retention_30d") == {"2024-03": 0.20}
    assert series(company, bo, "inventory_turnover_days") == {}
    assert [r.value for r in metric_values.list_values(company, ann)] == [0.20]


def test_the_same_value_again_is_skipped_with_a_warning(
    company: AppSession, tmp_path: Path
) -> None:
    ann = hire(company, "E001", "安娜")
    metric_values.set_value(company, ann, "report_accuracy", "2024-03", 0.98)
    path = fill_template(tmp_path / "指标.xlsx", [["E001", "2024-03", "报表准确率", "98%", ""]])
    result = imports.import_file(company, path)
    assert result.imported == 0 and not result.errors
    assert len(metric_values.list_values(company, ann)) == 1
