#!/usr/bin/env bash
# Renders the long English policy-address sample to a PDF for hkpilot-ingest's speed and
# fidelity benchmark (crates/hkpilot-ingest/PDF_COMPARISON.md). Output and the Python
# venv go to .bench/ (gitignored). fpdf2 (LGPL, PyPI) is a bench tool only, never shipped.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="${1:-$root/../shared/data/long-documents/policy-address-2025.en.md}"
out="${2:-$root/.bench/policy-address-2025.en.pdf}"
mkdir -p "$root/.bench"
venv="$root/.bench/venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'fpdf2>=2.7,<3'
fi
"$venv/bin/python" - "$src" "$out" <<'PY'
import re, sys
from fpdf import FPDF

src, out = sys.argv[1], sys.argv[2]
# fpdf2's core fonts take Latin-1 only: map the few characters outside it.
fix = {"\u2011": "-", "\ufb01": "fi", "\u2019": "'", "\u2018": "'", "\u201c": '"',
       "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2022": "-"}

class Doc(FPDF):
    def footer(self):
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.cell(0, 10, f"{self.page_no()}", align="C")
    def header(self):
        self.set_font("Helvetica", size=8)
        self.cell(0, 8, "The Chief Executive's 2025 Policy Address", align="R")
        self.ln(10)

pdf = Doc(format="A4")
pdf.set_auto_page_break(True, margin=20)
pdf.add_page()
for raw in open(src, encoding="utf-8"):
    line = "".join(fix.get(c, c) for c in raw.rstrip("\n"))
    line = line.encode("latin-1", "replace").decode("latin-1")
    line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line).replace("**", "")
    if not line.strip():
        pdf.ln(3)
        continue
    m = re.match(r"^(#+)\s+(.*)", line)
    if m:
        size = {1: 20, 2: 16, 3: 13}.get(len(m.group(1)), 12)
        pdf.set_font("Helvetica", "B", size)
        pdf.multi_cell(0, size * 0.5, m.group(2), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        continue
    pdf.set_font("Times", size=11)
    pdf.multi_cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
pdf.output(out)
print(f"wrote {out}: {pdf.page_no()} pages")
PY
