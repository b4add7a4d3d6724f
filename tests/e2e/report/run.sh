#!/usr/bin/env bash
# Browser test of the class report: `peace-lsp report` on a generated class
# (examples/class.rs: Markdown and .docx mixed) and on a hostile class
# (scripts, event handlers, javascript: links, a 5 MB paragraph), opened in
# headless Debian Chromium by playwright-core (report.js), which checks the
# page against the JSON of the same run. From a clean Debian machine (as
# root, with Node 20+ and cargo) it installs what it needs.
#
# Usage: tests/e2e/report/run.sh [--update-docs]
#   --update-docs           copy the overview screenshot to docs/img/report.png
# Environment:
#   PEACE_E2E_CACHE         npm's download cache (default ~/.cache/peace-lsp-e2e)
#   PEACE_LSP_BINARY        use this binary instead of `cargo build --release`
#   PEACE_E2E_KEEP=1        keep the temporary folder after a pass
# Screenshots: tests/e2e/report/out/. Last line: "N passed, N failed".
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
OUT="$HERE/out"
CACHE=${PEACE_E2E_CACHE:-$HOME/.cache/peace-lsp-e2e}
UPDATE_DOCS=0
for a in "$@"; do
  case "$a" in
    --update-docs) UPDATE_DOCS=1 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $a" >&2; exit 2 ;;
  esac
done

T=$(mktemp -d /tmp/peace-lsp-report-e2e.XXXXXX)
passed=0 failed=0
say() { echo "== $*"; }
fail_setup() {
  echo "FAIL: $1"
  say "work folder kept: $T"
  echo "$passed passed, $((failed + 1)) failed"
  exit 1
}

# A step with a time limit; its output goes to a log, shown on failure.
step() {
  local name=$1 limit=$2; shift 2
  local log="$T/step-$(echo "$name" | tr -c 'A-Za-z0-9.\n' '-').log" s=$SECONDS
  if declare -F "$1" > /dev/null; then
    timeout --kill-after=10 "$limit" bash -c "$(declare -f "$1"); \"\$@\"" step "$@" > "$log" 2>&1
  else
    timeout --kill-after=10 "$limit" "$@" > "$log" 2>&1
  fi
  local rc=$?
  if [ $rc -ne 0 ]; then
    tail -n 40 "$log"
    fail_setup "setup step '$name' (exit $rc)"
  fi
  say "$name: ok ($((SECONDS - s))s)"
}

install_chromium() {
  [ -x /usr/bin/chromium ] && { /usr/bin/chromium --version; return 0; }
  export DEBIAN_FRONTEND=noninteractive
  if [ "$(id -u)" -ne 0 ]; then echo "not root: install Debian's chromium package"; return 1; fi
  apt-get install -y -q chromium || { apt-get update -q && apt-get install -y -q chromium; }
  /usr/bin/chromium --version
}

npm_ci() {
  local dir=$1 sum
  sum=$(cat "$dir/package-lock.json" "$dir/package.json" | sha256sum | cut -c1-16)
  if [ -f "$dir/node_modules/.peace-e2e-$sum" ]; then echo "node_modules up to date"; return 0; fi
  (cd "$dir" && npm ci --cache "$CACHE/npm" --prefer-offline --no-audit --no-fund --loglevel=error) || return 1
  touch "$dir/node_modules/.peace-e2e-$sum"
}

# The hostile class: every way a student's text could try to become markup.
hostile_class() {
  local dir=$1
  mkdir -p "$dir"
  python3 - "$dir" <<'PY'
import pathlib, sys
d = pathlib.Path(sys.argv[1])
attack = ("<script>window.__pwned = 1; alert('x')</script> <img src=x onerror=\"window.__pwned = 1; alert(1)\"> "
          "[click](javascript:alert(2)) \"><svg onload=alert(3)> <a href=\"javascript:alert(4)\">a</a> "
          "<iframe src=\"https://example.org/\"></iframe> <link rel=stylesheet href=\"https://example.org/x.css\">")
(d / "attack.txt").write_text(f"The UN peacekeepers negotiated the accord {attack} in 1995.\n")
(d / "attack.md").write_text(f"# {attack}\n\nThe UN peacekeepers negotiated <img src=x onerror=alert(6)> the accord.\n\n{attack}\n")
(d / "<img src=x onerror=alert(7)>.txt").write_text("Blue helmets negotiated the peace agreement.\n")
big = []
size = 0
while size < 2_600_000:
    big.append(attack); size += len(attack) + 1
big.append("The peacekeepers negotiated the treaty.")
while size < 5_200_000:
    big.append(attack); size += len(attack) + 1
(d / "huge.txt").write_text(" ".join(big) + "\n")
PY
}

mkdir -p "$CACHE" "$OUT"
say "peace-lsp class report browser test; work folder $T"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || fail_setup "Node.js 20 or newer is needed (found $(node --version 2>&1))"

step "chromium" 900 install_chromium
step "npm ci tests/e2e/report" 600 npm_ci "$HERE"

if [ -n "${PEACE_LSP_BINARY:-}" ]; then
  BIN=$PEACE_LSP_BINARY
  say "peace-lsp: $BIN (PEACE_LSP_BINARY)"
else
  step "cargo build --release" 1800 cargo build --release --locked --manifest-path "$ROOT/Cargo.toml" --bin peace-lsp
  BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/peace-lsp
fi
# The generator is built in the test profile, which `cargo test` has
# already built in CI (a release build would compile the dev-dependencies
# again).
step "cargo build --example class" 1800 \
  cargo build --locked --manifest-path "$ROOT/Cargo.toml" --example class
GEN=${CARGO_TARGET_DIR:-$ROOT/target}/debug/examples/class

# The class: 12 essays of about 600 words, every second one a .docx.
step "generate the class" 60 "$GEN" "$T/class" 12 600
step "hostile class" 60 hostile_class "$T/hostile"
(cd "$T" && "$BIN" report class --title "Peace operations, essay 2" -o report.html) 2>&1 | sed 's/^/   /'
[ -s "$T/report.html" ] || fail_setup "peace-lsp report wrote no report.html"
(cd "$T" && "$BIN" report class --title "Peace operations, essay 2" --format json -o report.json) 2>&1 | sed 's/^/   /'
(cd "$T" && timeout 300 "$BIN" report hostile -o hostile.html) 2>&1 | sed 's/^/   /'
[ -s "$T/hostile.html" ] || fail_setup "peace-lsp report wrote no hostile.html"

rm -f "$OUT"/*.png
s=$SECONDS
REPORT="$T/report.html" JSON="$T/report.json" HOSTILE="$T/hostile.html" OUT="$OUT" RESULTS="$T/results" \
  timeout --kill-after=10 240 node "$HERE/report.js"
rc=$?
say "browser checks: $((SECONDS - s))s"
if [ -f "$T/results" ]; then read -r passed failed < "$T/results"; fi
if [ $rc -ne 0 ] && [ "$failed" -eq 0 ]; then echo "FAIL: the browser test exited $rc"; failed=1; fi
echo "   screenshots: $(cd "$OUT" && ls *.png 2>/dev/null | tr '\n' ' ')"
if [ "$failed" -eq 0 ]; then
  if [ "$UPDATE_DOCS" -eq 1 ]; then
    mkdir -p "$ROOT/docs/img"
    cp "$OUT/report.png" "$ROOT/docs/img/report.png"
    say "copied report.png to docs/img/"
  fi
  [ "${PEACE_E2E_KEEP:-0}" = 1 ] && say "kept $T" || rm -rf "$T"
else
  say "work folder kept: $T"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
