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
//!
//! Additions: `script::script_evidence` / `ScriptEvidence` (per-script letter counts),
//! `words::terms_folded` (Chinese folded to Simplified for cross-script search),
//! `words::segment_chinese`, `convert::to_hant` and `convert::HK_VOCABULARY`, and
//! `chunks::chunk_by_budget` (sentence ranges grouped under a token budget).
//!
//! Third-party choices:
//! - `ferrous-opencc` (Apache-2.0, OpenCC's Apache-2.0 tables built in): phrase-level
//!   conversion with OpenCC's `s2hk` / `hk2s` chains, pure Rust. `zhconv` (faster, has
//!   MediaWiki's zh-HK vocabulary) was rejected for its GPL-2.0-or-later licence. OpenCC has
//!   no Hong Kong vocabulary table, so `convert::HK_VOCABULARY` adds a short one.
//! - `jieba-rs` (MIT): the crate ships only the Simplified `dict.txt`, not `dict.txt.big`;
//!   Traditional is segmented through a one-to-one Traditional→Simplified character map
//!   (derived from OpenCC) and sliced back by character position, plus a small Hong Kong
//!   lexicon (`lexicon`). OpenCC's tables never change a word's length (checked over
//!   every entry of its STPhrases/TSPhrases/character tables), but the character map makes
//!   that a property of the code rather than of the data.
//! - `rust-stemmers` (MIT/BSD-3-Clause): Snowball English stemmer.
#![forbid(unsafe_code)]

pub mod chunks;
pub mod convert;
mod lexicon;
pub mod script;
pub mod sentences;
mod stopwords;
mod tables;
pub mod tokens;
pub mod words;
