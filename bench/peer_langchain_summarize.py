# Peer for `hkpilot summarize --model`: LangChain's map-reduce summarisation chain over
# llama.cpp (llama-cpp-python) with the same GGUF model, chunk size in tokens, output
# budgets, greedy decoding, threads and context. Prints one JSON object.
#
#   .bench/peer-venv/bin/python bench/peer_langchain_summarize.py \
#       --model .models/SmolLM2-135M-Instruct.Q4_1.gguf \
#       --doc ../shared/data/long-documents/policy-address-2025.en.md \
#       --chunk-tokens 3330 --map-max 512 --final-max 1500 --token-max 2330
#
# Chunking: RecursiveCharacterTextSplitter measured with the model's own tokenizer
# (LlamaCpp.get_num_tokens), chunk_overlap 0. Map and intermediate collapse passes get
# --map-max output tokens, the final pass --final-max; collapsing starts when the
# mapped summaries exceed --token-max prompt tokens (our final pass's input budget).
# llama.cpp's per-call performance lines (verbose) are captured from fd 2 and summed
# for prompt tokens computed and tokens generated.
#
# --chat: ChatLlamaCpp instead of LlamaCpp, so the prompts go through the model's own
# chat template (as ours do); token counts still use the model's tokenizer.
#
# Quality mode (--dataset JSONL or line-aligned pairs, --limit N, --predictions-out F):
# summarises the first N items, each with the final budget our `hkpilot eval summarize`
# gives it (reference characters / 150 sentences x 60 tokens, 128..window/2), and
# writes the summaries as JSONL for `hkpilot eval summarize --predictions F`, which
# scores them with the same ROUGE code as ours (bench/peer_quality.sh runs both).
import argparse
import json
import os
import re
import sys
import tempfile
import time


def parse_perf(text):
    """Sums llama.cpp's per-call perf lines: prompt eval and eval tokens and ms."""
    out = {"prompt_eval_tokens": 0, "prompt_eval_ms": 0.0, "eval_tokens": 0, "eval_ms": 0.0,
           "perf_calls": 0}
    pe = re.compile(r"prompt eval time =\s*([\d.]+) ms /\s*(\d+) tokens")
    ev = re.compile(r"^\S*\s*eval time =\s*([\d.]+) ms /\s*(\d+) runs", re.M)
    for m in pe.finditer(text):
        out["prompt_eval_ms"] += float(m.group(1))
        out["prompt_eval_tokens"] += int(m.group(2))
        out["perf_calls"] += 1
    for line in text.splitlines():
        if "prompt eval time" in line:
            continue
        m = ev.search(line)
        if m:
            out["eval_ms"] += float(m.group(1))
            out["eval_tokens"] += int(m.group(2))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--doc")
    ap.add_argument("--dataset", help="quality mode: a JSONL or PATH.src.txt/.tgt.txt dataset")
    ap.add_argument("--limit", type=int, default=5)
    ap.add_argument("--chunk-tokens", type=int, required=True)
    ap.add_argument("--map-max", type=int, default=512)
    ap.add_argument("--final-max", type=int, default=1500)
    ap.add_argument("--token-max", type=int, default=3000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n-ctx", type=int, default=4096)
    ap.add_argument("--summary-out", help="write the final summary text here")
    ap.add_argument("--predictions-out",
                    help="quality mode: write one JSONL line per item here")
    ap.add_argument("--chat", action="store_true", help="ChatLlamaCpp (chat template)")
    args = ap.parse_args()

    # llama.cpp writes its logs and timings to fd 2: keep them in a file to parse.
    log = tempfile.NamedTemporaryFile(prefix="peer-llama-", suffix=".log", delete=False)
    saved_err = os.dup(2)
    os.dup2(log.fileno(), 2)

    t0 = time.perf_counter()
    from langchain.chains.summarize import load_summarize_chain
    from langchain.chains.summarize.map_reduce_prompt import PROMPT
    from langchain_community.llms import LlamaCpp
    from langchain_core.callbacks import BaseCallbackHandler
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter
    t_import = time.perf_counter()

    cls = LlamaCpp
    if args.chat:
        from langchain_community.chat_models import ChatLlamaCpp

        class ChatWithTokenizer(ChatLlamaCpp):
            """ChatLlamaCpp counting tokens with the model's tokenizer (the base class
            would load GPT-2's)."""

            def get_num_tokens(self, text: str) -> int:
                return len(self.client.tokenize(text.encode("utf-8")))

        cls = ChatWithTokenizer
    llm = cls(
        model_path=args.model,
        n_ctx=args.n_ctx,
        n_threads=args.threads,
        n_batch=512,
        temperature=0.0,
        max_tokens=args.map_max,
        seed=0,
        verbose=True,
    )
    # Same llama.cpp context (shared client), different output budget for the final pass.
    final_llm = llm.model_copy(update={"max_tokens": args.final_max})
    t_load = time.perf_counter()

    if args.dataset:
        result = quality(args, llm, load_summarize_chain, PROMPT, Document)
        os.dup2(saved_err, 2)
        log.close()
        os.unlink(log.name)
        print(json.dumps(result, ensure_ascii=False))
        return 0

    text = open(args.doc, encoding="utf-8").read()
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=args.chunk_tokens, chunk_overlap=0, length_function=llm.get_num_tokens
    )
    docs = [Document(page_content=c) for c in splitter.split_text(text)]
    t_split = time.perf_counter()

    class Calls(BaseCallbackHandler):
        def __init__(self):
            self.prompts, self.outputs = [], []

        def on_llm_start(self, serialized, prompts, **kw):
            self.prompts.extend(prompts)

        def on_llm_end(self, response, **kw):
            for gens in response.generations:
                self.outputs.extend(g.text for g in gens)

        def on_chat_model_start(self, serialized, messages, **kw):
            self.prompts.extend("".join(str(m.content) for m in ms) for ms in messages)

    calls = Calls()
    chain = load_summarize_chain(
        llm,
        chain_type="map_reduce",
        reduce_llm=final_llm,
        collapse_prompt=PROMPT,
        collapse_llm=llm,
        token_max=args.token_max,
    )
    result = chain.invoke({"input_documents": docs}, config={"callbacks": [calls]})
    t_chain = time.perf_counter()

    summary = result["output_text"]
    if not isinstance(summary, str):
        summary = str(getattr(summary, "content", summary))
    prompt_tokens = sum(llm.get_num_tokens(p) for p in calls.prompts)
    output_tokens = sum(llm.get_num_tokens(o) for o in calls.outputs)
    chunk_tokens = [llm.get_num_tokens(d.page_content) for d in docs]

    os.dup2(saved_err, 2)
    log.close()
    perf = parse_perf(open(log.name, encoding="utf-8", errors="replace").read())
    os.unlink(log.name)
    if args.summary_out:
        with open(args.summary_out, "w", encoding="utf-8") as f:
            f.write(summary)

    print(json.dumps({
        "seconds": round(t_chain - t0, 3),
        "seconds_chain": round(t_chain - t_split, 3),
        "seconds_import": round(t_import - t0, 3),
        "seconds_load": round(t_load - t_import, 3),
        "seconds_split": round(t_split - t_load, 3),
        "calls": len(calls.prompts),
        "chunks": len(docs),
        "chunk_tokens_max": max(chunk_tokens),
        "chunk_tokens_mean": round(sum(chunk_tokens) / len(chunk_tokens)),
        "prompt_tokens": prompt_tokens,
        "output_tokens": output_tokens,
        "prompt_tokens_computed": perf["prompt_eval_tokens"],
        "prompt_eval_s": round(perf["prompt_eval_ms"] / 1000, 3),
        "generated_tokens": perf["eval_tokens"],
        "eval_s": round(perf["eval_ms"] / 1000, 3),
        "output_chars": len(summary),
        "settings": {"chunk_tokens": args.chunk_tokens, "map_max": args.map_max,
                     "final_max": args.final_max, "token_max": args.token_max,
                     "threads": args.threads, "n_ctx": args.n_ctx, "n_batch": 512,
                     "temperature": 0.0, "repeat_penalty": llm.repeat_penalty,
                     "llm": type(llm).__name__},
    }))


def load_items(path, limit):
    """The first `limit` (id, text, references) of an L-Eval / simple JSONL file or of
    line-aligned PATH.src.txt / PATH.tgt.txt files, as `hkpilot eval summarize` reads
    them (ids: the line's `id`, else its line number)."""
    if path.endswith(".jsonl"):
        items = []
        with open(path, encoding="utf-8-sig") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                o = json.loads(line)
                text = next(o[k] for k in ("input", "source", "document", "text") if k in o)
                refs = next(o[k] for k in ("outputs", "references", "summary", "reference",
                                           "target") if k in o)
                refs = [refs] if isinstance(refs, str) else refs
                items.append((str(o.get("id", n)), text, refs))
                if len(items) == limit:
                    break
        return items
    prefix = re.sub(r"\.(src|tgt)\.txt$", "", path)
    with open(prefix + ".src.txt", encoding="utf-8-sig") as f:
        src = f.read().splitlines()
    with open(prefix + ".tgt.txt", encoding="utf-8-sig") as f:
        tgt = f.read().splitlines()
    return [(str(i + 1), s, [t]) for i, (s, t) in enumerate(zip(src, tgt))][:limit]


def quality(args, llm, load_summarize_chain, PROMPT, Document):
    """Summarises the first --limit items of a dataset with the chain and writes one
    JSONL line per item (id, summary, seconds) to --predictions-out, for
    `hkpilot eval summarize --predictions FILE` to score beside our own systems with
    the same ROUGE code. Each item's final budget follows ours for the item's
    reference length (reference characters / 150 sentences x 60 tokens, 128..n_ctx/2).
    """
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=args.chunk_tokens, chunk_overlap=0, length_function=llm.get_num_tokens
    )
    note_out = min(max(args.n_ctx // 6, 96), 512)
    rows = []
    for item_id, text, refs in load_items(args.dataset, args.limit):
        target = max(1, len(refs[0]) // 150)
        final_out = min(max(target * 60, 128), args.n_ctx // 2)
        final_llm = llm.model_copy(update={"max_tokens": final_out})
        chain = load_summarize_chain(
            llm, chain_type="map_reduce", reduce_llm=final_llm, collapse_prompt=PROMPT,
            collapse_llm=llm, token_max=args.chunk_tokens + note_out - final_out,
        )
        docs = [Document(page_content=c) for c in splitter.split_text(text)]
        t = time.perf_counter()
        summary = chain.invoke({"input_documents": docs})["output_text"]
        summary = str(getattr(summary, "content", summary)).strip()
        secs = time.perf_counter() - t
        rows.append({"id": item_id, "summary": summary, "seconds": round(secs, 3),
                     "chunks": len(docs), "final_max": final_out,
                     "system": "langchain-map-reduce",
                     "model": os.path.basename(args.model)})
    if args.predictions_out:
        with open(args.predictions_out, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return {"items": len(rows), "seconds": round(sum(r["seconds"] for r in rows), 1),
            "chunks": sum(r["chunks"] for r in rows), "predictions": args.predictions_out}


if __name__ == "__main__":
    sys.exit(main())
