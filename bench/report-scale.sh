#!/usr/bin/env bash
# Whole-process measurement of `peace-lsp report` on a generated class:
# 300 essays of about 2,000 words, Markdown and .docx mixed (every second
# essay a .docx), written by examples/class.rs. Prints GNU time's wall time
# and peak memory for the HTML report and the JSON report.
# Usage: bench/report-scale.sh [COUNT] [WORDS]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-300}
words=${2:-2000}
cargo build --release --quiet --bin peace-lsp
# The generator in the test profile: `cargo test` builds it anyway.
cargo build --quiet --example class
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
target/debug/examples/class "$tmp/class" "$count" "$words"
echo "class: $(find "$tmp/class" -name '*.md' | wc -l) Markdown, $(find "$tmp/class" -name '*.docx' | wc -l) .docx, $(du -sh "$tmp/class" | cut -f1)"
for format in html json; do
  cmd=(target/release/peace-lsp report "$tmp/class" --format "$format" -o "$tmp/report.$format")
  /usr/bin/time -v "${cmd[@]}" 2> "$tmp/time"
  grep -E '^reported' "$tmp/time"
  echo "$format ($(stat -c %s "$tmp/report.$format") bytes): $(grep 'Elapsed (wall clock)' "$tmp/time" | sed 's/.*: //') wall, $(grep 'Maximum resident set size' "$tmp/time" | sed 's/.*: //') KiB max RSS, $(grep 'Percent of CPU' "$tmp/time" | sed 's/.*: //') CPU"
done
