//! Structured output: JSON schema → GBNF grammar (for llama.cpp's grammar sampler) and a
//! checker that a JSON value matches a schema (for tests and for backends that cannot
//! constrain decoding).
//!
//! Supported schema subset: `type` (object, array, string, number, integer, boolean,
//! null, or a list of these), `properties`, `required`, `items`, `minItems`,
//! `maxItems`, `minLength`, `maxLength`, `pattern` (see [`pattern`] for the regex
//! subset), `format` (date, time, date-time and uuid enforced; others are annotations),
//! `enum`, `const`, `anyOf`/`oneOf`, and `$ref` into `#/$defs` or `#/definitions`.
//! Objects with `properties` admit no other keys.
//! Anything else is rejected with `invalid_request` rather than silently ignored.

mod gbnf;
mod pattern;
mod validate;

pub use gbnf::json_schema_to_gbnf;
pub use validate::validate;

use crate::{LlmError, StructuredOutput};

/// Largest grammar text accepted from a caller.
pub const MAX_GRAMMAR_BYTES: usize = 64 * 1024;

/// The largest number inside `{…}` repetition braces (a rough scan: it may also see
/// numbers inside string literals, which only makes it stricter).
fn largest_repeat_bound(g: &str) -> Option<usize> {
    let mut best = None;
    let mut rest = g;
    while let Some(i) = rest.find('{') {
        rest = &rest[i + 1..];
        let end = rest.find('}').unwrap_or(rest.len());
        for part in rest[..end].split(',') {
            if let Ok(n) = part.trim().parse::<usize>() {
                best = best.max(Some(n));
            } else if part.trim().chars().all(|c| c.is_ascii_digit()) && !part.trim().is_empty() {
                // Too large for usize.
                best = Some(usize::MAX);
            }
        }
    }
    best
}

/// Any JSON value, as GBNF (used for `{}` schemas and "JSON mode").
pub fn any_json_gbnf() -> String {
    // An empty schema allows any value; the converter cannot fail on it.
    json_schema_to_gbnf(&serde_json::json!({})).unwrap_or_default()
}

/// The GBNF grammar for a structured-output request.
pub fn grammar_for(structured: &StructuredOutput) -> Result<String, LlmError> {
    match structured {
        StructuredOutput::JsonSchema(schema) => json_schema_to_gbnf(schema),
        StructuredOutput::Grammar(g) => {
            if g.trim().is_empty() {
                Err(LlmError::InvalidRequest("the grammar is empty".into()))
            } else if g.len() > MAX_GRAMMAR_BYTES {
                Err(LlmError::InvalidRequest(format!(
                    "the grammar is {} bytes; at most {MAX_GRAMMAR_BYTES} are accepted",
                    g.len()
                )))
            } else if let Some(n) = largest_repeat_bound(g).filter(|n| *n > gbnf::MAX_REPEAT_BOUND)
            {
                Err(LlmError::InvalidRequest(format!(
                    "the grammar repeats something {n} times; bounds above {} are not accepted, use * or +",
                    gbnf::MAX_REPEAT_BOUND
                )))
            } else if !g.contains("root") {
                Err(LlmError::InvalidRequest(
                    "the grammar has no `root` rule; name the start rule `root`".into(),
                ))
            } else {
                Ok(g.clone())
            }
        }
    }
}
