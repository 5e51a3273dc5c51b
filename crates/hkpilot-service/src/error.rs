//! `ServiceError`: what a use case refuses or fails with. The HTTP edge maps each
//! [`ServiceError::code`] to one status in one table.

use std::time::Duration;

use hkpilot_auth::{AuthError, Denied};
use hkpilot_store::StoreError;

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("sign in first, or send an API key as `Authorization: Bearer …`")]
    Unauthenticated,

    #[error("wrong username or password")]
    BadCredentials,

    #[error("too many failed sign-ins; try again in {} seconds", retry_after.as_secs().max(1))]
    Locked { retry_after: Duration },

    /// Not allowed; `conceal` turns it into "not found" (a document the caller may not
    /// read must not be shown to exist).
    #[error("{0}")]
    Denied(Denied),

    #[error("{0}")]
    NotFound(String),

    #[error("{0}")]
    Invalid(String),

    #[error("the upload is larger than the limit of {}: split the document or ask an administrator to raise the limit", size_text(*limit))]
    TooLarge { limit: u64 },

    #[error("{0}")]
    Conflict(String),

    #[error("the server is short of disk space: {0}")]
    StorageFull(String),

    #[error("internal error: {0}")]
    Internal(String),
}

impl ServiceError {
    /// A stable snake_case code for the error body and logs.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::Unauthenticated => "unauthenticated",
            ServiceError::BadCredentials => "bad_credentials",
            ServiceError::Locked { .. } => "too_many_attempts",
            ServiceError::Denied(d) if d.conceals_existence() => "not_found",
            ServiceError::Denied(_) => "forbidden",
            ServiceError::NotFound(_) => "not_found",
            ServiceError::Invalid(_) => "invalid_request",
            ServiceError::TooLarge { .. } => "payload_too_large",
            ServiceError::Conflict(_) => "conflict",
            ServiceError::StorageFull(_) => "storage_full",
            ServiceError::Internal(_) => "internal_error",
        }
    }

    /// Caused by the request rather than by the server.
    pub fn is_user_error(&self) -> bool {
        !matches!(
            self,
            ServiceError::Internal(_) | ServiceError::StorageFull(_)
        )
    }
}

impl From<Denied> for ServiceError {
    fn from(d: Denied) -> Self {
        if d.is_internal() {
            ServiceError::Internal(d.to_string())
        } else {
            ServiceError::Denied(d)
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => ServiceError::NotFound(e.to_string()),
            StoreError::Conflict(m) => ServiceError::Conflict(m),
            StoreError::Invalid(m) => ServiceError::Invalid(m),
            StoreError::TooLarge { limit } => ServiceError::TooLarge { limit },
            StoreError::Full { .. } => ServiceError::StorageFull(e.to_string()),
            e => ServiceError::Internal(e.to_string()),
        }
    }
}

impl From<AuthError> for ServiceError {
    fn from(e: AuthError) -> Self {
        if e.is_user_error() {
            ServiceError::Invalid(e.to_string())
        } else {
            ServiceError::Internal(e.to_string())
        }
    }
}

/// A byte count as people read it: "100 MB", "4 KB", "512 bytes".
fn size_text(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        format!("{} MB", bytes / MB)
    } else if bytes >= 1024 {
        format!("{} KB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}
