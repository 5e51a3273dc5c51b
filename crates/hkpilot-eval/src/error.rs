//! Errors of the evaluation harness, with stable codes for the CLI and scripts.

use std::path::PathBuf;

/// Everything that can go wrong while reading an evaluation dataset or another
/// system's summaries of it.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("dataset not found: {}; give a JSONL file, a .src.txt or .tgt.txt file, or the prefix PATH of PATH.src.txt and PATH.tgt.txt", path.display())]
    NotFound { path: PathBuf },

    #[error("cannot read {}: {source}; check that the file exists and is readable", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}, line {line}: not UTF-8 text; save the dataset as UTF-8", path.display())]
    NotUtf8 { path: PathBuf, line: usize },

    #[error("{}, line {line}: bad JSON ({message}); each line must hold one JSON object", path.display())]
    BadJson {
        path: PathBuf,
        line: usize,
        message: String,
    },

    #[error("{}, line {line}: {reason}", path.display())]
    BadItem {
        path: PathBuf,
        line: usize,
        reason: String,
    },

    #[error("{} has {source_lines} lines but {} has {target_lines}; the source and reference files must be line-aligned, one document and its summary per line", source_path.display(), target_path.display())]
    LineCountMismatch {
        source_path: PathBuf,
        source_lines: usize,
        target_path: PathBuf,
        target_lines: usize,
    },

    #[error("{} holds no evaluation items; check that it is the right file and not empty", path.display())]
    EmptyDataset { path: PathBuf },

    #[error("{} has {found} summaries but {needed} items are evaluated; give one summary per item (line n is item n), or evaluate fewer items with --limit", path.display())]
    TooFewPredictions {
        path: PathBuf,
        found: usize,
        needed: usize,
    },

    #[error("{} has no summary for item {id}; give every evaluated item's id, or leave out every id (then line n is item n)", path.display())]
    MissingPrediction { path: PathBuf, id: String },

    #[error("{} gives item {id} twice; keep one summary per item", path.display())]
    DuplicatePrediction { path: PathBuf, id: String },

    #[error("an item limit of 0 selects nothing; give a limit of at least 1, or none for the whole dataset")]
    InvalidLimit,
}

impl EvalError {
    /// A stable machine-readable code; messages may change, codes do not.
    pub fn code(&self) -> &'static str {
        match self {
            EvalError::NotFound { .. } => "dataset_not_found",
            EvalError::Io { .. } => "io_error",
            EvalError::NotUtf8 { .. } => "not_utf8",
            EvalError::BadJson { .. } => "bad_json",
            EvalError::BadItem { .. } => "bad_item",
            EvalError::LineCountMismatch { .. } => "line_count_mismatch",
            EvalError::EmptyDataset { .. } => "empty_dataset",
            EvalError::TooFewPredictions { .. } => "too_few_predictions",
            EvalError::MissingPrediction { .. } => "missing_prediction",
            EvalError::DuplicatePrediction { .. } => "duplicate_prediction",
            EvalError::InvalidLimit => "invalid_limit",
        }
    }

    /// Whether the user can fix this. Every error here is about the dataset the user
    /// named (a wrong path, an unreadable or malformed file), as for `IngestError`,
    /// where an IO error is a user error too.
    pub fn is_user_error(&self) -> bool {
        true
    }
}
