//! [`JsonBody`]: our JSON extractor. Unlike axum's `Json` it answers every failure in
//! OpenAI's error shape (axum's default is plain text), passes serde's message on, and
//! accepts bodies sent without a `Content-Type` (as `curl -d` does). [`ApiQuery`] does
//! the same for query strings.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::{AppState, HttpError};

#[derive(Debug)]
pub(crate) struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = HttpError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, HttpError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                HttpError::PayloadTooLarge {
                    limit: state.max_body_bytes(),
                }
            } else {
                HttpError::BodyRead(rejection.body_text())
            }
        })?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| HttpError::BadJson(e.to_string()))
    }
}

/// axum's `Query`, failing in the one error shape (400 `invalid_request`).
#[derive(Debug)]
pub(crate) struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, HttpError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| ApiQuery(q))
            .map_err(|rejection| HttpError::invalid("query", rejection.body_text()))
    }
}
