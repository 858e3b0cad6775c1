"""Test-wide settings: offscreen Qt, fast key derivation, a fresh temp folder per test."""

from __future__ import annotations

import os

# Qt aborts looking for xcb without a display; every GUI test runs offscreen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep scrypt cheap in tests; the cost is stored per key slot, so files stay openable.
os.environ.setdefault("TIDUI_TEST_FAST_KDF", "1")
