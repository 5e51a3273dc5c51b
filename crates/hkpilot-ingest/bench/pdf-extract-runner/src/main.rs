//! Runs `pdf-extract` over PDFs for the comparison in PDF_COMPARISON.md: writes each
//! file's pages (form-feed separated) to OUT_DIR/<name>.txt and prints the timing.

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (out, files) = args.split_first().expect("usage: pdf-extract-runner OUT_DIR FILE...");
    std::fs::create_dir_all(out).unwrap();
    let (mut pages, mut failed) = (0usize, 0usize);
    let t = Instant::now();
    for f in files {
        let bytes = std::fs::read(f).unwrap();
        // pdf-extract panics on some inputs; that is part of what is measured.
        let r = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem_by_pages(&bytes));
        let text = match r {
            Ok(Ok(p)) => {
                pages += p.len();
                p.join("\u{c}")
            }
            _ => {
                failed += 1;
                String::new()
            }
        };
        let name = std::path::Path::new(f).file_stem().unwrap().to_string_lossy().to_string();
        std::fs::write(format!("{out}/{name}.txt"), text).unwrap();
    }
    let s = t.elapsed().as_secs_f64();
    println!("pdf-extract: {} files, {pages} pages, {failed} failed, {s:.3}s, {:.1} pages/s", files.len(), pages as f64 / s);
}
