"""A list narrowed to what a typed search finds: as typed (工号, 姓名) or by pinyin."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Slot

from core.domain import pinyin


class PinyinFilterModel(QSortFilterProxyModel):
    """The rows of the source list whose text contains the search, or which the search spells
    in pinyin ("wf", "wangfang" for "E001 王芳"); every row while the search is empty."""

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
        text = str(model.index(row, 0, parent).data() or "") if model is not None else ""
        return bool(text) and (self._wanted in text.lower() or pinyin.matches(self._wanted, text))
