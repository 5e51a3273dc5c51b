//! Bilingual (English / Chinese) text processing used by ingestion, summarising and
//! search. Everything here is pure computation: no IO, no network.
//!
//! PUBLIC API CONTRACT (other crates code against these signatures):
//! - `script::detect_lang(&str) -> hkpilot_core::LangProfile`
//! - `script::is_han(char) -> bool`
//! - `sentences::split_sentences(&str) -> Vec<std::ops::Range<usize>>`: byte ranges of
//!   sentences, trimmed of surrounding whitespace, in order, non-overlapping.
//! - `words::terms(&str) -> Vec<String>`: keyword terms for statistics (lower-cased,
//!   stop words removed; Chinese segmented into words).
//! - `convert::convert(&str, hkpilot_core::Lang) -> String`: script conversion.
//! - `tokens::estimate_tokens(&str) -> usize`

pub mod convert;
pub mod script;
pub mod sentences;
pub mod tokens;
pub mod words;
