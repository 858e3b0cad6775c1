"""The metric catalogue table's texts in the UI's language."""

from __future__ import annotations

import re

import pytest

from core.domain import metrics as mx
from desktop.viewmodels.ladder_metrics_vm import source_text

DERIVED = [m for m in mx.CATALOGUE.values() if m.derived]
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("metric", DERIVED, ids=lambda m: m.code)
def test_a_derived_metric_names_its_inputs_in_english(english: None, metric: mx.Metric) -> None:
    """数据来源 read "Computed from 支付买家数, 访客数" in the English UI."""
    shown = source_text(metric, {})
    assert not CHINESE.search(shown), shown
    for code in metric.derived_from:
        found = mx.metric(code)
        assert found is not None
        assert found.name_en in shown


def test_a_derived_metric_names_its_inputs_in_chinese(qapp: object) -> None:
    conversion = mx.CATALOGUE["conversion_rate"]
    assert source_text(conversion, {}) == "由支付买家数、访客数计算"


def test_an_input_without_an_english_name_falls_back_to_chinese(english: None) -> None:
    own = mx.Metric("own_base", "自有基数", "", "count", sources=("manual",))
    derived = mx.Metric(
        "own_rate", "自有比率", "Own rate", "ratio", sources=("derived",),
        derived_from=("gmv", "own_base"),
    )  # fmt: skip
    shown = source_text(derived, {"own_base": own})
    assert "GMV" in shown and "自有基数" in shown, shown
