"""The ladder designer's state: the design being edited, the selection, undo/redo, saving.

Every edit replaces the whole (immutable) design with a new one through a QUndoCommand that
remembers both, so undo and redo are exact and cheap. Nothing reaches the file until ``save``,
which writes everything in one audited transaction; after a save the undo history is kept by
renaming the temporary ids in it to the ids the file gave them.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QUndoCommand, QUndoStack

from core.domain import explain as ex
from core.domain import ladder_design, rules, scoring
from core.domain import metrics as mx
from core.domain.ladder_design import (
    CustomMetricSpec,
    EvaluationTemplateSpec,
    LadderDesign,
    LevelSpec,
    Problem,
    TrackSpec,
    TransitionSpec,
)
from core.errors import TiduiError
from core.permissions import Perm
from core.services.ladder import io as ladder_io
from core.services.ladder import saving as ladder
from core.services.promotion import cases
from desktop.i18n import listed, tr
from desktop.viewmodels.promotion_case_vm import number
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel

TRACK, LEVEL, TRANSITION = "track", "level", "transition"


@dataclasses.dataclass(frozen=True)
class Selection:
    kind: str | None = None  # track | level | transition
    id: int = 0


@dataclasses.dataclass(frozen=True)
class PathTargets:
    """What the 新建路径 picker offers: (level id, "通道/职级") choices and the one preselected."""

    choices: tuple[tuple[int, str], ...] = ()
    default: int = 0


class DesignEdit(QUndoCommand):
    """One edit of the design: going from ``before`` to ``after`` and back."""

    def __init__(
        self, vm: LadderViewModel, text: str, before: LadderDesign, after: LadderDesign
    ) -> None:
        super().__init__(text)
        self.vm, self.before, self.after = vm, before, after
        self.select_after: Selection | None = None

    def redo(self) -> None:
        self.vm._show(self.after, self.select_after)

    def undo(self) -> None:
        self.vm._show(self.before, None)

    def rename_ids(self, ids: dict[int, int]) -> None:
        self.before = self.before.with_ids(ids)
        self.after = self.after.with_ids(ids)
        if self.select_after is not None:
            self.select_after = Selection(
                self.select_after.kind, ids.get(self.select_after.id, self.select_after.id)
            )


class LadderViewModel(QObject):
    design_changed = Signal()  # anything in the design (redraw the graph, refresh forms)
    selection_changed = Signal()
    dirty_changed = Signal(bool)  # unsaved changes exist
    saved = Signal(str)  # a message for the status line
    failed = Signal(str)  # a message for a message box

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.undo_stack = QUndoStack(self)
        self._saved = ladder.load_design(session_vm.app)
        self._design = self._saved
        self._selection = Selection()
        self._problems: list[Problem] | None = None
        self._dirty = False
        self._saving = False
        self.show_archived = False
        session_vm.data_changed.connect(self.on_session_data_changed)

    # --- state -------------------------------------------------------------------------------

    @property
    def design(self) -> LadderDesign:
        return self._design

    @property
    def can_edit(self) -> bool:
        return self.session_vm.can(Perm.EDIT_LADDER)

    @property
    def dirty(self) -> bool:
        return self._dirty

    @property
    def selection(self) -> Selection:
        return self._selection

    @property
    def custom(self) -> dict[str, mx.Metric]:
        return self._design.custom()

    def problems(self) -> list[Problem]:
        if self._problems is None:
            self._problems = ladder_design.validate_design(self._design)
        return self._problems

    def problems_of(self, entity: str, entity_id: int | str) -> list[Problem]:
        return [p for p in self.problems() if p.entity == entity and p.entity_id == entity_id]

    def criterion_problems(self, transition_id: int, row: int) -> list[str]:
        return [p.text() for p in self.problems_of(TRANSITION, transition_id) if p.criterion == row]

    def selected_track(self) -> TrackSpec | None:
        if self._selection.kind == TRACK:
            return self._design.track(self._selection.id)
        level = self.selected_level()
        return self._design.track(level.track_id) if level else None

    def selected_level(self) -> LevelSpec | None:
        if self._selection.kind != LEVEL:
            return None
        return self._design.level(self._selection.id)

    def selected_transition(self) -> TransitionSpec | None:
        if self._selection.kind != TRANSITION:
            return None
        return self._design.transition(self._selection.id)

    def visible_tracks(self) -> list[TrackSpec]:
        return [t for t in self._design.sorted_tracks() if self.show_archived or not t.archived]

    def sentence(self, spec: rules.CriterionSpec) -> str:
        """The rule as the employee will read it."""
        return ex.describe(spec, None, self.custom)

    def level_label(self, level_id: int) -> str:
        return self._design.level_label(level_id)

    # --- selection ---------------------------------------------------------------------------

    def select(self, kind: str | None, entity_id: int = 0) -> None:
        selection = Selection(kind, entity_id)
        if selection != self._selection:
            self._selection = selection
            self.selection_changed.emit()

    # --- applying edits ----------------------------------------------------------------------

    def _show(self, design: LadderDesign, select: Selection | None) -> None:
        """Make ``design`` current (called by undo commands)."""
        self._design = design
        self._problems = None
        if select is not None:
            self._selection = select
        elif not self._exists(self._selection):
            self._selection = Selection()
        dirty = design != self._saved
        self.design_changed.emit()
        self.selection_changed.emit()
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    def _exists(self, selection: Selection) -> bool:
        if selection.kind == TRACK:
            return self._design.track(selection.id) is not None
        if selection.kind == LEVEL:
            return self._design.level(selection.id) is not None
        if selection.kind == TRANSITION:
            return self._design.transition(selection.id) is not None
        return True

    def _edit(self, text: str, after: LadderDesign, select: Selection | None = None) -> bool:
        if not self.can_edit:
            self.failed.emit(tr("你的角色只能查看晋升通道，不能修改。"))
            return False
        if after == self._design:
            return False
        command = DesignEdit(self, text, self._design, after)
        command.select_after = select
        self.undo_stack.push(command)  # runs redo()
        return True

    # --- tracks ------------------------------------------------------------------------------

    def add_track(self, name: str = "") -> int:
        design = self._design
        name = name.strip() or self._free_name(tr("新通道"), {t.name for t in design.tracks})
        order = max((t.sort_order for t in design.tracks), default=-1) + 1
        track = TrackSpec(design.new_id(), name, sort_order=order)
        self._edit(tr("新建通道"), design.put_track(track), Selection(TRACK, track.id))
        return track.id

    def update_track(self, spec: TrackSpec) -> None:
        self._edit(tr("修改通道"), self._design.put_track(spec))

    def move_track(self, track_id: int, step: int) -> None:
        """Move a track left (-1) or right (+1) among the tracks."""
        tracks = self._design.sorted_tracks()
        index = next((i for i, t in enumerate(tracks) if t.id == track_id), None)
        if index is None or not 0 <= index + step < len(tracks):
            return
        tracks[index], tracks[index + step] = tracks[index + step], tracks[index]
        design = self._design
        for order, track in enumerate(tracks):
            if track.sort_order != order:
                design = design.put_track(dataclasses.replace(track, sort_order=order))
        self._edit(tr("调整通道顺序"), design)

    def set_track_archived(self, track_id: int, archived: bool) -> None:
        track = self._design.track(track_id)
        if track is not None:
            text = tr("归档通道") if archived else tr("恢复通道")
            self._edit(text, self._design.put_track(dataclasses.replace(track, archived=archived)))

    def delete_track(self, track_id: int) -> None:
        self._edit(tr("删除通道"), self._design.without_track(track_id), Selection())

    # --- levels ------------------------------------------------------------------------------

    def add_level(self, track_id: int, title: str = "", rank: int | None = None) -> int:
        design = self._design
        if design.track(track_id) is None:
            return 0
        levels = design.levels_of(track_id)
        title = title.strip() or self._free_name(tr("新职级"), {lv.title for lv in levels})
        rank = rank if rank is not None else max((lv.rank for lv in levels), default=0) + 1
        level = LevelSpec(design.new_id(), track_id, title, rank=rank)
        self._edit(tr("新建职级"), design.put_level(level), Selection(LEVEL, level.id))
        return level.id

    def update_level(self, spec: LevelSpec) -> None:
        self._edit(tr("修改职级"), self._design.put_level(spec))

    def delete_level(self, level_id: int) -> None:
        self._edit(tr("删除职级"), self._design.without_level(level_id), Selection())

    # --- transitions -------------------------------------------------------------------------

    def path_targets(self, from_level_id: int) -> PathTargets:
        """The levels a new path from ``from_level_id`` can lead to, most likely first, which the
        picker preselects: the next level up its own track, the same rank in the other tracks (a
        transfer), the higher ranks (own track first), then the lower ones, nearest first. Only
        levels shown in the picture, never the level itself nor one it already has a path to
        (drawing that again would only select the path)."""
        design = self._design
        source = design.level(from_level_id)
        if source is None:
            return PathTargets()
        order = {track.id: n for n, track in enumerate(self.visible_tracks())}
        shown = [
            level
            for track_id in order
            for level in design.levels_of(track_id)
            if self.show_archived or not level.archived
        ]
        above = [
            lv.rank for lv in shown if lv.track_id == source.track_id and lv.rank > source.rank
        ]
        next_rank = min(above, default=None)

        def likely(level: LevelSpec) -> tuple[int, int, bool, int]:
            other = level.track_id != source.track_id
            if level.rank > source.rank:
                group = 2 if other or level.rank != next_rank else 0
                return group, level.rank, other, order[level.track_id]
            if level.rank == source.rank:
                return 1, 0, other, order[level.track_id]
            return (3 if other else 4), -level.rank, other, order[level.track_id]

        offered = [
            lv
            for lv in shown
            if lv.id != from_level_id and design.find_transition(from_level_id, lv.id) is None
        ]
        ranked = sorted(offered, key=likely)  # stable: ties keep the picture's order
        return PathTargets(tuple((lv.id, design.level_label(lv.id)) for lv in ranked))

    def connect_levels(self, from_level_id: int, to_level_id: int) -> int:
        """A new path between two levels (or the existing one, selected); returns its id."""
        design = self._design
        source, target = design.level(from_level_id), design.level(to_level_id)
        if source is None or target is None or from_level_id == to_level_id:
            return 0
        existing = design.find_transition(from_level_id, to_level_id)
        if existing is not None:
            self.select(TRANSITION, existing.id)
            return existing.id
        vertical = source.track_id == target.track_id or target.rank > source.rank
        kind = "promotion" if vertical else "transfer"
        template = design.default_template()
        if template is None and kind == "promotion":
            # a promotion is evaluated 60/20/20 unless the owner says otherwise
            template = EvaluationTemplateSpec(design.new_id(), scoring.DEFAULT_TEMPLATE, True)
            design = design.put_template(template)
        path = TransitionSpec(
            design.new_id(),
            from_level_id,
            to_level_id,
            kind=kind,
            evaluation_template_id=template.id if template and kind == "promotion" else None,
        )
        self._edit(tr("新建路径"), design.put_transition(path), Selection(TRANSITION, path.id))
        return path.id

    def update_transition(self, spec: TransitionSpec) -> None:
        self._edit(tr("修改路径"), self._design.put_transition(spec))

    def delete_transition(self, transition_id: int) -> None:
        self._edit(tr("删除路径"), self._design.without_transition(transition_id), Selection())

    def set_criteria(self, transition_id: int, criteria: tuple[rules.CriterionSpec, ...]) -> None:
        path = self._design.transition(transition_id)
        if path is not None:
            changed = dataclasses.replace(path, criteria=criteria)
            self._edit(tr("修改晋升条件"), self._design.put_transition(changed))

    # --- evaluation templates and custom metrics ---------------------------------------------

    def add_template(self, name: str = "") -> int:
        design = self._design
        name = name.strip() or self._free_name(tr("评估模板"), {t.name for t in design.templates})
        template = dataclasses.replace(scoring.DEFAULT_TEMPLATE, name=name)
        spec = EvaluationTemplateSpec(design.new_id(), template, is_default=not design.templates)
        self._edit(tr("新建评估模板"), design.put_template(spec))
        return spec.id

    def update_template(self, spec: EvaluationTemplateSpec) -> None:
        self._edit(tr("修改评估模板"), self._design.put_template(spec))

    def delete_template(self, template_id: int) -> None:
        self._edit(tr("删除评估模板"), self._design.without_template(template_id))

    def put_metric(self, spec: CustomMetricSpec, old_code: str | None = None) -> None:
        design = self._design
        if old_code and old_code != spec.code:
            design = design.without_metric(old_code)
        self._edit(tr("修改自定义指标"), design.put_metric(spec))

    def delete_metric(self, code: str) -> None:
        self._edit(tr("删除自定义指标"), self._design.without_metric(code))

    # --- deleting with care ------------------------------------------------------------------

    def delete_warning(self, kind: str, entity_id: int) -> str:
        """What the confirmation should say before deleting (history is archived, not lost)."""
        refs = ladder.references(self.session_vm.app, kind, entity_id)
        name = self._name_of(kind, entity_id)
        if refs.active_employees:
            return tr(
                "“{name}”还有{n}名在职员工，保存时会被拒绝；请先调整他们的职级。",
                name=name,
                n=refs.active_employees,
            )
        if refs.history:
            return tr(
                "“{name}”已被{n}条历史记录引用（已离职员工、晋升记录等），保存后会归档而不是删除，历史记录保持不变。",
                name=name,
                n=refs.history,
            )
        if kind == LEVEL:
            paths = len(self._design.transitions_of(entity_id))
            if paths:
                return tr("删除职级“{name}”，连同进出它的{n}条路径？", name=name, n=paths)
        if kind == TRACK:
            levels = len(self._design.levels_of(entity_id))
            if levels:
                return tr("删除通道“{name}”，连同其中的{n}个职级？", name=name, n=levels)
        return tr("删除“{name}”？").format(name=name)

    def delete_selected(self) -> None:
        kind, entity_id = self._selection.kind, self._selection.id
        if kind == TRACK:
            self.delete_track(entity_id)
        elif kind == LEVEL:
            self.delete_level(entity_id)
        elif kind == TRANSITION:
            self.delete_transition(entity_id)

    def _name_of(self, kind: str, entity_id: int) -> str:
        if kind == TRACK:
            track = self._design.track(entity_id)
            return track.name if track else ""
        if kind == LEVEL:
            return self._design.level_label(entity_id)
        path = self._design.transition(entity_id)
        if path is None:
            return ""
        return f"{self.level_label(path.from_level_id)} → {self.level_label(path.to_level_id)}"

    # --- saving ------------------------------------------------------------------------------

    def problem_summary(self) -> str:
        problems = self.problems()
        if not problems:
            return ""
        return tr("有{n}处问题，修正后才能保存：{first}", n=len(problems), first=problems[0].text())

    def rescored_cases(self) -> list[str]:
        """One line per case under approval whose total the unsaved edits would change, e.g.
        "孙悦（E006）运营助理 → 运营专员：91.9 → 89.7"; empty when none (or not savable)."""
        if not self.dirty or self.problems():
            return []
        try:
            found = cases.rescored_by(self.session_vm.app, self._design)
        except TiduiError:
            return []
        return [
            tr("{name}（{no}）{move}：{before} → {after}").format(
                name=r.summary.name,
                no=r.summary.no,
                move=r.summary.label(),
                before=number(r.before),
                after=number(r.after),
            )
            for r in found
        ]

    @Slot()
    def save(self) -> bool:
        """Write the design in one transaction; False (and ``failed``) when it cannot be saved."""
        problems = self.problems()
        if problems:
            self.failed.emit(self.problem_summary())
            return False
        try:
            result = ladder.save_design(self.session_vm.app, self._design)
        except TiduiError as err:
            self.failed.emit(err.text())
            return False
        for index in range(self.undo_stack.count()):
            command = self.undo_stack.command(index)
            if isinstance(command, DesignEdit):
                command.rename_ids(result.ids)
        selection = Selection(
            self._selection.kind, result.ids.get(self._selection.id, self._selection.id)
        )
        self._saved = ladder.load_design(self.session_vm.app)
        self._selection = selection
        self._show(self._saved, selection)
        self.undo_stack.setClean()
        self._announce()
        message = tr("已保存（{n}处修改）", n=result.changes)
        if result.archived:
            message += tr("；已归档：{names}").format(names=listed(result.archived))
        self.saved.emit(message)
        return True

    @Slot()
    def revert(self) -> None:
        """Throw away unsaved edits (undoable like any other edit)."""
        self._edit(tr("放弃未保存的修改"), self._saved)

    def reload(self) -> None:
        self._saved = ladder.load_design(self.session_vm.app)
        self.undo_stack.clear()
        self._show(self._saved, None)

    def _announce(self) -> None:
        """Tell other pages the ladder changed, without reloading ourselves."""
        self._saving = True
        try:
            self.session_vm.notify_changed(ChangeArea.LADDER)
        finally:
            self._saving = False

    @Slot(str)
    def on_session_data_changed(self, area: str) -> None:
        if area == ChangeArea.LADDER and not self._saving and not self._dirty:
            self.reload()

    # --- files -------------------------------------------------------------------------------

    def export_file(self, path: Path) -> bool:
        try:
            ladder_io.export_file(self.session_vm.app, path)
        except TiduiError as err:
            self.failed.emit(err.text())
            return False
        self.saved.emit(tr("已导出到 {file}").format(file=str(path)))
        return True

    def import_file(self, path: Path) -> bool:
        if self._dirty:
            self.failed.emit(tr("请先保存或放弃当前的修改，再导入。"))
            return False
        try:
            summary = ladder_io.import_file(self.session_vm.app, path)
        except TiduiError as err:
            self.failed.emit(err.text())
            return False
        self.reload()
        self._announce()
        self.saved.emit(summary.message().text())
        return True

    # --- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _free_name(base: str, taken: set[str]) -> str:
        if base not in taken:
            return base
        n = 2
        while f"{base}{n}" in taken:
            n += 1
        return f"{base}{n}"
