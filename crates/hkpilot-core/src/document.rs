//! A document as HKPilot stores it: normalised text, typed blocks with page numbers
//! and character offsets, metadata, and what went wrong during extraction.

use crate::lang::LangProfile;
use crate::offsets::slice_chars;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// Identifies a document by the SHA-256 of its source bytes (first 16 hex digits):
/// the same file ingested twice gets the same id, so citations stay valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DocumentId(pub String);

impl DocumentId {
    /// The id for a document whose source bytes hash to `content_hash` (hex).
    pub fn from_content_hash(content_hash: &str) -> Self {
        DocumentId(content_hash.chars().take(16).collect())
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Hex SHA-256 of some bytes: the content hash recorded for every source.
pub fn content_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The file format a document was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Pdf,
    Docx,
    Html,
    Markdown,
    Text,
}

impl SourceFormat {
    pub fn name(self) -> &'static str {
        match self {
            SourceFormat::Pdf => "pdf",
            SourceFormat::Docx => "docx",
            SourceFormat::Html => "html",
            SourceFormat::Markdown => "markdown",
            SourceFormat::Text => "text",
        }
    }
}

/// What a document is and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentMeta {
    pub title: Option<String>,
    /// File name as given by the user (never a path on the server).
    pub file_name: Option<String>,
    pub format: SourceFormat,
    /// Size of the source in bytes.
    pub byte_len: u64,
    /// Hex SHA-256 of the source bytes.
    pub content_hash: String,
    /// Languages the text is written in.
    pub languages: LangProfile,
    /// Number of pages; 1 for formats without pages.
    pub page_count: u32,
    /// For text files: the encoding the bytes were decoded from (e.g. "UTF-8", "Big5").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub encoding: Option<String>,
}

/// One cell of a table, with its own offsets into the document text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// What kind of block this is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlockKind {
    /// A heading; level 1 is the highest.
    Heading {
        level: u8,
    },
    Paragraph,
    /// An item of a list; `level` 0 is the outermost list.
    ListItem {
        ordered: bool,
        level: u8,
        /// The marker as written ("1.", "(a)", "•"), if any.
        #[serde(skip_serializing_if = "Option::is_none", default)]
        marker: Option<String>,
    },
    /// A table: rows of cells. The block's text is the rows, cells separated by " | ".
    Table {
        rows: Vec<Vec<Cell>>,
    },
    /// The boundary between two pages (its text is empty).
    PageBreak,
}

/// A structural unit of a document, with its text and where that text sits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    /// Position of the block in [`Document::blocks`].
    pub index: usize,
    #[serde(flatten)]
    pub kind: BlockKind,
    pub text: String,
    /// Character offset of the block's text in [`Document::text`].
    pub start: usize,
    /// Character offset one past the block's last character.
    pub end: usize,
    /// 1-based page the block starts on.
    pub page: u32,
}

impl Block {
    pub fn is_heading(&self) -> bool {
        matches!(self.kind, BlockKind::Heading { .. })
    }
}

/// One page of a paged document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    /// Character range of the page's text in [`Document::text`].
    pub start: usize,
    pub end: usize,
}

/// What kind of extraction problem was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    /// The page has no text layer: it is probably scanned and needs OCR.
    NeedsOcr,
    /// The page's text is mostly not plausible text (broken font encoding, private-use
    /// code points, replacement characters); it was left out.
    Garbage,
    /// Part of the page's text was implausible and was dropped; the rest was kept.
    PartlyGarbage,
    /// Something else worth telling the user (e.g. an unreadable embedded object).
    Other,
}

/// A problem found while extracting text, reported to the user instead of being
/// passed on silently.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractionIssue {
    /// 1-based page, when the problem is on one page.
    pub page: Option<u32>,
    pub kind: IssueKind,
    pub message: String,
}

/// A document, ready for summarising, searching and citing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub id: DocumentId,
    pub meta: DocumentMeta,
    /// The normalised text: the blocks' texts joined by blank lines.
    pub text: String,
    pub blocks: Vec<Block>,
    pub pages: Vec<Page>,
    pub issues: Vec<ExtractionIssue>,
}

impl Document {
    /// The text between two character offsets.
    pub fn slice(&self, start: usize, end: usize) -> &str {
        slice_chars(&self.text, start, end)
    }

    /// The page that contains character offset `at` (1 when there are no pages).
    pub fn page_at(&self, at: usize) -> u32 {
        let i = self.pages.partition_point(|p| p.end <= at);
        self.pages.get(i).map_or(1, |p| p.number)
    }

    /// Blocks that carry text (everything but page breaks).
    pub fn text_blocks(&self) -> impl Iterator<Item = &Block> {
        self.blocks
            .iter()
            .filter(|b| !matches!(b.kind, BlockKind::PageBreak))
    }
}

/// Assembles a [`Document`] block by block, keeping offsets and pages consistent.
/// Ingestion for every format goes through it, so the offset invariants
/// (`text[block.start..block.end] == block.text`) hold by construction.
#[derive(Debug)]
pub struct DocumentBuilder {
    text: String,
    text_chars: usize,
    blocks: Vec<Block>,
    pages: Vec<Page>,
    page: u32,
    page_start: usize,
    issues: Vec<ExtractionIssue>,
}

/// Separator between blocks in the normalised text.
pub const BLOCK_SEPARATOR: &str = "\n\n";

impl Default for DocumentBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl DocumentBuilder {
    pub fn new() -> Self {
        DocumentBuilder {
            text: String::new(),
            text_chars: 0,
            blocks: Vec::new(),
            pages: Vec::new(),
            page: 1,
            page_start: 0,
            issues: Vec::new(),
        }
    }

    /// Current page number (1-based).
    pub fn page(&self) -> u32 {
        self.page
    }

    fn append(&mut self, s: &str) -> (usize, usize) {
        if !self.text.is_empty() && !s.is_empty() {
            self.text.push_str(BLOCK_SEPARATOR);
            self.text_chars += BLOCK_SEPARATOR.len();
        }
        let start = self.text_chars;
        self.text.push_str(s);
        self.text_chars += s.chars().count();
        (start, self.text_chars)
    }

    /// Adds a block of text. Empty text adds nothing. Returns the block's index.
    pub fn push(&mut self, kind: BlockKind, text: &str) -> Option<usize> {
        if text.trim().is_empty() {
            return None;
        }
        let (start, end) = self.append(text);
        let index = self.blocks.len();
        self.blocks.push(Block {
            index,
            kind,
            text: text.to_string(),
            start,
            end,
            page: self.page,
        });
        Some(index)
    }

    /// Adds a table given as rows of cell texts; cells get their own offsets.
    pub fn push_table(&mut self, rows: Vec<Vec<String>>) -> Option<usize> {
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
            .collect();
        if rows.is_empty() {
            return None;
        }
        let mut rendered = String::new();
        let mut cell_ranges = Vec::new();
        let mut at = 0usize;
        for (ri, row) in rows.iter().enumerate() {
            if ri > 0 {
                rendered.push('\n');
                at += 1;
            }
            let mut ranges = Vec::new();
            for (ci, cell) in row.iter().enumerate() {
                if ci > 0 {
                    rendered.push_str(" | ");
                    at += 3;
                }
                let n = cell.chars().count();
                ranges.push((at, at + n));
                rendered.push_str(cell);
                at += n;
            }
            cell_ranges.push(ranges);
        }
        let (start, end) = self.append(&rendered);
        let table_rows = rows
            .into_iter()
            .zip(cell_ranges)
            .map(|(row, ranges)| {
                row.into_iter()
                    .zip(ranges)
                    .map(|(text, (s, e))| Cell {
                        text,
                        start: start + s,
                        end: start + e,
                    })
                    .collect()
            })
            .collect();
        let index = self.blocks.len();
        self.blocks.push(Block {
            index,
            kind: BlockKind::Table { rows: table_rows },
            text: rendered,
            start,
            end,
            page: self.page,
        });
        Some(index)
    }

    /// Ends the current page and starts the next one. Call it between pages, never
    /// after the last: a page with no text (a scanned or blank page) is still a page.
    pub fn page_break(&mut self) {
        let at = self.text_chars;
        self.pages.push(Page {
            number: self.page,
            start: self.page_start,
            end: at,
        });
        let index = self.blocks.len();
        self.blocks.push(Block {
            index,
            kind: BlockKind::PageBreak,
            text: String::new(),
            start: at,
            end: at,
            page: self.page,
        });
        self.page += 1;
        self.page_start = at;
    }

    /// Records an extraction problem.
    pub fn issue(&mut self, page: Option<u32>, kind: IssueKind, message: impl Into<String>) {
        self.issues.push(ExtractionIssue {
            page,
            kind,
            message: message.into(),
        });
    }

    /// Number of text blocks so far (page breaks not counted).
    pub fn text_block_count(&self) -> usize {
        self.blocks
            .iter()
            .filter(|b| !matches!(b.kind, BlockKind::PageBreak))
            .count()
    }

    /// The text assembled so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Finishes the document. `paged` says whether the format has pages (PDF); for
    /// formats without pages the whole text is page 1.
    pub fn finish(mut self, paged: bool, meta: DocumentMeta) -> Document {
        // The last page is closed here, even when it holds no text: a blank or
        // scanned final page must still count, or page numbers after it would drift.
        self.pages.push(Page {
            number: self.page,
            start: self.page_start,
            end: self.text_chars,
        });
        if !paged {
            self.pages = vec![Page {
                number: 1,
                start: 0,
                end: self.text_chars,
            }];
        }
        let mut meta = meta;
        meta.page_count = self.pages.len() as u32;
        Document {
            id: DocumentId::from_content_hash(&meta.content_hash),
            meta,
            text: self.text,
            blocks: self.blocks,
            pages: self.pages,
            issues: self.issues,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::LangProfile;

    fn meta() -> DocumentMeta {
        DocumentMeta {
            title: None,
            file_name: Some("t.pdf".into()),
            format: SourceFormat::Pdf,
            byte_len: 3,
            content_hash: content_hash(b"abc"),
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

    #[test]
    fn offsets_point_at_block_text() {
        let mut b = DocumentBuilder::new();
        b.push(BlockKind::Heading { level: 1 }, "公務員事務局");
        b.push(BlockKind::Paragraph, "Civil Service Bureau replies.");
        b.page_break();
        b.push_table(vec![
            vec!["項目".into(), "Amount".into()],
            vec!["薪酬".into(), "HK$1,000".into()],
        ]);
        let doc = b.finish(true, meta());
        assert_eq!(doc.meta.page_count, 2);
        for block in doc.text_blocks() {
            assert_eq!(doc.slice(block.start, block.end), block.text);
            if let BlockKind::Table { rows } = &block.kind {
                for cell in rows.iter().flatten() {
                    assert_eq!(doc.slice(cell.start, cell.end), cell.text);
                }
            }
        }
        let table = doc.blocks.last().unwrap();
        assert_eq!(table.page, 2);
        assert_eq!(doc.page_at(table.start), 2);
        assert_eq!(doc.page_at(0), 1);
        assert_eq!(doc.id.0.len(), 16);
    }

    #[test]
    fn unpaged_documents_are_one_page() {
        let mut b = DocumentBuilder::new();
        b.push(BlockKind::Paragraph, "one");
        b.push(BlockKind::Paragraph, "  ");
        let doc = b.finish(false, meta());
        assert_eq!(doc.blocks.len(), 1);
        assert_eq!(doc.pages.len(), 1);
        assert_eq!(doc.pages[0].end, 3);
    }

    #[test]
    fn blank_last_page_still_counts() {
        let mut b = DocumentBuilder::new();
        b.push(BlockKind::Paragraph, "第一頁 page one");
        b.page_break();
        b.push(BlockKind::Paragraph, "page two");
        b.page_break(); // page three is a scan with no text layer
        let doc = b.finish(true, meta());
        assert_eq!(doc.meta.page_count, 3);
        assert_eq!(doc.pages.last().map(|p| p.number), Some(3));
        assert_eq!(doc.text_blocks().count(), 2);
    }
}
