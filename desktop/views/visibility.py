"""Hiding widgets while a screen is being built."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def hidden_unless(condition: bool, *widgets: QWidget) -> None:
    """Hide ``widgets`` unless ``condition`` holds, and never show one. ``setVisible(True)`` on a
    widget not yet in a layout shows it as a window of its own: for that moment it takes the
    keyboard from Tidui's window (and flashes on screen). A widget put in a layout later shows
    with its window anyway, unless it was hidden here."""
    if not condition:
        for widget in widgets:
            widget.hide()
