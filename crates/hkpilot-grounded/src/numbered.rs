//! Documents → numbered source units: one per sentence (or table row), each with the
//! exact span, page, block and section heading a citation needs.
//!
//! The model sees `[id] text` lines and cites ids; because every id maps back to a
//! span we computed, a citation can never point at text the source does not hold.

use hkpilot_core::{BlockKind, Citation, Document, Span};
use hkpilot_text::sentences::split_sentences;
use std::ops::Range;

/// One citable sentence of the sources.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceUnit {
    /// 1-based id, unique over all documents numbered together.
    pub id: u32,
    /// Index of the document in the slice given to [`number_documents`].
    pub doc: usize,
    /// Global section id: a new one at each heading and at each document's start, so
    /// sections never span documents (the chunker relies on this).
    pub section: usize,
    /// The span, the sentence as it stands in the source, and its section heading.
    pub citation: Citation,
}

impl SourceUnit {
    pub fn text(&self) -> &str {
        &self.citation.quote
    }
}

/// The numbered units of a set of documents, in source order (ids 1, 2, 3, …).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NumberedSources {
    pub units: Vec<SourceUnit>,
}

impl NumberedSources {
    /// The unit with this id, if the sources have one.
    pub fn get(&self, id: u32) -> Option<&SourceUnit> {
        // Ids are dense and 1-based, so the index is the id minus one.
        let i = (id as usize).checked_sub(1)?;
        self.units.get(i).filter(|u| u.id == id)
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    pub fn len(&self) -> usize {
        self.units.len()
    }
}

/// Numbers the sentences of `docs` in order. Headings are not units (they say what a
/// section is about, not what it states) but give each unit its section heading;
/// page breaks are skipped; table rows are units, since tables carry the figures a
/// summary quotes.
pub fn number_documents(docs: &[&Document]) -> NumberedSources {
    let mut units = Vec::new();
    let mut section = 0usize;
    for (d, doc) in docs.iter().enumerate() {
        if d > 0 {
            section += 1;
        }
        let mut heading: Option<String> = None;
        for block in &doc.blocks {
            let ranges = match &block.kind {
                BlockKind::PageBreak => continue,
                BlockKind::Heading { .. } => {
                    heading = Some(block.text.trim().to_string());
                    // Only start a new section when the current one has content, so
                    // a heading right under another one stays in the same section.
                    if units
                        .last()
                        .is_some_and(|u: &SourceUnit| u.section == section)
                    {
                        section += 1;
                    }
                    continue;
                }
                BlockKind::Table { .. } => lines(&block.text),
                BlockKind::Paragraph | BlockKind::ListItem { .. } => split_sentences(&block.text),
            };
            for r in ranges {
                let Some(raw) = block.text.get(r.clone()) else {
                    continue; // off a char boundary: the splitter broke its contract
                };
                let quote = raw.trim();
                if quote.is_empty() {
                    continue;
                }
                let lead = raw.len() - raw.trim_start().len();
                let byte_start = r.start + lead;
                let start = block.start + block.text[..byte_start].chars().count();
                let end = start + quote.chars().count();
                units.push(SourceUnit {
                    id: units.len() as u32 + 1,
                    doc: d,
                    section,
                    citation: Citation {
                        span: Span {
                            doc: doc.id.clone(),
                            start,
                            end,
                            page: doc.page_at(start),
                            block: block.index,
                        },
                        quote: quote.to_string(),
                        section: heading.clone(),
                    },
                });
            }
        }
    }
    NumberedSources { units }
}

/// Byte ranges of the lines of a rendered table (one row per line).
fn lines(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split('\n') {
        out.push(at..at + line.len());
        at += line.len() + 1;
    }
    out
}

/// One prompt line for a unit: `[12] text`. Newlines inside the sentence become
/// spaces so that one line is always one unit, which the model copies when citing.
pub fn render_unit(unit: &SourceUnit) -> String {
    let text: String = unit
        .text()
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    format!("[{}] {}\n", unit.id, text)
}

/// The prompt text for a run of units: one `[id] text` line each.
pub fn render_units(units: &[SourceUnit]) -> String {
    units.iter().map(render_unit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_lines_cover_rows() {
        let t = "a | b\n政府 | 2";
        let r = lines(t);
        assert_eq!(&t[r[1].clone()], "政府 | 2");
    }
}
