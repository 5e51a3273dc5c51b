//! Scores PDF text extraction against poppler's `pdftotext` (the reference only, never a
//! dependency): per page, character-level similarity after removing all whitespace
//! (1 − Levenshtein / longer length), and pages per second.
//!
//! cargo run --release -p hkpilot-ingest --example pdf_compare -- [--other NAME=DIR]... FILE.pdf...
//!
//! `--other NAME=DIR` scores another extractor's output, DIR/<stem>.txt with pages
//! separated by form feeds (see bench/pdf-extract-runner).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn squash(s: &str) -> Vec<char> {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn similarity(a: &[char], b: &[char]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    1.0 - prev[b.len()] as f64 / a.len().max(b.len()) as f64
}

/// Order-insensitive: shared characters (multiset) over the longer text. Reading order
/// of table cells differs legitimately between extractors; this isolates fidelity.
fn bag_similarity(a: &[char], b: &[char]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let mut counts: std::collections::HashMap<char, i64> = std::collections::HashMap::new();
    for c in a {
        *counts.entry(*c).or_default() += 1;
    }
    let mut shared = 0;
    for c in b {
        if let Some(n) = counts.get_mut(c).filter(|n| **n > 0) {
            *n -= 1;
            shared += 1;
        }
    }
    shared as f64 / a.len().max(b.len()) as f64
}

fn pdftotext(path: &Path, layout: bool) -> Option<(Vec<String>, f64)> {
    let t = Instant::now();
    let mut cmd = Command::new("pdftotext");
    if layout {
        cmd.arg("-layout");
    }
    let out = cmd.arg(path).arg("-").output().ok()?;
    let secs = t.elapsed().as_secs_f64();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    Some((pages, secs))
}

/// A reference page is "clean" when pdftotext read it without replacement characters.
fn clean(p: &str) -> bool {
    !p.trim().is_empty() && !p.contains('\u{FFFD}')
}

#[derive(Default)]
struct Score {
    pages: usize,
    sum: f64,
    bag: f64,
    bag_below: usize,
    min: f64,
    below: usize,
    secs: f64,
}

impl Score {
    fn add_pair(&mut self, a: &[char], b: &[char]) -> f64 {
        let bag = bag_similarity(a, b);
        self.bag += bag;
        if bag < 0.97 {
            self.bag_below += 1;
        }
        let s = similarity(a, b);
        self.add(s);
        s
    }
    fn add(&mut self, s: f64) {
        if self.pages == 0 || s < self.min {
            self.min = s;
        }
        self.pages += 1;
        self.sum += s;
        if s < 0.97 {
            self.below += 1;
        }
    }
    fn line(&self, name: &str, total_pages: usize) {
        let speed = if self.secs > 0.0 {
            format!("{:.1}", total_pages as f64 / self.secs)
        } else {
            "(timed by its runner)".to_string()
        };
        println!(
            "| {name} | {} | {:.4} | {:.4} | {} | {:.4} | {} | {speed} |",
            self.pages,
            self.sum / self.pages.max(1) as f64,
            self.min,
            self.below,
            self.bag / self.pages.max(1) as f64,
            self.bag_below,
        );
    }
}

fn main() {
    let mut others: Vec<(String, String)> = Vec::new();
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--other" {
            let v = args.next().expect("--other NAME=DIR");
            let (n, d) = v.split_once('=').expect("--other NAME=DIR");
            others.push((n.to_owned(), d.to_owned()));
        } else {
            files.push(a);
        }
    }
    let opts = hkpilot_ingest::IngestOptions::default();
    let (mut ours, mut full, mut plain, mut layout) = (
        Score::default(),
        Score::default(),
        Score::default(),
        Score::default(),
    );
    let mut other_scores: Vec<Score> = others.iter().map(|_| Score::default()).collect();
    let mut total_pages = 0;
    let mut worst: Vec<(f64, String, usize)> = Vec::new();
    for f in &files {
        let path = Path::new(f);
        let bytes = std::fs::read(path).expect("read");
        let t = Instant::now();
        let mine = hkpilot_ingest::pdf::page_texts(&bytes).unwrap_or_default();
        ours.secs += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let _ = hkpilot_ingest::ingest_bytes(&bytes, Some(f), &opts);
        full.secs += t.elapsed().as_secs_f64();
        let Some((reference, secs)) = pdftotext(path, false) else {
            eprintln!("pdftotext not found on PATH");
            return;
        };
        plain.secs += secs;
        if let Some((lay, secs)) = pdftotext(path, true) {
            layout.secs += secs;
            for (i, r) in reference.iter().enumerate().filter(|(_, r)| clean(r)) {
                layout.add_pair(&squash(lay.get(i).map_or("", String::as_str)), &squash(r));
            }
        }
        total_pages += reference.len();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        for (k, (_, dir)) in others.iter().enumerate() {
            let text = std::fs::read_to_string(format!("{dir}/{stem}.txt")).unwrap_or_default();
            let pages: Vec<&str> = text.split('\u{c}').collect();
            for (i, r) in reference.iter().enumerate().filter(|(_, r)| clean(r)) {
                other_scores[k].add_pair(&squash(pages.get(i).copied().unwrap_or("")), &squash(r));
            }
        }
        for (i, r) in reference.iter().enumerate().filter(|(_, r)| clean(r)) {
            let s = ours.add_pair(&squash(mine.get(i).map_or("", String::as_str)), &squash(r));
            plain.add_pair(&squash(r), &squash(r));
            worst.push((s, stem.clone(), i + 1));
        }
    }
    println!(
        "{} files, {total_pages} pages (reference: pdftotext plain)\n",
        files.len()
    );
    println!("| extractor | clean pages | mean ordered sim | min | pages < 0.97 | mean bag sim | pages < 0.97 (bag) | pages/s |");
    println!("|---|---|---|---|---|---|---|---|");
    ours.line("hkpilot-ingest (text)", total_pages);
    full.pages = ours.pages;
    full.sum = ours.sum;
    full.min = ours.min;
    full.below = ours.below;
    full.bag = ours.bag;
    full.bag_below = ours.bag_below;
    full.line("hkpilot-ingest (Document)", total_pages);
    plain.line("pdftotext (plain)", total_pages);
    layout.line("pdftotext -layout", total_pages);
    for (k, (name, _)) in others.iter().enumerate() {
        other_scores[k].line(name, total_pages);
    }
    worst.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (s, f, p) in worst.iter().take(5) {
        println!("  worst: {f} page {p}: {s:.4}");
    }
}
