"""The competency model (能力模型) as an editable table: a competency per row, levels 1–5 as columns.

Edits stay in memory (undoable) until 保存, which replaces the model in one audited transaction;
levels in the ladder name competencies by these names for their expected ratings.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QUndoCommand, QUndoStack

from core.errors import TiduiError
from core.permissions import Perm
from core.services.archive import records as archive
from core.services.archive.records import CompetencyDef
from desktop.i18n import tr
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel

Index = QModelIndex | QPersistentModelIndex
LEVELS = 5


class _Replace(QUndoCommand):
    def __init__(self, vm: CompetencyModelViewModel, text: str, after: list[CompetencyDef]) -> None:
        super().__init__(text)
        self.vm, self.before, self.after = vm, list(vm.rows), after

    def redo(self) -> None:
        self.vm.set_rows(self.after)

    def undo(self) -> None:
        self.vm.set_rows(self.before)


class CompetencyModelViewModel(QAbstractTableModel):
    NAME = 0
    saved = Signal()
    error_raised = Signal(str)
    dirty_changed = Signal(bool)

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.undo_stack = QUndoStack(self)
        self.rows: list[CompetencyDef] = []
        self._saved: list[CompetencyDef] = []
        self.reload()

    @property
    def editable(self) -> bool:
        return self.session_vm.can(Perm.EDIT_LADDER)

    @property
    def dirty(self) -> bool:
        return self.rows != self._saved

    def saved_names(self) -> list[str]:
        """The competencies as saved in the company file (what a level's expectations name)."""
        return [c.name for c in self._saved]

    def reload(self) -> None:
        self._saved = archive.list_competencies(self.session_vm.app)
        self.undo_stack.clear()
        self.set_rows(list(self._saved))

    def set_rows(self, rows: list[CompetencyDef]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()
        self.dirty_changed.emit(self.dirty)

    # -- Qt model ------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 1 + LEVELS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return tr("能力") if section == self.NAME else tr("{n}级").format(n=section)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.EditRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self.rows[index.row()]
        if index.column() == self.NAME:
            return row.name
        descriptors = row.descriptors
        level = index.column() - 1
        return descriptors[level] if level < len(descriptors) else ""

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if self.editable else base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or not self.editable:
            return False
        text = str(value).strip()
        old = self.rows[index.row()]
        if index.column() == self.NAME:
            new = CompetencyDef(text, old.descriptors)
        else:
            levels = list(old.descriptors) + [""] * (LEVELS - len(old.descriptors))
            levels[index.column() - 1] = text
            new = CompetencyDef(old.name, tuple(levels[:LEVELS]))
        if new == old:
            return False
        rows = list(self.rows)
        rows[index.row()] = new
        self.undo_stack.push(_Replace(self, tr("修改能力"), rows))
        return True

    # -- commands ------------------------------------------------------------------
    def add(self) -> int:
        name = tr("新能力")
        taken = {r.name for r in self.rows}
        n = 2
        while name in taken:
            name = tr("新能力") + str(n)
            n += 1
        self.undo_stack.push(
            _Replace(self, tr("添加能力"), [*self.rows, CompetencyDef(name, ("",) * LEVELS)])
        )
        return len(self.rows) - 1

    def remove(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            rows = [r for i, r in enumerate(self.rows) if i != row]
            self.undo_stack.push(_Replace(self, tr("删除能力"), rows))

    def move(self, row: int, delta: int) -> int:
        target = row + delta
        if not (0 <= row < len(self.rows) and 0 <= target < len(self.rows)):
            return row
        rows = list(self.rows)
        rows[row], rows[target] = rows[target], rows[row]
        self.undo_stack.push(_Replace(self, tr("调整顺序"), rows))
        return target

    def save(self) -> bool:
        try:
            archive.save_competencies(self.session_vm.app, list(self.rows))
        except TiduiError as err:
            self.error_raised.emit(err.text())
            return False
        self._saved = list(self.rows)
        self.undo_stack.setClean()
        self.dirty_changed.emit(False)
        self.session_vm.notify_changed(ChangeArea.LADDER)
        self.saved.emit()
        return True
