//! Exports for officers to edit: a [`Summary`] as a Word (.docx) file, with every
//! citation as a real Word footnote (source title, page, section, quoted text), flagged
//! sentences visibly marked, the AI-generated notice at the top and the provenance at
//! the end. Drafts will follow the same path.
//!
//! The OOXML parts are written here (zip + escaped XML), not through a DOCX library;
//! see ARCHITECTURE.md. Fonts name an East Asian face (Microsoft JhengHei, or
//! Microsoft YaHei for Simplified Chinese) and tag East Asian text as zh-HK (zh-CN), so
//! Chinese renders as Chinese in Word.

mod error;
mod labels;
mod package;
mod styles;
mod summary;
mod xml;

pub use error::ExportError;

use hkpilot_core::{DocumentId, Summary};

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
