//! HKPilot ingestion: PDF, DOCX, HTML, Markdown and plain text into
//! [`hkpilot_core::Document`], built block by block through `DocumentBuilder`.
//!
//! Formats are detected from magic bytes (the extension only hints), sizes are checked
//! before reading, and bad input gives an [`IngestError`] rather than a panic.

mod detect;
mod docx;
mod error;
mod html;
mod join;
pub mod pdf;
mod text;

pub use detect::detect_format;
pub use error::IngestError;
pub use hkpilot_core::SourceFormat;

use hkpilot_core::{content_hash, Document, DocumentBuilder, DocumentMeta};
use std::io::Read;
use std::path::Path;

/// Limits and switches for ingestion.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Largest source accepted, checked before the file is read (default 512 MiB).
    pub max_bytes: u64,
    /// Most PDF pages accepted (default 5000).
    pub max_pages: u32,
    /// Largest total uncompressed size of a DOCX's parts (default 512 MiB).
    pub max_unpacked_bytes: u64,
    /// Drop lines repeated at the top/bottom of most pages and page-number lines.
    pub strip_headers_footers: bool,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            max_bytes: 512 * 1024 * 1024,
            max_pages: 5000,
            max_unpacked_bytes: 512 * 1024 * 1024,
            strip_headers_footers: true,
        }
    }
}

/// How far a long ingestion has got (PDF pages; other formats report 1 of 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub pages_done: u32,
    pub pages_total: u32,
}

/// Reads and ingests the file at `path`. The size is checked before anything is read.
pub fn ingest_path(path: &Path, opts: &IngestOptions) -> Result<Document, IngestError> {
    ingest_path_with_progress(path, opts, &mut |_| {})
}

/// [`ingest_path`], reporting progress (pages done / total) as it goes.
pub fn ingest_path_with_progress(
    path: &Path,
    opts: &IngestOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Document, IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > opts.max_bytes {
        return Err(IngestError::TooLarge {
            size,
            limit: opts.max_bytes,
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // The file may grow between stat and read; never read past the limit.
    file.take(opts.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    ingest_bytes_with_progress(&bytes, name.as_deref(), opts, progress)
}

/// Ingests a document held in memory; `file_name` is only a hint for the format.
pub fn ingest_bytes(
    bytes: &[u8],
    file_name: Option<&str>,
    opts: &IngestOptions,
) -> Result<Document, IngestError> {
    ingest_bytes_with_progress(bytes, file_name, opts, &mut |_| {})
}

/// [`ingest_bytes`], reporting progress as it goes.
pub fn ingest_bytes_with_progress(
    bytes: &[u8],
    file_name: Option<&str>,
    opts: &IngestOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Document, IngestError> {
    if bytes.len() as u64 > opts.max_bytes {
        return Err(IngestError::TooLarge {
            size: bytes.len() as u64,
            limit: opts.max_bytes,
        });
    }
    let format = detect_format(bytes, file_name)?;
    let mut meta = DocumentMeta {
        title: None,
        file_name: file_name.map(str::to_owned),
        format,
        byte_len: bytes.len() as u64,
        content_hash: content_hash(bytes),
        languages: hkpilot_text::script::detect_lang(""),
        page_count: 1,
        encoding: None,
    };
    let mut b = DocumentBuilder::new();
    let paged = format == SourceFormat::Pdf;
    match format {
        SourceFormat::Pdf => pdf::ingest(bytes, opts, &mut b, &mut meta, progress)?,
        SourceFormat::Docx => docx::ingest(bytes, opts, &mut b, &mut meta)?,
        SourceFormat::Html => html::ingest(bytes, &mut b, &mut meta)?,
        SourceFormat::Markdown => text::ingest_markdown(bytes, &mut b, &mut meta)?,
        SourceFormat::Text => text::ingest_text(bytes, &mut b, &mut meta)?,
    }
    if format != SourceFormat::Pdf {
        progress(Progress {
            pages_done: 1,
            pages_total: 1,
        });
    }
    meta.languages = hkpilot_text::script::detect_lang(b.text());
    let mut doc = b.finish(paged, meta);
    if doc.meta.title.is_none() {
        // No explicit title (PDF Info, <title>, core.xml, "# "): the first heading.
        doc.meta.title = doc
            .blocks
            .iter()
            .find(|b| b.is_heading() && b.text.chars().count() <= 120)
            .map(|b| b.text.clone());
    }
    Ok(doc)
}
