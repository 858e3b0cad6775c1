"""Printing a PDF we rendered (recovery sheet, reports, the dashboard) through QPrinter.

A printer gets each page as an image, at no more than ``PRINTER_DPI`` (a 1200-dpi printer was
sent 15 MB for a two-page report). "Print to file" (PDF) of the whole document writes the PDF
itself: its text, its embedded fonts, a few hundred KB, instead of one picture per page; a page
range printed to a file is pictured at ``FILE_DPI``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget

from core.reports.service import write_report

PRINTER_DPI = 600
FILE_DPI = 300


def chosen_pages(printer: QPrinter, count: int) -> list[int]:
    """The pages to print (0-based): all, or the print dialog's page range."""
    first, last = 1, count
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = max(1, printer.fromPage()), min(count, printer.toPage() or count)
    return list(range(first - 1, last))


def print_document(document: QPdfDocument, printer: QPrinter, pdf: bytes | None = None) -> int:
    """Print the chosen pages of ``document`` (whose bytes are ``pdf``, when known) on
    ``printer``, as many copies as asked when the printer cannot make them itself; returns the
    pages printed."""
    count = document.pageCount()
    pages = chosen_pages(printer, count)
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    to_file = printer.outputFormat() == QPrinter.OutputFormat.PdfFormat
    if to_file and pdf is not None and len(pages) == count and copies == 1 and count:
        write_report(Path(printer.outputFileName()), pdf)
        return count
    dpi = min(printer.resolution(), FILE_DPI if to_file else PRINTER_DPI)
    painter = QPainter()
    if not pages or not painter.begin(printer):
        return 0
    printed = 0
    try:
        for _copy in range(copies):
            for page in pages:
                if printed:
                    printer.newPage()
                target = printer.pageRect(QPrinter.Unit.DevicePixel)
                size = document.pagePointSize(page)
                scale = min(target.width() / size.width(), target.height() / size.height())
                shown = QRectF(0, 0, size.width() * scale, size.height() * scale)
                pixels = QSize(round(size.width() * dpi / 72), round(size.height() * dpi / 72))
                painter.drawImage(shown, document.render(page, pixels))
                printed += 1
    finally:
        painter.end()
    return printed


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Print every page of ``pdf`` on ``printer``; returns the number of pages printed."""
    doc = QPdfDocument()
    data = QByteArray(pdf)
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(buf)
    try:
        return print_document(doc, printer, pdf)
    finally:
        doc.close()


def ask_and_print(pdf: bytes, parent: QWidget | None, title: str) -> bool:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    return print_pdf(pdf, printer) > 0
