"""GUI translation: Chinese is the source language; English comes from our JSON catalogue.

All user-visible GUI strings are written ``tr("中文")``; ``tr`` goes through Qt's translation
system (``QCoreApplication.translate``), and ``CatalogueTranslator`` answers it from
``resources/i18n/ui/*.json`` ({"中文": "English"}). Core messages use the shared catalogue in
core/i18n.py. No compiled .qm files are needed, and a test checks every tr() literal has English.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QSettings, QTranslator

from core import i18n as core_i18n

CONTEXT = "tidui"


@cache
def ui_catalogue() -> dict[str, str]:
    merged: dict[str, str] = {}
    folder = resources.files("resources") / "i18n" / "ui"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            merged.update(json.loads(entry.read_text(encoding="utf-8")))
    return merged


class CatalogueTranslator(QTranslator):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        # None (a null QString) means "not mine": Qt then tries other translators and falls back
        # to the source text. An empty string would count as a translation and blank out Qt's
        # own strings (button texts, "%n" plurals).
        if self.lang == "zh":
            return QT_FILL_INS.get((context, source))
        english = ui_catalogue()
        if disambiguation:  # tr(text, "column"): its own English under "text|column", if any
            return english.get(f"{source}|{disambiguation}") or english.get(source)
        return english.get(source)

    def isEmpty(self) -> bool:
        return False


# The two labels of Qt's own file dialog that qtbase_zh_CN leaves in English.
QT_FILL_INS = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
}

_installed: CatalogueTranslator | None = None
_qt_installed: QTranslator | None = None
# Qt's own strings (the file dialog's 查找范围/打开/取消, standard buttons, context menus) come from
# the translations PySide6 ships; English needs none (Qt's source language).
QT_CATALOGUES = {"zh": "qtbase_zh_CN"}


def qt_translator(lang: str) -> QTranslator | None:
    """Qt's own translation for ``lang`` from PySide6's translations folder, or None."""
    name = QT_CATALOGUES.get(lang)
    if name is None:
        return None
    translator = QTranslator()
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    return translator if translator.load(name, folder) else None


def install(lang: str) -> None:
    """Switch GUI and core messages to ``lang`` for this process."""
    global _installed, _qt_installed
    app = QCoreApplication.instance()
    core_i18n.set_language(lang)
    if app is None:
        return
    if _installed is not None:
        app.removeTranslator(_installed)
    if _qt_installed is not None:
        app.removeTranslator(_qt_installed)
    _qt_installed = qt_translator(lang)
    if _qt_installed is not None:
        app.installTranslator(_qt_installed)
    _installed = CatalogueTranslator(lang)
    app.installTranslator(_installed)


def tr(text: str, disambiguation: str | None = None, /, **params: object) -> str:
    """The UI text in the installed language. ``disambiguation`` (Qt's own term) picks another
    English for the same Chinese where one place needs it, e.g. tr("工号", "column") "No." for a
    narrow list column where the form says "Employee no."; Chinese is the same either way.

    With ``params`` the text comes filled in, its English words chosen for the counts as core's
    messages choose them: tr("共 {n} 行", n=1) is "1 row" where the catalogue says
    "{n} {n:row|rows}". Without them a word choice takes its plural, so a caller's own
    ``.format(n=…)`` still works (it never meets a "{n:row|rows}" str.format would refuse)."""
    translated = QCoreApplication.translate(CONTEXT, text, disambiguation)
    if params:
        return core_i18n.fill(translated, params)
    return core_i18n.choose_words(translated, {})


def bracketed(text: str, aside: str) -> str:
    """``text`` with ``aside`` in brackets as the UI language writes them: 运营部（3人） but
    "Operations (3)"; the English tooltips read "Weight 40%）" with Chinese brackets."""
    if core_i18n.current_language() == "en":
        return f"{text} ({aside})"
    return f"{text}（{aside}）"


def captioned(caption: str, text: str = "") -> str:
    """``caption`` and a colon as the UI language writes it (员工：… but "Employee: …")."""
    if core_i18n.current_language() == "en":
        return f"{caption}: {text}" if text else f"{caption}:"
    return f"{caption}：{text}"


def listed(items: Iterable[str], chinese: str = "、") -> str:
    """``items`` joined as the UI language lists them: 13%、14%、16% (or with ``chinese`` "，" /
    "；" where the Chinese wants those) but "13%, 14%, 16%" in English ("; " for "；")."""
    if core_i18n.current_language() == "en":
        return ("; " if chinese == "；" else ", ").join(items)
    return chinese.join(items)


def alone(text: str) -> str:
    """``text`` as a label standing on its own (a table cell, a list item, a filter choice):
    English starts it with a capital ("Submitted"), while the same message inside a sentence
    stays lower case ("The case is submitted; …"). Chinese is unchanged."""
    return text[:1].upper() + text[1:]


_chosen_for_this_run = False


def choose_for_this_run(lang: str) -> None:
    """``tidui --lang``: this language wins over the company file's default for this run."""
    global _chosen_for_this_run
    _chosen_for_this_run = True
    install(lang)


def language_chosen() -> bool:
    """Whether the user picked a language (Settings → 语言, or --lang), so a company file's
    default language must not replace it."""
    return _chosen_for_this_run or QSettings().contains("ui/language")


def apply_company_default(lang: str) -> bool:
    """After log-in: use the company's default language unless the user chose one; True if it
    changed the language (screens built afterwards use it)."""
    if language_chosen() or lang not in core_i18n.LANGUAGES or lang == core_i18n.current_language():
        return False
    install(lang)
    return True


def saved_language() -> str:
    value = QSettings().value("ui/language", "zh")
    return value if value in core_i18n.LANGUAGES else "zh"


def save_language(lang: str) -> None:
    QSettings().setValue("ui/language", lang)
