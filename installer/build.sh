#!/usr/bin/env bash
# Build the one-folder bundle (build/dist/tidui: tidui + tidui-cli sharing one runtime) and
# smoke-test it frozen (installer/smoke.sh). Run from anywhere after the README's install command.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pip install -q -e ".[build]"
.venv/bin/pyinstaller installer/tidui.spec --noconfirm --distpath build/dist --workpath build/work
installer/smoke.sh build/dist/tidui
