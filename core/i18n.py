"""The message catalogue shared by core, the CLI and the GUI: a code plus parameters becomes text in zh or en.

Core never formats user-facing sentences inline; it raises or returns a code with
parameters, and whoever shows it (CLI, GUI, PDF) renders it through this catalogue.
Catalogue files live in ``resources/i18n/messages/<area>.json`` as
``{"code": {"zh": "...{param}...", "en": "..."}}`` so each feature area owns its own file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

_current_language = DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    """Pick the process-wide language used when a caller does not say which."""
    global _current_language
    _current_language = lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    return _current_language


@cache
def catalogue() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    folder = resources.files("resources") / "i18n" / "messages"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        data = json.loads(entry.read_text(encoding="utf-8"))
        for code, texts in data.items():
            if code in merged:
                raise RuntimeError(f"message code {code!r} defined twice ({entry.name})")
            merged[code] = texts
    return merged


class _Lenient(dict[str, Any]):
    """Leaves unknown placeholders visible instead of crashing a message box (str.format_map:
    the eligibility report renders some 80,000 sentence parts for a thousand people, and
    string.Formatter, written in Python, took a third of its time)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


# {rows:row|rows}: the words for the count ``rows``, the first when it is 1, else the second (the
# English "{rows} {rows:row was|rows were} imported"); either may hold a plain placeholder
# ("{rows:The one row|All {rows} rows}"). Chinese needs none.
_WORDS = r"((?:[^{}|]|\{\w+\})*)"
_CHOICE = re.compile(r"\{(\w+):" + _WORDS + r"\|" + _WORDS + r"\}")


def _is_one(value: object) -> bool:
    """Whether a count reads as one: 1, 1.0, or the text "1" (callers pass "1,234" as well)."""
    if isinstance(value, str):
        return value.strip() == "1"
    try:
        return not isinstance(value, bool) and value == 1
    except Exception:  # an odd value (an array) is no count: the plural form
        return False


def choose_words(template: str, params: Mapping[str, Any]) -> str:
    """``template`` with each ``{count:one|other}`` replaced by the word for that count; a count
    not given (or not a number) takes the plural, so what is left is plain str.format text."""
    if "|" not in template:
        return template
    return _CHOICE.sub(lambda m: m[2] if _is_one(params.get(m[1])) else m[3], template)


def fill(template: str, params: Mapping[str, Any]) -> str:
    """``template`` with its placeholders filled and its words chosen for the counts; a
    placeholder without a value stays visible as "{name}"."""
    return choose_words(template, params).format_map(_Lenient(params))


def render(code: str, params: dict[str, Any] | None = None, lang: str | None = None) -> str:
    """The text of message ``code`` in ``lang`` (default: the current language)."""
    lang = lang or _current_language
    texts = catalogue().get(code)
    if texts is None:
        return code if not params else f"{code} {params}"
    template = texts.get(lang) or texts.get(DEFAULT_LANGUAGE) or code
    # A parameter may itself be a Message (a sentence part); draw it in the same language.
    resolved = {
        k: (v.text(lang) if isinstance(v, Message) else v) for k, v in (params or {}).items()
    }
    return fill(template, resolved)


@dataclass(frozen=True)
class Message:
    """A sentence core wants someone to read, not yet in any language."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        return render(self.code, self.params, lang)

    def __str__(self) -> str:
        return self.text()
