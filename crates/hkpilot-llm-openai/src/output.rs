//! Checks on what came back: that structured output really matches the schema (a
//! server may silently ignore `response_format`), and usage filled in when the server
//! did not report it.

use hkpilot_llm::{FinishReason, LlmError, Usage};
use serde_json::Value;

use crate::transport::Transport;
use crate::wire::snippet;

/// `Err(unsupported)` when a schema was asked for and the finished output does not
/// match it. Output cut short by `max_tokens` (`Length`) is passed through unchecked,
/// as the embedded engine does: the caller sees the finish reason.
pub fn check_structured(
    t: &Transport,
    url: &str,
    schema: Option<&Value>,
    text: &str,
    finish: FinishReason,
) -> Result<(), LlmError> {
    let Some(schema) = schema else {
        return Ok(());
    };
    if finish == FinishReason::Length {
        return Ok(());
    }
    let ignored = |why: String| {
        LlmError::Unsupported(format!(
            "remote backend {:?} ({url}) did not honour the JSON schema: {why}; output {}. Use a server with structured-output support (vLLM, llama.cpp server, SGLang, OpenAI) or drop the schema",
            t.config().name,
            snippet(text)
        ))
    };
    let value: Value = serde_json::from_str(text.trim())
        .map_err(|e| ignored(format!("the output is not JSON ({e})")))?;
    hkpilot_llm::structured::validate(&value, schema)
        .map_err(|e| ignored(format!("the output does not match it ({e})")))
}

/// The server's usage, or an estimate with hkpilot-text when it sent none (older
/// servers ignore `stream_options.include_usage`).
pub fn fill_usage(reported: Option<Usage>, prompt_estimate: usize, text: &str) -> Usage {
    reported.unwrap_or_else(|| Usage {
        prompt_tokens: prompt_estimate,
        completion_tokens: hkpilot_text::tokens::estimate_tokens(text),
        cached_prompt_tokens: 0,
    })
}
