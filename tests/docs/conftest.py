"""The guide's screenshot test is a GUI test: the same isolated settings, font and Chinese UI."""

from tests.views.conftest import gui_environment

__all__ = ["gui_environment"]
