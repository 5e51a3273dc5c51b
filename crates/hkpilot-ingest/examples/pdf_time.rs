//! Times the stages of PDF ingestion (parse, full ingest) over files, best of N runs.
//!
//! cargo run --release -p hkpilot-ingest --example pdf_time -- N FILE.pdf...

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let files: Vec<Vec<u8>> = args.map(|f| std::fs::read(f).expect("read")).collect();
    let opts = hkpilot_ingest::IngestOptions::default();
    let (mut best_parse, mut best_full) = (f64::MAX, f64::MAX);
    let mut pages = 0;
    for _ in 0..n {
        let t = Instant::now();
        for b in &files {
            let _ = lopdf::Document::load_mem(b);
        }
        best_parse = best_parse.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        pages = 0;
        for b in &files {
            if let Ok(d) = hkpilot_ingest::ingest_bytes(b, Some("x.pdf"), &opts) {
                pages += d.meta.page_count;
            }
        }
        best_full = best_full.min(t.elapsed().as_secs_f64());
    }
    println!(
        "{pages} pages: lopdf parse {:.1} ms, full ingest {:.1} ms = {:.0} pages/s (best of {n})",
        best_parse * 1e3,
        best_full * 1e3,
        pages as f64 / best_full
    );
}
