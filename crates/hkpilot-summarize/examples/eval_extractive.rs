//! Writes extractive summaries of the GovReport and LCSTS evaluation sets at each
//! reference's length, for `bench/score_extractive.py` to score with ROUGE.
//!
//! cargo run --release -p hkpilot-summarize --example eval_extractive -- \
//!     ../shared/data/summarisation OUT_DIR [--lang zh-Hant|zh-Hans] [--headings] [--marker-free] [--runs N]
//!
//! Writes OUT_DIR/govreport.hyp.jsonl (one JSON string per document),
//! OUT_DIR/lcsts.hyp.txt (one line per text) and OUT_DIR/timings.json. `--lang`
//! converts the Chinese summaries to that script (default: as written).
//! `--marker-free` asks for one character more than the reference when a summary
//! may end in a cut sentence, so that the "…" marking the cut is not counted as
//! content; the scorer truncates every system to the reference's length anyway.
//! `--runs N` times N passes and reports the fastest (the machine may be shared).
//! Every input
//! line becomes a paragraph, as the baselines see plain text; `--headings` makes
//! GovReport's tab-indented title lines headings, so sections take effect.
//! Ranking weights can be overridden for tuning with HKPILOT_W_<NAME>=value
//! (e.g. HKPILOT_W_POSITION=0.8); the weights used are printed.

mod common;

use hkpilot_core::Lang;
use hkpilot_summarize::{summarize_extractive, ExtractiveOptions, Length, Weights};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let headings = take_flag(&mut args, "--headings");
    let runs: usize = match args.iter().position(|a| a == "--runs") {
        Some(i) if i + 1 < args.len() => {
            let n = args.remove(i + 1);
            args.remove(i);
            n.parse::<usize>()?.max(1)
        }
        _ => 1,
    };
    let marker_free = take_flag(&mut args, "--marker-free");
    let extra = usize::from(marker_free);
    let lang: Option<Lang> = match args.iter().position(|a| a == "--lang") {
        Some(i) if i + 1 < args.len() => {
            let tag = args.remove(i + 1);
            args.remove(i);
            Some(tag.parse()?)
        }
        _ => None,
    };
    if args.len() != 2 {
        eprintln!("usage: eval_extractive DATA_DIR OUT_DIR [--lang zh-Hant|zh-Hans] [--headings] [--marker-free] [--runs N]");
        std::process::exit(2);
    }
    let data = PathBuf::from(&args[0]);
    let out = PathBuf::from(&args[1]);
    std::fs::create_dir_all(&out)?;
    let weights = weights_from_env();
    eprintln!("weights: {weights:?}");
    // Load the segmenter's dictionaries once, outside the timings (the scorer does the
    // same for sumy's jieba); their cost is reported on its own.
    let t0 = Instant::now();
    let _ = hkpilot_text::words::terms("預熱 warm-up");
    let _ = hkpilot_text::script::detect_lang("预热，預熱");
    let _ = hkpilot_text::convert::convert("预热", Lang::ZhHant);
    let warmup_secs = t0.elapsed().as_secs_f64();

    // GovReport: budget = the reference's length in characters.
    let gov_text = std::fs::read_to_string(data.join("govreport-leval.jsonl"))?;
    let mut gov = Vec::new();
    for line in gov_text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let input = v["input"].as_str().unwrap_or_default().to_string();
        let reference = v["outputs"][0].as_str().unwrap_or_default();
        gov.push((input, reference.chars().count().max(1)));
    }
    // LCSTS: one text per line; budget = the reference headline's length.
    let src = std::fs::read_to_string(data.join("lcsts-test-1000.src.txt"))?;
    let tgt = std::fs::read_to_string(data.join("lcsts-test-1000.tgt.txt"))?;
    let zh: Vec<(String, usize)> = src
        .lines()
        .zip(tgt.lines())
        .map(|(s, t)| (s.to_string(), t.chars().count().max(1) + extra))
        .collect();

    // Each pass is timed on its own; the fastest is reported, since the machine may
    // be shared (the scorer does the same for sumy with the same --runs).
    let (mut gov_secs, mut zh_secs, mut zh_build_secs) = (f64::MAX, f64::MAX, f64::MAX);
    let (mut gov_hyps, mut zh_hyps) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let (hyps, secs, _) = summarise_all(&gov, headings, None, weights)?;
        gov_secs = gov_secs.min(secs);
        gov_hyps = hyps;
        let (hyps, secs, build) = summarise_all(&zh, false, lang, weights)?;
        zh_secs = zh_secs.min(secs);
        zh_build_secs = zh_build_secs.min(build);
        zh_hyps = hyps;
    }
    let mut gov_out = std::fs::File::create(out.join("govreport.hyp.jsonl"))?;
    for h in &gov_hyps {
        writeln!(gov_out, "{}", serde_json::to_string(h)?)?;
    }
    let mut zh_out = std::fs::File::create(out.join("lcsts.hyp.txt"))?;
    for h in &zh_hyps {
        writeln!(zh_out, "{}", h.replace('\n', " "))?;
    }
    let (gov_n, zh_n) = (gov.len(), zh.len());
    let timings = serde_json::json!({
        "govreport": {"documents": gov_n, "seconds": gov_secs},
        "lcsts": {"documents": zh_n, "seconds": zh_secs, "of_which_building_documents": zh_build_secs},
        "runs": runs,
        "segmenter_load_seconds": warmup_secs,
        "lang": lang.map(|l| l.tag()),
        "headings": headings,
        "marker_free": marker_free,
    });
    std::fs::write(
        out.join("timings.json"),
        serde_json::to_string_pretty(&timings)?,
    )?;
    println!("{timings}");
    Ok(())
}

/// Summarises every (text, character budget) pair; returns the summaries, the
/// seconds spent building documents and summarising, and the part spent building.
fn summarise_all(
    items: &[(String, usize)],
    headings: bool,
    lang: Option<Lang>,
    weights: Weights,
) -> Result<(Vec<String>, f64, f64), Box<dyn std::error::Error>> {
    let (mut secs, mut build) = (0.0, 0.0);
    let mut out = Vec::with_capacity(items.len());
    for (i, (input, budget)) in items.iter().enumerate() {
        let t0 = Instant::now();
        let doc = common::document_from_text(input, headings, 0);
        build += t0.elapsed().as_secs_f64();
        let opts = ExtractiveOptions {
            length: Length::Chars(*budget),
            lang,
            weights,
            ..Default::default()
        };
        let text = match summarize_extractive(&[&doc], &opts) {
            Ok(s) => s.text(),
            Err(e) => {
                eprintln!("item {}: {e}", i + 1);
                String::new()
            }
        };
        secs += t0.elapsed().as_secs_f64();
        out.push(text);
    }
    Ok((out, secs, build))
}

fn take_flag(args: &mut Vec<String>, flag: &str) -> bool {
    let before = args.len();
    args.retain(|a| a != flag);
    args.len() != before
}

/// The default weights, each overridable by HKPILOT_W_<FIELD> for tuning runs.
fn weights_from_env() -> Weights {
    let mut w = Weights::default();
    let get = |name: &str, v: &mut f32| {
        if let Some(x) = std::env::var(format!("HKPILOT_W_{name}"))
            .ok()
            .and_then(|s| s.parse().ok())
        {
            *v = x;
        }
    };
    get("CENTRALITY", &mut w.centrality);
    get("SECTION", &mut w.section);
    get("POSITION", &mut w.position);
    get("POSITION_SCALE", &mut w.position_scale);
    get("SECTION_POSITION", &mut w.section_position);
    get("OPENER", &mut w.opener);
    get("REDUNDANCY", &mut w.redundancy);
    get("SECTION_REPEAT", &mut w.section_repeat);
    get("LENGTH_EXPONENT", &mut w.length_exponent);
    get("HEADLINE_PRIOR", &mut w.headline_prior);
    get("DAMPING", &mut w.damping);
    w
}
