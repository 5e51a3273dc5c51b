//! Errors of the Word export, with stable codes for the API and the CLI.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("the summary cites {documents} document(s) but {sources} source description(s) were given; pass one per document, in the summary's order")]
    SourceCount { documents: usize, sources: usize },

    #[error("source {index} does not match the summary's document {document}: its content hash starts {hash_prefix}; pass the sources in the summary's document order")]
    SourceMismatch {
        index: usize,
        document: String,
        hash_prefix: String,
    },

    #[error("could not write the Word file ({part}): {detail}")]
    Package { part: String, detail: String },
}

impl ExportError {
    /// A stable machine-readable code; messages may change, codes do not.
    pub fn code(&self) -> &'static str {
        match self {
            ExportError::SourceCount { .. } => "source_count_mismatch",
            ExportError::SourceMismatch { .. } => "source_mismatch",
            ExportError::Package { .. } => "package_failed",
        }
    }
}
