"""Editors inside the criteria table: drop-downs for choices, number boxes for thresholds and windows."""

from __future__ import annotations

import re

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from core.domain.rules import MAX_WINDOW
from desktop.i18n import tr
from desktop.viewmodels.ladder_criteria_vm import CHOICES_ROLE, CriteriaTableModel, result_names

Index = QModelIndex | QPersistentModelIndex


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down for every cell whose model offers choices (CHOICES_ROLE); it commits on pick."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        choices = index.data(CHOICES_ROLE) or []
        if not choices:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.setMaxVisibleItems(20)
        for value, label in choices:
            combo.addItem(label, value)
        combo.activated.connect(self.on_combo_activated)
        return combo

    @Slot()
    def on_combo_activated(self) -> None:
        editor = self.sender()
        if isinstance(editor, QWidget):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            found = editor.findData(index.data(Qt.ItemDataRole.EditRole))
            editor.setCurrentIndex(max(found, 0) if found >= 0 else -1)
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            if editor.currentIndex() >= 0:
                model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class CriteriaDelegate(ChoiceDelegate):
    """Number boxes sized for each column of the criteria table."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        column = index.column()
        if column == CriteriaTableModel.THRESHOLD:
            box = QDoubleSpinBox(parent)
            box.setRange(-1_000_000_000, 1_000_000_000)
            box.setDecimals(3)
            box.setGroupSeparatorShown(True)
            return box
        if column == CriteriaTableModel.WINDOW:
            spin = QSpinBox(parent)
            spin.setRange(1, MAX_WINDOW)
            spin.setSuffix(tr(" 个月"))
            return spin
        if column == CriteriaTableModel.ROI:
            box = QDoubleSpinBox(parent)
            box.setRange(0, 1000)
            box.setDecimals(2)
            box.setSpecialValueText(tr("不限"))
            return box
        if column == CriteriaTableModel.TEAM:
            spin = QSpinBox(parent)
            spin.setRange(0, 1000)
            spin.setSpecialValueText(tr("不限"))
            return spin
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QDoubleSpinBox):
            editor.setValue(float(value or 0))
            return
        if isinstance(editor, QSpinBox):
            editor.setValue(int(value or 0))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QDoubleSpinBox | QSpinBox):
            editor.interpretText()
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


# a run of letters or digits a line does not break inside: Chinese breaks between characters,
# English at spaces and after a hyphen ("new-" / "product launch")
_LATIN_WORD = re.compile(r"[^\s\u2e80-\u9fff\uff00-\uffef-]+-?|-")
# beside a title or a word: the header's or the cell's margins and the grid line (Fusion: 2 + 2
# for a title, 3 + 3 for a cell, 1)
_PADDING = 10

# the short columns keep at least these widths (for the Chinese titles); type and metric wrap
_FIXED = {
    CriteriaTableModel.COMPARATOR: 38,
    CriteriaTableModel.THRESHOLD: 58,
    CriteriaTableModel.UNIT: 44,
    CriteriaTableModel.WINDOW: 50,
}
_WRAPPED = (CriteriaTableModel.KIND, CriteriaTableModel.SUBJECT)


class CriteriaTable(QTableView):
    """The rules of one transition, edited in place (double-click or F2, or just start typing).

    Six columns that fit the path editor's pane at 1366×768: type and subject stretch and wrap,
    the short ones keep their width; the full column names are the headers' tooltips, a cell's
    tooltip is the rule's sentence. A 成果次数 rule's ROI / team / result conditions are edited
    below the table (``CountConditions``).

    The columns are as wide as the widest rule of the whole ladder needs, not only the rules
    shown, and ``least_width`` is what that makes of the table: the pane it sits in widens to
    it once (English words are wider than the Chinese; at 380 px the numbers were behind a
    sideways scroll bar), and does not change width as the user goes from path to path."""

    least_width_changed = Signal()

    def __init__(self, model: CriteriaTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._least: dict[int, int] = {}
        self.setModel(model)
        self.setItemDelegate(CriteriaDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setAlternatingRowColors(True)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.horizontalHeader()
        header.setMinimumSectionSize(30)
        for column in CriteriaTableModel.BELOW_TABLE:
            self.setColumnHidden(column, True)
        for column in _FIXED:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)
        self.verticalHeader().setDefaultSectionSize(28)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.setMinimumHeight(150)
        # every path's rules, read through a model of their own (the shown one keeps its path)
        self._every_path = CriteriaTableModel(model.vm, self)
        self._measure()
        for signal in (model.modelReset, model.dataChanged, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._measure)
        model.vm.design_changed.connect(self._measure)

    def _texts(self) -> dict[int, list[str]]:
        """Each sized column's cell texts in every rule of the ladder (and the shown ones)."""
        texts: dict[int, list[str]] = {column: [] for column in (*_FIXED, *_WRAPPED)}

        def read(model: QAbstractItemModel) -> None:
            for row in range(model.rowCount()):
                for column, found in texts.items():
                    found.append(str(model.index(row, column).data() or ""))

        read(self.model())
        every = self._every_path
        for path in every.vm.design.transitions:
            every.set_transition(path.id)
            read(every)
        every.set_transition(0)
        return texts

    def _least_widths(self) -> dict[int, int]:
        """What each column needs so that no title and no word is cut (English "Comparison" in
        38 px read "mparis"): English words ("Achievement") break only at spaces and after a
        hyphen, Chinese anywhere. The short columns are never narrower than their widths for the
        Chinese titles."""
        model = self.model()
        title_width = self.horizontalHeader().fontMetrics().horizontalAdvance
        cell_width = self.fontMetrics().horizontalAdvance
        least = {}
        for column, texts in self._texts().items():
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            words = [word for text in texts for word in _LATIN_WORD.findall(text)]
            widths = [title_width(title)] + [cell_width(word) for word in words]
            least[column] = max(_FIXED.get(column, 0), max(widths) + _PADDING)
        return least

    @Slot()
    def _measure(self) -> None:
        before = self.least_width()
        self._least = self._least_widths()
        self._fit_columns()
        if self.least_width() != before:
            self.updateGeometry()
            self.least_width_changed.emit()

    def least_width(self) -> int:
        """The table's width when every column has its least width: the columns, the row
        numbers, room for a vertical scroll bar (a long list of rules) and the frame."""
        if not self._least:
            return 0
        numbers = self.verticalHeader()  # a digit and the header's margins, until it has rows
        row_numbers = max(
            numbers.sizeHint().width(), numbers.fontMetrics().horizontalAdvance("9") + 5
        )
        scroll_bar = self.verticalScrollBar().sizeHint().width()
        return sum(self._least.values()) + row_numbers + scroll_bar + 2 * self.frameWidth()

    def _fit_columns(self) -> None:
        """Type and metric share what the short columns leave, evenly while that gives each its
        least width, else the wider one keeps its least and the other takes the rest; where
        even that would cut a word, they keep their least widths and the table scrolls."""
        header = self.horizontalHeader()
        least = dict(self._least)
        for column in _FIXED:
            self.setColumnWidth(column, least.pop(column))
        room = self.viewport().width() - sum(self.columnWidth(c) for c in _FIXED)
        if room // 2 >= max(least.values()):
            for column in _WRAPPED:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            return
        for column in _WRAPPED:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        if room >= sum(least.values()):
            wider = max(_WRAPPED, key=least.__getitem__)
            other = next(c for c in _WRAPPED if c != wider)
            least[other] = room - least[wider]
        for column, width in least.items():
            self.setColumnWidth(column, width)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._least:
            self._fit_columns()

    def current_row(self) -> int:
        index = self.currentIndex()
        return index.row() if index.isValid() else -1


class CountConditions(QWidget):
    """Below the criteria table: the current 成果次数 rule's ROI≥, 带领人数≥ and which results
    count (hidden for the other kinds, which have none)."""

    def __init__(self, table: CriteriaTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = table
        model = table.model()
        assert isinstance(model, CriteriaTableModel)
        self.model = model
        self.roi = QDoubleSpinBox()
        self.roi.setRange(0, 1000)
        self.roi.setDecimals(2)
        self.roi.setSpecialValueText(tr("不限"))
        self.roi.setKeyboardTracking(False)
        self.team = QSpinBox()
        self.team.setRange(0, 1000)
        self.team.setSpecialValueText(tr("不限"))
        self.team.setSuffix(tr(" 人"))
        self.team.setKeyboardTracking(False)
        self.result = QComboBox()
        for value, label in result_names():
            self.result.addItem(label, value)
        self.title = QLabel(tr("第{n}条（成果次数）："))
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title, 0, 0, 1, 4)
        layout.addWidget(QLabel("ROI≥"), 1, 0)
        layout.addWidget(self.roi, 1, 1)
        layout.addWidget(QLabel(tr("带领人数≥")), 1, 2)
        layout.addWidget(self.team, 1, 3)
        layout.addWidget(QLabel(tr("计入结果")), 2, 0)
        layout.addWidget(self.result, 2, 1, 1, 3)
        layout.setColumnStretch(1, 1)
        layout.setColumnStretch(3, 1)
        self.roi.valueChanged.connect(lambda v: self._write(CriteriaTableModel.ROI, v))
        self.team.valueChanged.connect(lambda v: self._write(CriteriaTableModel.TEAM, v))
        self.result.activated.connect(
            lambda _i: self._write(CriteriaTableModel.RESULT, self.result.currentData())
        )
        selection = table.selectionModel()
        selection.currentChanged.connect(self.on_current_changed)
        model.modelReset.connect(self.load)
        model.dataChanged.connect(self.load)
        self.row = -1
        self.load()

    @Slot(QModelIndex, QModelIndex)
    def on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        del current, previous
        self.load()

    @Slot()
    def load(self) -> None:
        row = self.table.current_row()
        self.row = row
        shown = self.model.is_count(row)
        self.setVisible(shown)
        if not shown:
            return
        self.title.setText(tr("第{n}条（成果次数）：").format(n=row + 1))
        data = self.model.data
        editable = bool(
            self.model.flags(self.model.index(row, CriteriaTableModel.ROI))
            & Qt.ItemFlag.ItemIsEditable
        )
        for widget in (self.roi, self.team, self.result):
            widget.blockSignals(True)
            widget.setEnabled(editable)
        edit = Qt.ItemDataRole.EditRole
        self.roi.setValue(float(data(self.model.index(row, CriteriaTableModel.ROI), edit) or 0))
        self.team.setValue(int(data(self.model.index(row, CriteriaTableModel.TEAM), edit) or 0))
        found = self.result.findData(data(self.model.index(row, CriteriaTableModel.RESULT), edit))
        self.result.setCurrentIndex(max(found, 0))
        for widget in (self.roi, self.team, self.result):
            widget.blockSignals(False)

    def _write(self, column: int, value: object) -> None:
        if self.model.is_count(self.row):
            self.model.setData(self.model.index(self.row, column), value, Qt.ItemDataRole.EditRole)
