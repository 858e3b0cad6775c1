"""The employee form's state: field values with undo/redo, live validation, save, departure, anonymise.

Every field edit is a QUndoCommand on the form's own stack (consecutive typing in one field merges
into one step), so Ctrl+Z walks back through the edits made since the record was loaded. Saving
is one core call; its field-by-field problems come back as messages next to the fields.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QUndoCommand, QUndoStack

from core.errors import TiduiError
from core.permissions import Perm
from core.services.archive import employees as emps
from core.services.archive.employees import EmployeeDetail, EmployeeInput, FieldIssue
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel

FORM_FIELDS = tuple(f.name for f in fields(EmployeeInput))
_MERGE_ID = 4711


class _SetField(QUndoCommand):
    def __init__(self, form: EmployeeFormViewModel, name: str, old: Any, new: Any) -> None:
        super().__init__(name)
        self.form, self.name, self.old, self.new = form, name, old, new

    def redo(self) -> None:
        self.form._store(self.name, self.new)

    def undo(self) -> None:
        self.form._store(self.name, self.old)

    def id(self) -> int:
        return _MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        # typing in one text field is one undo step, not one per character
        if isinstance(other, _SetField) and other.name == self.name and isinstance(self.new, str):
            self.new = other.new
            # typed back to what it was (the field's own Ctrl+Z, or the text retyped): no
            # edit left, and the stack drops it, so the form is unchanged again, not "*"
            self.setObsolete(self.new == self.old)
            return True
        return False


class EmployeeFormViewModel(QObject):
    loaded = Signal()  # a record (or a blank new one) was loaded: refresh every widget
    field_changed = Signal(str)  # one field's value changed (edit, undo or redo)
    errors_changed = Signal()
    dirty_changed = Signal(bool)
    saved = Signal(int)  # employee id
    failed = Signal(str)  # a message that belongs to no single field

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self.on_undo_stack_clean_changed)
        self._values: dict[str, Any] = asdict(EmployeeInput())
        self._errors: dict[str, str] = {}
        self.employee_id: int | None = None
        self.detail: EmployeeDetail | None = None

    # --- state ---------------------------------------------------------------------------------

    @property
    def can_edit(self) -> bool:
        return self.session_vm.can(Perm.EDIT_EMPLOYEES) and not (
            self.detail and self.detail.anonymised
        )

    @property
    def is_new(self) -> bool:
        return self.employee_id is None

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    def value(self, name: str) -> Any:
        return self._values[name]

    def error(self, name: str) -> str:
        return self._errors.get(name, "")

    @property
    def errors(self) -> dict[str, str]:
        return dict(self._errors)

    # --- loading -------------------------------------------------------------------------------

    def new(self) -> None:
        self.employee_id, self.detail = None, None
        # the next free 工号 proposed (E016 → E017): one thing less to type, never a duplicate
        suggested = emps.next_no(self.session_vm.app) if self.can_edit else None
        self._values = asdict(EmployeeInput(no=suggested or "", hire_date=date.today()))
        self._reset()

    def load(self, employee_id: int) -> None:
        self.detail = emps.get_employee(self.session_vm.app, employee_id)
        self.employee_id = employee_id
        self._values = asdict(self.detail.as_input())
        self._reset()

    def _reset(self) -> None:
        self._errors = {}
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.loaded.emit()
        self.errors_changed.emit()
        self.dirty_changed.emit(False)

    # --- editing -------------------------------------------------------------------------------

    def set_field(self, name: str, value: Any) -> None:
        """An edit by the user: undoable; a value equal to the current one is no edit."""
        if name not in self._values:
            raise KeyError(name)
        if isinstance(value, str) and name not in ("notes",):
            value = value if value.strip() else ("" if name in ("no", "name") else None)
        old = self._values[name]
        if old == value:
            return
        self.undo_stack.push(_SetField(self, name, old, value))

    def _store(self, name: str, value: Any) -> None:
        self._values[name] = value
        if name in self._errors:
            del self._errors[name]
            self.errors_changed.emit()
        self.field_changed.emit(name)

    @Slot(bool)
    def on_undo_stack_clean_changed(self, clean: bool) -> None:
        self.dirty_changed.emit(not clean)

    def as_input(self) -> EmployeeInput:
        return EmployeeInput(**self._values)

    def validate(self) -> bool:
        """Check without saving; field messages appear next to the fields."""
        issues = emps.validate(self.session_vm.app, self.as_input(), self.employee_id)
        self._show(issues)
        return not issues

    def _show(self, issues: list[FieldIssue]) -> None:
        self._errors = {}
        for issue in issues:
            self._errors.setdefault(issue.field, issue.message.text())
        self.errors_changed.emit()

    def save(self) -> bool:
        """Create or update; True when saved (the stack becomes clean), False with messages shown."""
        app = self.session_vm.app
        try:
            if self.employee_id is None:
                new_id = emps.create_employee(app, self.as_input())
            else:
                emps.update_employee(app, self.employee_id, self.as_input())
                new_id = self.employee_id
        except emps.EmployeeInvalid as invalid:
            self._show(invalid.issues)
            return False
        except TiduiError as err:
            self.failed.emit(err.text())
            return False
        self.load(new_id)
        self.session_vm.notify_changed(ChangeArea.EMPLOYEES)
        self.saved.emit(new_id)
        return True

    def revert(self) -> None:
        if self.employee_id is None:
            self.new()
        else:
            self.load(self.employee_id)

    # --- departure and erasure -----------------------------------------------------------------

    def mark_departed(self, leave_date: date, reason: str) -> bool:
        if self.employee_id is None:
            return False
        try:
            emps.mark_departed(self.session_vm.app, self.employee_id, leave_date, reason)
        except TiduiError as err:
            self.failed.emit(err.text())
            return False
        self.load(self.employee_id)
        self.session_vm.notify_changed(ChangeArea.EMPLOYEES)
        return True

    def reinstate(self) -> bool:
        if self.employee_id is None:
            return False
        try:
            emps.reinstate(self.session_vm.app, self.employee_id)
        except TiduiError as err:
            self.failed.emit(err.text())
            return False
        self.load(self.employee_id)
        self.session_vm.notify_changed(ChangeArea.EMPLOYEES)
        return True

    @property
    def can_anonymise(self) -> bool:
        return (
            self.session_vm.can(Perm.ANONYMISE)
            and self.detail is not None
            and not self.detail.active
            and not self.detail.anonymised
        )

    def anonymise(self) -> bool:
        if self.employee_id is None:
            return False
        try:
            emps.anonymise(self.session_vm.app, self.employee_id)
        except TiduiError as err:
            self.failed.emit(err.text())
            return False
        self.load(self.employee_id)
        self.session_vm.notify_changed(ChangeArea.EMPLOYEES)
        return True

    # --- choices for the widgets ---------------------------------------------------------------

    def track_choices(self) -> list[emps.TrackChoice]:
        return emps.ladder_choices(self.session_vm.app)

    def supervisor_choices(self) -> list[emps.PersonChoice]:
        current = self.detail.supervisor_id if self.detail is not None else None
        return [
            p
            for p in emps.supervisor_choices(self.session_vm.app, keep=current)
            if p.id != self.employee_id
        ]

    def departments(self) -> list[str]:
        return emps.departments(self.session_vm.app)
