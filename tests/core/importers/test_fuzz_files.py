"""Mutated copies of the samples (cut at random offsets, random bytes overwritten, NUL bytes,
wrong extensions) never raise anything but a clear ImportFileError naming the file.

Quick CI size: 1,000 cases (``TIDUI_FUZZ_EXAMPLES`` raises it, e.g. 10000 for the long run).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import TiduiError
from core.importers import reading
from core.importers.headers import analyse
from tests.conftest import SAMPLES

EXAMPLES = int(os.environ.get("TIDUI_FUZZ_EXAMPLES", "1000"))


def _csv_head() -> bytes:
    return b"\r\n".join((SAMPLES / "ExportOrderList202406.csv").read_bytes().split(b"\r\n")[:25])


def _html() -> bytes:
    return (
        "<html><meta charset='utf-8'><table><tr><td>日期</td><td>支付金额</td></tr>"
        "<tr><td>2024-01</td><td colspan='2'>1,000.00</td></tr></table></html>"
    ).encode()


SEEDS: list[tuple[str, bytes]] = [
    (name, (SAMPLES / name).read_bytes())
    for name in (
        "员工花名册.xlsx",
        "评估打分.xlsx",
        "生意参谋_交易概况_月_悦颜美妆专营店_2023-01_2024-06.xlsx",
        "直播间列表_2024-06-01_2024-06-30.xlsx",
    )
] + [("ExportOrderList.csv", _csv_head() + b"\r\n"), ("店铺整体.xls", _html())]

EXTENSIONS = [".xlsx", ".xls", ".csv", ".txt", ".ods"]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name, data = draw(st.sampled_from(SEEDS))
    how = draw(st.sampled_from(["cut", "bytes", "nul", "extension", "cut+bytes"]))
    buffer = bytearray(data)
    if how in ("cut", "cut+bytes"):
        buffer = buffer[: draw(st.integers(0, len(buffer)))]
    if how in ("bytes", "cut+bytes") and buffer:
        for _ in range(draw(st.integers(1, 8))):
            spot = draw(st.integers(0, len(buffer) - 1))
            buffer[spot] = draw(st.integers(0, 255))
    if how == "nul" and buffer:
        spot = draw(st.integers(0, len(buffer)))
        buffer[spot:spot] = b"\x00" * draw(st.integers(1, 64))
    if how == "extension":
        name = Path(name).stem + draw(st.sampled_from(EXTENSIONS))
    return name, bytes(buffer)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
@given(mutated())
def test_a_mutated_sample_reads_or_is_refused_by_name(case: tuple[str, bytes]) -> None:
    name, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            _info, sheet = reading.open_with_info(path)
            top = sheet.top()
            analyse(top, path.name)
        except TiduiError as error:
            assert path.name in error.text("en") or error.params.get("file") == path.name, (
                error.code
            )
