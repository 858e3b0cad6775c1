"""Crash reports and the support log carry no secrets or personal data, and still say where."""

from __future__ import annotations

import logging
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from core import __version__, diagnostics

SECRETS = [
    "hunter2-Pa55",  # a password, written as password=...
    "330102199001011234",  # ID card number
    "13812345678",  # mobile phone
    "wang.fang@example.com",
    "王芳",  # a person's name
    "0f1e2d3c-4b5a6978-8796a5b4-c3d2e1f0-00112233-44556677-8899aabb-ccddeeff",  # recovery key
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",  # raw key / hash
]


def _raise_with_secrets() -> None:
    raise ValueError(
        f"login failed password={SECRETS[0]} for '{SECRETS[4]}' id {SECRETS[1]} "
        f"tel {SECRETS[2]} mail {SECRETS[3]} key {SECRETS[5]} x'{SECRETS[6]}'"
    )


def _report() -> str:
    try:
        _raise_with_secrets()
    except ValueError as exc:
        return diagnostics.crash_report(type(exc), exc, exc.__traceback__, {"where": "test"})
    raise AssertionError("no error raised")


def test_crash_report_says_what_and_where_without_secrets() -> None:
    report = _report()
    for secret in SECRETS:
        assert secret not in report
    assert f"version: {__version__}" in report
    assert "ValueError: login failed password=<hidden>" in report
    assert "_raise_with_secrets" in report and "test_diagnostics.py" in report
    assert "where: test" in report


def test_home_folder_and_user_name_become_placeholders() -> None:
    text = diagnostics.redact(
        'File "C:\\Users\\wangfang\\AppData\\Local\\Tidui\\x.py", user wangfang',
        home="C:\\Users\\wangfang",
        user="wangfang",
    )
    assert "wangfang" not in text
    assert 'File "~\\AppData\\Local\\Tidui\\x.py"' in text


def test_sql_parameters_are_hidden() -> None:
    text = diagnostics.redact(
        "(sqlite3.IntegrityError) UNIQUE constraint failed: employee.no\n"
        "[SQL: INSERT INTO employee (no, name) VALUES (?, ?)]\n"
        "[parameters: ('E001', '王芳')]\n(Background on this error at: https://sqlalche.me/e/20/gkpj)"
    )
    assert "E001" not in text and "王芳" not in text
    assert "UNIQUE constraint failed: employee.no" in text
    assert "[parameters: <hidden>]" in text


def test_ordinary_numbers_and_names_of_code_stay() -> None:
    text = diagnostics.redact("KeyError in metrics.grid at line 120: month 2024-06, 3.5%")
    assert text == "KeyError in metrics.grid at line 120: month 2024-06, 3.5%"


@given(
    st.from_regex(r"[1-6][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])[0-2][0-9]{4}[0-9X]", fullmatch=True)
)
def test_any_id_card_number_is_hidden(number: str) -> None:
    assert number not in diagnostics.redact(f"bad value {number} in row 3")


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1))
def test_any_chinese_text_is_hidden(name: str) -> None:
    assert name not in diagnostics.redact(f"no employee named {name}")


def test_redacting_twice_changes_nothing() -> None:
    """The support log redacts each record, and a crash report logged there is already redacted:
    the placeholders must survive a second pass (they did not: "<中文>" became "<<中文>>")."""
    once = _report()
    assert diagnostics.redact(once) == once
    text = diagnostics.redact("KeyError: 导入 王芳 失败")
    assert text == "KeyError: <chinese> <chinese> <chinese>" == diagnostics.redact(text)


@given(st.text(max_size=80))
def test_redaction_is_idempotent_and_leaves_no_chinese(text: str) -> None:
    once = diagnostics.redact(text, home="/home/wang", user="wang")
    assert diagnostics.redact(once, home="/home/wang", user="wang") == once
    assert not any("\u4e00" <= char <= "\u9fff" for char in once)


def test_reports_are_saved_and_only_the_last_twenty_kept(tmp_path: Path) -> None:
    paths = [diagnostics.write_report(tmp_path, f"report {n}\n") for n in range(25)]
    kept = sorted(tmp_path.glob("crash-*.txt"))
    assert len(kept) == 20
    assert kept[-1] == paths[-1] and kept[-1].read_text(encoding="utf-8") == "report 24\n"


def test_background_errors_are_logged_redacted_and_reported(tmp_path: Path, caplog: object) -> None:
    log_file = tmp_path / "support.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(diagnostics.RedactingFormatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tidui")
    logger.addHandler(handler)
    diagnostics.configure(tmp_path / "logs")
    try:
        try:
            _raise_with_secrets()
        except ValueError as exc:
            saved = diagnostics.record_unexpected(exc, "background job")
    finally:
        diagnostics.configure(None)
        logger.removeHandler(handler)
        handler.close()
    assert saved is not None and saved.parent == tmp_path / "logs"
    logged = log_file.read_text(encoding="utf-8")
    assert "ERROR unexpected error in background job" in logged and "ValueError" in logged
    for secret in SECRETS:
        assert secret not in logged
        assert secret not in saved.read_text(encoding="utf-8")


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="ab1._+-@ ", max_size=40))
@example("1@1.1.@1.1")  # an address right where the one before it ended (found by CI)
def test_e_mail_addresses_are_found_where_the_unbounded_rule_found_them(text: str) -> None:
    """The e-mail rule starts only where a run of address characters starts or an address
    ended (so a long word is not rescanned from every letter); it hides exactly what the rule
    without that did."""
    import re

    from core.diagnostics import _RULES

    unbounded = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
    bounded = next(p for p, r in _RULES if r == "<email>")
    assert bounded.sub("<email>", text) == unbounded.sub("<email>", text)


def test_a_long_chain_of_addresses_and_a_long_word_are_redacted() -> None:
    """40,000 characters of addresses glued together are hidden as the plain rule hides them
    (the chain is where one address starts where the one before ended), and a 40,000-letter
    word is left alone (it took 4 s before the rule was bounded, now milliseconds)."""
    import re

    from core.diagnostics import _RULES

    rule = next(p for p, r in _RULES if r == "<email>")
    chain = "a@b.c.@d.e+" * 4_000
    plain = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+").sub("<email>", chain)
    assert rule.sub("<email>", chain) == plain and "@" not in plain.replace("<email>", "")
    word = "a" * 40_000
    assert rule.sub("<email>", word) == word
