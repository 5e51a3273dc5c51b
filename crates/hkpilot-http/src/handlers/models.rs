//! `GET /v1/models` and `GET /v1/models/{model}`.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::Json;
use hkpilot_llm::LlmBackend;

use crate::wire::models::{ModelList, ModelObject};
use crate::{AppState, HttpError};

fn object(name: &str, backend: &Arc<dyn LlmBackend>) -> ModelObject {
    static STARTED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let info = backend.info();
    ModelObject {
        id: name.to_string(),
        object: "model",
        created: *STARTED.get_or_init(crate::wire::unix_now),
        owned_by: "hkpilot",
        context_length: info.context_length,
        supports_embeddings: info.supports_embeddings,
    }
}

pub(crate) async fn list(State(state): State<AppState>) -> Json<ModelList> {
    Json(ModelList {
        object: "list",
        data: state
            .backends()
            .iter()
            .map(|(name, b)| object(name, b))
            .collect(),
    })
}

pub(crate) async fn get(
    State(state): State<AppState>,
    model: Result<Path<String>, PathRejection>,
) -> Result<Json<ModelObject>, HttpError> {
    let Path(model) = model.map_err(|r| HttpError::invalid("model", r.body_text()))?;
    // An explicit lookup: an empty name must not fall back to the default model here.
    let (name, backend) = state
        .backends()
        .iter()
        .find(|(n, _)| *n == model)
        .ok_or_else(|| HttpError::ModelNotFound {
            name: model.clone(),
            available: state.backends().names().join(", "),
        })?;
    Ok(Json(object(name, backend)))
}
