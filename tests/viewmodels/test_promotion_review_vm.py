"""The review screen's viewmodel: filter by transition, move through candidates, compare, refresh."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from core.services.admin import auth
from core.services.promotion.cycles import list_cycles
from core.session import AppSession
from desktop.viewmodels import worker
from desktop.viewmodels.promotion_review_vm import ReviewViewModel
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel
from tests.viewmodels.promotion_fixtures import PASSWORD, copy_demo


@pytest.fixture
def demo_file(demo_sources: Callable[[bool], Path]) -> Path:
    return demo_sources(False)  # built once per test process: copy it, never open it


@pytest.fixture
def owner(demo_file: Path, tmp_path: Path) -> Iterator[AppSession]:
    app = auth.log_in(copy_demo(demo_file, tmp_path), "demo", PASSWORD)
    yield app
    worker.wait_all()
    app.close(backup=False)


def test_filter_select_and_compare(owner: AppSession, qtbot: object) -> None:
    session = SessionViewModel(owner)
    vm = ReviewViewModel(session)
    vm.load(list_cycles(owner)[0].id)
    everyone = vm.candidates.rowCount()
    assert everyone >= 3
    vm.set_filter("运营助理 → 运营专员", None)
    assert vm.candidates.rowCount() == 3 < everyone
    vm.select(1)
    assert vm.detail is not None and vm.detail.row.name == vm.candidates.row_at(1).name
    lines = vm.compare_lines([0, 1])
    assert any(line.differs for line in lines)
    assert vm.compare_pdf([0, 1]).startswith(b"%PDF")
    vm.set_filter(None, None)
    session.data_changed.emit(ChangeArea.CASES)  # another screen changed a case: reloaded
    assert vm.candidates.rowCount() == everyone


def test_a_growth_criterion_is_shown_in_percent_as_the_verdict_judged_it(
    owner: AppSession, qtbot: object
) -> None:
    """孙悦's GMV growth ≥ 12%: the checklist said 0.1 against 0.1 with ✓ (one decimal of a ratio)."""
    del qtbot
    vm = ReviewViewModel(SessionViewModel(owner))
    vm.load(list_cycles(owner)[0].id)
    names = [vm.candidates.row_at(r).name for r in range(vm.candidates.rowCount())]  # type: ignore[union-attr]
    row = names.index("孙悦")
    vm.select(row)
    growth = next(c for c in vm.check_lines() if "GMV增长率" in c.rule)
    assert growth.required == "12%" and "%" in growth.observed
    assert "0.1" not in growth.observed.split("、")
    # a rate's change against its rule's 1.5个百分点, not "1.6%" against "1.5%"
    change = next(c for c in vm.check_lines() if "转化率较" in c.rule)
    assert change.required == "1.5个百分点" and change.observed.endswith("个百分点")


def test_a_rate_change_reads_in_english_percentage_points(
    owner: AppSession, qtbot: object, english: None
) -> None:
    """The English Observed / Required columns read "1.6个百分点" / "1.5个百分点" while the case
    dialog said "1.6 pp": the review asked for the values in Chinese whatever the UI's language."""
    del qtbot
    vm = ReviewViewModel(SessionViewModel(owner))
    vm.load(list_cycles(owner)[0].id)
    names = [vm.candidates.row_at(r).name for r in range(vm.candidates.rowCount())]  # type: ignore[union-attr]
    vm.select(names.index("孙悦"))
    change = next(c for c in vm.check_lines() if c.required.endswith("pp"))
    assert change.required == "1.5 pp" and change.observed.endswith(" pp"), change
    assert not any("百分点" in c.observed + c.required for c in vm.check_lines())


def each_candidate(app: AppSession) -> Iterator[ReviewViewModel]:
    """The review of the first cycle, with each of its candidates selected in turn."""
    vm = ReviewViewModel(SessionViewModel(app))
    vm.load(list_cycles(app)[0].id)
    for row in range(vm.candidates.rowCount()):
        vm.select(row)
        yield vm


def test_english_feedback_quotes_name_the_relation_in_english(
    owner: AppSession, qtbot: object, english: None
) -> None:
    """The 360 quotes read "2024-05-20 同事 赵磊" in English."""
    del qtbot
    quotes = [q.who for vm in each_candidate(owner) for q in vm.quote_lines()]
    assert quotes and not any(w in q for q in quotes for w in ("自评", "同事", "上级", "下属"))
    assert any(w in q for q in quotes for w in ("Self", "Peer", "Supervisor")), quotes


def test_one_rater_is_one_rater_in_english(owner: AppSession, qtbot: object, english: None) -> None:
    """A competency rated by one person read "2.0 (1 raters)"."""
    del qtbot
    means = [
        (c.mean, s.ratings)
        for vm in each_candidate(owner)
        for c, s in zip(vm.competency_rows(), vm.competency_scores(), strict=True)
    ]
    assert any(n == 1 for _, n in means), means
    assert all(mean.endswith("(1 rater)") for mean, n in means if n == 1), means
    assert all(mean.endswith(f"({n} raters)") for mean, n in means if n and n > 1), means


def test_the_holder_column_names_the_role_in_chinese(
    fresh_demo: Callable[..., Path], qtbot: object
) -> None:
    """On the full demo (its cases waiting at each step) 当前处理人 says 老板 / 人事 / 直属上级,
    never the role's code ("owner")."""
    app = auth.log_in(fresh_demo(), "demo", PASSWORD)
    try:
        vm = ReviewViewModel(SessionViewModel(app))
        vm.load(list_cycles(app)[0].id)
        column = next(
            c
            for c in range(vm.candidates.columnCount())
            if vm.candidates.headerData(c, Qt.Orientation.Horizontal) == "当前处理人"
        )
        holders = {
            (vm.candidates.row_at(r).name, vm.candidates.row_at(r).state): vm.candidates.index(
                r, column
            ).data()
            for r in range(vm.candidates.rowCount())
        }
        assert holders["孙悦", "in_review"] == "老板"
        assert holders["陈静", "submitted"] == "直属上级"
        assert holders["徐丽", "submitted"] == "人事"
        assert not {"owner", "hr", "supervisor"} & set(holders.values())
    finally:
        worker.wait_all()
        app.close(backup=False)


def test_english_states_and_roles_standing_alone_start_with_a_capital(
    fresh_demo: Callable[..., Path], qtbot: object
) -> None:
    """The English 状态 and 当前处理人 cells, the state filter and the trail read "submitted",
    "direct supervisor": a label alone starts with a capital, as the column titles do. The same
    words inside a sentence stay lower case."""
    from core.i18n import render
    from desktop import i18n

    i18n.install("en")
    app = auth.log_in(fresh_demo(), "demo", PASSWORD)
    try:
        vm = ReviewViewModel(SessionViewModel(app))
        vm.load(list_cycles(app)[0].id)
        table = vm.candidates
        columns = {
            table.headerData(c, Qt.Orientation.Horizontal): c for c in range(table.columnCount())
        }
        cells = {
            table.index(r, columns[title]).data()
            for r in range(table.rowCount())
            for title in ("Status", "Held by")
        }
        assert {"Submitted", "In review", "Direct supervisor", "Owner", "No case"} <= cells
        assert "Submitted" in [label for _, label in vm.states()]
        row = next(r for r in range(table.rowCount()) if table.row_at(r).state == "submitted")
        vm.select(row)
        assert "Submitted" in [line.action for line in vm.trail_lines()]
        assert "is submitted;" in render(
            "case.illegal_move", {"state": render("case.state.submitted"), "action": "x"}, "en"
        )
    finally:
        worker.wait_all()
        app.close(backup=False)
        i18n.install("zh")


def test_english_review_names_a_move_across_tracks_with_english_brackets(
    owner: AppSession, qtbot: object, english: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The English review list read "运营专员（店铺运营） → 运营专员（数据运营）" with Chinese
    brackets; the printed comparison stays Chinese, brackets included."""
    del qtbot
    from core.reports import compare

    vm = ReviewViewModel(SessionViewModel(owner))
    vm.load(list_cycles(owner)[0].id)
    moves = vm.transitions()
    assert "运营专员 (店铺运营) → 运营专员 (数据运营)" in moves
    assert not any("（" in move for move in moves)
    across = [
        r
        for r in range(vm.candidates.rowCount())
        if vm.candidates.row_at(r).transition == "运营专员 (店铺运营) → 运营专员 (数据运营)"  # type: ignore[union-attr]
    ]
    printed: list[str] = []
    monkeypatch.setattr(
        compare, "compare_pdf", lambda app, cycle, rows: printed.extend(r.transition for r in rows)
    )
    vm.compare_pdf(across[:1])
    assert printed == ["运营专员（店铺运营） → 运营专员（数据运营）"]
