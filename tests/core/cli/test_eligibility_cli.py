"""tidui-cli eligibility end to end: init --template home, the sample roster/owners/achievements and
store exports, then the JSON checked against expectations computed here from the sample files.

Everything goes in through `tidui-cli import`; the expectations are computed here from the sample
files with pandas, independently of the importer.
"""

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
MONTHLY = "生意参谋_交易概况_月_悦颜美妆专营店_2023-01_2024-06.xlsx"
DAILY = "【生意参谋平台】店铺整体_日_悦颜美妆旗舰店_2024-01-01_2024-06-30.xls"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TIDUI_TEST_FAST_KDF": "1", "TIDUI_PASSWORD": PASSWORD}
    return subprocess.run(
        [sys.executable, "-m", "core.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


def _number(text: Any) -> float:
    return float(str(text).replace(",", "").strip())


def monthly_overview() -> pd.DataFrame:
    """The 专营店's monthly overview as numbers, indexed by month (header on the 3rd row)."""
    frame = pd.read_excel(SAMPLES / MONTHLY, header=2, dtype=object, engine="calamine")
    frame = frame[frame["日期"].astype(str).str.match(r"^\d{4}-\d{2}$")]
    out = pd.DataFrame(
        {
            "gmv": frame["支付金额"].map(_number).values,
            "visitors": frame["访客数"].map(_number).values,
            "buyers": frame["支付买家数"].map(_number).values,
            "old": frame["老买家数"].map(_number).values,
        },
        index=frame["日期"].astype(str).values,
    )
    return out


def daily_overview() -> pd.DataFrame:
    frame = pd.read_excel(SAMPLES / DAILY, header=3, dtype=object, engine="calamine")
    frame = frame[frame["统计日期"].astype(str).str.match(r"^\d{4}-\d{2}-\d{2}")]
    return pd.DataFrame(
        {
            "day": pd.to_datetime(frame["统计日期"].astype(str)).dt.date.values,
            "gmv": frame["支付金额"].map(_number).values,
            "visitors": frame["访客数"].map(_number).values,
            "buyers": frame["支付买家数"].map(_number).values,
            "old": frame["老买家数"].map(_number).values,
        }
    )


def fill(path: Path) -> None:
    """What an HR assistant imports, with `tidui-cli import`: roster, store owners, achievements,
    and the two 生意参谋 exports as downloaded (store names from their preambles)."""
    for file_name in (
        "员工花名册.xlsx",
        "店铺负责人.xlsx",
        "成果记录.xlsx",
        MONTHLY,
        DAILY,
    ):
        out = run_cli("import", str(path), str(SAMPLES / file_name), "--json")
        assert out.returncode == 0, out.stderr
        result = json.loads(out.stdout)
        assert result["imported"] > 0, result
        # Template A has only the 店铺运营 track: the other tracks' people are refused, by row
        for error in result["errors"]:
            assert error["row"] >= 2 and error["message"]


@pytest.fixture(scope="module")
def company_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "悦颜家居.tidui"
    out = run_cli(
        "init", str(path), "--company", "悦颜家居", "--owner", "boss", "--template", "home"
    )
    assert out.returncode == 0, out.stderr
    fill(path)
    return path


def test_eligibility_json_matches_the_sample_data(company_file: Path) -> None:
    out = run_cli("eligibility", str(company_file), "--as-of", "2024-06", "--json")
    assert out.returncode == 0, out.stderr
    entries = json.loads(out.stdout)
    found = {(e["employee"], e["to"]): e for e in entries}
    for entry in entries:
        assert set(entry) >= {"employee", "name", "from", "to", "ready", "criteria"}
        for criterion in entry["criteria"]:
            assert set(criterion) >= {"rule", "met", "observed", "required"}
    # departed employees (E012, E013) are never listed; only Template A's track has levels
    assert {no for no, _ in found} == {"E002", "E004", "E006", "E007"}

    # 孙悦 (E006) took the 专营店 over in 2023-07: 运营助理 → 运营专员 as of 2024-06
    monthly = monthly_overview()
    growth = monthly["gmv"].pct_change()
    conversion = monthly["buyers"] / monthly["visitors"]
    sun = found[("E006", "运营专员")]
    assert sun["name"] == "孙悦" and sun["from"] == "运营助理"
    gmv_rule, conversion_rule, launch_rule = sun["criteria"]
    expected_growth = [growth[m] for m in ("2024-04", "2024-05", "2024-06")]
    assert gmv_rule["rule"] == "连续3个月GMV增长率≥15%"
    # rates are judged (and reported) to 0.01 percentage point
    assert gmv_rule["observed"] == pytest.approx(expected_growth, abs=0.00005)
    assert gmv_rule["required"] == 0.15
    assert gmv_rule["met"] is bool(all(g >= 0.15 for g in expected_growth))
    change = conversion["2024-06"] - conversion["2024-03"]
    assert conversion_rule["observed"] == pytest.approx(change, abs=0.0001)
    assert conversion_rule["met"] is bool(change >= 0.02)
    assert launch_rule["observed"] == 2 and launch_rule["met"] is True  # 4月 and 5月 launches
    # the status by hand: nearly = one unmet, or every unmet one within 10% of its threshold
    gaps = [max(0.15 - g for g in expected_growth), 0.02 - change, 0.0]
    met = [gmv_rule["met"], conversion_rule["met"], launch_rule["met"]]
    within = all(
        ok or gap <= 0.1 * t for ok, gap, t in zip(met, gaps, (0.15, 0.02, 2), strict=True)
    )
    expected = "ready" if all(met) else "nearly" if met.count(False) == 1 or within else "not_ready"
    assert sun["status"] == expected == "not_ready"  # the sample shop grows 9%, −3%, 8%
    assert sun["ready"] is False

    # 陈静 (E004) runs the 旗舰店 (daily export Jan–Jun 2024): 运营专员 → 运营主管
    daily = daily_overview()
    daily["month"] = [d.strftime("%Y-%m") for d in daily["day"]]
    months = daily.groupby("month")[["gmv", "buyers", "old"]].sum()
    chen = found[("E004", "运营主管")]
    growth_rule, repurchase_rule, campaign_rule = chen["criteria"]
    # January's growth needs December, which was never imported: that month fails
    assert growth_rule["observed"][0] is None and growth_rule["met"] is False
    assert growth_rule["observed"][1:] == pytest.approx(
        list(months["gmv"].pct_change()[1:]), abs=0.00005
    )
    repurchase = (months["old"] / months["buyers"]).mean()
    assert repurchase_rule["observed"] == pytest.approx(repurchase, abs=0.0001)
    assert repurchase_rule["met"] is bool(repurchase >= 0.30)
    assert campaign_rule["observed"] == 3 and campaign_rule["met"] is True
    assert chen["ready"] is False
    assert chen["missing"] and any("GMV增长率" in m for m in chen["missing"])

    # 李娜 (E002, 运营主管): no evaluation yet, so not ready for 运营总监
    li = found[("E002", "运营总监")]
    assert li["ready"] is False
    assert [c["met"] for c in li["criteria"]] == [False, True]  # score, tenure (since 2021)
    # 周杰 runs a Douyin shop with no data: every KPI rule is unmet
    assert found[("E007", "运营专员")]["status"] == "not_ready"


def test_default_as_of_is_the_last_month_with_data_and_text_output(company_file: Path) -> None:
    out = run_cli("eligibility", str(company_file), "--json")
    assert out.returncode == 0, out.stderr
    assert {e["as_of"] for e in json.loads(out.stdout)} == {"2024-06"}
    text = run_cli("eligibility", str(company_file), "--as-of", "2024-06")
    assert text.returncode == 0, text.stderr
    assert "截至2024年6月" in text.stdout
    assert "E006 孙悦  运营助理 → 运营专员  未达标（1/3项条件已满足）" in text.stdout
    assert "✓ 近3个月完成≥2次新品上线: 已完成2次 (2024-04-12 夏季防晒霜上新" in text.stdout
    english = run_cli("--lang", "en", "eligibility", str(company_file), "--as-of", "2024-06")
    assert english.returncode == 0, english.stderr
    assert "Promotion readiness as of Jun 2024:" in english.stdout
    assert "E006 孙悦  运营助理 → 运营专员  Not ready (1 of 3 criteria met)" in english.stdout
    assert "✗ GMV growth ≥ 15%: met in 0 of the last 3 months (Apr 9.3% ✗" in english.stdout


def test_bad_month_and_wrong_password_exit_1(company_file: Path) -> None:
    bad = run_cli("eligibility", str(company_file), "--as-of", "2024-13")
    assert bad.returncode == 1
    assert bad.stderr.strip() and "Traceback" not in bad.stderr
    env = {**os.environ, "TIDUI_TEST_FAST_KDF": "1", "TIDUI_PASSWORD": "wrong"}
    wrong = subprocess.run(
        [sys.executable, "-m", "core.cli.main", "eligibility", str(company_file)],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
    usage = run_cli("eligibility")
    assert usage.returncode == 2
