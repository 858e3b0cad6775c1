"""The bundled CJK font, registered once with reportlab so PDFs embed (a subset of) it.

reportlab embeds TrueType outlines only; WenQuanYi Micro Hei is TrueType, so every PDF carries
its own glyphs and prints the same on a PC without Chinese fonts (docs/stack.md).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

FONT_NAME = "WQYMicroHei"
MONO_FONT_NAME = "WQYMicroHeiMono"
FONT_FILE = "wqy-microhei.ttc"


def font_path() -> Path:
    with resources.as_file(resources.files("resources") / "fonts" / FONT_FILE) as path:
        return Path(path)


@cache
def register_cjk_font() -> str:
    """Register the font (once per process) and return its reportlab name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_path()), subfontIndex=0))
    # The .ttc's second face is the monospaced one: used for keys and numbers that must align.
    pdfmetrics.registerFont(TTFont(MONO_FONT_NAME, str(font_path()), subfontIndex=1))
    return FONT_NAME
