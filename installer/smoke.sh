#!/usr/bin/env bash
# Frozen smoke test of a built bundle (default build/dist/tidui), offscreen, in a scratch HOME:
#   GUI: create the demo company, log in, open every screen, save the main window (PNG);
#        then time a start up to the log-in window;
#   CLI: init, import (store exports + templates from tests/data/samples), eligibility, verify;
#   and check nothing was written inside the bundle. Prints the size and what dominates it.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=$(cd "${1:-build/dist/tidui}" && pwd)
samples=$PWD/tests/data/samples
out=$PWD/build/smoke
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" "$tmp/home"
export HOME=$tmp/home XDG_DATA_HOME=$tmp/home/data XDG_CONFIG_HOME=$tmp/home/config
export QT_QPA_PLATFORM=offscreen
touch "$tmp/before"

"$dist/tidui" --demo --screenshot "$out/main-window.png"
test -s "$out/main-window.png" || { echo "smoke: empty screenshot" >&2; exit 1; }
case "$(uname -s)" in  # QStandardPaths: %LOCALAPPDATA% on Windows, XDG_DATA_HOME elsewhere
    MINGW* | MSYS* | CYGWIN*) data=$(cygpath -u "$LOCALAPPDATA")/Tidui ;;
    *) data=$XDG_DATA_HOME/Tidui ;;
esac
demo=$data/悦颜美妆-演示.tidui
test -f "$demo" || { echo "smoke: demo company not in the per-user data folder" >&2; exit 1; }
start=$(date +%s%N)
"$dist/tidui" "$demo" --screenshot "$out/login.png"
echo "smoke: process start to log-in window saved: $(( ($(date +%s%N) - start) / 1000000 )) ms"
if ls "$data"/logs/crash-*.txt >/dev/null 2>&1; then
    echo "smoke: crash report written" >&2; exit 1
fi

export TIDUI_PASSWORD=smoke-pass-1
cli=$dist/tidui-cli
"$cli" init "$tmp/smoke.tidui" --company 冒烟测试 --owner boss --template beauty --json >/dev/null
for sample in 员工花名册.xlsx 店铺负责人.xlsx 生意参谋_交易概况_月_悦颜美妆专营店_2023-01_2024-06.xlsx; do
    "$cli" import "$tmp/smoke.tidui" "$samples/$sample" --json >/dev/null
done
"$cli" eligibility "$tmp/smoke.tidui" --as-of 2024-06 --json | grep -q '"status"'
"$cli" verify "$tmp/smoke.tidui"

written=$(find "$dist" -newer "$tmp/before" | head -5)
if [ -n "$written" ]; then echo "smoke: files written inside the bundle: $written" >&2; exit 1; fi
echo "smoke: size $(du -sh "$dist" | cut -f1); largest parts:"
du -sh "$dist"/tidui* "$dist"/_internal/* "$dist"/_internal/PySide6/Qt/lib 2>/dev/null | sort -rh | head -10
echo "smoke: bundle OK ($dist)"
