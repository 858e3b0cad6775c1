"""Small entry dialogs of the archive tabs: training, achievement, feedback, store period, departure.

Each dialog is opened non-modally with ``open()``; pressing OK hands the values to the archive
viewmodel and the dialog stays open, with core's message shown, when they are refused.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.domain.metrics import ACHIEVEMENT_TYPES
from core.i18n import current_language
from core.services.archive.records import RELATIONS, AchievementInput, FeedbackInput, TrainingInput
from core.services.archive.stores import PLATFORMS
from desktop.i18n import listed, tr
from desktop.viewmodels.archive_vm import ArchiveViewModel, relation_text
from desktop.views import files
from desktop.views.focus import TextBox


def to_date(edit: QDateEdit) -> date:
    q = edit.date()
    return date(q.year(), q.month(), q.day())


def date_edit(value: date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    day = value or date.today()
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


def optional_number(maximum: float, decimals: int = 1) -> QDoubleSpinBox:
    """A number box whose lowest value shows as blank: "not filled in"."""
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(-1, maximum)
    box.setSpecialValueText(" ")
    box.setValue(-1)
    return box


def number_or_none(box: QDoubleSpinBox) -> float | None:
    return None if box.value() < 0 else box.value()


class EntryDialog(QDialog):
    """Form layout + an error line + OK/Cancel; subclasses fill the form and implement ``submit``."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def submit(self) -> bool:
        raise NotImplementedError

    def accept(self) -> None:
        if self.submit():
            super().accept()


class _ErrorsFrom:
    """Routes the viewmodel's ``failed`` messages into the dialog while it submits."""

    def __init__(self, vm: ArchiveViewModel, dialog: EntryDialog) -> None:
        self.vm, self.dialog = vm, dialog

    def __enter__(self) -> None:
        self.vm.failed.connect(self.dialog.show_error)

    def __exit__(self, *exc: object) -> None:
        self.vm.failed.disconnect(self.dialog.show_error)


class TrainingDialog(EntryDialog):
    def __init__(self, vm: ArchiveViewModel, parent: QWidget | None = None) -> None:
        super().__init__(tr("添加培训记录"), parent)
        self.vm = vm
        self.course = QLineEdit()
        self.provider = QLineEdit()
        self.start_date = date_edit()
        self.hours = optional_number(10000)
        self.score = optional_number(100)
        self.passed = QComboBox()
        self.passed.addItems(["", tr("是"), tr("否")])
        self.certificate_path: Path | None = None
        self.certificate = QPushButton(tr("选择证书文件…"))
        self.certificate.clicked.connect(self.on_certificate_clicked)
        self.form.addRow(tr("课程") + " *", self.course)
        self.form.addRow(tr("机构"), self.provider)
        self.form.addRow(tr("开始日期"), self.start_date)
        self.form.addRow(tr("学时"), self.hours)
        self.form.addRow(tr("成绩"), self.score)
        self.form.addRow(tr("是否通过"), self.passed)
        self.form.addRow(tr("证书"), self.certificate)

    def on_certificate_clicked(self) -> None:
        path = files.open_file(self, tr("选择证书文件"), "", files.ATTACHMENTS)
        if path is not None:
            self.set_certificate(path)

    def set_certificate(self, path: Path) -> None:
        self.certificate_path = path
        self.certificate.setText(path.name)

    def submit(self) -> bool:
        passed = {1: True, 2: False}.get(self.passed.currentIndex())
        data = TrainingInput(
            course=self.course.text(),
            provider=self.provider.text(),
            start_date=to_date(self.start_date),
            hours=number_or_none(self.hours),
            score=number_or_none(self.score),
            passed=passed,
        )
        with _ErrorsFrom(self.vm, self):
            return self.vm.add_training(data, self.certificate_path)


class AchievementDialog(EntryDialog):
    def __init__(self, vm: ArchiveViewModel, parent: QWidget | None = None) -> None:
        super().__init__(tr("添加成果记录"), parent)
        self.vm = vm
        self.type = QComboBox()
        for code, kind in ACHIEVEMENT_TYPES.items():
            self.type.addItem(kind.name(current_language()), code)
        self.name = QLineEdit()
        self.day = date_edit()
        self.outcome = QComboBox()
        self.outcome.addItem(tr("成功"), "成功")
        self.outcome.addItem(tr("失败"), "失败")
        self.roi = optional_number(1000, 2)
        self.team = QSpinBox()
        self.team.setRange(-1, 1000)
        self.team.setSpecialValueText(" ")
        self.team.setValue(-1)
        self.notes = QLineEdit()
        self.evidence: list[Path] = []
        self.evidence_button = QPushButton(tr("添加证明材料…"))
        self.evidence_button.clicked.connect(self.on_evidence_clicked)
        self.form.addRow(tr("类型") + " *", self.type)
        self.form.addRow(tr("名称") + " *", self.name)
        self.form.addRow(tr("日期") + " *", self.day)
        self.form.addRow(tr("结果"), self.outcome)
        self.form.addRow(tr("ROI（2:1 填 2）"), self.roi)
        self.form.addRow(tr("带领人数"), self.team)
        self.form.addRow(tr("备注"), self.notes)
        self.form.addRow(tr("证明材料"), self.evidence_button)

    def on_evidence_clicked(self) -> None:
        self.add_evidence(files.open_files(self, tr("选择证明材料"), "", files.ATTACHMENTS))

    def add_evidence(self, paths: list[Path]) -> None:
        self.evidence.extend(paths)
        if self.evidence:
            self.evidence_button.setText(listed(p.name for p in self.evidence))

    def submit(self) -> bool:
        data = AchievementInput(
            type=str(self.type.currentData()),
            name=self.name.text(),
            date=to_date(self.day),
            result=str(self.outcome.currentData()),
            roi=number_or_none(self.roi),
            team_size=None if self.team.value() < 0 else self.team.value(),
            notes=self.notes.text(),
        )
        with _ErrorsFrom(self.vm, self):
            return self.vm.add_achievement(data, self.evidence)


class FeedbackDialog(EntryDialog):
    """360 feedback: relation, date, 1–5 per competency (blank = not rated), comment, anonymous."""

    def __init__(self, vm: ArchiveViewModel, parent: QWidget | None = None) -> None:
        super().__init__(tr("添加评价反馈"), parent)
        self.vm = vm
        self.relation = QComboBox()
        for relation in RELATIONS:
            self.relation.addItem(relation_text(relation), relation)
        self.day = date_edit()
        # 评价人: a colleague from the archive, a name typed in (e.g. a customer or someone
        # outside the company), or left empty for the person entering it.
        self.rater = QComboBox()
        self.rater.setEditable(True)
        self.rater.addItem("", None)
        for employee_id, label in vm.rater_choices():
            self.rater.addItem(label, employee_id)
        self.rater.setCurrentIndex(0)
        rater_line = self.rater.lineEdit()
        if rater_line is not None:
            rater_line.setPlaceholderText(tr("留空表示本人（当前登录用户）"))
        self.ratings: dict[str, QSpinBox] = {}
        self.form.addRow(tr("关系"), self.relation)
        self.form.addRow(tr("评价人"), self.rater)
        self.form.addRow(tr("日期"), self.day)
        for name in vm.competency_names():
            box = QSpinBox()
            box.setRange(0, 5)
            box.setSpecialValueText(tr("未评"))
            self.ratings[name] = box
            self.form.addRow(name, box)
        self.comment = TextBox()
        self.comment.setFixedHeight(70)
        self.anonymous = QCheckBox(tr("匿名（只有老板能看到评价人）"))
        self.form.addRow(tr("评语"), self.comment)
        self.form.addRow("", self.anonymous)

    def submit(self) -> bool:
        data = FeedbackInput(
            relation=str(self.relation.currentData()),
            date=to_date(self.day),
            ratings={k: box.value() for k, box in self.ratings.items() if box.value() > 0},
            comment=self.comment.toPlainText(),
            anonymous=self.anonymous.isChecked(),
            **self.rater_fields(),
        )
        with _ErrorsFrom(self.vm, self):
            return self.vm.add_feedback(data)

    def rater_fields(self) -> dict[str, Any]:
        """rater_employee_id for a colleague picked from the list, rater_name for a typed name."""
        text = self.rater.currentText().strip()
        index = self.rater.findText(text)
        if not text:
            return {}
        if index > 0:
            return {"rater_employee_id": self.rater.itemData(index)}
        return {"rater_name": text}


class OwnershipDialog(EntryDialog):
    """负责店铺/直播账号: an existing store or a new one, from which month to which (blank = 至今)."""

    def __init__(self, vm: ArchiveViewModel, parent: QWidget | None = None) -> None:
        super().__init__(tr("添加负责店铺/直播账号"), parent)
        self.vm = vm
        self.store = QComboBox()
        self.store.setEditable(True)
        for s in vm.store_choices():
            self.store.addItem(f"{s.name}", (s.name, s.platform))
        self.store.setCurrentIndex(-1)
        line = self.store.lineEdit()
        if line is not None:
            line.setPlaceholderText(tr("选择或输入店铺名 / 直播账号昵称"))
        self.store.currentIndexChanged.connect(self.on_store_changed)
        self.platform = QComboBox()
        self.platform.setEditable(True)
        self.platform.addItems(list(PLATFORMS))
        self.start = QLineEdit()
        self.start.setPlaceholderText("2024-03")
        self.end = QLineEdit()
        self.end.setPlaceholderText(tr("留空表示至今"))
        self.form.addRow(tr("店铺/账号") + " *", self.store)
        self.form.addRow(tr("平台") + " *", self.platform)
        self.form.addRow(tr("开始月份") + " *", self.start)
        self.form.addRow(tr("结束月份"), self.end)

    def on_store_changed(self, index: int) -> None:
        data = self.store.itemData(index)
        if data:
            self.platform.setCurrentText(data[1])

    def submit(self) -> bool:
        with _ErrorsFrom(self.vm, self):
            return self.vm.add_store_and_ownership(
                self.store.currentText(),
                self.platform.currentText(),
                self.start.text(),
                self.end.text().strip() or None,
            )


class DepartureDialog(EntryDialog):
    """办理离职: date and reason; the record and its history stay."""

    def __init__(
        self, name: str, submit: Callable[[date, str], bool], parent: QWidget | None = None
    ) -> None:
        super().__init__(tr("办理离职"), parent)
        self._submit = submit
        note = QLabel(
            tr(
                "离职后档案和历史记录都会保留，可用于离职率统计；如需删除个人信息，请由老板执行“匿名化”。"
            )
        )
        note.setWordWrap(True)
        self.who = QLabel(name)
        self.day = date_edit()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("例如：个人发展、家庭原因"))
        self.form.addRow(tr("员工"), self.who)
        self.form.addRow(tr("离职日期"), self.day)
        self.form.addRow(tr("离职原因"), self.reason)
        self.form.addRow(note)

    def submit(self) -> bool:
        return self._submit(to_date(self.day), self.reason.text())
