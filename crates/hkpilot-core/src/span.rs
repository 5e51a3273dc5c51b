//! Spans of stored documents and the citations that point at them: the currency of
//! every grounded output HKPilot produces.

use crate::document::DocumentId;
use serde::{Deserialize, Serialize};

/// A range of characters of one document's normalised text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub doc: DocumentId,
    /// Character offset of the first character.
    pub start: usize,
    /// Character offset one past the last character.
    pub end: usize,
    /// 1-based page the span starts on.
    pub page: u32,
    /// Index of the block the span lies in.
    pub block: usize,
}

impl Span {
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A claim's pointer to its source: a span and, for display, the quoted text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    pub span: Span,
    /// The cited text, as it stands in the source.
    pub quote: String,
    /// The heading of the section the span lies in, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub section: Option<String>,
}
