"""The criteria table of one transition: each row a rule built from choices, with its sentence.

Thresholds are shown and typed the way people say them (15 for 15%, 2 for 2 percentage
points) and stored as the rule engine wants them (0.15, 0.02). Every change goes through the
ladder viewmodel as one undoable edit; rows the rule engine rejects are marked in place.
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
    Slot,
)
from PySide6.QtGui import QColor

from core.domain import metrics as mx
from core.domain import rules
from core.domain.rules import CriterionSpec
from core.i18n import current_language
from core.services.ladder.templates import is_tidui_threshold
from desktop.i18n import tr
from desktop.viewmodels.ladder_vm import LadderViewModel

Index = QModelIndex | QPersistentModelIndex

CHOICES_ROLE = Qt.ItemDataRole.UserRole + 1  # [(value, label), ...] for a combo box editor
INVALID_COLOR = QColor("#fde2e1")
NOT_APPLICABLE = "—"


def kind_names() -> dict[str, str]:
    return {
        "each_month": tr("连续每月达标"),
        "change": tr("较窗口前变化"),
        "average": tr("窗口内平均"),
        "count": tr("成果次数"),
        "tenure": tr("任职时长"),
        "score": tr("评估得分"),
    }


def suggested_note() -> str:
    """The tooltip line on a built-in criterion whose threshold is Tidui's choice, not the brief's."""
    return tr("阈值是 Tidui 的建议值（手册未给出）：请按本公司的实际情况设定。")


def comparator_names() -> dict[str, str]:
    return {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def score_part_names() -> dict[str, str]:
    return {
        "total": tr("评估总分"),
        "performance": tr("绩效"),
        "ability": tr("能力"),
        "potential": tr("潜力"),
    }


def result_names() -> list[tuple[str, str]]:
    return [("success", tr("只计成功")), ("any", tr("未标成功也计入"))]


def unit_names() -> dict[str, str]:
    return {
        "yuan": tr("元"),
        "percent": "%",
        "count": tr("个"),
        "days": tr("天"),
        "ratio": "",
        "people": tr("人"),
    }


def threshold_scale(spec: CriterionSpec, custom: dict[str, mx.Metric]) -> float:
    """How many shown units one stored unit is: 100 for rates (15% is stored 0.15)."""
    if spec.kind in rules.METRIC_KINDS:
        found = mx.metric(spec.metric or "", custom)
        if found is not None and found.unit == "percent":
            return 100.0
    return 1.0


def threshold_unit(spec: CriterionSpec, custom: dict[str, mx.Metric]) -> str:
    if spec.kind in rules.METRIC_KINDS:
        found = mx.metric(spec.metric or "", custom)
        if found is None:
            return ""
        if found.unit == "percent":
            return tr("个百分点") if spec.kind == "change" else "%"
        return unit_names().get(found.unit, "")
    return {"count": tr("次"), "tenure": tr("个月"), "score": tr("分")}.get(spec.kind, "")


def with_kind(spec: CriterionSpec, kind: str) -> CriterionSpec:
    """The rule turned into another kind, keeping what still makes sense."""
    if kind == spec.kind:
        return spec
    if kind in rules.METRIC_KINDS:
        keep = spec.kind in rules.METRIC_KINDS
        return CriterionSpec(
            kind=kind,
            metric=spec.metric if keep else None,
            comparator=spec.comparator,
            threshold=spec.threshold if keep else 0.0,
            window=spec.window if spec.kind in (*rules.METRIC_KINDS, "count") else 3,
        )
    if kind == "count":
        return CriterionSpec(
            kind="count",
            threshold=1.0,
            window=spec.window if spec.kind in rules.METRIC_KINDS else 6,
            achievement_type=None,
        )
    if kind == "tenure":
        return CriterionSpec(kind="tenure", threshold=6.0)
    return CriterionSpec(kind="score", threshold=75.0, score_part="total")


class CriteriaTableModel(QAbstractTableModel):
    """The rules of the selected transition; empty when no transition is selected."""

    KIND, SUBJECT, COMPARATOR, THRESHOLD, UNIT, WINDOW, ROI, TEAM, RESULT, SENTENCE = range(10)
    COLUMNS = 10
    # edited below the table (they apply to 成果次数 rules only), and the sentence is listed
    # under it: the table keeps six columns, which fit the path editor's pane at 1366×768
    BELOW_TABLE = (ROI, TEAM, RESULT, SENTENCE)

    def __init__(self, vm: LadderViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self._transition_id = 0
        self._criteria: tuple[CriterionSpec, ...] = ()
        vm.design_changed.connect(self.on_vm_design_changed)

    # --- which transition -------------------------------------------------------------------

    @property
    def transition_id(self) -> int:
        return self._transition_id

    def set_transition(self, transition_id: int) -> None:
        self.beginResetModel()
        self._transition_id = transition_id
        self._criteria = self._read()
        self.endResetModel()

    def _read(self) -> tuple[CriterionSpec, ...]:
        path = self.vm.design.transition(self._transition_id)
        return path.criteria if path else ()

    @Slot()
    def on_vm_design_changed(self) -> None:
        fresh = self._read()
        if len(fresh) == len(self._criteria):
            self._criteria = fresh
            if fresh:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(fresh) - 1, self.COLUMNS - 1)
                )
        else:
            self.beginResetModel()
            self._criteria = fresh
            self.endResetModel()

    def criteria(self) -> tuple[CriterionSpec, ...]:
        return self._criteria

    def is_count(self, row: int) -> bool:
        """Whether the rule in ``row`` is a 成果次数 rule (its ROI / team / result conditions)."""
        return 0 <= row < len(self._criteria) and self._criteria[row].kind == "count"

    # --- Qt model ---------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._criteria)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.DisplayRole:  # short: the table fits a 1366-px screen's pane
            return (  # (in English too: "Comparison" and "Threshold" pushed the numbers out)
                tr("类型"),
                tr("指标"),
                tr("比较", "column"),
                tr("阈值", "column"),
                tr("单位"),
                tr("月数"),
                "ROI≥",
                tr("带领≥"),
                tr("计入"),
                tr("员工看到的规则"),
            )[section]
        if role == Qt.ItemDataRole.ToolTipRole:  # the full name on hover
            return (
                tr("规则类型"),
                tr("指标 / 成果 / 得分"),
                tr("比较"),
                tr("阈值"),
                tr("单位"),
                tr("统计月数"),
                "ROI≥",
                tr("带领人数≥"),
                tr("计入结果"),
                tr("员工看到的规则"),
            )[section]
        return None

    def applicable(self, spec: CriterionSpec, column: int) -> bool:
        if column == self.SUBJECT:
            return spec.kind != "tenure"
        if column == self.WINDOW:
            return spec.kind in (*rules.METRIC_KINDS, "count")
        if column in (self.ROI, self.TEAM, self.RESULT):
            return spec.kind == "count"
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        spec = self._criteria[index.row()]
        editable = index.column() not in (self.UNIT, self.SENTENCE)
        if self.vm.can_edit and editable and self.applicable(spec, index.column()):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._criteria):
            return None
        spec = self._criteria[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(spec, column)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_value(spec, column)
        if role == CHOICES_ROLE:
            return self._choices(spec, column)
        problems = self.vm.criterion_problems(self._transition_id, index.row())
        if role == Qt.ItemDataRole.BackgroundRole and problems:
            return INVALID_COLOR
        if role == Qt.ItemDataRole.ToolTipRole:
            if problems:
                return "\n".join(problems)
            if is_tidui_threshold(spec):
                return self.vm.sentence(spec) + "\n" + suggested_note()
            return self.vm.sentence(spec)
        if role == Qt.ItemDataRole.ForegroundRole and not self.applicable(spec, column):
            return QColor("#9a9a9a")
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            self.THRESHOLD,
            self.WINDOW,
            self.ROI,
            self.TEAM,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _subject_label(self, spec: CriterionSpec) -> str:
        custom = self.vm.custom
        if spec.kind in rules.METRIC_KINDS:
            found = mx.metric(spec.metric or "", custom)
            if found is None:
                return spec.metric or tr("（请选择指标）")
            return found.name(current_language())
        if spec.kind == "count":
            found_type = mx.ACHIEVEMENT_TYPES.get(spec.achievement_type or "")
            if found_type is None:
                return spec.achievement_type or tr("（请选择成果类型）")
            return found_type.name(current_language())
        if spec.kind == "score":
            return score_part_names().get(spec.score_part or "total", spec.score_part or "")
        return NOT_APPLICABLE

    def _display(self, spec: CriterionSpec, column: int) -> str:
        custom = self.vm.custom
        if not self.applicable(spec, column):
            return NOT_APPLICABLE
        if column == self.KIND:
            return kind_names().get(spec.kind, spec.kind)
        if column == self.SUBJECT:
            return self._subject_label(spec)
        if column == self.COMPARATOR:
            return comparator_names().get(spec.comparator, spec.comparator)
        if column == self.THRESHOLD:
            shown = spec.threshold * threshold_scale(spec, custom)
            return mx.format_value("ratio", round(shown, 6), "zh")
        if column == self.UNIT:
            return threshold_unit(spec, custom)
        if column == self.WINDOW:
            return tr("{n}个月", "column", n=spec.window)  # English "6" under "Months"
        if column == self.ROI:
            roi = spec.conditions.roi_min
            return tr("不限") if roi is None else mx.format_value("ratio", roi)
        if column == self.TEAM:
            team = spec.conditions.team_min
            return tr("不限") if team is None else tr("{n}人", n=team)
        if column == self.RESULT:
            return dict(result_names())["success" if spec.conditions.require_success else "any"]
        return self.vm.sentence(spec)

    def _edit_value(self, spec: CriterionSpec, column: int) -> Any:
        if column == self.KIND:
            return spec.kind
        if column == self.SUBJECT:
            if spec.kind == "count":
                return spec.achievement_type or ""
            if spec.kind == "score":
                return spec.score_part or "total"
            return spec.metric or ""
        if column == self.COMPARATOR:
            return spec.comparator
        if column == self.THRESHOLD:
            return round(spec.threshold * threshold_scale(spec, self.vm.custom), 6)
        if column == self.WINDOW:
            return spec.window
        if column == self.ROI:
            return spec.conditions.roi_min or 0.0
        if column == self.TEAM:
            return spec.conditions.team_min or 0
        if column == self.RESULT:
            return "success" if spec.conditions.require_success else "any"
        return self._display(spec, column)

    def _choices(self, spec: CriterionSpec, column: int) -> list[tuple[str, str]]:
        if column == self.KIND:
            return list(kind_names().items())
        if column == self.COMPARATOR:
            return list(comparator_names().items())
        if column == self.RESULT:
            return result_names()
        if column != self.SUBJECT:
            return []
        if spec.kind in rules.METRIC_KINDS:
            units, lang = unit_names(), current_language()
            return [
                (
                    m.code,
                    tr("{name}（{unit}）").format(name=m.name(lang), unit=units[m.unit])
                    if units.get(m.unit)
                    else m.name(lang),
                )
                for m in (*mx.CATALOGUE.values(), *self.vm.custom.values())
            ]
        if spec.kind == "count":
            lang = current_language()
            return [(t.code, t.name(lang)) for t in mx.ACHIEVEMENT_TYPES.values()]
        if spec.kind == "score":
            return list(score_part_names().items())
        return []

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        spec = self._criteria[index.row()]
        changed = self._changed(spec, index.column(), value)
        if changed is None or changed == spec:
            return False
        criteria = list(self._criteria)
        criteria[index.row()] = changed
        self.vm.set_criteria(self._transition_id, tuple(criteria))
        return True

    def _changed(self, spec: CriterionSpec, column: int, value: Any) -> CriterionSpec | None:
        custom = self.vm.custom
        try:
            if column == self.KIND:
                return with_kind(spec, str(value))
            if column == self.SUBJECT:
                return self._with_subject(spec, str(value or ""))
            if column == self.COMPARATOR:
                return dataclasses.replace(spec, comparator=str(value))
            if column == self.THRESHOLD:
                shown = float(value)
                return dataclasses.replace(
                    spec, threshold=round(shown / threshold_scale(spec, custom), 10)
                )
            if column == self.WINDOW:
                return dataclasses.replace(spec, window=int(value))
            if column == self.ROI:
                roi = float(value) if value not in (None, "") else 0.0
                return dataclasses.replace(
                    spec,
                    conditions=dataclasses.replace(
                        spec.conditions, roi_min=roi if roi > 0 else None
                    ),
                )
            if column == self.RESULT:
                return dataclasses.replace(
                    spec,
                    conditions=dataclasses.replace(
                        spec.conditions, require_success=str(value) != "any"
                    ),
                )
            if column == self.TEAM:
                team = int(value) if value not in (None, "") else 0
                return dataclasses.replace(
                    spec,
                    conditions=dataclasses.replace(
                        spec.conditions, team_min=team if team > 0 else None
                    ),
                )
        except (TypeError, ValueError):
            return None
        return None

    def _with_subject(self, spec: CriterionSpec, code: str) -> CriterionSpec:
        if spec.kind == "count":
            return dataclasses.replace(spec, achievement_type=code or None)
        if spec.kind == "score":
            return dataclasses.replace(spec, score_part=code or "total")
        found = mx.metric(code, self.vm.custom)
        old = mx.metric(spec.metric or "", self.vm.custom)
        changed = dataclasses.replace(spec, metric=code or None)
        if found is not None and old is not None and found.unit != old.unit:
            # 15 (%) typed for a rate would mean ¥0.15 for money: start the number afresh
            changed = dataclasses.replace(changed, threshold=0.0)
        if found is not None and spec.comparator in (">=", ">", "<=", "<"):
            lower_better = found.direction == "lower" and spec.kind != "change"
            if lower_better and spec.comparator in (">=", ">"):
                changed = dataclasses.replace(changed, comparator="<=")
            elif not lower_better and old is not None and old.direction == "lower":
                changed = dataclasses.replace(changed, comparator=">=")
        return changed

    # --- rows -------------------------------------------------------------------------------

    def add_rule(self, kind: str = "each_month") -> int:
        """Append a rule (not yet valid: its metric is still to be chosen); returns its row."""
        if not self._transition_id:
            return -1
        blank = with_kind(CriterionSpec(kind="tenure"), kind)
        if kind == "each_month":
            blank = CriterionSpec(kind="each_month", metric=None, threshold=0.0, window=3)
        self.vm.set_criteria(self._transition_id, (*self._criteria, blank))
        return len(self._criteria) - 1

    def remove_rule(self, row: int) -> None:
        if 0 <= row < len(self._criteria):
            criteria = self._criteria[:row] + self._criteria[row + 1 :]
            self.vm.set_criteria(self._transition_id, criteria)

    def move_rule(self, row: int, step: int) -> None:
        target = row + step
        if 0 <= row < len(self._criteria) and 0 <= target < len(self._criteria):
            criteria = list(self._criteria)
            criteria[row], criteria[target] = criteria[target], criteria[row]
            self.vm.set_criteria(self._transition_id, tuple(criteria))
