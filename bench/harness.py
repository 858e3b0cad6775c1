"""Runs each benchmark workload in fresh processes, takes medians, compares with its baseline.

A workload is a module in bench/workloads/ with this interface (only ``run`` is required):

    NUMBER = 1                      # numbering of issue 7
    NAME = "import_xlsx"            # what --only takes
    TITLE = "导入一个月的抖店订单 / importing a month of orders (.xlsx)"
    BASELINE = 'pandas.read_excel(engine="calamine")'   # what the baseline is, for the table
    SIZES = (100_000, 2_000)        # (full size, --quick size); the workload says what the unit is
    TARGET_RATIO = 1.5              # median / baseline median must be <= this (None: no ratio)
    ABSOLUTE_LIMIT_S = None         # median must be below this many seconds (None: no limit)
    MEMORY_LIMIT_MB = 500           # peak RSS must be below this (None: no limit)
    REPEATS = 5                     # optional: timed repeats of the full size (default 5)
    ROUNDS = 1                      # optional: split the repeats over this many process pairs

    def unavailable() -> str | None     # why the feature cannot run yet: skipped, baseline still measured
    def baseline_unavailable() -> str | None  # why the baseline cannot run either: nothing measured
    def build(size, workdir) -> None    # untimed data generation, in a process of its own
    def prepare(size, workdir) -> state # untimed, in the measuring process
    def prepare_baseline(size, workdir) # optional: the baseline side's own prepare
    def reset(state) -> None            # untimed, before every call
    def run(state) -> None              # the timed feature
    def baseline(state) -> None         # the timed baseline, measured in a separate process
    def finish(state) -> None           # untimed clean-up after the last call
    NOTE = "..."                        # optional: a caveat printed under the table
    def describe(size, workdir) -> str | None  # optional, in the parent after the run: a note
                                        # made of what was measured or built (sizes, counts)

Every side (build, feature, baseline) runs in a fresh ``python -m bench.harness child``
process, so imports, caches and the peak resident memory (``ru_maxrss``) belong to that side
alone. The child does one warm-up call, then its share of the timed calls, and writes its times
and peak memory as JSON for the parent. With ``ROUNDS`` > 1 the baseline and feature processes
alternate, so a change in the machine's load during the run hits both sides alike. The parent never imports a workload's heavy dependencies.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parents[1]
RESULTS_PATH = Path(__file__).resolve().parent / "results.json"
RESULTS_SCHEMA = 1
DEFAULT_REPEATS = 5
QUICK_REPEATS = 3
WARMUP = 1
CHILD_TIMEOUT_S = 1800


def cache_dir() -> Path:
    """Where generated input files are kept between runs (they are seeded, so reusable)."""
    folder = Path(tempfile.gettempdir()) / "tidui-bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def peak_rss_mb() -> float | None:
    """Peak resident memory of this process and of its waited-for children, in MB."""
    try:
        import resource
    except ImportError:  # Windows: no getrusage; the table shows "-"
        return None
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # Linux reports KiB, macOS bytes.
    scale = 1 if sys.platform == "darwin" else 1024
    return round(max(own, children) * scale / 2**20, 1)


# --- the measuring process ---------------------------------------------------------------------


def _child(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.harness child")
    parser.add_argument("--module", required=True)
    parser.add_argument("--phase", choices=["build", "target", "baseline"], required=True)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--warmup", type=int, default=WARMUP)
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS)
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args(argv)
    module = importlib.import_module(args.module)
    args.workdir.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {}
    if args.phase == "build":
        started = time.perf_counter()
        module.build(args.size, args.workdir)
        report["seconds"] = time.perf_counter() - started
    else:
        prepare = getattr(module, "prepare", None)
        if args.phase == "baseline":
            prepare = getattr(module, "prepare_baseline", prepare)
        state = prepare(args.size, args.workdir) if prepare else None
        reset: Callable[[Any], None] | None = getattr(module, "reset", None)
        measured: Callable[[Any], None] = getattr(
            module, "run" if args.phase == "target" else "baseline"
        )
        times: list[float] = []
        for attempt in range(args.warmup + args.repeats):
            if reset is not None:
                reset(state)
            started = time.perf_counter()
            measured(state)
            elapsed = time.perf_counter() - started
            if attempt >= args.warmup:
                times.append(elapsed)
        finish = getattr(module, "finish", None)
        if finish is not None:
            finish(state)
        report["times_s"] = times
    report["peak_mb"] = peak_rss_mb()
    args.result.write_text(json.dumps(report), encoding="utf-8")
    return 0


# --- the parent --------------------------------------------------------------------------------


@dataclass
class WorkloadResult:
    """One line of the table and of results.json (fields documented in bench/README.md)."""

    number: int
    name: str
    title: str
    baseline: str | None
    size: int
    status: str = "skipped"  # pass | fail | skipped | error
    reason: str | None = None
    warmup: int = WARMUP
    repeats: int = 0
    rounds: int = 1
    median_s: float | None = None
    times_s: list[float] = field(default_factory=list)
    baseline_median_s: float | None = None
    baseline_times_s: list[float] = field(default_factory=list)
    ratio: float | None = None
    target_ratio: float | None = None
    absolute_limit_s: float | None = None
    memory_limit_mb: float | None = None
    peak_mb: float | None = None
    baseline_peak_mb: float | None = None
    build_s: float | None = None
    checks: dict[str, bool] = field(default_factory=dict)
    note: str | None = None
    # 1-minute load average when the workload started (None where the OS has none): other
    # programs competing for the CPU make every time longer, the heavier side more so.
    load_avg: float | None = None

    def target_text(self) -> str:
        parts = []
        if self.target_ratio is not None:
            parts.append(f"≤{self.target_ratio:g}×")
        if self.absolute_limit_s is not None:
            parts.append(f"<{self.absolute_limit_s:g} s")
        if self.memory_limit_mb is not None:
            parts.append(f"<{self.memory_limit_mb:g} MB")
        return ", ".join(parts) or "-"


class ChildFailed(Exception):
    """A measuring process crashed or timed out; the message is the end of its stderr."""


def load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):  # Windows
        return None


def busy(load: float | None) -> bool:
    """Whether other work was competing with the benchmark for the processors.

    The benchmark itself keeps about one processor busy, so only a load above the number of
    processors means someone else was running too.
    """
    return load is not None and load > (os.cpu_count() or 1)


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    # Qt has no display on CI; offscreen also keeps start-up runs comparable.
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def _run_child(
    module_name: str,
    phase: str,
    size: int,
    workdir: Path,
    repeats: int,
    warmup: int,
    timeout: float,
) -> dict[str, Any]:
    result_file = workdir / f".{phase}-result.json"
    result_file.unlink(missing_ok=True)
    command = [
        sys.executable, "-m", "bench.harness", "child",
        "--module", module_name, "--phase", phase, "--size", str(size),
        "--workdir", str(workdir), "--warmup", str(warmup), "--repeats", str(repeats),
        "--result", str(result_file),
    ]  # fmt: skip
    try:
        done = subprocess.run(
            command,
            cwd=ROOT,
            env=_child_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise ChildFailed(f"{phase}: no result after {timeout:g} s") from None
    if done.returncode != 0 or not result_file.exists():
        tail = "\n".join(done.stderr.strip().splitlines()[-12:])
        raise ChildFailed(f"{phase} exited with {done.returncode}:\n{tail}")
    report: dict[str, Any] = json.loads(result_file.read_text(encoding="utf-8"))
    return report


def _reason(module: Any, hook: str) -> str | None:
    """A workload's answer to ``unavailable()`` / ``baseline_unavailable()`` (None: it can run)."""
    function = getattr(module, hook, None)
    if function is None:
        return None
    try:
        reason: str | None = function()
    except Exception as exc:  # a half-written feature module is "not available", not a crash
        return f"{type(exc).__name__}: {exc}"
    return reason


def _judge(result: WorkloadResult) -> None:
    checks: dict[str, bool] = {}
    if result.median_s is not None:
        if result.target_ratio is not None and result.ratio is not None:
            checks["ratio"] = result.ratio <= result.target_ratio
        if result.absolute_limit_s is not None:
            checks["absolute"] = result.median_s < result.absolute_limit_s
        if result.memory_limit_mb is not None and result.peak_mb is not None:
            checks["memory"] = result.peak_mb < result.memory_limit_mb
    result.checks = checks
    result.status = "pass" if all(checks.values()) else "fail"


def measure(
    module_name: str,
    quick: bool,
    workdir: Path,
    repeats: int | None = None,
    timeout: float = CHILD_TIMEOUT_S,
    log: Callable[[str], None] = lambda _line: None,
) -> WorkloadResult:
    """Build, run and judge one workload module; never raises for the workload's own failures."""
    module = importlib.import_module(module_name)
    full, small = module.SIZES
    size = small if quick else full
    if repeats is None:
        repeats = QUICK_REPEATS if quick else getattr(module, "REPEATS", DEFAULT_REPEATS)
    has_baseline = hasattr(module, "baseline")
    result = WorkloadResult(
        number=module.NUMBER,
        name=module.NAME,
        title=module.TITLE,
        baseline=getattr(module, "BASELINE", None),
        size=size,
        repeats=repeats,
        target_ratio=getattr(module, "TARGET_RATIO", None),
        absolute_limit_s=getattr(module, "ABSOLUTE_LIMIT_S", None),
        memory_limit_mb=getattr(module, "MEMORY_LIMIT_MB", None),
        note=getattr(module, "NOTE", None),
        load_avg=load_average(),
    )
    result.reason = _reason(module, "unavailable")
    if result.reason is not None and has_baseline:
        has_baseline = _reason(module, "baseline_unavailable") is None
    if result.reason is not None and not has_baseline:
        log(f"  {module.NAME}: skipped ({result.reason})")
        return result
    own_dir = workdir / module.NAME
    own_dir.mkdir(parents=True, exist_ok=True)
    # --quick keeps CI fast: one process per side, its ratios are only indicative anyway
    rounds = 1 if quick else max(1, min(getattr(module, "ROUNDS", 1), repeats))
    result.rounds = rounds
    sides = (["baseline"] if has_baseline else []) + (["target"] if result.reason is None else [])
    times: dict[str, list[float]] = {side: [] for side in sides}
    peaks: dict[str, list[float]] = {side: [] for side in sides}
    try:
        if hasattr(module, "build"):
            log(f"  {module.NAME}: generating data (size {size:,})")
            built = _run_child(module_name, "build", size, own_dir, 0, 0, timeout)
            result.build_s = built.get("seconds")
        for index in range(rounds):
            # the repeats shared out over the rounds, sides alternating, so a machine that gets
            # busier or quieter half-way through affects both sides alike
            share = repeats // rounds + (1 if index < repeats % rounds else 0)
            for side in sides:
                what = "baseline" if side == "baseline" else "measuring"
                log(
                    f"  {module.NAME}: {what} × {share}"
                    + (f" (round {index + 1}/{rounds})" if rounds > 1 else "")
                )
                report = _run_child(module_name, side, size, own_dir, share, WARMUP, timeout)
                times[side].extend(report["times_s"])
                if report["peak_mb"] is not None:
                    peaks[side].append(report["peak_mb"])
    except ChildFailed as exc:
        result.status = "error"
        result.reason = str(exc)
        log(f"  {module.NAME}: ERROR {exc}")
        return result
    if has_baseline:
        result.baseline_times_s = times["baseline"]
        result.baseline_median_s = statistics.median(times["baseline"])
        result.baseline_peak_mb = max(peaks["baseline"], default=None)
    if result.reason is not None:
        log(f"  {module.NAME}: skipped ({result.reason})")
        return result
    _describe(module, result, size, own_dir)
    result.times_s = times["target"]
    result.median_s = statistics.median(times["target"])
    result.peak_mb = max(peaks["target"], default=None)
    if result.baseline_median_s:
        result.ratio = result.median_s / result.baseline_median_s
    _judge(result)
    return result


def _describe(module: Any, result: WorkloadResult, size: int, workdir: Path) -> None:
    """Append the workload's own account of what it measured (``describe``) to its note."""
    describe = getattr(module, "describe", None)
    if describe is None:
        return
    try:
        said = describe(size, workdir)
    except Exception as exc:  # a note must never turn a measurement into a crash
        said = f"describe failed: {type(exc).__name__}: {exc}"
    if said:
        result.note = f"{result.note}; {said}" if result.note else said


def _cell(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


STATUS_WORDS = {"pass": "pass", "fail": "FAIL", "skipped": "skip", "error": "ERROR"}


def format_table(results: Sequence[WorkloadResult]) -> str:
    """The printed table: workload, medians, ratio, target, pass/fail, peak memory; notes below."""
    header = (
        "#",
        "workload",
        "size",
        "median s",
        "baseline s",
        "ratio",
        "target",
        "result",
        "peak MB",
    )
    rows = [header]
    for r in results:
        rows.append(
            (
                str(r.number),
                r.name,
                f"{r.size:,}",
                _cell(r.median_s),
                _cell(r.baseline_median_s),
                "-" if r.ratio is None else f"{r.ratio:.2f}×",
                r.target_text(),
                STATUS_WORDS.get(r.status, r.status),
                _cell(r.peak_mb, 0),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    right = {2, 3, 4, 5, 8}
    lines = []
    for index, row in enumerate(rows):
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    notes = []
    for r in results:
        if r.reason:
            said = r.reason.strip().splitlines()
            # a crash: where it happened, then the exception (the traceback is in results.json)
            text = said[0] if len(said) == 1 else f"{said[0]} … {said[-1].strip()}"
            notes.append(f"  {r.number} {r.name}: {text}")
        if r.note:
            notes.append(f"  {r.number} {r.name}: {r.note}")
    crowded = [r for r in results if busy(r.load_avg) and r.status in ("pass", "fail")]
    if crowded:
        notes.append(
            f"  the machine was busy during {', '.join(str(r.number) for r in crowded)}"
            f" (load average up to {max(r.load_avg or 0 for r in crowded):g} on {os.cpu_count()}"
            " CPUs): times are inflated; compare runs made on an idle machine"
        )
    if notes:
        lines.append("")
        lines.append("notes:")
        lines.extend(notes)
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }


def write_results(
    path: Path, results: Sequence[WorkloadResult], quick: bool, started: datetime
) -> None:
    document = {
        "schema": RESULTS_SCHEMA,
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": quick,
        "machine": machine(),
        "workloads": [asdict(r) for r in results],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def run_all(
    module_names: Sequence[str],
    quick: bool,
    out: Path = RESULTS_PATH,
    repeats: int | None = None,
    keep: bool = False,
    stream: TextIO = sys.stdout,
) -> list[WorkloadResult]:
    """Measure each workload in turn, print the table, write ``out``; returns the results."""
    started = datetime.now(UTC)
    workdir = Path(tempfile.mkdtemp(prefix="tidui-bench-run-"))

    def log(line: str) -> None:
        print(line, file=stream, flush=True)

    log(f"Tidui bench ({'quick' if quick else 'full'} sizes), scratch folder {workdir}")
    results: list[WorkloadResult] = []
    try:
        for name in module_names:
            try:
                results.append(measure(name, quick, workdir, repeats, log=log))
            except Exception as exc:  # a broken workload module must not hide the others
                results.append(_broken(name, exc, quick))
                log(f"  {name}: ERROR {type(exc).__name__}: {exc}")
            write_results(out, results, quick, started)
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    log("")
    log(format_table(results))
    if quick:
        log("\n(quick sizes: the harness is exercised, ratios are only indicative)")
    log(f"\nresults written to {out}")
    return results


def _broken(module_name: str, exc: Exception, quick: bool) -> WorkloadResult:
    module = sys.modules.get(module_name)
    sizes = getattr(module, "SIZES", (0, 0))
    return WorkloadResult(
        number=getattr(module, "NUMBER", 0),
        name=getattr(module, "NAME", module_name.rsplit(".", 1)[-1]),
        title=getattr(module, "TITLE", ""),
        baseline=getattr(module, "BASELINE", None),
        size=sizes[1] if quick else sizes[0],
        status="error",
        reason="".join(traceback.format_exception_only(exc)).strip(),
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        raise SystemExit(_child(sys.argv[2:]))
    raise SystemExit("usage: python -m bench [--quick] [--only NAME]  (see bench/README.md)")
