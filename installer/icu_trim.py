"""Linux bundle: cut PySide6's ICU data (libicudata.so.NN, 31 MB) down to what Qt can reach.

Qt Core is the only ICU user in the bundle (Python and the other libraries never call ICU), and
the functions it imports are few: collation (``ucol_*``: QCollator, the file dialog's sorting),
converters (``ucnv_*``: QStringConverter for GB18030/GBK/Big5...), calendars and time-zone names
(``ucal_*``) and locale case mapping (``u_strToUpper``/``u_strToLower``). So the data keep:

- every root-level service file (normalisation, properties, converter aliases, time zones,
  supplemental data, ...), and in every locale tree the root, ``en*`` and ``zh*`` locales plus the
  tree's ``pool.res``/``res_index.res``: other locales fall back to root (Qt's own locale data, not
  ICU's, drives Tidui's formatting);
- the Chinese converters and windows-1252 (UTF-8/16/32, Latin-1 and ASCII are built into ICU);
- no break-iterator dictionaries and rules, transliterators or spelled-out number rules: Qt never
  opens them (``ubrk_*``, ``utrans_*``, ``unum_*`` are not among its imports).

The data blob is read from the library's ``icudtNN_dat`` symbol (ELF section table, no guessing
of offsets), its table of contents rewritten without the dropped items, and the result linked into
a new ``libicudata.so.NN`` with the same soname and symbol (binutils ``as`` and ``ld``). Before the
new library is used, the build's own Python loads it under Qt (``LD_PRELOAD``) and checks Chinese
collation, GB18030/GBK/Big5 converters, Turkish upper case and a Chinese time-zone name.

Every way this can go wrong ends with the full data kept and a warning, never with a broken
bundle: another ICU layout, a Qt that imports more of ICU, missing tools, a failed check.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

# What Qt may import for the trimmed data to be enough (function names without the _NN suffix).
QT_ICU_PREFIXES = ("ucol_", "ucnv_", "UCNV_", "ucal_")
QT_ICU_FUNCTIONS = {"u_strToUpper", "u_strToLower"}

KEEP_LOCALE = re.compile(r"(root|en|zh)(_[A-Za-z0-9]+)*")
LOCALE = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]+)*")
TREE_FILES = {"pool.res", "res_index.res"}
DROPPED_TREES = {"brkitr", "translit", "rbnf"}
KEEP_CONVERTERS = {
    "gb18030.cnv",
    "windows-936-2000.cnv",  # GBK
    "ibm-1386_P100-2001.cnv",  # GBK (IBM)
    "ibm-1383_P110-1999.cnv",  # GB2312 (EUC-CN)
    "ibm-5478_P100-1995.cnv",  # GB_2312-80
    "windows-950-2000.cnv",  # Big5
    "ibm-950_P110-1999.cnv",
    "ibm-1373_P100-2002.cnv",
    "ibm-1375_P100-2008.cnv",  # Big5-HKSCS
    "ibm-5348_P100-1997.cnv",  # windows-1252
}

ICU_LIBRARY = re.compile(r"(?:.*/)?libicudata\.so\.(\d+)")


class Unsuitable(Exception):
    """This library or this Qt is not what the trimming was designed for: keep the full data."""


# -- ELF -------------------------------------------------------------------------------------------


def _sections(data: bytes) -> list[tuple[int, int, int, int, int, int]]:
    """(name, type, addr, offset, size, link) of each section of a 64-bit little-endian ELF."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise Unsuitable("not a 64-bit little-endian ELF file")
    shoff, shentsize, shnum = (
        struct.unpack_from("<Q", data, 0x28)[0],
        *struct.unpack_from("<HH", data, 0x3A),
    )
    out = []
    for i in range(shnum):
        name, kind, _flags, addr, offset, size, link = struct.unpack_from(
            "<IIQQQQI", data, shoff + i * shentsize
        )
        out.append((name, kind, addr, offset, size, link))
    return out


def dynamic_symbols(data: bytes) -> list[tuple[str, int, int, int]]:
    """(name, section index, value, size) of every dynamic symbol (section 0: undefined)."""
    sections = _sections(data)
    symbols = []
    for _name, kind, _addr, offset, size, link in sections:
        if kind != 11:  # SHT_DYNSYM
            continue
        strings = sections[link][3]
        for pos in range(offset, offset + size, 24):
            st_name, _info, _other, shndx, value, sym_size = struct.unpack_from(
                "<IBBHQQ", data, pos
            )
            end = data.index(b"\0", strings + st_name)
            symbols.append((data[strings + st_name : end].decode(), shndx, value, sym_size))
    return symbols


def data_symbol(data: bytes) -> tuple[str, bytes]:
    """The ``icudtNN_dat`` symbol's name and bytes, located through its section."""
    sections = _sections(data)
    for name, shndx, value, size in dynamic_symbols(data):
        if re.fullmatch(r"icudt\d+_dat", name) and 0 < shndx < len(sections):
            _n, _k, addr, offset, sec_size, _l = sections[shndx]
            start = offset + value - addr
            if not (offset <= start and start + size <= offset + sec_size):
                raise Unsuitable(f"{name} lies outside its section")
            return name, data[start : start + size]
    raise Unsuitable("no icudtNN_dat symbol")


def icu_imports(data: bytes, major: str) -> set[str]:
    """ICU functions (without the version suffix) a library leaves undefined."""
    suffix = f"_{major}"
    return {
        name.removesuffix(suffix)
        for name, shndx, _v, _s in dynamic_symbols(data)
        if shndx == 0 and name.endswith(suffix)
    }


def unexpected_imports(names: Iterable[str]) -> set[str]:
    return {
        name
        for name in names
        if not name.startswith(QT_ICU_PREFIXES) and name not in QT_ICU_FUNCTIONS
    }


# -- ICU common data ("CmnD" package) ------------------------------------------------------------


def parse_package(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The header and the (name, bytes) items of an ICU common data package, in TOC order."""
    header_size = struct.unpack_from("<H", blob, 0)[0]
    if blob[2:4] != b"\xda\x27" or blob[8] != 0 or blob[12:16] != b"CmnD" or blob[16] != 1:
        raise Unsuitable("not a little-endian ICU common data package (CmnD 1)")
    toc = header_size
    (count,) = struct.unpack_from("<I", blob, toc)
    entries = [struct.unpack_from("<II", blob, toc + 4 + 8 * i) for i in range(count)]
    offsets = [data for _name, data in entries]
    if offsets != sorted(offsets):
        raise Unsuitable("items are not stored in table-of-contents order")
    items = []
    for i, (name_at, data_at) in enumerate(entries):
        start = toc + name_at
        name = blob[start : blob.index(b"\0", start)].decode("ascii")
        end = toc + offsets[i + 1] if i + 1 < count else len(blob)
        items.append((name, blob[toc + data_at : end]))
    names = [name.encode() for name, _ in items]
    if names != sorted(names):
        raise Unsuitable("table of contents is not sorted")
    return blob[:header_size], items


def _pad(data: bytes, to: int = 16) -> bytes:
    return data + b"\0" * (-len(data) % to)


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """An ICU common data package: header, sorted TOC, names, then each item 16-byte aligned
    (ICU looks items up by binary search and takes an item's length from the next offset)."""
    if len(header) % 16:
        raise Unsuitable("header is not 16-byte aligned")
    items = sorted(items, key=lambda item: item[0].encode())
    names = b""
    name_offsets = []
    table_size = 4 + 8 * len(items)
    for name, _data in items:
        name_offsets.append(table_size + len(names))
        names += name.encode("ascii") + b"\0"
    body = _pad(struct.pack("<I", len(items)) + b"\0" * (8 * len(items)) + names)
    table = bytearray(body)
    for i, (_name, data) in enumerate(items):
        struct.pack_into("<II", table, 4 + 8 * i, name_offsets[i], len(table))
        table += _pad(data)
    return header + bytes(table)


def keep_item(name: str) -> bool:
    """Whether the trimmed data keep ``name`` (a package item, e.g. ``icudt73l/coll/zh.res``)."""
    *folders, file = name.split("/")[1:] if "/" in name else [name]
    if folders and folders[0] in DROPPED_TREES:
        return False
    if file.endswith(".cnv"):
        return file in KEEP_CONVERTERS
    if file in TREE_FILES or not file.endswith(".res"):
        return True
    locale = file.removesuffix(".res")
    return not LOCALE.fullmatch(locale) or bool(KEEP_LOCALE.fullmatch(locale))


def trim_package(blob: bytes) -> bytes:
    header, items = parse_package(blob)
    return write_package(header, [(name, data) for name, data in items if keep_item(name)])


# -- the library -----------------------------------------------------------------------------------


def link_library(blob: bytes, symbol: str, soname: str, work: Path) -> Path:
    """A shared library ``soname`` whose only content is ``blob`` as the read-only ``symbol``."""
    tools = {tool: shutil.which(tool) for tool in ("as", "ld")}
    missing = [tool for tool, path in tools.items() if path is None]
    if missing:
        raise Unsuitable(f"{' and '.join(missing)} not found (binutils)")
    work.mkdir(parents=True, exist_ok=True)
    data = work / f"{symbol}.bin"
    data.write_bytes(blob)
    if re.search(r'["\\\n]', str(data)):
        raise Unsuitable(f"unusable path for the assembler: {data}")
    source = work / "icudata.s"
    source.write_text(
        f".section .rodata\n.globl {symbol}\n.type {symbol}, @object\n.balign 16\n"
        f'{symbol}:\n.incbin "{data}"\n.size {symbol}, .-{symbol}\n'
        '.section .note.GNU-stack,"",@progbits\n',
        encoding="ascii",
    )
    obj = work / "icudata.o"
    target = work / soname
    subprocess.run([tools["as"], "-o", str(obj), str(source)], check=True)
    subprocess.run(
        [tools["ld"], "-shared", "-soname", soname, "-o", str(target), str(obj)], check=True
    )
    if data_symbol(target.read_bytes()) != (symbol, blob):
        raise Unsuitable("the linked library does not hold the data it was given")
    return target


CHECK = r"""
import functools, json
from PySide6.QtCore import QCollator, QCoreApplication, QLocale, QStringDecoder, QTimeZone
app = QCoreApplication([])
collator = QCollator(QLocale("zh_CN"))
zone = QTimeZone(b"Asia/Shanghai")
long_name = QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName
print(json.dumps({
    "collation": sorted(["张伟", "李娜", "王芳", "赵磊"], key=functools.cmp_to_key(collator.compare)),
    "codecs": [QStringDecoder(n).isValid() for n in ("GB18030", "GBK", "GB2312", "Big5", "windows-1252")],
    "upper": QLocale("tr_TR").toUpper("i"),
    "zone": zone.displayName(*long_name, QLocale("zh_CN")),
    "zone_en": zone.displayName(*long_name, QLocale("en_US")),
}, ensure_ascii=False))
"""
EXPECTED = {
    "collation": ["李娜", "王芳", "张伟", "赵磊"],  # pinyin: li, wang, zhang, zhao
    "codecs": [True] * 5,
    "upper": "İ",
    "zone": "中国标准时间",
    "zone_en": "China Standard Time",
}


def check_under_qt(library: Path, python: str = sys.executable) -> str | None:
    """None when Qt, with ``library`` preloaded in place of its ICU data, still collates Chinese,
    converts GB18030/GBK/Big5, upper-cases Turkish and names time zones; else what differed."""
    env = dict(os.environ, LD_PRELOAD=str(library), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [python, "-c", CHECK], env=env, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        return f"check failed: {done.stderr.strip()[-500:]}"
    got = json.loads(done.stdout)
    wrong = {key: got.get(key) for key, value in EXPECTED.items() if got.get(key) != value}
    return f"Qt with the trimmed data gave {wrong}" if wrong else None


def small_icu(toc: list[tuple[str, str, str]], work: Path) -> list[tuple[str, str, str]]:
    """PyInstaller's binaries TOC with libicudata replaced by the trimmed one (Linux)."""
    if not sys.platform.startswith("linux"):
        return toc
    out = []
    for dest, src, kind in toc:
        match = ICU_LIBRARY.fullmatch(dest.replace("\\", "/"))
        if match:
            try:
                src = str(_trimmed(Path(src), match.group(1), toc, work))
            except Exception as exc:  # any surprise: a bigger bundle, never a broken one
                print(f"WARNING icu_trim: the full ICU data are kept: {exc}", file=sys.stderr)
        out.append((dest, src, kind))
    return out


def _trimmed(src: Path, major: str, toc: list[tuple[str, str, str]], work: Path) -> Path:
    soname = f"libicudata.so.{major}"
    target = work / soname
    stamp = work / "source.txt"
    rules = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]  # these rules changed?
    source_id = f"{src.resolve()}:{src.stat().st_mtime_ns}:{src.stat().st_size}:{rules}"
    if target.is_file() and stamp.is_file() and stamp.read_text() == source_id:
        return target
    users: set[str] = set()
    for _dest, path, kind in toc:
        if kind in {"BINARY", "EXTENSION"} and "libicu" not in Path(path).name:
            try:
                with open(path, "rb") as handle:
                    if handle.read(4) != b"\x7fELF":
                        continue
            except OSError:
                continue
            users |= icu_imports(Path(path).read_bytes(), major)  # unreadable: keep the data
    surprise = unexpected_imports(users)
    if surprise:
        raise Unsuitable(f"Qt now uses more of ICU than collation/converters/calendars: {surprise}")
    symbol, blob = data_symbol(src.read_bytes())
    small = trim_package(blob)
    library = link_library(small, symbol, soname, work / "link")
    problem = check_under_qt(library)
    if problem:
        raise Unsuitable(problem)
    shutil.copy2(library, target)
    stamp.write_text(source_id)
    print(
        f"icu_trim: {soname} {src.stat().st_size / 1e6:.1f} MB -> {target.stat().st_size / 1e6:.1f} MB",
        file=sys.stderr,
    )
    return target
