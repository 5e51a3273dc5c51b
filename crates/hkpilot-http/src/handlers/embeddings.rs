//! `POST /v1/embeddings`.

use axum::extract::State;
use axum::Json;
use hkpilot_llm::Usage;

use crate::body::JsonBody;
use crate::wire::embeddings::{
    EmbeddingData, EmbeddingObject, EmbeddingRequest, EmbeddingResponse, EmbeddingUsage,
};
use crate::{AppState, HttpError};

pub(crate) async fn embeddings(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<EmbeddingRequest>,
) -> Result<Json<EmbeddingResponse>, HttpError> {
    let (name, backend) = state.backends().resolve(req.model.as_deref())?;
    let (name, backend) = (name.to_string(), backend.clone());
    let inputs = req.inputs()?;
    let encoding = req.encoding()?;
    let _guard = state.metrics().active_guard();
    let vectors = backend.embed(&inputs).await?;
    let mut prompt_tokens = 0;
    for text in &inputs {
        prompt_tokens += backend.count_tokens(text).await?;
    }
    state.metrics().record_usage(
        &name,
        &Usage {
            prompt_tokens,
            ..Usage::default()
        },
    );
    let data = vectors
        .into_iter()
        .enumerate()
        .map(|(index, v)| EmbeddingObject {
            object: "embedding",
            index,
            embedding: EmbeddingData::new(v, encoding),
        })
        .collect();
    Ok(Json(EmbeddingResponse {
        object: "list",
        data,
        model: name,
        usage: EmbeddingUsage {
            prompt_tokens,
            total_tokens: prompt_tokens,
        },
    }))
}
