"""The Linux bundle's trimmed ICU data (installer/icu_trim.py): what stays, that the rewritten
package is one ICU can read, and that Qt still collates Chinese, converts GB18030/GBK/Big5 and
names time zones with it. Runs on the venv's own PySide6 (no PyInstaller build needed)."""

from __future__ import annotations

import shutil
import struct
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "installer"))
import icu_trim  # noqa: E402

QT_LIB = Path(__import__("PySide6").__file__).parent / "Qt" / "lib"
ICU = sorted(QT_LIB.glob("libicudata.so.*"))

needs_icu = pytest.mark.skipif(not ICU, reason="this PySide6 bundles no ICU (not Linux)")


@pytest.mark.parametrize(
    "name",
    [
        "icudt73l/root.res",
        "icudt73l/zh_Hans_CN.res",
        "icudt73l/en_GB.res",
        "icudt73l/res_index.res",
        "icudt73l/pool.res",
        "icudt73l/supplementalData.res",
        "icudt73l/zoneinfo64.res",
        "icudt73l/cnvalias.icu",
        "icudt73l/nfkc.nrm",
        "icudt73l/gb18030.cnv",
        "icudt73l/windows-936-2000.cnv",
        "icudt73l/windows-950-2000.cnv",
        "icudt73l/coll/ucadata.icu",
        "icudt73l/coll/zh.res",
        "icudt73l/coll/root.res",
        "icudt73l/coll/res_index.res",
        "icudt73l/zone/zh_Hant.res",
        "icudt73l/lang/pool.res",
    ],
)
def test_keeps_what_qt_reaches_for_chinese_and_english(name: str) -> None:
    assert icu_trim.keep_item(name)


@pytest.mark.parametrize(
    "name",
    [
        "icudt73l/de.res",
        "icudt73l/yue_Hant.res",
        "icudt73l/coll/ja.res",
        "icudt73l/zone/fr_CA.res",
        "icudt73l/ibm-37_P100-1995.cnv",
        "icudt73l/euc-tw-2014.cnv",
        "icudt73l/brkitr/cjdict.dict",
        "icudt73l/brkitr/root.res",
        "icudt73l/translit/root.res",
        "icudt73l/rbnf/zh.res",
    ],
)
def test_drops_other_locales_codecs_and_services_qt_never_opens(name: str) -> None:
    assert not icu_trim.keep_item(name)


def _package(items: dict[str, bytes]) -> bytes:
    header = bytearray(32)
    struct.pack_into("<HBB", header, 0, 32, 0xDA, 0x27)
    header[12:16] = b"CmnD"
    header[16] = 1
    return icu_trim.write_package(bytes(header), list(items.items()))


def test_a_written_package_reads_back_sorted_and_aligned() -> None:
    items = {"icudt73l/zz.res": b"z" * 5, "icudt73l/coll/zh.res": b"coll", "icudt73l/a.cnv": b"a"}
    blob = _package(items)
    _header, back = icu_trim.parse_package(blob)
    assert [name for name, _ in back] == sorted(items)  # ICU looks items up by binary search
    assert {name: data.rstrip(b"\0") for name, data in back} == items
    toc = 32
    (count,) = struct.unpack_from("<I", blob, toc)
    offsets = [struct.unpack_from("<II", blob, toc + 4 + 8 * i)[1] for i in range(count)]
    assert all((toc + offset) % 16 == 0 for offset in offsets)


def test_something_that_is_not_an_icu_package_is_refused() -> None:
    with pytest.raises(icu_trim.Unsuitable):
        icu_trim.parse_package(b"\x20\x00\xda\x27" + b"\0" * 60)
    with pytest.raises(icu_trim.Unsuitable):
        icu_trim.data_symbol(b"MZ not an ELF file" + b"\0" * 64)


@needs_icu
def test_the_real_data_are_read_through_the_elf_symbol_and_trimmed_to_a_fifth() -> None:
    symbol, blob = icu_trim.data_symbol(ICU[0].read_bytes())
    assert symbol.startswith("icudt") and symbol.endswith("_dat")
    _header, items = icu_trim.parse_package(blob)
    small = icu_trim.trim_package(blob)
    _header, kept = icu_trim.parse_package(small)
    names = {name for name, _ in kept}
    prefix = items[0][0].split("/")[0]
    assert {f"{prefix}/coll/zh.res", f"{prefix}/gb18030.cnv", f"{prefix}/root.res"} <= names
    assert f"{prefix}/de.res" not in names
    assert len(small) < len(blob) / 4
    originals = dict(items)
    for name, data in kept:  # items are copied, never altered
        assert data.rstrip(b"\0") == originals[name].rstrip(b"\0")


@needs_icu
def test_qt_imports_only_the_icu_services_the_trimming_keeps() -> None:
    major = ICU[0].name.rsplit(".", 1)[1]
    used = icu_trim.icu_imports((QT_LIB / "libQt6Core.so.6").read_bytes(), major)
    assert {"ucol_open", "ucnv_open"} <= used
    assert icu_trim.unexpected_imports(used) == set()
    assert icu_trim.unexpected_imports({"ubrk_open", "ucol_open"}) == {"ubrk_open"}


@needs_icu
@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("as") and shutil.which("ld")), reason="needs binutils")
def test_qt_still_collates_converts_and_names_time_zones_with_the_trimmed_library(
    tmp_path: Path,
) -> None:
    symbol, blob = icu_trim.data_symbol(ICU[0].read_bytes())
    library = icu_trim.link_library(icu_trim.trim_package(blob), symbol, ICU[0].name, tmp_path)
    assert library.stat().st_size < ICU[0].stat().st_size / 4
    assert icu_trim.check_under_qt(library) is None
    # and the check does notice data that are missing (Chinese collation here)
    header, items = icu_trim.parse_package(blob)
    broken = icu_trim.write_package(header, [(n, d) for n, d in items if "/coll/zh" not in n])
    broken_lib = icu_trim.link_library(broken, symbol, ICU[0].name, tmp_path / "broken")
    problem = icu_trim.check_under_qt(broken_lib)
    assert problem is not None and "collation" in problem


def test_the_bundle_toc_is_left_alone_off_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    toc = [("PySide6/Qt/lib/libicudata.so.73", "/x/libicudata.so.73", "BINARY")]
    assert icu_trim.small_icu(toc, Path("unused")) == toc


def test_an_unsuitable_library_keeps_the_full_data_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("Linux only")
    fake = tmp_path / "libicudata.so.73"
    fake.write_bytes(b"\x7fELF" + b"\0" * 100)
    toc = [("PySide6/Qt/lib/libicudata.so.73", str(fake), "BINARY")]
    assert icu_trim.small_icu(toc, tmp_path / "work") == toc
    assert "full ICU data are kept" in capsys.readouterr().err
