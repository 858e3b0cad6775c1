"""The Windows installer script, its workflow and the PyInstaller spec say what issue 17 asks:
they cannot run here (Inno Setup and a Windows runner), so their text is checked."""

from __future__ import annotations

import re
import sys
import types
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
ISS = ROOT / "installer" / "windows" / "tidui.iss"
WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"
SPEC = ROOT / "installer" / "tidui.spec"


def _sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in ISS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if match := re.fullmatch(r"\[(\w+)\]", line):
            current = match.group(1)
            sections.setdefault(current, [])
        elif current:
            sections[current].append(line)
    return sections


def _setup() -> dict[str, str]:
    return dict(line.split("=", 1) for line in _sections()["Setup"] if "=" in line)


def _defines() -> dict[str, str]:
    text = ISS.read_text(encoding="utf-8")
    return dict(re.findall(r'^#define (\w+) "([^"]*)"', text, re.M))


def _split_params(line: str) -> dict[str, str]:
    """Split an Inno entry on top-level ";", where "" inside quotes is one quote."""
    params: dict[str, str] = {}
    parts: list[str] = []
    buf, quoted, i = "", False, 0
    while i < len(line):
        char = line[i]
        if char == '"':
            if quoted and line[i + 1 : i + 2] == '"':
                buf += '"'
                i += 2
                continue
            quoted = not quoted
        elif char == ";" and not quoted:
            parts.append(buf)
            buf = ""
        else:
            buf += char
        i += 1
    parts.append(buf)
    for part in parts:
        if ":" in part:
            key, value = part.split(":", 1)
            params[key.strip()] = value.strip()
    return params


def _entries(section: str) -> list[dict[str, str]]:
    """Inno's 'Name: "x"; Flags: y' lines as dicts, {#Defines} expanded (#if lines skipped)."""
    defines = _defines()
    entries = []
    for line in _sections().get(section, []):
        if line.startswith("#"):
            continue
        for name, value in defines.items():
            line = line.replace("{#" + name + "}", value)
        entries.append(_split_params(line))
    return entries


def test_installs_per_user_without_admin_rights_by_default() -> None:
    setup = _setup()
    assert setup["PrivilegesRequired"] == "lowest"
    assert "dialog" in setup["PrivilegesRequiredOverridesAllowed"]
    assert setup["DefaultDirName"].startswith("{autopf}")  # %LOCALAPPDATA%\Programs per user


def test_version_and_publisher_metadata() -> None:
    setup = _setup()
    assert re.fullmatch(r"\{\{[0-9A-F-]{36}\}", setup["AppId"])
    for key in ("AppVersion", "VersionInfoVersion"):
        assert "{#AppVersion}" in setup[key]
    assert setup["AppPublisher"] and setup["VersionInfoCompany"]
    text = ISS.read_text(encoding="utf-8")
    # the version comes from the package: /DAppVersion in the workflow, else tidui.exe's stamp
    assert "GetVersionNumbersString" in text
    assert "core.__version__" in WORKFLOW.read_text(encoding="utf-8")


def test_the_package_version_is_the_one_in_core() -> None:
    from core import __version__

    assert metadata.version("tidui") == __version__


def test_start_menu_and_optional_desktop_shortcut() -> None:
    icons = _entries("Icons")
    assert any(
        e["Name"].startswith("{autoprograms}") and "tidui.exe" in e["Filename"] for e in icons
    )
    desktop = [e for e in icons if e["Name"].startswith("{autodesktop}")]
    assert desktop and desktop[0]["Tasks"] == "desktopicon"
    [task] = [t for t in _entries("Tasks") if t["Name"] == "desktopicon"]
    assert "unchecked" in task["Flags"]


def test_tidui_files_open_in_tidui_with_their_own_icon() -> None:
    registry = _entries("Registry")
    by_key = {e["Subkey"]: e for e in registry}
    assert by_key[r"Software\Classes\.tidui"]["ValueData"] == "Tidui.CompanyFile"
    icon = by_key[r"Software\Classes\Tidui.CompanyFile\DefaultIcon"]["ValueData"]
    assert icon == r"{app}\tidui-file.ico"
    assert any(f["Source"] == "tidui-file.ico" for f in _entries("Files"))
    assert (ISS.parent / "tidui-file.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"  # an .ico
    command = by_key[r"Software\Classes\Tidui.CompanyFile\shell\open\command"]["ValueData"]
    assert "tidui.exe" in command and "%1" in command
    assert all(e["Root"] == "HKA" for e in registry)  # the user's own classes when per-user
    assert _setup()["ChangesAssociations"] == "yes"


def test_chinese_and_english_installer_languages() -> None:
    names = [e["Name"] for e in _entries("Languages")]  # both branches of the #if
    assert list(dict.fromkeys(names)) == ["chinesesimplified", "english"]
    messages = _sections()["CustomMessages"]
    keys = {line.split("=", 1)[0] for line in messages}
    for name in {key.split(".", 1)[1] for key in keys}:
        assert {f"chinesesimplified.{name}", f"english.{name}"} <= keys


def test_uninstaller_never_deletes_company_files_or_backups() -> None:
    sections = _sections()
    assert "UninstallDelete" not in sections and "InstallDelete" not in sections
    text = ISS.read_text(encoding="utf-8").lower()
    for forbidden in ("delfile", "deltree", "removedir", "{localappdata}", "{userdocs}"):
        assert forbidden not in text
    # only the bundle and the file icon are installed, into {app}
    assert {e["DestDir"] for e in _entries("Files")} == {"{app}"}


def test_workflow_builds_bundle_and_installer_on_windows() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert re.search(r"runs-on:\s*windows-latest", text)
    assert "pyinstaller installer\\tidui.spec" in text
    assert "ISCC.exe" in text and "installer\\windows\\tidui.iss" in text
    assert "installer/smoke.sh" in text and "upload-artifact" in text


@pytest.fixture(scope="module")
def spec_filters() -> dict[str, Any]:
    """The spec's module-level filters, executed without PyInstaller (not a test dependency)."""
    source = SPEC.read_text(encoding="utf-8").split("\nversion_file = None")[0]
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda name: []  # type: ignore[attr-defined]
    saved = {k: sys.modules.get(k) for k in ("PyInstaller", "PyInstaller.utils", hooks.__name__)}
    sys.modules.update(
        {
            "PyInstaller": types.ModuleType("PyInstaller"),
            "PyInstaller.utils": types.ModuleType("PyInstaller.utils"),
            hooks.__name__: hooks,
        }
    )
    namespace: dict[str, Any] = {"SPECPATH": str(SPEC.parent), "__name__": "spec"}
    try:
        exec(compile(source, str(SPEC), "exec"), namespace)
    finally:
        for key, module in saved.items():
            if module is None:
                sys.modules.pop(key, None)
            else:
                sys.modules[key] = module
    return namespace


KEPT = [
    "PySide6/Qt/lib/libQt6Charts.so.6",
    "PySide6/Qt/lib/libQt6Pdf.so.6",
    "PySide6/Qt/lib/libQt6PdfWidgets.so.6",
    "PySide6/Qt/lib/libQt6PrintSupport.so.6",
    "PySide6/Qt/lib/libQt6Network.so.6",
    "PySide6/Qt6Charts.dll",
    "PySide6/Qt6Pdf.dll",
    "PySide6/Qt6PdfWidgets.dll",
    "PySide6/Qt6PrintSupport.dll",
    "PySide6/QtCharts.pyd",
    "PySide6/QtPdfWidgets.abi3.so",
    "PySide6/plugins/platforms/qwindows.dll",
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
    "PySide6/Qt/plugins/imageformats/libqjpeg.so",
    "PySide6/Qt/translations/qtbase_zh_CN.qm",
    "PySide6/translations/qt_zh_CN.qm",
]
DROPPED = [
    "PySide6/Qt/lib/libQt6Quick.so.6",
    "PySide6/Qt/lib/libQt6Qml.so.6",
    "PySide6/Qt/lib/libQt6VirtualKeyboard.so.6",
    "PySide6/Qt6WebEngineCore.dll",
    "PySide6/Qt6Multimedia.dll",
    "PySide6/Qt6Quick3D.dll",
    "PySide6/Qt6Designer.dll",
    "PySide6/QtQml.pyd",
    "PySide6/opengl32sw.dll",
    "PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so",
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    "PySide6/Qt/plugins/platforms/libqwayland-egl.so",
    "PySide6/Qt/translations/qt_de.qm",
    "PySide6/translations/qtwebengine_zh_CN.qm",
]


@pytest.mark.parametrize("name", KEPT)
def test_spec_keeps_what_tidui_uses(spec_filters: dict[str, Any], name: str) -> None:
    assert spec_filters["trimmed"]([(name, "src", "BINARY")]), name


@pytest.mark.parametrize("name", DROPPED)
def test_spec_drops_qt_modules_tidui_never_uses(spec_filters: dict[str, Any], name: str) -> None:
    assert not spec_filters["trimmed"]([(name, "src", "BINARY")]), name


def test_spec_never_excludes_charts_pdf_or_printing(spec_filters: dict[str, Any]) -> None:
    excluded = set(spec_filters["excludes"])
    for module in (
        "PySide6.QtCharts",
        "PySide6.QtPdf",
        "PySide6.QtPdfWidgets",
        "PySide6.QtPrintSupport",
    ):
        assert module not in excluded
    for module in ("reportlab", "pandas", "openpyxl", "python_calamine", "sqlcipher3", "numpy"):
        assert module not in excluded


def test_spec_never_excludes_a_module_tidui_imports(spec_filters: dict[str, Any]) -> None:
    """A feature that starts importing, say, numpy.fft or PySide6.QtDBus must take it out of the
    spec's excludes (else the frozen build fails with ModuleNotFoundError on that screen)."""
    import ast

    excluded = set(spec_filters["excludes"])
    imported: dict[str, str] = {}
    for folder in ("core", "desktop"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                for name in names:
                    imported.setdefault(name, str(path.relative_to(ROOT)))
    clashes = {
        name: where
        for name, where in imported.items()
        if any(name == ex or name.startswith(ex + ".") for ex in excluded)
    }
    assert clashes == {}


def test_the_main_executable_runs_the_cli_when_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On Linux the bundle has one executable: tidui-cli is a launcher running `tidui --cli`, so
    the frozen entry point must hand everything after --cli to the command line, untouched."""
    import runpy

    monkeypatch.setattr(sys, "argv", ["tidui", "--cli", "--lang", "en", "--help"])
    with pytest.raises(SystemExit) as ended:
        runpy.run_path(str(ROOT / "installer" / "tidui_gui.py"), run_name="__main__")
    assert ended.value.code == 0
    assert capsys.readouterr().out.startswith("usage: tidui-cli")


def test_the_linux_bundle_carries_one_executable() -> None:
    """A second PyInstaller EXE embeds a second copy of every Python module (13 MB); only Windows,
    where a windowed program cannot print to a console, builds tidui-cli.exe."""
    spec = SPEC.read_text(encoding="utf-8")
    assert 'name="tidui-cli"' in spec.split("if WINDOWS:\n    cli = Analysis(")[1]
    assert '/tidui" --cli "$@"' in spec
