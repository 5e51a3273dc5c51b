#!/usr/bin/env bash
# Runs one row of the LLM engine comparison in BENCHMARKS.md: our engine
# (examples/bench_compare, release build) against llama.cpp's llama-bench or
# llama-server (built by bench/build_llama_tools.sh), back to back in one invocation,
# printing the load average and the busiest other processes around each side.
#
#   bench/llm_compare.sh single MODEL [ROUNDS=2]
#       llama-bench -p 512 -n 128 -d 0,512 -t 2 -fa off, then ours (pp512, tg128 at
#       depth 512), alternated ROUNDS times; compare best-of-all on each side.
#   bench/llm_compare.sh concurrent MODEL distinct|shared N_CTX [extra llama-server args]
#       8 concurrent chat requests from .bench/prompts.json (bench/concurrent_chat.py
#       dump): ours in-process, then llama-server -np 8 -c N_CTX --cont-batching with
#       the AsyncOpenAI client. Both give each of the 8 sequences its own KV stream of
#       N_CTX / 8 cells; LAYOUT=unified runs ours with one shared KV pool instead.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
TOOLS=.bench/llama-tools
OURS="${OURS:-target/release/examples/bench_compare}"
PY=.venv/bin/python
PROMPTS=.bench/prompts.json
PORT="${PORT:-8089}"

# Waits (up to QUIET_WAIT seconds, default 180) until no compiler is running, so each
# side starts in a quiet moment on this shared machine; says if it gave up.
quiet() {
    local waited=0
    while pgrep -x 'cc1plus|cc1|rustc|as|ld' >/dev/null 2>&1 && ((waited < ${QUIET_WAIT:-180})); do
        sleep 2; waited=$((waited + 2))
    done
    if pgrep -x 'cc1plus|cc1|rustc|as|ld' >/dev/null 2>&1; then
        echo "-- NOT QUIET after ${waited}s: $(pgrep -x -l 'cc1plus|cc1|rustc|as|ld' | awk '{print $2}' | sort | uniq -c | tr '\n' ' ')"
    else
        echo "-- quiet (waited ${waited}s)"
    fi
}

load() {
    quiet
    echo "-- $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg); busiest:"
    ps -eo pcpu,comm --sort=-pcpu | sed -n 2,4p | sed 's/^/     /'
}

mode="$1"; model="$2"; shift 2
case "$mode" in
single)
    rounds="${1:-2}"
    for r in $(seq 1 "$rounds"); do
        load
        echo "== round $r: llama-bench"
        "$TOOLS/llama-bench" -m "$model" -p 512 -n 128 -d 0,512 -t 2 -fa off -r 3 -o md
        load
        echo "== round $r: ours"
        "$OURS" single "$model" 2 512 128 3
    done
    load
    ;;
concurrent)
    set_name="$1"; n_ctx="$2"; shift 2
    [[ -f "$PROMPTS" ]] || "$PY" bench/concurrent_chat.py dump --out "$PROMPTS"
    load
    echo "== ours in-process ($set_name, n_ctx $n_ctx, KV ${LAYOUT:-streams})"
    "$OURS" concurrent "$model" 2 "$PROMPTS" "$set_name" "$n_ctx" 128 "${LAYOUT:-streams}"
    load
    echo "== llama-server ($set_name): -t 2 -np 8 -c $n_ctx --cont-batching $*"
    "$TOOLS/llama-server" -m "$model" -t 2 -tb 2 -np 8 -c "$n_ctx" --cont-batching \
        --host 127.0.0.1 --port "$PORT" "$@" >.bench/llama-server.log 2>&1 &
    srv=$!
    trap 'kill $srv 2>/dev/null || true' EXIT
    for _ in $(seq 1 120); do
        curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
        sleep 1
    done
    grep -E "n_slots|kv_unified|flash_attn|n_ctx_slot|system_info" .bench/llama-server.log | head -n 6 || true
    "$PY" bench/concurrent_chat.py run --base-url "http://127.0.0.1:$PORT/v1" \
        --prompts "$PROMPTS" --set "$set_name" --label llama-server
    kill "$srv"; wait "$srv" 2>/dev/null || true
    trap - EXIT
    load
    ;;
*)
    echo "usage: see the header of $0" >&2; exit 2 ;;
esac
