//! Evaluation results: one [`DocResult`] per document, a [`Report`] per system with
//! its [`Aggregate`], rendered as aligned Markdown tables or JSON.

use serde::{Deserialize, Serialize};

use crate::rouge::{rouge_multi, RougeScores, Tokenizer};
use crate::table::{render, Align};

/// What one system did with one document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DocResult {
    pub id: String,
    /// The summary scored, kept for inspection (empty in reports written before it
    /// was recorded).
    #[serde(default)]
    pub summary: String,
    pub rouge: RougeScores,
    /// Characters (Unicode scalar values) in the summary.
    pub summary_chars: usize,
    /// Words in the summary, as [`count_words`] counts them.
    pub summary_words: usize,
    /// Sentences in the summary.
    pub sentences: usize,
    /// Summary sentences with at least one citation.
    pub cited_sentences: usize,
    /// Citations in the summary. A model-written summary counts every citation its
    /// passes wrote, the ones the checks dropped included.
    pub citations_total: usize,
    /// Citations whose source sentence supports the summary sentence (for a model,
    /// those its passes' checks kept).
    pub citations_supported: usize,
    /// Summary sentences that no citation supports.
    pub unsupported_sentences: usize,
    /// Faithfulness flags raised (numbers, names or dates not found in the sources).
    pub fact_flags: usize,
    /// Wall-clock seconds spent summarising this document.
    pub seconds: f64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// The summarisation method used, e.g. `extractive` or `map_reduce`.
    pub method: String,
    /// Why the system fell back to another method, when it did.
    pub fallback: Option<String>,
}

impl DocResult {
    /// A result for `summary` with its ROUGE scores against `references` and its
    /// length filled in; the caller sets the remaining fields.
    pub fn for_summary<S: AsRef<str>>(
        id: impl Into<String>,
        summary: &str,
        references: &[S],
        tokenizer: Tokenizer,
    ) -> DocResult {
        DocResult {
            id: id.into(),
            summary: summary.to_owned(),
            rouge: rouge_multi(summary, references, tokenizer),
            summary_chars: summary.chars().count(),
            summary_words: count_words(summary),
            ..DocResult::default()
        }
    }
}

/// Words in `text`: each Han character counts as one word (Chinese is written without
/// spaces), and so does each run of other letters and digits, apostrophes included.
pub fn count_words(text: &str) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for c in text.chars() {
        if is_ideograph(c) {
            words += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            words += usize::from(!in_word);
            in_word = true;
        } else if in_word && matches!(c, '\'' | '’') {
            // An apostrophe inside a word (Executive's, don't) does not end it.
        } else {
            in_word = false;
        }
    }
    words
}

fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFD}')
}

/// A system's results over a dataset, summed and averaged.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Aggregate {
    /// Documents scored.
    pub documents: usize,
    /// Mean ROUGE-1 F1 × 100.
    pub rouge1: f64,
    /// Mean ROUGE-2 F1 × 100.
    pub rouge2: f64,
    /// Mean ROUGE-L F1 × 100.
    pub rouge_l: f64,
    /// Mean summary length in characters.
    pub summary_chars: f64,
    /// Mean summary length in words.
    pub summary_words: f64,
    /// Supported citations over all citations (0..=1); `None` when there were none.
    pub citation_precision: Option<f64>,
    /// Unsupported sentences over all summary sentences (0..=1); `None` when there
    /// were no sentences.
    pub unsupported_sentence_rate: Option<f64>,
    /// Faithfulness flags, in total.
    pub fact_flags: usize,
    /// Documents on which the system fell back to another method.
    pub fallbacks: usize,
    /// Seconds, in total.
    pub seconds: f64,
    /// Prompt tokens, in total.
    pub prompt_tokens: u64,
    /// Completion tokens, in total.
    pub completion_tokens: u64,
}

impl Aggregate {
    /// Sums and means over `items`; all zero (and both ratios `None`) when empty.
    pub fn from_items(items: &[DocResult]) -> Aggregate {
        let n = items.len();
        let mean = |f: &dyn Fn(&DocResult) -> f64| {
            if n == 0 {
                0.0
            } else {
                items.iter().map(f).sum::<f64>() / n as f64
            }
        };
        let total = |f: &dyn Fn(&DocResult) -> usize| items.iter().map(f).sum::<usize>();
        let ratio = |part: usize, whole: usize| (whole > 0).then(|| part as f64 / whole as f64);
        Aggregate {
            documents: n,
            rouge1: 100.0 * mean(&|d| d.rouge.rouge1.f1),
            rouge2: 100.0 * mean(&|d| d.rouge.rouge2.f1),
            rouge_l: 100.0 * mean(&|d| d.rouge.rouge_l.f1),
            summary_chars: mean(&|d| d.summary_chars as f64),
            summary_words: mean(&|d| d.summary_words as f64),
            citation_precision: ratio(
                total(&|d| d.citations_supported),
                total(&|d| d.citations_total),
            ),
            unsupported_sentence_rate: ratio(
                total(&|d| d.unsupported_sentences),
                total(&|d| d.sentences),
            ),
            fact_flags: total(&|d| d.fact_flags),
            fallbacks: items.iter().filter(|d| d.fallback.is_some()).count(),
            seconds: items.iter().map(|d| d.seconds).sum(),
            prompt_tokens: items.iter().map(|d| d.prompt_tokens).sum(),
            completion_tokens: items.iter().map(|d| d.completion_tokens).sum(),
        }
    }
}

/// One system's run over one dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The dataset, as the user named it.
    pub dataset: String,
    /// The system evaluated, e.g. `hkpilot-extractive` or `hkpilot-grounded`.
    pub system: String,
    /// The model, for systems that use one.
    pub model: Option<String>,
    /// The sampling seed, for systems that use one.
    pub seed: Option<u64>,
    pub items: Vec<DocResult>,
    /// Computed from `items` by [`Report::new`].
    pub mean: Aggregate,
}

impl Report {
    /// A report over `items`, with its [`Aggregate`] computed.
    pub fn new(
        dataset: impl Into<String>,
        system: impl Into<String>,
        model: Option<String>,
        seed: Option<u64>,
        items: Vec<DocResult>,
    ) -> Report {
        let mean = Aggregate::from_items(&items);
        Report {
            dataset: dataset.into(),
            system: system.into(),
            model,
            seed,
            items,
            mean,
        }
    }

    /// The one-row table of this system's aggregate; see [`systems_table`].
    pub fn to_table(&self) -> String {
        systems_table(std::slice::from_ref(self))
    }

    /// One row per document: ROUGE F1 × 100, length, citations and cost.
    pub fn to_document_table(&self) -> String {
        use Align::{Left, Right};
        let columns = [
            ("id", Left),
            ("method", Left),
            ("R1", Right),
            ("R2", Right),
            ("RL", Right),
            ("chars", Right),
            ("words", Right),
            ("sentences", Right),
            ("cited", Right),
            ("citations ok/all", Right),
            ("unsupported", Right),
            ("flags", Right),
            ("seconds", Right),
            ("tokens in/out", Right),
            ("fallback", Left),
        ];
        let rows: Vec<Vec<String>> = self
            .items
            .iter()
            .map(|d| {
                vec![
                    d.id.clone(),
                    d.method.clone(),
                    format!("{:.1}", 100.0 * d.rouge.rouge1.f1),
                    format!("{:.1}", 100.0 * d.rouge.rouge2.f1),
                    format!("{:.1}", 100.0 * d.rouge.rouge_l.f1),
                    d.summary_chars.to_string(),
                    d.summary_words.to_string(),
                    d.sentences.to_string(),
                    d.cited_sentences.to_string(),
                    format!("{}/{}", d.citations_supported, d.citations_total),
                    d.unsupported_sentences.to_string(),
                    d.fact_flags.to_string(),
                    format!("{:.2}", d.seconds),
                    format!("{}/{}", d.prompt_tokens, d.completion_tokens),
                    d.fallback.clone().unwrap_or_default(),
                ]
            })
            .collect();
        render(&columns, &rows)
    }

    /// The report as pretty-printed JSON (every field, the items included).
    pub fn to_json(&self) -> serde_json::Result<String> {
        serde_json::to_string_pretty(self)
    }
}

fn percent(ratio: Option<f64>) -> String {
    ratio.map_or_else(|| "-".to_owned(), |r| format!("{:.1}%", 100.0 * r))
}

/// One row per report, to compare systems on a dataset: mean ROUGE F1 × 100, mean
/// length, citation precision, unsupported-sentence rate, flags, fallbacks, total
/// seconds and tokens. A ratio without anything to count is shown as `-`.
pub fn systems_table(reports: &[Report]) -> String {
    use Align::{Left, Right};
    let columns = [
        ("system", Left),
        ("model", Left),
        ("docs", Right),
        ("R1", Right),
        ("R2", Right),
        ("RL", Right),
        ("chars", Right),
        ("words", Right),
        ("citation precision", Right),
        ("unsupported", Right),
        ("flags", Right),
        ("fallbacks", Right),
        ("seconds", Right),
        ("tokens in", Right),
        ("tokens out", Right),
    ];
    let rows: Vec<Vec<String>> = reports
        .iter()
        .map(|r| {
            let m = &r.mean;
            vec![
                r.system.clone(),
                r.model.clone().unwrap_or_else(|| "-".to_owned()),
                m.documents.to_string(),
                format!("{:.1}", m.rouge1),
                format!("{:.1}", m.rouge2),
                format!("{:.1}", m.rouge_l),
                format!("{:.0}", m.summary_chars),
                format!("{:.0}", m.summary_words),
                percent(m.citation_precision),
                percent(m.unsupported_sentence_rate),
                m.fact_flags.to_string(),
                m.fallbacks.to_string(),
                format!("{:.2}", m.seconds),
                m.prompt_tokens.to_string(),
                m.completion_tokens.to_string(),
            ]
        })
        .collect();
    render(&columns, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_count_han_characters_and_latin_runs() {
        assert_eq!(count_words("The Chief Executive's 2025 Policy Address."), 6);
        assert_eq!(count_words("施政報告 2025年，HKPilot 好用"), 9);
        assert_eq!(count_words("  ,; "), 0);
    }
}
