#!/usr/bin/env bash
# Frozen smoke test of a built bundle (default build/dist/tidui), offscreen, in a scratch HOME:
#   GUI: create the demo company, log in, open every screen (charts, PDF preview libraries),
#        save the main window (PNG); time a start up to the log-in window; a forced error
#        leaves a redacted crash report; a second start with a file hands it to the running one;
#   CLI: init, import .xlsx/.xls/.csv store exports and templates (tests/data/samples),
#        eligibility, a PDF report with the CJK font embedded, verify; the company file is
#        encrypted and refuses a wrong password;
#   and check nothing was written inside the bundle and the bundle is at most
#   TIDUI_MAX_BUNDLE_MB (default 200) MB (10^6 bytes) on disk; prints what dominates its size.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=$(cd "${1:-build/dist/tidui}" && pwd)
samples=$PWD/tests/data/samples
out=$PWD/build/smoke
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" "$tmp/home"
export TMPDIR=$tmp  # the single-instance socket and any temporary file stay in the scratch folder
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
test -s "$data/logs/tidui.log" || { echo "smoke: no support log in $data/logs" >&2; exit 1; }
# a forced unexpected error: the run fails and leaves a redacted report in the log folder
if TIDUI_SMOKE_FORCE_ERROR=1 "$dist/tidui" --demo --screenshot "$tmp/forced.png" 2>"$tmp/forced.err"; then
    echo "smoke: a forced error did not fail the run" >&2; exit 1
fi
report=$(ls "$data"/logs/crash-*.txt 2>/dev/null | head -1)
test -n "$report" && grep -q 'RuntimeError: forced error' "$report" ||
    { echo "smoke: no crash report for the forced error" >&2; cat "$tmp/forced.err" >&2; exit 1; }
if grep -Eq 'smoke-secret|王芳|330102199001011234|wang@example.com' "$report"; then
    echo "smoke: the crash report holds personal data: $report" >&2; exit 1
fi
rm -f "$data"/logs/crash-*.txt

# single instance: while a Tidui runs, a second start with a file hands it over and exits
log=$data/logs/tidui.log
starts=$(grep -c ' starting; ' "$log")
"$dist/tidui" >/dev/null 2>&1 &
first=$!
for _ in $(seq 1 300); do
    [ "$(grep -c ' starting; ' "$log")" -gt "$starts" ] && break
    sleep 0.1
done
sleep 2  # it listens right after its start window shows
timeout 60 "$dist/tidui" "$demo" || { kill "$first"; echo "smoke: second start did not hand over" >&2; exit 1; }
for _ in $(seq 1 50); do grep -q 'second start: a company file handed over' "$log" && break; sleep 0.1; done
kill "$first"; wait "$first" 2>/dev/null || true
grep -q 'second start: a company file handed over' "$log" ||
    { echo "smoke: the running Tidui did not receive the file" >&2; exit 1; }
[ "$(grep -c ' starting; ' "$log")" -eq $((starts + 1)) ] ||
    { echo "smoke: the second start ran a second Tidui" >&2; exit 1; }

export TIDUI_PASSWORD=smoke-pass-1
cli=$dist/tidui-cli
# the Linux CLI is a launcher of the one executable: it must work through a symlink elsewhere too
# and hand the exit code through (a usage error is 2)
ln -s "$cli" "$tmp/tidui-cli-link"
"$tmp/tidui-cli-link" --help | grep -q 'tidui-cli' || { echo "smoke: tidui-cli --help via a symlink failed" >&2; exit 1; }
set +e; "$cli" no-such-command >/dev/null 2>&1; rc=$?; set -e
[ "$rc" -eq 2 ] || { echo "smoke: tidui-cli's exit code was not handed through ($rc)" >&2; exit 1; }
"$cli" init "$tmp/smoke.tidui" --company 冒烟测试 --owner boss --template beauty --json >/dev/null
for sample in 员工花名册.xlsx 店铺负责人.xlsx 生意参谋_交易概况_月_悦颜美妆专营店_2023-01_2024-06.xlsx \
    "【生意参谋平台】店铺整体_日_悦颜美妆旗舰店_2024-01-01_2024-06-30.xls" ExportOrderList202406.csv; do
    "$cli" import "$tmp/smoke.tidui" "$samples/$sample" --json >"$tmp/import.json"
    grep -q '"errors": \[\]' "$tmp/import.json" && ! grep -q '"imported": 0,' "$tmp/import.json" ||
        { echo "smoke: import of $sample failed:" >&2; head -c 2000 "$tmp/import.json" >&2; exit 1; }
done
"$cli" eligibility "$tmp/smoke.tidui" --as-of 2024-06 --json | grep -q '"status"'

# PDF report (reportlab + the bundled CJK font, embedded)
pdf=$out/progress-E001.pdf
"$cli" report "$tmp/smoke.tidui" --employee E001 --kind progress --out "$pdf" --json >/dev/null
test -s "$pdf" || { echo "smoke: no PDF report" >&2; exit 1; }
if command -v pdffonts >/dev/null; then
    pdffonts "$pdf" | grep -q 'WenQuanYi.* yes ' || { echo "smoke: CJK font not embedded" >&2; exit 1; }
    pdftotext "$pdf" - | grep -q '晋升进度' || { echo "smoke: report text unreadable" >&2; exit 1; }
else
    grep -aq 'WenQuanYiMicroHei' "$pdf" && grep -aq 'FontFile2' "$pdf" ||
        { echo "smoke: CJK font not embedded" >&2; exit 1; }
fi

# the company file is SQLCipher-encrypted: no plain SQLite header, a wrong password is refused
if head -c 16 "$tmp/smoke.tidui" | grep -aq 'SQLite format'; then
    echo "smoke: the company file is not encrypted" >&2; exit 1
fi
if TIDUI_PASSWORD=wrong-pass-1 "$cli" verify "$tmp/smoke.tidui" >/dev/null 2>&1; then
    echo "smoke: a wrong password opened the company file" >&2; exit 1
fi
"$cli" verify "$tmp/smoke.tidui"

written=$(find "$dist" -newer "$tmp/before" | head -5)
if [ -n "$written" ]; then echo "smoke: files written inside the bundle: $written" >&2; exit 1; fi
size_bytes=$(du -sb "$dist" | cut -f1)
size_mb=$(( (size_bytes + 999999) / 1000000 ))
echo "smoke: size ${size_bytes} bytes (${size_mb} MB, $(du -sm "$dist" | cut -f1) MiB); largest parts (MiB):"
du -sm "$dist"/tidui* "$dist"/_internal/* "$dist"/_internal/PySide6/Qt/lib 2>/dev/null | sort -rn | head -12
limit=${TIDUI_MAX_BUNDLE_MB:-200}
if [ "$size_bytes" -gt $((limit * 1000000)) ]; then
    echo "smoke: the bundle is ${size_bytes} bytes, over ${limit} MB (${limit},000,000 bytes)" >&2; exit 1
fi
echo "smoke: bundle OK ($dist)"
