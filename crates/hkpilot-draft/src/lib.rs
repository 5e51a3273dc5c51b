//! Drafting and translation data for HKPilot: document templates, field checks, the
//! bilingual termbase and Hong Kong usage checks, and the drafting, rewriting and
//! translation pipelines (the parts that call a model, through `dyn LlmBackend`).
//!
//! - [`template`]: templates as data (`templates/*.toml`, compiled in; administrators'
//!   directories on top): [`TemplateLibrary`], [`Template`], validated on load with
//!   errors naming the file and field.
//! - [`fields`]: [`check_fields`] turns missing required fields into bilingual
//!   questions (never invented values) and checks dates loosely ([`parse_date`]).
//! - [`termbase`]: [`Termbase`], bilingual entries (`termbase/starter.toml`, compiled
//!   in; department files merged on top, conflicts refused).
//! - [`translate`]: [`Termbase::find_terms`], [`Termbase::check_translation`] and
//!   [`prompt_glossary`]; and the document translation pipeline over a language
//!   model, [`translate_document`] (structure kept, termbase enforced, every block
//!   checked for completeness and flagged).
//! - [`usage`]: [`check_hk_usage`], Mainland and Taiwan forms in Traditional Chinese
//!   output.
//! - [`compose`]: drafting — [`compose_draft`] writes every section of a template
//!   from notes, fields and numbered source lines over `dyn LlmBackend`, citations
//!   checked, missing fields asked as questions, never invented.
//! - [`rewrite`]: shorten, expand, plain, formal, tone, grammar (model) and
//!   Traditional ↔ Simplified (deterministic), each with a word / character diff.
//!
//! Everything here is written for the project: the templates describe what such
//! documents look like, and the term renderings are the HKSAR Government's official
//! names as compiled by us.

pub mod compose;
mod error;
pub mod fields;
mod matching;
pub mod rewrite;
pub mod template;
pub mod termbase;
pub mod translate;
pub mod usage;

pub use compose::{compose_draft, Draft, DraftInput, DraftOptions, DraftSection};
pub use error::DraftError;
pub use fields::{
    check_fields, parse_date, unknown_fields, DateProblem, FieldProblem, MissingField, SimpleDate,
};
pub use rewrite::{convert_script, rewrite_text, Rewrite, RewriteOp, RewriteOptions};
pub use template::{
    Bilingual, Field, FieldKind, Register, Section, Template, TemplateLibrary,
    BUILTIN_TEMPLATE_FILES, BUILTIN_TYPES,
};
pub use termbase::{Alias, TermEntry, TermKind, Termbase, STARTER_TERMBASE};
pub use translate::{
    needs_model, prompt_glossary, translate_document, MissReason, TermHit, TermMiss,
    TranslateError, TranslateOptions, TranslateProgress, Translation,
};
pub use usage::{apply_hk_usage, check_hk_usage, hk_usage_table, UsageHit, UsageLevel, UsagePair};
