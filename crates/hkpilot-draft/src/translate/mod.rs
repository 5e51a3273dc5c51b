//! Translation: the termbase on text ([`terms`]) and the document translation pipeline
//! over any [`LlmBackend`](hkpilot_llm::LlmBackend).
//!
//! ```text
//!   Document ─► plan.rs: blocks → units (a heading, a paragraph, a list item, a table
//!               cell), each routed: to the model, or kept (already in the target
//!               language; Chinese only converted to the target script); units longer
//!               than a chunk cut at sentence ends, never inside a sentence; segments
//!               packed into chunks by the model's own token count
//!             ─► prompt.rs: one identical system message for every chunk (shared
//!               prefix), the chunk's termbase glossary and its numbered, neutralised
//!               lines in the user message; a grammar that asks for exactly those lines
//!             ─► pipeline.rs: chunks translated concurrently (buffered, in order)
//!             ─► checks.rs: per unit — script conversion, Hong Kong usage, termbase
//!               post-check (wrong-script renderings replaced), then completeness:
//!               empty, not translated, sentences, figures, length ratio
//!             ─► failing blocks translated once more on their own (smaller chunks);
//!               the better attempt is kept, flagged; nothing is ever dropped
//!             ─► Translation {blocks: source, translation, flags, term misses, fixes}
//! ```
//!
//! [`render`] writes a [`Translation`] as Markdown or plain text, always labelled as
//! machine translation.

mod assemble;
mod checks;
mod docx;
mod pipeline;
mod plan;
mod prompt;
pub mod render;
mod run;
mod terms;
mod types;

pub use docx::docx_document;
pub use pipeline::{needs_model, translate_document};
pub use terms::{prompt_glossary, MissReason, TermHit, TermMiss};
pub use types::{
    CellTranslation, Fix, FixKind, Flag, FlagKind, Method, OutKind, SourceRef, TermMissOut,
    TranslatedBlock, Translation, TranslationSettings, TranslationStats, UnitChecks,
};

use hkpilot_core::Lang;

/// Tokens one request may use (prompt and output) unless told otherwise.
pub const DEFAULT_TRANSLATE_WINDOW: usize = 2048;
/// Largest number of source tokens in one chunk by default: small models translate
/// short passages far better than long ones.
pub const DEFAULT_CHUNK_TOKENS: usize = 384;
/// Chunks in flight at once by default (the engine batches them).
pub const DEFAULT_TRANSLATE_CONCURRENCY: usize = 4;

/// How a document is translated.
#[derive(Debug, Clone)]
pub struct TranslateOptions {
    pub to: Lang,
    /// Tokens one request may use; `DEFAULT_TRANSLATE_WINDOW`, capped at the model's
    /// context length, when `None`.
    pub window: Option<usize>,
    /// Source tokens per chunk; derived from the window when `None`.
    pub chunk_tokens: Option<usize>,
    /// Chunks translated at once.
    pub concurrency: usize,
    /// Sampling seed (decoding is greedy, so the seed matters only to backends that
    /// sample).
    pub seed: u64,
}

impl TranslateOptions {
    pub fn new(to: Lang) -> Self {
        TranslateOptions {
            to,
            window: None,
            chunk_tokens: None,
            concurrency: DEFAULT_TRANSLATE_CONCURRENCY,
            seed: 0,
        }
    }
}

/// Where a translation is, for bars and job events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Counting tokens and packing chunks.
    Planning,
    /// First pass over the chunks.
    Translating,
    /// Blocks that failed their checks, translated again on their own.
    Retrying,
}

impl Stage {
    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Planning => "planning",
            Stage::Translating => "translating chunks",
            Stage::Retrying => "retrying flagged blocks",
        }
    }
}

/// Receives progress: `done` of `total` chunks of `stage`. Called from the pipeline's
/// task; implementations must be quick.
pub trait TranslateProgress: Send + Sync {
    fn update(&self, stage: Stage, done: usize, total: usize);
}

/// No progress reporting.
impl TranslateProgress for () {
    fn update(&self, _stage: Stage, _done: usize, _total: usize) {}
}

/// Why a translation could not be made at all. A block the model mistranslates is
/// not an error: it is flagged in the output.
#[derive(Debug, thiserror::Error)]
pub enum TranslateError {
    #[error("the document has no text to translate")]
    EmptyDocument,

    #[error("translating this document needs a language model: configure one with --model")]
    NoModel,

    /// The window cannot hold the instructions and a useful amount of text.
    #[error(
        "a window of {window} tokens is too small for translation (the instructions alone \
         take {instructions}); use a larger window or a model with a longer context"
    )]
    WindowTooSmall { window: usize, instructions: usize },

    /// Every model call failed: there is no translation to show.
    #[error("the model failed: {0}")]
    Model(#[from] hkpilot_llm::LlmError),
}

impl TranslateError {
    /// A stable snake_case code for the API and the CLI.
    pub fn code(&self) -> &'static str {
        match self {
            TranslateError::EmptyDocument => "empty_document",
            TranslateError::NoModel => "model_required",
            TranslateError::WindowTooSmall { .. } => "window_too_small",
            TranslateError::Model(e) => e.code().as_str(),
        }
    }

    /// Whether the person running the translation can fix it.
    pub fn is_user_error(&self) -> bool {
        match self {
            TranslateError::Model(e) => e.is_user_error(),
            _ => true,
        }
    }
}
