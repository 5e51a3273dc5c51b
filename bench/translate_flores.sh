#!/usr/bin/env bash
# Translation benchmark: the first N FLORES-200 dev sentences, English -> Traditional
# Chinese and back, translated with `hkpilot translate --format json` and scored with
# sacrebleu (chrF, BLEU), plus completeness (source figures present, sentence ratio,
# untranslated share) and termbase compliance; then the same on the termbase test set
# in bench/data/translate-termbase.{en,zh-Hant}.txt (written for this project).
#
#   bench/translate_flores.sh [--limit N] [--model NAME|PATH] [--parallel N] [--skip-termbase]
#
# Defaults: N=50, the default model (SmolLM2-135M-Instruct.Q4_1, installed by
# scripts/setup.sh). Rerun with a bigger model: --model /path/to/model.gguf.
# Environment: HKPILOT_BIN (default target/release/hkpilot, built when missing),
# FLORES_DIR (default ../shared/data/translation). Results: .bench/translate/.
set -euo pipefail
cd "$(dirname "$0")/.."

limit=50
model=SmolLM2-135M-Instruct.Q4_1
parallel=4
termbase=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --limit) limit="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --skip-termbase) termbase=0; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

flores="${FLORES_DIR:-../shared/data/translation}"
bin="${HKPILOT_BIN:-target/release/hkpilot}"
if [[ ! -x "$bin" ]]; then
  cargo build --release -p hkpilot
fi
venv=.bench/translate-venv
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet sacrebleu
fi
out=.bench/translate
mkdir -p "$out"
results="$out/results-$(date +%Y%m%d-%H%M%S).jsonl"

# run LABEL SOURCE_LINES REFERENCE_LINES TARGET_LANG
run() {
  local label="$1" src="$2" ref="$3" to="$4"
  local input="$out/$label.txt" json="$out/$label.json"
  # One sentence per paragraph: block i of the output is sentence i.
  head -n "$limit" "$src" | sed 's/^[[:space:]]*//' | awk '{print; print ""}' > "$input"
  "$bin" --models-dir .models --model "$model" translate "$input" --to "$to" \
    --format json --parallel "$parallel" -o "$json"
  head -n "$limit" "$ref" > "$out/$label.ref"
  "$venv/bin/python" bench/score_translate.py "$json" "$out/$label.ref" "$to" "$label" | tee -a "$results"
}

run "flores-en-zhHant" "$flores/flores200-dev.eng_Latn.txt" "$flores/flores200-dev.zho_Hant.txt" zh-Hant
run "flores-zhHant-en" "$flores/flores200-dev.zho_Hant.txt" "$flores/flores200-dev.eng_Latn.txt" en
if [[ "$termbase" == 1 ]]; then
  run "termbase-en-zhHant" bench/data/translate-termbase.en.txt bench/data/translate-termbase.zh-Hant.txt zh-Hant
  run "termbase-zhHant-en" bench/data/translate-termbase.zh-Hant.txt bench/data/translate-termbase.en.txt en
fi
echo "results: $results" >&2
