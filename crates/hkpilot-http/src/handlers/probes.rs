//! Operational endpoints (`/healthz`, `/readyz`, `/metrics`) and the JSON answers for
//! unknown routes and methods.

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hkpilot_llm::HealthStatus;
use serde::Serialize;

use crate::{AppState, HttpError};

/// Liveness: the process answers. Never touches a model, so a busy model never gets
/// the server restarted.
pub(crate) async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

#[derive(Debug, Serialize)]
struct Readiness {
    status: &'static str,
    models: Vec<ModelReadiness>,
}

#[derive(Debug, Serialize)]
struct ModelReadiness {
    model: String,
    status: HealthStatus,
    active: usize,
    queued: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
}

/// Readiness: 200 while every model can serve (saturated still counts: it queues or
/// answers `busy` itself), 503 otherwise.
pub(crate) async fn readyz(State(state): State<AppState>) -> Response {
    let mut models = Vec::new();
    for (name, backend) in state.backends().iter() {
        let h = backend.health().await;
        models.push(ModelReadiness {
            model: name.to_string(),
            status: h.status,
            active: h.active,
            queued: h.queued,
            detail: h.detail,
        });
    }
    let ready = models
        .iter()
        .all(|m| matches!(m.status, HealthStatus::Ready | HealthStatus::Saturated));
    let (status, word) = if ready {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    };
    (
        status,
        Json(Readiness {
            status: word,
            models,
        }),
    )
        .into_response()
}

pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.render_metrics().await,
    )
        .into_response()
}

pub(crate) async fn not_found(request: Request) -> HttpError {
    HttpError::NotFound {
        method: request.method().to_string(),
        path: request.uri().path().to_string(),
    }
}

pub(crate) async fn method_not_allowed(request: Request) -> HttpError {
    HttpError::MethodNotAllowed {
        method: request.method().to_string(),
        path: request.uri().path().to_string(),
    }
}

/// `/readyz` while the models load: not ready, and says why.
pub(crate) async fn readyz_loading() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(Readiness {
            status: "loading",
            models: Vec::new(),
        }),
    )
        .into_response()
}

/// Every other route while the models load.
pub(crate) async fn loading() -> HttpError {
    HttpError::Loading
}
