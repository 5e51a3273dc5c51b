#!/usr/bin/env bash
#! The README's first command: sets up a fresh machine, builds HKPilot, and
#! summarises the bundled bilingual sample documents with cited extractive summaries.
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
