"""The 基本信息 tab: the employee's own fields bound to the form viewmodel, with each field's message under it."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.viewmodels.employees_form_vm import EmployeeFormViewModel
from desktop.viewmodels.pinyin_filter import NAME_ROLE, NUMBER_ROLE, PinyinFilterModel
from desktop.views.focus import TextBox

ERROR_STYLE = "color: #c0392b;"


def _qdate(value: date | None) -> QDate:
    day = value or date.today()
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class BasicInfoForm(QScrollArea):
    """Widgets for every EmployeeInput field; edits go to the viewmodel, its changes come back here."""

    def __init__(self, vm: EmployeeFormViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self._updating = False
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Tab goes from the list straight to 工号 (this panel showed no mark of having the
        # keyboard); it scrolls to whichever field has it
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = QWidget()
        self.setWidget(body)
        outer = QVBoxLayout(body)
        self.layout_ = QFormLayout()
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(self.layout_)
        self.errors: dict[str, QLabel] = {}
        self.widgets: dict[str, QWidget] = {}

        self.no = self._line("no", tr("工号") + " *", "E001")
        self.name = self._line("name", tr("姓名") + " *", "")
        self.gender = QComboBox()
        self.gender.addItem("", None)
        self.gender.addItem(tr("男"), "男")
        self.gender.addItem(tr("女"), "女")
        self.gender.currentIndexChanged.connect(
            lambda _: self._edit("gender", self.gender.currentData())
        )
        self._add("gender", tr("性别"), self.gender)
        self.phone = self._line("phone", tr("手机号"), "13800000001")
        self.id_number = self._line("id_number", tr("身份证号"), tr("18位，校验位自动核对"))
        self.hire_date = QDateEdit()
        self.hire_date.setCalendarPopup(True)
        self.hire_date.setDisplayFormat("yyyy-MM-dd")
        self.hire_date.dateChanged.connect(lambda d: self._edit("hire_date", _pydate(d)))
        self._add("hire_date", tr("入职日期") + " *", self.hire_date)
        self.leave = QLabel()
        self._add("leave_date", tr("离职"), self.leave)
        self.department = QComboBox()
        self.department.setEditable(True)
        department_line = self.department.lineEdit()
        assert department_line is not None
        department_line.textEdited.connect(lambda t: self._edit("department", t))
        self.department.activated.connect(
            lambda _: self._edit("department", self.department.currentText())
        )
        self._add("department", tr("部门"), self.department)
        self.track = QComboBox()
        self.track.currentIndexChanged.connect(self.on_track_changed)
        self._add("track_id", tr("通道"), self.track)
        self.level = QComboBox()
        self.level.currentIndexChanged.connect(
            lambda _: self._edit("level_id", self.level.currentData())
        )
        self._add("level_id", tr("职级"), self.level)
        self.supervisor = QComboBox()
        self.supervisor.setEditable(True)
        self.supervisor.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # typed: whom the employee list's search would find (pinyin.finds)
        completer = QCompleter(self.supervisor)
        self.supervisor_matches = PinyinFilterModel(completer)
        self.supervisor_matches.setSourceModel(self.supervisor.model())
        completer.setModel(self.supervisor_matches)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.supervisor.setCompleter(completer)
        supervisor_line = self.supervisor.lineEdit()
        assert supervisor_line is not None
        supervisor_line.textEdited.connect(self.supervisor_matches.set_search)
        self.supervisor.currentIndexChanged.connect(
            lambda _: self._edit("supervisor_id", self.supervisor.currentData())
        )
        self._add("supervisor_id", tr("直属上级"), self.supervisor)
        self.salary = QSpinBox()
        self.salary.setRange(0, 10_000_000)
        self.salary.setSingleStep(500)
        self.salary.setSpecialValueText(tr("未填写"))
        self.salary.setSuffix(tr(" 元/月"))
        self.salary.valueChanged.connect(lambda v: self._edit("salary", v or None))
        self._add("salary", tr("月薪"), self.salary)

        self.change_box = QGroupBox(tr("职级/薪资变动"))
        change_form = QFormLayout(self.change_box)
        self.change_date = QDateEdit()
        self.change_date.setCalendarPopup(True)
        self.change_date.setDisplayFormat("yyyy-MM-dd")
        self.change_date.dateChanged.connect(lambda d: self._edit("change_date", _pydate(d)))
        self.change_reason = QLineEdit()
        self.change_reason.setPlaceholderText(tr("例如：晋升、调薪、转岗"))
        self.change_reason.textEdited.connect(lambda t: self._edit("change_reason", t))
        change_form.addRow(tr("生效日期"), self.change_date)
        change_form.addRow(tr("变动原因"), self.change_reason)
        outer.addWidget(self.change_box)

        self.notes = TextBox()
        self.notes.setFixedHeight(70)
        self.notes.textChanged.connect(lambda: self._edit("notes", self.notes.toPlainText()))
        self._add("notes", tr("备注"), self.notes)
        self.privacy = QLabel(tr("身份证号、手机号和月薪已隐藏：当前角色无权查看个人信息。"))
        self.privacy.setWordWrap(True)
        self.privacy.setStyleSheet("color: #7f8c8d;")
        outer.addWidget(self.privacy)
        outer.addStretch(1)

        vm.loaded.connect(self.on_vm_loaded)
        vm.field_changed.connect(self.on_vm_field_changed)
        vm.errors_changed.connect(self.on_vm_errors_changed)

    # --- building ------------------------------------------------------------------------------

    def _line(self, name: str, label: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.textEdited.connect(lambda t: self._edit(name, t))
        self._add(name, label, edit)
        return edit

    def _add(self, name: str, label: str, widget: QWidget) -> None:
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = QLabel()
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        column.addWidget(error)
        self.errors[name] = error
        self.widgets[name] = widget
        self.layout_.addRow(label, holder)

    def _edit(self, name: str, value: Any) -> None:
        if not self._updating:
            self.vm.set_field(name, value)
            self._show_change_box()

    # --- from the viewmodel --------------------------------------------------------------------

    def on_vm_loaded(self) -> None:
        self._updating = True
        try:
            self.track.clear()
            self.track.addItem("", None)
            self._tracks = self.vm.track_choices()
            for t in self._tracks:
                self.track.addItem(t.name, t.id)
            self.supervisor.clear()
            self.supervisor.addItem("", None)
            for p in self.vm.supervisor_choices():
                self.supervisor.addItem(
                    f"{p.no} {p.name}" + ("" if p.active else tr("（离职）")), p.id
                )
                last = self.supervisor.count() - 1
                self.supervisor.setItemData(last, p.no, NUMBER_ROLE)  # what the picker searches
                self.supervisor.setItemData(last, p.name, NAME_ROLE)
            self.department.clear()
            self.department.addItems(self.vm.departments())
            for name in (
                "no", "name", "gender", "phone", "id_number", "hire_date", "leave_date",
                "department", "track_id", "level_id", "supervisor_id", "salary", "notes",
                "change_date", "change_reason",
            ):  # fmt: skip
                self._show(name)
            detail = self.vm.detail
            personal = detail is None or detail.personal_visible
            self.privacy.setVisible(not personal)
            editable = self.vm.can_edit
            for name, widget in self.widgets.items():
                widget.setEnabled(
                    editable and (personal or name not in ("phone", "id_number", "salary"))
                )
            self.change_box.setEnabled(editable)
        finally:
            self._updating = False
        self._show_change_box()

    def on_vm_field_changed(self, name: str) -> None:
        self._updating = True
        try:
            self._show(name)
        finally:
            self._updating = False
        self._show_change_box()

    def on_vm_errors_changed(self) -> None:
        for name, label in self.errors.items():
            text = self.vm.error(name)
            label.setText(text)
            label.setVisible(bool(text))
        for name in ("change_date", "change_reason"):
            if self.vm.error(name):
                self.errors["notes"].setText(self.vm.error(name))

    def _show(self, name: str) -> None:
        value = self.vm.value(name)
        if name in ("no", "name", "phone", "id_number"):
            edit: QLineEdit = getattr(self, name)
            if edit.text() != (value or ""):
                edit.setText(value or "")
        elif name == "gender":
            self.gender.setCurrentIndex(max(0, self.gender.findData(value)))
        elif name == "hire_date":
            self.hire_date.setDate(_qdate(value))
        elif name == "leave_date":
            reason = self.vm.value("leave_reason")
            self.leave.setText(
                tr("在职") if value is None else f"{value.isoformat()}  {reason or ''}".strip()
            )
        elif name == "department":
            if self.department.currentText() != (value or ""):
                self.department.setEditText(value or "")
        elif name == "track_id":
            self.track.setCurrentIndex(max(0, self.track.findData(value)))
            self._fill_levels()
        elif name == "level_id":
            self._fill_levels()
        elif name == "supervisor_id":
            self.supervisor.setCurrentIndex(max(0, self.supervisor.findData(value)))
        elif name == "salary":
            self.salary.setValue(value or 0)
        elif name == "notes":
            if self.notes.toPlainText() != (value or ""):
                self.notes.setPlainText(value or "")
        elif name == "change_date":
            self.change_date.setDate(_qdate(value))
        elif name == "change_reason":
            self.change_reason.setText(value or "")

    def _fill_levels(self) -> None:
        track_id = self.vm.value("track_id")
        self.level.clear()
        self.level.addItem("", None)
        for t in getattr(self, "_tracks", []):
            if track_id is None or t.id == track_id:
                for lv in t.levels:
                    self.level.addItem(
                        lv.title if track_id is not None else f"{t.name} / {lv.title}", lv.id
                    )
        self.level.setCurrentIndex(max(0, self.level.findData(self.vm.value("level_id"))))

    def on_track_changed(self, _index: int) -> None:
        if self._updating:
            return
        track_id = self.track.currentData()
        self.vm.set_field("track_id", track_id)
        level_id = self.vm.value("level_id")
        if level_id is not None and track_id is not None:
            tracks = {t.id: t for t in getattr(self, "_tracks", [])}
            if level_id not in {lv.id for lv in tracks[track_id].levels}:
                self.vm.set_field("level_id", None)
        self._updating = True
        try:
            self._fill_levels()
        finally:
            self._updating = False

    def _show_change_box(self) -> None:
        detail = self.vm.detail
        changed = detail is not None and (
            self.vm.value("level_id") != detail.level_id or self.vm.value("salary") != detail.salary
        )
        self.change_box.setVisible(changed)
