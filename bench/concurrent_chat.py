"""Concurrent chat load client for the LLM engine comparison in BENCHMARKS.md.

Two jobs, so that both sides see exactly the same prompts:

  dump   writes the prompt sets (JSON) that the in-process Rust example
         `bench_compare` reads;
  run    fires each prompt set's requests at once at an OpenAI-compatible server
         (llama-server, or `hkpilot serve`) with the `openai` AsyncOpenAI client,
         streaming, temperature 0, max_tokens 128, ignore_eos, and reports aggregate
         output tok/s and time-to-first-token (submission to first content token).

Prompt sets: "distinct" = N requests of ~P filler words each, all different;
"shared" = N requests sharing one ~D-word document, each with its own question.
Each repetition uses fresh prompts (its own seed), so no side gets a cache hit from an
earlier repetition; set 0 is not timed (only a short warm-up request, built from its
first prompt's opening words, runs before the timed sets); the best repetition (highest
aggregate output tok/s) is reported.

    .venv/bin/python bench/concurrent_chat.py dump --out .bench/prompts.json
    .venv/bin/python bench/concurrent_chat.py run --base-url http://127.0.0.1:8080/v1 \
        --prompts .bench/prompts.json --set distinct
"""

import argparse
import asyncio
import json
import random
import statistics
import sys
import time

# Words every benchmark model tokenises to about one token each (the synthetic model's
# vocabulary contains them, see crates/hkpilot-llm-llamacpp/examples/write_synthetic_model.rs).
WORDS = [
    "government", "policy", "housing", "council", "report", "transport", "budget",
    "health", "education", "district", "public", "service", "review", "committee",
    "paper", "legislative",
]


def filler(n_words, rng):
    return " ".join(rng.choice(WORDS) for _ in range(n_words))


def make_sets(args):
    sets = {"distinct": [], "shared": []}
    for rep in range(args.reps + 1):  # set 0 only seeds the warm-up request
        rng = random.Random(1000 + rep)
        sets["distinct"].append(
            [f"Summarise this paper: {filler(args.prompt_words, rng)}" for _ in range(args.n)]
        )
        doc = filler(args.doc_words, rng)
        sets["shared"].append(
            [
                f"{doc}\nQuestion {i}: what does the paper say about {WORDS[(i + rep) % len(WORDS)]}?"
                for i in range(args.n)
            ]
        )
    return sets


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))
    return xs[k]


async def one(client, model, prompt, max_tokens, ignore_eos):
    start = time.perf_counter()
    ttft = None
    chunks = 0
    usage = None
    extra = {"ignore_eos": True} if ignore_eos else {}
    stream = await client.chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": prompt}],
        max_tokens=max_tokens,
        temperature=0,
        stream=True,
        stream_options={"include_usage": True},
        extra_body=extra,
    )
    async for ev in stream:
        if ev.usage is not None:
            usage = ev.usage
        for ch in ev.choices or []:
            if ch.delta and ch.delta.content:
                chunks += 1
                if ttft is None:
                    ttft = time.perf_counter() - start
    total = time.perf_counter() - start
    return {
        "ttft": ttft if ttft is not None else total,
        "total": total,
        "completion_tokens": usage.completion_tokens if usage else chunks,
        "prompt_tokens": usage.prompt_tokens if usage else None,
        "content_chunks": chunks,
    }


async def run_set(client, model, prompts, max_tokens, ignore_eos):
    start = time.perf_counter()
    res = await asyncio.gather(*(one(client, model, p, max_tokens, ignore_eos) for p in prompts))
    wall = time.perf_counter() - start
    gen = sum(r["completion_tokens"] for r in res)
    ttfts = [r["ttft"] for r in res]
    return {
        "wall_s": wall,
        "generated": gen,
        "out_tok_s": gen / wall,
        "ttft_p50": statistics.median(ttfts),
        "ttft_p99": pct(ttfts, 99),
        "prompt_tokens": [r["prompt_tokens"] for r in res],
        "completion_tokens": [r["completion_tokens"] for r in res],
    }


async def run(args):
    from openai import AsyncOpenAI

    sets = json.load(open(args.prompts))[args.set]

    def fresh_client():
        # A new connection pool for every set: a kept-alive connection that the server
        # closed while idle would otherwise fail the next request (no retries here, a
        # retry would double-submit).
        return AsyncOpenAI(base_url=args.base_url, api_key=args.api_key, timeout=3600, max_retries=0)

    model = args.model
    if model is None:
        models = await fresh_client().models.list()
        model = models.data[0].id
    warm = " ".join(sets[0][0].split()[:20])
    await one(fresh_client(), model, warm, 8, not args.no_ignore_eos)
    results = []
    for rep, prompts in enumerate(sets):
        if rep == 0:
            continue
        r = await run_set(fresh_client(), model, prompts, args.max_tokens, not args.no_ignore_eos)
        tag = f"rep {rep}"
        print(
            f"{args.label} {args.set} {tag}: {len(prompts)} req, prompt tokens {r['prompt_tokens']}, "
            f"generated {r['generated']} ({r['completion_tokens']}), wall {r['wall_s']:.2f} s, "
            f"{r['out_tok_s']:.2f} out tok/s, TTFT p50 {r['ttft_p50']:.2f} s p99 {r['ttft_p99']:.2f} s",
            flush=True,
        )
        results.append(r)
    best = max(results, key=lambda r: r["out_tok_s"])
    print(
        f"BEST {args.label} {args.set}: {best['out_tok_s']:.2f} out tok/s, TTFT p50 "
        f"{best['ttft_p50']:.2f} s p99 {best['ttft_p99']:.2f} s, wall {best['wall_s']:.2f} s",
        flush=True,
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("--out", required=True)
    d.add_argument("--n", type=int, default=8)
    d.add_argument("--prompt-words", type=int, default=990)
    d.add_argument("--doc-words", type=int, default=1990)
    d.add_argument("--reps", type=int, default=2)
    r = sub.add_parser("run")
    r.add_argument("--base-url", required=True)
    r.add_argument("--prompts", required=True)
    r.add_argument("--set", choices=["distinct", "shared"], required=True)
    r.add_argument("--model")
    r.add_argument("--api-key", default="none")
    r.add_argument("--max-tokens", type=int, default=128)
    r.add_argument("--no-ignore-eos", action="store_true")
    r.add_argument("--label", default="server")
    args = ap.parse_args()
    if args.cmd == "dump":
        json.dump(make_sets(args), open(args.out, "w"))
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        asyncio.run(run(args))


if __name__ == "__main__":
    main()
