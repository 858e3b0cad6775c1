"""The README's xcb package line (which .ci/run installs) covers what Qt's xcb plugin links."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
X_LIBRARY = re.compile(r"^(libxcb[\w-]*|libxkbcommon-x11|libX11-xcb|libX11)\.so\.(\d+)$")


def readme_xcb_packages() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    line = re.search(r"<!-- ci:xcb-packages --> *`([^`]+)`", text)
    assert line, "README.md lost its <!-- ci:xcb-packages --> line (.ci/run installs it)"
    return set(line.group(1).split())


def debian_package(library: str) -> str:
    """Debian's policy name of a shared library's package: libxcb-icccm.so.4 -> libxcb-icccm4."""
    found = X_LIBRARY.match(library)
    assert found, library
    base, version = found.group(1).lower(), found.group(2)
    return f"{base}-{version}" if base[-1].isdigit() else f"{base}{version}"


def test_debian_names() -> None:
    assert debian_package("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert debian_package("libX11-xcb.so.1") == "libx11-xcb1"
    assert debian_package("libX11.so.6") == "libx11-6"


def test_ci_installs_the_readme_line() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "ci:xcb-packages" in ci and "xvfb-run" in ci and "--smoke-quit-after" in ci


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("ldd") is None, reason="Linux only"
)
def test_readme_lists_every_x_library_the_xcb_plugin_links() -> None:
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    plugins = [qt / "plugins" / "platforms" / "libqxcb.so"]
    plugins += sorted((qt / "plugins" / "xcbglintegrations").glob("*.so"))
    plugins += sorted((qt / "lib").glob("libQt6XcbQpa.so*"))[:1]
    needed: set[str] = set()
    for plugin in plugins:
        out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True).stdout
        for line in out.splitlines():
            name = line.split("=>")[0].strip()
            if X_LIBRARY.match(name):
                needed.add(debian_package(name))
    assert "libxcb-cursor0" in needed  # the check does see the plugin's libraries
    assert needed <= readme_xcb_packages(), sorted(needed - readme_xcb_packages())


def test_the_install_command_in_the_readme_has_the_whole_line() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"^sudo apt-get install (.+)$", text, re.MULTILINE)
    assert command and readme_xcb_packages() <= set(command.group(1).split())
