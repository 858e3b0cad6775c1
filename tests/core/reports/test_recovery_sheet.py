"""The recovery sheet, on the same building blocks as the promotion documents."""

from __future__ import annotations

from pathlib import Path

from core.reports.recovery import save_recovery_sheet
from tests.core.reports.support import assert_cjk_embedded, pages, pdftext


def test_the_sheet_carries_the_key_in_embedded_fonts_on_one_page(tmp_path: Path) -> None:
    key = "-".join(f"{i:08x}" for i in range(0x1A2B3C40, 0x1A2B3C48))
    pdf = tmp_path / "key.pdf"
    save_recovery_sheet(pdf, "悦颜美妆", "悦颜美妆.tidui", key, "boss")
    assert_cjk_embedded(pdf)
    assert pages(pdf) == 1
    text = pdftext(pdf)
    groups = key.split("-")
    assert "-".join(groups[:4]) + "-" in text and "-".join(groups[4:]) in text
    assert "悦颜美妆" in text and "boss" in text and "第 1 页 / 共 1 页" in text
