"""What Tidui's read-only tables share."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping

from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


def read_only(view: QAbstractItemView) -> None:
    """A table that is looked at, not typed in: no cell opens for editing, and Tab moves on to
    the next control of the window. (Qt's tables step from cell to cell on Tab, through every
    column of the selected row, with nothing seen to move: a keyboard user was stuck in them.)
    Arrow keys, Home/End and Page Up/Down still move through the rows."""
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)


def size_columns(
    view: QTableView,
    widths: Mapping[int, int],
    *,
    cells: Mapping[int, Iterable[str]] | None = None,
    padding: int = 24,
) -> None:
    """Columns the user may resize, each set to its width for the Chinese titles, but never
    narrower than its title in the language shown (English ones are often wider: "Employee no."
    for 工号 read "mployee nc"), nor than the ``cells`` texts listed for it (a column of a
    few known words such as 在职 / 离职). ``padding`` leaves room for the margins and the sort
    arrow. The last column stretches."""
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    title_width = header.fontMetrics().horizontalAdvance
    cell_width = view.fontMetrics().horizontalAdvance
    model = view.model()
    for column, width in widths.items():
        title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        needed = [title_width(title) + padding]
        needed += [cell_width(text) + 12 for text in (cells or {}).get(column, ())]
        header.resizeSection(column, max(width, *needed))
    header.setStretchLastSection(True)


# A cell that must be read whole: numbers, money, dates, percentages ("2024-05-01", "¥1,200",
# "12.5%", "—"). Elided, "1,2…" would show a different number.
_WHOLE = re.compile(r"^[\d\s.,:：%¥+\-−/—–~（）()]*$")
_SAMPLED_ROWS = 200
# a run of letters a wrapped line does not break inside (Chinese breaks between any two characters)
_UNBROKEN = re.compile(r"[^\s\u2e80-\u9fff\uff00-\uffef]+")


def column_titled(view: QAbstractItemView, title: str) -> int:
    """The column whose (translated) title is ``title``: a table's code names its columns, so a
    column added to the model later does not shift which one is hidden or wrapped."""
    model = view.model()
    for column in range(model.columnCount()):
        if model.headerData(column, Qt.Orientation.Horizontal) == title:
            return column
    raise KeyError(title)


class _FitToWidth(QObject):
    """Keeps a table's visible columns inside its viewport; see ``fit_to_width``."""

    def __init__(self, view: QTableView, maximum: int, padding: int, wrap: Collection[int]) -> None:
        super().__init__(view)
        self.view = view
        self.maximum = maximum
        self.wrap = frozenset(wrap)
        # a column of text gives way no further than three characters and "…" (its title too,
        # whole under the mouse): narrower, the table is better scrolled sideways
        self.readable = view.fontMetrics().horizontalAdvance("中文字…") + padding
        self.padding = padding
        self.fitting = False
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        if self.wrap:  # their lines break instead of ending in "…"; rows as tall as they need
            view.setWordWrap(True)
            view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.viewport().installEventFilter(self)
        model = view.model()
        for signal in (
            model.modelReset,
            model.layoutChanged,
            model.rowsInserted,
            model.rowsRemoved,
        ):
            signal.connect(self.refit)
        model.dataChanged.connect(self.refit)
        self.refit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.refit()
        return False

    def _texts(self, column: int) -> list[str]:
        model = self.view.model()
        rows = min(model.rowCount(), _SAMPLED_ROWS)
        return [str(model.index(row, column).data() or "") for row in range(rows)]

    def _must_stay_whole(self, column: int) -> bool:
        return all(_WHOLE.match(text) for text in self._texts(column))

    def _longest_word(self, column: int) -> int:
        """The widest run a wrapped line of the column cannot break ("supervisor")."""
        width = self.view.fontMetrics().horizontalAdvance
        words = [w for text in self._texts(column) for w in _UNBROKEN.findall(text)]
        return max((width(w) for w in words), default=0) + self.padding

    @Slot()
    def refit(self) -> None:
        if self.fitting:
            return
        self.fitting = True
        try:
            self._refit()
        finally:
            self.fitting = False

    def _refit(self) -> None:
        view, header = self.view, self.view.horizontalHeader()
        model = view.model()
        title_width = header.fontMetrics().horizontalAdvance
        shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        # a column the table stretches itself (the timeline's wrapped 事件) takes what is left,
        # at least its title's width or 100 px: the others fit beside it
        stretched = QHeaderView.ResizeMode.Stretch
        columns = [c for c in shown if header.sectionResizeMode(c) != stretched]
        kept = sum(
            max(100, title_width(str(model.headerData(c, Qt.Orientation.Horizontal) or "")))
            for c in shown
            if c not in columns
        )
        if not columns:
            return
        natural: dict[int, int] = {}
        floor: dict[int, int] = {}
        for c in columns:
            title = title_width(str(model.headerData(c, Qt.Orientation.Horizontal) or ""))
            title += self.padding
            contents = view.sizeHintForColumn(c) if model.rowCount() else 0
            if self._must_stay_whole(c):
                natural[c] = floor[c] = max(title, contents)
            else:
                natural[c] = max(title, min(self.maximum, contents))
                floor[c] = min(natural[c], self.readable)
                if c in self.wrap:  # narrower than a word, the word would end in "…"
                    floor[c] = min(natural[c], max(floor[c], self._longest_word(c)))
        room = view.viewport().width() - kept
        # the wrapped columns of free text give way first, the others keeping their contents'
        # width (a 评价人 "刘洋（匿名）" whole beside a 评语 on three lines); when that is not
        # enough, the wrapped ones keep their narrowest and the others give way evenly
        narrowest = sum(floor[c] if c in self.wrap else natural[c] for c in columns)
        crowded = narrowest > room
        squeezed = [c for c in columns if (c in self.wrap) != crowded]

        def width_of(c: int, cap: int) -> int:
            if c in squeezed:
                return max(floor[c], min(natural[c], cap))
            return floor[c] if crowded and c in self.wrap else natural[c]

        def width_at(cap: int) -> int:
            return sum(width_of(c, cap) for c in columns)

        cap = max(natural.values())
        if width_at(cap) > room:  # the widest text columns give way, each down to its title
            low, high = 0, cap
            while low < high:
                middle = (low + high + 1) // 2
                low, high = (middle, high) if width_at(middle) <= room else (low, middle - 1)
            cap = low
        for c in columns:
            header.resizeSection(c, width_of(c, cap))


def fit_to_width(
    view: QTableView, *, maximum: int = 200, padding: int = 10, wrap: Collection[int] = ()
) -> None:
    """Fit the table's columns into its width, as the narrow panes need (the archive's 350 px at
    1366×768), instead of scrolling sideways: each column takes its contents' width up to
    ``maximum``; when they do not all fit, the widest columns of text give way evenly, down to
    their titles' width, and their cells end in "…" (the whole text shows under the mouse).
    Columns of numbers and dates are never cut. The ``wrap`` columns (free text: 评语, 备注)
    give way first while the others keep their contents' width, and their text breaks onto
    more lines, the rows growing to fit. Refitted as the table is resized or its rows change;
    the last column takes any room left. Call after ``setModel``."""
    _FitToWidth(view, maximum, padding, wrap)
