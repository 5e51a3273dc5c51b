//! Requests, options and responses: the vocabulary of [`crate::LlmBackend`].

use serde::{Deserialize, Serialize};

use crate::LlmError;

/// Who said a chat message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
    Tool,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
}

impl ChatMessage {
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        Self {
            role,
            content: content.into(),
        }
    }
    pub fn system(content: impl Into<String>) -> Self {
        Self::new(Role::System, content)
    }
    pub fn user(content: impl Into<String>) -> Self {
        Self::new(Role::User, content)
    }
    pub fn assistant(content: impl Into<String>) -> Self {
        Self::new(Role::Assistant, content)
    }
}

/// What the output must look like.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum StructuredOutput {
    /// Any JSON value matching this JSON schema (the supported subset is in
    /// [`crate::structured`]).
    JsonSchema(serde_json::Value),
    /// A llama.cpp GBNF grammar whose root rule is `root`.
    Grammar(String),
}

/// Sampling and stopping options. The defaults are greedy decoding with no limit other
/// than the context.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GenerationOptions {
    /// Upper bound on generated tokens; `None` = until the context is full.
    pub max_tokens: Option<u32>,
    /// 0 = greedy.
    pub temperature: f32,
    pub top_p: f32,
    /// 0 = disabled.
    pub top_k: u32,
    pub seed: Option<u64>,
    /// Generation ends before the first occurrence of any of these; it is not returned.
    pub stop: Vec<String>,
    /// 1.0 = disabled.
    pub repetition_penalty: f32,
    pub structured: Option<StructuredOutput>,
}

impl Default for GenerationOptions {
    fn default() -> Self {
        Self {
            max_tokens: None,
            temperature: 0.0,
            top_p: 1.0,
            top_k: 0,
            seed: None,
            stop: Vec::new(),
            repetition_penalty: 1.0,
            structured: None,
        }
    }
}

/// Most stop strings a request may carry (OpenAI allows 4; we are a little looser).
pub const MAX_STOP_STRINGS: usize = 16;

impl GenerationOptions {
    /// Rejects values no backend can honour, with a message naming the field.
    pub fn validate(&self) -> Result<(), LlmError> {
        let bad = |m: String| Err(LlmError::InvalidRequest(m));
        if let Some(0) = self.max_tokens {
            return bad("max_tokens must be at least 1".into());
        }
        if !self.temperature.is_finite() || !(0.0..=5.0).contains(&self.temperature) {
            return bad(format!(
                "temperature must be between 0 and 5, got {}",
                self.temperature
            ));
        }
        if !self.top_p.is_finite() || self.top_p <= 0.0 || self.top_p > 1.0 {
            return bad(format!("top_p must be in (0, 1], got {}", self.top_p));
        }
        if !self.repetition_penalty.is_finite() || !(0.1..=10.0).contains(&self.repetition_penalty)
        {
            return bad(format!(
                "repetition_penalty must be between 0.1 and 10, got {}",
                self.repetition_penalty
            ));
        }
        if self.stop.len() > MAX_STOP_STRINGS {
            return bad(format!(
                "at most {MAX_STOP_STRINGS} stop strings are allowed, got {}",
                self.stop.len()
            ));
        }
        if self.stop.iter().any(String::is_empty) {
            return bad("stop strings must not be empty".into());
        }
        Ok(())
    }

    /// The effective seed (fixed when none was asked for, so runs are reproducible).
    pub fn seed_u32(&self) -> u32 {
        // Fold 64 bits into 32 so large seeds from clients still differ.
        self.seed.map_or(0x5eed, |s| (s ^ (s >> 32)) as u32)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    pub messages: Vec<ChatMessage>,
    #[serde(default)]
    pub options: GenerationOptions,
}

impl ChatRequest {
    pub fn new(messages: Vec<ChatMessage>) -> Self {
        Self {
            messages,
            options: GenerationOptions::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompletionRequest {
    pub prompt: String,
    #[serde(default)]
    pub options: GenerationOptions,
}

impl CompletionRequest {
    pub fn new(prompt: impl Into<String>) -> Self {
        Self {
            prompt: prompt.into(),
            options: GenerationOptions::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinishReason {
    /// End-of-generation token, stop string, or a completed grammar.
    Stop,
    /// `max_tokens` or the context ran out.
    Length,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: usize,
    pub completion_tokens: usize,
    /// Prompt tokens whose KV cells were reused from another sequence instead of computed.
    pub cached_prompt_tokens: usize,
}

/// One item of a token stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StreamEvent {
    /// Newly generated text (always whole UTF-8 characters; may be empty-free batches of
    /// several tokens).
    Delta { text: String, tokens: Vec<u32> },
    /// The last event of a successful stream.
    Done {
        finish_reason: FinishReason,
        usage: Usage,
    },
}

/// A finished, non-streamed generation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Completion {
    pub text: String,
    pub tokens: Vec<u32>,
    pub finish_reason: FinishReason,
    pub usage: Usage,
}
