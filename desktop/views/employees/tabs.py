"""The employee form's archive tabs, and ``EXTRA_TABS`` where other features add their own.

``EXTRA_TABS`` holds (Chinese title, factory) pairs; the page calls
``factory(session_vm, employee_id, parent)`` for the employee being shown and puts the widget in a
tab titled ``tr(title)`` (e.g. the eligibility feature adds 晋升进度 and KPI). A factory's widget
is rebuilt whenever another employee is shown, so it may keep its employee id fixed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.services.archive.records import AttachmentRow
from desktop.i18n import tr
from desktop.viewmodels.archive_vm import ArchiveViewModel
from desktop.viewmodels.session_vm import SessionViewModel
from desktop.viewmodels.table_model import RecordTableModel
from desktop.views import files
from desktop.views.employees.dialogs import (
    AchievementDialog,
    FeedbackDialog,
    OwnershipDialog,
    TrainingDialog,
)
from desktop.views.employees.radar import CompetencyRadar
from desktop.views.tables import column_titled, fit_to_width, read_only

TabFactory = Callable[[SessionViewModel, int, QWidget], QWidget]
EXTRA_TABS: list[tuple[str, TabFactory]] = []
# Features that add to the list itself (e.g. readiness badges): called with the page once built.
LIST_EXTENSIONS: list[Callable[[QWidget], None]] = []


def open_file(path: Path) -> bool:
    """Hand a temp copy to the system's viewer (tests replace this)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def confirm(parent: QWidget, text: str) -> bool:
    """Ask before deleting (tests replace this)."""
    answer = QMessageBox.question(parent, tr("请确认"), text)
    return answer == QMessageBox.StandardButton.Yes


def table_for(model: RecordTableModel, wrap: Collection[str] = ()) -> QTableView:
    """A read-only archive table that fits the archive's 350 px pane at 1366×768 instead of
    scrolling sideways: long text (名称, 证书) ends in "…" and shows whole under the mouse;
    numbers and dates stay whole; the columns titled in ``wrap`` (free text such as 评语 and
    备注) give way first and break onto more lines (``fit_to_width``)."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    read_only(view)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    fit_to_width(view, wrap=[column_titled(view, title) for title in wrap])
    return view


class RecordsTab(QWidget):
    """A table of one kind of record with buttons above it."""

    def __init__(
        self,
        vm: ArchiveViewModel,
        model: RecordTableModel,
        parent: QWidget | None = None,
        wrap: Collection[str] = (),
    ) -> None:
        super().__init__(parent)
        self.vm = vm
        self.model = model
        self.buttons = QHBoxLayout()
        self.table = table_for(model, wrap)
        self.column = QVBoxLayout(self)
        self.column.addLayout(self.buttons)
        self.column.addWidget(self.table)
        self.dialog: QWidget | None = None
        vm.archive_changed.connect(self.on_archive_changed)

    def button(self, text: str, slot: Callable[[], None], editing: bool = True) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        button.setProperty("needs_edit", editing)
        self.buttons.addWidget(button)
        return button

    def finish_buttons(self) -> None:
        self.buttons.addStretch(1)

    def selected(self) -> object | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def on_archive_changed(self) -> None:
        allowed = self.allowed()
        for i in range(self.buttons.count()):
            item = self.buttons.itemAt(i)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QPushButton) and widget.property("needs_edit"):
                widget.setEnabled(allowed)

    def allowed(self) -> bool:
        return self.vm.can_edit

    def open_attachment(self, attachment_id: int | None) -> None:
        if attachment_id is None:
            return
        path = self.vm.open_attachment(attachment_id)
        if path is not None:
            open_file(path)


class TimelineTab(RecordsTab):
    def __init__(self, vm: ArchiveViewModel, parent: QWidget | None = None) -> None:
        super().__init__(vm, vm.timeline, parent)
        hint = QLabel(tr("职级变动、薪资变动、培训、成果与评价按时间排列，最新的在最上面。"))
        hint.setWordWrap(True)  # it must not hold the form's pane wider than 1366×768 allows
        self.buttons.addWidget(hint)
        self.finish_buttons()
        # 事件 takes the width left and wraps; rows grow to their lines (no sideways scrolling)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


class ScoresTab(RecordsTab):
    """评估: every item score of every evaluation period (imported with 评估打分 or entered)."""

    def __init__(self, vm: ArchiveViewModel, parent: QWidget | None = None) -> None:
        # 备注 breaks onto more lines: a long note ended in "…" and could not be read
        super().__init__(vm, vm.scores, parent, wrap=[tr("备注")])
        hint = QLabel(
            tr(
                "评估打分按评审周期列出；晋升条件中的评估得分取最近一个周期，同一项目多人评分取平均。"
            )
        )
        hint.setWordWrap(True)
        self.buttons.addWidget(hint, 1)  # the whole width: no buttons, so no stretch after them


class StoresTab(RecordsTab):
    def __init__(self, vm: ArchiveViewModel, parent: QWidget | None = None) -> None:
        super().__init__(vm, vm.ownerships, parent)
        self.add = self.button(tr("添加负责店铺/账号"), self.on_add_clicked)
        self.remove = self.button(tr("删除"), self.on_remove_clicked)
        self.finish_buttons()
        note = QLabel(tr("店铺数据按负责月份计入个人KPI；同一店铺同月由两人负责时，两人都计全额。"))
        note.setWordWrap(True)
        self.column.addWidget(note)

    def on_add_clicked(self) -> None:
        self.dialog = OwnershipDialog(self.vm, self)
        self.dialog.open()

    def on_remove_clicked(self) -> None:
        row = self.selected()
        if row is not None and confirm(self, tr("删除这条负责记录？")):
            self.vm.remove_ownership(row.id)  # type: ignore[attr-defined]


class TrainingTab(RecordsTab):
    def __init__(self, vm: ArchiveViewModel, parent: QWidget | None = None) -> None:
        super().__init__(vm, vm.training, parent)
        self.add = self.button(tr("添加培训记录"), self.on_add_clicked)
        self.open_certificate = self.button(tr("查看证书"), self.on_open_clicked, editing=False)
        self.remove = self.button(tr("删除"), self.on_remove_clicked)
        self.finish_buttons()
        self.table.activated.connect(self.on_open_clicked)  # a double click or Enter

    def on_add_clicked(self) -> None:
        self.dialog = TrainingDialog(self.vm, self)
        self.dialog.open()

    def on_open_clicked(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_attachment(row.certificate_id)  # type: ignore[attr-defined]

    def on_remove_clicked(self) -> None:
        row = self.selected()
        if row is not None and confirm(self, tr("删除这条培训记录？")):
            self.vm.delete_training(row.id)  # type: ignore[attr-defined]


class AchievementsTab(RecordsTab):
    def __init__(self, vm: ArchiveViewModel, parent: QWidget | None = None) -> None:
        super().__init__(vm, vm.achievements, parent)
        self.add = self.button(tr("添加成果记录"), self.on_add_clicked)
        self.open_evidence = self.button(tr("查看证明材料"), self.on_open_clicked, editing=False)
        self.remove = self.button(tr("删除"), self.on_remove_clicked)
        self.finish_buttons()
        self.table.activated.connect(self.on_open_clicked)  # a double click or Enter

    def on_add_clicked(self) -> None:
        self.dialog = AchievementDialog(self.vm, self)
        self.dialog.open()

    def on_open_clicked(self) -> None:
        row = self.selected()
        if row is not None:
            for attachment_id, _ in row.evidence:  # type: ignore[attr-defined]
                self.open_attachment(attachment_id)

    def on_remove_clicked(self) -> None:
        row = self.selected()
        if row is not None and confirm(self, tr("删除这条成果记录？证明材料会保留在“附件”中。")):
            self.vm.delete_achievement(row.id)  # type: ignore[attr-defined]


class FeedbackTab(RecordsTab):
    def __init__(self, vm: ArchiveViewModel, parent: QWidget | None = None) -> None:
        # the ratings and the comment break onto more lines and 评价人 stays whole: cut evenly,
        # "刘洋（匿…" and "数据分析 4…" hid who rated and every rating but the first
        super().__init__(vm, vm.feedback, parent, wrap=[tr("评分"), tr("评语")])
        self.add = self.button(tr("添加评价"), self.on_add_clicked)
        self.remove = self.button(tr("删除"), self.on_remove_clicked)
        self.finish_buttons()
        self.radar = CompetencyRadar()
        # the ratings above the radar, not beside it: side by side in the archive's pane (350 px
        # at 1366×768) the table kept only its 日期 column and hid who said what
        splitter = QSplitter(Qt.Orientation.Vertical)
        layout = self.column
        layout.removeWidget(self.table)
        splitter.addWidget(self.table)
        splitter.addWidget(self.radar)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter)

    def allowed(self) -> bool:
        return self.vm.can_rate

    def on_archive_changed(self) -> None:
        super().on_archive_changed()
        self.remove.setEnabled(self.vm.can_edit)
        self.radar.set_scores(self.vm.competencies)

    def on_add_clicked(self) -> None:
        self.dialog = FeedbackDialog(self.vm, self)
        self.dialog.open()

    def on_remove_clicked(self) -> None:
        row = self.selected()
        if row is not None and confirm(self, tr("删除这条评价？")):
            self.vm.delete_feedback(row.id)  # type: ignore[attr-defined]


class AttachmentsTab(RecordsTab):
    def __init__(self, vm: ArchiveViewModel, parent: QWidget | None = None) -> None:
        super().__init__(vm, vm.attachments, parent)
        self.add = self.button(tr("添加附件…"), self.on_add_clicked)
        self.open = self.button(tr("打开"), self.on_open_clicked, editing=False)
        self.remove = self.button(tr("删除"), self.on_remove_clicked)
        self.finish_buttons()
        note = QLabel(
            tr("附件加密保存在公司档案内；打开时临时解出一份副本，关闭本页或退出程序时自动删除。")
        )
        note.setWordWrap(True)
        self.column.addWidget(note)
        self.table.activated.connect(self.on_open_clicked)  # a double click or Enter

    def on_add_clicked(self) -> None:
        self.add_files(files.open_files(self, tr("选择要添加的文件"), "", files.ATTACHMENTS))

    def add_files(self, paths: list[Path]) -> None:
        if paths:
            self.vm.add_attachments(paths)

    def on_open_clicked(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_attachment(row.id)  # type: ignore[attr-defined]

    def on_remove_clicked(self) -> None:
        row = self.selected()
        if isinstance(row, AttachmentRow) and confirm(
            self, tr("删除附件“{name}”？").replace("{name}", row.filename)
        ):
            self.vm.delete_attachment(row.id)


def builtin_tabs(vm: ArchiveViewModel) -> list[tuple[str, QWidget]]:
    """The archive's own tabs after 基本信息, in the order of the issue."""
    return [
        (tr("成长档案"), TimelineTab(vm)),
        (tr("负责店铺/直播账号"), StoresTab(vm)),
        (tr("培训记录"), TrainingTab(vm)),
        (tr("成果记录"), AchievementsTab(vm)),
        (tr("评价反馈"), FeedbackTab(vm)),
        (tr("附件"), AttachmentsTab(vm)),
        (tr("评估"), ScoresTab(vm)),  # last of ours: other code finds the tabs above by position
    ]
