//! Errors of the grounded pipeline, with stable codes for the API and the CLI.

use hkpilot_llm::LlmError;

#[derive(Debug, thiserror::Error)]
pub enum GroundedError {
    #[error("the documents hold no sentences to summarise; check that text was extracted (a scanned PDF needs OCR)")]
    NoSources,

    #[error("a chunk budget of {0} tokens cannot hold any text; use a larger budget")]
    InvalidBudget(usize),

    #[error("model call failed: {0}")]
    Llm(#[from] LlmError),

    #[error("the model wrote no summary sentences; try a larger model, or use the extractive summary (no --model)")]
    NoOutput,

    #[error("{0}")]
    Extractive(hkpilot_summarize::SummarizeError),
}

impl GroundedError {
    /// A stable machine-readable code; messages may change, codes do not.
    pub fn code(&self) -> &'static str {
        match self {
            GroundedError::NoSources => "no_sources",
            GroundedError::InvalidBudget(_) => "invalid_budget",
            GroundedError::Llm(_) => "llm_error",
            GroundedError::NoOutput => "no_model_output",
            GroundedError::Extractive(e) => e.code(),
        }
    }
}
