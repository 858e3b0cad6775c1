"""`python -m bench`: measure the workloads, print the table, write bench/results.json."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from bench import harness
from bench.workloads import WORKLOADS


def _selected(only: list[str]) -> list[str]:
    if not only:
        return list(WORKLOADS)
    wanted = {w.strip() for item in only for w in item.split(",") if w.strip()}
    chosen = []
    for module_name in WORKLOADS:
        module = importlib.import_module(module_name)
        if {module.NAME, str(module.NUMBER), module_name.rsplit(".", 1)[-1]} & wanted:
            chosen.append(module_name)
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure Tidui's speed targets against their baselines (bench/README.md).",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes (CI): checks the harness")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run only these workloads (name or number; repeat or separate with commas)",
    )
    parser.add_argument("--repeats", type=int, default=None, help="timed repeats per side")
    parser.add_argument("--out", type=Path, default=harness.RESULTS_PATH, help="results file")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a target is missed, not only on crashes"
    )
    parser.add_argument("--list", action="store_true", help="list the workloads and exit")
    args = parser.parse_args(argv)

    if args.list:
        for module_name in WORKLOADS:
            module = importlib.import_module(module_name)
            print(f"{module.NUMBER}  {module.NAME:18} {module.TITLE}")
        return 0
    chosen = _selected(args.only)
    if not chosen:
        parser.error(f"no workload matches {', '.join(args.only)} (see --list)")
    if args.repeats is not None and args.repeats < 1:
        parser.error("--repeats must be at least 1")
    results = harness.run_all(chosen, args.quick, args.out, args.repeats, args.keep)
    if any(r.status == "error" for r in results):
        return 1
    if args.strict and any(r.status == "fail" for r in results):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
