//! What a translation is: blocks with their source, translation, flags, term misses
//! and fixes, the settings it was made with and its totals. The JSON shape
//! (`hkpilot translate --format json`) is this module serialised; keep it stable. It
//! also reads back (`Deserialize`): the server stores translations as this JSON.

use hkpilot_core::Lang;
use serde::{Deserialize, Serialize};

/// A translated document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Translation {
    /// Always true: a person must check a machine translation before use.
    pub ai_generated: bool,
    /// The label shown with every output.
    pub notice: String,
    /// The model that translated; `None` when no block needed one (script conversion
    /// only).
    pub model: Option<String>,
    /// The document's main language, as detected.
    pub from: Option<Lang>,
    pub to: Lang,
    pub settings: TranslationSettings,
    pub stats: TranslationStats,
    /// The source document's title.
    pub title: Option<String>,
    pub source: SourceRef,
    pub blocks: Vec<TranslatedBlock>,
}

/// Which document was translated.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceRef {
    pub id: String,
    pub file_name: Option<String>,
    /// Hex SHA-256 of the source bytes.
    pub content_hash: String,
}

/// The settings a translation was made with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TranslationSettings {
    /// Tokens one request could use.
    pub window: usize,
    /// Source tokens per chunk.
    pub chunk_tokens: usize,
    pub concurrency: usize,
    pub seed: u64,
    pub temperature: f32,
    /// Termbase entries in scope, and the department selected.
    pub termbase_entries: usize,
    pub department: Option<String>,
}

/// Totals over the document; the completeness and terminology measures of the
/// translation benchmark are read from here.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TranslationStats {
    pub blocks: usize,
    /// Blocks with at least one flag or term miss.
    pub blocks_flagged: usize,
    /// Blocks (or table cells) whose source text stands in for a translation.
    pub units_untranslated: usize,
    pub chunks: usize,
    /// Model calls made for blocks that failed their checks.
    pub retry_chunks: usize,
    pub prompt_tokens: usize,
    pub completion_tokens: usize,
    pub source_sentences: usize,
    pub output_sentences: usize,
    /// Figures (numbers, money, percentages, dates) in the source, and those the
    /// output lacks.
    pub source_figures: usize,
    pub missing_figures: usize,
    /// Termbase terms found in the source (once per unit), and renderings missed.
    pub terms: usize,
    pub term_misses: usize,
    /// Seconds the model work took.
    pub seconds: f64,
}

/// How a block's text was produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Translated by the model.
    Model,
    /// Already in the target language (Chinese converted to the target script).
    Kept,
    /// Nothing to translate (figures, codes, a page break).
    Copied,
    /// The model gave nothing usable: the source text stands in, marked.
    Untranslated,
}

/// One block of the translated document, in source order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TranslatedBlock {
    /// The block's index in the source document.
    pub index: usize,
    pub page: u32,
    #[serde(flatten)]
    pub kind: OutKind,
    pub source: String,
    /// For tables: one line per row, cells separated by " | ".
    pub translation: String,
    pub method: Method,
    /// Model attempts (0, 1, or 2 after a retry).
    pub attempts: u8,
    pub flags: Vec<Flag>,
    pub term_misses: Vec<TermMissOut>,
    pub fixes: Vec<Fix>,
    pub checks: UnitChecks,
}

impl TranslatedBlock {
    pub fn is_flagged(&self) -> bool {
        !self.flags.is_empty() || !self.term_misses.is_empty()
    }
}

/// The structure of a block, kept from the source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OutKind {
    Heading {
        level: u8,
    },
    Paragraph,
    ListItem {
        ordered: bool,
        level: u8,
        #[serde(skip_serializing_if = "Option::is_none")]
        marker: Option<String>,
    },
    /// The grid of the source table, every cell translated.
    Table {
        rows: Vec<Vec<CellTranslation>>,
    },
    PageBreak,
}

/// One table cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellTranslation {
    pub source: String,
    pub translation: String,
    pub untranslated: bool,
}

/// Something a reader of the translation must check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flag {
    pub kind: FlagKind,
    /// What is wrong, in English, for people.
    pub message: String,
    /// The figures concerned, as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
    /// For tables: the cell, `[row, column]` from 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<[usize; 2]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// The model returned nothing; the source text is kept, marked untranslated.
    Empty,
    /// The model call failed; the source text is kept, marked untranslated.
    ModelError,
    /// The output is still (mostly) in the source language.
    NotTranslated,
    /// The output has clearly fewer sentences than the source.
    SentenceGap,
    /// The output is much shorter than a translation of the source should be.
    TooShort,
    /// The output is much longer than a translation should be (added text?).
    TooLong,
    /// Figures of the source absent from the output.
    MissingFigures,
    /// Figures in the output that the source does not have.
    AddedFigures,
    /// Words that are Hong Kong usage in one meaning only: a person should look.
    UsageReview,
}

/// A termbase term whose required rendering the output lacks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TermMissOut {
    /// The term's English form (its id in the termbase).
    pub term: String,
    pub source_text: String,
    pub expected: String,
    pub found: Option<String>,
    pub reason: super::MissReason,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<[usize; 2]>,
}

/// A change made to the model's output after generation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    pub kind: FixKind,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FixKind {
    /// A termbase rendering written in the wrong script or variant (衛 for 衞, 税 for
    /// 稅), replaced by the termbase's form.
    TermScript,
    /// A Mainland or Taiwan word replaced by the Hong Kong one (信息 → 資訊).
    HkUsage,
}

/// What the completeness checks counted for a block (summed over a table's cells).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnitChecks {
    pub source_sentences: usize,
    pub output_sentences: usize,
    pub source_figures: usize,
    pub missing_figures: usize,
    pub terms: usize,
    /// Output characters per source character (spaces not counted), when the source
    /// is long enough for the ratio to mean something.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length_ratio: Option<f32>,
}

impl UnitChecks {
    pub(crate) fn add(&mut self, o: &UnitChecks) {
        self.source_sentences += o.source_sentences;
        self.output_sentences += o.output_sentences;
        self.source_figures += o.source_figures;
        self.missing_figures += o.missing_figures;
        self.terms += o.terms;
        if self.length_ratio.is_none() {
            self.length_ratio = o.length_ratio;
        }
    }
}

impl super::MissReason {
    /// A short phrase for people.
    pub fn label(self) -> &'static str {
        match self {
            super::MissReason::Absent => "not found",
            super::MissReason::WrongScript => "written in the wrong script or variant",
            super::MissReason::UnacceptableAlias => "an alias not accepted in output",
        }
    }
}
