"""Frozen entry point of the desktop app (PyInstaller runs this file as __main__)."""

from desktop.app import main

raise SystemExit(main())
