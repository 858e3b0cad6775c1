"""评估打分 without a window: typing a score saves it, a bad one is refused in place and saves
nothing, Esc reverts a cell, Ctrl+Z undoes, read-only cells stay read-only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from core.services import demo
from core.services.admin import auth
from core.services.promotion import cycles, scores
from core.session import AppSession
from desktop.viewmodels import worker
from desktop.viewmodels.promotion_cycles_vm import (
    CyclesViewModel,
    ScoreGridModel,
    moves_text,
    parse_score,
)
from desktop.viewmodels.session_vm import SessionViewModel
from tests.viewmodels.promotion_fixtures import PASSWORD, as_user, copy_demo


@pytest.fixture
def demo_file(demo_sources: Callable[[bool], Path]) -> Path:
    return demo_sources(False)  # built once per test process: copy it, never open it


@pytest.fixture
def owner(demo_file: Path, tmp_path: Path) -> Iterator[AppSession]:
    app = auth.log_in(copy_demo(demo_file, tmp_path), "demo", PASSWORD)
    yield app
    worker.wait_all()
    app.close(backup=False)


def grid_for(qtbot: QtBot, app: AppSession) -> tuple[CyclesViewModel, ScoreGridModel]:
    del qtbot  # a QApplication exists
    vm = CyclesViewModel(SessionViewModel(app))
    vm.load_cycles()
    cycle = next(c for c in vm.cycles.rows if c.name == demo.DEMO_CYCLE)
    vm.load_cycle_now(cycle.id)
    return vm, vm.grid


def cell_at(grid: ScoreGridModel, no: str, item: str) -> tuple[int, int]:
    assert grid.sheet is not None
    row = next(i for i, r in enumerate(grid.sheet.rows) if r.no == no)
    column = next(i + grid.FIXED for i, c in enumerate(grid.columns) if c.item == item)
    return row, column


def saved(app: AppSession, cycle_id: int, no: str, item: str) -> float | None:
    """This rater's score as stored in the file."""
    sheet = scores.score_sheet(app, cycle_id)
    row = next(r for r in sheet.rows if r.no == no)
    return next(cell.mine for (part, name), cell in row.cells.items() if name == item)


def test_parse_score_takes_numbers_0_to_100_and_blank() -> None:
    assert parse_score(" 85 ") == 85
    assert parse_score("72,5") == 72.5
    assert parse_score("") is None
    for bad in ("120", "-1", "abc", "8 5"):
        with pytest.raises(Exception, match="0–100"):
            parse_score(bad)


def test_typing_saves_bad_values_are_refused_esc_reverts_ctrl_z_undoes(
    qtbot: QtBot, owner: AppSession
) -> None:
    hr = as_user(owner, "hr")
    vm, grid = grid_for(qtbot, hr)
    assert vm.cycle_id is not None
    assert grid.sheet is not None
    numbers = [r.no for r in grid.sheet.rows]
    assert len(set(numbers)) == len(numbers)  # 陈静 is up for two moves: still one row
    chen = next(r for r in grid.sheet.rows if r.no == "E004")
    assert chen.transition.splitlines() == [
        "运营专员（店铺运营）",
        "→ 运营主管",
        "→ 运营专员（数据运营）",
    ]
    row, col = cell_at(grid, "E006", "策略答辩")  # 孙悦
    other_row, other_col = cell_at(grid, "E006", "数据分析")
    loaded = grid.cell(row, col)
    assert loaded is not None and loaded.editable
    original = loaded.mine

    # digits typed and Enter: saved at once, one transaction, shown in the cell
    with qtbot.waitSignal(grid.saved):
        assert grid.edit(row, col, "85")
    assert grid.display(row, col).startswith("85")
    assert saved(hr, vm.cycle_id, "E006", "策略答辩") == 85

    # out of range / not a number: the core's sentence in place, nothing saved
    with qtbot.waitSignal(grid.cell_refused) as refused:
        assert not grid.edit(row, col, "120")
    assert "0–100" in refused.args[2]
    assert "0–100" in grid.tooltip(row, col)
    assert not grid.edit(row, col, "很好")
    assert saved(hr, vm.cycle_id, "E006", "策略答辩") == 85
    # Esc on the refused cell forgets the bad value (it was never saved)
    assert grid.revert_cell(row, col)
    assert (row, col) not in grid.errors and grid.display(row, col).startswith("85")

    # a second edit, then Ctrl+Z twice: both cells back to what they held
    assert grid.edit(other_row, other_col, "70")
    assert saved(hr, vm.cycle_id, "E006", "数据分析") == 70
    assert grid.undo() == (other_row, other_col)
    assert (
        saved(hr, vm.cycle_id, "E006", "数据分析")
        == grid.loaded_values[
            (grid.sheet.rows[other_row].employee_id, "ability", "数据分析")  # type: ignore[union-attr]
        ]
    )
    assert grid.undo() == (row, col)
    assert saved(hr, vm.cycle_id, "E006", "策略答辩") == original
    assert grid.undo() is None  # nothing left

    # Esc on a saved cell: back to the value it had when the grid was loaded
    assert grid.edit(row, col, "60")
    assert grid.revert_cell(row, col)
    assert saved(hr, vm.cycle_id, "E006", "策略答辩") == original
    worker.wait_all()


def test_average_and_spread_of_several_raters_are_shown(qtbot: QtBot, owner: AppSession) -> None:
    hr = as_user(owner, "hr")
    vm, grid = grid_for(qtbot, hr)
    assert vm.cycle_id is not None
    row, col = cell_at(grid, "E006", "团队协作")
    assert grid.edit(row, col, "80")
    boss_vm, boss_grid = grid_for(qtbot, owner)
    b_row, b_col = cell_at(boss_grid, "E006", "团队协作")
    before = boss_grid.cell(b_row, b_col)
    assert before is not None and before.count >= 1
    assert boss_grid.edit(b_row, b_col, "90")
    fresh_vm, fresh = grid_for(qtbot, owner)
    f_row, f_col = cell_at(fresh, "E006", "团队协作")
    shown = fresh.display(f_row, f_col)
    cell = fresh.cell(f_row, f_col)
    assert cell is not None and cell.count == before.count + 1
    assert shown.startswith("90") and "均" in shown and "分差" in shown
    assert cell.spread is not None and cell.spread >= 10  # HR's 80 and the owner's 90
    assert "平均" in fresh.tooltip(f_row, f_col)
    del boss_vm, fresh_vm
    worker.wait_all()


def test_a_supervisor_cannot_rate_herself_and_closed_cycles_are_read_only(
    qtbot: QtBot, owner: AppSession
) -> None:
    lina = as_user(owner, "lina")  # 李娜 E002, a candidate herself
    vm, grid = grid_for(qtbot, lina)
    assert vm.cycle_id is not None
    own_rows = [i for i, r in enumerate(grid.sheet.rows) if r.no == "E002"]  # type: ignore[union-attr]
    for row in own_rows:
        for col in range(grid.FIXED, grid.columnCount()):
            assert not grid.is_editable(row, col)
            assert not grid.edit(row, col, "99")
    cycles.close_cycle(owner, vm.cycle_id)
    hr_vm, hr_grid = grid_for(qtbot, as_user(owner, "hr"))
    assert hr_grid.rowCount() > 0
    assert not any(
        hr_grid.is_editable(r, c)
        for r in range(hr_grid.rowCount())
        for c in range(hr_grid.FIXED, hr_grid.columnCount())
    )
    del hr_vm
    assert "0–100" not in grid.rubric_text(grid.FIXED)
    assert "≥90" in grid.rubric_text(grid.FIXED)


def test_the_owner_opens_closes_and_reopens_a_cycle(qtbot: QtBot, owner: AppSession) -> None:
    del qtbot
    vm = CyclesViewModel(SessionViewModel(owner))
    assert vm.can_manage
    assert vm.default_month() == "2024-06"  # the demo's last complete month of data
    moves = vm.transitions()
    assert moves and all("→" in label for _id, label in moves)
    assert vm.open_cycle("", None, None, None) is None and vm.error  # a name is needed
    row = vm.open_cycle("2024下半年", None, None, [moves[0][0]])
    assert row is not None and row.as_of == "2024-06" and row.transition_ids == (moves[0][0],)
    assert vm.open_cycle("2024下半年", None, None, None) is None and "2024下半年" in vm.error
    vm.load_cycles()
    assert vm.cycles.index(0, 0).data() == "2024下半年"
    assert vm.set_open(row.id, False)
    vm.load_cycles()
    assert vm.cycles.index(0, 2).data() == "已关闭"
    assert vm.set_open(row.id, True)
    hr = CyclesViewModel(SessionViewModel(as_user(owner, "hr")))
    assert not hr.can_manage and not hr.set_open(row.id, False)


def test_hr_types_in_a_paper_form_naming_its_rater_with_a_note(
    qtbot: QtBot, owner: AppSession
) -> None:
    hr = as_user(owner, "hr")
    vm, grid = grid_for(qtbot, hr)
    assert vm.cycle_id is not None and grid.may_name_rater
    row, col = cell_at(grid, "E006", "创新能力")
    assert not grid.set_note(row, col, "先写备注") and "先填分数" in grid.error
    grid.set_rater("王芳")
    assert grid.sheet is not None and grid.sheet.rater == "王芳"
    row, col = cell_at(grid, "E006", "创新能力")
    assert grid.edit(row, col, "66")
    assert grid.set_note(row, col, "纸质评分表第3页")
    sheet = scores.score_sheet(hr, vm.cycle_id, "王芳")
    cell = next(r for r in sheet.rows if r.no == "E006").cells[("potential", "创新能力")]
    assert cell.mine == 66 and cell.note == "纸质评分表第3页"
    mine = scores.score_sheet(hr, vm.cycle_id)  # HR's own column is untouched
    assert (
        next(r for r in mine.rows if r.no == "E006").cells[("potential", "创新能力")].mine is None
    )
    assert not CyclesViewModel(SessionViewModel(as_user(owner, "lina"))).grid.may_name_rater
    worker.wait_all()


def test_cases_are_proposed_from_the_cycle_and_shown_with_their_state(
    qtbot: QtBot, owner: AppSession
) -> None:
    from desktop.viewmodels.promotion_create_vm import CreateCasesViewModel

    vm, _grid = grid_for(qtbot, owner)
    assert vm.cycle_id is not None and vm.can_propose
    row = next(i for i, c in enumerate(vm.candidates.rows) if c.no == "E006")  # 孙悦, ready
    assert vm.candidates.index(row, 4).data() == "未发起"
    proposals = vm.proposals([row])
    assert [p.name for p in proposals] == ["孙悦"]
    done = CreateCasesViewModel(vm.session_vm).create(proposals, vm.cycle_id, "")
    assert done[0].error == ""
    vm.load_cycle_now(vm.cycle_id)
    row = next(i for i, c in enumerate(vm.candidates.rows) if c.no == "E006")
    assert vm.candidates.index(row, 4).data() == "已提交"
    assert vm.candidates.case_id(row) == done[0].case_id
    assert vm.proposals([row]) == []  # one case per person and move


def test_hr_adds_a_candidate_by_hand_and_takes_them_out(qtbot: QtBot, owner: AppSession) -> None:
    """Someone not ready is not listed; HR adds them: they are a candidate (手动加入) with a row
    in the score grid; taken out again, both are gone. Only the hand-added can be taken out."""
    hr = as_user(owner, "hr")
    vm, grid = grid_for(qtbot, hr)
    assert vm.can_add_candidates
    listed = {(r.employee_id, r.transition_id) for r in vm.candidates.rows}
    offer = vm.addable()
    assert offer and all((a.employee_id, a.transition_id) not in listed for a in offer)
    assert all("→" in a.label() and a.no in a.label() for a in offer)
    assert grid.sheet is not None
    chosen = next(a for a in offer if a.no not in {r.no for r in grid.sheet.rows})
    rules_row = next(i for i, r in enumerate(vm.candidates.rows) if r.source == "rules")
    assert not vm.removable(rules_row)  # the rules put the ready there

    assert vm.add_candidate(chosen.employee_id, chosen.transition_id), vm.error
    assert vm.cycle_id is not None
    vm.load_cycle_now(vm.cycle_id)
    row = next(
        i
        for i, r in enumerate(vm.candidates.rows)
        if (r.employee_id, r.transition_id) == (chosen.employee_id, chosen.transition_id)
    )
    assert "手动加入" in str(vm.candidates.index(row, 3).data())
    assert grid.sheet is not None and chosen.no in {r.no for r in grid.sheet.rows}
    assert (chosen.employee_id, chosen.transition_id) not in {
        (a.employee_id, a.transition_id) for a in vm.addable()
    }
    assert vm.removable(row)

    assert vm.remove_candidate(row), vm.error
    vm.load_cycle_now(vm.cycle_id)
    assert (chosen.employee_id, chosen.transition_id) not in {
        (r.employee_id, r.transition_id) for r in vm.candidates.rows
    }
    assert grid.sheet is not None and chosen.no not in {r.no for r in grid.sheet.rows}
    worker.wait_all()


def test_adding_is_refused_on_a_closed_cycle_and_for_a_move_outside_it(
    qtbot: QtBot, owner: AppSession
) -> None:
    from core.errors import ValidationError

    vm, _grid = grid_for(qtbot, owner)
    assert vm.cycle_id is not None
    chosen = vm.addable()[0]
    # a cycle of one move only: another move is refused with the core's sentence
    other = next(t for t, _label in vm.transitions() if t != chosen.transition_id)
    narrow = cycles.open_cycle(owner, "2024专项", None, None, [other])
    with pytest.raises(ValidationError, match="不包含"):
        cycles.add_candidate(owner, narrow.id, chosen.employee_id, chosen.transition_id)
    cycles.close_cycle(owner, vm.cycle_id)
    vm.load_cycles()
    assert not vm.can_add_candidates
    assert not vm.add_candidate(chosen.employee_id, chosen.transition_id)
    assert "已关闭" in vm.error


def test_a_persons_moves_are_named_so_that_no_level_is_cut_in_two() -> None:
    """One short move: one line. A long one, or several: the level people start from, then
    each level it leads to, a line each and each with its own arrow (the cell wraps only
    between; a target is never read as the tail of the line above)."""
    assert moves_text([("运营助理", "运营专员")]) == "运营助理 → 运营专员"
    assert moves_text([("运营专员（数据运营）", "运营主管（店铺运营）")]) == (
        "运营专员（数据运营）\n→ 运营主管（店铺运营）"
    )
    assert moves_text(
        [("运营专员", "运营主管"), ("运营专员（店铺运营）", "运营专员（用户运营）")]
    ) == ("运营专员（店铺运营）\n→ 运营主管\n→ 运营专员（用户运营）")


def test_the_candidates_number_column_has_a_short_english_title(english: None) -> None:
    """评审周期 → 候选人: the first title read "nployee r" (Employee no., cut to its column)."""
    from desktop import i18n
    from desktop.viewmodels.promotion_cycles_vm import candidate_columns

    assert candidate_columns()[0].header == "No."
    i18n.install("zh")
    assert candidate_columns()[0].header == "工号"


def test_one_rater_is_one_rater_in_english(qtbot: QtBot, owner: AppSession, english: None) -> None:
    """The score grid's hover read "Average: 80 (1 raters)"."""
    vm, grid = grid_for(qtbot, owner)
    assert grid.sheet is not None
    found = [
        (grid.cell(r, c), grid.tooltip(r, c))
        for r in range(len(grid.sheet.rows))
        for c in range(grid.FIXED, grid.FIXED + len(grid.columns))
    ]
    counts = {cell.count for cell, _ in found if cell is not None}
    assert 1 in counts, counts
    for cell, tip in found:
        if cell is not None and cell.count == 1:
            assert "(1 rater)" in tip, tip
        elif cell is not None and cell.count > 1:
            assert f"({cell.count} raters)" in tip, tip
    del vm
    worker.wait_all()


def test_english_cycle_screens_name_moves_across_tracks_with_english_brackets(
    qtbot: QtBot, owner: AppSession, english: None
) -> None:
    """评审周期 and its score grid read 运营专员（数据运营） in English; Chinese stays the default
    (core's own callers, the printed documents)."""
    vm, grid = grid_for(qtbot, owner)
    assert grid.sheet is not None
    chen = next(r for r in grid.sheet.rows if r.no == "E004")
    assert chen.transition.splitlines() == [
        "运营专员 (店铺运营)",
        "→ 运营主管",
        "→ 运营专员 (数据运营)",
    ]
    moves = [r.transition for r in vm.candidates.rows if r.no == "E004"]
    assert "运营专员 (店铺运营) → 运营专员 (数据运营)" in moves
    labels = [label for _, label in vm.transitions()]
    assert "运营专员 (店铺运营) → 运营专员 (数据运营)" in labels
    assert not any("（" in label for label in labels + moves)
    assert not any("（" in a.move for a in vm.addable())
    cycle_id = vm.cycle_id
    assert cycle_id is not None
    chinese = [r.transition for r in cycles.cycle_candidates(owner, cycle_id) if r.no == "E004"]
    assert "运营专员（店铺运营） → 运营专员（数据运营）" in chinese


def _cycle(name: str, as_of: str) -> cycles.CycleRow:
    return cycles.CycleRow(0, name, as_of, None, "open", (), "demo")


@pytest.mark.parametrize(
    ("existing", "proposed"),
    [
        ([], "2024上半年"),  # none yet: the half-year of the default month
        ([("2023下半年", "2023-12"), ("2024上半年", "2024-06")], "2024下半年"),
        ([("2024下半年", "2024-12")], "2025上半年"),
        ([("2024 H1", "2024-06")], "2024下半年"),  # named in English
        ([("年中评审", "2024-06")], "2024下半年"),  # no half-year name: its month says
        ([("年中评审", "2024-06"), ("2024下半年", "2024-06")], "2025上半年"),
    ],
)
def test_a_new_cycle_is_named_for_the_half_year_after_the_latest(
    existing: list[tuple[str, str]], proposed: str
) -> None:
    from desktop.viewmodels.promotion_cycles_vm import suggest_cycle_name

    rows = [_cycle(name, as_of) for name, as_of in existing]
    assert suggest_cycle_name(rows, "2024-03") == proposed
