"""Printing a PDF we rendered (recovery sheet, reports) through QPrinter, page by page."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Render every page of ``pdf`` onto ``printer``; returns the number of pages printed."""
    doc = QPdfDocument()
    data = QByteArray(pdf)
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(buf)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        for page in range(doc.pageCount()):
            if page:
                printer.newPage()
            target = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
            size = doc.pagePointSize(page)
            scale = min(target.width() / size.width(), target.height() / size.height())
            image = doc.render(page, QSize(int(size.width() * scale), int(size.height() * scale)))
            painter.drawImage(QRect(0, 0, image.width(), image.height()), image)
    finally:
        painter.end()
        doc.close()
    return doc.pageCount() if doc.pageCount() else 0


def ask_and_print(pdf: bytes, parent: QWidget | None, title: str) -> bool:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    return print_pdf(pdf, printer) > 0
