#!/usr/bin/env python3
"""Scores `hkpilot translate --format json` output against line-aligned references.

Usage: score_translate.py OUT.json REFS.txt TARGET_LANG LABEL

The input given to `hkpilot translate` was one source sentence per paragraph, so block
i of the output is sentence i. Prints one JSON object: chrF and BLEU (sacrebleu; BLEU
with the `zh` tokenizer for Chinese targets), completeness (share of source figures
present in the output, output/source sentence ratio, share of sentences left
untranslated), termbase compliance (terms rendered / terms found) and flags.
"""
import json
import sys

import sacrebleu


def main() -> None:
    out_path, refs_path, target, label = sys.argv[1:5]
    data = json.load(open(out_path, encoding="utf-8"))
    t = data["translation"]
    blocks = [b for b in t["blocks"] if b["type"] != "page_break"]
    refs = [l.rstrip("\n") for l in open(refs_path, encoding="utf-8")][: len(blocks)]
    if len(blocks) != len(refs):
        sys.exit(f"{label}: {len(blocks)} blocks but {len(refs)} references")
    hyps = [" ".join(b["translation"].split()) for b in blocks]
    chinese = target.startswith("zh")
    bleu = sacrebleu.corpus_bleu(hyps, [refs], tokenize="zh" if chinese else "13a")
    chrf = sacrebleu.corpus_chrf(hyps, [refs])
    s = t["stats"]
    figures = s["source_figures"]
    result = {
        "label": label,
        "model": t["model"],
        "from": t["from"],
        "to": t["to"],
        "sentences": len(blocks),
        "chrf": round(chrf.score, 2),
        "bleu": round(bleu.score, 2),
        "figures_present": round(1 - s["missing_figures"] / figures, 3) if figures else None,
        "source_figures": figures,
        "sentence_ratio": round(s["output_sentences"] / max(1, s["source_sentences"]), 3),
        "untranslated": round(s["units_untranslated"] / len(blocks), 3),
        "not_translated_flags": sum(
            any(f["kind"] == "not_translated" for f in b["flags"]) for b in blocks
        ),
        "blocks_flagged": s["blocks_flagged"],
        "terms": s["terms"],
        "term_compliance": round(1 - s["term_misses"] / s["terms"], 3) if s["terms"] else None,
        "model_calls": s["chunks"],
        "retries": s["retry_chunks"],
        "completion_tokens": s["completion_tokens"],
        "seconds": s["seconds"],
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
