//! Exports for officers to edit: a [`Summary`] as a Word (.docx) file, with every
//! citation as a real Word footnote (source title, page, section, quoted text), flagged
//! sentences visibly marked, the AI-generated notice at the top and the provenance at
//! the end; and any structured document ([`document_docx`]: headings, paragraphs,
//! lists, tables), which translations use; and a draft ([`draft_docx`]), whose
//! paragraphs carry citations as footnotes. Also the same summary as Markdown or plain
//! text ([`summary_markdown`], [`summary_text`]), byte for byte what the CLI prints.
//!
//! The OOXML parts are written here (zip + escaped XML), not through a DOCX library;
//! see ARCHITECTURE.md. Fonts name an East Asian face (Microsoft JhengHei, or
//! Microsoft YaHei for Simplified Chinese) and tag East Asian text as zh-HK (zh-CN), so
//! Chinese renders as Chinese in Word.

mod document;
mod draft;
mod error;
mod labels;
pub mod markdown;
mod package;
mod styles;
mod summary;
mod xml;

pub use error::ExportError;
pub use markdown::{summary_markdown, summary_text, SourceLabel};

use hkpilot_core::{DocumentId, Lang, Summary};

/// What the export needs to know about one source document of a summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// Shown in the sources list and in every footnote that cites the document.
    pub title: String,
    /// Shown beside the title when it differs; used as the title when that is empty.
    pub file_name: Option<String>,
    /// The document's hex SHA-256 (`DocumentMeta::content_hash`).
    pub content_hash: String,
}

/// Writes `summary` as a .docx file and returns its bytes.
///
/// `sources[i]` describes `summary.documents[i]`: there must be one per document, in
/// the same order, and each content hash must be the one its document id was made
/// from, so that no footnote can name the wrong source.
pub fn summary_docx(summary: &Summary, sources: &[SourceInfo]) -> Result<Vec<u8>, ExportError> {
    check_sources(summary, sources)?;
    let parts = summary::build(summary, sources);
    package::zip_package(&parts)
}

/// A document laid out by structure alone (no citations): a translation, say.
#[derive(Debug, Clone, PartialEq)]
pub struct DocxDocument {
    /// The file's title (document properties).
    pub title: String,
    /// Decides the fonts and the East Asian language tag.
    pub lang: Lang,
    /// Shown first, in the AI-notice style, and kept in the file's properties.
    pub notice: Option<String>,
    /// "Label: value" lines under the notice (model, settings, checks).
    pub details: Vec<(String, String)>,
    pub blocks: Vec<DocxBlock>,
}

/// One block of a [`DocxDocument`].
#[derive(Debug, Clone, PartialEq)]
pub enum DocxBlock {
    /// Level 1 is Word's "heading 1"; deeper levels are "heading 2".
    Heading {
        level: u8,
        text: String,
    },
    Paragraph {
        text: String,
    },
    /// A bullet at level 0 without a marker; otherwise the marker ("1.", "(a)") is
    /// written before the text and deeper levels are indented.
    ListItem {
        level: u8,
        marker: Option<String>,
        text: String,
    },
    /// Rows of cell texts; the first row is the header, short rows are padded.
    Table {
        rows: Vec<Vec<String>>,
    },
    PageBreak,
    /// A highlighted note that a reader must not miss (a flag on the block before).
    Flag {
        text: String,
    },
}

/// Writes `doc` as a .docx file and returns its bytes (the same document gives the
/// same bytes).
pub fn document_docx(doc: &DocxDocument) -> Result<Vec<u8>, ExportError> {
    package::zip_package(&document::build(doc))
}

/// A document whose paragraphs carry citations (a draft): every [`DraftRun::Footnote`]
/// becomes a real Word footnote, numbered from 1 in order; flags are highlighted.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftDocx {
    /// Printed as the title and kept in the file's properties.
    pub title: String,
    /// Decides the fonts and the East Asian language tag.
    pub lang: Lang,
    /// Shown under the title in the AI-notice style, and kept in the properties.
    pub notice: Option<String>,
    /// "Label: value" lines under the notice (questions, model, settings).
    pub details: Vec<(String, String)>,
    pub blocks: Vec<DraftBlock>,
}

/// One block of a [`DraftDocx`].
#[derive(Debug, Clone, PartialEq)]
pub enum DraftBlock {
    /// Level 1 is Word's "heading 1"; deeper levels are "heading 2".
    Heading {
        level: u8,
        text: String,
    },
    /// Line breaks inside a run are kept.
    Paragraph(Vec<DraftRun>),
    Bullet(Vec<DraftRun>),
}

/// A piece of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftRun {
    Text(String),
    Bold(String),
    /// A highlighted marker an officer must not miss (`[unsupported]`).
    Flag(String),
    /// A footnote reference here, with this footnote text (a citation).
    Footnote(String),
}

/// Writes `doc` as a .docx file and returns its bytes (the same document gives the
/// same bytes).
pub fn draft_docx(doc: &DraftDocx) -> Result<Vec<u8>, ExportError> {
    package::zip_package(&draft::build(doc))
}

fn check_sources(summary: &Summary, sources: &[SourceInfo]) -> Result<(), ExportError> {
    if sources.len() != summary.documents.len() {
        return Err(ExportError::SourceCount {
            documents: summary.documents.len(),
            sources: sources.len(),
        });
    }
    for (index, (doc, source)) in summary.documents.iter().zip(sources).enumerate() {
        let id = DocumentId::from_content_hash(source.content_hash.trim());
        if !id.0.eq_ignore_ascii_case(&doc.0) {
            return Err(ExportError::SourceMismatch {
                index,
                document: doc.to_string(),
                hash_prefix: id.0,
            });
        }
    }
    Ok(())
}
