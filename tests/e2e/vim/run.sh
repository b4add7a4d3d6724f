#!/usr/bin/env bash
# Vim 9 + ALE end-to-end test of editors/vim against a peace-lsp binary.
# Usage: tests/e2e/vim/run.sh [SERVER]   (default: target/release/peace-lsp)
# Needs vim and ALE (Debian vim, vim-ale; or set ALE_DIR to an ALE checkout).
# The linter runs "peace-lsp" (g:ale_peace_lsp_executable's default), so the
# binary under test is put first on PATH under that name.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
SERVER=${1:-$ROOT/target/release/peace-lsp}
VIM=${VIM_BIN:-vim}
export PEACE_E2E_ROOT=$ROOT PEACE_E2E_ALE=${ALE_DIR:-/usr/share/vim-ale}

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export HOME=$T/home
mkdir -p "$HOME" "$T/bin" "$T/project"
ln -s "$(realpath -m "$SERVER")" "$T/bin/peace-lsp"
export PATH=$T/bin:$PATH
printf '# peace-lsp project settings\n' > "$T/project/.peace-lsp.toml"
printf 'UN peacekeepers negotiated the Dayton Accords.\n' > "$T/project/essay.md"

command -v "$VIM" >/dev/null || { echo "FAIL: $VIM not found (apt-get install vim vim-ale)"; exit 1; }
[ -f "$PEACE_E2E_ALE/plugin/ale.vim" ] || { echo "FAIL: ALE not found in $PEACE_E2E_ALE (apt-get install vim-ale)"; exit 1; }
"$VIM" --version | head -n 1
timeout 60 "$VIM" -N -u NONE -i NONE -n -es -S "$HERE/e2e.vim" "$T/project/essay.md" </dev/null \
  | tee "$T/out.log"
rc=${PIPESTATUS[0]}
if [ "$rc" -eq 124 ]; then echo "FAIL: Vim timed out after 60 s"; fi
# Exit status 0 is not enough: an editor can also exit 0 on EOF at a prompt.
if [ "$rc" -eq 0 ] && ! grep -q '\] PASS$' "$T/out.log"; then
  echo "FAIL: Vim exited 0 before the test finished (no PASS line)"; rc=1
fi
exit "$rc"
