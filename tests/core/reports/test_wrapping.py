"""Cells of a printed table wrap between Chinese characters and at spaces, never inside a number."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase.pdfmetrics import stringWidth

from core.reports import blocks as b
from tests.core.reports.support import pdftext

FONT = b.register_cjk_font()


def test_a_rules_amount_is_not_cut_in_two() -> None:
    """案例 #4 printed "连续6个月场均直播GMV≥¥6" / "0,000" in the 条件 column."""
    lines = b.broken_lines("连续6个月场均直播GMV≥¥60,000", 90, FONT, b.CELL_SIZE).split("\n")
    assert lines == ["连续6个月场均直播", "GMV≥¥60,000"]
    months = b.broken_lines("平均7%（4月 7.8%、5月 5.6%、6月 6.9%）", 90, FONT, b.CELL_SIZE)
    assert all(not line.startswith(("、", "）")) for line in months.split("\n"))
    assert "5\n月" not in months  # a number keeps its unit


def test_the_printed_cell_keeps_the_amount_whole(tmp_path: Path) -> None:
    rows = [
        ["", "条件", "实际", "要求", "说明"],  # the evaluation report's 达标条件 columns
        ["✓", "连续6个月场均直播GMV≥¥60,000", "¥61,000", "¥60,000", "无数据"],
    ]
    story = [b.table(rows, [7, 40, 22, 22, 83])]
    head = b.Letterhead("悦颜美妆", None, "测试")
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(b.build_pdf(story, head, title="t"))
    assert "GMV≥¥60,000" in pdftext(pdf).split()


_TEXT = st.text(
    alphabet=st.sampled_from(list("运营专员店铺直播数据、，（）：GMV≥¥0123456789.,% -")),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, room=st.floats(min_value=20, max_value=200))
def test_wrapping_only_adds_breaks_and_each_line_fits(text: str, room: float) -> None:
    wrapped = b.broken_lines(text, room, FONT, b.CELL_SIZE)
    # nothing but line breaks (and the spaces they replace) changes
    assert re.sub(r"\s", "", wrapped) == re.sub(r"\s", "", text)
    for line in wrapped.split("\n"):
        fits = stringWidth(line, FONT, b.CELL_SIZE) <= room
        hangs = line[-1:] in "、，。；：！？）」』】》%‰…·"
        assert fits or len(line) == 1 or hangs, (line, room)
