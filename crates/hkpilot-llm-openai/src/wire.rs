//! The OpenAI wire format: request bodies built from our options, and the response and
//! stream-chunk shapes read back. Everything lenient that servers differ on is here.

use hkpilot_llm::{
    ChatRequest, CompletionRequest, FinishReason, GenerationOptions, LlmError, StructuredOutput,
    Usage,
};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// Which endpoint a generation goes to; chat and raw completions differ only in where
/// the text sits in a choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Chat,
    Completion,
}

impl Kind {
    pub fn path(self) -> &'static str {
        match self {
            Kind::Chat => "/chat/completions",
            Kind::Completion => "/completions",
        }
    }
}

/// What the request builder needs to know about the backend.
#[derive(Debug, Clone, Copy)]
pub struct BodyCtx<'a> {
    pub model: &'a str,
    pub extensions: bool,
    pub backend: &'a str,
}

pub fn chat_body(ctx: BodyCtx<'_>, req: &ChatRequest, stream: bool) -> Result<Value, LlmError> {
    let messages: Vec<Value> = req
        .messages
        .iter()
        .map(|m| json!({"role": m.role.as_str(), "content": m.content}))
        .collect();
    let mut body = Map::new();
    body.insert("model".into(), json!(ctx.model));
    body.insert("messages".into(), Value::Array(messages));
    finish_body(ctx, body, &req.options, stream)
}

pub fn completion_body(
    ctx: BodyCtx<'_>,
    req: &CompletionRequest,
    stream: bool,
) -> Result<Value, LlmError> {
    let mut body = Map::new();
    body.insert("model".into(), json!(ctx.model));
    body.insert("prompt".into(), json!(req.prompt));
    finish_body(ctx, body, &req.options, stream)
}

fn finish_body(
    ctx: BodyCtx<'_>,
    mut body: Map<String, Value>,
    o: &GenerationOptions,
    stream: bool,
) -> Result<Value, LlmError> {
    o.validate()?;
    let needs_ext = |what: &str| {
        LlmError::Unsupported(format!(
            "{what} needs the llama.cpp/vLLM request extensions, which are turned off for remote backend {:?}; set extensions = true if the server accepts them",
            ctx.backend
        ))
    };
    body.insert("stream".into(), json!(stream));
    if stream {
        // Asks for a final chunk with token counts (OpenAI, vLLM, llama.cpp, SGLang).
        body.insert("stream_options".into(), json!({"include_usage": true}));
    }
    if let Some(m) = o.max_tokens {
        body.insert("max_tokens".into(), json!(m));
    }
    body.insert("temperature".into(), json!(o.temperature));
    body.insert("top_p".into(), json!(o.top_p));
    if let Some(seed) = o.seed {
        body.insert("seed".into(), json!(seed));
    }
    if !o.stop.is_empty() {
        body.insert("stop".into(), json!(o.stop));
    }
    if o.top_k > 0 {
        if !ctx.extensions {
            return Err(needs_ext("top_k"));
        }
        body.insert("top_k".into(), json!(o.top_k));
    }
    if o.repetition_penalty != 1.0 {
        if !ctx.extensions {
            return Err(needs_ext("repetition_penalty"));
        }
        // vLLM, SGLang and TGI spell it one way, llama.cpp and Ollama the other.
        body.insert("repetition_penalty".into(), json!(o.repetition_penalty));
        body.insert("repeat_penalty".into(), json!(o.repetition_penalty));
    }
    match &o.structured {
        None => {}
        Some(StructuredOutput::JsonSchema(schema)) => {
            // Same subset as the embedded engine, so a schema that works in-process
            // works remotely and the validator below understands it.
            hkpilot_llm::structured::json_schema_to_gbnf(schema)?;
            body.insert(
                "response_format".into(),
                json!({"type": "json_schema",
                       "json_schema": {"name": "output", "strict": true, "schema": schema}}),
            );
            if ctx.extensions {
                // llama.cpp reads a top-level `json_schema` on both endpoints; vLLM's
                // completions endpoint reads `guided_json`.
                body.insert("json_schema".into(), schema.clone());
                if !body.contains_key("messages") {
                    body.insert("guided_json".into(), schema.clone());
                }
            }
        }
        Some(s @ StructuredOutput::Grammar(_)) => {
            if !ctx.extensions {
                return Err(needs_ext("a GBNF grammar"));
            }
            body.insert(
                "grammar".into(),
                json!(hkpilot_llm::structured::grammar_for(s)?),
            );
        }
    }
    Ok(Value::Object(body))
}

pub fn embeddings_body(model: &str, inputs: &[String]) -> Value {
    json!({"model": model, "input": inputs, "encoding_format": "float"})
}

/// Both spellings: llama.cpp reads `content`/`add_special`, vLLM `prompt`/`add_special_tokens`.
pub fn tokenize_body(model: &str, text: &str, special: bool) -> Value {
    json!({"model": model, "content": text, "prompt": text,
           "add_special": special, "parse_special": special, "add_special_tokens": special})
}

#[derive(Debug, Deserialize)]
pub struct WireUsage {
    #[serde(default)]
    pub prompt_tokens: Option<usize>,
    #[serde(default)]
    pub completion_tokens: Option<usize>,
    #[serde(default)]
    pub prompt_tokens_details: Option<PromptDetails>,
}

#[derive(Debug, Deserialize)]
pub struct PromptDetails {
    #[serde(default)]
    pub cached_tokens: Option<usize>,
}

impl WireUsage {
    pub fn to_usage(&self) -> Usage {
        Usage {
            prompt_tokens: self.prompt_tokens.unwrap_or(0),
            completion_tokens: self.completion_tokens.unwrap_or(0),
            cached_prompt_tokens: self
                .prompt_tokens_details
                .as_ref()
                .and_then(|d| d.cached_tokens)
                .unwrap_or(0),
        }
    }
}

/// One choice of a response or chunk, for either endpoint.
#[derive(Debug, Deserialize)]
pub struct WireChoice {
    #[serde(default)]
    pub index: u32,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub message: Option<WireMessage>,
    #[serde(default)]
    pub delta: Option<WireMessage>,
    #[serde(default)]
    pub finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct WireMessage {
    #[serde(default)]
    pub content: Option<String>,
}

/// A non-streamed response or one stream chunk. `choices` is optional because the
/// usage chunk of some servers omits it.
#[derive(Debug, Deserialize)]
pub struct WireResponse {
    #[serde(default)]
    pub choices: Option<Vec<WireChoice>>,
    #[serde(default)]
    pub usage: Option<WireUsage>,
}

/// What one response or chunk contributes.
#[derive(Debug, Default, PartialEq)]
pub struct Piece {
    pub text: String,
    pub finish: Option<FinishReason>,
    pub usage: Option<Usage>,
}

pub fn finish_reason(s: &str) -> FinishReason {
    match s {
        "length" | "max_tokens" => FinishReason::Length,
        // "stop", "eos", "tool_calls", "content_filter": the model is done talking.
        _ => FinishReason::Stop,
    }
}

/// Reads one response body or stream chunk. `Err` carries a description of what was
/// wrong with it, for the caller to wrap with the backend and URL.
pub fn parse_piece(kind: Kind, streamed: bool, v: Value) -> Result<Piece, String> {
    if let Some(err) = v.get("error") {
        return Err(format!("the server reported an error: {}", error_text(err)));
    }
    if !v.is_object() {
        return Err(format!(
            "expected a JSON object, got {}",
            snippet(&v.to_string())
        ));
    }
    let r: WireResponse = serde_json::from_value(v)
        .map_err(|e| format!("the JSON does not have the OpenAI response shape: {e}"))?;
    let usage = r.usage.as_ref().map(WireUsage::to_usage);
    let Some(choices) = r.choices else {
        return if usage.is_some() {
            Ok(Piece {
                usage,
                ..Piece::default()
            })
        } else {
            Err("neither `choices` nor `usage` is present".into())
        };
    };
    let mut piece = Piece {
        usage,
        ..Piece::default()
    };
    // We always ask for one choice; a server that sends more gets the first read.
    let Some(c) = choices.into_iter().find(|c| c.index == 0) else {
        return Ok(piece);
    };
    let text = match (kind, streamed) {
        (Kind::Completion, _) => c.text,
        (Kind::Chat, false) => c.message.and_then(|m| m.content),
        (Kind::Chat, true) => c.delta.and_then(|m| m.content),
    };
    piece.text = text.unwrap_or_default();
    piece.finish = c.finish_reason.as_deref().map(finish_reason);
    Ok(piece)
}

/// A readable message out of the error objects servers send: `{"message": …}` (OpenAI,
/// vLLM, llama.cpp), a bare string (TGI), or FastAPI's `{"detail": …}`.
pub fn error_text(err: &Value) -> String {
    match err {
        Value::String(s) => s.clone(),
        Value::Object(o) => o
            .get("message")
            .or_else(|| o.get("detail"))
            .or_else(|| o.get("error"))
            .map(error_text)
            .unwrap_or_else(|| snippet(&err.to_string())),
        other => snippet(&other.to_string()),
    }
}

/// The message inside an HTTP error body, whatever its shape.
pub fn error_body_text(body: &[u8]) -> String {
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => match v.get("error").or_else(|| v.get("detail")) {
            Some(e) => error_text(e),
            None => error_text(&v),
        },
        Err(_) => snippet(&String::from_utf8_lossy(body)),
    }
}

/// The first 200 characters of a body, on one line, for error messages.
pub fn snippet(s: &str) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = flat.chars().take(200).collect();
    if flat.chars().count() > 200 {
        out.push('…');
    }
    if out.is_empty() {
        out.push_str("(empty)");
    }
    format!("{out:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use hkpilot_llm::ChatMessage;

    fn ctx(extensions: bool) -> BodyCtx<'static> {
        BodyCtx {
            model: "m",
            extensions,
            backend: "gpu",
        }
    }

    #[test]
    fn maps_every_option() {
        let mut r = ChatRequest::new(vec![ChatMessage::user("你好")]);
        r.options = GenerationOptions {
            max_tokens: Some(7),
            temperature: 0.5,
            top_p: 0.9,
            top_k: 40,
            seed: Some(42),
            stop: vec!["\n\n".into()],
            repetition_penalty: 1.1,
            structured: Some(StructuredOutput::JsonSchema(json!({"type": "integer"}))),
        };
        let b = chat_body(ctx(true), &r, true).unwrap();
        assert_eq!(b["messages"][0], json!({"role": "user", "content": "你好"}));
        assert_eq!(b["max_tokens"], 7);
        assert_eq!(b["top_k"], 40);
        assert_eq!(b["seed"], 42);
        assert_eq!(b["stop"], json!(["\n\n"]));
        assert_eq!(b["stream_options"]["include_usage"], true);
        assert_eq!(
            b["response_format"]["json_schema"]["schema"]["type"],
            "integer"
        );
        assert_eq!(b["json_schema"]["type"], "integer");
        assert!(b.get("guided_json").is_none());
        assert!((b["repeat_penalty"].as_f64().unwrap() - 1.1).abs() < 1e-6);
        let e = chat_body(ctx(false), &r, true).unwrap_err();
        assert_eq!(e.code(), hkpilot_llm::ErrorCode::Unsupported);
    }

    #[test]
    fn unsupported_schema_is_rejected_before_sending() {
        let mut r = CompletionRequest::new("x");
        r.options.structured = Some(StructuredOutput::JsonSchema(
            json!({"allOf": [{"type": "string"}]}),
        ));
        let e = completion_body(ctx(true), &r, false).unwrap_err();
        assert_eq!(e.code(), hkpilot_llm::ErrorCode::InvalidRequest, "{e}");
    }

    #[test]
    fn reads_chunks_of_both_endpoints() {
        let c =
            json!({"choices": [{"index": 0, "delta": {"content": "粵"}, "finish_reason": null}]});
        assert_eq!(parse_piece(Kind::Chat, true, c).unwrap().text, "粵");
        let c = json!({"choices": [{"index": 0, "text": "a", "finish_reason": "length"}]});
        let p = parse_piece(Kind::Completion, true, c).unwrap();
        assert_eq!(
            (p.text.as_str(), p.finish),
            ("a", Some(FinishReason::Length))
        );
        let u = json!({"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 2,
                       "prompt_tokens_details": {"cached_tokens": 1}}});
        let p = parse_piece(Kind::Chat, true, u).unwrap();
        assert_eq!(p.usage.unwrap().cached_prompt_tokens, 1);
        assert!(parse_piece(Kind::Chat, true, json!({"id": 1})).is_err());
        assert!(parse_piece(Kind::Chat, true, json!([1])).is_err());
        let e = parse_piece(Kind::Chat, true, json!({"error": {"message": "boom"}}));
        assert!(e.unwrap_err().contains("boom"));
    }

    #[test]
    fn error_bodies_of_every_shape() {
        assert_eq!(error_body_text(br#"{"error":{"message":"bad"}}"#), "bad");
        assert_eq!(error_body_text(br#"{"error":"worse"}"#), "worse");
        assert_eq!(error_body_text(br#"{"detail":"nope"}"#), "nope");
        assert!(error_body_text(b"<html><body>502</body></html>").contains("<html>"));
    }
}
