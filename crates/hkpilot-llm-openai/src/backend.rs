//! [`OpenAiBackend`]: the [`LlmBackend`] implementation over a remote server.

use std::sync::Arc;

use async_trait::async_trait;
use hkpilot_llm::{
    ChatRequest, Completion, CompletionRequest, GenerationOptions, Health, LlmBackend, LlmError,
    ModelInfo, StructuredOutput, TokenStream,
};
use hkpilot_text::tokens::estimate_tokens;
use reqwest::Method;
use serde_json::Value;

use crate::discover::{discover, parse_tokens, Discovered};
use crate::output::{check_structured, fill_usage};
use crate::streaming::{spawn, StreamJob};
use crate::transport::{Transport, Wait};
use crate::wire::{self, parse_piece, BodyCtx, Kind};
use crate::OpenAiConfig;

/// A model on a remote OpenAI-compatible server. Cloning is cheap (one `Arc`), and all
/// clones share one connection pool; it is `Send + Sync`, so one value serves any
/// number of concurrent requests.
#[derive(Debug, Clone)]
pub struct OpenAiBackend {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    transport: Transport,
    info: ModelInfo,
    tokenize_url: Option<String>,
}

impl OpenAiBackend {
    /// Validates `config`, reads the API key, and asks the server about the model
    /// (`GET {base_url}/models`, and `/props`, `/tokenize` where the server has them).
    /// Fails with a message naming the URL when the server cannot be reached or does
    /// not serve `config.model`.
    pub async fn connect(config: OpenAiConfig) -> Result<Self, LlmError> {
        config.validate()?;
        let key = config.resolve_api_key()?;
        let transport = Transport::new(&config, key.as_deref())?;
        let found = discover(&transport).await?;
        let info = model_info(&config, &found);
        tracing::info!(backend = %config.name, url = %config.base_url, model = %config.model,
            context = info.context_length, "remote model connected");
        Ok(Self {
            inner: Arc::new(Inner {
                transport,
                info,
                tokenize_url: found.tokenize_url,
            }),
        })
    }

    pub fn config(&self) -> &OpenAiConfig {
        self.inner.transport.config()
    }

    /// True when token counts come from the server's tokenizer, false when estimated.
    pub fn has_server_tokenizer(&self) -> bool {
        self.inner.tokenize_url.is_some()
    }

    fn ctx(&self) -> BodyCtx<'_> {
        let c = self.config();
        BodyCtx {
            model: &c.model,
            extensions: c.extensions,
            backend: &c.name,
        }
    }

    fn url(&self, kind: Kind) -> String {
        format!("{}{}", self.config().api_root(), kind.path())
    }

    async fn stream(
        &self,
        kind: Kind,
        body: Value,
        o: &GenerationOptions,
        prompt_estimate: usize,
    ) -> Result<TokenStream, LlmError> {
        let t = &self.inner.transport;
        let url = self.url(kind);
        let resp = t
            .send(Method::POST, &url, Some(&body), Wait::Headers)
            .await?;
        let job = StreamJob {
            transport: t.clone(),
            url,
            kind,
            schema: schema_of(o).cloned(),
            prompt_estimate,
        };
        Ok(spawn(job, resp))
    }

    async fn whole(
        &self,
        kind: Kind,
        body: Value,
        o: &GenerationOptions,
        prompt_estimate: usize,
    ) -> Result<Completion, LlmError> {
        let t = &self.inner.transport;
        let url = self.url(kind);
        let v = t.json(Method::POST, &url, Some(&body)).await?;
        let piece = parse_piece(kind, false, v).map_err(|e| t.garbage(&url, &e))?;
        let finish_reason = piece.finish.unwrap_or(hkpilot_llm::FinishReason::Stop);
        check_structured(t, &url, schema_of(o), &piece.text, finish_reason)?;
        let usage = fill_usage(piece.usage, prompt_estimate, &piece.text);
        Ok(Completion {
            text: piece.text,
            tokens: Vec::new(),
            finish_reason,
            usage,
        })
    }
}

fn schema_of(o: &GenerationOptions) -> Option<&Value> {
    match &o.structured {
        Some(StructuredOutput::JsonSchema(s)) => Some(s),
        _ => None,
    }
}

/// Only used when the server reports no usage: content plus a few tokens of template
/// per message.
fn chat_estimate(r: &ChatRequest) -> usize {
    r.messages
        .iter()
        .map(|m| estimate_tokens(&m.content) + 4)
        .sum()
}

fn model_info(c: &OpenAiConfig, d: &Discovered) -> ModelInfo {
    let tokens = match &d.tokenize_url {
        Some(u) => format!("token counts exact via {u}"),
        None => "token counts ESTIMATED with hkpilot-text's estimate_tokens (the server has no /tokenize; tokenize() is unsupported)".to_string(),
    };
    let vocab = match d.vocab_size {
        Some(n) => format!("vocabulary {n}"),
        None => "vocabulary size unknown (reported as 0)".to_string(),
    };
    ModelInfo {
        name: c.name.clone(),
        context_length: d.context_length,
        train_context_length: d.train_context_length.unwrap_or(d.context_length),
        // The server applies its own template; ours would be a guess.
        chat_template: None,
        vocab_size: d.vocab_size.unwrap_or(0),
        supports_embeddings: c.supports_embeddings,
        languages: Vec::new(),
        description: format!(
            "remote OpenAI-compatible model {:?} at {}; context {} tokens ({}); {tokens}; {vocab}; streamed text carries no token ids",
            c.model, c.base_url, d.context_length, d.context_source
        ),
    }
}

#[async_trait]
impl LlmBackend for OpenAiBackend {
    fn info(&self) -> &ModelInfo {
        &self.inner.info
    }

    async fn chat_stream(&self, request: ChatRequest) -> Result<TokenStream, LlmError> {
        let body = wire::chat_body(self.ctx(), &request, true)?;
        self.stream(Kind::Chat, body, &request.options, chat_estimate(&request))
            .await
    }

    async fn complete_stream(&self, request: CompletionRequest) -> Result<TokenStream, LlmError> {
        let body = wire::completion_body(self.ctx(), &request, true)?;
        let est = estimate_tokens(&request.prompt);
        self.stream(Kind::Completion, body, &request.options, est)
            .await
    }

    /// Uses the non-streaming endpoint, so the whole request may be retried.
    async fn chat(&self, request: ChatRequest) -> Result<Completion, LlmError> {
        let body = wire::chat_body(self.ctx(), &request, false)?;
        self.whole(Kind::Chat, body, &request.options, chat_estimate(&request))
            .await
    }

    async fn complete(&self, request: CompletionRequest) -> Result<Completion, LlmError> {
        let body = wire::completion_body(self.ctx(), &request, false)?;
        let est = estimate_tokens(&request.prompt);
        self.whole(Kind::Completion, body, &request.options, est)
            .await
    }

    async fn tokenize(&self, text: &str, special: bool) -> Result<Vec<u32>, LlmError> {
        let t = &self.inner.transport;
        let Some(url) = &self.inner.tokenize_url else {
            return Err(LlmError::Unsupported(format!(
                "remote backend {:?} ({}) has no /tokenize endpoint, so token ids are not available; count_tokens() gives an estimate",
                self.config().name,
                self.config().server_root()
            )));
        };
        let body = wire::tokenize_body(&self.config().model, text, special);
        let v = t.json(Method::POST, url, Some(&body)).await?;
        parse_tokens(&v)
            .ok_or_else(|| t.garbage(url, "a tokenize answer without a `tokens` list of ids"))
    }

    /// Exact through the server's tokenizer when it has one, else an estimate (as
    /// `info().description` says).
    async fn count_tokens(&self, text: &str) -> Result<usize, LlmError> {
        if self.inner.tokenize_url.is_some() {
            Ok(self.tokenize(text, false).await?.len())
        } else {
            Ok(estimate_tokens(text))
        }
    }

    async fn embed(&self, inputs: &[String]) -> Result<Vec<Vec<f32>>, LlmError> {
        let c = self.config();
        if !c.supports_embeddings {
            return Err(LlmError::Unsupported(format!(
                "remote backend {:?} is not configured for embeddings; set supports_embeddings = true if {} serves them",
                c.name, c.base_url
            )));
        }
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        let t = &self.inner.transport;
        let url = format!("{}/embeddings", c.api_root());
        let v = t
            .json(
                Method::POST,
                &url,
                Some(&wire::embeddings_body(&c.model, inputs)),
            )
            .await?;
        crate::embed::parse_embeddings(&v, inputs.len()).map_err(|e| t.garbage(&url, &e))
    }

    async fn health(&self) -> Health {
        crate::health::check(&self.inner.transport).await
    }
}

impl From<OpenAiBackend> for Arc<dyn LlmBackend> {
    fn from(b: OpenAiBackend) -> Self {
        Arc::new(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_shareable<T: Send + Sync + Clone + 'static>() {}

    #[test]
    fn backend_is_shareable() {
        assert_shareable::<OpenAiBackend>();
    }

    #[test]
    fn description_says_when_counts_are_estimates() {
        let c = OpenAiConfig::new("gpu", "http://h/v1", "m");
        let mut d = Discovered {
            context_length: 100,
            context_source: "test".into(),
            train_context_length: None,
            vocab_size: None,
            tokenize_url: None,
        };
        assert!(model_info(&c, &d).description.contains("ESTIMATED"));
        d.tokenize_url = Some("http://h/tokenize".into());
        assert!(model_info(&c, &d)
            .description
            .contains("exact via http://h/tokenize"));
    }
}
