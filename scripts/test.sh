#!/usr/bin/env bash
#! Runs every check CI runs: formatting, lints with warnings denied, all tests, and
#! the web page's end-to-end test in headless Chromium (screenshots in e2e/screenshots),
#! and a server killed with SIGKILL mid-job resuming it (e2e/restart.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked -- --test-threads=2
cargo build -p hkpilot --locked
bash e2e/run.sh
bash e2e/restart.sh
