#!/usr/bin/env bash
#! The README's first command: sets up a fresh machine, builds HKPilot, summarises
#! the bundled bilingual sample documents (cited extractive summaries, then one written
#! by the default model, its citations checked), and then serves the web page with a
#! first administrator account (HKPILOT_QUICKSTART_SERVE=0 stops before serving).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --locked -p hkpilot
bin=target/release/hkpilot
"$bin" ingest samples/flexible-work-circular.zh-Hant.md | head -n 20
echo
"$bin" summarize --length brief samples/flexible-work-circular.en.md
"$bin" summarize --length brief samples/flexible-work-circular.zh-Hant.md
"$bin" summarize --length brief --lang zh-Hans samples/mixed-briefing.txt
echo
# The same English circular summarised by the embedded default model: every sentence
# cited to the source or flagged where the checks could not confirm it.
"$bin" --model SmolLM2-135M-Instruct.Q4_1 summarize --length 3b samples/flexible-work-circular.en.md
echo
# The web page: a first administrator on first run (its password shown once), then
# `hkpilot serve` in the foreground until Ctrl-C.
[ "${HKPILOT_QUICKSTART_SERVE:-1}" = 0 ] && exit 0
if [ "$("$bin" admin list-users --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 0 ]; then
  password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')
  HKPILOT_PASSWORD=$password "$bin" admin create-user --username admin --name "Administrator 管理員" \
    --department it --department-name-en "Information Technology" --department-name-zh "資訊科技" \
    --role system_admin >/dev/null
  echo "First administrator created: sign in as  admin  with password  $password"
  echo "(add officers on the Users page, or with: hkpilot admin create-user --help)"
fi
echo "Open http://127.0.0.1:${HKPILOT_PORT:-8080}/ in a browser; Ctrl-C stops the server."
exec "$bin" serve
