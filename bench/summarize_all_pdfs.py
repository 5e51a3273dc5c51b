"""Totals for bench/summarize_all_pdfs.sh: per language, how many summaries came back,
how their sentences were grounded (cited and checked, or flagged), and the time."""

import json
import statistics
import sys
from pathlib import Path

out = Path(sys.argv[1])
rows = [line.split("\t") for line in (out / "runs.tsv").read_text().splitlines() if line]
by_lang = {}
for name, lang, rc, secs in rows:
    r = by_lang.setdefault(lang, {"runs": 0, "ok": 0, "secs": [], "sentences": 0,
                                  "cited": 0, "flagged": 0, "cited_flagged": 0,
                                  "written_in_other_lang": 0, "extractive": 0, "errors": []})
    r["runs"] += 1
    r["secs"].append(float(secs))
    if rc != "0":
        r["errors"].append(f"{name}: exit {rc}: {(out / f'{name}.{lang}.err').read_text()[-200:]}")
        continue
    doc = json.loads((out / f"{name}.{lang}.json").read_text())
    if doc.get("errors"):
        r["errors"].append(f"{name}: {doc['errors']}")
        continue
    s = doc["summaries"][0]["summary"]
    r["ok"] += 1
    if s["method"].get("kind") != "abstractive":
        r["extractive"] += 1
    if "language_note" in s["provenance"].get("settings", {}):
        r["written_in_other_lang"] += 1
    for sent in s["sentences"]:
        r["sentences"] += 1
        cited = bool(sent.get("citations"))
        flagged = bool(sent.get("flags"))
        r["cited"] += cited and not flagged
        r["flagged"] += flagged
        r["cited_flagged"] += cited and flagged
print("| language | summaries | fallback to extractive | written in the other language (labelled) | sentences | cited and checked | flagged | median s | max s | total s |")
print("|---|---|---|---|---|---|---|---|---|---|")
for lang, r in by_lang.items():
    print(f"| {lang} | {r['ok']}/{r['runs']} | {r['extractive']} | {r['written_in_other_lang']} | {r['sentences']} | "
          f"{r['cited']} | {r['flagged']} | {statistics.median(r['secs']):.1f} | {max(r['secs']):.1f} | {sum(r['secs']):.0f} |")
for lang, r in by_lang.items():
    for e in r["errors"]:
        print(f"error ({lang}): {e}")
