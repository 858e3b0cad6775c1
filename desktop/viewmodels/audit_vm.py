"""设置 → 审计日志 (owner): who did what when, filtered by person, kind of object and date;
exported through the same formula-safe service as ``tidui-cli export --what audit``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Signal,
)

from core.errors import TiduiError
from core.i18n import render
from core.permissions import Perm
from core.services.admin import audit
from core.services.admin.audit import AuditFilter, AuditRow
from desktop.i18n import tr
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.viewmodels.table_model import Column, RecordTableModel

Index = QModelIndex | QPersistentModelIndex
# The viewer shows at most this many of the newest matching entries (the export has them all).
SHOWN = 2000


def _change_text(row: AuditRow) -> str:
    """before → after, on one line (keys the two share side by side)."""
    parts = []
    if row.before:
        parts.append(json.dumps(row.before, ensure_ascii=False))
    if row.after:
        parts.append(json.dumps(row.after, ensure_ascii=False))
    return " → ".join(parts)


def _shortened(text: str) -> str:
    return text[:160] + "…" if len(text) > 160 else text


def audit_columns() -> list[Column[AuditRow]]:
    """时间, 操作人, 操作, 对象, 编号, 内容 (the change cut at 160 characters, whole in the tooltip)."""
    return [
        Column(tr("时间"), lambda r: r.at.astimezone().strftime("%Y-%m-%d %H:%M:%S")),
        Column(tr("操作人"), lambda r: r.actor),
        Column(tr("操作"), lambda r: r.action),
        Column(tr("对象"), lambda r: audit.entity_label(r.entity)),
        Column(tr("编号"), lambda r: r.entity_id or ""),
        Column(tr("内容"), lambda r: _shortened(_change_text(r)), tooltip=_change_text),
    ]


class AuditViewModel(QObject):
    changed = Signal()
    error_raised = Signal(str)
    info = Signal(str)

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.table: RecordTableModel[AuditRow] = RecordTableModel(audit_columns(), self)
        self.where = AuditFilter()
        self.actors: list[str] = []
        self.entities: list[str] = []
        self.truncated = False

    @property
    def allowed(self) -> bool:
        return self.session_vm.can(Perm.VIEW_AUDIT)

    def entity_label(self, entity: str) -> str:
        return audit.entity_label(entity)

    def refresh(self) -> None:
        try:
            self.actors, self.entities = audit.filter_choices(self.session_vm.app)
            rows = audit.list_entries(self.session_vm.app, self.where, limit=SHOWN + 1)
        except TiduiError as err:
            self.error_raised.emit(err.text())
            return
        self.truncated = len(rows) > SHOWN
        self.table.set_rows(rows[:SHOWN])
        self.changed.emit()

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
        return tr("共 {n} 条").format(n=shown)

    def export(self, target: Path) -> bool:
        from core.services.promotion.exports import export_audit

        try:
            count = export_audit(self.session_vm.app, Path(target), self.where)
        except TiduiError as err:
            self.error_raised.emit(err.text())
            return False
        self.info.emit(render("case.cli.exported", {"count": count, "file": str(target)}))
        return True
