"""The review screen's data on the demo company: rows, one candidate's detail, a comparison."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import ValidationError
from core.services.admin import auth
from core.services.promotion import review
from core.services.promotion.cycles import CycleRow, list_cycles
from core.session import AppSession
from tests.viewmodels.promotion_fixtures import PASSWORD, copy_demo, make_demo


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def owner(demo_file: Path, tmp_path: Path) -> Iterator[AppSession]:
    app = auth.log_in(copy_demo(demo_file, tmp_path), "demo", PASSWORD)
    yield app
    app.close(backup=False)


def _cycle(app: AppSession) -> CycleRow:
    return list_cycles(app)[0]


def _rows(app: AppSession) -> list[review.ReviewRow]:
    return review.review_rows(app, _cycle(app).id)


def test_rows_show_name_transition_readiness_and_total(owner: AppSession) -> None:
    rows = _rows(owner)
    assert all(r.name and "→" in r.transition for r in rows)
    assert {r.readiness for r in rows} <= {"ready", "nearly", "not"}
    assert all(r.state for r in rows if r.case_id)


def test_detail_has_criteria_with_monthly_series(owner: AppSession) -> None:
    row = next(r for r in _rows(owner) if r.name == "陈静")
    detail = review.review_detail(owner, _cycle(owner), row)
    assert not all(c.met for c in detail.criteria)  # only nearly ready: GMV missed one month
    kpi = [c for c in detail.criteria if c.series]
    assert detail.total is None  # ability and potential not yet scored
    assert kpi and len(kpi[0].series) == len(kpi[0].months)
    assert [p["key"] for p in detail.parts]


def test_compare_needs_two_or_three_of_one_transition(owner: AppSession) -> None:
    rows = _rows(owner)
    detail = review.review_detail(owner, _cycle(owner), rows[0])
    with pytest.raises(ValidationError):
        review.compare([detail])
    by_transition: dict[str, list[review.ReviewRow]] = {}
    for r in rows:
        by_transition.setdefault(r.transition, []).append(r)
    same = max(by_transition.values(), key=len)[:2]
    assert len(same) == 2
    with pytest.raises(ValidationError):
        mixed = next(r for r in rows if r.transition != same[0].transition)
        review.compare([review.review_detail(owner, _cycle(owner), r) for r in (same[0], mixed)])
    lines = review.compare([review.review_detail(owner, _cycle(owner), r) for r in same])
    assert all(len(line.values) == 2 for line in lines)
    assert any(line.section == "criteria" for line in lines)
    for line in lines:
        assert line.differs == (len(set(line.values)) > 1)


def test_the_listed_total_is_the_total_the_detail_shows(owner: AppSession) -> None:
    """李娜 has no case yet: the list showed — while the panel showed 81.2."""
    cycle = _cycle(owner)
    for row in review.review_rows(owner, cycle.id):
        assert row.total == review.review_detail(owner, cycle, row).total, row.name
