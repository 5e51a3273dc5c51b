//! Writes a random-weight GGUF shaped like Qwen2.5-0.5B (F32) for benchmarks against
//! llama.cpp's own tools; quantise it with `llama-quantize` (see BENCHMARKS.md).
//!
//! cargo run --release -p hkpilot-llm-llamacpp --example write_synthetic_model -- OUT.gguf [VOCAB]
//!
//! Shape: qwen2 architecture (q/k/v biases), hidden 896, 24 layers, 14 heads / 2 KV
//! heads (head dim 64), FFN 4864, rope base 1e6, 32k training context, tied input and
//! output embeddings as the real model. The tokenizer is a SentencePiece-style
//! vocabulary (control tokens, byte fallback, letters, some English words, then filler
//! pieces up to VOCAB, default 151,936 as Qwen2.5): the compute per token matches the
//! real model, the text does not. Control tokens have zero embedding rows, so their
//! logit is exactly 0 and generation never stops by itself (both sides always produce
//! max_tokens).

use std::path::PathBuf;

use hkpilot_llm_llamacpp::testing::gguf_writer::{GgufWriter, MetaValue};
use hkpilot_llm_llamacpp::testing::TINY_CHAT_TEMPLATE;

const N_EMBD: u64 = 896;
const N_LAYER: usize = 24;
const N_HEAD: u64 = 14;
const N_HEAD_KV: u64 = 2;
const N_FF: u64 = 4864;
const CONTROL_TOKENS: usize = 5;

/// Words the benchmark prompts use, so they tokenise to one token per word.
const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "on",
    "with",
    "as",
    "was",
    "what",
    "does",
    "say",
    "about",
    "Question",
    "Summarise",
    "this",
    "paper",
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
    "legislative",
    "document",
    "summary",
    "answer",
];

/// xorshift64*, as the crate's tiny models: deterministic weights without a dependency.
struct Rng(u64);

impl Rng {
    fn next_f32(&mut self) -> f32 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        ((x >> 40) as f32 / (1u64 << 23) as f32) - 1.0
    }
    fn fill(&mut self, n: u64, scale: f32) -> Vec<f32> {
        (0..n).map(|_| self.next_f32() * scale).collect()
    }
}

fn vocabulary(n_vocab: usize) -> (Vec<String>, Vec<f32>, Vec<i32>) {
    let mut tokens: Vec<String> = vec![
        "<unk>".into(),
        "<s>".into(),
        "</s>".into(),
        "<|im_start|>".into(),
        "<|im_end|>".into(),
    ];
    let mut types = vec![2, 3, 3, 3, 3];
    for b in 0..=255u8 {
        tokens.push(format!("<0x{b:02X}>"));
        types.push(6);
    }
    let mut pieces: Vec<String> = vec!["\u{2581}".into()];
    for c in ('a'..='z').chain('A'..='Z').chain('0'..='9') {
        pieces.push(c.to_string());
        pieces.push(format!("\u{2581}{c}"));
    }
    for c in "{}[]\":,.-!?'()\n".chars() {
        pieces.push(c.to_string());
    }
    // Every prefix of each word too: SentencePiece merges adjacent pieces only into
    // pieces that exist, so "▁government" is reached through "▁g", "▁go", "▁gov", ...
    for w in WORDS {
        let chars: Vec<char> = w.chars().collect();
        for k in 1..=chars.len() {
            let prefix: String = chars[..k].iter().collect();
            pieces.push(format!("\u{2581}{prefix}"));
            pieces.push(prefix);
        }
    }
    let mut seen = std::collections::HashSet::new();
    pieces.retain(|p| seen.insert(p.clone()));
    let mut i = 0usize;
    while tokens.len() + pieces.len() < n_vocab {
        // Filler pieces nobody's text contains, so they never win a merge.
        pieces.push(format!("\u{2581}~{i}~"));
        i += 1;
    }
    let n_pieces = pieces.len();
    let mut scores = vec![0.0f32; tokens.len()];
    for (j, p) in pieces.into_iter().enumerate() {
        scores.push(p.chars().count() as f32 * 10.0 - j as f32 / n_pieces as f32);
        tokens.push(p);
        types.push(1);
    }
    (tokens, scores, types)
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let out = PathBuf::from(
        args.get(1)
            .cloned()
            .unwrap_or_else(|| ".models/synthetic-qwen2.5-0.5b-f32.gguf".into()),
    );
    let n_vocab: usize = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(151_936);
    let (tokens, scores, types) = vocabulary(n_vocab);
    let v = tokens.len() as u64;
    let e = N_EMBD;
    let e_kv = e / N_HEAD * N_HEAD_KV;
    let ff = N_FF;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 | 1);
    let w_scale = 1.5 / (e as f32).sqrt();

    let mut w = GgufWriter::new();
    w.kv("general.architecture", MetaValue::Str("qwen2".into()))
        .kv(
            "general.name",
            MetaValue::Str("synthetic-qwen2.5-0.5b".into()),
        )
        .kv("general.alignment", MetaValue::U32(32))
        .kv("qwen2.context_length", MetaValue::U32(32768))
        .kv("qwen2.embedding_length", MetaValue::U32(e as u32))
        .kv("qwen2.block_count", MetaValue::U32(N_LAYER as u32))
        .kv("qwen2.feed_forward_length", MetaValue::U32(ff as u32))
        .kv("qwen2.attention.head_count", MetaValue::U32(N_HEAD as u32))
        .kv(
            "qwen2.attention.head_count_kv",
            MetaValue::U32(N_HEAD_KV as u32),
        )
        .kv(
            "qwen2.attention.layer_norm_rms_epsilon",
            MetaValue::F32(1e-6),
        )
        .kv("qwen2.rope.freq_base", MetaValue::F32(1_000_000.0))
        .kv("tokenizer.ggml.model", MetaValue::Str("llama".into()))
        .kv("tokenizer.ggml.tokens", MetaValue::ArrStr(tokens))
        .kv("tokenizer.ggml.scores", MetaValue::ArrF32(scores))
        .kv("tokenizer.ggml.token_type", MetaValue::ArrI32(types))
        .kv("tokenizer.ggml.unknown_token_id", MetaValue::U32(0))
        .kv("tokenizer.ggml.bos_token_id", MetaValue::U32(1))
        .kv("tokenizer.ggml.eos_token_id", MetaValue::U32(2))
        .kv("tokenizer.ggml.add_bos_token", MetaValue::Bool(false))
        .kv("tokenizer.ggml.add_eos_token", MetaValue::Bool(false))
        .kv(
            "tokenizer.chat_template",
            MetaValue::Str(TINY_CHAT_TEMPLATE.into()),
        );

    // Tied embeddings (no output.weight), as Qwen2.5-0.5B.
    let mut embd = rng.fill(e * v, 1.0);
    embd[..CONTROL_TOKENS * e as usize].fill(0.0);
    w.tensor("token_embd.weight", &[e, v], embd);
    w.tensor("output_norm.weight", &[e], vec![1.0; e as usize]);
    for i in 0..N_LAYER {
        let b = |s: &str| format!("blk.{i}.{s}");
        w.tensor(&b("attn_norm.weight"), &[e], vec![1.0; e as usize]);
        w.tensor(&b("attn_q.weight"), &[e, e], rng.fill(e * e, w_scale));
        w.tensor(&b("attn_k.weight"), &[e, e_kv], rng.fill(e * e_kv, w_scale));
        w.tensor(&b("attn_v.weight"), &[e, e_kv], rng.fill(e * e_kv, w_scale));
        w.tensor(&b("attn_q.bias"), &[e], rng.fill(e, 0.1));
        w.tensor(&b("attn_k.bias"), &[e_kv], rng.fill(e_kv, 0.1));
        w.tensor(&b("attn_v.bias"), &[e_kv], rng.fill(e_kv, 0.1));
        w.tensor(&b("attn_output.weight"), &[e, e], rng.fill(e * e, w_scale));
        w.tensor(&b("ffn_norm.weight"), &[e], vec![1.0; e as usize]);
        w.tensor(&b("ffn_gate.weight"), &[e, ff], rng.fill(e * ff, w_scale));
        w.tensor(&b("ffn_up.weight"), &[e, ff], rng.fill(e * ff, w_scale));
        let down_scale = 1.5 / (ff as f32).sqrt();
        w.tensor(
            &b("ffn_down.weight"),
            &[ff, e],
            rng.fill(ff * e, down_scale),
        );
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    w.write_file(&out)?;
    println!("wrote {} (vocab {v}, F32)", out.display());
    Ok(())
}
