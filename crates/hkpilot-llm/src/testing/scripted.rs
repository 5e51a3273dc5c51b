//! A scripted backend for pipeline tests: the test supplies the model's answers as a
//! function of the request; the backend does the rest a real one does (context limit,
//! usage, streaming) and records what it was asked, how often and how concurrently.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;

use crate::{
    ChatRequest, CompletionRequest, FinishReason, Health, HealthStatus, LlmBackend, LlmError,
    ModelInfo, Role, StreamEvent, TokenStream, Usage,
};

/// What a scripted model answers. Tests implement it on their own script types.
pub trait Reply: Send + Sync + std::fmt::Debug {
    /// The whole answer to one chat request, or the error the backend reports.
    fn reply(&self, request: &ChatRequest) -> Result<String, LlmError>;
}

/// A backend whose answers come from a [`Reply`]. Each call stays in flight for
/// `delay` (20 ms by default) so that concurrent calls overlap and tests can see it.
#[derive(Debug)]
pub struct ScriptedBackend<S> {
    info: ModelInfo,
    /// The script, for tests that inspect or share it.
    pub script: S,
    delay: Duration,
    /// Chat calls made.
    pub calls: AtomicUsize,
    in_flight: AtomicUsize,
    /// The most calls that were ever in flight at once.
    pub max_in_flight: AtomicUsize,
    /// Every request, in the order they arrived.
    pub requests: Mutex<Vec<ChatRequest>>,
}

impl<S: Reply> ScriptedBackend<S> {
    /// A backend with an 8,192-token context that knows English and Chinese.
    pub fn new(script: impl Into<S>) -> Self {
        ScriptedBackend {
            info: ModelInfo {
                name: "scripted".into(),
                context_length: 8192,
                train_context_length: 8192,
                chat_template: None,
                vocab_size: 1000,
                supports_embeddings: false,
                languages: vec!["en".into(), "zh".into()],
                description: "test backend".into(),
            },
            script: script.into(),
            delay: Duration::from_millis(20),
            calls: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            requests: Mutex::new(Vec::new()),
        }
    }

    pub fn with_context(mut self, tokens: usize) -> Self {
        self.info.context_length = tokens;
        self.info.train_context_length = tokens;
        self
    }

    /// The languages the model says it knows (ISO 639-1 codes).
    pub fn with_languages(mut self, languages: &[&str]) -> Self {
        self.info.languages = languages.iter().map(|l| l.to_string()).collect();
        self
    }

    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }

    pub fn requests(&self) -> Vec<ChatRequest> {
        self.requests.lock().expect("requests lock").clone()
    }

    /// (system, user) messages of every request, in order.
    pub fn prompts(&self) -> Vec<(String, String)> {
        self.requests()
            .iter()
            .map(|r| (message(r, Role::System), message(r, Role::User)))
            .collect()
    }

    /// The last user message of every request, in order.
    pub fn users(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| message(r, Role::User))
            .collect()
    }
}

/// The last message with `role` in a request; empty when there is none.
pub fn message(request: &ChatRequest, role: Role) -> String {
    request
        .messages
        .iter()
        .rfind(|m| m.role == role)
        .map(|m| m.content.clone())
        .unwrap_or_default()
}

/// Tokens as scripted models count them: one per word, one per Han character.
pub fn scripted_token_count(text: &str) -> usize {
    text.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                .count()
                .max(1)
        })
        .sum()
}

#[async_trait]
impl<S: Reply> LlmBackend for ScriptedBackend<S> {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    async fn chat_stream(&self, request: ChatRequest) -> Result<TokenStream, LlmError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.requests
            .lock()
            .expect("requests lock")
            .push(request.clone());
        let prompt: String = request
            .messages
            .iter()
            .map(|m| m.content.as_str())
            .collect();
        let prompt_tokens = scripted_token_count(&prompt);
        if prompt_tokens >= self.info.context_length {
            return Err(LlmError::ContextLengthExceeded {
                prompt_tokens,
                requested: prompt_tokens + 1,
                max_context: self.info.context_length,
            });
        }
        let text = self.script.reply(&request)?;
        let (tx, stream) = TokenStream::channel();
        let completion_tokens = scripted_token_count(&text);
        tx.send(Ok(StreamEvent::Delta {
            text,
            tokens: vec![1],
        }));
        tx.send(Ok(StreamEvent::Done {
            finish_reason: FinishReason::Stop,
            usage: Usage {
                prompt_tokens,
                completion_tokens,
                cached_prompt_tokens: 0,
            },
        }));
        Ok(stream)
    }

    async fn complete_stream(&self, _request: CompletionRequest) -> Result<TokenStream, LlmError> {
        Err(LlmError::Unsupported("completions".into()))
    }

    async fn tokenize(&self, text: &str, _special: bool) -> Result<Vec<u32>, LlmError> {
        Ok(vec![1; scripted_token_count(text)])
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
