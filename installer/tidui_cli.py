"""Frozen entry point of tidui-cli.exe, Windows only: Linux runs ``tidui --cli``
(installer/tidui_gui.py), sharing the main executable's module archive."""

from core.cli.main import main

raise SystemExit(main())
