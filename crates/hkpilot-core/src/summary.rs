//! Summaries: sentences, each with the citations that support it.

use crate::document::DocumentId;
use crate::lang::Lang;
use crate::span::Citation;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a summary was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SummaryMethod {
    /// Sentences selected from the source, no model involved.
    Extractive { algorithm: String },
    /// Written by a language model.
    Abstractive { model: String },
}

/// One sentence of a summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummarySentence {
    pub text: String,
    /// Where the sentence comes from. Empty only when the sentence is marked uncited
    /// (it then carries a flag saying why).
    pub citations: Vec<Citation>,
    /// What the checks found wrong with the sentence; empty when it is fully grounded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<SentenceFlag>,
}

impl SummarySentence {
    /// A sentence with its citations and no flags.
    pub fn cited(text: impl Into<String>, citations: Vec<Citation>) -> Self {
        SummarySentence {
            text: text.into(),
            citations,
            flags: Vec::new(),
        }
    }
}

/// Why a generated sentence is not (fully) grounded. Flagged sentences are shown as
/// such, never as cited claims.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SentenceFlag {
    /// The model cited nothing for this sentence.
    NoCitation,
    /// The model cited sources, but none of them supports the sentence.
    Unsupported,
    /// A figure or name of the sentence appears in none of its cited spans.
    NotInSource {
        /// `number`, `money`, `percent`, `date`, `name`, `ordinance`…
        what: String,
        /// The figure or name as the sentence writes it.
        text: String,
    },
}

/// Where a summary came from: enough to reproduce it and to audit it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The model that wrote it (none for an extractive summary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Settings that shaped it (length, language, focus, seed, chunk budget…).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, String>,
    /// Content hashes of the source documents, in the summary's document order.
    pub source_hashes: Vec<String>,
    /// Set when a model summary was asked for and the extractive one is given
    /// instead: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    /// Pipeline counts: model calls, prompt and output tokens, chunks, merge levels,
    /// citations dropped.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stats: BTreeMap<String, u64>,
}

/// A summary in sections, each item a sentence with its citations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StructuredSummary {
    pub key_points: Vec<SummarySentence>,
    pub decisions: Vec<SummarySentence>,
    pub figures: Vec<SummarySentence>,
    pub action_items: Vec<ActionItem>,
    pub open_questions: Vec<SummarySentence>,
}

/// Something someone must do, with who and by when where the source says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionItem {
    #[serde(flatten)]
    pub item: SummarySentence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
}

/// A summary of one or more documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub documents: Vec<DocumentId>,
    pub method: SummaryMethod,
    /// Language (and script) the summary is written in.
    pub lang: Lang,
    pub sentences: Vec<SummarySentence>,
    /// Always true for anything HKPilot writes: generated text is labelled as such.
    pub ai_generated: bool,
    /// The same content in sections, when structured output was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structured: Option<StructuredSummary>,
    #[serde(default)]
    pub provenance: Provenance,
}

impl Summary {
    /// The summary's sentences joined into prose.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for s in &self.sentences {
            let cjk_prev = out.chars().last().is_some_and(is_cjk_punct_or_han);
            if !out.is_empty() && !cjk_prev {
                out.push(' ');
            }
            out.push_str(&s.text);
        }
        out
    }
}

fn is_cjk_punct_or_han(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)
}
