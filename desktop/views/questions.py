"""A question before something that cannot be taken back: Yes / No, with No the default, so an
Enter pressed too soon changes nothing (停用用户, 撤销导入, 驳回, 决定并公示, a typed reason thrown away)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def ask(parent: QWidget | None, title: str, question: str) -> bool:
    """Whether the user answers Yes."""
    answer = QMessageBox.question(
        parent,
        title,
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
