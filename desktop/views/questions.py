"""A question before something that cannot be taken back: Yes / No, with No the default, so an
Enter pressed too soon changes nothing (停用用户, 撤销导入, 驳回, 决定并公示, a typed reason thrown away);
and 保存 / 放弃修改 / 取消 before unsaved edits are left behind (``ask_save``)."""

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


SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def ask_save(parent: QWidget | None, title: str, text: str, discard: str = "") -> str:
    """SAVE, DISCARD or CANCEL (Esc, the window's close button) for edits not yet saved;
    ``discard`` names the second button (放弃修改 by default)."""
    from desktop.i18n import tr

    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    save = box.addButton(tr("保存"), QMessageBox.ButtonRole.AcceptRole)
    drop = box.addButton(discard or tr("放弃修改"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(tr("取消"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    return SAVE if clicked is save else DISCARD if clicked is drop else CANCEL
