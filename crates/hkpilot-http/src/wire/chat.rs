//! `/v1/chat/completions` wire types.

use hkpilot_llm::{ChatMessage, Completion, Role};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{finish_reason, ChunkUsage, SamplingFields, UsageWire};
use crate::HttpError;

#[derive(Debug, Deserialize)]
pub(crate) struct ChatCompletionRequest {
    #[serde(default)]
    pub model: Option<String>,
    pub messages: Vec<WireMessage>,
    #[serde(flatten)]
    pub sampling: SamplingFields,
    #[serde(default)]
    tools: Option<Value>,
    #[serde(default)]
    functions: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct WireMessage {
    role: String,
    #[serde(default)]
    content: Option<Value>,
    #[serde(default)]
    tool_calls: Option<Value>,
}

fn non_empty(v: &Option<Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    }
}

impl ChatCompletionRequest {
    /// The conversation as our messages; refuses what a text-only model cannot take.
    pub(crate) fn messages(&self) -> Result<Vec<ChatMessage>, HttpError> {
        if non_empty(&self.tools) || non_empty(&self.functions) {
            return Err(HttpError::unsupported(
                "tools",
                "tool and function calling are not supported by this server; remove tools/functions",
            ));
        }
        if self.messages.is_empty() {
            return Err(HttpError::invalid(
                "messages",
                "messages is empty; send at least one message",
            ));
        }
        self.messages
            .iter()
            .enumerate()
            .map(|(i, m)| m.to_message(i))
            .collect()
    }
}

impl WireMessage {
    fn to_message(&self, i: usize) -> Result<ChatMessage, HttpError> {
        let role = match self.role.as_str() {
            // OpenAI's newer name for the system role.
            "system" | "developer" => Role::System,
            "user" => Role::User,
            "assistant" => Role::Assistant,
            "tool" => Role::Tool,
            other => {
                return Err(HttpError::invalid(
                    format!("messages[{i}].role"),
                    format!("role {other:?} is not known; use system, user, assistant or tool"),
                ))
            }
        };
        if non_empty(&self.tool_calls) {
            return Err(HttpError::unsupported(
                format!("messages[{i}].tool_calls"),
                "tool calls are not supported by this server",
            ));
        }
        Ok(ChatMessage::new(role, content_text(&self.content, i)?))
    }
}

/// `content`: a string, or an array of parts of which only text parts are accepted.
fn content_text(content: &Option<Value>, i: usize) -> Result<String, HttpError> {
    let param = || format!("messages[{i}].content");
    match content {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Array(parts)) => {
            let mut text = String::new();
            for p in parts {
                match (p.get("type").and_then(Value::as_str), p.get("text")) {
                    (Some("text"), Some(Value::String(t))) => text.push_str(t),
                    (kind, _) => {
                        return Err(HttpError::unsupported(
                            param(),
                            format!(
                                "content part of type {} is not supported; this server takes text parts only",
                                kind.unwrap_or("(none)")
                            ),
                        ))
                    }
                }
            }
            Ok(text)
        }
        Some(_) => Err(HttpError::invalid(
            param(),
            "content must be a string or an array of text parts",
        )),
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct ChatCompletionResponse {
    pub id: String,
    pub object: &'static str,
    pub created: u64,
    pub model: String,
    pub system_fingerprint: Option<String>,
    pub choices: Vec<ChatChoice>,
    pub usage: UsageWire,
}

#[derive(Debug, Serialize)]
pub(crate) struct ChatChoice {
    pub index: u32,
    pub message: AssistantMessage,
    pub logprobs: Option<()>,
    pub finish_reason: &'static str,
}

#[derive(Debug, Serialize)]
pub(crate) struct AssistantMessage {
    pub role: &'static str,
    pub content: String,
}

impl ChatCompletionResponse {
    pub(crate) fn new(id: String, created: u64, model: String, c: Completion) -> Self {
        Self {
            id,
            object: "chat.completion",
            created,
            model,
            system_fingerprint: None,
            usage: UsageWire::from(&c.usage),
            choices: vec![ChatChoice {
                index: 0,
                message: AssistantMessage {
                    role: "assistant",
                    content: c.text,
                },
                logprobs: None,
                finish_reason: finish_reason(c.finish_reason),
            }],
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct ChatChunk<'a> {
    pub id: &'a str,
    pub object: &'static str,
    pub created: u64,
    pub model: &'a str,
    pub system_fingerprint: Option<String>,
    pub choices: Vec<ChunkChoice<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<ChunkUsage>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ChunkChoice<'a> {
    pub index: u32,
    pub delta: Delta<'a>,
    pub logprobs: Option<()>,
    pub finish_reason: Option<&'static str>,
}

#[derive(Debug, Default, Serialize)]
pub(crate) struct Delta<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn req(v: Value) -> ChatCompletionRequest {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn accepts_strings_text_parts_and_developer_role() {
        let r = req(json!({"model": "m", "messages": [
            {"role": "developer", "content": "Be brief."},
            {"role": "user", "content": [{"type": "text", "text": "香港"}, {"type": "text", "text": " news"}]},
            {"role": "assistant", "content": null}
        ]}));
        let m = r.messages().unwrap();
        assert_eq!(m[0].role, Role::System);
        assert_eq!(m[1].content, "香港 news");
        assert_eq!(m[2].content, "");
    }

    #[test]
    fn refuses_images_tools_and_unknown_roles() {
        let cases = [
            (
                json!({"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]}),
                "messages[0].content",
            ),
            (
                json!({"messages": [{"role": "user", "content": "x"}], "tools": [{"type": "function"}]}),
                "tools",
            ),
            (
                json!({"messages": [{"role": "wizard", "content": "x"}]}),
                "messages[0].role",
            ),
            (json!({"messages": []}), "messages"),
        ];
        for (v, param) in cases {
            let e = req(v.clone()).messages().unwrap_err();
            assert_eq!(e.param(), Some(param), "{v}: {e}");
        }
    }
}
