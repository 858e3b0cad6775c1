"""Pinyin initials of Chinese names ("王芳" -> "wf") so that a search for "wf" finds 王芳.

No dictionary is shipped: the 3,755 level-1 characters of GB 2312 — which cover nearly every
surname and most given-name characters — are ordered by pinyin, so the first letter follows from
where a character's GB 2312 code falls between the first characters of each letter. A few common
name characters outside level 1 are listed by hand; anything else keeps no initial.
"""

from __future__ import annotations

from bisect import bisect_right

# First GB 2312 code (as an int of its two bytes) of each initial letter in the level-1 block.
_BOUNDARIES: tuple[tuple[int, str], ...] = (
    (0xB0A1, "a"),
    (0xB0C5, "b"),
    (0xB2C1, "c"),
    (0xB4EE, "d"),
    (0xB6EA, "e"),
    (0xB7A2, "f"),
    (0xB8C1, "g"),
    (0xB9FE, "h"),
    (0xBBF7, "j"),
    (0xBFA6, "k"),
    (0xC0AC, "l"),
    (0xC2E8, "m"),
    (0xC4C3, "n"),
    (0xC5B6, "o"),
    (0xC5BE, "p"),
    (0xC6DA, "q"),
    (0xC8BB, "r"),
    (0xC8F6, "s"),
    (0xCBFA, "t"),
    (0xCDDA, "w"),
    (0xCEF4, "x"),
    (0xD1B9, "y"),
    (0xD4D1, "z"),
)
_LEVEL1_END = 0xD7F9
_CODES = [code for code, _ in _BOUNDARIES]
# Level-2 characters (ordered by radical, not pinyin) that often appear in names.
_EXTRA = {
    "昊": "h",
    "琳": "l",
    "婷": "t",
    "璐": "l",
    "琪": "q",
    "瑶": "y",
    "淼": "m",
    "鑫": "x",
    "晗": "h",
    "钰": "y",
    "彤": "t",
    "萱": "x",
    "妍": "y",
    "怡": "y",
    "琦": "q",
    "瑾": "j",
    "晟": "s",
    "煜": "y",
    "皓": "h",
    "哲": "z",
    "睿": "r",
    "翊": "y",
    "骁": "x",
    "珂": "k",
    "岚": "l",
    "芮": "r",
    "蕾": "l",
    "筱": "x",
    "邬": "w",
    "翟": "z",
    "闫": "y",
    "靳": "j",
    "亓": "q",
    "禹": "y",
    "昕": "x",
    "奕": "y",
}


def initial(char: str) -> str:
    """The lower-case pinyin initial of one character; ASCII letters and digits stand for themselves."""
    if char.isascii():
        return char.lower() if char.isalnum() else ""
    if char in _EXTRA:
        return _EXTRA[char]
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return ""
    if len(encoded) != 2:
        return ""
    code = encoded[0] << 8 | encoded[1]
    if code < _CODES[0] or code > _LEVEL1_END:
        return ""
    return _BOUNDARIES[bisect_right(_CODES, code) - 1][1]


def initials(text: str) -> str:
    """ "王芳" -> "wf"; characters without a known initial are left out."""
    return "".join(initial(c) for c in text)
