//! HKPilot model layer: the [`LlmBackend`] trait every model backend implements, the
//! request and response types, chat-template rendering and structured-output helpers.
//!
//! Pipelines depend on this crate only and talk to `dyn LlmBackend`; concrete backends
//! (the embedded llama.cpp engine, remote OpenAI-compatible servers) live in their own
//! crates and are chosen by the binary.

mod backend;
mod error;
mod stream;
pub mod structured;
pub mod template;
pub mod testing;
mod types;

pub use backend::{Health, HealthStatus, LlmBackend, ModelInfo};
pub use error::{ErrorCode, LlmError};
pub use stream::{StreamSender, TokenStream};
pub use template::ChatTemplate;
pub use types::{
    ChatMessage, ChatRequest, Completion, CompletionRequest, FinishReason, GenerationOptions, Role,
    StreamEvent, StructuredOutput, Usage,
};
