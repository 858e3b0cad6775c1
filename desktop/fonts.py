"""Registers the bundled CJK font so the UI renders Chinese the same on every machine, CI included."""

from __future__ import annotations

from importlib import resources

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

_family: str | None = None


def install_app_font(app: QApplication | None = None) -> str:
    """Register WenQuanYi Micro Hei (once) and make it the application's default font."""
    global _family
    if _family is None:
        data = (resources.files("resources") / "fonts" / "wqy-microhei.ttc").read_bytes()
        font_id = QFontDatabase.addApplicationFontFromData(data)
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        _family = families[0] if families else QFont().family()
    target = app or QApplication.instance()
    if isinstance(target, QApplication):
        font = QFont(_family)
        font.setPointSize(10)
        target.setFont(font)
    return _family
