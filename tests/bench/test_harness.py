"""The benchmark harness: runs workloads in their own processes, writes results.json, never rots."""

from __future__ import annotations

import importlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import harness
from bench.workloads import WORKLOADS

ROOT = Path(__file__).resolve().parents[2]
TOY = "tests.bench.toy_workload"
BROKEN = "tests.bench.toy_broken"
SLOT = "tests.bench.toy_slot"  # bench.workloads.reports was the slot until issue 14 built it

WORKLOAD_FIELDS = {
    "number", "name", "title", "baseline", "size", "status", "reason", "warmup", "repeats",
    "median_s", "times_s", "baseline_median_s", "baseline_times_s", "ratio", "target_ratio",
    "absolute_limit_s", "memory_limit_mb", "peak_mb", "baseline_peak_mb", "build_s", "checks",
    "note", "load_avg", "rounds",
}  # fmt: skip


@pytest.fixture(scope="module")
def toy_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    out = tmp_path_factory.mktemp("bench") / "results.json"
    printed = io.StringIO()
    harness.run_all([TOY, SLOT, BROKEN], quick=False, out=out, repeats=2, stream=printed)
    return json.loads(out.read_text(encoding="utf-8")), printed.getvalue()


def test_results_json_has_the_documented_fields(toy_run: tuple[dict, str]) -> None:
    document, _ = toy_run
    assert document["schema"] == harness.RESULTS_SCHEMA
    assert document["quick"] is False
    assert {"python", "platform", "cpus"} <= set(document["machine"])
    assert [w["name"] for w in document["workloads"]] == ["toy", "toy_slot", "toy_broken"]
    for workload in document["workloads"]:
        assert set(workload) == WORKLOAD_FIELDS


def test_a_workload_is_timed_against_its_baseline(toy_run: tuple[dict, str]) -> None:
    toy = toy_run[0]["workloads"][0]
    assert toy["status"] == "pass"
    assert toy["size"] == 20 and toy["repeats"] == 2 and toy["warmup"] == 1
    assert toy["rounds"] == 2  # one baseline and one feature process per round
    assert len(toy["times_s"]) == 2 and len(toy["baseline_times_s"]) == 2
    # 20 ms of sleep against 80 ms: medians and their ratio say so
    assert 0.02 <= toy["median_s"] < 0.08 <= toy["baseline_median_s"]
    assert toy["ratio"] == pytest.approx(toy["median_s"] / toy["baseline_median_s"])
    assert toy["ratio"] < 1.0
    assert toy["checks"] == {"ratio": True, "absolute": True, "memory": True}
    if sys.platform != "win32":
        assert 1 < toy["peak_mb"] < 1000
    assert toy["build_s"] is not None


def test_slots_are_skipped_with_their_reason_and_crashes_are_errors(
    toy_run: tuple[dict, str],
) -> None:
    _, slot, broken = toy_run[0]["workloads"]
    assert slot["status"] == "skipped"
    assert slot["reason"] == "toy feature not yet built"
    assert slot["median_s"] is None
    assert broken["status"] == "error"
    assert "the feature broke" in broken["reason"]


def test_the_printed_table_shows_every_workload(toy_run: tuple[dict, str]) -> None:
    _, printed = toy_run
    header = next(line for line in printed.splitlines() if line.startswith("#"))
    for column in ("workload", "median s", "baseline s", "ratio", "target", "result", "peak MB"):
        assert column in header
    rows = {
        line.split()[1]: line for line in printed.splitlines() if line[:2] in ("90", "92", "91")
    }
    assert "pass" in rows["toy"] and "≤1×" in rows["toy"]
    assert "skip" in rows["toy_slot"]
    assert "ERROR" in rows["toy_broken"]
    assert "toy feature not yet built" in printed


def test_every_workload_module_has_the_interface() -> None:
    numbers = []
    for name in WORKLOADS:
        module = importlib.import_module(name)
        numbers.append(module.NUMBER)
        assert name.rsplit(".", 1)[-1] == module.NAME
        assert module.TITLE and callable(module.run)
        full, quick = module.SIZES
        assert 0 < quick <= full
        assert any(
            getattr(module, limit, None) is not None
            for limit in ("TARGET_RATIO", "ABSOLUTE_LIMIT_S")
        )
        if getattr(module, "TARGET_RATIO", None) is not None:
            assert callable(module.baseline) and module.BASELINE
    assert sorted(numbers) == list(range(1, len(WORKLOADS) + 1))


def test_quick_runs_use_the_small_sizes(tmp_path: Path) -> None:
    out = tmp_path / "quick.json"
    harness.run_all([TOY], quick=True, out=out, stream=io.StringIO())
    toy = json.loads(out.read_text(encoding="utf-8"))["workloads"][0]
    assert toy["size"] == 10 and toy["repeats"] == harness.QUICK_REPEATS and toy["rounds"] == 1
    assert toy["status"] == "pass"


def test_the_command_line_lists_and_refuses_unknown_names(tmp_path: Path) -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "bench", "--list"], cwd=ROOT, capture_output=True, text=True
    )
    assert listed.returncode == 0
    assert "import_xlsx" in listed.stdout and "startup" in listed.stdout
    unknown = subprocess.run(
        [sys.executable, "-m", "bench", "--only", "nonsense", "--out", str(tmp_path / "r.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert unknown.returncode == 2
    assert "no workload matches nonsense" in unknown.stderr
    assert not (tmp_path / "r.json").exists()


def test_the_reports_workload_builds_on_todays_demo(tmp_path: Path) -> None:
    """The reports workload opens its own case on the demo file; when the demo grew open cases
    of its own (issue 19) the build refused ("已有进行中的申请") and CI's bench --quick crashed."""
    from bench.workloads import reports

    reports.build(1, tmp_path)
    state = reports.prepare(1, tmp_path)
    try:
        reports.reset(state)
        reports.run(state)
        assert (state.out / "000.pdf").read_bytes().startswith(b"%PDF")
    finally:
        reports.finish(state)
