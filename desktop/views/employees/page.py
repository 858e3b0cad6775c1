"""员工档案: the employee list (search, filters, sort) beside the employee form and its archive tabs."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from core.errors import NotFound, TiduiError
from core.permissions import Perm
from desktop.i18n import bracketed, tr
from desktop.viewmodels import worker
from desktop.viewmodels.archive_vm import ArchiveViewModel
from desktop.viewmodels.employees_form_vm import EmployeeFormViewModel
from desktop.viewmodels.employees_vm import (
    STATUS_ACTIVE,
    STATUS_ALL,
    STATUS_DEPARTED,
    EmployeeListViewModel,
    EmployeeTableModel,
)
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel
from desktop.views import focus, questions
from desktop.views.buttons import menu_button
from desktop.views.employees import tabs
from desktop.views.employees.dialogs import DepartureDialog
from desktop.views.employees.form import BasicInfoForm
from desktop.views.employees.side_tabs import SideTabs
from desktop.views.features import register_all
from desktop.views.files import ask_save_xlsx
from desktop.views.questions import DISCARD, SAVE
from desktop.views.tables import read_only, size_columns
from desktop.views.visibility import hidden_unless


class EmployeesPage(QWidget):
    def __init__(self, session_vm: SessionViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.list_vm = EmployeeListViewModel(session_vm, self)
        self.form_vm = EmployeeFormViewModel(session_vm, self)
        self.archive_vm = ArchiveViewModel(session_vm, self)
        self.destroyed.connect(self.archive_vm.temp_files.cleanup)
        self.dialog: QWidget | None = None
        self._current_id: int | None = None

        self._build_toolbar()
        self._build_filters()
        self.table = QTableView()
        self.table.setModel(self.list_vm.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(EmployeeTableModel.COL_NO, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        read_only(self.table)  # and Tab goes on to the employee's sections
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        # compact enough that every column (and 晋升状态) fits the list's half at 1366×768
        size_columns(
            self.table,
            dict(enumerate((52, 56, 68, 68, 56, 64, 78, 44))),
            cells={EmployeeTableModel.COL_STATUS: (tr("在职"), tr("离职"))},
            padding=12,  # the titles fit as they are; the sort arrow may cover a title's end
        )
        self.table.selectionModel().currentRowChanged.connect(self.on_table_current_changed)
        # Qt greys out the selection of a list without focus (after visiting another page it
        # looked lost): draw it as when focused.
        palette = self.table.palette()
        for role in (QPalette.ColorRole.Highlight, QPalette.ColorRole.HighlightedText):
            palette.setColor(
                QPalette.ColorGroup.Inactive, role, palette.color(QPalette.ColorGroup.Active, role)
            )
        self.table.setPalette(palette)

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 15px; font-weight: bold; padding: 4px 0;")
        self.tabs = SideTabs()  # a QTabWidget whose sections are listed beside it
        self.basic = BasicInfoForm(self.form_vm)
        focus.form_undo_wins(self.basic)
        self.tabs.addTab(self.basic, tr("基本信息"))
        self.builtin = tabs.builtin_tabs(self.archive_vm)
        for title, widget in self.builtin:
            self.tabs.addTab(widget, title)
        self.extra_tabs: list[QWidget] = []
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addWidget(self.title)
        sections = QHBoxLayout()
        sections.setSpacing(4)
        sections.addWidget(self.tabs.side)
        sections.addWidget(self.tabs, 1)
        right_layout.addLayout(sections)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(self.filters)
        left_layout.addWidget(self.table)
        left_layout.addWidget(self.count)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([676, 504])
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumHeight(10)
        self.progress.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        # a supervisor may do none of it: no strip of bare separators above her list
        hidden_unless(
            any(a.isVisible() and not a.isSeparator() for a in self.toolbar.actions()),
            self.toolbar,
        )
        layout.addWidget(self.splitter)
        layout.addWidget(self.progress)

        self.form_vm.loaded.connect(self.on_form_loaded)
        self.form_vm.dirty_changed.connect(self.on_form_dirty_changed)
        self.form_vm.failed.connect(self.on_failed)
        self.form_vm.saved.connect(self.on_form_saved)
        self.archive_vm.failed.connect(self.on_failed)
        self.list_vm.rows_loaded.connect(self.on_rows_loaded)
        session_vm.data_changed.connect(self.on_session_data_changed)
        register_all()  # the tabs and list columns other features add
        for extend in tabs.LIST_EXTENSIONS:
            extend(self)
        self.list_vm.refresh()
        self._fill_filter_choices()
        self.apply_filters()
        if self.list_vm.model.rowCount() > 0:
            self.table.selectRow(0)
        elif self.form_vm.can_edit:
            self.on_new()
        else:
            self.form_vm.new()

    # --- building ------------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(
                f"{text} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
            )
        action.triggered.connect(slot)
        self.addAction(action)
        self.toolbar.addAction(action)
        return action

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        can_edit = self.session_vm.can(Perm.EDIT_EMPLOYEES)
        self.new_action = self._action(tr("新建员工"), self.on_new, QKeySequence.StandardKey.New)
        self.save_action = self._action(tr("保存"), self.on_save, QKeySequence.StandardKey.Save)
        stack = self.form_vm.undo_stack
        self.undo_action = self._action(tr("撤销"), stack.undo, QKeySequence.StandardKey.Undo)
        self.redo_action = self._action(tr("重做"), stack.redo, QKeySequence.StandardKey.Redo)
        focus.redo_also_on_ctrl_y(self.redo_action)
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        stack.canUndoChanged.connect(self.undo_action.setEnabled)
        stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.toolbar.addSeparator()
        self.depart_action = self._action(tr("办理离职"), self.on_depart)
        self.reinstate_action = self._action(tr("恢复在职"), self.on_reinstate)
        self.anonymise_action = self._action(tr("匿名化"), self.on_anonymise)
        self.toolbar.addSeparator()
        self.export_person_action = self._action(
            tr("导出个人档案"), self.on_export_person, "Ctrl+E"
        )
        self.export_roster_action = self._action(tr("导出花名册"), self.on_export_roster)
        menu = QMenu(self)
        for kind, title, file_name in EmployeeListViewModel.template_kinds():
            menu.addAction(tr(title), partial(self.on_download_template, kind, file_name))
        self.templates_button = menu_button(tr("下载导入模板"), menu)
        self.templates_action = self.toolbar.addWidget(self.templates_button)
        for action in (
            self.new_action,
            self.save_action,
            self.depart_action,
            self.reinstate_action,
        ):
            action.setVisible(can_edit)
        can_export = self.session_vm.can(Perm.EXPORT_DATA)
        self.export_person_action.setVisible(can_export)
        self.export_roster_action.setVisible(can_export)
        self.anonymise_action.setVisible(self.session_vm.can(Perm.ANONYMISE))
        self.templates_action.setVisible(self.session_vm.can(Perm.IMPORT_DATA))
        self.undo_action.setVisible(can_edit)
        self.redo_action.setVisible(can_edit)

    def _build_filters(self) -> None:
        self.filters = QVBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("搜索：工号 / 姓名 / 拼音"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.on_search_changed)
        find = QAction(self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(self.search.setFocus)
        self.addAction(find)
        self.track_filter = QComboBox()
        self.level_filter = QComboBox()
        self.status_filter = QComboBox()
        self.status_filter.addItem(tr("在职"), STATUS_ACTIVE)
        self.status_filter.addItem(tr("离职"), STATUS_DEPARTED)
        self.status_filter.addItem(tr("全部"), STATUS_ALL)
        self.supervisor_filter = QComboBox()
        for box in (
            self.track_filter,
            self.level_filter,
            self.status_filter,
            self.supervisor_filter,
        ):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.currentIndexChanged.connect(self.apply_filters)
        self.track_filter.currentIndexChanged.connect(self.on_track_filter_changed)
        self.filters.addWidget(self.search)
        choices = QHBoxLayout()
        for box in (
            self.track_filter,
            self.level_filter,
            self.status_filter,
            self.supervisor_filter,
        ):
            choices.addWidget(box)
        choices.addStretch(1)
        self.filters.addLayout(choices)
        self.count = QLabel()
        self.count.setStyleSheet("color: #7f8c8d;")

    def _fill_filter_choices(self) -> None:
        self._filling = True
        try:
            track = self.track_filter.currentData()
            boss = self.supervisor_filter.currentData()
            self.track_filter.clear()
            self.track_filter.addItem(tr("全部通道"), None)
            self._tracks = self.list_vm.track_choices()
            for t in self._tracks:
                self.track_filter.addItem(t.name, t.id)
            self.track_filter.setCurrentIndex(max(0, self.track_filter.findData(track)))
            self._fill_level_filter()
            self.supervisor_filter.clear()
            self.supervisor_filter.addItem(tr("全部上级"), None)
            for p in self.list_vm.supervisor_choices():
                self.supervisor_filter.addItem(bracketed(p.name, p.no), p.id)
            self.supervisor_filter.setCurrentIndex(max(0, self.supervisor_filter.findData(boss)))
        finally:
            self._filling = False

    def _fill_level_filter(self) -> None:
        level = self.level_filter.currentData()
        track = self.track_filter.currentData()
        self.level_filter.clear()
        self.level_filter.addItem(tr("全部职级"), None)
        for t in getattr(self, "_tracks", []):
            if track is None or t.id == track:
                for lv in t.levels:
                    self.level_filter.addItem(
                        lv.title if track else f"{t.name} / {lv.title}", lv.id
                    )
        self.level_filter.setCurrentIndex(max(0, self.level_filter.findData(level)))

    # --- list ----------------------------------------------------------------------------------

    @Slot()
    def apply_filters(self) -> None:
        if getattr(self, "_filling", False):
            return
        self.list_vm.model.set_filters(
            track_id=self.track_filter.currentData(),
            level_id=self.level_filter.currentData(),
            supervisor_id=self.supervisor_filter.currentData(),
            status=self.status_filter.currentData() or STATUS_ACTIVE,
        )
        self._follow_list()

    def on_track_filter_changed(self, _index: int) -> None:
        if getattr(self, "_filling", False):
            return
        self._filling = True
        try:
            self._fill_level_filter()
        finally:
            self._filling = False
        self.apply_filters()

    def on_search_changed(self, text: str) -> None:
        self.list_vm.model.set_search(text)
        self._follow_list()

    def _follow_list(self) -> None:
        """After the user's own search or filter: when it hides the person in the form, the form
        shows the first person still listed, as long as it holds no unsaved edits (typing a search
        never asks to save). With nobody listed, the form keeps whom it shows."""
        self._reselect()
        model = self.list_vm.model
        if self._current_id is None or self.form_vm.dirty or model.matching == 0:
            return
        if model.row_of(self._current_id) < 0:
            self.table.selectRow(0)

    def on_rows_loaded(self, _total: int) -> None:
        # the list reloads after any change elsewhere: keep the person in the form selected
        self._reselect()

    def _update_count(self) -> None:
        model = self.list_vm.model
        self.count.setText(
            tr("显示 {shown} / 共 {total} 人").format(shown=model.matching, total=model.total)
        )

    def _reselect(self) -> None:
        """Keep the employee in the form selected in the list if they are still listed."""
        self._update_count()
        self._select_current()

    def _select_current(self) -> None:
        """The form's employee selected (and scrolled to) in the list. The list's own handler
        sees the employee already in the form and loads nothing."""
        if self._current_id is None:
            return
        row = self.list_vm.model.row_of(self._current_id)
        if row >= 0:
            index = self.list_vm.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(index)

    def on_table_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if not current.isValid():
            return
        employee_id = current.data(EmployeeTableModel.EmployeeIdRole)
        if employee_id == self._current_id:
            return
        if not self.leave_form():
            # back to the employee still being edited
            self.table.selectionModel().blockSignals(True)
            self.table.selectionModel().setCurrentIndex(
                previous,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.selectionModel().blockSignals(False)
            return
        self.show_employee(employee_id)

    def show_employee(self, employee_id: int) -> None:
        self._current_id = employee_id
        self.form_vm.load(employee_id)
        self.archive_vm.set_employee(employee_id)
        self._rebuild_extra_tabs()
        # opened from elsewhere (the dashboard, a case): the list shows whom the form shows
        self._select_current()

    def _rebuild_extra_tabs(self) -> None:
        for widget in self.extra_tabs:
            self.tabs.removeTab(self.tabs.indexOf(widget))
            widget.deleteLater()
        self.extra_tabs = []
        if self._current_id is None:
            return
        for title, factory in tabs.EXTRA_TABS:
            widget = factory(self.session_vm, self._current_id, self.tabs)
            self.tabs.addTab(widget, tr(title))
            self.extra_tabs.append(widget)

    # --- unsaved changes -----------------------------------------------------------------------

    def ask_unsaved(self) -> str:
        """Save / discard / cancel when leaving an edited employee (tests replace this)."""
        name = self.form_vm.value("name") or tr("新员工")
        return questions.ask_save(
            self, tr("未保存的修改"), tr("“{name}”的修改尚未保存。").replace("{name}", name)
        )

    def leave_form(self) -> bool:
        """True when the form may show something else (saved, discarded, or nothing to save)."""
        if not self.form_vm.dirty:
            return True
        answer = self.ask_unsaved()
        if answer == SAVE:
            return self.form_vm.save()
        if answer == DISCARD:
            self.form_vm.revert()
            return True
        return False

    def can_leave(self) -> bool:
        """For the main window: may the user switch to another page or close the file now?"""
        return self.leave_form()

    # --- toolbar commands ----------------------------------------------------------------------

    def on_new(self) -> None:
        if not self.leave_form():
            return
        self._current_id = None
        self.table.clearSelection()
        self.form_vm.new()
        self.archive_vm.set_employee(None)
        self._rebuild_extra_tabs()
        self.tabs.setCurrentWidget(self.basic)
        self.basic.no.setFocus()
        self.basic.no.selectAll()  # the proposed 工号: typing another replaces it

    def on_save(self) -> None:
        if not self.form_vm.save():
            self.tabs.setCurrentWidget(self.basic)

    @Slot(int)
    def on_form_saved(self, employee_id: int) -> None:
        self._current_id = employee_id
        self.archive_vm.set_employee(employee_id)
        self._rebuild_extra_tabs()
        self._reselect()

    def on_form_loaded(self) -> None:
        detail = self.form_vm.detail
        if detail is None:
            self.title.setText(tr("新建员工"))
        else:
            status = tr("在职") if detail.active else tr("离职")
            level = f" · {detail.track} {detail.level}" if detail.level else ""
            self.title.setText(f"{bracketed(detail.name, detail.no)}{level} · {status}")
        exists = detail is not None
        editable = self.form_vm.can_edit
        self.depart_action.setEnabled(exists and editable and detail is not None and detail.active)
        self.reinstate_action.setEnabled(
            exists and editable and detail is not None and not detail.active
        )
        self.anonymise_action.setEnabled(self.form_vm.can_anonymise)
        self.export_person_action.setEnabled(exists)
        self.save_action.setEnabled(editable)
        for index in range(1, self.tabs.count()):
            self.tabs.setTabEnabled(index, exists)

    def on_form_dirty_changed(self, dirty: bool) -> None:
        title = self.title.text().rstrip(" *")
        self.title.setText(title + (" *" if dirty else ""))

    def on_failed(self, text: str) -> None:
        """Core's message in a box that does not block (the work already stopped cleanly)."""
        self.message = QMessageBox(QMessageBox.Icon.Warning, tr("无法完成"), text, parent=self)
        self.message.open()

    def on_depart(self) -> None:
        detail = self.form_vm.detail
        if detail is None or not self.leave_form():
            return
        self.dialog = DepartureDialog(
            bracketed(detail.name, detail.no), self.form_vm.mark_departed, self
        )
        self.dialog.open()

    def on_reinstate(self) -> None:
        if self.form_vm.detail is not None and tabs.confirm(self, tr("撤销离职，恢复为在职？")):
            self.form_vm.reinstate()

    def on_anonymise(self) -> None:
        detail = self.form_vm.detail
        if detail is None:
            return
        warning = "匿名化将永久删除“{name}”的姓名、性别、手机号、身份证号、备注、附件和收到的评语，只保留工号、日期、职级薪资记录和业绩数据。此操作不能撤销。确定继续？"
        text = tr(warning).replace("{name}", detail.name)
        if tabs.confirm(self, text):
            self.form_vm.anonymise()

    def _run_export(self, fn: object, *args: object) -> worker.Job:
        self.progress.show()
        job = worker.start(fn, *args, parent=self)  # type: ignore[arg-type]
        job.finished.connect(self.progress.hide)
        job.failed.connect(self.on_failed)
        return job

    def on_export_person(self) -> None:
        detail = self.form_vm.detail
        if detail is None:
            return
        path = ask_save_xlsx(self, tr("导出个人档案"), f"{detail.name}_{detail.no}_个人档案.xlsx")
        if path is not None:
            self.export_person(path)

    def export_person(self, path: Path) -> worker.Job | None:
        if self._current_id is None:
            return None
        employee_id = self._current_id
        return self._run_export(lambda _progress: self.list_vm.export_person(employee_id, path))

    def roster_scope(self) -> list[int]:
        """Who 导出花名册 writes: the selected employees when several are selected, else
        everyone the list shows (search and filters applied), in the list's order."""
        model = self.list_vm.model
        selected = self.table.selectionModel().selectedRows()
        if len(selected) > 1:
            rows = sorted(index.row() for index in selected)
            return [r.id for r in (model.row_at(row) for row in rows) if r is not None]
        return model.matching_ids()

    def on_export_roster(self) -> None:
        path = ask_save_xlsx(self, tr("导出花名册"), "员工花名册.xlsx")
        if path is not None:
            self.export_roster(path)

    def export_roster(self, path: Path) -> worker.Job:
        ids = self.roster_scope()
        job = self._run_export(lambda _progress: self.list_vm.export_roster(path, ids))
        job.succeeded.connect(
            lambda count: self.count.setText(
                tr("已导出 {count} 人到 {file}", count=count, file=path.name)
            )
        )
        return job

    def on_download_template(self, kind: str, file_name: str) -> None:
        path = ask_save_xlsx(self, tr("下载导入模板"), file_name)
        if path is not None:
            self.save_template(kind, path)

    def save_template(self, kind: str, path: Path) -> None:
        try:
            self.list_vm.save_template(kind, path)
        except (TiduiError, OSError) as err:
            self.on_failed(err.text() if isinstance(err, TiduiError) else str(err))

    def on_session_data_changed(self, area: str) -> None:
        if area in (ChangeArea.LADDER, ChangeArea.EMPLOYEES, ChangeArea.IMPORTS):
            self._fill_filter_choices()
            self._update_count()
        if (
            area
            in (
                ChangeArea.LADDER,
                ChangeArea.IMPORTS,
                ChangeArea.PROMOTION,
            )  # promotion: a case took effect
            and self._current_id is not None
            and not self.form_vm.dirty
        ):
            try:
                self.show_employee(self._current_id)
            except NotFound:
                self.on_new()
