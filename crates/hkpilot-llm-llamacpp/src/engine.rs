//! [`LlamaEngine`]: the handle callers hold. Tokenising, templating and validation run
//! on the caller's thread; decoding runs on the engine's one inference thread, which
//! owns the llama.cpp context and receives requests over a bounded channel.

use std::sync::atomic::Ordering;
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::Arc;

use async_trait::async_trait;
use hkpilot_llm::structured::grammar_for;
use hkpilot_llm::{
    ChatRequest, ChatTemplate, CompletionRequest, GenerationOptions, Health, HealthStatus,
    LlmBackend, LlmError, ModelInfo, TokenStream,
};
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::LlamaModel;
use llama_cpp_2::token::LlamaToken;

use crate::config::EngineConfig;
use crate::metrics::MetricsSnapshot;
use crate::model_file::check_gguf;
use crate::model_meta::{chat_template, model_info};
use crate::scheduler::{Command, Shared};
use crate::sequence::Job;
use crate::worker::inference_thread;
use crate::{runtime, sampler};

/// The embedded llama.cpp engine. Cheap to share behind an `Arc`; dropping the last
/// handle lets the inference thread finish its requests and exit.
pub struct LlamaEngine {
    info: ModelInfo,
    model: Arc<LlamaModel>,
    template: ChatTemplate,
    tx: SyncSender<Command>,
    shared: Arc<Shared>,
    config: EngineConfig,
}

impl std::fmt::Debug for LlamaEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlamaEngine")
            .field("info", &self.info)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl LlamaEngine {
    /// Loads the model and starts the inference thread. Blocking (it reads the model
    /// file): call it from `spawn_blocking` in async code.
    pub fn load(config: EngineConfig) -> Result<Self, LlmError> {
        validate_config(&config)?;
        let path = config.model_path.clone();
        check_gguf(&path)?;
        let backend = runtime::backend(config.llama_logs)?;
        let model = {
            let _guard = runtime::LOAD_LOCK.lock().unwrap_or_else(|p| p.into_inner());
            let params = LlamaModelParams::default().with_n_gpu_layers(config.n_gpu_layers);
            LlamaModel::load_from_file(backend, &path, &params).map_err(|e| {
                LlmError::InvalidModelFile {
                    path: path.clone(),
                    reason: format!("llama.cpp could not load it ({e})"),
                    hint: "check that llama.cpp supports its architecture and quantisation (enable llama_logs for details), or download it again".into(),
                }
            })?
        };
        let model = Arc::new(model);
        let info = model_info(&model, &config, &path);
        let template = chat_template(&model, &config)?;

        let shared = Arc::new(Shared::default());
        let (tx, rx) = sync_channel(config.queue_capacity.max(1));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), LlmError>>();
        let thread_model = Arc::clone(&model);
        let thread_shared = Arc::clone(&shared);
        let cfg = config.clone();
        std::thread::Builder::new()
            .name("hkpilot-llama".into())
            .spawn(move || {
                inference_thread(&thread_model, &cfg, rx, thread_shared, backend, ready_tx)
            })
            .map_err(|e| {
                LlmError::BackendUnavailable(format!("cannot start the inference thread: {e}"))
            })?;
        ready_rx.recv().map_err(|_| {
            LlmError::BackendUnavailable("the inference thread stopped while starting".into())
        })??;
        Ok(Self {
            info,
            model,
            template,
            tx,
            shared,
            config,
        })
    }

    /// Crashes the inference thread, to test that callers get errors, not hangs.
    #[cfg(feature = "fault-injection")]
    pub fn inject_panic(&self) {
        self.shared.metrics.queued.fetch_add(1, Ordering::Relaxed);
        let _ = self.tx.try_send(Command::Panic);
    }

    pub fn metrics(&self) -> MetricsSnapshot {
        self.shared.metrics.snapshot()
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    pub fn template(&self) -> &ChatTemplate {
        &self.template
    }

    fn tokens(&self, text: &str, add_special: bool) -> Vec<LlamaToken> {
        self.model
            .vocab()
            .tokenize(text.as_bytes(), add_special, true)
    }

    /// Tokens of a rendered chat prompt: special-token text parsed, BOS added only when
    /// the model wants one and the template did not write it.
    pub fn chat_tokens(&self, request: &ChatRequest) -> Result<Vec<LlamaToken>, LlmError> {
        let text = self.template.render(&request.messages, true)?;
        let mut tokens = self.tokens(&text, false);
        let vocab = self.model.vocab();
        if vocab.should_add_bos() && tokens.first() != Some(&vocab.bos()) {
            tokens.insert(0, vocab.bos());
        }
        Ok(tokens)
    }

    /// Queues a generation for already-tokenised input.
    pub fn generate_tokens(
        &self,
        prompt: Vec<LlamaToken>,
        opts: &GenerationOptions,
    ) -> Result<TokenStream, LlmError> {
        opts.validate()?;
        if let Some(reason) = self.shared.dead.get() {
            return Err(LlmError::BackendUnavailable(reason.clone()));
        }
        let n = prompt.len();
        if n == 0 {
            return Err(LlmError::InvalidRequest("the prompt is empty".into()));
        }
        let max_ctx = self.info.context_length;
        let wanted = opts.max_tokens.map_or(1, |m| m as usize);
        if n + wanted > max_ctx {
            return Err(LlmError::ContextLengthExceeded {
                prompt_tokens: n,
                requested: n.saturating_add(wanted),
                max_context: max_ctx,
            });
        }
        let max_new = opts.max_tokens.map_or(max_ctx - n, |m| m as usize);
        let grammar = opts.structured.as_ref().map(grammar_for).transpose()?;
        let sampler = sampler::build(&self.model, opts);
        let grammar = grammar
            .as_deref()
            .map(|g| sampler::grammar_sampler(&self.model, g))
            .transpose()?;
        let (stream_tx, stream) = TokenStream::channel();
        let job = Job {
            prompt,
            sampler,
            max_new,
            stop: opts.stop.clone(),
            grammar,
            tx: stream_tx,
        };
        let metrics = &self.shared.metrics;
        metrics.queued.fetch_add(1, Ordering::Relaxed);
        match self.tx.try_send(Command::Generate(job)) {
            Ok(()) => Ok(stream),
            Err(e) => {
                metrics.queued.fetch_sub(1, Ordering::Relaxed);
                Err(match e {
                    TrySendError::Full(_) => {
                        metrics.busy_rejections.fetch_add(1, Ordering::Relaxed);
                        LlmError::Busy {
                            retry_after: self.config.retry_after,
                            queued: self.config.queue_capacity,
                        }
                    }
                    TrySendError::Disconnected(_) => LlmError::BackendUnavailable(
                        self.shared
                            .dead
                            .get()
                            .cloned()
                            .unwrap_or_else(|| "the inference thread has stopped".into()),
                    ),
                })
            }
        }
    }
}

fn validate_config(c: &EngineConfig) -> Result<(), LlmError> {
    let bad = |m: &str| {
        Err(LlmError::InvalidRequest(format!(
            "engine configuration: {m}"
        )))
    };
    if c.n_ctx < 16 {
        return bad("n_ctx must be at least 16");
    }
    if c.n_batch == 0 || c.n_parallel == 0 {
        return bad("n_batch and n_parallel must be at least 1");
    }
    if c.n_ctx_seq() < 16 {
        return bad("n_ctx / n_parallel must be at least 16 with per-sequence KV streams (kv_unified false)");
    }
    // llama.cpp sizes its output buffer from n_batch but may be asked for one output
    // per sequence (generating ones and cache slots alike); fewer rows abort it
    // (GGML_ASSERT n_outputs_max), so refuse the configuration instead.
    if c.n_batch < c.n_parallel + c.n_cache_slots {
        return bad("n_batch must be at least n_parallel + n_cache_slots (every sequence may need an output row)");
    }
    if c.n_parallel + c.n_cache_slots > 256 {
        return bad("n_parallel + n_cache_slots must not exceed 256 (llama.cpp's sequence limit)");
    }
    Ok(())
}

#[async_trait]
impl LlmBackend for LlamaEngine {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    async fn chat_stream(&self, request: ChatRequest) -> Result<TokenStream, LlmError> {
        let tokens = self.chat_tokens(&request)?;
        self.generate_tokens(tokens, &request.options)
    }

    async fn complete_stream(&self, request: CompletionRequest) -> Result<TokenStream, LlmError> {
        let tokens = self.tokens(&request.prompt, true);
        self.generate_tokens(tokens, &request.options)
    }

    async fn tokenize(&self, text: &str, special: bool) -> Result<Vec<u32>, LlmError> {
        Ok(self
            .model
            .vocab()
            .tokenize(text.as_bytes(), special, special)
            .into_iter()
            .map(|t| t.0 as u32)
            .collect())
    }

    async fn embed(&self, inputs: &[String]) -> Result<Vec<Vec<f32>>, LlmError> {
        if inputs.is_empty() {
            return Ok(Vec::new());
        }
        let vocab = self.model.vocab();
        let tokens: Vec<Vec<LlamaToken>> = inputs
            .iter()
            .map(|s| vocab.tokenize(s.as_bytes(), true, false))
            .collect();
        if let Some(reason) = self.shared.dead.get() {
            return Err(LlmError::BackendUnavailable(reason.clone()));
        }
        let (reply, rx) = tokio::sync::oneshot::channel();
        self.shared.metrics.queued.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = self.tx.try_send(Command::Embed {
            inputs: tokens,
            reply,
        }) {
            self.shared.metrics.queued.fetch_sub(1, Ordering::Relaxed);
            return Err(match e {
                TrySendError::Full(_) => LlmError::Busy {
                    retry_after: self.config.retry_after,
                    queued: self.config.queue_capacity,
                },
                TrySendError::Disconnected(_) => {
                    LlmError::BackendUnavailable("the inference thread has stopped".into())
                }
            });
        }
        rx.await.map_err(|_| {
            LlmError::BackendUnavailable("the inference thread stopped during the request".into())
        })?
    }

    async fn health(&self) -> Health {
        let m = self.metrics();
        match self.shared.dead.get() {
            Some(reason) => Health {
                status: HealthStatus::Unavailable,
                active: 0,
                queued: m.queued,
                detail: Some(reason.clone()),
            },
            None => Health {
                status: if m.queued > 0 {
                    HealthStatus::Saturated
                } else {
                    HealthStatus::Ready
                },
                active: m.active,
                queued: m.queued,
                detail: None,
            },
        }
    }
}
