#!/usr/bin/env bash
#! The README's first command: sets up a fresh machine, builds HKPilot, and
#! summarises the bundled bilingual sample documents: cited extractive summaries, then
#! one written by the default model (SmolLM2), its citations checked.
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
