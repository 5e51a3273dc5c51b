//! Tiny random-weight models (Llama or Qwen2 architecture) with a SentencePiece-style
//! vocabulary: control tokens, the 256 byte-fallback tokens (so any text tokenises),
//! and a few hundred pieces of English and Chinese.

use std::path::Path;

use super::gguf_writer::{GgufWriter, MetaValue};

/// ChatML, written into the generated models' `tokenizer.chat_template`.
pub const TINY_CHAT_TEMPLATE: &str = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TinyArch {
    Llama,
    /// Llama plus q/k/v biases and NeoX rope, as llama.cpp's `qwen2`.
    Qwen2,
}

/// Shape and seed of a generated model.
#[derive(Debug, Clone)]
pub struct TinyModelSpec {
    pub arch: TinyArch,
    pub n_embd: usize,
    pub n_layer: usize,
    pub n_head: usize,
    pub n_head_kv: usize,
    pub n_ff: usize,
    pub context_length: usize,
    pub seed: u64,
}

impl Default for TinyModelSpec {
    fn default() -> Self {
        Self {
            arch: TinyArch::Llama,
            n_embd: 64,
            n_layer: 2,
            n_head: 4,
            n_head_kv: 2,
            n_ff: 128,
            context_length: 4096,
            seed: 42,
        }
    }
}

/// xorshift64*: deterministic weights without a dependency.
struct Rng(u64);

impl Rng {
    fn next_f32(&mut self) -> f32 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        // 24 high bits → [-1, 1)
        ((x >> 40) as f32 / (1u64 << 23) as f32) - 1.0
    }
    fn fill(&mut self, n: usize, scale: f32) -> Vec<f32> {
        (0..n).map(|_| self.next_f32() * scale).collect()
    }
}

// SentencePiece token types as llama.cpp reads them.
const TYPE_NORMAL: i32 = 1;
const TYPE_UNKNOWN: i32 = 2;
const TYPE_CONTROL: i32 = 3;
const TYPE_BYTE: i32 = 6;
/// `<unk> <s> </s> <|im_start|> <|im_end|>`: ids 0..5.
const CONTROL_TOKENS: usize = 5;

fn vocabulary() -> (Vec<String>, Vec<f32>, Vec<i32>) {
    let mut tokens: Vec<String> = Vec::new();
    let mut types = Vec::new();
    let mut push = |t: String, ty: i32, tokens: &mut Vec<String>| {
        tokens.push(t);
        types.push(ty);
    };
    push("<unk>".into(), TYPE_UNKNOWN, &mut tokens);
    push("<s>".into(), TYPE_CONTROL, &mut tokens);
    push("</s>".into(), TYPE_CONTROL, &mut tokens);
    push("<|im_start|>".into(), TYPE_CONTROL, &mut tokens);
    push("<|im_end|>".into(), TYPE_CONTROL, &mut tokens);
    for b in 0..=255u8 {
        push(format!("<0x{b:02X}>"), TYPE_BYTE, &mut tokens);
    }
    let mut pieces: Vec<String> = vec!["\u{2581}".into()];
    for c in ('a'..='z').chain('A'..='Z').chain('0'..='9') {
        pieces.push(c.to_string());
        pieces.push(format!("\u{2581}{c}"));
    }
    for c in "{}[]\":,.-!?'()".chars() {
        pieces.push(c.to_string());
    }
    for w in [
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
        "capital",
        "France",
        "Paris",
        "Hong",
        "Kong",
        "government",
        "policy",
        "report",
        "summary",
        "document",
        "true",
        "false",
        "null",
        "name",
        "value",
    ] {
        pieces.push(format!("\u{2581}{w}"));
        pieces.push(w.to_string());
    }
    for c in "香港特別行政區政府的是在和了有文件摘要".chars() {
        pieces.push(c.to_string());
    }
    // llama.cpp aborts on duplicate tokens; keep the first of each.
    let mut seen = std::collections::HashSet::new();
    pieces.retain(|p| seen.insert(p.clone()));
    let n_pieces = pieces.len();
    let mut scores = vec![0.0f32; tokens.len()];
    for (i, p) in pieces.into_iter().enumerate() {
        // Longer pieces win merges; ties broken by order.
        let s = p.chars().count() as f32 * 10.0 - i as f32 / n_pieces as f32;
        push(p, TYPE_NORMAL, &mut tokens);
        scores.push(s);
    }
    (tokens, scores, types)
}

/// Writes a tiny model to `path`.
pub fn write_tiny_model(path: &Path, spec: &TinyModelSpec) -> std::io::Result<()> {
    let (tokens, scores, types) = vocabulary();
    let n_vocab = tokens.len() as u64;
    let arch = match spec.arch {
        TinyArch::Llama => "llama",
        TinyArch::Qwen2 => "qwen2",
    };
    let e = spec.n_embd as u64;
    let head_dim = e / spec.n_head as u64;
    let e_kv = head_dim * spec.n_head_kv as u64;
    let ff = spec.n_ff as u64;
    let mut rng = Rng(spec.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let w_scale = 1.5 / (spec.n_embd as f32).sqrt();

    let mut w = GgufWriter::new();
    let k = |s: &str| format!("{arch}.{s}");
    w.kv("general.architecture", MetaValue::Str(arch.into()))
        .kv(
            "general.name",
            MetaValue::Str(format!("tiny-{arch}-{}", spec.seed)),
        )
        .kv("general.alignment", MetaValue::U32(32))
        .kv(
            &k("context_length"),
            MetaValue::U32(spec.context_length as u32),
        )
        .kv(&k("embedding_length"), MetaValue::U32(spec.n_embd as u32))
        .kv(&k("block_count"), MetaValue::U32(spec.n_layer as u32))
        .kv(&k("feed_forward_length"), MetaValue::U32(spec.n_ff as u32))
        .kv(
            &k("attention.head_count"),
            MetaValue::U32(spec.n_head as u32),
        )
        .kv(
            &k("attention.head_count_kv"),
            MetaValue::U32(spec.n_head_kv as u32),
        )
        .kv(&k("attention.layer_norm_rms_epsilon"), MetaValue::F32(1e-5))
        .kv(&k("rope.freq_base"), MetaValue::F32(10000.0))
        .kv("tokenizer.ggml.model", MetaValue::Str("llama".into()))
        .kv("tokenizer.ggml.tokens", MetaValue::ArrStr(tokens))
        .kv("tokenizer.ggml.scores", MetaValue::ArrF32(scores))
        .kv("tokenizer.ggml.token_type", MetaValue::ArrI32(types))
        .kv("tokenizer.ggml.unknown_token_id", MetaValue::U32(0))
        .kv("tokenizer.ggml.bos_token_id", MetaValue::U32(1))
        .kv("tokenizer.ggml.eos_token_id", MetaValue::U32(2))
        .kv("tokenizer.ggml.add_bos_token", MetaValue::Bool(true))
        .kv("tokenizer.ggml.add_eos_token", MetaValue::Bool(false))
        .kv(
            "tokenizer.chat_template",
            MetaValue::Str(TINY_CHAT_TEMPLATE.into()),
        );

    w.tensor(
        "token_embd.weight",
        &[e, n_vocab],
        rng.fill((e * n_vocab) as usize, 1.0),
    );
    w.tensor("output_norm.weight", &[e], vec![1.0; e as usize]);
    // A large output scale makes the next-token distribution peaked, so greedy choices
    // are far from ties and batched/unbatched runs are comparable token for token.
    let mut output = rng.fill((e * n_vocab) as usize, 6.0 * w_scale);
    // Zero rows for the control tokens: their logit is exactly 0 while the best of a few
    // hundred random logits is well above it, so the model never ends a generation by
    // itself (tests then control length), yet a grammar that allows only end-of-turn
    // still gets it.
    output[..CONTROL_TOKENS * e as usize].fill(0.0);
    w.tensor("output.weight", &[e, n_vocab], output);
    for i in 0..spec.n_layer {
        let b = |s: &str| format!("blk.{i}.{s}");
        w.tensor(&b("attn_norm.weight"), &[e], vec![1.0; e as usize]);
        w.tensor(
            &b("attn_q.weight"),
            &[e, e],
            rng.fill((e * e) as usize, w_scale),
        );
        w.tensor(
            &b("attn_k.weight"),
            &[e, e_kv],
            rng.fill((e * e_kv) as usize, w_scale),
        );
        w.tensor(
            &b("attn_v.weight"),
            &[e, e_kv],
            rng.fill((e * e_kv) as usize, w_scale),
        );
        if spec.arch == TinyArch::Qwen2 {
            w.tensor(&b("attn_q.bias"), &[e], rng.fill(e as usize, 0.1));
            w.tensor(&b("attn_k.bias"), &[e_kv], rng.fill(e_kv as usize, 0.1));
            w.tensor(&b("attn_v.bias"), &[e_kv], rng.fill(e_kv as usize, 0.1));
        }
        w.tensor(
            &b("attn_output.weight"),
            &[e, e],
            rng.fill((e * e) as usize, w_scale),
        );
        w.tensor(&b("ffn_norm.weight"), &[e], vec![1.0; e as usize]);
        w.tensor(
            &b("ffn_gate.weight"),
            &[e, ff],
            rng.fill((e * ff) as usize, w_scale),
        );
        w.tensor(
            &b("ffn_up.weight"),
            &[e, ff],
            rng.fill((e * ff) as usize, w_scale),
        );
        let down_scale = 1.5 / (spec.n_ff as f32).sqrt();
        w.tensor(
            &b("ffn_down.weight"),
            &[ff, e],
            rng.fill((ff * e) as usize, down_scale),
        );
    }
    w.write_file(path)
}
