#!/usr/bin/env bash
# End-to-end test of the VS Code extension (editors/vscode) in real VS Code:
# code-server 4.100.3 (VS Code 1.100.3) in headless Debian Chromium, driven by
# playwright-core. From a clean Debian machine (as root, with Node 20+ and
# cargo) it installs what it needs, builds the release server and the .vsix,
# installs the .vsix into a fresh code-server profile, opens an essay and
# checks the squiggle, the Problems panel, the hover card, the quick fix,
# Explain Term Under Cursor, the summary lens, the concept colours, the
# completion list with documentation, the outline view, the findings of five
# unopened files in the Problems panel (workspace diagnostics) and the
# server-not-found notification.
#
# Usage: tests/e2e/vscode/run.sh [--update-docs]
#   --update-docs           copy the screenshots (hover, diagnostic, completion,
#                           tokens, outline, workspace problems, lens) to docs/img/
# Environment:
#   PEACE_E2E_CACHE         install cache (default ~/.cache/peace-lsp-e2e):
#                           code-server and npm's download cache
#   PEACE_LSP_BINARY        use this server binary instead of `cargo build --release`
#   PEACE_E2E_KEEP=1        keep the temporary profile and logs after a pass
# Screenshots: tests/e2e/vscode/out/. Last line: "N passed, N failed[, N skipped]".
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
EXT="$ROOT/editors/vscode"
OUT="$HERE/out"
CACHE=${PEACE_E2E_CACHE:-$HOME/.cache/peace-lsp-e2e}
CS_VERSION=4.100.3
UPDATE_DOCS=0
for a in "$@"; do
  case "$a" in
    --update-docs) UPDATE_DOCS=1 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $a" >&2; exit 2 ;;
  esac
done

T0=$(date +%s)
T=$(mktemp -d /tmp/peace-lsp-vscode-e2e.XXXXXX)
CS_PID=
passed=0 failed=0 skipped=0

elapsed() { echo "$(( $(date +%s) - $1 ))s"; }
say() { echo "== $*"; }

summary() {
  say "total wall time $(elapsed "$T0")"
  if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"
  else echo "$passed passed, $failed failed"; fi
}

stop_code_server() {
  if [ -n "$CS_PID" ] && kill -0 "$CS_PID" 2>/dev/null; then
    kill -TERM -- "-$CS_PID" 2>/dev/null || kill -TERM "$CS_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$CS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$CS_PID" 2>/dev/null || true
  fi
  CS_PID=
}
trap stop_code_server EXIT

# Everything that tells why the extension or the server did not work.
print_logs() {
  say "code-server log ($T/code-server.log, last 80 lines)"
  tail -n 80 "$T/code-server.log" 2>/dev/null
  local f
  while IFS= read -r f; do
    say "extension output channel / server stderr: $f"
    tail -n 120 "$f"
  done < <(find "$T/ud/logs" -type f -name '*Peace LSP*' 2>/dev/null)
  while IFS= read -r f; do
    say "extension host log: $f (lines about peace-lsp or errors)"
    grep -iE 'peace|error|fail' "$f" | tail -n 60
  done < <(find "$T/ud/logs" -type f -name 'exthost*.log' 2>/dev/null)
  say "temporary profile, workspace and logs kept in $T"
}

# step NAME TIMEOUT_SECONDS COMMAND...: runs COMMAND with its output in a log;
# on failure prints the log's tail and stops the test.
step() {
  local name=$1 limit=$2; shift 2
  local log="$T/step-$(echo "$name" | tr -c "A-Za-z0-9.\n" "-").log" s rc
  s=$(date +%s)
  if declare -F "$1" > /dev/null; then
    # A function of this script: run it in a child bash so that `timeout` applies.
    timeout --kill-after=10 "$limit" bash -c "$(declare -f "$1"); \"\$@\"" step "$@" > "$log" 2>&1
  else
    timeout --kill-after=10 "$limit" "$@" > "$log" 2>&1
  fi
  rc=$?
  if [ $rc -ne 0 ]; then
    [ $rc -eq 124 ] && echo "run.sh: $name did not finish within ${limit}s"
    say "FAILED: $name (exit $rc) after $(elapsed "$s"); last lines of its output:"
    tail -n 60 "$log"
    echo "FAIL: setup step '$name'"
    failed=$((failed + 1))
    print_logs
    summary
    exit 1
  fi
  say "$name: ok ($(elapsed "$s"))"
}

# npm ci, skipped when node_modules already matches package-lock.json.
npm_ci() {
  local dir=$1 sum
  sum=$(cat "$dir/package-lock.json" "$dir/package.json" | sha256sum | cut -c1-16)
  if [ -f "$dir/node_modules/.peace-e2e-$sum" ]; then echo "node_modules up to date"; return 0; fi
  (cd "$dir" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error) || return 1
  touch "$dir/node_modules/.peace-e2e-$sum"
}

install_chromium() {
  [ -x /usr/bin/chromium ] && { /usr/bin/chromium --version; return 0; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium || { apt-get update -q && apt-get install -y -q chromium; }
  /usr/bin/chromium --version
}

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

mkdir -p "$CACHE" "$OUT"
# One run at a time in this work tree: runs share editors/vscode/server/ and out/.
exec 9> "$OUT/.lock"
if ! flock -w 900 9; then
  echo "FAIL: another tests/e2e/vscode/run.sh in this tree held its lock for 15 minutes"
  failed=1; summary; exit 1
fi
export npm_config_cache="$CACHE/npm"
export npm_config_update_notifier=false
if [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
say "peace-lsp VS Code end-to-end test; cache $CACHE; work dir $T"

node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || { echo "FAIL: Node.js 20 or newer is needed (found $(node --version 2>&1))"; failed=1; summary; exit 1; }

# 1. Tools: Chromium (Debian), code-server (npm + Debian, cached), npm deps.
step "chromium" 900 install_chromium
step "code-server $CS_VERSION" 1200 "$HERE/install_code_server.sh" "$CACHE/code-server-$CS_VERSION"
CODE_SERVER="$CACHE/code-server-$CS_VERSION/node_modules/.bin/code-server"
step "npm ci editors/vscode" 600 npm_ci "$EXT"
step "npm ci tests/e2e/vscode" 600 npm_ci "$HERE"

# 2. The server and the .vsix.
if [ -n "${PEACE_LSP_BINARY:-}" ]; then
  SERVER=$PEACE_LSP_BINARY
  say "server: $SERVER (PEACE_LSP_BINARY)"
else
  step "cargo build --release" 1800 cargo build --release --manifest-path "$ROOT/Cargo.toml"
  SERVER="$ROOT/target/release/peace-lsp"
fi
export PEACE_LSP_BINARY=$SERVER
VSIX="$T/peace-lsp.vsix"
step "npm run package" 600 bash -c "cd '$EXT' && npm run package -- --out '$VSIX'"
ls -l "$VSIX" | awk '{print "   " $5 " bytes: " $NF}'
# The extension's page: no README link or image that leaves the package.
if node "$EXT/scripts/check-vsix.mjs" "$VSIX"; then
  echo "PASS: the packaged README's links and images resolve inside the .vsix; licences packed"
  passed=$((passed + 1))
else
  echo "FAIL: the packaged README has links outside the .vsix"
  failed=$((failed + 1))
fi

# 3. Does the server offer code actions yet? (decides whether a missing quick fix fails)
step "initialize probe" 30 bash -c "node '$HERE/probe_capabilities.js' '$SERVER' > '$T/capabilities.json'"
if grep -q '"codeActionProvider"' "$T/capabilities.json"; then QUICKFIX=expect; else QUICKFIX=skip; fi
echo "   server capabilities: $(cat "$T/capabilities.json")"

# 4. A fresh code-server profile with the extension installed.
mkdir -p "$T/ud/User" "$T/ext" "$T/ws" "$T/xdg-config" "$T/xdg-data"
cat > "$T/ud/User/settings.json" <<'JSON'
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  "chat.disableAIFeatures": true,
  "peace-lsp.files": ["**/*.rst"],
  "peace-lsp.summaryLens": true,
  "editor.hover.delay": 150,
  "editor.minimap.enabled": false,
  "editor.wordWrap": "on",
  "window.commandCenter": false,
  "workbench.layoutControl.enabled": false
}
JSON
cp -r "$HERE/fixtures/." "$T/ws/"
export XDG_CONFIG_HOME="$T/xdg-config" XDG_DATA_HOME="$T/xdg-data"
step "install .vsix into code-server" 120 \
  "$CODE_SERVER" --user-data-dir "$T/ud" --extensions-dir "$T/ext" --install-extension "$VSIX"

# 5. code-server on loopback, then the browser test.
PORT=$(free_port)
say "starting code-server on 127.0.0.1:$PORT"
PEACE_LSP_LOG=info setsid "$CODE_SERVER" --bind-addr "127.0.0.1:$PORT" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --user-data-dir "$T/ud" --extensions-dir "$T/ext" \
  > "$T/code-server.log" 2>&1 < /dev/null &
CS_PID=$!
up=0
for _ in $(seq 300); do
  curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null 2>&1 && { up=1; break; }
  kill -0 "$CS_PID" 2>/dev/null || break
  sleep 0.1
done
if [ $up -ne 1 ]; then
  echo "FAIL: code-server did not answer on 127.0.0.1:$PORT within 30 s"
  failed=$((failed + 1)); print_logs; summary; exit 1
fi

rm -f "$OUT"/*.png
s=$(date +%s)
CS_URL="http://127.0.0.1:$PORT" WS="$T/ws" ESSAY=essay.md OUT="$OUT" QUICKFIX=$QUICKFIX RESULTS="$T/results" \
  timeout --kill-after=10 300 node "$HERE/e2e.js"
rc=$?
say "browser checks: $(elapsed "$s")"
if [ -f "$T/results" ]; then
  read -r p f k < "$T/results"
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + k))
fi
if [ $rc -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "FAIL: the browser test exited $rc"
  failed=1
fi
stop_code_server

echo "   screenshots: $(cd "$OUT" && ls *.png 2>/dev/null | tr '\n' ' ')"
if [ "$failed" -ne 0 ]; then
  print_logs
else
  if [ "$UPDATE_DOCS" -eq 1 ]; then
    mkdir -p "$ROOT/docs/img"
    cp "$OUT/hover.png" "$ROOT/docs/img/vscode-hover.png"
    cp "$OUT/diagnostic-problems.png" "$ROOT/docs/img/vscode-diagnostic.png"
    for f in completion tokens outline definition problems-workspace lens explain; do
      cp "$OUT/$f.png" "$ROOT/docs/img/vscode-$f.png"
    done
    say "copied hover, diagnostic-problems, completion, tokens, outline, definition, problems-workspace, lens and explain screenshots to docs/img/"
  fi
  [ "${PEACE_E2E_KEEP:-0}" = 1 ] && say "kept $T" || rm -rf "$T"
fi
summary
[ "$failed" -eq 0 ]
