#!/usr/bin/env bash
# Issue 4's "done when": a grounded (model) summary of every PDF in
# ../shared/data/hk-gov-pdf/, in English and in Traditional Chinese, with its time.
# Prints one TSV row per file and language, then totals (bench/summarize_all_pdfs.py).
#
#   cargo build --release -p hkpilot && bash bench/summarize_all_pdfs.sh [MODEL]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
BIN=${HKPILOT_BIN:-target/release/hkpilot}
MODEL=${1:-SmolLM2-135M-Instruct.Q4_1}
OUT=${OUT:-$(mktemp -d)}
echo "# $(date -u +%FT%TZ) $BIN --model $MODEL; outputs in $OUT" >&2
for pdf in ../shared/data/hk-gov-pdf/*.pdf; do
  for lang in en zh-Hant; do
    name=$(basename "$pdf" .pdf)
    start=$(date +%s%N)
    if "$BIN" summarize "$pdf" --model "$MODEL" --lang "$lang" --format json \
        >"$OUT/$name.$lang.json" 2>"$OUT/$name.$lang.err"; then rc=0; else rc=$?; fi
    end=$(date +%s%N)
    printf "%s\t%s\t%s\t%d.%03d\n" "$name" "$lang" "$rc" $(((end - start) / 1000000000)) $(((end - start) / 1000000 % 1000))
  done
done > "$OUT/runs.tsv"
python3 bench/summarize_all_pdfs.py "$OUT"
