//! Single-stream prompt and generation rates of the embedded engine on real text, at a
//! prompt length like a summary chunk's: the rates behind the "physical floor" of
//! `hkpilot summarize --model` (BENCHMARKS.md, "Grounded summaries").
//!
//! cargo run --release -p hkpilot-llm-llamacpp --example bench_rates -- \
//!     MODEL THREADS DOC [PROMPT_TOKENS=3300] [GEN_TOKENS=256] [REPS=3]
//!
//! Each repetition sends one chat request (prefix cache off, one sequence, n_ctx 4096,
//! n_batch 512, per-sequence KV streams, as `summarize` uses) whose user message is a different stretch of DOC,
//! sized to PROMPT_TOKENS with the model's tokenizer. Prompt rate = prompt tokens /
//! time to first token; generation rate = (generated − 1) / (total − time to first
//! token), i.e. at the depth of the prompt. Two sampling set-ups are timed: plain
//! greedy, and the summariser's own (greedy, repetition penalty 1.1, a bullet grammar).
//! Prints one JSON object per line and a final median line. BENCH_GRAMMAR_FIRST=1 and
//! BENCH_FLASH_ATTENTION=1 time the engine's variants.

use std::time::Instant;

use futures_util::StreamExt;
use hkpilot_llm::{
    ChatMessage, ChatRequest, GenerationOptions, LlmBackend, StreamEvent, StructuredOutput,
};
use hkpilot_llm_llamacpp::{EngineConfig, LlamaEngine};

/// A grammar of the same shape as the summariser's: bullets of one sentence, each
/// closed by a bracketed citation of small numbers.
fn bullets_grammar(max: usize, ids: usize) -> String {
    let id_alts = (1..=ids)
        .map(|i| format!("\"{i}\""))
        .collect::<Vec<_>>()
        .join(" | ");
    format!(
        "root ::= item{{1,{max}}}\n\
         item ::= \"- \" text end \" [\" ids \"]\\n\"\n\
         text ::= char+\n\
         char ::= [^\\n\\[\\]<>.!?] | \".\" [0-9]\n\
         end ::= [.!?]\n\
         ids ::= id (\", \" id){{0,4}}\n\
         id ::= {id_alts}\n"
    )
}

struct Timing {
    prompt_tokens: usize,
    generated: usize,
    ttft_s: f64,
    total_s: f64,
}

async fn run(e: &LlamaEngine, user: String, opts: GenerationOptions) -> Timing {
    let req = ChatRequest {
        messages: vec![
            ChatMessage::system(
                "You summarise documents for government officers. Write a detailed \
                 bulleted list of the points in the user's text, one sentence each.",
            ),
            ChatMessage::user(user),
        ],
        options: opts,
    };
    let start = Instant::now();
    let mut s = e.chat_stream(req).await.expect("queued");
    let mut t = Timing {
        prompt_tokens: 0,
        generated: 0,
        ttft_s: 0.0,
        total_s: 0.0,
    };
    let mut first = None;
    while let Some(ev) = s.next().await {
        match ev.expect("generation") {
            StreamEvent::Delta { .. } => {
                first.get_or_insert_with(|| start.elapsed().as_secs_f64());
            }
            StreamEvent::Done { usage, .. } => {
                t.prompt_tokens = usage.prompt_tokens - usage.cached_prompt_tokens;
                t.generated = usage.completion_tokens;
            }
        }
    }
    t.total_s = start.elapsed().as_secs_f64();
    t.ttft_s = first.unwrap_or(t.total_s);
    t
}

/// A stretch of `doc` from character `from` with about `tokens` tokens.
async fn slice(e: &LlamaEngine, doc: &[char], from: usize, tokens: usize) -> String {
    let mut chars = tokens * 4;
    let mut text = String::new();
    for _ in 0..4 {
        let start = from % doc.len().saturating_sub(chars).max(1);
        text = doc[start..(start + chars).min(doc.len())].iter().collect();
        let n = e.count_tokens(&text).await.expect("tokenize").max(1);
        if n.abs_diff(tokens) * 50 <= tokens {
            break;
        }
        chars = chars * tokens / n;
    }
    text
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: bench_rates MODEL THREADS DOC [PROMPT_TOKENS] [GEN_TOKENS] [REPS]");
        std::process::exit(2);
    }
    let num = |i: usize, d: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(d);
    let (model, threads) = (&args[1], num(2, 2) as u32);
    let doc: Vec<char> = std::fs::read_to_string(&args[3])
        .expect("read DOC")
        .chars()
        .collect();
    let (prompt_tokens, gen_tokens, reps) = (num(4, 3300), num(5, 256), num(6, 3));

    let mut c = EngineConfig::new(model);
    c.n_ctx = 4096;
    c.n_parallel = 1;
    c.n_cache_slots = 1;
    c.n_threads = Some(threads);
    c.prefix_cache = false;
    // As `summarize` opens the engine (crates/hkpilot/src/commands/backend.rs): one KV
    // stream per sequence.
    c.kv_unified = false;
    // Variants to compare in one session: BENCH_GRAMMAR_FIRST=1 filters every candidate
    // through the grammar first (the engine's old way), BENCH_FLASH_ATTENTION=1.
    let flag = |name: &str| std::env::var(name).is_ok_and(|v| v == "1");
    c.grammar_first = flag("BENCH_GRAMMAR_FIRST");
    c.flash_attention = flag("BENCH_FLASH_ATTENTION");
    eprintln!(
        "grammar_first={} flash_attention={}",
        c.grammar_first, c.flash_attention
    );
    let e = LlamaEngine::load(c).expect("load model");

    // Warm-up: page the weights in, start the threads.
    let warm = GenerationOptions {
        max_tokens: Some(8),
        ..Default::default()
    };
    let _ = run(&e, slice(&e, &doc, 0, 200).await, warm).await;

    let mut rows: Vec<(&str, Vec<f64>, Vec<f64>)> = vec![];
    for (mode, grammar) in [("greedy", false), ("pipeline_sampling", true)] {
        let (mut pp, mut tg) = (vec![], vec![]);
        for rep in 0..reps {
            let user = slice(
                &e,
                &doc,
                7919 * (rep + 1) + if grammar { 3571 } else { 0 },
                prompt_tokens,
            )
            .await;
            let opts = GenerationOptions {
                max_tokens: Some(gen_tokens as u32),
                repetition_penalty: if grammar { 1.1 } else { 1.0 },
                structured: grammar.then(|| StructuredOutput::Grammar(bullets_grammar(12, 60))),
                ..Default::default()
            };
            let t = run(&e, user, opts).await;
            let p = t.prompt_tokens as f64 / t.ttft_s;
            let g = t.generated.saturating_sub(1) as f64 / (t.total_s - t.ttft_s).max(1e-9);
            println!(
                "{{\"mode\":\"{mode}\",\"rep\":{rep},\"prompt_tokens\":{},\"prompt_s\":{:.3},\"prompt_tok_s\":{p:.1},\"generated\":{},\"gen_s\":{:.3},\"gen_tok_s\":{g:.1}}}",
                t.prompt_tokens,
                t.ttft_s,
                t.generated,
                t.total_s - t.ttft_s
            );
            pp.push(p);
            if t.generated >= 16 {
                tg.push(g);
            }
        }
        rows.push((mode, pp, tg));
    }
    for (mode, pp, tg) in rows {
        let show = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{x:.1}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        println!(
            "{{\"summary\":\"{mode}\",\"threads\":{threads},\"prompt_tok_s_median\":{:.1},\"prompt_tok_s_all\":[{}],\"gen_tok_s_median\":{:.1},\"gen_tok_s_all\":[{}]}}",
            median(pp.clone()),
            show(&pp),
            if tg.is_empty() { f64::NAN } else { median(tg.clone()) },
            show(&tg)
        );
    }
}
