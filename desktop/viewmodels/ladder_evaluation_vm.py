"""Editing evaluation templates: the three parts with weights, their items with weights and rubric.

Two tables share one template: the parts (绩效/能力/潜力) and the items of the selected part.
Weight totals are shown live (they must come to 100 at each level, as core/domain/scoring.py
checks); every change is one undoable edit of the ladder design.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor

from core.domain import metrics as mx
from core.domain import scoring
from core.domain.ladder_design import EvaluationTemplateSpec
from desktop.i18n import listed, tr
from desktop.viewmodels.ladder_vm import LadderViewModel

Index = QModelIndex | QPersistentModelIndex
BANDS = ("90", "75", "60", "0")
BAD_TOTAL = QColor("#c62828")


def band_names() -> tuple[str, ...]:
    return (tr("优秀 (≥90)"), tr("良好 (≥75)"), tr("合格 (≥60)"), tr("待提升 (<60)"))


def weight_text(value: float) -> str:
    return mx.format_value("ratio", value)


def total_is_right(total: float) -> bool:
    return abs(total - scoring.WEIGHT_TOTAL) < 1e-6


class EvaluationEditorViewModel(QObject):
    """Which template and part are being edited, and the edits themselves."""

    template_changed = Signal()  # the template list, the current template or its contents
    part_changed = Signal()

    def __init__(self, vm: LadderViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self._template_id = 0
        self._part_key = "performance"
        self.parts = PartsTableModel(self)
        self.items = ItemsTableModel(self)
        vm.design_changed.connect(self.on_vm_design_changed)
        self._pick_default()

    # --- state ------------------------------------------------------------------------------

    def templates(self) -> list[EvaluationTemplateSpec]:
        return list(self.vm.design.templates)

    def template(self) -> EvaluationTemplateSpec | None:
        return self.vm.design.template(self._template_id)

    @property
    def template_id(self) -> int:
        return self._template_id

    @property
    def part_key(self) -> str:
        return self._part_key

    def part(self) -> scoring.TemplatePart | None:
        spec = self.template()
        return spec.template.part(self._part_key) if spec else None

    def part_total(self) -> float:
        spec = self.template()
        return sum(p.weight for p in spec.template.parts) if spec else 0.0

    def item_total(self) -> float:
        part = self.part()
        return sum(i.weight for i in part.items) if part else 0.0

    def part_total_text(self) -> str:
        total = self.part_total()
        mark = "✓" if total_is_right(total) else "✗"
        return tr("三部分权重合计 {total} {mark}（应为100）").format(
            total=weight_text(total), mark=mark
        )

    def item_total_text(self) -> str:
        part = self.part()
        if part is None:
            return ""
        if not part.items:
            if part.key == "performance":
                return tr("绩效由晋升路径的KPI规则自动计算，无需评分项目")
            return tr("还没有评分项目")
        total = self.item_total()
        mark = "✓" if total_is_right(total) else "✗"
        return tr("“{part}”项目权重合计 {total} {mark}（应为100）").format(
            part=part.name, total=weight_text(total), mark=mark
        )

    def problems(self) -> list[str]:
        return [p.text() for p in self.vm.problems_of("template", self._template_id)]

    # --- choosing ---------------------------------------------------------------------------

    def _pick_default(self) -> None:
        chosen = self.vm.design.default_template()
        self.select_template(chosen.id if chosen else 0)

    def select_template(self, template_id: int) -> None:
        self._template_id = template_id
        if self.part() is None:
            spec = self.template()
            self._part_key = spec.template.parts[0].key if spec and spec.template.parts else ""
        self.parts.refresh()
        self.items.refresh()
        self.template_changed.emit()
        self.part_changed.emit()

    def select_part(self, key: str) -> None:
        self._part_key = key
        self.items.refresh()
        self.part_changed.emit()

    @Slot()
    def on_vm_design_changed(self) -> None:
        if self.template() is None:
            self._pick_default()
            return
        self.parts.refresh()
        self.items.refresh()
        self.template_changed.emit()
        self.part_changed.emit()

    # --- edits ------------------------------------------------------------------------------

    def _put(self, template: scoring.EvaluationTemplate, **changes: Any) -> None:
        spec = self.template()
        if spec is not None:
            self.vm.update_template(dataclasses.replace(spec, template=template, **changes))

    def _put_part(self, part: scoring.TemplatePart) -> None:
        spec = self.template()
        if spec is None:
            return
        parts = tuple(part if p.key == part.key else p for p in spec.template.parts)
        self._put(dataclasses.replace(spec.template, parts=parts))

    def add_template(self) -> None:
        new_id = self.vm.add_template()
        self.select_template(new_id)

    def delete_template(self) -> None:
        if self._template_id:
            self.vm.delete_template(self._template_id)

    def rename_template(self, name: str) -> None:
        spec = self.template()
        if spec is not None and name.strip() and name.strip() != spec.name:
            self._put(dataclasses.replace(spec.template, name=name.strip()))

    def make_default(self) -> None:
        spec = self.template()
        if spec is not None and not spec.is_default:
            self._put(spec.template, is_default=True)

    def set_part(self, key: str, name: str | None = None, weight: float | None = None) -> None:
        spec = self.template()
        part = spec.template.part(key) if spec else None
        if part is None:
            return
        changed = dataclasses.replace(
            part,
            name=part.name if name is None else name.strip() or part.name,
            weight=part.weight if weight is None else weight,
        )
        self._put_part(changed)

    def add_item(self) -> None:
        part = self.part()
        if part is None:
            return
        taken = {i.name for i in part.items}
        name, n = tr("新项目"), 2
        while name in taken:
            name, n = f"{tr('新项目')}{n}", n + 1
        remaining = max(scoring.WEIGHT_TOTAL - self.item_total(), 0.0)
        self._put_part(
            dataclasses.replace(part, items=(*part.items, scoring.RubricItem(name, remaining)))
        )

    def remove_item(self, row: int) -> None:
        part = self.part()
        if part is not None and 0 <= row < len(part.items):
            items = part.items[:row] + part.items[row + 1 :]
            self._put_part(dataclasses.replace(part, items=items))

    def set_item(self, row: int, item: scoring.RubricItem) -> None:
        part = self.part()
        if part is not None and 0 <= row < len(part.items):
            items = tuple(item if i == row else old for i, old in enumerate(part.items))
            self._put_part(dataclasses.replace(part, items=items))


class PartsTableModel(QAbstractTableModel):
    NAME, WEIGHT, ITEMS = range(3)

    def __init__(self, editor: EvaluationEditorViewModel) -> None:
        super().__init__(editor)
        self.editor = editor
        self._parts: tuple[scoring.TemplatePart, ...] = ()

    def refresh(self) -> None:
        spec = self.editor.template()
        fresh = spec.template.parts if spec else ()
        if len(fresh) == len(self._parts):
            self._parts = fresh
            if fresh:
                self.dataChanged.emit(self.index(0, 0), self.index(len(fresh) - 1, 2))
            return
        self.beginResetModel()
        self._parts = fresh
        self.endResetModel()

    def key_at(self, row: int) -> str:
        return self._parts[row].key if 0 <= row < len(self._parts) else ""

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._parts)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (tr("部分"), tr("权重"), tr("评分项目"))[section]

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() in (self.NAME, self.WEIGHT) and self.editor.vm.can_edit:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._parts):
            return None
        part = self._parts[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if index.column() == self.NAME:
                return part.name
            if index.column() == self.WEIGHT:
                return part.weight if role == Qt.ItemDataRole.EditRole else weight_text(part.weight)
            if not part.items:
                return tr("由KPI规则计算") if part.key == "performance" else tr("无")
            return listed(i.name for i in part.items)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.WEIGHT:
            return None if total_is_right(self.editor.part_total()) else BAD_TOTAL
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        key = self._parts[index.row()].key
        if index.column() == self.NAME:
            self.editor.set_part(key, name=str(value))
            return True
        if index.column() == self.WEIGHT:
            try:
                self.editor.set_part(key, weight=float(value))
            except (TypeError, ValueError):
                return False
            return True
        return False


class ItemsTableModel(QAbstractTableModel):
    NAME, WEIGHT = 0, 1  # then one column per rubric band

    def __init__(self, editor: EvaluationEditorViewModel) -> None:
        super().__init__(editor)
        self.editor = editor
        self._items: tuple[scoring.RubricItem, ...] = ()

    def refresh(self) -> None:
        part = self.editor.part()
        fresh = part.items if part else ()
        if len(fresh) == len(self._items):
            self._items = fresh
            if fresh:
                self.dataChanged.emit(
                    self.index(0, 0),
                    self.index(len(fresh) - 1, self.columnCount() - 1),
                )
            return
        self.beginResetModel()
        self._items = fresh
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2 + len(BANDS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (tr("项目"), tr("权重"), *band_names())[section]

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if self.editor.vm.can_edit else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._items):
            return None
        item = self._items[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == self.NAME:
                return item.name
            if column == self.WEIGHT:
                return item.weight if role == Qt.ItemDataRole.EditRole else weight_text(item.weight)
            return dict(item.rubric).get(BANDS[column - 2], "")
        if role == Qt.ItemDataRole.ToolTipRole and column >= 2:
            return dict(item.rubric).get(BANDS[column - 2], "")
        if role == Qt.ItemDataRole.ForegroundRole and column == self.WEIGHT:
            return None if total_is_right(self.editor.item_total()) else BAD_TOTAL
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        item = self._items[index.row()]
        column = index.column()
        if column == self.NAME:
            if not str(value).strip():
                return False
            changed = dataclasses.replace(item, name=str(value).strip())
        elif column == self.WEIGHT:
            try:
                changed = dataclasses.replace(item, weight=float(value))
            except (TypeError, ValueError):
                return False
        else:
            rubric = dict(item.rubric)
            text = str(value or "").strip()
            if text:
                rubric[BANDS[column - 2]] = text
            else:
                rubric.pop(BANDS[column - 2], None)
            ordered = tuple((band, rubric[band]) for band in BANDS if band in rubric)
            extra = tuple((k, v) for k, v in rubric.items() if k not in BANDS)
            changed = dataclasses.replace(item, rubric=ordered + extra)
        self.editor.set_item(index.row(), changed)
        return True
