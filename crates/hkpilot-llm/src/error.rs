//! The error type shared by all backends, with stable machine-readable codes.

use std::path::PathBuf;
use std::time::Duration;

/// Stable error codes. The HTTP layer maps each to a status; scripts match on the
/// string form, so never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    Busy,
    ContextLengthExceeded,
    ModelNotFound,
    InvalidModelFile,
    InvalidRequest,
    Unsupported,
    BackendUnavailable,
    Cancelled,
    Template,
    Internal,
}

impl ErrorCode {
    /// The wire form (snake case), e.g. `context_length_exceeded`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Busy => "busy",
            ErrorCode::ContextLengthExceeded => "context_length_exceeded",
            ErrorCode::ModelNotFound => "model_not_found",
            ErrorCode::InvalidModelFile => "invalid_model_file",
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::Unsupported => "unsupported",
            ErrorCode::BackendUnavailable => "backend_unavailable",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::Template => "template_error",
            ErrorCode::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything a backend call can fail with. Messages say what went wrong and what to do.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum LlmError {
    #[error("the model is busy ({queued} requests already waiting); retry after {} ms", retry_after.as_millis())]
    Busy {
        retry_after: Duration,
        queued: usize,
    },

    #[error("the request needs {requested} tokens ({prompt_tokens} prompt + generation) but the model's context holds {max_context}; shorten the input or lower max_tokens")]
    ContextLengthExceeded {
        prompt_tokens: usize,
        requested: usize,
        max_context: usize,
    },

    #[error("model {name:?} not found: {hint}")]
    ModelNotFound { name: String, hint: String },

    #[error("model file {}: {reason}; {hint}", path.display())]
    InvalidModelFile {
        path: PathBuf,
        reason: String,
        hint: String,
    },

    #[error("invalid request: {0}")]
    InvalidRequest(String),

    #[error("not supported by this model or backend: {0}")]
    Unsupported(String),

    #[error("model backend unavailable: {0}")]
    BackendUnavailable(String),

    #[error("the request was cancelled")]
    Cancelled,

    #[error("chat template failed: {0}; check the model's tokenizer.chat_template or configure a template override")]
    Template(String),

    #[error("internal model error: {0}; this is a bug, please report it with the logs")]
    Internal(String),
}

impl LlmError {
    pub fn code(&self) -> ErrorCode {
        match self {
            LlmError::Busy { .. } => ErrorCode::Busy,
            LlmError::ContextLengthExceeded { .. } => ErrorCode::ContextLengthExceeded,
            LlmError::ModelNotFound { .. } => ErrorCode::ModelNotFound,
            LlmError::InvalidModelFile { .. } => ErrorCode::InvalidModelFile,
            LlmError::InvalidRequest(_) => ErrorCode::InvalidRequest,
            LlmError::Unsupported(_) => ErrorCode::Unsupported,
            LlmError::BackendUnavailable(_) => ErrorCode::BackendUnavailable,
            LlmError::Cancelled => ErrorCode::Cancelled,
            LlmError::Template(_) => ErrorCode::Template,
            LlmError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// True when the caller sent something wrong (as opposed to the server failing).
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            LlmError::ContextLengthExceeded { .. }
                | LlmError::ModelNotFound { .. }
                | LlmError::InvalidRequest(_)
                | LlmError::Unsupported(_)
        )
    }

    /// For `busy`: how long the caller should wait before retrying.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            LlmError::Busy { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }
}
