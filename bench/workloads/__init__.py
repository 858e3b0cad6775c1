"""The benchmark workloads, one module each, in issue 7's numbering (interface in bench/harness.py)."""

from __future__ import annotations

# Order of the printed table; each module's NUMBER is its number in issue 7.
WORKLOADS: tuple[str, ...] = (
    "bench.workloads.import_xlsx",
    "bench.workloads.import_csv",
    "bench.workloads.eligibility",
    "bench.workloads.startup",
    "bench.workloads.reports",
    "bench.workloads.open_company",
    "bench.workloads.encrypted_insert",
    "bench.workloads.eligibility_list",
    "bench.workloads.history_import",
    "bench.workloads.history_list",
    "bench.workloads.history_kpi",
    "bench.workloads.history_cli",
    "bench.workloads.history_undo",
    "bench.workloads.history_backup",
    "bench.workloads.dashboard",
    "bench.workloads.review_switch",
)
