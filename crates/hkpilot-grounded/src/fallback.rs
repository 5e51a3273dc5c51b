//! The entry point callers use: a model summary when a model is configured and
//! works, otherwise the extractive summary, saying which one it is and why.

use crate::pipeline::{summarize_grounded, GroundedOptions};
use crate::progress::ProgressSink;
use crate::GroundedError;
use hkpilot_core::{Document, Summary};
use hkpilot_llm::LlmBackend;
use hkpilot_summarize::{summarize_extractive, ExtractiveOptions};

/// Summarises `docs` with `backend` when there is one. When the model fails (does not
/// load, errors, writes nothing usable), the extractive summary is returned with
/// `provenance.fallback` saying why, so a reader is never shown one kind as the other.
/// Errors only when the documents themselves cannot be summarised at all.
pub async fn summarize_or_extract(
    docs: &[&Document],
    backend: Option<&dyn LlmBackend>,
    opts: &GroundedOptions,
    progress: &dyn ProgressSink,
) -> Result<Summary, GroundedError> {
    let reason = match backend {
        None => None,
        Some(b) => match summarize_grounded(docs, b, opts, progress).await {
            Ok(s) => return Ok(s),
            Err(e @ (GroundedError::Llm(_) | GroundedError::NoOutput)) => Some(format!(
                "the model {:?} could not write the summary ({e}); this is the extractive \
                 summary instead",
                b.info().name
            )),
            Err(e) => return Err(e),
        },
    };
    let extractive = ExtractiveOptions {
        length: opts.length,
        lang: opts.lang,
        ..Default::default()
    };
    let mut summary = summarize_extractive(docs, &extractive).map_err(GroundedError::Extractive)?;
    summary.provenance.fallback = reason;
    Ok(summary)
}
