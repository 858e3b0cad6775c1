"""Asking where to save what Tidui writes for the user (a dialog; tests replace the callers)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.i18n import tr


def ask_save_xlsx(parent: QWidget, title: str, suggested: str) -> Path | None:
    """A place for an .xlsx file, or None if the user cancelled; the suffix is added if left off
    (Excel would not open "名单" without it)."""
    name, _ = QFileDialog.getSaveFileName(parent, title, suggested, tr("Excel 工作簿 (*.xlsx)"))
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == ".xlsx" else path.with_suffix(".xlsx")
