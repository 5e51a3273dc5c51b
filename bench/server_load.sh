#!/usr/bin/env bash
# Server benchmark (issue 5): upload and ingest of every PDF in ../shared/data/hk-gov-pdf
# at once (time until all are ready), then the non-model endpoints (library list,
# document page, job status) under 100 concurrent connections with wrk, beside
# /healthz as the floor of the same server, and the server's memory idle and under load.
# Usage: bash bench/server_load.sh [seconds per endpoint, default 15]
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-15}
BIN=${HKPILOT_BIN:-target/release/hkpilot}
[ -x "$BIN" ] || { echo "build first: cargo build --release -p hkpilot" >&2; exit 1; }
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
PDFS=../shared/data/hk-gov-pdf
DATA=$(mktemp -d)
trap 'kill "${PID:-0}" 2>/dev/null || true; wait "${PID:-0}" 2>/dev/null || true; rm -rf "$DATA"' EXIT
export HKPILOT_DATA_DIR="$DATA" HKPILOT_PASSWORD="bench-password-2026" HKPILOT_MODEL_DIR=$(realpath .models)
"$BIN" admin create-user --username bench --department csb >/dev/null
"$BIN" serve --port 0 --workers 2 >"$DATA/serve.log" 2>&1 &
PID=$!
for _ in $(seq 1 120); do
  URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$DATA/serve.log" | head -1 || true)
  [ -n "$URL" ] && break; sleep 0.5
done
rss() { awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' /proc/$PID/status; }
JAR="$DATA/cookies"
CSRF=$(curl -s -c "$JAR" -H 'Content-Type: application/json' \
  -d '{"username":"bench","password":"bench-password-2026"}' "$URL/api/session" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
SESSION=$(awk '$6=="hkpilot_session" {print $7}' "$JAR")
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(date -u +%F)"
echo "idle RSS (model loaded): $(rss)"

n=$(ls "$PDFS"/*.pdf | wc -l)
start=$(date +%s.%N)
ls "$PDFS"/*.pdf | xargs -P 8 -I{} sh -c 'curl -s -o /dev/null -w "%{http_code}\n" -b "$0" -H "X-CSRF-Token: $1" -H "Origin: $2" --data-binary @"{}" "$2/api/documents?file_name=$(basename {})"' "$JAR" "$CSRF" "$URL" | sort | uniq -c | sed 's/^/upload status: /'
uploaded=$(date +%s.%N)
while :; do
  left=$(curl -s -b "$JAR" "$URL/api/documents" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(1 for x in d if x["state"] in ("uploaded","ingesting")))')
  [ "$left" = 0 ] && break; sleep 0.2
done
done_at=$(date +%s.%N)
curl -s -b "$JAR" "$URL/api/documents" | python3 -c '
import json,sys; d=json.load(sys.stdin)
from collections import Counter; print("documents:", dict(Counter(x["state"] for x in d)), "pages:", sum(x["pages"] for x in d))'
python3 -c "print(f'upload + ingest of $n PDFs at once: all uploaded in {$uploaded-$start:.2f} s, all ready in {$done_at-$start:.2f} s')"
DOC=$(curl -s -b "$JAR" "$URL/api/documents" | python3 -c 'import json,sys; print([x for x in json.load(sys.stdin) if x["state"]=="ready"][0]["id"])')
JOB=$(curl -s -b "$JAR" -H "X-CSRF-Token: $CSRF" -H "Origin: $URL" -H 'Content-Type: application/json' \
  -d '{"method":"extractive"}' "$URL/api/documents/$DOC/summaries" | python3 -c 'import json,sys; print(json.load(sys.stdin)["job_id"])')
sleep 1
echo "after ingest RSS: $(rss)"
printf '%-28s %10s %9s %9s %9s %8s %12s\n' endpoint req/s p50 p99 max errors "RSS(load)"
for path in /healthz /api/documents "/documents/$DOC" "/api/jobs/$JOB"; do
  out=$(wrk -t2 -c100 -d"${DUR}s" --latency -H "Cookie: hkpilot_session=$SESSION" "$URL$path" &
        sleep $((DUR / 2)); rss >"$DATA/rss"; wait)
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  max=$(echo "$out" | awk '$1=="Latency" {print $4}')
  errs=$(echo "$out" | awk '/Non-2xx|Socket errors/ {e=e $0 "; "} END {print (e==""?"0":e)}')
  printf '%-28s %10s %9s %9s %9s %8s %12s\n' "${path:0:28}" "$rps" "$p50" "$p99" "$max" "$errs" "$(cat "$DATA/rss")"
done
echo "end RSS: $(rss)"
