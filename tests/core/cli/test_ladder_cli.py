"""tidui-cli ladder export / import as a script drives them: files, JSON output, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.core.cli.test_cli_foundation import PASSWORD, run_cli

ENV = {"TIDUI_PASSWORD": PASSWORD}


def _init(path: Path, template: str) -> None:
    out = run_cli(
        "init", str(path), "--company", "公司", "--owner", "boss", "--template", template, env=ENV
    )
    assert out.returncode == 0, out.stderr


def test_export_then_import_copies_the_ladder(tmp_path: Path) -> None:
    home, empty = tmp_path / "home.tidui", tmp_path / "empty.tidui"
    _init(home, "home")
    _init(empty, "none")
    exported = tmp_path / "ladder.json"
    out = run_cli("ladder", "export", str(home), "--out", str(exported), "--json", env=ENV)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {
        "file": str(exported),
        "tracks": 1,
        "levels": 4,
        "transitions": 3,
    }
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["format"] == "tidui-ladder"

    out = run_cli("ladder", "import", str(empty), str(exported), "--dry-run", "--json", env=ENV)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["transitions_added"] == 3

    out = run_cli("ladder", "import", str(empty), str(exported), env=ENV)
    assert out.returncode == 0, out.stderr
    assert "新增1个通道、4个职级、3条路径" in out.stdout

    again = tmp_path / "again.json"
    assert run_cli("ladder", "export", str(empty), "--out", str(again), env=ENV).returncode == 0
    assert json.loads(again.read_text(encoding="utf-8")) == data


def test_a_bad_ladder_file_exits_1_with_one_clear_line(tmp_path: Path) -> None:
    target = tmp_path / "t.tidui"
    _init(target, "none")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "tidui-ladder", "tracks": [{"levels": []}]}), "utf-8")
    out = run_cli("--lang", "en", "ladder", "import", str(target), str(bad), env=ENV)
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        "Cannot import bad.json: 1 problem found; the ladder was not changed. "
        "First: tracks[1].name: must not be empty"
    ]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    out = run_cli("ladder", "export", str(tmp_path / "x.tidui"), env=ENV)
    assert out.returncode == 2
