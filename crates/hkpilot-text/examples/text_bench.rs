//! Throughput of sentence splitting, keyword terms and conversion on real documents.
//!
//! Usage (release, from the repository root):
//!   cargo run --release -p hkpilot-text --example text_bench -- \
//!     ../shared/data/long-documents/policy-address-2025.en.md \
//!     ../shared/data/summarisation/lcsts-test-1000.src.txt
//! The second file is Simplified Chinese; it is converted to HK Traditional first (that
//! conversion is timed too) and the benchmark runs on the Traditional text. With a third
//! argument the Traditional text is written there (used to calibrate token estimates).
use hkpilot_core::Lang;
use hkpilot_text::convert::convert;
use hkpilot_text::sentences::split_sentences;
use hkpilot_text::tokens::estimate_tokens;
use hkpilot_text::words::terms;
use std::time::{Duration, Instant};

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let v = f();
    (v, t.elapsed())
}

fn mb_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

fn bench(name: &str, text: &str) {
    const ROUNDS: u32 = 5;
    let (sentences, mut d_split) = time(|| split_sentences(text));
    let (words, mut d_terms) = time(|| terms(text).len());
    for _ in 1..ROUNDS {
        d_split = d_split.min(time(|| split_sentences(text)).1);
        d_terms = d_terms.min(time(|| terms(text).len()).1);
    }
    println!(
        "{name}: {} bytes, {} chars, {} sentences, {} terms, ~{} tokens",
        text.len(),
        text.chars().count(),
        sentences.len(),
        words,
        estimate_tokens(text)
    );
    println!(
        "  split_sentences: {:>8.2} ms  {:>7.1} MB/s   terms: {:>8.2} ms  {:>6.1} MB/s  (best of {ROUNDS})",
        d_split.as_secs_f64() * 1e3,
        mb_s(text.len(), d_split),
        d_terms.as_secs_f64() * 1e3,
        mb_s(text.len(), d_terms),
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [en_path, zh_path, rest @ ..] = args.as_slice() else {
        eprintln!("usage: text_bench EN_FILE ZH_SIMPLIFIED_FILE [WRITE_HANT_TO]");
        std::process::exit(2);
    };
    let en = std::fs::read_to_string(en_path).expect("read English file");
    let zh = std::fs::read_to_string(zh_path).expect("read Chinese file");

    let (_, d_init) = time(|| terms("政府公布施政報告"));
    println!(
        "first call (jieba dictionary + OpenCC script tables): {:.0} ms",
        d_init.as_secs_f64() * 1e3
    );

    let (hant, d_conv) = time(|| convert(&zh, Lang::ZhHant));
    println!(
        "convert zh-Hans -> zh-Hant (HK): {} bytes in {:.1} ms ({:.1} MB/s)",
        zh.len(),
        d_conv.as_secs_f64() * 1e3,
        mb_s(zh.len(), d_conv)
    );
    if let Some(out) = rest.first() {
        std::fs::write(out, &hant).expect("write Traditional text");
    }
    bench("policy-address-2025.en.md", &en);
    bench("lcsts-test-1000 (zh-Hant)", &hant);
}
