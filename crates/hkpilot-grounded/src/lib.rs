//! Grounded (model-written, citation-checked) summaries: the first slice of the
//! map-reduce pipeline.
//!
//! - [`numbered`]: documents → numbered source sentences with exact spans, rendered
//!   as `[12] sentence` lines a model can cite.
//! - [`chunk`]: those sentences grouped along the documents' structure into chunks
//!   sized by the model's own token count.
//! - [`cite`]: model output → sentences with their cited ids; invented ids dropped,
//!   each citation checked to support its sentence, unsupported sentences flagged.
//! - [`faithful`]: numbers, dates, money and percentages of a sentence checked
//!   against its cited spans across formats and scripts.

pub mod chunk;
pub mod cite;
mod error;
pub mod faithful;
pub mod numbered;

pub use chunk::{chunk_units, Chunk};
pub use cite::{check_citations, parse_cited, CheckedSentence, CitedSentence, Flag};
pub use error::GroundedError;
pub use faithful::{check_facts, extract_facts, Fact, FactKind};
pub use numbered::{number_documents, render_unit, render_units, NumberedSources, SourceUnit};
