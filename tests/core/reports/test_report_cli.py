"""tidui-cli report end to end, in a subprocess, on the demo company with a decided case."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from core.model import FileMeta
from core.reports import templates
from core.services.admin import auth
from tests.core.reports.support import (
    CYCLE,
    PASSWORD,
    DemoCases,
    assert_cjk_embedded,
    flat,
    pdftext,
)


def cli(*args: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TIDUI_TEST_FAST_KDF": "1", "TIDUI_PASSWORD": PASSWORD}
    extra = ["--user", user] if user else []
    return subprocess.run(
        [sys.executable, "-m", "core.cli.main", *args, *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_each_kind_for_one_employee(demo_cases: DemoCases, tmp_path: Path) -> None:
    file = str(demo_cases.path)
    runs = {
        "evaluation": ["--employee", "E006", "--case", str(demo_cases.decided)],
        "letter": ["--employee", "E006"],
        "announcement": ["--cycle", CYCLE],
        "progress": ["--employee", "E004"],
    }
    for kind, args in runs.items():
        out = tmp_path / f"{kind}.pdf"
        done = cli("report", file, "--kind", kind, *args, "--out", str(out))
        assert done.returncode == 0, done.stderr
        assert str(out) in done.stdout
        assert_cjk_embedded(out)
    assert "孙悦" in flat(pdftext(tmp_path / "evaluation.pdf"))
    assert "{" not in pdftext(tmp_path / "letter.pdf")
    assert "陈静" in flat(pdftext(tmp_path / "progress.pdf"))


def test_all_writes_one_pdf_per_active_employee(demo_cases: DemoCases, tmp_path: Path) -> None:
    folder = tmp_path / "sheets"
    done = cli(
        "report", str(demo_cases.path), "--employee", "all", "--kind", "progress",
        "--out", str(folder), "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert len(result["written"]) == 14 and result["skipped"] == []  # the demo's payroll
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        Path(p).name for p in result["written"]
    )
    evaluations = cli(
        "report", str(demo_cases.path), "--employee", "all", "--kind", "evaluation",
        "--cycle", CYCLE, "--out", str(tmp_path / "ev"),
    )  # fmt: skip
    assert evaluations.returncode == 0, evaluations.stderr
    assert len(list((tmp_path / "ev").glob("*.pdf"))) >= 2


def _one_clear_line(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_bad_input_exits_1_with_one_clear_line(demo_cases: DemoCases, tmp_path: Path) -> None:
    file = str(demo_cases.path)
    out = str(tmp_path / "x.pdf")
    _one_clear_line(
        cli("report", file, "--employee", "E999", "--kind", "progress", "--out", out), "E999"
    )
    _one_clear_line(
        cli("report", file, "--employee", "E004", "--kind", "letter", "--out", out), "陈静"
    )
    _one_clear_line(
        cli("report", file, "--employee", "E006", "--kind", "evaluation", "--case", "999",
            "--out", out),
        "999",
    )  # fmt: skip
    _one_clear_line(
        cli("report", file, "--employee", "E006", "--kind", "progress", "--out", str(tmp_path)),
        str(tmp_path),
    )
    # a supervisor may not print
    _one_clear_line(
        cli("report", file, "--employee", "E006", "--kind", "progress", "--out", out, user="lina")
    )
    assert not Path(out).exists()
    usage = cli("report", file, "--employee", "E006", "--kind", "memo", "--out", out)
    assert usage.returncode == 2


def test_a_placeholder_without_a_value_refuses_the_letter(
    demo_cases: DemoCases, tmp_path: Path
) -> None:
    app = auth.log_in(demo_cases.path, "demo", PASSWORD)
    try:
        with app.uow() as uow:  # as an older file could hold it, bypassing the editor's check
            uow.session.merge(
                FileMeta(key=templates.LETTER_KEY, value="{姓名}，你的{职务}已调整。")
            )
            uow.commit()
    finally:
        app.close(backup=False)
    out = tmp_path / "letter.pdf"
    try:
        done = cli("report", str(demo_cases.path), "--employee", "E006", "--kind", "letter",
                   "--out", str(out))  # fmt: skip
        _one_clear_line(done, "{职务}")
        assert not out.exists()
        english = cli("--lang", "en", "report", str(demo_cases.path), "--employee", "E006",
                      "--kind", "letter", "--out", str(out))  # fmt: skip
        _one_clear_line(english, "{职务}", "no value")
    finally:
        app = auth.log_in(demo_cases.path, "demo", PASSWORD)
        try:
            templates.set_letter_template(app, None)
        finally:
            app.close(backup=False)
