"""The compare PDF: the candidates' names, the aligned criteria, the CJK font embedded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from core.reports import compare
from core.services.admin import auth
from core.services.promotion import review
from core.services.promotion.cycles import list_cycles
from tests.core.reports.support import LONG_RULE, assert_cjk_embedded, flat, pdftext, with_long_rule
from tests.viewmodels.promotion_fixtures import PASSWORD


def test_compare_pdf_shows_both_candidates_and_flags_differences(
    tmp_path: Path, fresh_demo: Callable[..., Path]
) -> None:
    app = auth.log_in(fresh_demo(with_cases=False), "demo", PASSWORD)
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


def test_a_long_criterion_wraps_whole_on_its_own_row(
    tmp_path: Path, fresh_demo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A decision about someone's pay hides no text: the 60-character criterion is printed in
    full (wrapped in its column, no "…"), and its candidates' marks follow it on the same row."""
    assert len(LONG_RULE) == 60
    with_long_rule(monkeypatch)
    app = auth.log_in(fresh_demo(with_cases=False), "demo", PASSWORD)
    try:
        cycle = list_cycles(app)[0]
        rows = [
            r for r in review.review_rows(app, cycle.id) if r.transition == "运营助理 → 运营专员"
        ][:3]
        assert len(rows) == 3
        line = review.compare([review.review_detail(app, cycle, r) for r in rows])[0]
        out = tmp_path / "compare.pdf"
        out.write_bytes(compare.compare_pdf(app, cycle, rows))
    finally:
        app.close(backup=False)
    assert_cjk_embedded(out)
    text = flat(pdftext(out))
    assert "…" not in text
    marks = "".join(v or "—" for v in line.values) + ("≠" if line.differs else "")
    assert flat(LONG_RULE) + flat(marks) in text  # whole, and its row's values right after it
