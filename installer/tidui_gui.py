"""Frozen entry point of the bundle's main executable (PyInstaller runs this file as __main__).

``tidui`` opens the desktop app. ``tidui --cli ARGS`` is the command line: on Linux the bundle's
``tidui-cli`` is a two-line launcher that runs exactly that, so the app and the CLI share one
archive of Python modules instead of each executable embedding its own (13 MB). Windows keeps a
separate console ``tidui-cli.exe`` (installer/tidui_cli.py): a windowed program has no console
to print to.
"""

import sys

if sys.argv[1:2] == ["--cli"]:
    del sys.argv[1]
    from core.cli.main import main
else:
    from desktop.app import main

raise SystemExit(main())
