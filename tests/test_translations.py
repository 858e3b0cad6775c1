"""Every user-visible string exists in Chinese and English, in both the GUI and core catalogues."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core.i18n import catalogue, render

ROOT = Path(__file__).resolve().parents[1]
CODE_USE = re.compile(
    r"""(?:Message|Error|render|Denied|NotFound|InUse|File|Password|Cancelled|TooNew|RecoveryKey|User)"""
    r"""\(\s*f?["'](?P<code>[a-z_]+(?:\.[a-z0-9_]+)+)["']"""
)
CODE_ATTR = re.compile(r"""^\s+code = ["'](?P<code>[a-z_]+(?:\.[a-z0-9_]+)+)["']""", re.M)


def _sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _tr_literals(path: Path) -> list[tuple[str, str | None]]:
    """Each ``tr("…")`` / ``tr("…", "note")`` in ``path`` with literal text: (text, note). Read
    with ast, so a text split over lines ("…" "…") counts too; a regular expression missed it."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id != "tr" or not node.args:
            continue
        text, *rest = node.args
        if isinstance(text, ast.Constant) and isinstance(text.value, str):
            note = rest[0] if rest else None
            found.append((text.value, note.value if isinstance(note, ast.Constant) else None))
    return found


def test_every_gui_string_has_english() -> None:
    from desktop.i18n import ui_catalogue

    english = ui_catalogue()
    missing: dict[str, list[str]] = {}
    for path in _sources("desktop"):
        for text, note in _tr_literals(path):
            key = f"{text}|{note}" if f"{text}|{note}" in english else text
            if key not in english or not english[key].strip():
                missing.setdefault(str(path.relative_to(ROOT)), []).append(text)
    assert not missing, f"tr() strings without English: {missing}"


CJK = re.compile(r"[\u4e00-\u9fff]")
# Chinese literals in desktop/ that are not UI text for tr(): Qt's own dialog labels we fill in,
# the smoke run's log lines, a regular expression over core's messages, file names and the name of
# the language itself.
NOT_UI_TEXT = {
    "查找范围(&L)：",
    "文件类型(&T)：",
    "smoke: quitting through 文件 → 退出",
    "forced error: password=smoke-secret 王芳 330102199001011234 wang@example.com",
    "公司档案",
    "悦颜美妆-演示.tidui",
    "员工花名册.xlsx",
    "-恢复密钥.pdf",
    "中文（简体）",
    "中文字…",
    "原职级",  # a placeholder's name in the 公示 template, shown as {原职级}
}


def _chinese_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))  # docstrings
        if isinstance(node, ast.JoinedStr):  # f-strings: their parts are checked where used
            skip.update(id(part) for part in node.values)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and CJK.search(node.value)
        and not node.value.startswith("^")  # a regular expression
    ]


def test_every_chinese_text_in_the_gui_has_english() -> None:
    """A text can reach tr() through a variable: 设置 → 用户管理's 关联员工 was passed to a helper
    doing ``tr(header)``, so the tr("…") scan never saw it and the column title stayed Chinese in
    English. Every Chinese literal in desktop/ has English, as itself or as "text|note"."""
    from desktop.i18n import ui_catalogue

    english = ui_catalogue()
    noted = {key.split("|", 1)[0] for key in english if "|" in key}
    missing = {
        f"{path.relative_to(ROOT)}:{line}": text
        for path in _sources("desktop")
        for line, text in _chinese_literals(path)
        if text not in english and text not in noted and text not in NOT_UI_TEXT
    }
    assert not missing, f"Chinese texts without English: {missing}"


def test_every_disambiguated_gui_string_has_its_own_english() -> None:
    """tr("工号", "column") exists to say something shorter than tr("工号"): an entry under
    "工号|column" is what makes it do so."""
    from desktop.i18n import ui_catalogue

    english = ui_catalogue()
    found = [
        f"{text}|{note}"
        for path in _sources("desktop")
        for text, note in _tr_literals(path)
        if note is not None
    ]
    assert found, "no tr(text, note) call found: is the pattern still right?"
    assert [key for key in found if key not in english] == []


def test_every_message_code_used_in_core_is_in_the_catalogue() -> None:
    known = catalogue()
    missing: dict[str, list[str]] = {}
    for path in _sources("core") + _sources("desktop"):
        text = path.read_text(encoding="utf-8")
        codes = {m.group("code") for m in CODE_USE.finditer(text)}
        codes |= {m.group("code") for m in CODE_ATTR.finditer(text)}
        for code in sorted(codes):
            if code not in known and not code.endswith("."):
                missing.setdefault(str(path.relative_to(ROOT)), []).append(code)
    assert not missing, f"message codes without catalogue entries: {missing}"


def test_one_chinese_text_has_one_english_text() -> None:
    """The GUI catalogues are merged into one: a text given two translations in two areas showed
    the last file's everywhere (the ladder's and the employee form's 撤销 read "Revoke")."""
    import json

    seen: dict[str, dict[str, str]] = {}
    for path in sorted((ROOT / "resources" / "i18n" / "ui").glob("*.json")):
        for text, english in json.loads(path.read_text(encoding="utf-8")).items():
            seen.setdefault(text, {})[path.name] = english
    clashes = {text: found for text, found in seen.items() if len(set(found.values())) > 1}
    assert not clashes, f"give each meaning its own Chinese text: {clashes}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_catalogue_has_both_languages_and_renders_fully(lang: str) -> None:
    """Every code has both texts, and given its parameters no placeholder is left unfilled.

    The two languages may use different parameters (e.g. a term passing its zh and en forms).
    """
    placeholder = re.compile(r"\{(\w+)\}")
    for code, texts in catalogue().items():
        assert lang in texts, f"{code} has no {lang}"
        params = {p: "x" for t in texts.values() for p in placeholder.findall(t)}
        rendered = render(code, params, lang)
        assert not placeholder.search(rendered), (code, rendered)


def test_english_translator_leaves_qt_strings_alone(qapp: object) -> None:
    """Unknown strings must fall through to Qt's own text, not become empty."""
    from PySide6.QtCore import QCoreApplication

    from desktop import i18n

    i18n.install("en")
    try:
        assert QCoreApplication.translate("tidui", "设置") == "Settings"
        assert QCoreApplication.translate("QPlatformTheme", "OK") == "OK"
        assert QCoreApplication.translate("x", "%n files", None, 5) == "5 files"
    finally:
        i18n.install("zh")
    assert QCoreApplication.translate("tidui", "设置") == "设置"


def test_qt_own_dialogs_follow_the_ui_language(qapp: object) -> None:
    """The file dialog's 查找范围/打开/取消 and the standard buttons come from Qt's catalogue."""
    from PySide6.QtCore import QCoreApplication

    from desktop import i18n

    i18n.install("zh")
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "查找范围："
    # what the dialog asks for; qtbase_zh_CN has no Chinese for these two, ours does
    assert QCoreApplication.translate("QFileDialog", "&Look in:") == "查找范围(&L)："
    assert QCoreApplication.translate("QFileDialog", "Files of &type:") == "文件类型(&T)："
    assert QCoreApplication.translate("QFileDialog", "File &name:") == "文件名称(&N)："
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    assert QCoreApplication.translate("tidui", "设置") == "设置"
    i18n.install("en")
    try:
        assert QCoreApplication.translate("QFileDialog", "Look in:") == "Look in:"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    finally:
        i18n.install("zh")


def test_brackets_follow_the_ui_language(qapp: object) -> None:
    """English tooltips read "Effective date (2024年10月1日)（Insert at the cursor）", and the case
    dialog "Employee：", "HR（hr）"."""
    from desktop import i18n

    i18n.install("en")
    try:
        assert i18n.bracketed("Strategy", "Weight 40%") == "Strategy (Weight 40%)"
        assert i18n.captioned("Employee") == "Employee:"  # the case dialog read "Employee："
        assert i18n.captioned("Average", "the mean") == "Average: the mean"
    finally:
        i18n.install("zh")
    assert i18n.bracketed("策略答辩", "权重 40%") == "策略答辩（权重 40%）"
    assert i18n.captioned("员工") == "员工：" and i18n.captioned("平均", "各月") == "平均：各月"


def test_lists_follow_the_ui_language(english: None) -> None:
    """English sentences were built with 、 / ， / ；: "13%、14%、16%", "绩效 100×60%，能力 78×20%"."""
    from desktop import i18n

    assert i18n.listed(["13%", "14%"]) == "13%, 14%"
    assert i18n.listed(["a", "b"], "，") == "a, b" and i18n.listed(["a", "b"], "；") == "a; b"
    i18n.install("zh")
    assert i18n.listed(["13%", "14%"]) == "13%、14%"
    assert i18n.listed(["a", "b"], "，") == "a，b" and i18n.listed(["a", "b"], "；") == "a；b"


def test_english_texts_quote_with_plain_quotes() -> None:
    """English read 9-box: “mid” from this score, “Column in the file”, ID number “3301…”: Chinese
    curly quotes inside English sentences. The Chinese texts keep theirs."""
    import json

    from desktop.i18n import ui_catalogue

    curly = re.compile("[\u201c\u201d]")
    english = list(ui_catalogue().values()) + [t.get("en", "") for t in catalogue().values()]
    assert [t for t in english if curly.search(t)] == []
    chinese = json.loads((ROOT / "resources/i18n/ui/dashboard.json").read_text(encoding="utf-8"))
    assert "9宫格：“中”从此分数起" in chinese


# --- counts: "1 row", "2 rows" ----------------------------------------------------------------

# English nouns counted in the catalogues, singular and plural ({rows} {rows:row|rows}).
COUNTED_NOUNS = {
    "person": "people", "row": "rows", "order": "orders", "employee": "employees",
    "item": "items", "case": "cases", "month": "months", "batch": "batches", "store": "stores",
    "rater": "raters", "page": "pages", "day": "days", "hour": "hours", "entry": "entries",
    "error": "errors", "warning": "warnings", "file": "files", "record": "records",
    "position": "positions", "character": "characters", "session": "sessions",
    "separation": "separations", "promotion": "promotions", "transfer": "transfers",
    "problem": "problems", "level": "levels", "track": "tracks", "path": "paths",
    "change": "changes", "template": "templates", "metric": "metrics", "cell": "cells",
    "column": "columns", "gap": "gaps", "time": "times",
}  # fmt: skip
# Words that may stand between a count and its noun: "1 more audit entries", "1 active employees".
BETWEEN = (
    r"(?:(?:more|audit|active|consecutive|replaced|evaluation|custom|new|pipeline|history) ){0,2}"
)
# "1 rows", "1 more audit entries"; and "2 row" where the two words came out swapped (only nouns
# that never modify another: "2 item scores", "the {level} level" are right)
ONE_WITH_PLURAL = re.compile(
    r"(?<![\d.,])\b1 " + BETWEEN + "(?:" + "|".join(COUNTED_NOUNS.values()) + r")\b"
)
TWO_WITH_SINGULAR = re.compile(
    r"(?<![\d.,])\b2 " + BETWEEN + r"(?:person|row|order|employee|month|day|file|record|entry"
    r"|problem|page|rater|error|warning|character|person)\b(?!-)"
)
# Parameters that are not counts though a noun follows them: "{extension} files".
NOT_COUNTS = {"extension"}
ANY_PLACEHOLDER = re.compile(r"\{(\w+)(?::[^{}]*)?\}")


def _count_problem(text: str, count: int) -> str | None:
    wrong = (ONE_WITH_PLURAL if count == 1 else TWO_WITH_SINGULAR).search(text)
    return wrong.group(0) if wrong else None


def test_a_count_chooses_its_word() -> None:
    """{rows:row|rows}: the first word for one, the second otherwise; a text "1" (a caller's
    "1,234") counts too, and a count not given reads as plural instead of raising."""
    from core.i18n import fill

    template = "{rows} {rows:row was|rows were} imported"
    assert fill(template, {"rows": 1}) == "1 row was imported"
    assert fill(template, {"rows": 2}) == "2 rows were imported"
    assert fill(template, {"rows": 0}) == "0 rows were imported"
    assert fill(template, {"rows": "1"}) == "1 row was imported"
    assert fill(template, {"rows": "1,234"}) == "1,234 rows were imported"
    assert fill(template, {"rows": 1.0}) == "1.0 row was imported"
    assert fill(template, {}) == "{rows} rows were imported"


@pytest.mark.parametrize("count", [1, 2])
def test_english_messages_count_in_agreement(count: int) -> None:
    """Every message given 1 (then 2) for each parameter renders, in both languages, and the
    English says "1 row" / "2 rows": it read "1 people", "1 rows", "1 orders"."""
    wrong: dict[str, str] = {}
    for code, texts in catalogue().items():
        params = {p: count for t in texts.values() for p in ANY_PLACEHOLDER.findall(t)}
        params.update({p: "x" for p in NOT_COUNTS if p in params})
        render(code, params, "zh")
        english = render(code, params, "en")
        problem = _count_problem(english, count)
        if problem or "(s)" in english:
            wrong[code] = english
    assert wrong == {}


@pytest.mark.parametrize("count", [1, 2])
def test_english_gui_counts_in_agreement(english: None, count: int) -> None:
    """The GUI's texts likewise, through tr(text, note, **params): "{n} rows" read "1 rows"."""
    from desktop.i18n import tr, ui_catalogue

    wrong: dict[str, str] = {}
    for key, value in ui_catalogue().items():
        text, _, note = key.partition("|")
        params = {p: count for p in ANY_PLACEHOLDER.findall(text + value)}
        shown = tr(text, note or None, **params)
        problem = _count_problem(shown, count)
        if problem or "(s)" in shown:
            wrong[key] = shown
    assert wrong == {}


def test_gui_counts_reach_their_words() -> None:
    """A text whose English chooses a word for a count gets the count from tr(text, n=…): a
    caller's own tr(text).format(n=…) (or .replace) would always read the plural."""
    from core.i18n import choose_words
    from desktop.i18n import ui_catalogue

    english = ui_catalogue()

    def chooses(call: ast.Call) -> bool:
        if not (isinstance(call.func, ast.Name) and call.func.id == "tr" and call.args):
            return False
        text = call.args[0]
        if not (isinstance(text, ast.Constant) and isinstance(text.value, str)):
            return False
        found = [v for k, v in english.items() if k.partition("|")[0] == text.value]
        return any(choose_words(v, {}) != v for v in found)

    wrong: list[str] = []
    for path in _sources("desktop"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and chooses(node) and not node.keywords:
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert wrong == []


# --- lists: "a, b" in English ------------------------------------------------------------------


def test_the_gui_lists_with_the_ui_languages_separators() -> None:
    """About 25 places in desktop/ joined lists with "、" / "；" / "，" in English too ("2024-05、
    2024-06", the refused files, the import wizard's notes): they list with listed()."""
    wrong = []
    for path in _sources("desktop"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "join"
                and isinstance(node.func.value, ast.Constant)
                and node.func.value.value in ("、", "；", "，")
            ):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert wrong == []


def test_listed_texts_in_english(english: None) -> None:
    from desktop.viewmodels.import_wizard_vm import months_text

    assert months_text(["2024-05", "2024-06"]) == "2024-05, 2024-06"


def test_core_lists_names_in_the_sentences_language() -> None:
    """Core's messages got their lists pre-joined with "、": "Creators 达人A、达人B are none of …"."""
    from core.domain import explain as ex
    from core.errors import ValidationError

    error = ValidationError(
        "imports.accounts_unknown", file="f.xlsx", accounts=ex.joined(["达人A", "达人B"], ex.NAMES)
    )
    assert "达人A, 达人B" in error.text("en")
    assert "达人A、达人B" in error.text("zh")
