"""One employee's growth archive for the form's tabs: table models and the commands behind their buttons.

Each tab shows a ``RecordTableModel`` (plain rows + column definitions, testable without a
window). Commands call core, then announce ``archive_changed`` and the session's "employees"
change so every screen that shows derived data (KPIs, readiness) recomputes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QObject,
    Signal,
)

from core.domain.metrics import EVALUATION_PARTS
from core.errors import TiduiError
from core.i18n import current_language
from core.permissions import Perm
from core.services.archive import records as archive
from core.services.archive import stores
from core.services.archive.records import (
    RESULTS,
    AchievementInput,
    AchievementRow,
    AttachmentRow,
    CompetencyScore,
    FeedbackInput,
    FeedbackRow,
    ScoreRow,
    TimelineEvent,
    TrainingInput,
    TrainingRow,
)
from core.services.archive.stores import OwnershipRow
from desktop.i18n import alone, listed, tr
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel
from desktop.viewmodels.table_model import Column, RecordTableModel


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def relation_text(relation: str) -> str:
    """A feedback's 关系 standing alone in the UI's language (自评 → "Self"), as the add-feedback
    dialog offers it; a relation typed otherwise (an import) stays as written. The words are core's
    archive.relation.* (the timeline's "Feedback from 孙悦 (self)"), not a second copy here."""
    return alone(str(archive.relation_message(relation)))


def result_text(result: str) -> str:
    """An achievement's 结果: the dialog's 成功 / 失败 in the UI's language, free text as written."""
    return tr(result) if result in RESULTS else result


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (tr("是") if value else tr("否"))


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def training_columns() -> list[Column[TrainingRow]]:
    return [
        Column(tr("课程"), lambda r: r.course),
        Column(tr("机构"), lambda r: r.provider),
        Column(tr("开始日期"), lambda r: _d(r.start_date)),
        Column(tr("学时"), lambda r: _num(r.hours)),
        Column(tr("成绩"), lambda r: _num(r.score)),
        Column(tr("通过", "passed"), lambda r: _yes_no(r.passed)),  # short: see 成果's 人数
        Column(tr("证书"), lambda r: r.certificate_name or ""),
    ]


def achievement_columns() -> list[Column[AchievementRow]]:
    return [
        Column(tr("类型"), lambda r: alone(r.type_name(current_language()))),
        Column(tr("名称"), lambda r: r.name, tooltip=_name_and_evidence),
        Column(tr("日期"), lambda r: _d(r.date)),
        Column(tr("结果"), lambda r: result_text(r.result)),
        Column(tr("ROI"), lambda r: _num(r.roi)),
        # the archive pane's column titles are short: 带领人数 made the columns wider than the
        # pane at 1366×768 (the dialog's fields keep the whole words)
        Column(tr("人数", "team"), lambda r: "" if r.team_size is None else str(r.team_size)),
    ]


def _name_and_evidence(row: AchievementRow) -> str:
    """The 名称 cell's hover text: the whole name and its evidence files. The files have no column
    of their own: with one the 7 columns needed 394 px of the pane's 356 at 1366×768 in English
    (text columns give way no narrower than "中文字…"); they open with 查看证明材料 and are
    listed under 附件 as 成果证明."""
    if not row.evidence:
        return row.name
    files = listed(name for _, name in row.evidence)
    return row.name + "\n" + tr("证明材料：{files}", files=files)


def feedback_columns() -> list[Column[FeedbackRow]]:
    return [
        Column(tr("日期"), lambda r: _d(r.date)),
        Column(
            tr("评价人"),
            lambda r: (
                tr("匿名")
                if r.rater_hidden
                else (r.rater + (tr("（匿名）") if r.anonymous else ""))
            ),
        ),
        Column(tr("关系"), lambda r: relation_text(r.relation)),
        Column(tr("评分"), lambda r: listed([f"{k} {v}" for k, v in r.ratings.items()], "，")),
        Column(tr("评语"), lambda r: r.comment),
    ]


def attachment_columns() -> list[Column[AttachmentRow]]:
    kinds = {"training": tr("培训证书"), "achievement": tr("成果证明"), "case": tr("晋升材料")}
    return [
        Column(tr("文件名"), lambda r: r.filename),
        Column(tr("大小"), lambda r: _size(r.size)),
        Column(tr("关联"), lambda r: kinds.get(r.ref_kind or "", "")),
        Column(
            tr("上传时间"),
            lambda r: r.created_at.astimezone().strftime("%Y-%m-%d %H:%M") if r.created_at else "",
        ),
    ]


def ownership_columns() -> list[Column[OwnershipRow]]:
    return [
        Column(tr("店铺/账号"), lambda r: r.store),
        Column(tr("平台"), lambda r: r.platform),
        Column(tr("类型"), lambda r: tr("直播账号") if r.kind == "live_account" else tr("店铺")),
        Column(tr("开始月份"), lambda r: r.start_month),
        Column(tr("结束月份"), lambda r: r.end_month or tr("至今")),
        Column(tr("来源"), lambda r: tr("导入") if r.from_import else tr("手工")),
    ]


def _part_name(code: str) -> str:
    part = EVALUATION_PARTS.get(code)
    return part.name_en if part and current_language() == "en" else (part.name_zh if part else code)


def score_columns() -> list[Column[ScoreRow]]:
    """评估: the imported (or entered) item scores, latest period first."""
    return [
        Column(tr("评审周期"), lambda r: r.period),
        Column(tr("部分"), lambda r: _part_name(r.part)),
        Column(tr("项目"), lambda r: r.item),
        Column(tr("分数"), lambda r: _num(r.score)),
        Column(tr("评分人"), lambda r: r.rater),
        Column(tr("备注"), lambda r: r.note),
    ]


def timeline_columns() -> list[Column[TimelineEvent]]:
    kinds = {
        "hire": tr("入职"), "departure": tr("离职"), "grade": tr("职级"), "salary": tr("薪资"),
        "training": tr("培训"), "achievement": tr("成果"), "feedback": tr("评价"),
        "score": tr("评估"),
    }  # fmt: skip
    # what happened and, on the line below, its details: one column the tab wraps, so a
    # narrow pane shows every word instead of a 详情 column off to the right
    return [
        Column(tr("日期"), lambda e: _d(e.day)),
        Column(tr("类别"), lambda e: kinds.get(e.kind, e.kind)),
        Column(
            tr("事件"),
            lambda e: e.title.text() + (f"\n{e.detail.text()}" if e.detail else ""),
        ),
    ]


class ArchiveViewModel(QObject):
    """The tabs' data for the employee currently shown in the form."""

    archive_changed = Signal()
    failed = Signal(str)

    def __init__(self, session_vm: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_vm = session_vm
        self.employee_id: int | None = None
        self.training = RecordTableModel(training_columns(), self)
        self.achievements = RecordTableModel(achievement_columns(), self)
        self.feedback = RecordTableModel(feedback_columns(), self)
        self.attachments = RecordTableModel(attachment_columns(), self)
        self.ownerships = RecordTableModel(ownership_columns(), self)
        self.timeline = RecordTableModel(timeline_columns(), self)
        self.scores = RecordTableModel(score_columns(), self)
        self.competencies: list[CompetencyScore] = []
        self.temp_files = archive.TempFiles()

    @property
    def can_edit(self) -> bool:
        return self.employee_id is not None and self.session_vm.can(Perm.EDIT_EMPLOYEES)

    @property
    def can_rate(self) -> bool:
        return self.employee_id is not None and (
            self.session_vm.can(Perm.EDIT_EMPLOYEES) or self.session_vm.can(Perm.RATE_ABILITY)
        )

    def set_employee(self, employee_id: int | None) -> None:
        self.employee_id = employee_id
        self.refresh()

    def refresh(self) -> None:
        emp = self.employee_id
        app = self.session_vm.app
        if emp is None:
            for model in (
                self.training,
                self.achievements,
                self.feedback,
                self.attachments,
                self.ownerships,
                self.timeline,
                self.scores,
            ):
                model.set_rows([])
            self.competencies = []
        else:
            self.training.set_rows(archive.list_training(app, emp))
            self.achievements.set_rows(archive.list_achievements(app, emp))
            self.feedback.set_rows(archive.list_feedback(app, emp))
            self.attachments.set_rows(archive.list_attachments(app, emp))
            self.ownerships.set_rows(stores.ownerships_of(app, emp))
            self.timeline.set_rows(archive.timeline(app, emp))
            self.scores.set_rows(archive.list_scores(app, emp))
            self.competencies = archive.competency_profile(app, emp)
        self.archive_changed.emit()

    def _run(self, action: Callable[[], Any]) -> bool:
        try:
            action()
        except TiduiError as err:
            self.failed.emit(err.text())
            return False
        self.refresh()
        self.session_vm.notify_changed(ChangeArea.EMPLOYEES)
        return True

    # --- commands ------------------------------------------------------------------------------

    def add_training(self, data: TrainingInput, certificate: Path | None = None) -> bool:
        emp = self.employee_id
        if emp is None:
            return False
        cert = None
        if certificate is not None:
            try:
                cert = (certificate.name, certificate.read_bytes())
            except OSError as exc:
                self.failed.emit(f"{certificate}: {exc.strerror or exc}")
                return False
        return self._run(lambda: archive.add_training(self.session_vm.app, emp, data, cert))

    def delete_training(self, record_id: int) -> bool:
        return self._run(lambda: archive.delete_training(self.session_vm.app, record_id))

    def add_achievement(self, data: AchievementInput, evidence: Sequence[Path] = ()) -> bool:
        emp = self.employee_id
        if emp is None:
            return False
        try:
            files = [(p.name, p.read_bytes()) for p in evidence]
        except OSError as exc:
            self.failed.emit(str(exc))
            return False
        return self._run(lambda: archive.add_achievement(self.session_vm.app, emp, data, files))

    def delete_achievement(self, record_id: int) -> bool:
        return self._run(lambda: archive.delete_achievement(self.session_vm.app, record_id))

    def rater_choices(self) -> list[tuple[int, str]]:
        """Who may have given feedback: active employees as "E004 陈静" (not the person rated)."""
        from core.services.archive import employees as emps

        return [
            (p.id, f"{p.no} {p.name}")
            for p in emps.supervisor_choices(self.session_vm.app)
            if p.active and p.id != self.employee_id
        ]

    def add_feedback(self, data: FeedbackInput) -> bool:
        emp = self.employee_id
        if emp is None:
            return False
        return self._run(lambda: archive.add_feedback(self.session_vm.app, emp, data))

    def delete_feedback(self, record_id: int) -> bool:
        return self._run(lambda: archive.delete_feedback(self.session_vm.app, record_id))

    def add_attachments(self, paths: Sequence[Path]) -> bool:
        emp = self.employee_id
        if emp is None:
            return False

        def add_all() -> None:
            for path in paths:
                archive.add_attachment_file(self.session_vm.app, emp, Path(path))

        return self._run(add_all)

    def delete_attachment(self, attachment_id: int) -> bool:
        return self._run(lambda: archive.delete_attachment(self.session_vm.app, attachment_id))

    def open_attachment(self, attachment_id: int) -> Path | None:
        """A temp copy to hand to the system's viewer; removed when the page closes or at exit."""
        try:
            return self.temp_files.open_copy(self.session_vm.app, attachment_id)
        except TiduiError as err:
            self.failed.emit(err.text())
            return None

    def add_ownership(self, store_id: int, start: str, end: str | None) -> bool:
        emp = self.employee_id
        if emp is None:
            return False
        return self._run(
            lambda: stores.add_ownership(self.session_vm.app, store_id, emp, start, end)
        )

    def add_store_and_ownership(
        self, name: str, platform: str, start: str, end: str | None
    ) -> bool:
        emp = self.employee_id
        if emp is None:
            return False
        app = self.session_vm.app

        def both() -> None:
            existing = next(
                (
                    s
                    for s in stores.list_stores(app)
                    if s.name == name.strip() and s.platform == stores.normalise_platform(platform)
                ),
                None,
            )
            store_id = existing.id if existing else stores.add_store(app, name, platform)
            stores.add_ownership(app, store_id, emp, start, end)

        return self._run(both)

    def update_ownership(self, ownership_id: int, start: str, end: str | None) -> bool:
        return self._run(
            lambda: stores.update_ownership(self.session_vm.app, ownership_id, start, end)
        )

    def remove_ownership(self, ownership_id: int) -> bool:
        return self._run(lambda: stores.remove_ownership(self.session_vm.app, ownership_id))

    def competency_names(self) -> list[str]:
        return [c.name for c in archive.list_competencies(self.session_vm.app)]

    def store_choices(self) -> list[stores.StoreRow]:
        return stores.list_stores(self.session_vm.app)

    def cleanup(self) -> None:
        self.temp_files.cleanup()
