//! Bearer-key authentication. Keys are kept as SHA-256 digests and every presented key
//! is compared with all of them in constant time, so neither the match position nor
//! the key lengths leak through timing.

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{AppState, HttpError};

/// The accepted keys, hashed.
#[derive(Clone, Default)]
pub(crate) struct ApiKeys {
    digests: Vec<[u8; 32]>,
}

impl ApiKeys {
    pub(crate) fn new(keys: &[String]) -> Self {
        Self {
            digests: keys.iter().map(|k| digest(k.as_bytes())).collect(),
        }
    }

    pub(crate) fn enabled(&self) -> bool {
        !self.digests.is_empty()
    }

    /// Checks an `Authorization` header value.
    pub(crate) fn check(&self, header: Option<&[u8]>) -> Result<(), HttpError> {
        if !self.enabled() {
            return Ok(());
        }
        let token = header
            .and_then(bearer_token)
            .ok_or(HttpError::MissingApiKey)?;
        let presented = digest(token);
        // Fold over every key without stopping early.
        let mut found = subtle::Choice::from(0);
        for d in &self.digests {
            found |= d.ct_eq(&presented);
        }
        if bool::from(found) {
            Ok(())
        } else {
            Err(HttpError::InvalidApiKey)
        }
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// The token of `Bearer <token>` (scheme case-insensitive, as RFC 9110 says).
fn bearer_token(value: &[u8]) -> Option<&[u8]> {
    let (scheme, rest) = value.split_at_checked(7)?;
    if !scheme.eq_ignore_ascii_case(b"bearer ") {
        return None;
    }
    let token = rest.trim_ascii();
    (!token.is_empty()).then_some(token)
}

/// Middleware for the routes that need a key: one of the bootstrap keys
/// (`HKPILOT_API_KEYS`) or, once accounts exist, a user's personal API key. Without
/// bootstrap keys and before any account exists, the routes are open (a first run on
/// loopback).
pub(crate) async fn require_key(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, HttpError> {
    let header = request.headers().get(AUTHORIZATION).map(|v| v.as_bytes());
    let bootstrap = state.keys().check(header);
    let needs_key = state.keys().enabled() || state.accounts_exist().await;
    if !needs_key || (state.keys().enabled() && bootstrap.is_ok()) {
        return Ok(next.run(request).await);
    }
    let token = header.and_then(bearer_token);
    if let (Some(service), Some(token)) = (state.service(), token) {
        if let Ok(key) = std::str::from_utf8(token) {
            if service.api_key_caller(key, None).await.is_ok() {
                return Ok(next.run(request).await);
            }
        }
    }
    Err(match (bootstrap, token) {
        (Err(e), _) => e,
        (Ok(()), None) => HttpError::MissingApiKey,
        (Ok(()), Some(_)) => HttpError::InvalidApiKey,
    })
}

/// The bearer token of a request, if it sent one.
pub(crate) fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.as_bytes();
    std::str::from_utf8(bearer_token(value)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_any_configured_key_and_rejects_others() {
        let keys = ApiKeys::new(&["alpha".into(), "beta-123".into()]);
        assert!(keys.check(Some(b"Bearer alpha")).is_ok());
        assert!(keys.check(Some(b"bearer beta-123")).is_ok());
        assert!(keys.check(Some(b"Bearer  beta-123 ")).is_ok());
        assert!(matches!(
            keys.check(Some(b"Bearer alph")),
            Err(HttpError::InvalidApiKey)
        ));
        assert!(matches!(
            keys.check(Some(b"Basic YWxwaGE=")),
            Err(HttpError::MissingApiKey)
        ));
        assert!(matches!(
            keys.check(Some(b"Bearer ")),
            Err(HttpError::MissingApiKey)
        ));
        assert!(matches!(keys.check(None), Err(HttpError::MissingApiKey)));
    }

    #[test]
    fn no_keys_means_open() {
        assert!(ApiKeys::new(&[]).check(None).is_ok());
    }
}
