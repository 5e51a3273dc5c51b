#!/usr/bin/env python3
"""Scores HKPilot's extractive summaries against sumy LexRank / TextRank and Lead with
the project's reference scorer, ../shared/tools/extractive_baselines.py.

That script runs its whole evaluation at import time, so instead of importing it we
execute its definitions (everything before its first data-loading line) and use its
tokenisers, budget functions and rouge-score set-up unchanged: one scorer for all.

Usage (from the project root):
  cargo run --release -p hkpilot-summarize --example eval_extractive -- \
      ../shared/data/summarisation HYP_DIR --headings --runs 3
  python3 bench/score_extractive.py ../shared/data/summarisation HYP_DIR --runs 3

DATA_DIR is ../shared/data/summarisation; HYP_DIR holds govreport.hyp.jsonl,
lcsts.hyp.txt and timings.json written by the example. Prints a Markdown table per
dataset: ROUGE-1/2/L F1 (x100) and seconds spent summarising (sumy: parse +
summarise; HKPilot: building the Document + summarising, in-process), each the
fastest of --runs passes (the machine may be shared), segmenter dictionaries loaded
beforehand on both sides. --no-baselines scores only HKPilot."""
import json, os, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
BASELINES = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "tools", "extractive_baselines.py"))


def load_reference_scorer(path=BASELINES):
    if not os.path.exists(path):
        sys.exit(f"reference scorer not found at {path} (it lives in ../shared/tools beside the project)")
    src = open(path).read()
    cut = src.index("gov = [json.loads")  # definitions end where its data loading starts
    ns = {"__name__": "extractive_baselines_defs", "__file__": path}
    saved = sys.argv
    sys.argv = [path]  # its module-level `data = sys.argv[1]` must not see our arguments
    try:
        exec(compile(src[:cut], path, "exec"), ns)
    finally:
        sys.argv = saved
    return ns


def main():
    argv = sys.argv[1:]
    runs = 1
    if "--runs" in argv:
        i = argv.index("--runs")
        runs = max(1, int(argv[i + 1]))
        del argv[i:i + 2]
    args = [a for a in argv if not a.startswith("--")]
    baselines = "--no-baselines" not in argv
    if len(args) < 2:
        sys.exit(__doc__)
    data, hyp_dir = args[0], args[1]
    ref = load_reference_scorer()
    rouge_scorer = ref["rouge_scorer"]
    timings = json.load(open(os.path.join(hyp_dir, "timings.json")))
    # Load jieba's dictionary before any timing, as the Rust side loads its segmenter
    # before timing; both one-off costs are printed on their own.
    t0 = time.perf_counter()
    ref["jieba"].initialize()
    print(f"jieba dictionary load: {time.perf_counter() - t0:.3f} s; "
          f"HKPilot segmenter load: {timings.get('segmenter_load_seconds', float('nan')):.3f} s")

    gov = [json.loads(l) for l in open(os.path.join(data, "govreport-leval.jsonl"))]
    gov_hyp = [json.loads(l) for l in open(os.path.join(hyp_dir, "govreport.hyp.jsonl"))]
    src = open(os.path.join(data, "lcsts-test-1000.src.txt")).read().splitlines()
    tgt = open(os.path.join(data, "lcsts-test-1000.tgt.txt")).read().splitlines()
    zh_hyp = open(os.path.join(hyp_dir, "lcsts.hyp.txt")).read().splitlines()

    datasets = [
        ("GovReport (L-Eval), English, budget = reference word count",
         [g["input"] for g in gov], [g["outputs"][0] for g in gov], gov_hyp, ref["EnTok"](),
         ref["words_budget"], rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True),
         40, timings["govreport"]["seconds"]),
        ("LCSTS test (first 1000), Chinese, character ROUGE, budget = reference length, 1 sentence",
         src, tgt, zh_hyp, ref["ZhTok"](), ref["chars_budget"],
         rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], tokenizer=ref["CharTok"]()),
         1, timings["lcsts"]["seconds"]),
    ]
    for name, docs, refs, hyps, tok, budget, scorer, count, our_secs in datasets:
        assert len(hyps) == len(docs), f"{name}: {len(hyps)} hypotheses for {len(docs)} documents"
        print(f"\n## {name} ({len(docs)} documents)\n")
        print("| system | R1 | R2 | RL | seconds (summarising) |\n|---|---|---|---|---|")
        systems = {"HKPilot extractive": None}
        if baselines:
            systems.update({"Lead": "lead", "LexRank (sumy)": ref["LexRankSummarizer"](),
                            "TextRank (sumy)": ref["TextRankSummarizer"]()})
        sumy_secs = {}
        for sname, summ in systems.items():
            best = float("inf")
            for _ in range(1 if summ is None else runs):  # fastest of --runs passes
                scores, secs = [], 0.0
                for i, (doc, r) in enumerate(zip(docs, refs)):
                    t0 = time.perf_counter()
                    if summ is None:
                        picked = [hyps[i]]
                    elif summ == "lead":
                        picked = tok.to_sentences(doc)
                    else:
                        parser = ref["PlaintextParser"].from_string(doc, tok)
                        picked = [str(s) for s in summ(parser.document, count)]
                    secs += time.perf_counter() - t0
                    scores.append(scorer.score(r, budget(picked, r)))
                best = min(best, secs)
            secs = best
            if summ is None:
                secs = our_secs
            sumy_secs[sname] = secs
            avg = lambda k: 100 * sum(s[k].fmeasure for s in scores) / len(scores)
            print(f"| {sname} | {avg('rouge1'):.1f} | {avg('rouge2'):.1f} | {avg('rougeL'):.1f} | {secs:.3f} |")
        if baselines:
            ours = max(our_secs, 1e-9)
            for s in ("LexRank (sumy)", "TextRank (sumy)"):
                print(f"\nspeed: HKPilot is {sumy_secs[s] / ours:.0f}x faster than {s}", end="")
            print()


if __name__ == "__main__":
    main()
