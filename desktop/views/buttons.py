"""A toolbar button that opens a menu (下载导入模板 ▾): one look wherever a page has one."""

from __future__ import annotations

from PySide6.QtWidgets import QMenu, QToolButton, QWidget

# The style's own menu indicator is a 4-pixel triangle in the text's bottom corner, which read
# as a stray mark after the last character; the arrow is spelt in the text instead.
_NO_INDICATOR = "QToolButton::menu-indicator { image: none; width: 0px; }"


def menu_button(text: str, menu: QMenu, parent: QWidget | None = None) -> QToolButton:
    """A button showing ``text ▾`` that opens ``menu`` on a click (or its shortcut)."""
    button = QToolButton(parent)
    button.setText(f"{text} ▾")
    button.setMenu(menu)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setStyleSheet(_NO_INDICATOR)
    return button
