"""评估打分: the keyboard-only score grid and the focused item's rubric beside it.

Digits start editing a cell; Enter saves and moves down, Tab saves and moves right, arrows move;
Esc while typing drops what was typed, Esc on a saved cell reverts it to what it held when the
grid was loaded; Ctrl+Z undoes the last edit. A refused value turns the cell red with the core's
sentence beside the grid (and as the cell's tooltip); nothing is saved.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Slot
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.viewmodels.promotion_cycles_vm import ScoreGridModel

AnyIndex = QModelIndex | QPersistentModelIndex


class ScoreDelegate(QStyledItemDelegate):
    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        del option, index
        editor = QLineEdit(parent)
        editor.setMaxLength(8)
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return editor

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Z in a cell nothing was typed into yet (Tab and Enter open the next one) is the
        grid's undo of the last score, not the empty editor's: it closes and the score goes."""
        if (
            isinstance(watched, QLineEdit)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.matches(QKeySequence.StandardKey.Undo)
            and not watched.isUndoAvailable()
        ):
            table = self.parent()
            self.closeEditor.emit(watched, QAbstractItemDelegate.EndEditHint.NoHint)
            if isinstance(table, ScoreTable):
                table.on_undo_triggered()
            return True
        return super().eventFilter(watched, event)


class ScoreTable(QTableView):
    def __init__(self, model: ScoreGridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = model
        self.setModel(model)
        self.setItemDelegate(ScoreDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.setTabKeyNavigation(True)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(40)  # a second line: average, spread
        self.verticalHeader().setMinimumSectionSize(40)
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumHeight(44)
        self.undo_action = QAction(tr("撤销上一次评分"), self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.undo_action.triggered.connect(self.on_undo_triggered)
        self.addAction(self.undo_action)
        model.modelReset.connect(self.on_model_reset)

    def fit_score_columns(self) -> None:
        """The score columns share what the two fixed ones leave, 64–78 px each: a move without
        KPI rules adds a 绩效 column, and seven at 78 px scrolled sideways at 1366×768."""
        header = self.horizontalHeader()
        scored = range(ScoreGridModel.FIXED, self.grid.columnCount())
        if not scored:
            return
        fixed = sum(header.sectionSize(c) for c in range(ScoreGridModel.FIXED))
        room = self.viewport().width() - fixed - 2
        width = max(64, min(78, room // len(scored)))
        for column in scored:
            header.resizeSection(column, width)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_score_columns()

    @Slot()
    def on_model_reset(self) -> None:
        header = self.horizontalHeader()
        header.resizeSection(0, 100)
        # 晋升路径: as wide as its longest line ("→ 运营专员（数据运营）"), within limits
        header.resizeSection(1, max(140, min(200, self.sizeHintForColumn(1))))
        self.fit_score_columns()
        # a person up for several moves has them all in the 晋升路径 cell, a line each: the row
        # grows to show them whole instead of cutting the second one off with "…"
        self.resizeRowsToContents()
        if self.grid.rowCount() and self.grid.columnCount() > ScoreGridModel.FIXED:
            self.setCurrentIndex(self.grid.index(0, ScoreGridModel.FIXED))

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        """Tab and Shift+Tab go from score cell to score cell, over the read-only 员工 and
        晋升路径 cells and into the next (previous) row; past the last (first) one, nowhere,
        so the keyboard leaves the grid."""
        if cursorAction in (
            QAbstractItemView.CursorAction.MoveNext,
            QAbstractItemView.CursorAction.MovePrevious,
        ):
            current = self.currentIndex()
            forward = cursorAction == QAbstractItemView.CursorAction.MoveNext
            found = self.grid.next_editable(current.row(), current.column(), forward)
            return self.grid.index(*found) if found else QModelIndex()
        return super().moveCursor(cursorAction, modifiers)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        index = self.currentIndex()
        super().closeEditor(editor, hint)
        refused = (index.row(), index.column()) in self.grid.errors
        forward = hint == QAbstractItemDelegate.EndEditHint.EditNextItem
        if forward or hint == QAbstractItemDelegate.EndEditHint.EditPreviousItem:
            # Tab typed in the last score cell (Shift+Tab in the first): saved, and the
            # keyboard leaves the grid as Tab on the cell itself does
            last = self.grid.next_editable(index.row(), index.column(), forward) is None
            if last and not refused:
                QWidget.focusNextPrevChild(self, forward)
            return
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache and not refused:
            below = self.grid.index(index.row() + 1, index.column())
            if below.isValid():
                self.setCurrentIndex(below)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            self.state() == QAbstractItemView.State.EditingState
        ):
            return  # the editor's Enter: the delegate saves, then closeEditor moves down
        if event.key() == Qt.Key.Key_Escape and index.isValid():
            self.grid.revert_cell(index.row(), index.column())
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and index.isValid():
            self.grid.edit(index.row(), index.column(), "")
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and index.isValid():
            if (index.row(), index.column()) in self.grid.errors:
                return
            below = self.grid.index(index.row() + 1, index.column())
            if below.isValid():
                self.setCurrentIndex(below)
            return
        super().keyPressEvent(event)

    @Slot()
    def on_undo_triggered(self) -> None:
        where = self.grid.undo()
        if where is not None:
            self.setCurrentIndex(self.grid.index(*where))


class ScoreGrid(QWidget):
    """The grid with the rubric of the focused item and any refusal beside it."""

    def __init__(self, model: ScoreGridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.table = ScoreTable(model)
        self.rubric = QLabel()
        self.rubric.setWordWrap(True)
        self.rubric.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.rubric.setStyleSheet(
            "background: #f7f9fc; border: 1px solid #dde3ea; padding: 8px; color: #263238;"
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c62828;")
        self.help = QLabel(
            tr(
                "输入0–100的分数，回车保存并下移，Tab右移，方向键移动；"
                "Esc撤回本格，Ctrl+Z撤销上一次修改。每次输入即保存。"
            )
        )
        self.help.setWordWrap(True)
        self.help.setStyleSheet("color: #616161;")
        self.note = QLineEdit()
        self.note.setPlaceholderText(tr("本格备注（可选，回车保存）"))
        self.note.editingFinished.connect(self.on_note_edited)
        self.rater = QLineEdit()
        self.rater.setPlaceholderText(tr("本人；代录纸质评分时填评分人"))
        self.rater.setToolTip(tr("人事代录他人的纸质评分时，填写评分人姓名；留空为本人评分。"))
        self.rater.editingFinished.connect(self.on_rater_edited)
        side = QVBoxLayout()
        if model.may_name_rater:
            side.addWidget(QLabel(tr("评分人")))
            side.addWidget(self.rater)
        side.addWidget(QLabel(tr("评分标准")))
        side.addWidget(self.rubric, 1)
        side.addWidget(QLabel(tr("备注")))
        side.addWidget(self.note)
        side.addWidget(self.message)
        side_box = QWidget()
        side_box.setLayout(side)
        side_box.setFixedWidth(220)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.table, 1)
        row.addWidget(side_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.help)
        layout.addLayout(row, 1)
        self.table.selectionModel().currentChanged.connect(self.on_current_changed)
        model.modelReset.connect(self.on_model_reset)
        model.cell_refused.connect(self.on_cell_refused)
        model.saved.connect(self.on_saved)

    @Slot()
    def on_model_reset(self) -> None:
        self.on_current_changed(self.table.currentIndex(), QModelIndex())

    @Slot(QModelIndex, QModelIndex)
    def on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        del previous
        text = self.model.rubric_text(current.column()) if current.isValid() else ""
        self.rubric.setText(text or tr("选中一个评分项查看评分标准。"))
        valid = current.isValid()
        error = self.model.errors.get((current.row(), current.column())) if valid else None
        self.message.setText(error or "")
        self.note.setText(self.model.note(current.row(), current.column()) if valid else "")
        self.note.setEnabled(valid and self.model.is_editable(current.row(), current.column()))

    @Slot()
    def on_note_edited(self) -> None:
        current = self.table.currentIndex()
        if current.isValid() and self.note.isModified():
            self.note.setModified(False)
            self.model.set_note(current.row(), current.column(), self.note.text())

    @Slot()
    def on_rater_edited(self) -> None:
        self.model.set_rater(self.rater.text())

    @Slot(int, int, str)
    def on_cell_refused(self, row: int, column: int, text: str) -> None:
        del row, column
        self.message.setText(text)

    @Slot(int, int)
    def on_saved(self, row: int, column: int) -> None:
        del row, column
        self.message.clear()
