//! Test harness: documents written for these tests (no third-party text) and the
//! checks every summary must pass.

use hkpilot_core::{
    content_hash, BlockKind, Document, DocumentBuilder, DocumentMeta, LangProfile, SourceFormat,
    Summary,
};

/// A section: heading and paragraphs.
pub type Section<'a> = (&'a str, &'a [&'a str]);

/// Builds a document from sections; `paged` puts each section on its own page.
pub fn doc_from_sections(name: &str, sections: &[Section<'_>], paged: bool) -> Document {
    let mut b = DocumentBuilder::new();
    for (i, (heading, paragraphs)) in sections.iter().enumerate() {
        if paged && i > 0 {
            b.page_break();
        }
        if !heading.is_empty() {
            b.push(BlockKind::Heading { level: 2 }, heading);
        }
        for p in *paragraphs {
            b.push(BlockKind::Paragraph, p);
        }
    }
    b.finish(paged, meta(name))
}

pub fn meta(name: &str) -> DocumentMeta {
    DocumentMeta {
        title: Some(name.to_string()),
        file_name: Some(format!("{name}.txt")),
        format: SourceFormat::Text,
        byte_len: name.len() as u64,
        content_hash: content_hash(name.as_bytes()),
        languages: LangProfile {
            primary: None,
            latin_share: 0.0,
            han_share: 0.0,
            mixed: false,
        },
        page_count: 0,
        encoding: None,
    }
}

/// The invariants of every summary: each sentence has one citation into one of
/// the given documents, in bounds, quoting exactly the cited span, on the page and
/// in the block the span says; sentences in source order.
pub fn check_citations(docs: &[&Document], summary: &Summary) {
    let mut last: Option<(usize, usize)> = None;
    for s in &summary.sentences {
        assert_eq!(s.citations.len(), 1, "{s:?}");
        let c = &s.citations[0];
        let d = docs
            .iter()
            .position(|d| d.id == c.span.doc)
            .expect("citation points at a summarised document");
        let doc = docs[d];
        let total = doc.text.chars().count();
        assert!(c.span.start < c.span.end, "{c:?}");
        assert!(c.span.end <= total, "{c:?} past {total}");
        assert_eq!(doc.slice(c.span.start, c.span.end), c.quote);
        let block = &doc.blocks[c.span.block];
        assert!(
            block.start <= c.span.start && c.span.end <= block.end,
            "{c:?} {block:?}"
        );
        assert!(!block.is_heading() && block.kind != BlockKind::PageBreak);
        assert_eq!(c.span.page, block.page, "{c:?}");
        let heading = doc.blocks[..c.span.block]
            .iter()
            .rev()
            .find(|b| b.is_heading())
            .map(|b| b.text.trim().to_string());
        assert_eq!(c.section, heading, "{c:?}");
        if let Some(prev) = last {
            assert!(
                prev < (d, c.span.start),
                "out of source order: {prev:?} then {c:?}"
            );
        }
        last = Some((d, c.span.start));
    }
}
