//! Shared by the evaluation examples: plain text to a `Document`.

use hkpilot_core::{
    content_hash, BlockKind, Document, DocumentBuilder, DocumentMeta, SourceFormat,
};

/// Builds a document from plain text, one paragraph per non-empty line. A short
/// line that is indented with a tab, or has no closing punctuation and few words,
/// becomes a heading (that is how GovReport marks its section titles); with
/// `headings` off every line is a paragraph. `page_chars` > 0 starts a new page
/// whenever that many characters have been written on the current one.
#[allow(dead_code)]
pub fn document_from_text(text: &str, headings: bool, page_chars: usize) -> Document {
    let mut b = DocumentBuilder::new();
    let mut on_page = 0usize;
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let kind = if headings && looks_like_heading(line) {
            BlockKind::Heading { level: 2 }
        } else {
            BlockKind::Paragraph
        };
        b.push(kind, t);
        on_page += t.chars().count();
        if page_chars > 0 && on_page >= page_chars {
            b.page_break();
            on_page = 0;
        }
    }
    b.finish(page_chars > 0, meta_for(text))
}

/// Metadata for a document made from `text`.
pub fn meta_for(text: &str) -> DocumentMeta {
    DocumentMeta {
        title: None,
        file_name: None,
        format: SourceFormat::Text,
        byte_len: text.len() as u64,
        content_hash: content_hash(text.as_bytes()),
        languages: hkpilot_text::script::detect_lang(text),
        page_count: 0,
        encoding: Some("UTF-8".into()),
    }
}

fn looks_like_heading(line: &str) -> bool {
    let t = line.trim();
    let words = t.split_whitespace().count();
    let closed = t.ends_with(['.', '!', '?', '。', '！', '？', ':', '：', ';', '；']);
    (line.starts_with('\t') && words <= 20 && !closed)
        || (words <= 10 && t.chars().count() <= 80 && !closed && t.starts_with('#'))
}

/// Peak resident memory of this process in KiB (VmHWM), where Linux reports it.
#[allow(dead_code)]
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
