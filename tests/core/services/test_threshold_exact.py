"""Issue #20's case end to end: 30 daily 支付金额 cells of June add up to exactly ¥250,000.00 and
July to ¥280,000.00, so the growth is 12.00% and "GMV增长率≥12%" is met, as the person reads it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from core.domain.rules import (
    CriterionSpec,
    EmployeeBatch,
    EvaluationContext,
    evaluate,
    evaluate_batch,
)
from core.model import Employee
from core.services.eligibility import metrics
from core.services.imports import engine as imports
from core.session import AppSession
from tests.core.services.import_support import SYCM_DAILY, with_people


@pytest.fixture
def demo(company_beauty: AppSession) -> AppSession:
    return with_people(company_beauty)


def _days(month: str, total_fen: int, days: int) -> list[tuple[str, str]]:
    """(date, 支付金额 text) of ``days`` days adding up to exactly ``total_fen``: ¥8,333.33 a day,
    the rest on the last day, as a shop back-end rounds each day to the fen."""
    each = total_fen // days
    amounts = [each] * (days - 1) + [total_fen - each * (days - 1)]
    return [(f"{month}-{d + 1:02d}", f"{a / 100:,.2f}") for d, a in enumerate(amounts)]


def _export(folder: Path) -> Path:
    raw = pd.read_excel(SYCM_DAILY, engine="calamine", header=None, dtype=str).fillna("")
    head, body = raw.iloc[:4], raw.iloc[4:]
    template = body[body[0].str.startswith("2024-06")].iloc[0]
    rows = []
    for day, gmv in _days("2024-06", 250_000_00, 30) + _days("2024-07", 280_000_00, 31):
        row = template.copy()
        row[0], row[3] = day, gmv
        rows.append(row)
    path = folder / "店铺整体_日_悦颜美妆旗舰店_2024-06-01_2024-07-31.csv"
    pd.concat([head, pd.DataFrame(rows)]).to_csv(
        path, header=False, index=False, encoding="utf-8-sig"
    )
    return path


def test_growth_of_exactly_12_percent_from_daily_cells_meets_12_percent(
    demo: AppSession, tmp_path: Path
) -> None:
    june = [float(g.replace(",", "")) for _, g in _days("2024-06", 250_000_00, 30)]
    assert sum(june) != 250_000  # what adding the cells as floats gives

    result = imports.import_file(demo, _export(tmp_path))
    assert result.errors == [] and result.months == ["2024-06", "2024-07"]

    with demo.read() as s:
        chen = s.scalars(select(Employee.id).where(Employee.no == "E004")).one()  # runs 旗舰店
        book = metrics.load_facts(s, [chen])
    series = book.series(chen)
    assert series["gmv"]["2024-06"] == 250_000.0 and series["gmv"]["2024-07"] == 280_000.0

    spec = CriterionSpec("each_month", "gmv_growth", ">=", 0.12, 1)
    r = evaluate(spec, EvaluationContext(series=series), "2024-07")
    assert r.met and r.observed == (0.12,)
    assert r.explanation.text("zh") == "GMV增长率≥12%: 近1个月中已满足1个月 (7月 12%)"
    # the batch evaluator (the 达标名单) over the FactBook's arrays agrees
    nobody = EmployeeBatch.from_contexts([EvaluationContext()], book.months)
    batch = replace(nobody, series=book.arrays([chen]))
    assert bool(evaluate_batch(spec, batch, "2024-07").met[0])
