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
# the smoke run's log lines, a regular expression over core's messages, file names, the name of
# the language itself, and the currency choices (names with their codes).
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
    "人民币 CNY ¥",
    "港币 HKD",
    "美元 USD $",
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
