"""The archive's sections as a list beside the form instead of a row of tabs.

Ten tabs do not fit the form's width on a 1366×768 laptop (附件, 晋升进度 and KPI were only
reachable through tiny scroll arrows); a list shows every section whole, in either language.
``SideTabs`` is still a QTabWidget (its tab bar hidden), so the page and other features keep
adding, removing, enabling and choosing tabs as before, and the list follows.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QRect, QSize, Qt, Slot
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QTabWidget, QWidget

SIDE_WIDTH = 104
ITEM_PADDING = (8, 6)  # the items' padding (horizontal, vertical), as the style sheet says
# what an item's text loses beside its padding: the list's frame and the item's own margins
TEXT_MARGIN = 10
# a run of letters a line does not break inside (Chinese breaks between any two characters)
_UNBROKEN = re.compile(r"[^\s\u2e80-\u9fff\uff00-\uffef]+")


class SideTabs(QTabWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabBar().hide()
        # The list is how the keyboard chooses a section: Tab goes from it into the section.
        # (The hidden tab bar is the tab widget's focus proxy: left to take focus, it caught
        # every Tab and kept it on the list.)
        self.tabBar().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.side = QListWidget()
        self.side.setObjectName("archiveSections")
        self.side.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.side.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.side.setWordWrap(True)  # a long title (负责店铺/直播账号) takes two lines
        self.side.setFixedWidth(SIDE_WIDTH)
        self.side.setStyleSheet(
            "QListWidget#archiveSections::item"
            f" {{ padding: {ITEM_PADDING[1]}px {ITEM_PADDING[0]}px; }}"
        )
        self.side.currentRowChanged.connect(self.on_side_row_changed)
        self.currentChanged.connect(self.on_current_changed)

    # QTabWidget calls these whenever a tab is added or removed
    def tabInserted(self, index: int) -> None:
        super().tabInserted(index)
        self._refill()

    def tabRemoved(self, index: int) -> None:
        super().tabRemoved(index)
        self._refill()

    def setTabEnabled(self, index: int, enabled: bool) -> None:
        super().setTabEnabled(index, enabled)
        item = self.side.item(index)
        if item is not None:
            flags = item.flags()
            item.setFlags(
                flags | Qt.ItemFlag.ItemIsEnabled if enabled else flags & ~Qt.ItemFlag.ItemIsEnabled
            )

    def setTabText(self, index: int, text: str) -> None:
        super().setTabText(index, text)
        item = self.side.item(index)
        if item is not None:
            item.setText(text)
            self._fit()

    def _fit(self) -> None:
        """The list as wide as its longest word needs (English "Achievements" read
        "Achieveme⋯"; Chinese keeps SIDE_WIDTH), and a title too long for one line gets the
        height of its wrapped lines: the list's own estimate left out the items' padding, so
        "Growth timeline" and "Promotion case" were given one line and elided."""
        metrics = self.side.fontMetrics()
        texts = [self.side.item(i).text() for i in range(self.side.count())]
        spare = 2 * ITEM_PADDING[0] + TEXT_MARGIN + 2 * self.side.frameWidth()
        words = [metrics.horizontalAdvance(w) for t in texts for w in _UNBROKEN.findall(t)]
        width = max([SIDE_WIDTH] + [w + spare for w in words])
        self.side.setFixedWidth(width)
        room = width - spare
        for index, text in enumerate(texts):
            if metrics.horizontalAdvance(text) <= room:
                continue
            wrapped = metrics.boundingRect(
                QRect(0, 0, room, 10_000), Qt.TextFlag.TextWordWrap, text
            )
            item = self.side.item(index)
            item.setSizeHint(QSize(room, wrapped.height() + 2 * ITEM_PADDING[1] + 2))

    def _refill(self) -> None:
        self.side.blockSignals(True)
        self.side.clear()
        for index in range(self.count()):
            item = QListWidgetItem(self.tabText(index))
            if not self.isTabEnabled(index):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.side.addItem(item)
        self._fit()
        self.side.setCurrentRow(self.currentIndex())
        self.side.blockSignals(False)

    @Slot(int)
    def on_side_row_changed(self, row: int) -> None:
        if 0 <= row < self.count():
            self.setCurrentIndex(row)

    @Slot(int)
    def on_current_changed(self, index: int) -> None:
        if self.side.currentRow() != index:
            self.side.blockSignals(True)
            self.side.setCurrentRow(index)
            self.side.blockSignals(False)
