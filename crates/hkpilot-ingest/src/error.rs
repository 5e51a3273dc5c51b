//! Why ingestion failed, in words a user can act on, with a stable code for scripts.

use std::path::PathBuf;

/// Everything that can stop a file from becoming a document.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot read {path}: {source}; check the path and that you may read the file")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the file is empty: pick the file that holds the document")]
    Empty,
    #[error("the file is {size} bytes, over the limit of {limit} bytes: split the document or raise the limit (max_bytes)")]
    TooLarge { size: u64, limit: u64 },
    #[error("the PDF has {pages} pages, over the limit of {limit}: split the document or raise the limit (max_pages)")]
    TooManyPages { pages: u32, limit: u32 },
    #[error("unsupported file format{}: HKPilot reads PDF, DOCX, HTML, Markdown and plain text; convert the file to one of those", hint.as_deref().map(|h| format!(" ({h})")).unwrap_or_default())]
    UnsupportedFormat { hint: Option<String> },
    #[error("not text: the file looks like binary data; if it is a document, save it as PDF, DOCX, HTML or UTF-8 text")]
    NotText,
    #[error("encrypted/password-protected PDF: remove the password and try again")]
    EncryptedPdf,
    #[error(
        "corrupt or truncated PDF ({detail}): re-export or re-download the file and try again"
    )]
    CorruptPdf { detail: String },
    #[error("not a DOCX file ({detail}): the file is not a valid Word .docx (zip) archive; re-save it from Word as .docx")]
    NotDocx { detail: String },
    #[error("the DOCX file expands to more than {limit} bytes (a zip bomb or an extremely large document): it was not read; re-save the document or split it")]
    ZipBomb { limit: u64 },
    #[error("internal error while reading the document ({0}); please report this with the file if you can")]
    Internal(String),
}

impl IngestError {
    /// A stable snake_case code for scripts and the audit log.
    pub fn code(&self) -> &'static str {
        match self {
            IngestError::Io { .. } => "io_error",
            IngestError::Empty => "empty_file",
            IngestError::TooLarge { .. } => "file_too_large",
            IngestError::TooManyPages { .. } => "too_many_pages",
            IngestError::UnsupportedFormat { .. } => "unsupported_format",
            IngestError::NotText => "not_text",
            IngestError::EncryptedPdf => "encrypted_pdf",
            IngestError::CorruptPdf { .. } => "corrupt_pdf",
            IngestError::NotDocx { .. } => "not_docx",
            IngestError::ZipBomb { .. } => "zip_bomb",
            IngestError::Internal(_) => "internal_error",
        }
    }

    /// True when the input is at fault (the user can fix it), false for our own bugs.
    pub fn is_user_error(&self) -> bool {
        !matches!(self, IngestError::Internal(_))
    }
}
