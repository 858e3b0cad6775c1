"""Tidui's core: everything but the widgets (no Qt, ever)."""

# The one place the version lives: pyproject.toml reads it (tool.setuptools.dynamic), so do
# the About box, the crash report, the PyInstaller spec and the Windows installer.
__version__ = "0.1.0"
