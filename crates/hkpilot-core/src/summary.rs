//! Summaries: sentences, each with the citations that support it.

use crate::document::DocumentId;
use crate::lang::Lang;
use crate::span::Citation;
use serde::{Deserialize, Serialize};

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
    /// Where the sentence comes from. Empty only when the sentence is marked uncited.
    pub citations: Vec<Citation>,
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
