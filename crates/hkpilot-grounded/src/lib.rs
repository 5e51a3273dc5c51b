//! Grounded (model-written, citation-checked) summaries of documents of any length.
//!
//! - [`numbered`]: documents → numbered source sentences with exact spans, rendered
//!   as `[12] sentence` lines a model can cite.
//! - [`chunk`]: those sentences grouped along the documents' structure into chunks
//!   sized by the model's own token count.
//! - [`cite`]: model output → sentences with their cited ids; invented ids dropped,
//!   each citation checked to support its sentence, unsupported sentences flagged.
//! - [`faithful`]: numbers, dates, money and percentages of a sentence checked
//!   against its cited spans across formats and scripts.
//! - [`pass`]: one model pass over numbered items; [`pipeline`]: one pass when the
//!   sources fit, else map → reduce levels → final pass; [`prompt`]: instructions
//!   and the guard against instructions hidden in documents.
//! - [`summarize_or_extract`]: the entry point, falling back to the extractive
//!   summary (and saying so) when the model fails.

pub mod chunk;
pub mod cite;
mod error;
pub mod faithful;
mod fallback;
mod names;
pub mod numbered;
pub mod pass;
pub mod pipeline;
pub mod progress;
pub mod prompt;
pub mod structured;

pub use chunk::{chunk_units, Chunk};
pub use cite::{check_citations, parse_cited, CheckedSentence, CitedSentence, Flag};
pub use error::GroundedError;
pub use faithful::{check_facts, extract_facts, Fact, FactKind};
pub use fallback::summarize_or_extract;
pub use numbered::{number_documents, render_unit, render_units, NumberedSources, SourceUnit};
pub use pipeline::{summarize_grounded, GroundedOptions, DEFAULT_WINDOW};
pub use progress::{NoProgress, Phase, ProgressSink};
