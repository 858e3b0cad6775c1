"""文书预览: a promotion document shown as it will print (QPdfView), printed through the system's
print dialog (printer, copies, page range), saved as PDF, or exported for everyone (导出全部)
with a progress bar and Cancel, the window never frozen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.viewmodels.reports_vm import ReportViewModel
from desktop.views import files
from desktop.views.printing import print_document
from desktop.views.visibility import hidden_unless


def load_pdf(document: QPdfDocument, pdf: bytes, keep: list[object]) -> None:
    """Load bytes into a QPdfDocument (the buffer must outlive the document: kept in ``keep``)."""
    data = QByteArray(pdf)
    buffer = QBuffer()
    buffer.setData(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    keep[:] = [data, buffer]
    document.load(buffer)


class ReportPreviewDialog(QDialog):
    def __init__(self, vm: ReportViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.setWindowTitle(vm.title())
        self.resize(860, 700)
        self._keep: list[object] = []
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

        self.status = QLabel(tr("正在生成…"))
        self.status.setWordWrap(True)
        self.show_id = QCheckBox(tr("显示完整身份证号"))
        hidden_unless(vm.may_show_id_number(), self.show_id)
        self.show_id.toggled.connect(vm.set_show_id_number)
        self.print_button = QPushButton(tr("打印…"))
        self.save_button = QPushButton(tr("另存为 PDF…"))
        self.export_button = QPushButton(tr("导出全部…"))
        hidden_unless(vm.may_export_all(), self.export_button)
        self.close_button = QPushButton(tr("关闭"))
        for button in (self.print_button, self.save_button):
            button.setEnabled(False)
        self.print_button.clicked.connect(self.ask_and_print)
        self.save_button.clicked.connect(self.ask_and_save)
        self.export_button.clicked.connect(self.ask_and_export)
        self.close_button.clicked.connect(self.reject)

        bar = QHBoxLayout()
        bar.addWidget(self.status, 1)
        bar.addWidget(self.show_id)
        for button in (self.print_button, self.save_button, self.export_button, self.close_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)

        vm.rendered.connect(self._show)
        vm.failed.connect(self._failed)
        vm.busy_changed.connect(self._busy)
        vm.render()

    def _busy(self, busy: bool) -> None:
        if busy:
            self.status.setText(tr("正在生成…"))
        self.print_button.setEnabled(not busy and self.vm.pdf is not None)
        self.save_button.setEnabled(not busy and self.vm.pdf is not None)

    def _show(self, pdf: bytes) -> None:
        load_pdf(self.document, pdf, self._keep)
        pages = self.document.pageCount()
        self.status.setText(tr("共 {n} 页", n=pages))
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)

    def _failed(self, text: str) -> None:
        self.document.close()
        self.status.setText(text)
        self.status.setStyleSheet("color: #b42318;")
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)

    # --- printing ------------------------------------------------------------------------------

    def make_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.vm.title())
        printer.setFromTo(1, max(1, self.document.pageCount()))
        return printer

    def print_to(self, printer: QPrinter) -> int:
        return print_document(self.document, printer, self.vm.pdf)

    def ask_and_print(self) -> bool:
        printer = self.make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(tr("打印"))
        dialog.setMinMax(1, max(1, self.document.pageCount()))
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.print_to(printer) > 0

    def ask_and_save(self) -> Path | None:
        path = files.save_file(
            self,
            tr("另存为 PDF"),
            self.vm.suggested_file_name(),
            tr("PDF 文件 (*.pdf)"),
            files.REPORTS,
            ".pdf",
        )
        if path is None:
            return None
        return self.vm.save(path)

    def ask_and_export(self) -> None:
        folder = files.choose_folder(self, tr("导出全部到文件夹"), files.REPORTS)
        if folder is not None:
            ExportDialog(self.vm, folder, self).exec()


class ExportDialog(QDialog):
    """导出全部: a progress bar, the name being written, Cancel; the summary at the end."""

    def __init__(self, vm: ReportViewModel, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vm = vm
        self.folder = folder
        self.result_text = ""
        self.setWindowTitle(tr("导出全部"))
        self.setMinimumWidth(460)
        self.label = QLabel(tr("正在准备…"))
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.cancel_button = QPushButton(tr("取消"))
        self.cancel_button.clicked.connect(self._cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        vm.export_progressed.connect(self._progress)
        vm.exported.connect(self._done)
        vm.export_failed.connect(self._failed)
        vm.export_cancelled.connect(self._cancelled)
        self.finished_ok = False
        vm.export_all(folder)

    def _progress(self, done: int, total: int, note: str) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        if note:
            self.label.setText(note)

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.label.setText(tr("正在取消…"))
        self.vm.cancel_export()

    def _finish(self, text: str) -> None:
        self.result_text = text
        self.label.setText(text)
        self.cancel_button.setText(tr("关闭"))
        self.cancel_button.setEnabled(True)
        self.cancel_button.clicked.disconnect()
        self.cancel_button.clicked.connect(self.accept)
        self.adjustSize()

    def _done(self, result: object) -> None:
        from core.reports.service import BatchResult

        assert isinstance(result, BatchResult)
        self.finished_ok = True
        self.bar.setValue(self.bar.maximum())
        self._finish(
            self.vm.export_summary(result) + tr("，保存在 {folder}").format(folder=self.folder)
        )

    def _failed(self, text: str) -> None:
        self._finish(text)
        self.label.setStyleSheet("color: #b42318;")

    def _cancelled(self) -> None:
        self._finish(tr("已取消：已生成的文件保留在 {folder}").format(folder=self.folder))


def open_preview(vm: ReportViewModel, parent: QWidget | None = None) -> ReportPreviewDialog:
    dialog = ReportPreviewDialog(vm, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
