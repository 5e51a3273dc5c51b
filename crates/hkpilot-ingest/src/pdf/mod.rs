//! PDF ingestion: lopdf parses the file (objects, xref, streams, decryption with an
//! empty password); everything from the content stream to blocks is ours, because CJK
//! CID fonts and layout structure are where general-purpose extractors fall short.

mod cmap;
mod content;
mod fonts;
mod garbage;
mod layout;
mod structure;
mod tables;

use crate::{IngestError, IngestOptions, Progress};
use hkpilot_core::{DocumentBuilder, DocumentMeta, IssueKind};
use layout::Line;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use structure::PageBlock;

/// Lines whose bad-character share is above this are dropped from a page.
const BAD_LINE: f32 = 0.5;
/// Pages whose bad-character share is above this are left out entirely.
const BAD_PAGE: f32 = 0.4;

/// Plain text of every page (lines joined by newlines), for comparison tools.
pub fn page_texts(bytes: &[u8]) -> Result<Vec<String>, IngestError> {
    let (pages, _) = extract(bytes, &IngestOptions::default(), &mut |_| {})?;
    Ok(pages
        .iter()
        .map(|p| p.iter().map(Line::text).collect::<Vec<_>>().join("\n"))
        .collect())
}

fn load(bytes: &[u8]) -> Result<lopdf::Document, IngestError> {
    let doc = catch_unwind(|| lopdf::Document::load_mem(bytes))
        .map_err(|_| IngestError::CorruptPdf {
            detail: "the parser gave up on the file structure".into(),
        })?
        .map_err(|e| {
            let msg = e.to_string();
            if msg.to_lowercase().contains("decrypt") || msg.to_lowercase().contains("password") {
                IngestError::EncryptedPdf
            } else {
                IngestError::CorruptPdf { detail: msg }
            }
        })?;
    if doc.trailer.get(b"Encrypt").is_ok() && doc.authenticate_password("").is_err() {
        return Err(IngestError::EncryptedPdf);
    }
    Ok(doc)
}

struct Extracted {
    has_images: Vec<bool>,
    failed: Vec<Option<String>>,
    title: Option<String>,
}

fn extract(
    bytes: &[u8],
    opts: &IngestOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Vec<Vec<Line>>, Extracted), IngestError> {
    let doc = load(bytes)?;
    let page_ids: Vec<_> = doc.get_pages().into_values().collect();
    if page_ids.is_empty() {
        return Err(IngestError::CorruptPdf {
            detail: "no pages found".into(),
        });
    }
    let total = page_ids.len() as u32;
    if total > opts.max_pages {
        return Err(IngestError::TooManyPages {
            pages: total,
            limit: opts.max_pages,
        });
    }
    let mut cache = content::FontCache::new();
    let mut pages = Vec::with_capacity(page_ids.len());
    let mut ex = Extracted {
        has_images: Vec::new(),
        failed: Vec::new(),
        title: info_title(&doc),
    };
    for (n, id) in page_ids.iter().enumerate() {
        let r = catch_unwind(AssertUnwindSafe(|| {
            content::page_glyphs(&doc, *id, &mut cache)
        }));
        match r {
            Ok(Ok(pc)) => {
                ex.has_images.push(pc.has_images);
                ex.failed.push(None);
                pages.push(layout::lines(pc.glyphs));
            }
            Ok(Err(e)) => {
                ex.has_images.push(false);
                ex.failed.push(Some(e.to_string()));
                pages.push(Vec::new());
            }
            Err(_) => {
                ex.has_images.push(false);
                ex.failed
                    .push(Some("the page could not be interpreted".into()));
                pages.push(Vec::new());
            }
        }
        progress(Progress {
            pages_done: n as u32 + 1,
            pages_total: total,
        });
    }
    Ok((pages, ex))
}

fn info_title(doc: &lopdf::Document) -> Option<String> {
    let info = doc
        .trailer
        .get(b"Info")
        .ok()
        .map(|o| fonts::deref(doc, o))?
        .as_dict()
        .ok()?;
    let raw = fonts::deref(doc, info.get(b"Title").ok()?).as_str().ok()?;
    let t = if raw.starts_with(&[0xFE, 0xFF]) {
        cmap::utf16be(&raw[2..])
    } else {
        raw.iter().map(|&b| b as char).collect()
    };
    let t = t.trim().to_string();
    (!t.is_empty() && garbage::bad_share(&t) == 0.0).then_some(t)
}

/// Key for header/footer matching: digits folded so "Page 3" matches "Page 4".
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

fn is_page_number(s: &str) -> bool {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    // Each number at most 3 digits and at most two of them ("3", "- 3 -", "3/10",
    // "Page 3 of 10", "第3頁"), so "2024/25" in a table is never taken for one.
    let runs: Vec<usize> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty())
        .map(str::len)
        .collect();
    if runs.is_empty() || runs.len() > 2 || runs.iter().any(|&n| n > 3) || t.chars().count() > 16 {
        return false;
    }
    let words: String = t.chars().filter(|c| !c.is_ascii_digit()).collect();
    matches!(
        words.as_str(),
        "" | "--"
            | "––"
            | "——"
            | "()"
            | "/"
            | "page"
            | "pageof"
            | "p."
            | "第頁"
            | "第页"
            | "頁"
            | "第頁共頁"
            | "-/-"
            | "of"
    )
}

/// Removes running headers/footers (same folded text at the top or bottom of at least
/// half the pages, three pages or more) and page-number lines at page edges.
fn strip_running(pages: &mut [Vec<Line>]) {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for p in pages.iter() {
        let mut seen = Vec::new();
        for l in p.iter().take(2).chain(p.iter().rev().take(2)) {
            let k = fold(&l.text());
            if !seen.contains(&k) {
                *counts.entry(k.clone()).or_default() += 1;
                seen.push(k);
            }
        }
    }
    let n = pages.len();
    for p in pages.iter_mut() {
        let len = p.len();
        let mut keep = Vec::with_capacity(len);
        for (i, l) in p.drain(..).enumerate() {
            let edge = i < 2 || i + 2 >= len;
            let text = l.text();
            let running = n >= 3 && counts.get(&fold(&text)).is_some_and(|c| *c * 2 >= n);
            if edge && (running || is_page_number(&text)) {
                continue;
            }
            keep.push(l);
        }
        *p = keep;
    }
}

pub(crate) fn ingest(
    bytes: &[u8],
    opts: &IngestOptions,
    b: &mut DocumentBuilder,
    meta: &mut DocumentMeta,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), IngestError> {
    let (mut pages, ex) = extract(bytes, opts, progress)?;
    meta.title = ex.title.clone();
    let mut issues: Vec<(u32, IssueKind, String)> = Vec::new();
    for (i, p) in pages.iter_mut().enumerate() {
        let no = i as u32 + 1;
        if let Some(e) = &ex.failed[i] {
            issues.push((
                no,
                IssueKind::Other,
                format!("page {no} could not be read ({e}); it was left out"),
            ));
            continue;
        }
        if p.is_empty() {
            if ex.has_images[i] {
                issues.push((no, IssueKind::NeedsOcr, format!("page {no} has no text layer (scanned image?): run OCR on it to include its text")));
            }
            continue;
        }
        let all: String = p.iter().map(Line::text).collect::<Vec<_>>().join("\n");
        if garbage::bad_share(&all) > BAD_PAGE {
            issues.push((
                no,
                IssueKind::Garbage,
                format!("page {no}'s text is not readable (broken font encoding); it was left out"),
            ));
            p.clear();
            continue;
        }
        let before = p.len();
        p.retain(|l| garbage::bad_share(&l.text()) <= BAD_LINE);
        if p.len() < before {
            issues.push((
                no,
                IssueKind::PartlyGarbage,
                format!(
                    "{} unreadable line(s) on page {no} were left out",
                    before - p.len()
                ),
            ));
        }
    }
    if opts.strip_headers_footers {
        strip_running(&mut pages);
    }
    let stats = structure::font_stats(&pages);
    let last = pages.len();
    for (i, lines) in pages.iter().enumerate() {
        let found = tables::find(lines);
        for blk in structure::blocks(lines, &found, &stats) {
            match blk {
                PageBlock::Text(kind, text) => {
                    b.push(kind, &text);
                }
                PageBlock::Table(rows) => {
                    b.push_table(rows);
                }
            }
        }
        if i + 1 < last {
            b.page_break();
        }
    }
    for (page, kind, msg) in issues {
        b.issue(Some(page), kind, msg);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn page_numbers() {
        for s in ["3", "- 3 -", "3/10", "Page 3 of 10", "第 3 頁", "(12)"] {
            assert!(super::is_page_number(s), "{s}");
        }
        for s in ["2024/25 15", "2015/16", "Cap. 123", "1. Item", "12 345"] {
            assert!(!super::is_page_number(s), "{s}");
        }
    }
}
