//! Errors of the summarising pipelines, each with a stable code for the CLI and API.

use thiserror::Error;

/// Why a summary could not be made.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SummarizeError {
    /// No documents were given at all.
    #[error("no documents to summarise: pass at least one document")]
    NoDocuments,
    /// The documents have no text (or only page breaks and headings).
    #[error("the document has no text to summarise (is it scanned? try OCR)")]
    EmptyDocument,
    /// There is text, but no sentence that could stand in a summary: only tables,
    /// numbers or fragments too short to carry a statement.
    #[error(
        "found no sentences to summarise: the text is only {what}; \
         an extractive summary needs running prose"
    )]
    NoSentences {
        /// What the text consists of, in words ("tables", "headings, numbers or fragments").
        what: String,
    },
    /// A length that cannot be met (zero sentences or zero characters).
    #[error("invalid summary length '{0}': use brief, standard, detailed, N (sentences) or Nc (characters), with N > 0")]
    InvalidLength(String),
}

impl SummarizeError {
    /// Stable machine-readable code (used in JSON error bodies and logs).
    pub fn code(&self) -> &'static str {
        match self {
            SummarizeError::NoDocuments => "no_documents",
            SummarizeError::EmptyDocument => "empty_document",
            SummarizeError::NoSentences { .. } => "no_sentences",
            SummarizeError::InvalidLength(_) => "invalid_length",
        }
    }

    /// True when the caller can fix the problem (bad input), false for internal faults.
    /// Every current variant is about the input; the match has no catch-all so that a
    /// new internal variant must decide.
    pub fn is_user_error(&self) -> bool {
        match self {
            SummarizeError::NoDocuments
            | SummarizeError::EmptyDocument
            | SummarizeError::NoSentences { .. }
            | SummarizeError::InvalidLength(_) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_messages_say_what_to_do() {
        let all = [
            SummarizeError::NoDocuments,
            SummarizeError::EmptyDocument,
            SummarizeError::NoSentences {
                what: "tables".into(),
            },
            SummarizeError::InvalidLength("0".into()),
        ];
        let mut codes: Vec<_> = all.iter().map(|e| e.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
        assert!(all[3].to_string().contains("brief"));
        assert!(all.iter().all(|e| e.is_user_error()));
    }
}
