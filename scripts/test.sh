#!/usr/bin/env bash
#! Runs every check CI runs: formatting, lints with warnings denied, and all tests.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked -- --test-threads=2
