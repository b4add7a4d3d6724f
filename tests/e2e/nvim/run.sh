#!/usr/bin/env bash
# Neovim end-to-end test of editors/neovim against a peace-lsp binary.
# Usage: tests/e2e/nvim/run.sh [NVIM] [SERVER]
#   NVIM   Neovim 0.11+ (default: $NVIM, else nvim on PATH)
#   SERVER the binary under test (default: target/release/peace-lsp)
# Runs e2e.lua twice, with the plugin installed two ways:
#   rtp   --cmd 'set rtp+=editors/neovim' (what lazy.nvim's `dir` does)
#   pack  a copy in pack/peace/start/ on 'packpath' (a native package); this
#         run also builds the help tags and follows every |link| in the doc
# then the learning aids typed into a listening Neovim (aids.lua: completion
# with <C-x><C-o>, go to definition with <C-]>, document symbols with :PeaceOutline),
# and checks that vim.g.peace_lsp_disable = true keeps the server off.
# The plugin is used exactly as shipped: its cmd is {'peace-lsp'}, so the
# binary under test is put first on PATH under that name.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
NVIM=${1:-${NVIM:-nvim}}
SERVER=${2:-$ROOT/target/release/peace-lsp}

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/bin"
ln -s "$(realpath -m "$SERVER")" "$T/bin/peace-lsp"
export PATH=$T/bin:$PATH
"$NVIM" --version | head -n 1 || { echo "FAIL: cannot run $NVIM"; exit 1; }

run() {  # run MODE NVIM-ARGS...
  local mode=$1; shift
  local W=$T/$mode
  # Isolated XDG dirs: no user config, and lsp.log lands in $W/state/nvim.
  export XDG_CONFIG_HOME=$W/config XDG_DATA_HOME=$W/data XDG_STATE_HOME=$W/state \
    XDG_CACHE_HOME=$W/cache
  mkdir -p "$W/project"
  printf '# peace-lsp project settings\n' > "$W/project/.peace-lsp.toml"
  printf 'UN peacekeepers negotiated the Dayton Accords.\n' > "$W/project/essay.md"
  echo "-- plugin via $mode"
  timeout 60 "$NVIM" --clean --headless "$@" --cmd 'set loadplugins' \
    -l "$HERE/e2e.lua" "$W/project/essay.md" </dev/null | tee "$W/out.log"
  local rc=${PIPESTATUS[0]}
  if [ "$rc" -eq 124 ]; then echo "FAIL: Neovim timed out after 60 s"; fi
  # Exit status 0 is not enough: Neovim also exits 0 on EOF at a prompt.
  if [ "$rc" -eq 0 ] && ! grep -q '\] PASS$' "$W/out.log"; then
    echo "FAIL: Neovim exited 0 before the test finished (no PASS line)"; rc=1
  fi
  if [ "$rc" -ne 0 ]; then
    echo "--- $XDG_STATE_HOME/nvim/lsp.log"
    cat "$XDG_STATE_HOME/nvim/lsp.log" 2>/dev/null || echo "(no lsp.log)"
    echo "---"
  fi
  return "$rc"
}

run rtp --cmd "set rtp+=$ROOT/editors/neovim" || exit 1

mkdir -p "$T/site/pack/peace/start"
cp -r "$ROOT/editors/neovim" "$T/site/pack/peace/start/peace-lsp"
PEACE_E2E_HELPTAGS=1 run pack --cmd "set packpath^=$T/site" || exit 1

# The learning aids, typed as a user types them: an editor Neovim with
# the plugin listens on a socket; aids.lua sends keys and reads its state.
echo "-- completion, go to definition, document symbols (aids.lua)"
W=$T/aids
export XDG_CONFIG_HOME=$W/config XDG_DATA_HOME=$W/data XDG_STATE_HOME=$W/state XDG_CACHE_HOME=$W/cache
mkdir -p "$W/project"
printf '# peace-lsp project settings\n' > "$W/project/.peace-lsp.toml"
cat > "$W/project/essay.md" <<'ESSAY'
# Peace operations

Peacekeeping is the deployment of impartial UN forces with the consent of the parties.

Mediators practise peacemaking between the parties.

In Cyprus, peacekeeping has held the buffer zone since 1974.
ESSAY
"$NVIM" --clean --headless --listen "$W/editor.sock" --cmd "set rtp+=$ROOT/editors/neovim" \
  --cmd 'set loadplugins' "$W/project/essay.md" </dev/null >"$W/editor.log" 2>&1 &
EDITOR_PID=$!
timeout 60 "$NVIM" --clean --headless -l "$HERE/aids.lua" "$W/editor.sock" </dev/null | tee "$W/out.log"
rc=${PIPESTATUS[0]}
kill "$EDITOR_PID" 2>/dev/null; wait "$EDITOR_PID" 2>/dev/null
if [ "$rc" -eq 0 ] && ! grep -q '\] PASS$' "$W/out.log"; then echo "FAIL: aids.lua ended without PASS"; rc=1; fi
if [ "$rc" -ne 0 ]; then
  echo "--- $XDG_STATE_HOME/nvim/lsp.log"; cat "$XDG_STATE_HOME/nvim/lsp.log" 2>/dev/null || echo "(no lsp.log)"
  echo "--- editor output"; cat "$W/editor.log"
  exit 1
fi

echo "-- opt-out"
timeout 30 "$NVIM" --clean --headless --cmd 'let g:peace_lsp_disable = v:true' \
  --cmd "set rtp+=$ROOT/editors/neovim" --cmd 'set loadplugins' \
  -l "$HERE/optout.lua" "$T/rtp/project/essay.md" </dev/null || exit 1
