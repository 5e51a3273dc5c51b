//! HKPilot evaluation harness: the parts of `hkpilot eval summarize` that need no
//! model.
//!
//! - [`dataset`]: evaluation datasets (L-Eval or simple JSONL, line-aligned
//!   `.src.txt`/`.tgt.txt` pairs) read into [`EvalItem`]s.
//! - [`rouge`]: ROUGE-1, ROUGE-2 and ROUGE-L as Google's `rouge-score` computes them;
//!   Chinese scored character by character, as the project's earlier Python scorer
//!   did for BENCHMARKS.md.
//! - [`report`]: per-document results, per-system aggregates, tables and JSON.
//! - [`predictions`]: another system's summaries (a peer, a bigger model run
//!   elsewhere) read from a file and scored like ours.
//!
//! # How close to rouge-score
//!
//! Counting, clipping, the LCS, F1 and the choice among several references are
//! rouge-score's, and so are the English tokenisation rules (lower-case, `[^a-z0-9]+`
//! separates, only tokens of more than three characters are stemmed). The stemmer is
//! not: rouge-score uses NLTK's Porter stemmer, this crate the Snowball English
//! (Porter 2) stemmer of `rust-stemmers`, already used by `hkpilot-text`. About 3 % of
//! GovReport's words conflate differently (Porter puts `general` and `generous`
//! together, Porter 2 `increase` and `increasingly`). Checked against rouge-score
//! 0.1.2 with NLTK 3.10.4: lead-3 and reference-length candidates on all 14 GovReport
//! reports, with one and with two references, and 400 LCSTS pairs came out the same
//! (differences under 1e-15); on long or unrelated candidates (the first 3,000 words
//! of each report; lead-10 of each report against every other reference) single
//! scores differ by up to 0.009 and means by under 0.05 ROUGE points. Chinese scores
//! use no stemmer and match exactly.
//!
//! Nothing here reads the network or the model; the crate has no `unsafe`.

pub mod dataset;
mod error;
pub mod predictions;
pub mod report;
pub mod rouge;
mod table;

pub use dataset::{load_dataset, EvalItem};
pub use error::EvalError;
pub use predictions::{load_predictions, score_predictions, Prediction, Predictions};
pub use report::{count_words, systems_table, Aggregate, DocResult, Report};
pub use rouge::{rouge, rouge_multi, tokenize, RougeScores, Score, Tokenizer};
