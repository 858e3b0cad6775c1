"""tidui-cli dashboard on the demo company, in a subprocess: docs/cli.md's JSON, the text, the errors.

The demo's story (core/services/demo.py): 孙悦 (E006) is ready for 运营专员 as of 2024-06, 陈静
(E004) is close to 运营主管, nobody is ready for 运营总监; 郭强 (E013) left on 2023-09-15, inside
the 12 months ending 2024-06, 胡月 (E012) on 2023-06-30, just outside them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.services.demo import create_demo

PASSWORD = "tidui-demo"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TIDUI_TEST_FAST_KDF": "1", "TIDUI_PASSWORD": PASSWORD}
    return subprocess.run(
        [sys.executable, "-m", "core.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.tidui"
    create_demo(path)
    return path


def test_dashboard_json_on_the_demo(demo_file: Path) -> None:
    done = run_cli("dashboard", str(demo_file), "--user", "demo", "--as-of", "2024-06", "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["as_of"] == "2024-06"
    shop = next(t for t in found["tracks"] if t["track"] == "店铺运营")
    levels = {lv["level"]: lv for lv in shop["levels"]}
    assert levels["运营专员"] == {
        "level": "运营专员",
        "headcount": 1,
        "ready_in": 1,
        "nearly_in": 0,
    }
    assert levels["运营总监"]["headcount"] == 1 and levels["运营总监"]["ready_in"] == 0
    assert levels["运营助理"]["headcount"] == 2  # 孙悦, 周杰 (胡月 has left)
    assert {"level": "运营总监", "text": "运营总监：无人达标 — 梯队断层"} in found["gaps"]
    # 2023-07..2024-06: 郭强, 赵宇, 钱蕾 left (3); month-end head-counts sum to 173 over 12
    assert found["turnover"] == {"rolling_12m_pct": 20.81, "separations": 3, "avg_headcount": 14.42}
    # the finished cycle 2023下半年: five cases, each decided within a day
    assert found["cases"] == {
        "decided": 5,
        "avg_days": 0.66,
        "max_days": 0.83,
        "open": 4,
        "ended": {"rejected": 1},
    }
    assert {"employee": "E006", "performance": 3, "potential": 3} in found["nine_box"]
    assert found["nine_box_period"] == "2024上半年"
    assert "运营专员：1人；1名运营助理达到运营专员标准" in found["sentences"]
    shares = {b["month"]: b["live_share"] for b in found["business"]}
    assert shares["2023-06"] < 0.12 and shares["2024-06"] > 0.28  # the live rooms' year
    cohorts = found["retention"]  # one per hire year 2022..2024, the last cut at the as-of month
    assert [(c["first"], c["last"]) for c in cohorts] == [
        ("2022-01", "2022-12"),
        ("2023-01", "2023-12"),
        ("2024-01", "2024-06"),
    ]
    assert all(0 <= c["stayed"] <= c["hired"] for c in cohorts)


def test_dashboard_text_and_errors(demo_file: Path) -> None:
    done = run_cli("dashboard", str(demo_file), "--user", "demo", "--as-of", "2024-06")
    assert done.returncode == 0, done.stderr
    assert "梯队健康度（截至2024年6月）" in done.stdout
    assert "运营总监：无人达标 — 梯队断层" in done.stdout
    english = run_cli("--lang", "en", "dashboard", str(demo_file), "--user", "demo")
    assert "No one is ready for 运营总监: pipeline gap" in english.stdout
    bad = run_cli("dashboard", str(demo_file), "--as-of", "2024-13")
    assert bad.returncode == 1 and "2024-13" in bad.stderr
    missing = run_cli("dashboard", str(demo_file.with_name("nope.tidui")))
    assert missing.returncode == 1
