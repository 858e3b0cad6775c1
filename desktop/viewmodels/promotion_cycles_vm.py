"""评审周期 and 评估打分: the cycles, the selected cycle's candidates, and the score grid.

The score grid is the cycle's candidates × the ability and potential items of their transition's
evaluation template (``scores.score_sheet``). A cell is saved as it is typed
(``scores.enter_score``: one audited transaction per edit, no 保存 button): a value outside 0–100
or not a number is refused with the core's sentence and nothing is saved. Esc reverts a cell to
what it held when the grid was loaded, Ctrl+Z undoes the last edit (each is itself a saved edit).
Each cycle (and rater) keeps its own undo list while the page lives: showing another cycle and
coming back, Ctrl+Z still takes that cycle's edits back, last first.
A person listed on two moves shares one set of scores: both rows change together.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor

from core.errors import TiduiError
from core.i18n import current_language, render
from core.permissions import Perm
from core.progress import Progress
from core.services.promotion import cycles, gui_support, scores
from core.services.promotion.cycles import CycleCandidateRow, CycleRow
from core.services.promotion.scores import (
    ScoreSheet,
    ScoreTarget,
    SheetCell,
    SheetColumn,
    SheetRow,
)
from desktop.i18n import bracketed, listed, tr
from desktop.viewmodels import worker
from desktop.viewmodels.eligibility_vm import run_alone, status_text
from desktop.viewmodels.promotion_case_vm import number, role_text, state_text
from desktop.viewmodels.promotion_create_vm import Proposal
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel
from desktop.viewmodels.table_model import Column, RecordTableModel

AnyIndex = QModelIndex | QPersistentModelIndex
# ('archive' was in this list: no screen announces it, the archive's changes come as EMPLOYEES)
REFRESH_ON = frozenset(
    {
        ChangeArea.CASES,
        ChangeArea.EMPLOYEES,
        ChangeArea.LADDER,
        ChangeArea.IMPORTS,
        ChangeArea.CYCLES,
        ChangeArea.USERS,
    }
)
READ_ONLY_BACKGROUND = QColor("#f1f3f5")


def parse_score(text: str) -> float | None:
    """What a typed cell means: None (cleared) or a number 0–100; anything else raises the
    core's ValidationError (case.score.range)."""
    text = text.strip().replace("，", ".").replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return scores.check_score(text)  # raises with the core's message
    return scores.check_score(value)


# --- cycles ------------------------------------------------------------------------------------


# "2024上半年", "2024下半年" and the English "2024 H1", "2024 H2": the names new cycles are given
HALF_YEAR_NAME = re.compile(
    r"^\s*(?P<year>\d{4})\s*(?:(?P<first>上半年|H1)|下半年|H2)\s*$", re.IGNORECASE
)


def half_year_name(year: int, half: int) -> str:
    """The name of a half-year cycle in the UI language: 2024上半年, "2024 H2"."""
    return (tr("{year}上半年") if half == 1 else tr("{year}下半年")).format(year=year)


def cycle_half_year(row: CycleRow) -> tuple[int, int] | None:
    """The half-year a cycle stands for, as (year, 1 or 2): read from a name following the
    half-year naming, else from the month it is judged as of; None when neither says."""
    named = HALF_YEAR_NAME.match(row.name)
    if named:
        return int(named.group("year")), 1 if named.group("first") else 2
    try:
        year, month = (int(x) for x in row.as_of.split("-")[:2])
    except ValueError:
        return None
    return year, 1 if month <= 6 else 2


def suggest_cycle_name(rows: Sequence[CycleRow], default_month: str) -> str:
    """A name for a new cycle that no cycle has yet: the half-year after the latest cycle's, or
    with no cycles the half-year of ``default_month`` ("2024-06")."""
    halves = [h for h in (cycle_half_year(r) for r in rows) if h is not None]
    if halves:
        year, half = max(halves)
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    else:
        year, month = (int(x) for x in default_month.split("-")[:2])
        half = 1 if month <= 6 else 2
    taken = {r.name.strip() for r in rows}
    name = half_year_name(year, half)
    while name in taken:
        year, half = (year, 2) if half == 1 else (year + 1, 1)
        name = half_year_name(year, half)
    return name


def cycle_columns() -> list[Column[CycleRow]]:
    return [
        Column(tr("名称"), lambda r: r.name),
        Column(tr("截至月份"), lambda r: r.as_of),
        Column(tr("状态"), lambda r: tr("进行中") if r.state == "open" else tr("已关闭")),
        Column(tr("截止日期"), lambda r: r.deadline.isoformat() if r.deadline else "—"),
    ]


def _readiness_text(r: CycleCandidateRow) -> str:
    status = status_text(r.status)
    if r.total:
        status += f" {r.met}/{r.total}"
    if r.source == "manual":
        status += tr("（手动加入）")
    return status


def candidate_columns() -> list[Column[CycleCandidateRow]]:
    return [
        Column(tr("工号", "column"), lambda r: r.no),  # short: "No." beside the names
        Column(tr("姓名"), lambda r: r.name),
        Column(tr("晋升路径"), lambda r: r.transition),
        Column(tr("达标情况"), _readiness_text),
        Column(
            tr("申请状态"), lambda r: state_text(r.case_state) if r.case_state else tr("未发起")
        ),
        Column(tr("等待"), lambda r: role_text(r.waiting_for) if r.waiting_for else "—"),
    ]


class CandidateTableModel(RecordTableModel[CycleCandidateRow]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(candidate_columns(), parent)

    def case_id(self, row: int) -> int | None:
        found = self.row_at(row)
        return found.case_id if found else None


@dataclass(frozen=True)
class _Loaded:
    cycle_id: int
    candidates: list[CycleCandidateRow]
    sheet: ScoreSheet


class CyclesViewModel(QObject):
    """The cycle list, the selected cycle's candidates and its score grid."""

    cycles_loaded = Signal()
    cycle_loaded = Signal()
    failed = Signal(str)

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.cycles: RecordTableModel[CycleRow] = RecordTableModel(cycle_columns(), self)
        self.candidates = CandidateTableModel(self)
        self.grid = ScoreGridModel(session_vm, self)
        self.grid.failed.connect(self.failed)
        self.cycle_id: int | None = None
        self.error = ""
        self.error_field = ""  # the field the last refusal of open_cycle was about
        self._job = worker.LatestJob(self)
        self._job.succeeded.connect(self._on_cycle_loaded)
        self._job.failed.connect(self.failed)
        session_vm.data_changed.connect(self._on_data_changed)

    @property
    def can_manage(self) -> bool:
        return self.session_vm.can(Perm.MANAGE_CYCLES)

    @property
    def can_propose(self) -> bool:
        return self.session_vm.can(Perm.CREATE_CASE)

    def proposals(self, rows: list[int]) -> list[Proposal]:
        """The chosen candidates without a case yet, as 发起晋升申请 takes them."""
        chosen = [self.candidates.rows[r] for r in rows if 0 <= r < len(self.candidates.rows)]
        return [
            Proposal(c.employee_id, c.transition_id, c.name, c.transition, c.status)
            for c in chosen
            if c.case_id is None
        ]

    def load_cycles(self) -> None:
        try:
            rows = cycles.list_cycles(self.session_vm.app)
        except TiduiError as err:
            self.failed.emit(err.text())
            return
        self.cycles.set_rows(rows)
        self.cycles_loaded.emit()

    def cycle_row(self, row: int) -> CycleRow | None:
        return self.cycles.rows[row] if 0 <= row < len(self.cycles.rows) else None

    def current(self) -> CycleRow | None:
        return next((c for c in self.cycles.rows if c.id == self.cycle_id), None)

    def select_cycle(self, cycle_id: int | None) -> None:
        self.cycle_id = cycle_id
        if cycle_id is None:
            self.candidates.set_rows([])
            self.grid.set_sheet(None)
            return
        app, rater, lang = self.session_vm.app, self.grid.rater, current_language()

        def work(progress: Progress) -> _Loaded:
            del progress
            return _Loaded(
                cycle_id,
                cycles.cycle_candidates(app, cycle_id, lang),
                scores.score_sheet(app, cycle_id, rater, lang),
            )

        self._job.start(run_alone(work))

    def load_cycle_now(self, cycle_id: int) -> None:
        """Read the cycle on this thread (tests)."""
        self.cycle_id = cycle_id
        app, rater, lang = self.session_vm.app, self.grid.rater, current_language()
        self._on_cycle_loaded(
            _Loaded(
                cycle_id,
                cycles.cycle_candidates(app, cycle_id, lang),
                scores.score_sheet(app, cycle_id, rater, lang),
            )
        )

    @Slot(object)
    def _on_cycle_loaded(self, loaded: object) -> None:
        assert isinstance(loaded, _Loaded)
        if loaded.cycle_id != self.cycle_id:
            return
        self.candidates.set_rows(loaded.candidates)
        self.grid.set_sheet(loaded.sheet)
        self.cycle_loaded.emit()

    @Slot(str)
    def _on_data_changed(self, area: str) -> None:
        if area in REFRESH_ON:
            if area == ChangeArea.CYCLES:
                self.load_cycles()
            if self.cycle_id is not None:
                self.select_cycle(self.cycle_id)

    # --- the owner's moves ----------------------------------------------------------------------

    def transitions(self) -> list[tuple[int, str]]:
        return gui_support.transitions(self.session_vm.app, current_language())

    def default_month(self) -> str:
        return gui_support.default_cycle_month(self.session_vm.app)

    def existing_cycles(self) -> list[CycleRow]:
        """Every cycle as the file has it now (the list shown may not be loaded yet)."""
        try:
            return cycles.list_cycles(self.session_vm.app)
        except TiduiError:
            return list(self.cycles.rows)

    def suggested_name(self, rows: Sequence[CycleRow] | None = None) -> str:
        rows = self.existing_cycles() if rows is None else rows
        return suggest_cycle_name(rows, self.default_month())

    @staticmethod
    def name_problem(name: str, rows: Sequence[CycleRow]) -> str:
        """What is wrong with ``name`` for a new cycle among ``rows``, as saving would say it
        (a name already taken); "" when nothing is seen before saving."""
        name = name.strip()
        if name and any(r.name == name for r in rows):
            return render("case.cycle.duplicate", {"name": name})
        return ""

    def open_cycle(
        self,
        name: str,
        as_of: str | None,
        deadline: date | None,
        transition_ids: list[int] | None,
    ) -> CycleRow | None:
        try:
            row = cycles.open_cycle(self.session_vm.app, name, as_of, deadline, transition_ids)
        except TiduiError as err:
            self.error = err.text()  # the dialog shows it in place
            self.error_field = str(err.params.get("field") or "")
            return None
        self.session_vm.notify_changed(ChangeArea.CYCLES)
        return row

    def set_open(self, cycle_id: int, is_open: bool) -> bool:
        try:
            if is_open:
                cycles.reopen_cycle(self.session_vm.app, cycle_id)
            else:
                cycles.close_cycle(self.session_vm.app, cycle_id)
        except TiduiError as err:
            self.error = err.text()
            self.failed.emit(self.error)
            return False
        self.session_vm.notify_changed(ChangeArea.CYCLES)
        return True

    # --- candidates added by hand (HR or the owner) -----------------------------------------

    @property
    def can_add_candidates(self) -> bool:
        """Whether 加入候选人 is offered: someone who may propose, on an open cycle."""
        current = self.current()
        return self.can_propose and current is not None and current.state == "open"

    def addable(self) -> list[gui_support.Addable]:
        """The people (and moves) that may be added to the selected cycle by hand."""
        if self.cycle_id is None:
            return []
        try:
            found = gui_support.addable_candidates(
                self.session_vm.app, self.cycle_id, current_language()
            )
        except TiduiError as err:
            self.error = err.text()
            self.failed.emit(self.error)
            return []
        listed = {(r.employee_id, r.transition_id) for r in self.candidates.rows}
        return [a for a in found if (a.employee_id, a.transition_id) not in listed]

    def add_candidate(self, employee_id: int, transition_id: int) -> bool:
        """Adds someone to the cycle; its candidates and score grid are then read again."""
        if self.cycle_id is None:
            return False
        try:
            cycles.add_candidate(self.session_vm.app, self.cycle_id, employee_id, transition_id)
        except TiduiError as err:
            self.error = err.text()  # the dialog shows it in place
            return False
        self.error = ""
        self.session_vm.notify_changed(ChangeArea.CYCLES)
        return True

    def removable(self, row: int) -> bool:
        """Only someone added by hand, without a case, can be taken out (the ready come back
        by themselves: the rules put them there)."""
        if not 0 <= row < len(self.candidates.rows):
            return False
        found = self.candidates.rows[row]
        return self.can_add_candidates and found.source == "manual" and found.case_id is None

    def remove_candidate(self, row: int) -> bool:
        if not self.removable(row) or self.cycle_id is None:
            return False
        found = self.candidates.rows[row]
        try:
            cycles.remove_candidate(
                self.session_vm.app, self.cycle_id, found.employee_id, found.transition_id
            )
        except TiduiError as err:
            self.error = err.text()
            self.failed.emit(self.error)
            return False
        self.error = ""
        self.session_vm.notify_changed(ChangeArea.CYCLES)
        return True


# --- the score grid ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Edit:
    employee_id: int
    part: str
    item: str
    before: float | None
    after: float | None


class ScoreGridModel(QAbstractTableModel):
    """Candidates × items. Columns 0 and 1 name the person and the move; the rest are items."""

    FIXED = 2
    failed = Signal(str)
    cell_refused = Signal(int, int, str)  # row, column, the core's sentence
    saved = Signal(int, int)

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.sheet: ScoreSheet | None = None
        self.columns: tuple[SheetColumn, ...] = ()
        self.cells: dict[tuple[int, str, str], SheetCell] = {}
        self.loaded_values: dict[tuple[int, str, str], float | None] = {}
        # per (cycle, rater): another cycle shown and this one again, its edits still undo
        self._undo: dict[tuple[int, str | None], list[_Edit]] = {}
        self.error = ""
        self.errors: dict[tuple[int, int], str] = {}
        self.rater: str | None = None  # HR typing in a paper form: whose scores these are
        self._job = worker.LatestJob(self)
        self._job.succeeded.connect(self._on_reread)

    # --- loading ---------------------------------------------------------------------------------

    def set_sheet(self, sheet: ScoreSheet | None) -> None:
        sheet = one_row_per_person(sheet) if sheet is not None else None
        same = (
            sheet is not None
            and self.sheet is not None
            and sheet.cycle_id == self.sheet.cycle_id
            and sheet.columns == self.columns
            and [(r.employee_id, r.transition_id) for r in sheet.rows]
            == [(r.employee_id, r.transition_id) for r in self.sheet.rows]
        )
        cells = {}
        if sheet is not None:
            for row in sheet.rows:
                for (part, item), cell in row.cells.items():
                    cells[(row.employee_id, part, item)] = cell
        if same:
            self.sheet, self.cells = sheet, cells
            if self.rowCount() and self.columnCount():
                self.dataChanged.emit(
                    self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
                )
            return
        self.beginResetModel()
        self.sheet = sheet
        self.columns = sheet.columns if sheet else ()
        self.cells = cells
        self.loaded_values = {key: cell.mine for key, cell in cells.items()}
        self.errors = {}
        self.endResetModel()

    @property
    def may_name_rater(self) -> bool:
        """HR (and the owner) enter paper forms from other raters, naming them."""
        return self.session_vm.can(Perm.ENTER_SCORES)

    def set_rater(self, name: str | None) -> None:
        """Whose scores the grid shows and writes (None or blank: the logged-in user's)."""
        name = (name or "").strip() or None
        if name == self.rater or not (self.may_name_rater or name is None):
            return
        self.rater = name
        if self.sheet is not None:
            cycle_id = self.sheet.cycle_id
            self.set_sheet(None)  # another rater's values (and their own undo list)
            try:
                self.set_sheet(
                    scores.score_sheet(self.session_vm.app, cycle_id, name, current_language())
                )
            except TiduiError as err:
                self.failed.emit(err.text())

    @property
    def undo_stack(self) -> list[_Edit]:
        """The shown cycle's edits by the shown rater, the last one last (Ctrl+Z pops it)."""
        if self.sheet is None:
            return []
        return self._undo.setdefault((self.sheet.cycle_id, self.rater), [])

    def _reread(self) -> None:
        if self.sheet is None:
            return
        app, cycle_id, rater = self.session_vm.app, self.sheet.cycle_id, self.rater
        lang = current_language()

        def work(progress: Progress) -> ScoreSheet:
            del progress
            return scores.score_sheet(app, cycle_id, rater, lang)

        self._job.start(run_alone(work))

    @Slot(object)
    def _on_reread(self, sheet: object) -> None:
        assert isinstance(sheet, ScoreSheet)
        if self.sheet is not None and sheet.cycle_id == self.sheet.cycle_id:
            self.set_sheet(sheet)

    # --- shape -----------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.sheet is None else len(self.sheet.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.sheet is None else self.FIXED + len(self.columns)

    def column(self, column: int) -> SheetColumn | None:
        i = column - self.FIXED
        return self.columns[i] if 0 <= i < len(self.columns) else None

    def key(self, row: int, column: int) -> tuple[int, str, str] | None:
        col = self.column(column)
        if col is None or self.sheet is None or not 0 <= row < len(self.sheet.rows):
            return None
        r = self.sheet.rows[row]
        if (col.part, col.item) not in r.cells:
            return None
        return (r.employee_id, col.part, col.item)

    def cell(self, row: int, column: int) -> SheetCell | None:
        key = self.key(row, column)
        return self.cells.get(key) if key else None

    def is_editable(self, row: int, column: int) -> bool:
        cell = self.cell(row, column)
        return cell is not None and cell.editable

    def next_editable(self, row: int, column: int, forward: bool = True) -> tuple[int, int] | None:
        """The editable score cell after (or before) ``(row, column)``, reading row by row, for
        Tab and Shift+Tab; None past the last (or first) one. An invalid start (-1, -1) begins
        at the grid's first (or last) cell."""
        columns, cells = self.columnCount(), self.rowCount() * self.columnCount()
        step = 1 if forward else -1
        start = -1 if forward else cells
        position = (start if row < 0 or column < 0 else row * columns + column) + step
        while 0 <= position < cells:
            found = divmod(position, columns)
            if self.is_editable(*found):
                return found
            position += step
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return tr("员工")
            if section == 1:
                return tr("晋升路径")
            col = self.column(section)
            return f"{col.part_name}\n{col.item}" if col else None
        if role == Qt.ItemDataRole.ToolTipRole:
            col = self.column(section)
            return self.rubric_text(section) if col else None
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.is_editable(index.row(), index.column()):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def display(self, row: int, column: int) -> str:
        assert self.sheet is not None
        r = self.sheet.rows[row]
        if column == 0:
            return bracketed(r.name, r.no)
        if column == 1:
            return r.transition
        cell = self.cell(row, column)
        if cell is None:
            return ""
        mine = number(cell.mine) if cell.mine is not None else ""
        others = cell.count - (1 if cell.mine is not None else 0)
        if others > 0:  # below: everyone's average, then the spread (a line each: 64 px columns)
            summary = tr("均{avg}\n分差{spread}").format(
                avg=number(cell.average, 0), spread=number(cell.spread, 0)
            )
            return f"{mine or '—'}\n{summary}"
        return mine

    def tooltip(self, row: int, column: int) -> str:
        error = self.errors.get((row, column))
        if error:
            return error
        if column < self.FIXED:
            return self.display(row, column)
        cell = self.cell(row, column)
        if cell is None:
            return tr("该晋升路径的评估模板没有这一项。")
        assert self.sheet is not None
        lines = [
            tr("{rater}的评分：{score}").format(rater=self.sheet.rater, score=number(cell.mine)),
            tr("平均：{avg}（{n}人评分）", avg=number(cell.average), n=cell.count),
            tr("最高与最低之差：{spread}").format(spread=number(cell.spread)),
        ]
        if cell.note:
            lines.append(tr("备注：") + cell.note)
        if not cell.editable:
            lines.append(tr("您不能给这一项评分（只读）。"))
        return "\n".join(lines)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or self.sheet is None:
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == Qt.ItemDataRole.EditRole:
            cell = self.cell(row, column)
            return number(cell.mine) if cell and cell.mine is not None else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= self.FIXED:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if (row, column) in self.errors:
                return QBrush(QColor("#fde2e1"))
            if column >= self.FIXED and not self.is_editable(row, column):
                return QBrush(READ_ONLY_BACKGROUND)
        return None

    def setData(self, index: AnyIndex, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        return self.edit(index.row(), index.column(), str(value))

    # --- editing ---------------------------------------------------------------------------------

    def rubric_text(self, column: int) -> str:
        """The focused item's rubric: its weight and score bands, highest first."""
        col = self.column(column)
        if col is None:
            return ""
        lines = [
            bracketed(f"{col.part_name} · {col.item}", f"{tr('权重')} {number(col.weight)}%"),
        ]
        if col.raters:
            lines.append(tr("评分人：") + listed(role_text(r) for r in col.raters))
        bands = sorted(col.rubric, key=lambda b: -_band_value(b[0]))
        for score, text in bands:
            lines.append(f"≥{score}：{text}")
        if not col.rubric:
            lines.append(tr("（该项没有评分标准说明）"))
        return "\n".join(lines)

    def _refuse(self, row: int, column: int, text: str) -> bool:
        self.error = text
        self.errors[(row, column)] = text
        self._changed(row, column)
        self.cell_refused.emit(row, column, text)
        return False

    def _changed(self, row: int, column: int) -> None:
        key = self.key(row, column)
        assert self.sheet is not None
        for r, sheet_row in enumerate(self.sheet.rows):
            if key is not None and sheet_row.employee_id == key[0]:
                self.dataChanged.emit(self.index(r, column), self.index(r, column))
        self.dataChanged.emit(self.index(row, column), self.index(row, column))

    def edit(self, row: int, column: int, text: str) -> bool:
        """Save what was typed into one cell (or refuse it in place, saving nothing)."""
        key = self.key(row, column)
        if key is None or not self.is_editable(row, column):
            return False
        try:
            value = parse_score(text)
        except TiduiError as err:
            return self._refuse(row, column, err.text())
        before = self.cells[key].mine
        if value == before:
            self.errors.pop((row, column), None)
            self._changed(row, column)
            return True
        stack = self.undo_stack  # this cycle's, whatever the save sets off
        if not self._write(row, column, key, value):
            return False
        stack.append(_Edit(*key, before, value))
        return True

    def _write(self, row: int, column: int, key: tuple[int, str, str], value: float | None) -> bool:
        assert self.sheet is not None
        target = ScoreTarget(self.sheet.cycle_id, key[0], key[1], key[2], self.rater)
        note = self.cells[key].note if value is not None else ""
        try:
            scores.enter_score(self.session_vm.app, target, value, note)
        except TiduiError as err:
            return self._refuse(row, column, err.text())
        self.error = ""
        self.errors.pop((row, column), None)
        self.cells[key] = _with_mine(self.cells[key], value)
        self._changed(row, column)
        self.saved.emit(row, column)
        self.session_vm.notify_changed(ChangeArea.SCORES)
        self._reread()  # the exact spread and the other raters' scores
        return True

    def note(self, row: int, column: int) -> str:
        cell = self.cell(row, column)
        return cell.note if cell else ""

    def set_note(self, row: int, column: int, text: str) -> bool:
        """The optional comment of a scored cell (saved with the score, one transaction)."""
        key = self.key(row, column)
        cell = self.cells.get(key) if key else None
        if key is None or cell is None or not cell.editable or self.sheet is None:
            return False
        text = text.strip()
        if text == cell.note:
            return True
        if cell.mine is None:
            return self._refuse(row, column, tr("请先填分数，再写备注。"))
        target = ScoreTarget(self.sheet.cycle_id, key[0], key[1], key[2], self.rater)
        try:
            scores.enter_score(self.session_vm.app, target, cell.mine, text)
        except TiduiError as err:
            return self._refuse(row, column, err.text())
        self.errors.pop((row, column), None)
        self.cells[key] = replace(cell, note=text)
        self._changed(row, column)
        self.saved.emit(row, column)
        self.session_vm.notify_changed(ChangeArea.SCORES)
        return True

    def revert_cell(self, row: int, column: int) -> bool:
        """Esc: the cell back to what it held when the grid was loaded (saved as an edit)."""
        key = self.key(row, column)
        if key is None:
            return False
        if (row, column) in self.errors:  # a refused value was never saved: just forget it
            self.errors.pop((row, column))
            self.error = ""
            self._changed(row, column)
            return True
        original = self.loaded_values.get(key)
        if self.cells[key].mine == original:
            return False
        before = self.cells[key].mine
        stack = self.undo_stack
        if not self._write(row, column, key, original):
            return False
        stack.append(_Edit(*key, before, original))
        return True

    def undo(self) -> tuple[int, int] | None:
        """Ctrl+Z: the shown cycle's last edit taken back (saved, its cell back to the exact
        value it held before); returns the cell it was in. An edit of someone no longer in the
        grid (taken out of the cycle) is passed over."""
        stack = self.undo_stack
        while stack and self.sheet is not None:
            last = stack[-1]
            where = self._find(last)
            if where is None:
                stack.pop()
                continue
            key = (last.employee_id, last.part, last.item)
            if not self._write(where[0], where[1], key, last.before):
                return None
            stack.pop()
            return where
        return None

    def _find(self, edit: _Edit) -> tuple[int, int] | None:
        assert self.sheet is not None
        for r, row in enumerate(self.sheet.rows):
            if row.employee_id != edit.employee_id:
                continue
            for c, col in enumerate(self.columns):
                if (col.part, col.item) == (edit.part, edit.item):
                    return (r, c + self.FIXED)
        return None


def one_row_per_person(sheet: ScoreSheet) -> ScoreSheet:
    """A person up for several moves is one row: their scores are per person and cycle, not
    per move (the moves are named together, see ``moves_text``; a cell is editable if any
    move's template lets the user rate it)."""
    merged: dict[int, SheetRow] = {}
    moves: dict[int, list[tuple[str, str]]] = {}
    for row in sheet.rows:
        moves.setdefault(row.employee_id, []).append(row.ends)
        found = merged.get(row.employee_id)
        if found is None:
            merged[row.employee_id] = row
            continue
        cells = dict(found.cells)
        for key, cell in row.cells.items():
            if key not in cells:
                cells[key] = cell
            elif cell.editable and not cells[key].editable:
                cells[key] = replace(cells[key], editable=True)
        merged[row.employee_id] = replace(found, cells=cells)
    return replace(
        sheet,
        rows=tuple(
            replace(r, transition=moves_text(moves[r.employee_id])) for r in merged.values()
        ),
    )


def moves_text(moves: Sequence[tuple[str, str]]) -> str:
    """A person's moves, (from, to) each, for a narrow cell where a level's name must not wrap
    in two: one short move on one line ("运营助理 → 运营专员"); a long one, or several (all
    start at the person's level), as the level on the first line and each level it leads to
    on a line of its own, with its own arrow, so that every line after the first reads as a
    move from that level (not as the tail of the one above)::

        运营专员（店铺运营）
        → 运营主管
        → 运营专员（用户运营）
    """
    if len(moves) == 1 and len("".join(moves[0])) <= ONE_LINE_MOVE:
        return " → ".join(moves[0])
    # the most explicit name of the level they start from ("运营专员（店铺运营）" over "运营专员")
    start = max((start for start, _ in moves), key=len)
    return "\n".join([start, *(f"→ {to}" for _, to in moves)])


# the most characters of a move's two level names that still read on one line of the cell
ONE_LINE_MOVE = 10


def _band_value(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return -math.inf


def _with_mine(cell: SheetCell, value: float | None) -> SheetCell:
    """The cell after this rater's score changed (average and count follow at once; the
    spread is re-read from the file right after)."""
    total = (cell.average or 0.0) * cell.count
    count = cell.count
    if cell.mine is not None:
        total -= cell.mine
        count -= 1
    if value is not None:
        total += value
        count += 1
    average = total / count if count else None
    spread = cell.spread if count > 1 else (0.0 if count == 1 else None)
    return replace(cell, mine=value, average=average, count=count, spread=spread)
