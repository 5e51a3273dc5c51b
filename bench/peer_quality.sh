#!/usr/bin/env bash
# Summary quality next to the peer: runs LangChain's map-reduce chain over llama-cpp-python
# (bench/peer_langchain_summarize.py, quality mode) on the first items of GovReport and
# LCSTS, then `hkpilot eval summarize --system both --predictions PEER.jsonl`, so that
# ours (extractive and grounded), and the peer are scored by the same ROUGE code in one
# table per dataset. Same model, window, chunk size and threads on both sides.
#
# Usage: bench/peer_quality.sh
#   MODEL=.models/SmolLM2-135M-Instruct.Q4_1.gguf  GOV_LIMIT=3  LCSTS_LIMIT=50
#   THREADS=2  WINDOW=4096  CHUNK_TOKENS=3358  OUT=/tmp/hk-peerquality  SKIP_BUILD=1
# A bigger model: MODEL=/path/to/model.gguf (both sides use it).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
MODEL="${MODEL:-.models/SmolLM2-135M-Instruct.Q4_1.gguf}"
GOV_LIMIT="${GOV_LIMIT:-3}"
LCSTS_LIMIT="${LCSTS_LIMIT:-50}"
THREADS="${THREADS:-2}"
WINDOW="${WINDOW:-4096}"
CHUNK_TOKENS="${CHUNK_TOKENS:-3358}"
OUT="${OUT:-/tmp/hk-peerquality}"
DATA="$ROOT/../shared/data/summarisation"
mkdir -p "$OUT"
[[ -f "$MODEL" ]] || { echo "no model at $MODEL (scripts/setup.sh installs the default one)" >&2; exit 1; }

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
# shellcheck source=bench/peer_venv.sh
source "$ROOT/bench/peer_venv.sh"
ensure_peer_venv
if [[ -z "${SKIP_BUILD:-}" ]]; then
    log "building hkpilot (release)"
    cargo build --release -p hkpilot --bin hkpilot >&2
fi
HK="$ROOT/target/release/hkpilot"

run() { # NAME DATASET LIMIT
    local name=$1 dataset=$2 limit=$3
    log "$name: peer on the first $limit items"
    "$ROOT/.bench/peer-venv/bin/python" bench/peer_langchain_summarize.py --model "$MODEL" \
        --dataset "$dataset" --limit "$limit" --chunk-tokens "$CHUNK_TOKENS" \
        --threads "$THREADS" --n-ctx "$WINDOW" --predictions-out "$OUT/$name-peer.jsonl" \
        > "$OUT/$name-peer-run.json"
    log "$name: ours (extractive and grounded), scored beside the peer"
    HKPILOT_THREADS="$THREADS" "$HK" eval summarize --dataset "$dataset" --limit "$limit" \
        --model "$MODEL" --window "$WINDOW" --system both \
        --predictions "$OUT/$name-peer.jsonl" --output "$OUT/$name.json" | tee "$OUT/$name.md"
}

run govreport "$DATA/govreport-leval.jsonl" "$GOV_LIMIT"
run lcsts "$DATA/lcsts-test-1000" "$LCSTS_LIMIT"
log "done: tables in $OUT/*.md, reports (every summary) in $OUT/*.json"
