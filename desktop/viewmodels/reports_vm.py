"""Previewing, printing, saving and exporting the promotion documents (core/reports).

One ``ReportViewModel`` per document on screen: it renders the PDF in the background (the GUI
never waits on reportlab), keeps the bytes for the preview, the printer and 另存为 PDF, and runs
导出全部 (every active employee's document into a folder) as a cancellable job with progress.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from core.permissions import Perm
from core.progress import Progress
from core.reports import service
from core.reports.service import KIND_TITLES, BatchResult
from desktop.i18n import bracketed, listed, tr
from desktop.viewmodels import worker
from desktop.viewmodels.session_vm import ChangeArea, SessionViewModel


class ReportViewModel(QObject):
    rendered = Signal(bytes)  # the PDF, ready to preview
    failed = Signal(str)  # why it cannot be printed, in the user's language
    busy_changed = Signal(bool)
    export_progressed = Signal(int, int, str)  # done, total, whose document
    exported = Signal(object)  # BatchResult
    export_failed = Signal(str)
    export_cancelled = Signal()

    def __init__(
        self,
        session: SessionViewModel,
        kind: str,
        employee_id: int | None = None,
        *,
        case_id: int | None = None,
        cycle: str | None = None,
        name: str = "",
        no: str = "",
        as_of: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.kind = kind
        self.employee_id = employee_id
        self.case_id = case_id
        self.cycle = cycle
        self.as_of = as_of  # progress sheets: the month the screen shows, so print = screen
        self.name = name
        self.no = no
        self.show_id_number = False
        self.pdf: bytes | None = None
        self.error = ""
        self._job: worker.Job | None = None
        self._export: worker.Job | None = None

    # --- what the dialog shows ---------------------------------------------------------------

    def title(self) -> str:
        document = tr(KIND_TITLES[self.kind])
        return f"{document} — {self.name}" if self.name else document

    def may_show_id_number(self) -> bool:
        return self.kind == "evaluation" and self.session.can(Perm.VIEW_PERSONAL_DATA)

    def may_export_all(self) -> bool:
        return self.kind in ("evaluation", "progress", "letter")

    def suggested_file_name(self) -> str:
        if self.kind == "announcement" or not self.no:
            return f"{KIND_TITLES[self.kind]}.pdf"
        return service.file_name(self.no, self.name, self.kind)

    # --- rendering ---------------------------------------------------------------------------

    def _render(self, progress: Progress) -> bytes:
        progress.step(0, 1)
        return service.render_report(
            self.session.app,
            self.kind,
            self.employee_id,
            case_id=self.case_id,
            cycle=self.cycle,
            show_id_number=self.show_id_number,
            as_of=self.as_of,
        )

    @Slot()
    def render(self) -> None:
        """Render in the background; ``rendered`` or ``failed`` follows."""
        if self._job is not None and self._job.running:
            self._job.cancel()
        self.busy_changed.emit(True)
        job = worker.start(self._render)
        self._job = job
        job.succeeded.connect(lambda pdf, job=job: self._done(job, pdf))
        job.failed.connect(lambda text, job=job: self._fail(job, text))

    def render_now(self) -> bytes:
        """The same, on the calling thread (tests, and printing straight from a list)."""
        self.pdf = self._render(Progress())
        return self.pdf

    def _done(self, job: worker.Job, pdf: object) -> None:
        if job is not self._job:
            return
        assert isinstance(pdf, bytes)
        self.pdf, self.error = pdf, ""
        self.busy_changed.emit(False)
        self.rendered.emit(pdf)

    def _fail(self, job: worker.Job, text: str) -> None:
        if job is not self._job:
            return
        self.pdf, self.error = None, text
        self.busy_changed.emit(False)
        self.failed.emit(text)

    @Slot(bool)
    def set_show_id_number(self, show: bool) -> None:
        if show == self.show_id_number:
            return
        self.show_id_number = show and self.may_show_id_number()
        self.render()

    # --- saving and exporting ----------------------------------------------------------------

    def save(self, path: Path) -> Path:
        if self.pdf is None:
            self.render_now()
        assert self.pdf is not None
        return service.write_report(Path(path), self.pdf)

    def _export_all(self, progress: Progress, folder: Path) -> BatchResult:
        return service.write_all(
            self.session.app,
            self.kind,
            folder,
            cycle=self.cycle,
            show_id_number=self.show_id_number,
            progress=progress,
            as_of=self.as_of,
        )

    @Slot(object)
    def export_all(self, folder: Path) -> None:
        """导出全部: every active employee's document into ``folder``, in the background."""
        job = worker.start(self._export_all, Path(folder))
        self._export = job
        job.progressed.connect(self.export_progressed.emit)
        job.succeeded.connect(self.exported.emit)
        job.failed.connect(self.export_failed.emit)
        job.cancelled.connect(self.export_cancelled.emit)

    @Slot()
    def cancel_export(self) -> None:
        if self._export is not None:
            self._export.cancel()

    def export_summary(self, result: BatchResult) -> str:
        text = tr("已生成 {n} 份").format(n=len(result.written))
        if result.skipped:
            text += tr("，跳过 {n} 人：").format(n=len(result.skipped))
            text += listed([bracketed(who, why) for who, why in result.skipped[:5]], "；")
            if len(result.skipped) > 5:
                text += "…"
        return text


class LetterTemplateViewModel(QObject):
    """Settings → 文书模板: the letter's text, checked as it is typed, previewed live."""

    previewed = Signal(bytes)
    preview_failed = Signal(str)
    saved = Signal()
    error = Signal(str)

    def __init__(self, session: SessionViewModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._job: worker.Job | None = None

    def text(self) -> str:
        from core.reports import templates

        return templates.letter_template(self.session.app)

    def default_text(self) -> str:
        from core.reports import templates

        return templates.DEFAULT_LETTER

    def placeholders(self) -> tuple[str, ...]:
        from core.reports import templates

        return templates.LETTER_FIELDS

    def may_edit(self) -> bool:
        return self.session.can(Perm.EDIT_COMPANY)

    def problem(self, text: str) -> str:
        """What stops this text from being saved, in words ("" when nothing)."""
        from core.errors import TiduiError
        from core.reports import templates

        try:
            templates.check_letter_template(text)
        except TiduiError as err:
            return err.text()
        return ""

    def _preview(self, progress: Progress, text: str) -> bytes:
        from core.reports import letter

        progress.step(0, 1)
        case_id = letter.latest_decided_case(self.session.app)
        return letter.preview_letter(self.session.app, text, case_id)

    @Slot(str)
    def preview(self, text: str) -> None:
        if self._job is not None and self._job.running:
            self._job.cancel()
        job = worker.start(self._preview, text)
        self._job = job
        job.succeeded.connect(lambda pdf, job=job: self._previewed(job, pdf))
        job.failed.connect(lambda msg, job=job: self._preview_failed(job, msg))

    def _previewed(self, job: worker.Job, pdf: object) -> None:
        if job is self._job and isinstance(pdf, bytes):
            self.previewed.emit(pdf)

    def _preview_failed(self, job: worker.Job, text: str) -> None:
        if job is self._job:
            self.preview_failed.emit(text)

    def save(self, text: str) -> bool:
        from core.errors import TiduiError
        from core.reports import templates

        try:
            templates.set_letter_template(self.session.app, text)
        except TiduiError as err:
            self.error.emit(err.text())
            return False
        self.session.notify_changed(ChangeArea.COMPANY)
        self.saved.emit()
        return True
