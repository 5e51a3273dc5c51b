//! The sampling and output fields shared by `/v1/chat/completions` and
//! `/v1/completions`, and their mapping onto [`GenerationOptions`].
//!
//! Defaults differ from OpenAI's on purpose: without `temperature` we decode greedily,
//! so a document assistant answers the same question the same way. Fields we cannot
//! honour are refused with a 400 naming them, never silently ignored.

use hkpilot_llm::{GenerationOptions, StructuredOutput};
use serde::Deserialize;
use serde_json::Value;

use crate::HttpError;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct SamplingFields {
    max_tokens: Option<u64>,
    max_completion_tokens: Option<u64>,
    temperature: Option<f32>,
    top_p: Option<f32>,
    /// Extension (llama.cpp, vLLM): 0 disables.
    top_k: Option<u32>,
    seed: Option<i64>,
    stop: Option<Value>,
    frequency_penalty: Option<f32>,
    presence_penalty: Option<f32>,
    /// Extension (llama.cpp, vLLM): 1.0 disables.
    repetition_penalty: Option<f32>,
    n: Option<u32>,
    logit_bias: Option<serde_json::Map<String, Value>>,
    /// `true` in chat, a count in completions: both unsupported when set.
    logprobs: Option<Value>,
    top_logprobs: Option<u32>,
    response_format: Option<Value>,
    stream: Option<bool>,
    stream_options: Option<StreamOptions>,
}

#[derive(Debug, Default, Deserialize)]
struct StreamOptions {
    include_usage: Option<bool>,
}

/// Whether and how to stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StreamMode {
    Off,
    On { include_usage: bool },
}

impl SamplingFields {
    pub(crate) fn stream_mode(&self) -> StreamMode {
        if self.stream == Some(true) {
            StreamMode::On {
                include_usage: self
                    .stream_options
                    .as_ref()
                    .and_then(|o| o.include_usage)
                    .unwrap_or(false),
            }
        } else {
            StreamMode::Off
        }
    }

    /// Our options for a model whose context holds `context_length` tokens.
    pub(crate) fn to_options(&self, context_length: usize) -> Result<GenerationOptions, HttpError> {
        self.refuse_unsupported()?;
        let mut o = GenerationOptions::default();
        // The newer name wins, as in OpenAI's API.
        let (param, max) = match (self.max_completion_tokens, self.max_tokens) {
            (Some(m), _) => ("max_completion_tokens", Some(m)),
            (None, m) => ("max_tokens", m),
        };
        if let Some(m) = max {
            // One context cell at least goes to the prompt.
            let most = context_length.saturating_sub(1).max(1) as u64;
            if m == 0 {
                return Err(HttpError::invalid(
                    param,
                    format!("{param} must be at least 1"),
                ));
            }
            if m > most {
                return Err(HttpError::invalid(
                    param,
                    format!("{param} is {m}, but this model's context holds {context_length} tokens, prompt included; the maximum is {most}, and less leaves room for the prompt"),
                ));
            }
            o.max_tokens = Some(m as u32);
        }
        if let Some(t) = self.temperature {
            o.temperature = t;
        }
        if let Some(p) = self.top_p {
            o.top_p = p;
        }
        if let Some(k) = self.top_k {
            o.top_k = k;
        }
        // OpenAI seeds are signed; any 64 bits will do as a seed.
        o.seed = self.seed.map(|s| s as u64);
        if let Some(stop) = &self.stop {
            o.stop = parse_stop(stop)?;
        }
        if let Some(r) = self.repetition_penalty {
            o.repetition_penalty = r;
        }
        if let Some(f) = &self.response_format {
            o.structured = parse_response_format(f)?;
        }
        // Field names in these messages match the request's (temperature, top_p, ...).
        o.validate()?;
        Ok(o)
    }

    fn refuse_unsupported(&self) -> Result<(), HttpError> {
        if let Some(n) = self.n.filter(|n| *n != 1) {
            return Err(HttpError::unsupported(
                "n",
                format!("n is {n}, but this server returns one choice per request; send {n} requests (with different seeds) instead"),
            ));
        }
        for (name, v) in [
            ("frequency_penalty", self.frequency_penalty),
            ("presence_penalty", self.presence_penalty),
        ] {
            if v.is_some_and(|v| v != 0.0) {
                return Err(HttpError::unsupported(
                    name,
                    format!("{name} is not supported by this server; use repetition_penalty (1.0 = off, 1.1 = mild) instead"),
                ));
            }
        }
        if self.logit_bias.as_ref().is_some_and(|m| !m.is_empty()) {
            return Err(HttpError::unsupported(
                "logit_bias",
                "logit_bias is not supported by this server; remove it",
            ));
        }
        let wants_logprobs = match &self.logprobs {
            None | Some(Value::Null) | Some(Value::Bool(false)) => false,
            Some(Value::Number(n)) => n.as_u64() != Some(0),
            Some(_) => true,
        };
        if wants_logprobs || self.top_logprobs.is_some_and(|n| n > 0) {
            return Err(HttpError::unsupported(
                "logprobs",
                "logprobs are not supported by this server; remove logprobs and top_logprobs",
            ));
        }
        Ok(())
    }
}

/// `stop`: a string or an array of strings.
fn parse_stop(v: &Value) -> Result<Vec<String>, HttpError> {
    let bad = || HttpError::invalid("stop", "stop must be a string or an array of strings");
    match v {
        Value::Null => Ok(Vec::new()),
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string).ok_or_else(bad))
            .collect(),
        _ => Err(bad()),
    }
}

/// `response_format`: `text`, `json_object`, or `json_schema` with a schema.
fn parse_response_format(v: &Value) -> Result<Option<StructuredOutput>, HttpError> {
    let param = "response_format";
    let kind = v.get("type").and_then(Value::as_str).ok_or_else(|| {
        HttpError::invalid(
            param,
            "response_format needs a type: \"text\", \"json_object\" or \"json_schema\"",
        )
    })?;
    match kind {
        "text" => Ok(None),
        // JSON mode: any JSON object (OpenAI's json_object never yields arrays).
        "json_object" => Ok(Some(StructuredOutput::JsonSchema(
            serde_json::json!({"type": "object"}),
        ))),
        "json_schema" => {
            let schema = v
                .get("json_schema")
                .and_then(|j| j.get("schema"))
                .filter(|s| s.is_object())
                .ok_or_else(|| {
                    HttpError::invalid(
                        "response_format.json_schema.schema",
                        "response_format of type json_schema needs json_schema.schema, a JSON schema object",
                    )
                })?;
            Ok(Some(StructuredOutput::JsonSchema(schema.clone())))
        }
        other => Err(HttpError::invalid(
            param,
            format!("response_format type {other:?} is not known; use \"text\", \"json_object\" or \"json_schema\""),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: Value) -> SamplingFields {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn maps_openai_fields() {
        let f = fields(json!({
            "max_tokens": 5, "max_completion_tokens": 7, "temperature": 0.5, "top_p": 0.9,
            "top_k": 40, "seed": -1, "stop": "\n", "repetition_penalty": 1.1,
            "frequency_penalty": 0, "n": 1, "logprobs": false,
            "response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}}
        }));
        let o = f.to_options(100).unwrap();
        assert_eq!(o.max_tokens, Some(7));
        assert_eq!(o.temperature, 0.5);
        assert_eq!(o.top_k, 40);
        assert_eq!(o.seed, Some(u64::MAX));
        assert_eq!(o.stop, vec!["\n"]);
        assert!(matches!(
            o.structured,
            Some(StructuredOutput::JsonSchema(_))
        ));
        let o = fields(json!({"stop": ["a", "b"]})).to_options(100).unwrap();
        assert_eq!(o.stop, vec!["a", "b"]);
        assert_eq!(o.temperature, 0.0, "greedy by default");
    }

    #[test]
    fn huge_max_tokens_names_the_maximum() {
        let e = fields(json!({"max_tokens": 1_000_000_000u64}))
            .to_options(2048)
            .unwrap_err();
        assert_eq!(e.param(), Some("max_tokens"));
        assert!(e.to_string().contains("the maximum is 2047"), "{e}");
    }

    #[test]
    fn refuses_what_it_cannot_do() {
        for (v, param) in [
            (json!({"n": 2}), "n"),
            (json!({"presence_penalty": 0.5}), "presence_penalty"),
            (json!({"logit_bias": {"1": 5}}), "logit_bias"),
            (json!({"logprobs": true}), "logprobs"),
            (json!({"logprobs": 3}), "logprobs"),
            (json!({"stop": 5}), "stop"),
            (
                json!({"response_format": {"type": "xml"}}),
                "response_format",
            ),
            (
                json!({"response_format": {"type": "json_schema"}}),
                "response_format.json_schema.schema",
            ),
            (json!({"max_tokens": 0}), "max_tokens"),
        ] {
            let e = fields(v.clone()).to_options(100).unwrap_err();
            assert_eq!(e.param(), Some(param), "{v}: {e}");
        }
        let e = fields(json!({"temperature": 9.0}))
            .to_options(100)
            .unwrap_err();
        assert!(e.to_string().contains("temperature"), "{e}");
    }

    #[test]
    fn stream_mode_reads_include_usage() {
        assert_eq!(fields(json!({})).stream_mode(), StreamMode::Off);
        assert_eq!(
            fields(json!({"stream": true, "stream_options": {"include_usage": true}}))
                .stream_mode(),
            StreamMode::On {
                include_usage: true
            }
        );
    }
}
