//! HKPilot's domain model: documents made of typed blocks, spans and citations into
//! them, summaries whose sentences carry citations. Pure data, no IO.
//!
//! Offsets are counted in Unicode scalar values (`char`s) of [`Document::text`], the
//! document's normalised text, so that they mean the same thing in every language a
//! client is written in. Blocks also carry their own text so that pipelines can work
//! block by block without converting offsets back and forth.

pub mod account;
pub mod audit;
pub mod calendar;
pub mod document;
pub mod job;
pub mod lang;
pub mod offsets;
pub mod span;
pub mod summary;

pub use account::{Department, DepartmentId, Role, UiLang, User, UserId};
pub use audit::{AuditAction, AuditEvent};
pub use document::{
    content_hash, Block, BlockKind, Cell, Document, DocumentBuilder, DocumentId, DocumentMeta,
    ExtractionIssue, IssueKind, Page, SourceFormat, BLOCK_SEPARATOR,
};
pub use job::{Job, JobId, JobKind, JobProgress, JobState};
pub use lang::{Lang, LangProfile};
pub use span::{Citation, Span};
pub use summary::{
    ActionItem, Provenance, SentenceFlag, StructuredSummary, Summary, SummaryMethod,
    SummarySentence,
};
