//! HKPilot's remote model backend: any OpenAI-compatible server (vLLM, TGI, llama.cpp's
//! `llama-server`, Ollama, SGLang, OpenAI itself) behind the same [`LlmBackend`] trait
//! as the embedded engine.
//!
//! [`OpenAiBackend::connect`] checks the server and model up front. Generation goes to
//! `/chat/completions` and `/completions`, streamed as server-sent events
//! ([`sse`]); embeddings to `/embeddings`; token counts to the server's `/tokenize`
//! when it has one, otherwise to hkpilot-text's estimate, which `ModelInfo::description`
//! then says.
//!
//! What a remote server cannot give: token ids of generated text (`StreamEvent::Delta`
//! and `Completion` carry empty `tokens`), a chat template (`chat_template` is `None`:
//! the server applies its own), and queue figures in `Health`. Usage counts come from
//! the server (`stream_options.include_usage`) and are estimated only when it sends
//! none.
//!
//! Failure policy: connect errors and HTTP 429/502/503/504 are retried with exponential
//! back-off and jitter, honouring `Retry-After`, but only until a 2xx answer arrives —
//! never once text has been streamed. Every failure is an [`LlmError`] whose message
//! names the backend and the URL. Dropping a [`hkpilot_llm::TokenStream`] closes the
//! HTTP connection, which stops generation on servers that watch for it.
//!
//! [`LlmBackend`]: hkpilot_llm::LlmBackend
//! [`LlmError`]: hkpilot_llm::LlmError

mod backend;
mod config;
mod discover;
mod embed;
mod health;
mod output;
pub mod sse;
mod streaming;
mod transport;
mod wire;

pub use backend::OpenAiBackend;
pub use config::OpenAiConfig;
