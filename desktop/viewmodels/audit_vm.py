"""设置 → 审计日志 (owner): who did what when, filtered by person, kind of object and date;
exported through the same formula-safe service as ``tidui-cli export --what audit``.

Every saved change writes an entry, so the list goes stale whenever a page announces one
(``data_changed``). It is read again at once while the tab is in view, else the next time it
comes into view (``set_shown``): a hidden tab costs nothing however much the office saves."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Signal,
    Slot,
)

from core.errors import TiduiError
from core.i18n import render
from core.permissions import Perm
from core.services.admin import audit, signatures
from core.services.admin.audit import AuditFilter, AuditRow
from core.services.admin.audit_text import AuditNames, change_parts, entity_id_text
from desktop.i18n import listed, tr
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.viewmodels.table_model import Column, RecordTableModel

Index = QModelIndex | QPersistentModelIndex
# The viewer shows at most this many of the newest matching entries (the export has them all).
SHOWN = 2000


def _change_text(row: AuditRow) -> str:
    """before → after as stored (the JSON the export and ``tidui-cli`` give), on one line."""
    parts = []
    if row.before:
        parts.append(json.dumps(row.before, ensure_ascii=False))
    if row.after:
        parts.append(json.dumps(row.after, ensure_ascii=False))
    return " → ".join(parts)


def _shortened(text: str) -> str:
    return text[:160] + "…" if len(text) > 160 else text


def _state_words() -> dict[str, tuple[str, str, str | None]]:
    """A signature state → (cell, tooltip, colour)."""
    return {
        signatures.SIGNED: (tr("本人签署"), tr("由操作人本人的签名密钥签署，签名有效"), None),
        signatures.PRE_SIGNING: (
            tr("早于签名"),
            tr("这条记录写于 Tidui 开始给审计记录签名之前，没有签名（不是篡改）"),
            "#888888",
        ),
        signatures.SYSTEM: (tr("系统"), tr("由 Tidui 自己写入，不属于任何账号"), "#888888"),
        signatures.NOT_SIGNED: (
            tr("⚠ 非本人签署"),
            tr("签名与操作人公布的密钥不符：这条记录不是操作人本人写入的，可能被改动或伪造"),
            "#c0392b",
        ),
    }


def _plain_parts(row: AuditRow) -> list[str]:
    return change_parts(row.before, row.after, row.entity)


def audit_columns(
    states: dict[int, str] | None = None,
    parts: Callable[[AuditRow], list[str]] = _plain_parts,
) -> list[Column[AuditRow]]:
    """时间, 操作人, 操作, 对象, 编号, 签名 (whether the author signed it, from ``states``: entry
    id → state), 内容 (the change in words from ``parts``, cut at 160 characters; in the tooltip
    whole, a field a line, above the JSON as stored)."""
    known = states if states is not None else {}
    words = _state_words()

    def summary(row: AuditRow) -> str:
        return listed(parts(row), "；")

    def whole(row: AuditRow) -> str:
        lines = "\n".join(parts(row))
        raw = _change_text(row)
        return f"{lines}\n\n{raw}" if lines and raw else lines or raw

    def said(row: AuditRow, part: int) -> str:
        state = known.get(row.id)
        found = words.get(state) if state is not None else None
        return (found[part] or "") if found is not None else ""

    return [
        Column(tr("时间"), lambda r: r.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")),
        Column(tr("操作人"), lambda r: r.actor),
        # in words; the code (the log's and the export's) under the mouse
        Column(tr("操作"), lambda r: audit.action_label(r.action), tooltip=lambda r: r.action),
        Column(tr("对象"), lambda r: audit.entity_label(r.entity)),
        # a setting by its name (接近达标范围); its key under the mouse
        Column(
            tr("编号"),
            lambda r: entity_id_text(r.entity, r.entity_id),
            tooltip=lambda r: r.entity_id or "",
        ),
        Column(
            tr("签名"),
            lambda r: said(r, 0),
            colour=lambda r: said(r, 2) or None,
            tooltip=lambda r: said(r, 1),
        ),
        Column(tr("内容"), lambda r: _shortened(summary(r)), tooltip=whole),
    ]


class AuditViewModel(QObject):
    changed = Signal()
    error_raised = Signal(str)
    info = Signal(str)

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        # entry id → signature state, worked out again only when the log has grown
        self.states: dict[int, str] = {}
        self._states_for: tuple[int, int] | None = None
        # ids in the entries → names, and each shown entry's change in words (both renewed by refresh)
        self.names = AuditNames()
        self._parts: dict[int, list[str]] = {}
        self.table: RecordTableModel[AuditRow] = RecordTableModel(
            audit_columns(self.states, self.change_parts), self
        )
        self.where = AuditFilter()
        self.actors: list[str] = []
        self.entities: list[str] = []
        self.truncated = False
        # read at the first showing, not when 设置 is built at log-in; again after a change
        self.shown = False
        self.stale = True
        self._loaded_head: tuple[int, int] | None = None
        session_vm.data_changed.connect(self.on_session_data_changed)

    @property
    def allowed(self) -> bool:
        return self.session_vm.can(Perm.VIEW_AUDIT)

    def entity_label(self, entity: str) -> str:
        return audit.entity_label(entity)

    def change_parts(self, row: AuditRow) -> list[str]:
        """The entry's change in words, a field each (状态：审批中 → 退回补充), ids by name."""
        found = self._parts.get(row.id)
        if found is None:
            found = self._parts[row.id] = change_parts(
                row.before, row.after, row.entity, names=self.names
            )
        return found

    def set_shown(self, shown: bool) -> None:
        """The tab came into view (or left it): read the log again if it changed meanwhile,
        announced or not (an entry written by ``tidui-cli`` or a page that did not say)."""
        self.shown = shown
        if not shown or not self.allowed:
            return
        if not self.stale:
            try:
                self.stale = audit.log_head(self.session_vm.app) != self._loaded_head
            except TiduiError:
                self.stale = True
        if self.stale:
            self.refresh()

    @Slot(str)
    def on_session_data_changed(self, area: str) -> None:
        del area  # whatever was saved wrote an entry
        self.stale = True
        if self.shown and self.allowed:
            self.refresh()

    def row_of(self, entry_id: int) -> int | None:
        """Where the entry is in the list now (None: not among the shown ones)."""
        return next((r for r, row in enumerate(self.table.rows) if row.id == entry_id), None)

    def refresh(self) -> None:
        try:
            self.actors, self.entities = audit.filter_choices(self.session_vm.app)
            rows = audit.list_entries(self.session_vm.app, self.where, limit=SHOWN + 1)
            self.names = audit.reference_names(self.session_vm.app)
            self._update_states()
        except TiduiError as err:
            self.error_raised.emit(err.text())
            return
        self.stale = False
        self.truncated = len(rows) > SHOWN
        self._parts.clear()
        self.table.set_rows(rows[:SHOWN])
        self.changed.emit()

    def _update_states(self) -> None:
        app = self.session_vm.app
        head = audit.log_head(app)
        if head != self._states_for:
            self.states.clear()
            self.states.update(signatures.entry_states(app))
            self._states_for = head
        self._loaded_head = head

    def set_filter(
        self,
        actor: str | None = None,
        entity: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> None:
        self.where = AuditFilter(actor or None, entity or None, since, until)
        self.refresh()

    def summary(self) -> str:
        shown = self.table.rowCount()
        if self.truncated:
            return tr("显示最新的 {n} 条（导出包含全部符合条件的记录）").format(n=shown)
        return tr("共 {n} 条", n=shown)

    def export(self, target: Path) -> bool:
        from core.services.promotion.exports import export_audit

        try:
            count = export_audit(self.session_vm.app, Path(target), self.where)
        except TiduiError as err:
            self.error_raised.emit(err.text())
            return False
        self.info.emit(render("case.cli.exported", {"count": count, "file": str(target)}))
        return True
