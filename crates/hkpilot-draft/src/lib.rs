//! Drafting and translation data for HKPilot: document templates, field checks, the
//! bilingual termbase and Hong Kong usage checks. No model calls happen here; the
//! drafting and translation pipelines build on these pieces.
//!
//! - [`template`]: templates as data (`templates/*.toml`, compiled in; administrators'
//!   directories on top): [`TemplateLibrary`], [`Template`], validated on load with
//!   errors naming the file and field.
//! - [`fields`]: [`check_fields`] turns missing required fields into bilingual
//!   questions (never invented values) and checks dates loosely ([`parse_date`]).
//! - [`termbase`]: [`Termbase`], bilingual entries (`termbase/starter.toml`, compiled
//!   in; department files merged on top, conflicts refused).
//! - [`translate`]: [`Termbase::find_terms`], [`Termbase::check_translation`] and
//!   [`prompt_glossary`].
//! - [`usage`]: [`check_hk_usage`], Mainland and Taiwan forms in Traditional Chinese
//!   output.
//!
//! Everything here is written for the project: the templates describe what such
//! documents look like, and the term renderings are the HKSAR Government's official
//! names as compiled by us.

mod error;
pub mod fields;
mod matching;
pub mod template;
pub mod termbase;
pub mod translate;
pub mod usage;

pub use error::DraftError;
pub use fields::{
    check_fields, parse_date, unknown_fields, DateProblem, FieldProblem, MissingField, SimpleDate,
};
pub use template::{
    Bilingual, Field, FieldKind, Register, Section, Template, TemplateLibrary,
    BUILTIN_TEMPLATE_FILES, BUILTIN_TYPES,
};
pub use termbase::{Alias, TermEntry, TermKind, Termbase, STARTER_TERMBASE};
pub use translate::{prompt_glossary, MissReason, TermHit, TermMiss};
pub use usage::{apply_hk_usage, check_hk_usage, hk_usage_table, UsageHit, UsageLevel, UsagePair};
