//! The engine's side of the comparison with llama.cpp's `llama-bench` / `llama-server`
//! recorded in BENCHMARKS.md ("LLM engine"): single-stream prompt processing and
//! generation at a given depth, and concurrent chat requests read from the prompt sets
//! that `bench/concurrent_chat.py dump` writes (so both sides see the same prompts).
//!
//! cargo build --release -p hkpilot-llm-llamacpp --example bench_compare
//! bench_compare single MODEL THREADS [PROMPT_TOKENS=512] [GEN_TOKENS=128] [REPS=3]
//! bench_compare concurrent MODEL THREADS PROMPTS.json distinct|shared N_CTX [MAX_TOKENS=128] [streams|unified]
//!     (KV layout: per-sequence streams by default, as llama-server -np gives its slots)
//! Every mode: BENCH_FLASH_ATTENTION=1 runs the engine with flash attention on;
//! BENCH_N_BATCH=N sets the tokens per decode call.
//! bench_compare distinct MODEL THREADS N PROMPT_TOKENS GEN_TOKENS N_CTX [LAYOUT=both]
//!     N distinct prompts of exactly PROMPT_TOKENS tokens sent at once (engine with
//!     n_parallel N, 1 cache slot, KV layout unified|streams|both), then N other
//!     distinct prompts one after another on a one-sequence engine (the floor that
//!     concurrency must beat).
//! bench_compare sharing MODEL THREADS N DOC_TOKENS GEN_TOKENS N_CTX [LAYOUT=both]
//!     N prompts sharing a DOC_TOKENS-token document (distinct 24-token endings) sent
//!     at once, with the prefix cache off and on.

use std::sync::Arc;
use std::time::Instant;

use futures_util::StreamExt;
use hkpilot_llm::{ChatMessage, ChatRequest, GenerationOptions, LlmBackend, StreamEvent};
use hkpilot_llm_llamacpp::{EngineConfig, LlamaEngine};
use llama_cpp_2::token::LlamaToken;

const WORDS: &[&str] = &[
    "government",
    "policy",
    "housing",
    "council",
    "report",
    "transport",
    "budget",
    "health",
    "education",
    "district",
    "public",
    "service",
    "review",
    "committee",
    "paper",
    "legislative",
];

struct Run {
    prompt_tokens: usize,
    generated: usize,
    ttft_s: f64,
    total_s: f64,
}

async fn drain(mut s: hkpilot_llm::TokenStream, start: Instant) -> Run {
    let mut out = Run {
        prompt_tokens: 0,
        generated: 0,
        ttft_s: 0.0,
        total_s: 0.0,
    };
    let mut ttft = None;
    while let Some(ev) = s.next().await {
        match ev.expect("generation") {
            StreamEvent::Delta { .. } => {
                ttft.get_or_insert_with(|| start.elapsed().as_secs_f64());
            }
            StreamEvent::Done { usage, .. } => {
                out.prompt_tokens = usage.prompt_tokens;
                out.generated = usage.completion_tokens;
            }
        }
    }
    out.total_s = start.elapsed().as_secs_f64();
    out.ttft_s = ttft.unwrap_or(out.total_s);
    out
}

fn opts(max_tokens: u32) -> GenerationOptions {
    GenerationOptions {
        max_tokens: Some(max_tokens),
        ..GenerationOptions::default()
    }
}

fn engine(
    model: &str,
    threads: u32,
    n_parallel: u32,
    n_ctx: u32,
    prefix: bool,
    unified: bool,
) -> Arc<LlamaEngine> {
    let mut c = EngineConfig::new(model);
    c.n_ctx = n_ctx;
    c.n_parallel = n_parallel;
    c.n_threads = Some(threads);
    c.prefix_cache = prefix;
    c.kv_unified = unified;
    c.flash_attention = flash_attention();
    if let Some(n) = n_batch() {
        c.n_batch = n;
    }
    println!(
        "engine: n_ctx {} ({} per sequence) n_batch {} n_parallel {} n_cache_slots {} kv_unified {} prefix_cache {} threads {} flash_attention {}",
        c.n_ctx, c.n_ctx_seq(), c.n_batch, c.n_parallel, c.n_cache_slots, c.kv_unified, c.prefix_cache, threads, c.flash_attention
    );
    Arc::new(LlamaEngine::load(c).expect("load model"))
}

/// BENCH_N_BATCH=N sets the tokens of one decode call (the engine's default is 512).
fn n_batch() -> Option<u32> {
    std::env::var("BENCH_N_BATCH").ok()?.parse().ok()
}

/// BENCH_FLASH_ATTENTION=1 turns flash attention on (the engine's default is off).
fn flash_attention() -> bool {
    std::env::var("BENCH_FLASH_ATTENTION").is_ok_and(|v| v == "1")
}

/// Exactly `n` prompt tokens: filler text tokenised, cut or repeated to length.
async fn prompt_tokens(e: &LlamaEngine, n: usize, seed: usize) -> Vec<LlamaToken> {
    let text: String = (0..n)
        .map(|i| WORDS[(i * 7 + seed * 13 + i / 5 + seed * i / 3) % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ");
    let toks = e.tokenize(&text, false).await.expect("tokenize");
    toks.iter()
        .cycle()
        .take(n)
        .map(|t| LlamaToken(*t as i32))
        .collect()
}

async fn single(model: &str, threads: u32, n_prompt: usize, n_gen: u32, reps: usize) {
    // Prefix cache off: every repetition computes its whole prompt, as llama-bench does.
    let e = engine(
        model,
        threads,
        1,
        (n_prompt as u32 + n_gen + 256).max(1024),
        false,
        true,
    );
    let warm = prompt_tokens(&e, 32, 999).await;
    let s = e.generate_tokens(warm, &opts(8)).expect("queued");
    let _ = drain(s, Instant::now()).await;
    let (mut best_pp, mut best_tg) = (0.0f64, 0.0f64);
    for rep in 0..reps {
        let p = prompt_tokens(&e, n_prompt, rep + 1).await;
        let start = Instant::now();
        let s = e.generate_tokens(p, &opts(n_gen)).expect("queued");
        let r = drain(s, start).await;
        // TTFT covers decoding the prompt and sampling the first token; the other
        // generated tokens each took one decode step at depth n_prompt..n_prompt+n_gen.
        let pp = r.prompt_tokens as f64 / r.ttft_s;
        let tg = r.generated.saturating_sub(1) as f64 / (r.total_s - r.ttft_s);
        println!(
            "single rep {rep}: prompt {} tok in {:.3} s = {pp:.2} tok/s; generated {} tok, {tg:.2} tok/s (depth {}..{})",
            r.prompt_tokens, r.ttft_s, r.generated, r.prompt_tokens, r.prompt_tokens + r.generated
        );
        best_pp = best_pp.max(pp);
        best_tg = best_tg.max(tg);
    }
    println!(
        "BEST single: pp{n_prompt} {best_pp:.2} tok/s, tg{n_gen}@d{n_prompt} {best_tg:.2} tok/s"
    );
}

fn chat(prompt: &str, max_tokens: u32) -> ChatRequest {
    let mut r = ChatRequest::new(vec![ChatMessage::user(prompt)]);
    r.options = opts(max_tokens);
    r
}

fn pct(xs: &[f64], p: f64) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let k = ((p / 100.0) * (v.len() - 1) as f64).round() as usize;
    v[k.min(v.len() - 1)]
}

async fn concurrent(
    model: &str,
    threads: u32,
    file: &str,
    set: &str,
    n_ctx: u32,
    max_tokens: u32,
    unified: bool,
) {
    let all: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).expect("prompt file")).expect("json");
    let sets: Vec<Vec<String>> = serde_json::from_value(all[set].clone()).expect("prompt sets");
    let n = sets[0].len() as u32;
    let e = engine(model, threads, n, n_ctx, true, unified);
    // Warm-up: one short request from set 0's first prompt, as the Python client does.
    let warm: String = sets[0][0]
        .split_whitespace()
        .take(20)
        .collect::<Vec<_>>()
        .join(" ");
    let s = e.chat_stream(chat(&warm, 8)).await.expect("queued");
    let _ = drain(s, Instant::now()).await;
    let mut best: Option<(f64, f64, f64, f64)> = None;
    for (rep, prompts) in sets.iter().enumerate().skip(1) {
        let lens: Vec<usize> = prompts
            .iter()
            .map(|p| e.chat_tokens(&chat(p, max_tokens)).map_or(0, |t| t.len()))
            .collect();
        println!(
            "ours {set} rep {rep}: chat prompt tokens {lens:?}, sum + {n} x {max_tokens} = {}",
            lens.iter().sum::<usize>() + n as usize * max_tokens as usize
        );
        let before = e.metrics();
        let start = Instant::now();
        let tasks: Vec<_> = prompts
            .iter()
            .map(|p| {
                let e = Arc::clone(&e);
                let req = chat(p, max_tokens);
                tokio::spawn(async move {
                    let t0 = Instant::now();
                    let s = e.chat_stream(req).await.expect("queued");
                    drain(s, t0).await
                })
            })
            .collect();
        let mut runs = Vec::new();
        for t in tasks {
            runs.push(t.await.expect("task"));
        }
        let wall = start.elapsed().as_secs_f64();
        let m = e.metrics();
        let generated: usize = runs.iter().map(|r| r.generated).sum();
        let ttfts: Vec<f64> = runs.iter().map(|r| r.ttft_s).collect();
        let out = generated as f64 / wall;
        let (p50, p99) = (pct(&ttfts, 50.0), pct(&ttfts, 99.0));
        println!(
            "ours {set} rep {rep}: {} req, prompt tokens {:?}, generated {generated} ({:?}), wall {wall:.2} s, {out:.2} out tok/s, TTFT p50 {p50:.2} s p99 {p99:.2} s; prompt tokens computed {} reused {}, decode calls {}",
            runs.len(),
            runs.iter().map(|r| r.prompt_tokens).collect::<Vec<_>>(),
            runs.iter().map(|r| r.generated).collect::<Vec<_>>(),
            m.prompt_tokens_computed - before.prompt_tokens_computed,
            m.prompt_tokens_reused - before.prompt_tokens_reused,
            m.decode_calls - before.decode_calls,
        );
        if best.is_none_or(|b| out > b.0) {
            best = Some((out, p50, p99, wall));
        }
    }
    if let Some((out, p50, p99, wall)) = best {
        println!("BEST ours {set}: {out:.2} out tok/s, TTFT p50 {p50:.2} s p99 {p99:.2} s, wall {wall:.2} s");
    }
}

/// Sends `prompts` at once (or one after another) and prints what it took.
async fn batch_run(
    e: &Arc<LlamaEngine>,
    label: &str,
    prompts: Vec<Vec<LlamaToken>>,
    gen: u32,
    one_by_one: bool,
) -> f64 {
    let before = e.metrics();
    let start = Instant::now();
    let mut runs = Vec::new();
    if one_by_one {
        for p in prompts {
            let t0 = Instant::now();
            let s = e.generate_tokens(p, &opts(gen)).expect("queued");
            runs.push(drain(s, t0).await);
        }
    } else {
        let tasks: Vec<_> = prompts
            .into_iter()
            .map(|p| {
                let e = Arc::clone(e);
                tokio::spawn(async move {
                    let t0 = Instant::now();
                    let s = e.generate_tokens(p, &opts(gen)).expect("queued");
                    drain(s, t0).await
                })
            })
            .collect();
        for t in tasks {
            runs.push(t.await.expect("task"));
        }
    }
    let wall = start.elapsed().as_secs_f64();
    let m = e.metrics();
    let prompt: usize = runs.iter().map(|r| r.prompt_tokens).sum();
    let generated: usize = runs.iter().map(|r| r.generated).sum();
    let ttfts: Vec<f64> = runs.iter().map(|r| r.ttft_s).collect();
    println!(
        "{label}: {} req, {prompt} prompt + {generated} generated tok, wall {wall:.2} s, {:.1} (prompt+gen) tok/s, {:.2} out tok/s, TTFT p50 {:.2} s max {:.2} s; prompt computed {} reused {}, decode calls {}",
        runs.len(),
        (prompt + generated) as f64 / wall,
        generated as f64 / wall,
        pct(&ttfts, 50.0),
        pct(&ttfts, 100.0),
        m.prompt_tokens_computed - before.prompt_tokens_computed,
        m.prompt_tokens_reused - before.prompt_tokens_reused,
        m.decode_calls - before.decode_calls,
    );
    wall
}

fn engine_with(
    model: &str,
    threads: u32,
    n_parallel: u32,
    n_cache_slots: u32,
    n_ctx: u32,
    prefix: bool,
    unified: bool,
) -> Arc<LlamaEngine> {
    let mut c = EngineConfig::new(model);
    c.n_ctx = n_ctx;
    c.n_parallel = n_parallel;
    c.n_cache_slots = n_cache_slots;
    c.n_threads = Some(threads);
    c.prefix_cache = prefix;
    c.kv_unified = unified;
    c.flash_attention = flash_attention();
    if let Some(n) = n_batch() {
        c.n_batch = n;
    }
    println!(
        "engine: n_ctx {} ({} per sequence) n_batch {} n_parallel {} n_cache_slots {} kv_unified {} prefix_cache {} threads {threads} flash_attention {}",
        c.n_ctx, c.n_ctx_seq(), c.n_batch, c.n_parallel, c.n_cache_slots, c.kv_unified, c.prefix_cache, c.flash_attention
    );
    Arc::new(LlamaEngine::load(c).expect("load model"))
}

async fn warm(e: &LlamaEngine) {
    let w = prompt_tokens(e, 16, 997).await;
    let s = e.generate_tokens(w, &opts(4)).expect("queued");
    let _ = drain(s, Instant::now()).await;
}

/// `unified`, `streams` or `both`.
fn layouts(arg: &str) -> Vec<bool> {
    match arg {
        "unified" => vec![true],
        "streams" => vec![false],
        _ => vec![true, false],
    }
}

async fn distinct(
    model: &str,
    threads: u32,
    n: usize,
    n_prompt: usize,
    gen: u32,
    n_ctx: u32,
    layout: &str,
) {
    let mut seed = 100;
    let mut conc = Vec::new();
    for unified in layouts(layout) {
        let e = engine_with(model, threads, n as u32, 1, n_ctx, true, unified);
        warm(&e).await;
        let mut prompts = Vec::new();
        for _ in 0..n {
            prompts.push(prompt_tokens(&e, n_prompt, seed).await);
            seed += 1;
        }
        let label = format!("concurrent, kv_unified={unified}");
        conc.push((unified, batch_run(&e, &label, prompts, gen, false).await));
    }
    // The floor: one sequence, nothing cached, the same amount of work one by one.
    let e = engine_with(model, threads, 1, 0, n_ctx, true, true);
    warm(&e).await;
    let mut prompts = Vec::new();
    for _ in 0..n {
        prompts.push(prompt_tokens(&e, n_prompt, seed).await);
        seed += 1;
    }
    let floor = batch_run(&e, "sequential", prompts, gen, true).await;
    for (unified, wall) in conc {
        println!(
            "kv_unified={unified}: concurrent {wall:.2} s vs one by one {floor:.2} s = {:.2}x",
            floor / wall
        );
    }
}

async fn sharing(
    model: &str,
    threads: u32,
    n: usize,
    n_doc: usize,
    gen: u32,
    n_ctx: u32,
    layout: &str,
) {
    for unified in layouts(layout) {
        let mut walls = Vec::new();
        for prefix in [false, true] {
            let e = engine_with(model, threads, n as u32, 1, n_ctx, prefix, unified);
            warm(&e).await;
            let doc = prompt_tokens(&e, n_doc, 300).await;
            let mut prompts = Vec::new();
            for i in 0..n {
                let mut p = doc.clone();
                p.extend(prompt_tokens(&e, 24, 400 + i).await);
                prompts.push(p);
            }
            let label = format!("shared doc, kv_unified={unified} prefix_cache={prefix}");
            walls.push(batch_run(&e, &label, prompts, gen, false).await);
        }
        println!(
            "kv_unified={unified}: prefix sharing speed-up {:.2}x",
            walls[0] / walls[1]
        );
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let a: Vec<String> = std::env::args().collect();
    let arg = |i: usize| a.get(i).cloned();
    let num = |i: usize, d: u64| arg(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    match arg(1).as_deref() {
        Some("single") => {
            let model = arg(2).expect("MODEL");
            single(
                &model,
                num(3, 2) as u32,
                num(4, 512) as usize,
                num(5, 128) as u32,
                num(6, 3) as usize,
            )
            .await
        }
        Some("concurrent") => {
            let model = arg(2).expect("MODEL");
            let file = arg(4).expect("PROMPTS.json");
            let set = arg(5).expect("distinct|shared");
            concurrent(
                &model,
                num(3, 2) as u32,
                &file,
                &set,
                num(6, 17408) as u32,
                num(7, 128) as u32,
                arg(8).as_deref() == Some("unified"),
            )
            .await
        }
        Some(mode @ ("distinct" | "sharing")) => {
            let model = arg(2).expect("MODEL");
            let (threads, n, len, gen, n_ctx) = (
                num(3, 2) as u32,
                num(4, 4) as usize,
                num(5, 1000) as usize,
                num(6, 64) as u32,
                num(7, 8192) as u32,
            );
            let layout = arg(8).unwrap_or_else(|| "both".into());
            if mode == "distinct" {
                distinct(&model, threads, n, len, gen, n_ctx, &layout).await
            } else {
                sharing(&model, threads, n, len, gen, n_ctx, &layout).await
            }
        }
        _ => eprintln!("usage: see the header of examples/bench_compare.rs"),
    }
}
