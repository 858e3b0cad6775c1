"""tidui-cli cycle / case / cases / export end to end, as docs/cli.md specifies them, on a company built
from the sample exports with `init` and `import` (not the demo), with three users."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLES

OWNER_PW = "owner-pass-1"
OTHER_PW = "other-pass-1"
CASE_KEYS = {
    "case", "employee", "name", "from", "to", "cycle", "state", "waiting_for", "steps",
    "scores", "criteria", "salary_band", "suggested_salary", "decision",
}  # fmt: skip


def cli(*args: str, user: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TIDUI_TEST_FAST_KDF": "1",
        "TIDUI_PASSWORD": OWNER_PW if user in (None, "boss") else OTHER_PW,
        "TIDUI_NEW_PASSWORD": OTHER_PW,
    }
    extra = ["--user", user] if user else []
    return subprocess.run(
        [sys.executable, "-m", "core.cli.main", *args, *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


def ok(*args: str, user: str | None = None) -> Any:
    done = cli(*args, user=user)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if "--json" in args else done.stdout


def refused(*args: str, user: str | None = None) -> str:
    done = cli(*args, user=user)
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "beauty.tidui"
    ok(
        "init",
        str(path),
        "--company",
        "测试美妆",
        "--owner",
        "boss",
        "--template",
        "beauty",
        "--json",
    )
    for name in (
        "员工花名册.xlsx",
        "店铺负责人.xlsx",
        "成果记录.xlsx",
        "生意参谋_交易概况_月_悦颜美妆专营店_2023-01_2024-06.xlsx",
    ):
        ok("import", str(path), str(SAMPLES / name), "--json")
    ok("user", "add", str(path), "--login", "hr1", "--role", "hr")
    ok("user", "add", str(path), "--login", "lina", "--role", "supervisor", "--employee", "E002")
    return path


def test_a_case_runs_from_the_cycle_to_the_effective_date_through_the_cli(company: Path) -> None:
    f = str(company)
    cycle = ok("cycle", "open", f, "--name", "2024上半年", "--as-of", "2024-06", "--json")
    assert (
        cycle["name"] == "2024上半年" and cycle["as_of"] == "2024-06" and cycle["state"] == "open"
    )
    assert [c["name"] for c in ok("cycle", "list", f, "--json")] == ["2024上半年"]
    line = refused(
        "case", "create", f, "--employee", "E004", "--to", "运营主管", "--cycle", "2024上半年"
    )
    assert "提名理由" in line
    case = ok("case", "create", f, "--employee", "E004", "--to", "运营主管", "--cycle", "2024上半年",
              "--reason", "带队完成618", "--json")  # fmt: skip
    assert set(case) >= CASE_KEYS
    assert (case["employee"], case["from"], case["to"]) == ("E004", "运营专员", "运营主管")
    assert (case["state"], case["waiting_for"], case["cycle"]) == (
        "submitted",
        "supervisor",
        "2024上半年",
    )
    assert case["decision"] is None and all(
        {"rule", "met", "observed", "required"} <= set(c) for c in case["criteria"]
    )
    cid = str(case["case"])
    assert "直属上级" in refused("case", "act", f, cid, "--approve", user="hr1")
    assert [c["case"] for c in ok("cases", f, "--mine", "--json", user="lina")] == [case["case"]]
    assert ok("cases", f, "--mine", "--json", user="hr1") == []
    step = ok("case", "act", f, cid, "--approve", "--comment", "同意", "--json", user="lina")
    assert step["state"] == "in_review" and step["waiting_for"] == "hr"
    assert ok("case", "act", f, cid, "--approve", "--json", user="hr1")["waiting_for"] == "owner"
    assert "权限" in refused(
        "case", "decide", f, cid, "--salary", "11000", "--effective", "2024-07-01", user="hr1"
    )
    done = ok("case", "act", f, cid, "--approve", "--json")
    assert done["state"] == "approved"
    low, high = done["salary_band"]
    assert "带宽" in refused(
        "case", "decide", f, cid, "--salary", str(high + 1), "--effective", "2024-07-01"
    )
    effective = (date.today() - timedelta(days=1)).isoformat()
    decided = ok("case", "decide", f, cid, "--salary", str(low), "--effective", effective, "--json")
    assert decided["state"] == "effective" and decided["decision"]["salary"] == low
    assert decided["decision"]["effective"] == effective
    # permissions default to the new level's (Template B: the supervisor's)
    assert decided["decision"]["permissions"] == ["决定新品上线策略", "团队招聘权"]
    assert [s["action"] for s in decided["steps"]][-2:] == ["decide", "effective"]
    again = ok("case", "show", f, cid, "--json")
    assert again["criteria"] == decided["criteria"]  # the snapshot
    assert "已结束" in refused("case", "act", f, cid, "--approve")
    roster = ok("eligibility", f, "--json")
    assert not any(e["employee"] == "E004" and e["from"] == "运营专员" for e in roster)
    listed = ok("cases", f, "--state", "effective", "--json")
    assert [c["case"] for c in listed] == [case["case"]]


def test_salary_changes_export_is_formula_safe(company: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "salary.xlsx"
    ok("export", str(company), "--what", "salary-changes", "--out", str(out))
    sheet = load_workbook(out).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["工号", "姓名"] and "新月薪" in header
    out2 = tmp_path / "evaluations.xlsx"
    ok("export", str(company), "--what", "evaluations", "--out", str(out2))
    assert load_workbook(out2).active is not None


def test_usage_and_user_errors_have_their_exit_codes(company: Path) -> None:
    f = str(company)
    assert cli("case", "act", f, "1").returncode == 2  # no --approve/--reject/--return
    assert "找不到" in refused("case", "show", f, "999")
    assert "评审周期" in refused(
        "case", "create", f, "--employee", "E006", "--to", "运营专员", "--cycle", "没有这个"
    )
