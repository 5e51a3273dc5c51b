//! Throughput of the embedded engine: single stream, batched streams, prefix sharing.
//!
//! cargo run --release -p hkpilot-llm-llamacpp --example bench_engine -- [MODEL] [THREADS]
//! (the dev profile also optimises llama.cpp; see BENCH_NOTES.md for recorded runs)

use std::sync::Arc;
use std::time::Instant;

use futures_util::StreamExt;
use hkpilot_llm::{CompletionRequest, GenerationOptions, LlmBackend, StreamEvent};
use hkpilot_llm_llamacpp::{EngineConfig, LlamaEngine};

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

/// Roughly `n` words of deterministic filler text, different for each `seed`.
fn text(n: usize, seed: usize) -> String {
    (0..n)
        .map(|i| WORDS[(i * 7 + seed * 13 + i / 5) % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

struct Run {
    prompt_tokens: usize,
    generated: usize,
    ttft_s: f64,
    total_s: f64,
}

async fn one(e: &LlamaEngine, prompt: String, max_tokens: u32) -> Run {
    let start = Instant::now();
    let mut req = CompletionRequest::new(prompt);
    req.options = GenerationOptions {
        max_tokens: Some(max_tokens),
        ..GenerationOptions::default()
    };
    let mut s = e.complete_stream(req).await.expect("queued");
    let mut ttft = None;
    let mut out = Run {
        prompt_tokens: 0,
        generated: 0,
        ttft_s: 0.0,
        total_s: 0.0,
    };
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
    out.ttft_s = ttft.unwrap_or_default();
    out.total_s = start.elapsed().as_secs_f64();
    out
}

async fn concurrent(
    e: &Arc<LlamaEngine>,
    prompts: Vec<String>,
    max_tokens: u32,
) -> (Vec<Run>, f64) {
    let start = Instant::now();
    let tasks: Vec<_> = prompts
        .into_iter()
        .map(|p| {
            let e = Arc::clone(e);
            tokio::spawn(async move { one(&e, p, max_tokens).await })
        })
        .collect();
    let mut runs = Vec::new();
    for t in tasks {
        runs.push(t.await.expect("task"));
    }
    (runs, start.elapsed().as_secs_f64())
}

fn engine(model: &str, threads: u32, n_parallel: u32, prefix_cache: bool) -> Arc<LlamaEngine> {
    let mut c = EngineConfig::new(model);
    c.n_ctx = 12288;
    c.n_batch = 512;
    c.n_parallel = n_parallel;
    c.n_cache_slots = 1;
    c.n_threads = Some(threads);
    c.prefix_cache = prefix_cache;
    Arc::new(LlamaEngine::load(c).expect("load model"))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let model = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| ".models/SmolLM2-135M-Instruct.Q4_1.gguf".into());
    let threads: u32 = args.get(2).and_then(|t| t.parse().ok()).unwrap_or(2);
    println!("model {model}, {threads} threads");

    // Single stream: ~200- and ~500-token prompts, 128 tokens out.
    let e = engine(&model, threads, 1, false);
    let _ = one(&e, text(20, 99), 8).await; // warm-up
    for words in [200, 500] {
        let r = one(&e, text(words, words), 128).await;
        let gen_s = r.total_s - r.ttft_s;
        println!(
            "single: prompt {} tok, {:.0} prompt tok/s; generated {} tok, {:.1} gen tok/s",
            r.prompt_tokens,
            r.prompt_tokens as f64 / r.ttft_s,
            r.generated,
            (r.generated.saturating_sub(1)) as f64 / gen_s
        );
    }
    drop(e);

    // Batched: N distinct ~100-token prompts, 64 tokens out each.
    for n in [1u32, 4, 8] {
        let e = engine(&model, threads, n, false);
        let _ = one(&e, text(20, 98), 4).await;
        let prompts = (0..n as usize).map(|i| text(100, i)).collect();
        let (runs, wall) = concurrent(&e, prompts, 64).await;
        let generated: usize = runs.iter().map(|r| r.generated).sum();
        let prompt: usize = runs.iter().map(|r| r.prompt_tokens).sum();
        let mut ttft: Vec<f64> = runs.iter().map(|r| r.ttft_s).collect();
        ttft.sort_by(f64::total_cmp);
        println!(
            "batched x{n}: {prompt} prompt + {generated} generated tokens in {wall:.2} s = {:.1} generated tok/s aggregate ({:.1} incl. prompt); TTFT p50 {:.2} s",
            generated as f64 / wall,
            (generated + prompt) as f64 / wall,
            ttft[ttft.len() / 2]
        );
    }

    // Prefix sharing: 8 requests sharing a ~1000-token document, different questions.
    let doc = text(1000, 7);
    let prompts: Vec<String> = (0..8)
        .map(|i| {
            format!(
                "{doc}\nQuestion {i}: what does the paper say about {}?",
                WORDS[i]
            )
        })
        .collect();
    let mut walls = Vec::new();
    for cache in [false, true] {
        let e = engine(&model, threads, 8, cache);
        let _ = one(&e, text(20, 97), 4).await;
        let before = e.metrics();
        let (runs, wall) = concurrent(&e, prompts.clone(), 32).await;
        let m = e.metrics();
        let generated: usize = runs.iter().map(|r| r.generated).sum();
        println!(
            "shared prefix x8, prefix_cache={cache}: {wall:.2} s, prompt tokens computed {} reused {}, {:.1} generated tok/s aggregate",
            m.prompt_tokens_computed - before.prompt_tokens_computed,
            m.prompt_tokens_reused - before.prompt_tokens_reused,
            generated as f64 / wall
        );
        walls.push(wall);
    }
    println!("prefix sharing speed-up: {:.2}x", walls[0] / walls[1]);
}
