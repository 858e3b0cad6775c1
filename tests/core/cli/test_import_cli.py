"""tidui-cli import / undo-import end to end: a company from --template beauty, the sample roster and
store owners, then every store export, re-imports and undo, checked in the JSON of docs/cli.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.conftest import SAMPLES

PASSWORD = "owner-pass-1"
DAILY = SAMPLES / "【生意参谋平台】店铺整体_日_悦颜美妆旗舰店_2024-01-01_2024-06-30.xls"
MONTHLY = SAMPLES / "生意参谋_交易概况_月_悦颜美妆专营店_2023-01_2024-06.xlsx"
TAOBAO = SAMPLES / "ExportOrderList202406.csv"
DOUYIN = SAMPLES / "抖店订单导出_2024-06.xlsx"
LIVE = SAMPLES / "直播间列表_2024-06-01_2024-06-30.xlsx"
CLI_KEYS = ["batch", "source", "rows", "imported", "skipped", "errors", "months"]


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TIDUI_TEST_FAST_KDF": "1", "TIDUI_PASSWORD": PASSWORD}
    return subprocess.run(
        [sys.executable, "-m", "core.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


def run_json(*args: str | Path) -> dict[str, Any]:
    done = run_cli(*args, "--json")
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    return found


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A --template beauty company with the sample roster and store owners imported."""
    path = tmp_path_factory.mktemp("cli") / "悦颜.tidui"
    made = run_cli("init", path, "--company", "悦颜美妆", "--owner", "boss", "--template", "beauty")
    assert made.returncode == 0, made.stderr
    for name, kind, rows in (
        ("员工花名册.xlsx", "roster", 15),
        ("店铺负责人.xlsx", "store-owners", 6),
    ):
        found = run_json("import", path, SAMPLES / name)
        assert (found["source"], found["rows"], found["imported"]) == (kind, rows, rows)
    return path


def test_json_has_the_keys_of_cli_md_first(company: Path) -> None:
    found = run_json("import", company, LIVE, "--dry-run")
    assert list(found)[: len(CLI_KEYS)] == CLI_KEYS
    assert found["batch"] is None and found["dry_run"] is True
    assert found["source"] == "douyin-live" and found["months"] == ["2024-06"]
    assert isinstance(found["errors"], list) and found["rows"] == found["imported"] == 21


def test_every_store_export_imports_with_its_rows_and_months(company: Path) -> None:
    daily = pd.read_excel(DAILY, header=3, dtype=str, engine="calamine")
    monthly = pd.read_excel(MONTHLY, header=2, dtype=str, engine="calamine")
    taobao = pd.read_csv(TAOBAO, encoding="gb18030", dtype=str)
    douyin = pd.read_excel(DOUYIN, dtype=str, engine="calamine")
    expected = {
        DAILY: ("sycm-shop", len(daily), len(daily), sorted(daily["统计日期"].str[:7].unique())),
        MONTHLY: ("sycm-shop", len(monthly), len(monthly), sorted(monthly["日期"].unique())),
        TAOBAO: (
            "taobao-orders",
            len(taobao),
            int((taobao["订单状态"] != "交易关闭").sum()),
            sorted(
                pd.to_datetime(taobao["订单付款时间 "].str.strip(), errors="coerce")
                .fillna(pd.to_datetime(taobao["订单创建时间"].str.strip()))
                .where(taobao["订单状态"] != "交易关闭")
                .dropna()
                .dt.strftime("%Y-%m")
                .unique()
            ),
        ),
        DOUYIN: (
            "douyin-orders",
            len(douyin),
            int((douyin["订单状态"] != "已关闭").sum()),
            ["2024-06"],
        ),
    }
    for path, (kind, rows, imported, months) in expected.items():
        found = run_json("import", company, path)
        assert isinstance(found["batch"], int), path.name
        assert (found["source"], found["rows"], found["imported"]) == (kind, rows, imported)
        assert found["skipped"] == rows - imported and found["errors"] == []
        assert found["months"] == months, path.name
    # the KPI engine sees them: eligibility runs over the imported months
    done = run_cli("eligibility", company, "--as-of", "2024-06", "--json")
    assert done.returncode == 0, done.stderr
    assert any(item["employee"] == "E004" for item in json.loads(done.stdout))


def test_reimport_skips_by_default_fails_or_replaces_on_request_and_undo(company: Path) -> None:
    first = run_json("import", company, LIVE)
    assert isinstance(first["batch"], int)

    again = run_json("import", company, LIVE)
    assert (
        again["batch"] is None
        and again["imported"] == 0
        and again["duplicate_of"] == first["batch"]
    )
    assert any("--on-duplicate replace" in note for note in again["notes"])

    failed = run_cli("import", company, LIVE, "--on-duplicate", "fail")
    assert failed.returncode == 1 and failed.stdout == ""
    assert len(failed.stderr.strip().splitlines()) == 1 and str(first["batch"]) in failed.stderr

    replaced = run_json("import", company, LIVE, "--on-duplicate", "replace")
    assert replaced["replaced"] == 21 and replaced["imported"] == 21

    refused = run_cli("undo-import", company, str(first["batch"]))
    assert refused.returncode == 1 and str(replaced["batch"]) in refused.stderr

    undone = run_json("undo-import", company, str(replaced["batch"]))
    assert undone == {"batch": replaced["batch"], "file": LIVE.name, "removed": 21, "restored": 21}
    undone = run_json("undo-import", company, str(first["batch"]))
    assert (undone["removed"], undone["restored"]) == (21, 0)
    twice = run_cli("undo-import", company, str(first["batch"]), "--lang", "en")
    assert twice.returncode == 1 and "already undone" in twice.stderr


def test_text_output_names_the_batch_and_counts(company: Path) -> None:
    done = run_cli("import", company, LIVE, "--dry-run")
    assert done.returncode == 0 and "试导入" in done.stdout and "21" in done.stdout


def test_text_output_says_which_rows_were_skipped_and_why(company: Path, tmp_path: Path) -> None:
    """ "跳过 13 行" and nothing else: the 12 closed orders and the 合计 row under the table were
    counted with no word of which or why."""
    raw = TAOBAO.read_bytes()
    totals = "合计,,,,,,,,\r\n".encode("gb18030")
    export = tmp_path / "ExportOrderList202406.csv"
    export.write_bytes(raw + (b"" if raw.endswith(b"\n") else b"\r\n") + totals)
    done = run_cli("import", company, export, "--dry-run")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("跳过 12 笔状态为“交易关闭”的订单") for line in lines), lines
    assert any("合计/平均行，已跳过" in line for line in lines), lines
    english = run_cli("import", company, export, "--dry-run", "--lang", "en")
    assert 'Skipped 12 orders with status "交易关闭"' in english.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--store", "没有这个店"], ["没有这个店", "悦颜美妆旗舰店", "--store"]),
        (["--source", "jd-orders"], ["jd-orders", "taobao-orders"]),
        (["--source", "douyin-live"], ["--source", "sycm-shop"]),
    ],
    ids=["unknown store", "unknown source", "wrong source"],
)
def test_user_errors_exit_1_with_one_clear_line(
    company: Path, args: list[str], words: list[str]
) -> None:
    done = run_cli("import", company, DAILY, *args)
    assert done.returncode == 1 and done.stdout == ""
    line = done.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    for word in words:
        assert word in line


def test_a_broken_file_exits_1_before_asking_for_a_password(company: Path, tmp_path: Path) -> None:
    broken = tmp_path / "坏文件.xlsx"
    broken.write_bytes(MONTHLY.read_bytes()[:3000])
    env = {**os.environ, "TIDUI_TEST_FAST_KDF": "1"}
    env.pop("TIDUI_PASSWORD", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "core.cli.main",
            "--lang",
            "en",
            "import",
            str(company),
            str(broken),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1
    assert "坏文件.xlsx" in done.stderr and "damaged" in done.stderr


def test_usage_errors_exit_2(company: Path) -> None:
    assert run_cli("import", company).returncode == 2
    assert run_cli("import", company, LIVE, "--on-duplicate", "maybe").returncode == 2
    assert run_cli("undo-import", company, "abc").returncode == 2


def test_douyin_orders_through_outside_creators_import_and_are_listed(
    company: Path, tmp_path: Path
) -> None:
    douyin = pd.read_excel(DOUYIN, dtype=str, engine="calamine")
    outside = douyin["达人昵称"] == "-"  # orders with no creator: give them an outside affiliate
    douyin.loc[outside, "达人昵称"] = "美妆达人小鹿"
    path = tmp_path / "抖店订单导出_2024-06_达人.xlsx"
    douyin.to_excel(path, index=False)
    counted = douyin[outside & (douyin["订单状态"] != "已关闭")]
    amount = pd.to_numeric(counted["订单应付金额"].str.replace(",", "")).sum()

    found = run_json("import", company, path, "--dry-run")  # no --unmatched-accounts needed

    assert list(found)[: len(CLI_KEYS)] == CLI_KEYS
    # (an earlier test may have imported the original file: those lines are duplicates here)
    assert found["imported"] + found["duplicates"] == int((douyin["订单状态"] != "已关闭").sum())
    assert found["unmatched_creators"] == [
        {
            "name": "美妆达人小鹿",
            "orders": counted["主订单编号"].nunique(),
            "gmv": round(float(amount), 2),
        }
    ]
    assert any("美妆达人小鹿" in note for note in found["notes"])
    # the old option still refuses on request
    refused = run_cli("import", company, path, "--dry-run", "--unmatched-accounts", "fail")
    assert refused.returncode == 1 and "美妆达人小鹿" in refused.stderr
