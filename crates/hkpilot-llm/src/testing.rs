//! Deterministic in-memory backends for pipeline tests. Not models: [`EchoBackend`]
//! replies with the last user message (or the prompt) and counts one token per
//! character; [`ScriptedBackend`] answers what the test's script says.

mod scripted;

pub use scripted::{message, scripted_token_count, Reply, ScriptedBackend};

use async_trait::async_trait;

use crate::stream::channel;
use crate::{
    ChatRequest, CompletionRequest, FinishReason, GenerationOptions, Health, HealthStatus,
    LlmBackend, LlmError, ModelInfo, StreamEvent, TokenStream, Usage,
};

/// Echoes its input. Honours `max_tokens`, `stop` and the context length, so pipelines
/// can test their budgeting and error paths without a model.
#[derive(Debug, Clone)]
pub struct EchoBackend {
    info: ModelInfo,
}

impl Default for EchoBackend {
    fn default() -> Self {
        Self::new(4096)
    }
}

impl EchoBackend {
    pub fn new(context_length: usize) -> Self {
        Self {
            info: ModelInfo {
                name: "echo".into(),
                context_length,
                train_context_length: context_length,
                chat_template: None,
                vocab_size: 0x11_0000,
                supports_embeddings: true,
                languages: vec!["en".into(), "zh".into()],
                description: "test backend that echoes its input".into(),
            },
        }
    }

    fn run(
        &self,
        prompt: &str,
        reply: &str,
        opts: &GenerationOptions,
    ) -> Result<TokenStream, LlmError> {
        opts.validate()?;
        let prompt_tokens = prompt.chars().count();
        if prompt_tokens >= self.info.context_length {
            return Err(LlmError::ContextLengthExceeded {
                prompt_tokens,
                requested: prompt_tokens + 1,
                max_context: self.info.context_length,
            });
        }
        let room = self.info.context_length - prompt_tokens;
        let limit = opts.max_tokens.map_or(room, |m| (m as usize).min(room));
        let mut text: String = reply.to_string();
        let mut finish = FinishReason::Stop;
        if let Some(cut) = opts.stop.iter().filter_map(|s| text.find(s.as_str())).min() {
            text.truncate(cut);
        }
        if text.chars().count() > limit {
            text = text.chars().take(limit).collect();
            finish = FinishReason::Length;
        }
        let (tx, stream) = channel();
        let mut n = 0;
        for ch in text.chars() {
            n += 1;
            tx.send(Ok(StreamEvent::Delta {
                text: ch.to_string(),
                tokens: vec![ch as u32],
            }));
        }
        tx.send(Ok(StreamEvent::Done {
            finish_reason: finish,
            usage: Usage {
                prompt_tokens,
                completion_tokens: n,
                cached_prompt_tokens: 0,
            },
        }));
        Ok(stream)
    }
}

#[async_trait]
impl LlmBackend for EchoBackend {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    async fn chat_stream(&self, request: ChatRequest) -> Result<TokenStream, LlmError> {
        let prompt = crate::ChatTemplate::chatml().render(&request.messages, true)?;
        let reply = request
            .messages
            .iter()
            .rev()
            .find(|m| m.role == crate::Role::User)
            .map(|m| m.content.clone())
            .unwrap_or_default();
        self.run(&prompt, &reply, &request.options)
    }

    async fn complete_stream(&self, request: CompletionRequest) -> Result<TokenStream, LlmError> {
        self.run(&request.prompt, &request.prompt, &request.options)
    }

    async fn tokenize(&self, text: &str, _special: bool) -> Result<Vec<u32>, LlmError> {
        Ok(text.chars().map(|c| c as u32).collect())
    }

    async fn embed(&self, inputs: &[String]) -> Result<Vec<Vec<f32>>, LlmError> {
        // Character histogram over 16 buckets, normalised: similar texts get similar
        // vectors, which is enough to test retrieval plumbing.
        Ok(inputs
            .iter()
            .map(|s| {
                let mut v = [0f32; 16];
                for c in s.chars() {
                    v[(c as usize) % 16] += 1.0;
                }
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
                v.iter().map(|x| x / norm).collect()
            })
            .collect())
    }

    async fn health(&self) -> Health {
        Health {
            status: HealthStatus::Ready,
            active: 0,
            queued: 0,
            detail: None,
        }
    }
}
