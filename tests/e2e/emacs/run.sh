#!/usr/bin/env bash
# Emacs + Eglot end-to-end test of editors/emacs/peace-lsp.el.
# Usage: tests/e2e/emacs/run.sh [SERVER]   (default: target/release/peace-lsp)
# Needs emacs (Debian emacs-nox) and Eglot (Debian elpa-eglot, or built in
# from Emacs 29). peace-lsp.el runs "peace-lsp" from exec-path, so the binary
# under test is put first on PATH under that name.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
SERVER=${1:-$ROOT/target/release/peace-lsp}
EMACS=${EMACS:-emacs}

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export HOME=$T/home   # no user init, no ~/.emacs.d side effects
mkdir -p "$HOME" "$T/bin" "$T/project"
ln -s "$(realpath -m "$SERVER")" "$T/bin/peace-lsp"
export PATH=$T/bin:$PATH
printf 'UN peacekeepers negotiated the Dayton Accords.\n' > "$T/project/essay.txt"
cat > "$T/project/essay.tex" <<'TEX'
\documentclass{article}
\begin{document}
UN peacekeepers negotiated the Dayton Accords.
\end{document}
TEX

command -v "$EMACS" >/dev/null || { echo "FAIL: $EMACS not found (apt-get install emacs-nox elpa-eglot)"; exit 1; }
timeout 60 "$EMACS" --batch -Q -l "$HERE/e2e.el" "$ROOT" "$T/project" </dev/null 2>&1 \
  | tee "$T/out.log"
rc=${PIPESTATUS[0]}
if [ "$rc" -eq 124 ]; then echo "FAIL: Emacs timed out after 60 s"; fi
# Exit status 0 is not enough: an editor can also exit 0 on EOF at a prompt.
if [ "$rc" -eq 0 ] && ! grep -q '\] PASS$' "$T/out.log"; then
  echo "FAIL: Emacs exited 0 before the test finished (no PASS line)"; rc=1
fi
exit "$rc"
