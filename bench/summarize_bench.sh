#!/usr/bin/env bash
# Benchmarks `hkpilot summarize --model` (grounded map-reduce) on a long document against
# (1) the engine's physical floor (prompt tokens computed / single-stream prompt rate +
# output tokens / generation rate, rates measured by the bench_rates example with the
# same build, threads and model) and (2) LangChain's map-reduce summarisation chain over
# llama-cpp-python with the same model, chunk size, output budgets and threads.
# Prints a table; raw outputs go to $OUT. See BENCHMARKS.md, "Grounded summaries".
#
# Usage: bench/summarize_bench.sh                       (builds, then runs everything)
#   MODEL=.models/SmolLM2-135M-Instruct.Q4_1.gguf DOC=../shared/data/long-documents/policy-address-2025.en.md
#   PARALLELS="4 2 1"  REPS=2  THREADS=2  OUT=/tmp/hk-sumbench  SKIP_BUILD=1  SKIP_PEER=1
#   QUIET_LOAD=1.5 QUIET_MAX_WAIT=900   (wait before each timed run until the 1-minute load
#                                       average is below QUIET_LOAD, at most QUIET_MAX_WAIT s)
# Needs: cargo; python3 (3.10+); network access to PyPI the first time (peer venv).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
MODEL="${MODEL:-.models/SmolLM2-135M-Instruct.Q4_1.gguf}"
DOC="${DOC:-../shared/data/long-documents/policy-address-2025.en.md}"
PARALLELS="${PARALLELS:-4 2 1}"
REPS="${REPS:-2}"
THREADS="${THREADS:-2}"
WINDOW="${WINDOW:-4096}"
OUT="${OUT:-/tmp/hk-sumbench}"
QUIET_LOAD="${QUIET_LOAD:-1.5}"
QUIET_MAX_WAIT="${QUIET_MAX_WAIT:-900}"
VENV="$ROOT/.bench/peer-venv"
mkdir -p "$OUT"
rm -f "$OUT"/ours-p*-r* "$OUT"/peer-r* "$OUT"/rates.*
[[ -f "$MODEL" ]] || { echo "no model at $MODEL (scripts/fetch-default-model.sh)" >&2; exit 1; }
[[ -f "$DOC" ]] || { echo "no document at $DOC" >&2; exit 1; }

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# Waits until the machine is quiet enough to time on; records what it found.
wait_quiet() {
    local waited=0
    while :; do
        local load
        load="$(cut -d' ' -f1 /proc/loadavg)"
        if awk -v l="$load" -v q="$QUIET_LOAD" 'BEGIN { exit !(l < q) }'; then
            log "load $load (quiet)"; echo "$load"; return
        fi
        if (( waited >= QUIET_MAX_WAIT )); then
            log "load $load after ${waited}s: NOT QUIET, timing anyway"; echo "$load!"; return
        fi
        sleep 15; waited=$((waited + 15))
    done
}

if [[ -z "${SKIP_BUILD:-}" ]]; then
    log "building hkpilot and the bench_rates example (release; llama.cpp at -O3)"
    cargo build --release -p hkpilot --bin hkpilot >&2
    cargo build --release -p hkpilot-llm-llamacpp --example bench_rates >&2
fi
HK="$ROOT/target/release/hkpilot"
RATES="$ROOT/target/release/examples/bench_rates"

# shellcheck source=bench/peer_venv.sh
source "$ROOT/bench/peer_venv.sh"
[[ -n "${SKIP_PEER:-}" ]] || ensure_peer_venv

echo "engine sources: $(git diff --stat crates/hkpilot-llm-llamacpp | tail -n1) (uncommitted changes vs $(git rev-parse --short HEAD))" \
    | tee "$OUT/version.txt" >&2

# 1. Single-stream rates at a chunk-like prompt length.
log "engine rates (bench_rates, ~3,300-token prompts, 256 out, 3 reps)"
load="$(wait_quiet)"
"$RATES" "$MODEL" "$THREADS" "$DOC" 3300 256 3 > "$OUT/rates.jsonl"
echo "$load" > "$OUT/rates.load"
PP="$(jq -r 'select(.summary=="greedy") | .prompt_tok_s_median' "$OUT/rates.jsonl")"
TG="$(jq -r 'select(.summary=="greedy") | .gen_tok_s_median' "$OUT/rates.jsonl")"
TG_G="$(jq -r 'select(.summary=="pipeline_sampling") | .gen_tok_s_median' "$OUT/rates.jsonl")"
log "prompt ${PP} tok/s, generation ${TG} tok/s (with grammar + repetition penalty: ${TG_G})"

# 2. Ours, each --parallel, REPS times.
for p in $PARALLELS; do
    for r in $(seq 1 "$REPS"); do
        load="$(wait_quiet)"
        log "ours --parallel $p, run $r"
        /usr/bin/time -f "%e %M" -o "$OUT/ours-p$p-r$r.time" \
            "$HK" --model "$MODEL" summarize "$DOC" --format json --parallel "$p" --window "$WINDOW" \
            > "$OUT/ours-p$p-r$r.json"
        echo "$load" > "$OUT/ours-p$p-r$r.load"
    done
done

# 3. The peer, with our run's chunk size and budgets.
first="$(ls "$OUT"/ours-p*-r1.json | head -n1)"
CHUNK="$(jq -r '.summaries[0].summary.provenance.settings.chunk_tokens' "$first")"
UNITS="$(jq -r '.summaries[0].summary.provenance.stats.source_sentences' "$first")"
read -r NOTE_OUT FINAL_OUT FINAL_IN < <(python3 - "$WINDOW" "$UNITS" "$CHUNK" <<'EOF'
# the pipeline's budgets() for English and length "standard" (crates/hkpilot-grounded)
import math, sys
window, units, chunk = map(int, sys.argv[1:])
note_out = min(max(window // 6, 96), 512)
target = min(max(round(math.sqrt(units)), 2), 25, units)
final_out = min(max(target * 60, 128), window // 2)
print(note_out, final_out, chunk + note_out - final_out)
EOF
)
if [[ -z "${SKIP_PEER:-}" ]]; then
    for r in $(seq 1 "$REPS"); do
        load="$(wait_quiet)"
        log "peer (LangChain map_reduce + llama-cpp-python), run $r"
        "$VENV/bin/python" bench/peer_langchain_summarize.py --model "$MODEL" --doc "$DOC" \
            --chunk-tokens "$CHUNK" --map-max "$NOTE_OUT" --final-max "$FINAL_OUT" \
            --token-max "$FINAL_IN" --threads "$THREADS" --n-ctx "$WINDOW" \
            --summary-out "$OUT/peer-r$r.txt" > "$OUT/peer-r$r.json"
        echo "$load" > "$OUT/peer-r$r.load"
    done
fi

# 4. The table.
python3 - "$OUT" "$PP" "$TG" "$TG_G" <<'EOF'
# prints the results table from the files the benchmark wrote
import glob, json, os, sys
out, pp, tg, tg_g = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
print(f"\nengine single stream: prompt {pp:.0f} tok/s, generation {tg:.1f} tok/s "
      f"(grammar + repetition penalty: {tg_g:.1f} tok/s)")
print(open(os.path.join(out, "version.txt")).read().strip())
print("\n| run | load | wall s | calls | chunks | levels | prompt tok | cached | computed | out tok | floor s | wall/floor | peak RSS MiB |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
best = {}
for f in sorted(glob.glob(os.path.join(out, "ours-p*-r*.json"))):
    name = os.path.basename(f)[:-5]
    wall, rss = open(f[:-5] + ".time").read().split()[-2:]
    wall = float(wall)
    load = open(f[:-5] + ".load").read().strip()
    s = json.load(open(f))["summaries"][0]["summary"]["provenance"]["stats"]
    computed = s["prompt_tokens"] - s["cached_prompt_tokens"]
    floor = computed / pp + s["completion_tokens"] / tg
    p = name.split("-")[1]
    best[p] = min(best.get(p, 1e9), wall)
    print(f"| ours {name[5:]} | {load} | {wall:.1f} | {s['model_calls']} | {s['chunks']} | {s['merge_levels']} | "
          f"{s['prompt_tokens']} | {s['cached_prompt_tokens']} | {computed} | {s['completion_tokens']} | "
          f"{floor:.1f} | {wall / floor:.2f} | {int(rss) // 1024} |")
peer_best = None
for f in sorted(glob.glob(os.path.join(out, "peer-r*.json"))):
    j = json.load(open(f))
    load = open(f[:-5] + ".load").read().strip()
    floor = j["prompt_tokens_computed"] / pp + j["generated_tokens"] / tg
    peer_best = min(peer_best or 1e9, j["seconds"])
    print(f"| peer {os.path.basename(f)[5:-5]} | {load} | {j['seconds']:.1f} | {j['calls']} | {j['chunks']} | — | "
          f"{j['prompt_tokens']} | — | {j['prompt_tokens_computed']} | {j['generated_tokens']} | "
          f"{floor:.1f} | {j['seconds'] / floor:.2f} | — |")
print()
for p, w in sorted(best.items()):
    line = f"ours {p}: best {w:.1f} s"
    if peer_best:
        line += f"; peer best {peer_best:.1f} s; peer / ours = {peer_best / w:.2f}x"
    print(line)
EOF
