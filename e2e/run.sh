#!/usr/bin/env bash
# Starts `hkpilot serve` on a fresh data directory with two officers in different
# departments, runs the browser test against it, and stops the server.
set -euo pipefail
cd "$(dirname "$0")"
BIN=${HKPILOT_BIN:-${CARGO_TARGET_DIR:-../target}/debug/hkpilot}
[ -x "$BIN" ] || { echo "e2e: $BIN not built (cargo build -p hkpilot)" >&2; exit 1; }
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund
DATA=$(mktemp -d)
LOG="$DATA/serve.log"
trap 'kill "${PID:-0}" 2>/dev/null || true; wait "${PID:-0}" 2>/dev/null || true; rm -rf "$DATA"' EXIT
export HKPILOT_DATA_DIR="$DATA" HKPILOT_PASSWORD="e2e-password-長密碼-2026"
# The default model setup installs; the page summarises with it or without a model.
export HKPILOT_MODEL_DIR=${HKPILOT_MODEL_DIR:-$(realpath ../.models)}
# One inference thread: beside a browser (or a loaded CI machine) two spin-waiting
# model threads lose whole time slices at every barrier.
export HKPILOT_THREADS=${HKPILOT_THREADS:-1}
"$BIN" admin create-user --username chan.taiman --name "陳大文 Chan Tai-man" --department csb \
  --department-name-en "Civil Service Bureau" --department-name-zh "公務員事務局" >/dev/null
"$BIN" admin create-user --username wong.siuming --name "黃小明 Wong Siu-ming" --department hyd \
  --department-name-en "Highways Department" --department-name-zh "路政署" >/dev/null
"$BIN" serve --port 0 >"$LOG" 2>&1 &
PID=$!
for _ in $(seq 1 120); do
  URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$LOG" | head -1 || true)
  [ -n "$URL" ] && break
  kill -0 "$PID" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
  sleep 1
done
[ -n "${URL:-}" ] || { echo "e2e: the server did not start" >&2; cat "$LOG" >&2; exit 1; }
HKPILOT_URL=$URL HKPILOT_E2E_PASSWORD=$HKPILOT_PASSWORD \
HKPILOT_E2E_PDF=$(realpath ../../shared/data/hk-gov-pdf/csb-reply-49.pdf) \
  node page.test.mjs || { echo "--- server log ---" >&2; tail -50 "$LOG" >&2; exit 1; }
grep -c "hkpilot::access" "$LOG" | sed "s/^/e2e: requests logged: /"
