"""Pinyin of names, so that the lists can be searched as one types without choosing characters
in an input method: "wangfang", "wangf", "wf" and "fang" all find 王芳.

A character with several readings answers to each (单 to dan, shan and chan; 曾 to ceng and
zeng): nobody has to know which one a surname takes. ü is typed v or u (吕: lv, lu).

The readings come from pypinyin's table of 41,923 characters (every reading of each), which a
hand-made list of name characters could not match. Its phrase table, which only running text
needs, is not loaded: importing takes 0.05 s and 13 MB instead of 0.2 s and 30 MB.
"""

from __future__ import annotations

import os
from functools import lru_cache

# pypinyin reads this when it is first imported (below, on the first name looked up).
os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")

Readings = tuple[tuple[str, ...], ...]


@lru_cache(maxsize=8192)
def _char_readings(char: str) -> tuple[str, ...]:
    if char.isascii():
        return (char.lower(),) if char.isalnum() else ()
    from pypinyin import Style, pinyin

    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    spelled: list[str] = []
    for reading in found[0] if found else ():
        for form in (reading, reading.replace("v", "u")):
            if form and form.isascii() and form.isalpha() and form not in spelled:
                spelled.append(form)
    return tuple(spelled)


@lru_cache(maxsize=65536)
def readings(name: str) -> Readings:
    """Each character's readings, the most common first; characters without one are left out."""
    return tuple(found for found in map(_char_readings, name) if found)


def initials(name: str) -> str:
    """ "王芳" -> "wf" (the most common reading's first letter of each character)."""
    return "".join(found[0][0] for found in readings(name))


def spelled(name: str) -> str:
    """ "王芳" -> "wang fang": how the list sorts names, and what a tooltip shows."""
    return " ".join(found[0] for found in readings(name))


@lru_cache(maxsize=65536)
def _first_letters(name: str) -> frozenset[str]:
    return frozenset(reading[0] for found in readings(name) for reading in found)


def matches(query: str, name: str) -> bool:
    """Whether ``query`` spells consecutive characters of ``name``, from any of them on, each
    by the start of one of its readings: "wangfang", "wangf", "wf", "fang", "wang f".
    Spaces and apostrophes in the query are ignored ("xi'an")."""
    wanted = "".join(query.lower().split()).replace("'", "")
    if not wanted:
        return True
    if wanted[0] not in _first_letters(name):  # most names, at once
        return False
    key = readings(name)
    return any(_spells(key, start, wanted, 0) for start in range(len(key)))


def finds(query: str, number: str, name: str) -> bool:
    """Whether a typed search finds a person, as every search box and picker of people does:
    their number or name holds it (any case: "e00", "王"), or it spells the name ("wf")."""
    wanted = query.strip().lower()
    return not wanted or wanted in number.lower() or wanted in name.lower() or matches(wanted, name)


def _spells(key: Readings, char: int, wanted: str, at: int) -> bool:
    if at == len(wanted):
        return True
    if char == len(key):
        return False
    for reading in key[char]:
        # the whole reading first ("fang"), then ever shorter starts of it ("fan", "f")
        for length in range(min(len(reading), len(wanted) - at), 0, -1):
            if wanted.startswith(reading[:length], at) and _spells(
                key, char + 1, wanted, at + length
            ):
                return True
    return False
