#!/usr/bin/env bash
# A server killed with SIGKILL in the middle of a job resumes it: start `hkpilot serve`
# with one worker, upload a one-page reply, ask for a model-written summary, kill -9 the
# server as soon as the job reports progress, start it again on the same data
# directory, and check that the same job completes (started twice), that its summary
# is stored once, and that the audit chain is intact.
set -euo pipefail
cd "$(dirname "$0")"
BIN=${HKPILOT_BIN:-${CARGO_TARGET_DIR:-../target}/debug/hkpilot}
[ -x "$BIN" ] || { echo "restart: $BIN not built (cargo build -p hkpilot)" >&2; exit 1; }
DATA=$(mktemp -d)
trap 'kill -9 "${PID:-0}" 2>/dev/null || true; rm -rf "$DATA"' EXIT
export HKPILOT_DATA_DIR="$DATA" HKPILOT_PASSWORD="restart-password-2026"
export HKPILOT_MODEL_DIR=${HKPILOT_MODEL_DIR:-$(realpath ../.models)}
# One inference thread: beside a browser (or a loaded CI machine) two spin-waiting
# model threads lose whole time slices at every barrier.
export HKPILOT_THREADS=${HKPILOT_THREADS:-1}
"$BIN" admin create-user --username officer --department csb >/dev/null

start() {
  "$BIN" serve --port 0 --workers 1 >"$DATA/serve-$1.log" 2>&1 &
  PID=$!
  URL=
  for _ in $(seq 1 240); do
    URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$DATA/serve-$1.log" | head -1 || true)
    [ -n "$URL" ] && return
    kill -0 "$PID" 2>/dev/null || { cat "$DATA/serve-$1.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "restart: the server did not start" >&2; exit 1
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
session() {
  curl -s -c "$DATA/jar" -H 'Content-Type: application/json' \
    -d '{"username":"officer","password":"restart-password-2026"}' "$URL/api/session" | json 'd["csrf_token"]'
}
api() { curl -s -b "$DATA/jar" -H "X-CSRF-Token: $CSRF" -H "Origin: $URL" "$@"; }
wait_job() {  # job id, predicate on d (the job), timeout s
  for _ in $(seq 1 $(( $3 * 5 ))); do
    api "$URL/api/jobs/$1" | json "'yes' if ($2) else d['state']" | grep -qx yes && return 0
    sleep 0.2
  done
  echo "restart: job $1 never satisfied: $2" >&2; api "$URL/api/jobs/$1" >&2; return 1
}

start 1
CSRF=$(session)
PDF=../../shared/data/hk-gov-pdf/csb-reply-07.pdf
DOC_JOB=$(api --data-binary @"$PDF" "$URL/api/documents?file_name=csb-reply-07.pdf" | json 'd["job_id"]')
wait_job "$DOC_JOB" 'd["state"]=="succeeded"' 120
DOC=$(api "$URL/api/documents" | json 'd[0]["id"]')
JOB=$(api -H 'Content-Type: application/json' -d '{"method":"model","length":"short"}' \
  "$URL/api/documents/$DOC/summaries" | json 'd["job_id"]')
# Kill in the middle: once the model is writing (its first progress report).
wait_job "$JOB" 'd["state"]=="running" and d["phase"] in ("counting","map","reduce","final")' 600
kill -9 "$PID"; wait "$PID" 2>/dev/null || true
echo "restart: killed the server with job $JOB running"

start 2
CSRF=$(session)
wait_job "$JOB" 'd["state"] in ("succeeded","failed")' 900
STATE=$(api "$URL/api/jobs/$JOB" | json 'd["state"] + " " + str(d["attempts"])')
[ "$STATE" = "succeeded 2" ] || { echo "restart: job ended as '$STATE', expected 'succeeded 2'" >&2; tail -20 "$DATA/serve-2.log" >&2; exit 1; }
N=$(api "$URL/api/documents/$DOC/summaries" | json 'len(d)')
[ "$N" = 1 ] || { echo "restart: $N summaries stored, expected 1" >&2; exit 1; }
kill "$PID"; wait "$PID" 2>/dev/null || true
"$BIN" audit verify
echo "restart: the killed job resumed and completed; one summary stored; audit chain intact"
