"""Frozen entry point of tidui-cli."""

from core.cli.main import main

raise SystemExit(main())
