//! `/v1/completions` (legacy text completion) wire types.

use hkpilot_llm::Completion;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{finish_reason, ChunkUsage, SamplingFields, UsageWire};
use crate::HttpError;

#[derive(Debug, Deserialize)]
pub(crate) struct CompletionRequestWire {
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    prompt: Option<Value>,
    #[serde(flatten)]
    pub sampling: SamplingFields,
    #[serde(default)]
    echo: Option<bool>,
    #[serde(default)]
    suffix: Option<String>,
    #[serde(default)]
    best_of: Option<u32>,
}

impl CompletionRequestWire {
    /// The prompt: a string, or an array holding exactly one string.
    pub(crate) fn prompt(&self) -> Result<String, HttpError> {
        if self.echo == Some(true) {
            return Err(HttpError::unsupported(
                "echo",
                "echo is not supported by this server",
            ));
        }
        if self.suffix.as_deref().is_some_and(|s| !s.is_empty()) {
            return Err(HttpError::unsupported(
                "suffix",
                "suffix (fill-in-the-middle) is not supported by this server",
            ));
        }
        if self.best_of.is_some_and(|b| b > 1) {
            return Err(HttpError::unsupported(
                "best_of",
                "best_of is not supported by this server; send several requests instead",
            ));
        }
        match &self.prompt {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Array(items)) => match items.as_slice() {
                [Value::String(s)] => Ok(s.clone()),
                [] => Err(HttpError::invalid("prompt", "prompt is an empty array; send a string")),
                [Value::String(_), ..] => Err(HttpError::unsupported(
                    "prompt",
                    format!("prompt holds {} strings, but this server completes one prompt per request; send one request per prompt", items.len()),
                )),
                _ => Err(HttpError::unsupported(
                    "prompt",
                    "token-id prompts are not supported; send the prompt as text",
                )),
            },
            None | Some(Value::Null) => Err(HttpError::invalid(
                "prompt",
                "prompt is missing; send the text to continue",
            )),
            Some(_) => Err(HttpError::invalid("prompt", "prompt must be a string")),
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct TextCompletionResponse {
    pub id: String,
    pub object: &'static str,
    pub created: u64,
    pub model: String,
    pub system_fingerprint: Option<String>,
    pub choices: Vec<TextChoice<'static>>,
    pub usage: UsageWire,
}

#[derive(Debug, Serialize)]
pub(crate) struct TextChoice<'a> {
    pub text: std::borrow::Cow<'a, str>,
    pub index: u32,
    pub logprobs: Option<()>,
    pub finish_reason: Option<&'static str>,
}

impl TextCompletionResponse {
    pub(crate) fn new(id: String, created: u64, model: String, c: Completion) -> Self {
        Self {
            id,
            object: "text_completion",
            created,
            model,
            system_fingerprint: None,
            usage: UsageWire::from(&c.usage),
            choices: vec![TextChoice {
                text: c.text.into(),
                index: 0,
                logprobs: None,
                finish_reason: Some(finish_reason(c.finish_reason)),
            }],
        }
    }
}

/// A stream chunk; OpenAI uses the same `text_completion` object for chunks.
#[derive(Debug, Serialize)]
pub(crate) struct TextChunk<'a> {
    pub id: &'a str,
    pub object: &'static str,
    pub created: u64,
    pub model: &'a str,
    pub system_fingerprint: Option<String>,
    pub choices: Vec<TextChoice<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<ChunkUsage>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn prompt(v: Value) -> Result<String, HttpError> {
        serde_json::from_value::<CompletionRequestWire>(v)
            .unwrap()
            .prompt()
    }

    #[test]
    fn prompt_forms() {
        assert_eq!(prompt(json!({"prompt": "香港"})).unwrap(), "香港");
        assert_eq!(prompt(json!({"prompt": ["one"]})).unwrap(), "one");
        for v in [
            json!({"prompt": ["a", "b"]}),
            json!({"prompt": [1, 2, 3]}),
            json!({}),
            json!({"prompt": "x", "echo": true}),
            json!({"prompt": "x", "best_of": 3}),
        ] {
            assert!(prompt(v.clone()).is_err(), "{v}");
        }
    }
}
