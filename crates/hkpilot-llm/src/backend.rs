//! The [`LlmBackend`] trait and the model metadata it reports.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::{ChatRequest, Completion, CompletionRequest, LlmError, TokenStream};

/// What a loaded model is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// The name callers use to pick this model.
    pub name: String,
    /// Tokens one request may use (prompt + output) in this deployment.
    pub context_length: usize,
    /// The context length the model was trained with.
    pub train_context_length: usize,
    /// The Jinja chat template, when the model ships one.
    pub chat_template: Option<String>,
    pub vocab_size: usize,
    pub supports_embeddings: bool,
    /// Languages the model is meant for (ISO 639-1), when known.
    pub languages: Vec<String>,
    /// Free-form description: architecture, quantisation, file.
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ready,
    /// Serving, but every slot is taken and the queue is filling.
    Saturated,
    Unavailable,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: HealthStatus,
    /// Requests generating right now.
    pub active: usize,
    /// Requests waiting for a slot.
    pub queued: usize,
    pub detail: Option<String>,
}

/// A model backend. Implementations are cheap to share (`Arc<dyn LlmBackend>`) and safe
/// to call concurrently; each owns its own threads or connections.
///
/// Cancellation: dropping the returned [`TokenStream`] (or the future of a non-streamed
/// call) stops the work for that request.
#[async_trait]
pub trait LlmBackend: Send + Sync + std::fmt::Debug {
    fn info(&self) -> &ModelInfo;

    /// Renders the messages with the model's chat template and streams the reply.
    async fn chat_stream(&self, request: ChatRequest) -> Result<TokenStream, LlmError>;

    /// Streams a continuation of a raw prompt (no template applied).
    async fn complete_stream(&self, request: CompletionRequest) -> Result<TokenStream, LlmError>;

    async fn chat(&self, request: ChatRequest) -> Result<Completion, LlmError> {
        self.chat_stream(request).await?.collect().await
    }

    async fn complete(&self, request: CompletionRequest) -> Result<Completion, LlmError> {
        self.complete_stream(request).await?.collect().await
    }

    /// Token ids of `text`. With `special`, the model's BOS (if it uses one) is added and
    /// special-token text such as `<|im_start|>` is parsed as the special token.
    async fn tokenize(&self, text: &str, special: bool) -> Result<Vec<u32>, LlmError>;

    async fn count_tokens(&self, text: &str) -> Result<usize, LlmError> {
        Ok(self.tokenize(text, false).await?.len())
    }

    /// One vector per input.
    async fn embed(&self, inputs: &[String]) -> Result<Vec<Vec<f32>>, LlmError> {
        let _ = inputs;
        Err(LlmError::Unsupported(format!(
            "model {:?} does not produce embeddings; configure an embedding model",
            self.info().name
        )))
    }

    async fn health(&self) -> Health;
}
