"""tidui-cli import FILE DIR_OR_FILES…: a folder of the month's exports, each file its own batch, the
same per-file JSON in a list, exit 1 naming each file that needed a decision or failed (docs/cli.md)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tests.core.cli.test_import_cli import CLI_KEYS, run_cli
from tests.core.services.test_import_month import unknown_store


@pytest.fixture
def company(tmp_path: Path) -> Path:
    path = tmp_path / "悦颜.tidui"
    made = run_cli("init", path, "--company", "悦颜美妆", "--owner", "boss", "--template", "beauty")
    assert made.returncode == 0, made.stderr
    # the 评估打分 sample's scores belong to a cycle the owner opened
    opened = run_cli("cycle", "open", path, "--name", "2024上半年", "--as-of", "2024-06")
    assert opened.returncode == 0, opened.stderr
    return path


def test_a_folder_of_the_ten_samples_imports_every_file_in_order(
    company: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "六月"
    shutil.copytree(SAMPLES, folder)
    done = run_cli("import", company, folder, "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert len(found) == 10 and {f["status"] for f in found} == {"imported"}
    assert [f["source"] for f in found][:2] == ["roster", "store-owners"]
    for item in found:
        assert list(item)[: len(CLI_KEYS)] == CLI_KEYS
        assert Path(item["file"]).parent == folder and isinstance(item["batch"], int)
    assert sorted(f["batch"] for f in found) == list(range(1, 11))
    # the next month's run finds them all imported: nothing to do, nothing wrong
    again = run_cli("import", company, folder)
    assert again.returncode == 0 and again.stdout.count("已跳过") == 10


def test_files_that_need_a_decision_or_fail_are_named_and_the_others_go_in(
    company: Path, tmp_path: Path
) -> None:
    live = tmp_path / "直播间列表_2024-06-01_2024-06-30.xlsx"
    shutil.copy(SAMPLES / live.name, live)
    for name in ("员工花名册.xlsx", "店铺负责人.xlsx"):
        shutil.copy(SAMPLES / name, tmp_path / name)
    copy = tmp_path / "员工花名册 (1).xlsx"
    shutil.copy(SAMPLES / "员工花名册.xlsx", copy)
    strange = unknown_store(tmp_path / "生意参谋_交易概况_月_悦颜美妆折扣店_2023-01_2024-06.xlsx")
    broken = tmp_path / "坏文件.xlsx"
    broken.write_bytes((SAMPLES / "评估打分.xlsx").read_bytes()[:2000])
    files = [
        live,
        strange,
        broken,
        copy,
        tmp_path / "员工花名册.xlsx",
        tmp_path / "店铺负责人.xlsx",
    ]
    done = run_cli("import", company, *files, "--json")
    assert done.returncode == 1
    found = {Path(f["file"]).name: f for f in json.loads(done.stdout)}
    assert {n: f["status"] for n, f in found.items()} == {
        "员工花名册.xlsx": "imported",
        "店铺负责人.xlsx": "imported",
        live.name: "imported",
        strange.name: "needs_decision",
        broken.name: "failed",
        copy.name: "skipped",
    }
    assert found[strange.name]["question"] == "store"
    assert found[copy.name]["same_as"].endswith("员工花名册.xlsx")
    named = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(named) == 2
    assert any(strange.name in line and "悦颜美妆折扣店" in line for line in named)
    assert any(broken.name in line for line in named) and "Traceback" not in done.stderr


def test_one_file_options_are_refused_for_several_files(company: Path, tmp_path: Path) -> None:
    done = run_cli("import", company, SAMPLES, "--store", "悦颜美妆旗舰店")
    assert done.returncode == 2 and "--store" in done.stderr
