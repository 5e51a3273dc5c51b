//! Time and peak memory of the extractive summariser as a document grows from 10 to
//! 1,000 pages, to show both are linear in its length.
//!
//! cargo run --release -p hkpilot-summarize --example scale_extractive -- \
//!     ../shared/data/long-documents/policy-address-2025.en.md [PAGES...]
//!
//! Pages are ~3,000 characters of the Policy Address's paragraphs (headings kept),
//! or, for a `.txt` source (one paragraph per line, e.g. the LCSTS Chinese texts),
//! of its lines,
//! repeated in a different order on every pass so that later pages are not exact
//! copies. Each size runs in a fresh child process so that VmHWM (peak resident
//! memory) belongs to that size alone; times are the fastest of three runs, after
//! the segmenter's dictionary is loaded.

mod common;

use hkpilot_core::{BlockKind, DocumentBuilder};
use hkpilot_summarize::{summarize_extractive, ExtractiveOptions, Length};
use std::process::Command;
use std::time::Instant;

const PAGE_CHARS: usize = 3_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(source) = args.first() else {
        eprintln!("usage: scale_extractive POLICY_ADDRESS.md [PAGES...]");
        std::process::exit(2);
    };
    if args.get(1).map(String::as_str) == Some("--child") {
        let pages: usize = args[2].parse()?;
        return child(source, pages);
    }
    let sizes: Vec<usize> = if args.len() > 1 {
        args[1..]
            .iter()
            .map(|s| s.parse())
            .collect::<Result<_, _>>()?
    } else {
        vec![10, 100, 1_000]
    };
    println!("| pages | characters | sentences | build doc (s) | standard (s) | detailed (s) | 1,000c (s) | ms per page | peak RSS (MiB) | summary sentences |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for pages in sizes {
        let out = Command::new(std::env::current_exe()?)
            .args([source.as_str(), "--child", &pages.to_string()])
            .output()?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
        }
        print!("{}", String::from_utf8_lossy(&out.stdout));
    }
    Ok(())
}

/// Paragraphs of the Markdown source. It was converted from a PDF, one printed line
/// per line, so lines are joined until one ends a sentence (or at a blank line);
/// `#` lines are headings.
fn paragraphs(md: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut buf: Vec<&str> = Vec::new();
    let flush = |buf: &mut Vec<&str>, out: &mut Vec<(bool, String)>| {
        if !buf.is_empty() {
            out.push((false, buf.join(" ")));
            buf.clear();
        }
    };
    for line in md.lines().map(str::trim) {
        if line.is_empty() {
            flush(&mut buf, &mut out);
        } else if let Some(h) = line.strip_prefix('#') {
            flush(&mut buf, &mut out);
            out.push((true, h.trim_start_matches('#').trim().to_string()));
        } else {
            buf.push(line);
            if line.ends_with(['.', '\u{201d}', '"', ':', ';', '?', '!']) {
                flush(&mut buf, &mut out);
            }
        }
    }
    flush(&mut buf, &mut out);
    out
}

fn child(source: &str, pages: usize) -> Result<(), Box<dyn std::error::Error>> {
    let md = std::fs::read_to_string(source)?;
    let paras = if source.ends_with(".txt") {
        md.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| (false, l.trim().to_string()))
            .collect()
    } else {
        paragraphs(&md)
    };
    let t0 = Instant::now();
    let mut b = DocumentBuilder::new();
    let mut written = 0usize;
    let mut on_page = 0usize;
    let mut pass = 0u64;
    'fill: loop {
        // A different order on every pass: a multiplicative permutation of indices.
        let n = paras.len() as u64;
        let step = [1u64, 7, 11, 13, 17, 19, 23, 29][(pass % 8) as usize];
        let step = if n.is_multiple_of(step) { 1 } else { step };
        for k in 0..n {
            let (heading, text) = &paras[((k * step + pass) % n) as usize];
            let kind = if *heading {
                BlockKind::Heading { level: 2 }
            } else {
                BlockKind::Paragraph
            };
            b.push(kind, text);
            on_page += text.chars().count();
            if on_page >= PAGE_CHARS {
                written += 1;
                on_page = 0;
                if written == pages {
                    break 'fill;
                }
                b.page_break();
            }
        }
        pass += 1;
    }
    let doc = b.finish(true, common::meta_for(&md));
    let build = t0.elapsed().as_secs_f64();
    // Load the segmenter's dictionary first: a one-off cost, not the document's.
    let _ = hkpilot_text::words::terms("预热 warm-up 預熱");
    // Fastest of three runs: the machine may be shared.
    let time = |length| -> Result<(f64, usize), Box<dyn std::error::Error>> {
        let mut best = (f64::MAX, 0);
        for _ in 0..3 {
            let t = Instant::now();
            let opts = ExtractiveOptions {
                length,
                ..Default::default()
            };
            let s = summarize_extractive(&[&doc], &opts)?;
            best = (best.0.min(t.elapsed().as_secs_f64()), s.sentences.len());
        }
        Ok(best)
    };
    let (standard, n_standard) = time(Length::Standard)?;
    let (detailed, n_detailed) = time(Length::Detailed)?;
    if std::env::var("HKPILOT_SCALE_PRINT").is_ok_and(|v| v == "1") {
        let s = summarize_extractive(&[&doc], &ExtractiveOptions::default())?;
        for sent in &s.sentences {
            let c = &sent.citations[0];
            eprintln!(
                "[p.{} {}] {}",
                c.span.page,
                c.section.as_deref().unwrap_or("-"),
                sent.text
            );
        }
    }
    let (chars, _) = time(Length::Chars(1_000))?;
    let sentences = doc
        .text_blocks()
        .map(|b| hkpilot_text::sentences::split_sentences(&b.text).len())
        .sum::<usize>();
    let peak = common::peak_rss_kib().map_or(f64::NAN, |k| k as f64 / 1024.0);
    println!(
        "| {} | {} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.2} | {:.0} | {}/{} |",
        doc.meta.page_count,
        doc.text.chars().count(),
        sentences,
        build,
        standard,
        detailed,
        chars,
        1000.0 * detailed / pages as f64,
        peak,
        n_standard,
        n_detailed
    );
    Ok(())
}
