"""The compare PDF: the candidates' names, the aligned criteria, the CJK font embedded."""

from __future__ import annotations

from pathlib import Path

from core.reports import compare
from core.services.admin import auth
from core.services.promotion import review
from core.services.promotion.cycles import list_cycles
from tests.core.reports.support import assert_cjk_embedded, flat, pdftext
from tests.viewmodels.promotion_fixtures import PASSWORD, make_demo


def test_compare_pdf_shows_both_candidates_and_flags_differences(tmp_path: Path) -> None:
    app = auth.log_in(make_demo(tmp_path), "demo", PASSWORD)
    try:
        cycle = list_cycles(app)[0]
        rows = [
            r for r in review.review_rows(app, cycle.id) if r.transition == "运营助理 → 运营专员"
        ]
        out = tmp_path / "compare.pdf"
        out.write_bytes(compare.compare_pdf(app, cycle, rows[:2]))
    finally:
        app.close(backup=False)
    assert_cjk_embedded(out)
    text = flat(pdftext(out))
    for r in rows[:2]:
        assert r.name in text
    assert "晋升评审对比" in text and flat("运营助理 → 运营专员") in text
    assert "≠" in text
