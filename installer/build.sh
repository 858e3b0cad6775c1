#!/usr/bin/env bash
# Build the one-folder bundle and smoke-start it (offscreen GUI start + CLI init/verify), so the
# spec stays honest. Run from the repository root after the README's install command.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pip install -q -e ".[build]"
.venv/bin/pyinstaller installer/tidui.spec --noconfirm --distpath build/dist --workpath build/work
dist=build/dist/tidui
tmp=$(mktemp -d)
export TIDUI_PASSWORD=smoke-pass-1
"$dist/tidui-cli" init "$tmp/smoke.tidui" --company 冒烟测试 --owner boss --template beauty --json
"$dist/tidui-cli" verify "$tmp/smoke.tidui"
QT_QPA_PLATFORM=offscreen timeout 20 "$dist/tidui" "$tmp/smoke.tidui" && status=$? || status=$?
# timeout's 124 means the GUI was still running (waiting at log-in): that is a successful start.
if [ "$status" -ne 124 ] && [ "$status" -ne 0 ]; then echo "GUI failed to start ($status)"; exit 1; fi
du -sh "$dist"
echo "bundle OK: $dist"
