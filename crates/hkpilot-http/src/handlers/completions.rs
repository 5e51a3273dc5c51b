//! `POST /v1/completions`: raw-prompt continuation, no chat template.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hkpilot_llm::CompletionRequest;

use crate::body::JsonBody;
use crate::sse::{self, Flavour, StreamCtx};
use crate::wire::completions::{CompletionRequestWire, TextCompletionResponse};
use crate::wire::{response_id, unix_now, StreamMode};
use crate::{AppState, HttpError};

pub(crate) async fn completions(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<CompletionRequestWire>,
) -> Result<Response, HttpError> {
    let (name, backend) = state.backends().resolve(req.model.as_deref())?;
    let (name, backend) = (name.to_string(), backend.clone());
    let options = req.sampling.to_options(backend.info().context_length)?;
    let request = CompletionRequest {
        prompt: req.prompt()?,
        options,
    };
    let guard = state.metrics().active_guard();
    let id = response_id("cmpl");
    let created = unix_now();
    match req.sampling.stream_mode() {
        StreamMode::On { include_usage } => {
            let tokens = backend.complete_stream(request).await?;
            let ctx = StreamCtx {
                id,
                created,
                model: name,
                flavour: Flavour::Text,
                include_usage,
                state: state.clone(),
                guard,
            };
            Ok(sse::respond(tokens, ctx))
        }
        StreamMode::Off => {
            let c = backend.complete(request).await?;
            state.metrics().record_usage(&name, &c.usage);
            drop(guard);
            Ok(Json(TextCompletionResponse::new(id, created, name, c)).into_response())
        }
    }
}
