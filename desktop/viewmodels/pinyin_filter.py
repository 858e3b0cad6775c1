"""A list of people narrowed to what a typed search finds (``core.domain.pinyin.finds``: the
number or name holds it, or it spells the name), as the lists' own search boxes do."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Slot,
)

from core.domain import pinyin

NUMBER_ROLE = Qt.ItemDataRole.UserRole + 1  # the person's 工号, on each item of the source list
NAME_ROLE = Qt.ItemDataRole.UserRole + 2  # their 姓名


class PinyinFilterModel(QSortFilterProxyModel):
    """The source list's people (items carrying ``NUMBER_ROLE`` and ``NAME_ROLE``) that the
    search finds; every row, the empty one too, while the search is empty."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._wanted = ""

    @Slot(str)
    def set_search(self, text: str) -> None:
        wanted = text.strip().lower()
        if wanted == self._wanted:
            return
        self.beginFilterChange()
        self._wanted = wanted
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self._wanted:
            return True
        model = self.sourceModel()
        if model is None:
            return False
        index = model.index(row, 0, parent)
        name = index.data(NAME_ROLE)
        return bool(name) and pinyin.finds(self._wanted, index.data(NUMBER_ROLE) or "", name)
