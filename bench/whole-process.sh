#!/usr/bin/env bash
# Whole-process measurement: wall time and peak memory of `peace-lsp check`
# on a generated 1 MB Markdown essay (and a 20 MB plain-text file).
# Usage: bench/whole-process.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp" <<'PY'
import sys, pathlib
d = pathlib.Path(sys.argv[1])
essay = pathlib.Path("examples/essay.md").read_text().split("\n---\n")[-1]
clean = pathlib.Path("examples/clean.txt").read_text()
out, i = ["---\ntitle: benchmark\n---\n"], 0
while sum(map(len, out)) < 1_000_000:
    i += 1
    out.append(f"\n## Part {i}\n\n{essay}\n\n{clean}\n")
(d / "essay-1mb.md").write_text("".join(out))
(d / "plain-20mb.txt").write_text(clean * (20_000_000 // len(clean) + 1))
# Above the default max-document-bytes (10 MiB), which `check` would skip.
(d / ".peace-lsp.toml").write_text("max-document-bytes = 100000000\n")
PY
for f in "$tmp/essay-1mb.md" "$tmp/plain-20mb.txt"; do
  size=$(stat -c %s "$f")
  /usr/bin/time -f "%e s wall, %M KiB max RSS" target/release/peace-lsp check "$f" > /dev/null 2> "$tmp/time" || true
  echo "$(basename "$f") ($size bytes): $(tail -n 1 "$tmp/time")"
done
