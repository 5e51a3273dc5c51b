//! The crate's error type and the one table from error code to HTTP status. Every error
//! leaves the server as OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`,
//! so OpenAI client libraries raise their usual exceptions.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hkpilot_llm::{ErrorCode, LlmError};
use serde::Serialize;

/// Everything a request (or building the server) can fail with.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The backend refused or failed; its code decides the status.
    #[error(transparent)]
    Llm(#[from] LlmError),

    /// A field has a value we cannot honour (out of range, wrong type, empty).
    #[error("{message}")]
    InvalidParam { param: String, message: String },

    /// A field OpenAI defines that this server does not implement.
    #[error("{message}")]
    UnsupportedParam { param: String, message: String },

    #[error("the request body is not valid JSON for this endpoint: {0}")]
    BadJson(String),

    #[error("could not read the request body: {0}")]
    BodyRead(String),

    #[error("the request body is larger than the {limit}-byte limit; send less text, or raise the server's max_body_bytes")]
    PayloadTooLarge { limit: usize },

    #[error("model {name:?} is not served here; available models: {available} (GET /v1/models lists them)")]
    ModelNotFound { name: String, available: String },

    #[error(
        "no API key was sent; send `Authorization: Bearer <key>` with one of the server's keys"
    )]
    MissingApiKey,

    #[error("the API key is not valid for this server; check the key you configured (HKPILOT_API_KEYS on the server)")]
    InvalidApiKey,

    #[error("no endpoint at {method} {path}; the product API is under /api/ (its OpenAPI document at GET /api/openapi.json, when the server has a data directory), the OpenAI-compatible API under /v1/ (GET /v1/models, POST /v1/chat/completions, POST /v1/completions, POST /v1/embeddings), the web page at /")]
    NotFound { method: String, path: String },

    #[error("{method} is not allowed on {path}; check the method your client sends")]
    MethodNotAllowed { method: String, path: String },

    /// A product API call (`/api/…`) was refused or failed; its code decides the status.
    #[error(transparent)]
    Service(#[from] hkpilot_service::ServiceError),

    /// A state-changing request without the page's CSRF token, or from another site.
    #[error("this request did not come from HKPilot's own page (missing or wrong CSRF token, or another site's origin); reload the page and try again")]
    Csrf,

    /// The process is up but its models are still loading (`serve_while_loading`).
    #[error("the server is still loading its models; retry in a few seconds")]
    Loading,

    /// Building the server: something in [`crate::HttpConfig`] or [`crate::Backends`] is wrong.
    #[error("HTTP server configuration: {0}")]
    Config(String),
}

impl HttpError {
    pub fn invalid(param: impl Into<String>, message: impl Into<String>) -> Self {
        HttpError::InvalidParam {
            param: param.into(),
            message: message.into(),
        }
    }

    pub fn unsupported(param: impl Into<String>, message: impl Into<String>) -> Self {
        HttpError::UnsupportedParam {
            param: param.into(),
            message: message.into(),
        }
    }

    /// The stable snake_case code clients match on.
    pub fn code(&self) -> &'static str {
        match self {
            HttpError::Llm(e) => e.code().as_str(),
            HttpError::InvalidParam { .. } => "invalid_request",
            HttpError::UnsupportedParam { .. } => "unsupported",
            HttpError::BadJson(_) => "invalid_json",
            HttpError::BodyRead(_) => "invalid_body",
            HttpError::PayloadTooLarge { .. } => "payload_too_large",
            HttpError::ModelNotFound { .. } => "model_not_found",
            HttpError::MissingApiKey => "missing_api_key",
            HttpError::InvalidApiKey => "invalid_api_key",
            HttpError::NotFound { .. } => "not_found",
            HttpError::MethodNotAllowed { .. } => "method_not_allowed",
            HttpError::Service(e) => e.code(),
            HttpError::Csrf => "csrf_failed",
            HttpError::Config(_) => "invalid_config",
            HttpError::Loading => "loading_models",
        }
    }

    /// The status table. No catch-all arms: a new error variant or backend code must be
    /// placed here on purpose.
    pub fn status(&self) -> StatusCode {
        match self {
            HttpError::Llm(e) => llm_status(e.code()),
            HttpError::InvalidParam { .. }
            | HttpError::UnsupportedParam { .. }
            | HttpError::BadJson(_)
            | HttpError::BodyRead(_) => StatusCode::BAD_REQUEST,
            HttpError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            HttpError::ModelNotFound { .. } | HttpError::NotFound { .. } => StatusCode::NOT_FOUND,
            HttpError::MissingApiKey | HttpError::InvalidApiKey => StatusCode::UNAUTHORIZED,
            HttpError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            HttpError::Service(e) => service_status(e),
            HttpError::Csrf => StatusCode::FORBIDDEN,
            HttpError::Config(_) => StatusCode::INTERNAL_SERVER_ERROR,
            HttpError::Loading => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The request field at fault, when there is one.
    pub fn param(&self) -> Option<&str> {
        match self {
            HttpError::InvalidParam { param, .. } | HttpError::UnsupportedParam { param, .. } => {
                Some(param)
            }
            HttpError::ModelNotFound { .. } => Some("model"),
            // Backend errors do not know which request field caused them.
            _ => None,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            HttpError::Llm(e) => e.retry_after(),
            HttpError::Service(hkpilot_service::ServiceError::Locked { retry_after }) => {
                Some(*retry_after)
            }
            HttpError::Loading => Some(Duration::from_secs(5)),
            _ => None,
        }
    }

    /// The JSON body, also used for errors inside an SSE stream.
    pub fn body(&self) -> ErrorBody {
        let status = self.status();
        let kind = match status {
            StatusCode::UNAUTHORIZED => "authentication_error",
            s if s == StatusCode::SERVICE_UNAVAILABLE => "server_busy",
            s if s.is_client_error() => "invalid_request_error",
            _ => "server_error",
        };
        ErrorBody {
            error: ErrorDetail {
                message: self.to_string(),
                kind,
                param: self.param().map(str::to_string),
                code: self.code(),
            },
        }
    }
}

/// Status for each backend error code.
fn llm_status(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::Busy => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::ContextLengthExceeded => StatusCode::BAD_REQUEST,
        ErrorCode::ModelNotFound => StatusCode::NOT_FOUND,
        // A model file the server was configured with is broken: not the caller's fault.
        ErrorCode::InvalidModelFile => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::InvalidRequest => StatusCode::BAD_REQUEST,
        ErrorCode::Unsupported => StatusCode::BAD_REQUEST,
        ErrorCode::BackendUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        // Only the server cancels requests a client still waits for (shutting down).
        ErrorCode::Cancelled => StatusCode::SERVICE_UNAVAILABLE,
        // Templates raise on message orders they reject (e.g. two system messages); the
        // same request will fail again, so 400 keeps clients from retrying it.
        ErrorCode::Template => StatusCode::BAD_REQUEST,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Status for each product API error. A document the caller may not read is 404,
/// never 403, so its existence is not revealed.
fn service_status(e: &hkpilot_service::ServiceError) -> StatusCode {
    use hkpilot_service::ServiceError as E;
    match e {
        E::Unauthenticated | E::BadCredentials => StatusCode::UNAUTHORIZED,
        E::Locked { .. } => StatusCode::TOO_MANY_REQUESTS,
        E::Denied(d) if d.conceals_existence() => StatusCode::NOT_FOUND,
        E::Denied(_) => StatusCode::FORBIDDEN,
        E::NotFound(_) => StatusCode::NOT_FOUND,
        E::Invalid(_) => StatusCode::BAD_REQUEST,
        E::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        E::Conflict(_) => StatusCode::CONFLICT,
        E::StorageFull(_) => StatusCode::INSUFFICIENT_STORAGE,
        E::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// `{"error": {...}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// One error: a message for people, a stable `code` for programs.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    pub message: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub param: Option<String>,
    pub code: &'static str,
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::warn!(code = self.code(), "request failed: {self}");
        }
        let mut response = (status, axum::Json(self.body())).into_response();
        let headers = response.headers_mut();
        if let Some(wait) = self.retry_after() {
            // Whole seconds, rounded up, never 0 (0 would invite a retry storm).
            let secs = wait.as_millis().div_ceil(1000).max(1);
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs as u64));
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_is_503_with_retry_after_rounded_up() {
        let e = HttpError::from(LlmError::Busy {
            retry_after: Duration::from_millis(1500),
            queued: 3,
        });
        let r = e.into_response();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(r.headers()[header::RETRY_AFTER], "2");
    }

    #[test]
    fn context_overflow_is_400_with_openai_code() {
        let e = HttpError::from(LlmError::ContextLengthExceeded {
            prompt_tokens: 10,
            requested: 20,
            max_context: 16,
        });
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        let b = e.body();
        assert_eq!(b.error.code, "context_length_exceeded");
        assert_eq!(b.error.kind, "invalid_request_error");
    }

    #[test]
    fn user_errors_are_4xx_and_server_errors_5xx() {
        // The backend's own classification must agree with the status table.
        let all = [
            LlmError::Busy {
                retry_after: Duration::from_secs(1),
                queued: 1,
            },
            LlmError::ContextLengthExceeded {
                prompt_tokens: 1,
                requested: 2,
                max_context: 1,
            },
            LlmError::ModelNotFound {
                name: "x".into(),
                hint: "y".into(),
            },
            LlmError::InvalidRequest("x".into()),
            LlmError::Unsupported("x".into()),
            LlmError::BackendUnavailable("x".into()),
            LlmError::Internal("x".into()),
        ];
        for e in all {
            let user = e.is_user_error();
            let status = HttpError::from(e.clone()).status();
            assert_eq!(status.is_client_error(), user, "{e:?} -> {status}");
        }
    }

    #[test]
    fn unauthorized_carries_www_authenticate() {
        let r = HttpError::MissingApiKey.into_response();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(r.headers()[header::WWW_AUTHENTICATE], "Bearer");
    }
}
