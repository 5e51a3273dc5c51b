//! `POST /v1/chat/completions`.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hkpilot_llm::ChatRequest;

use crate::body::JsonBody;
use crate::sse::{self, Flavour, StreamCtx};
use crate::wire::chat::{ChatCompletionRequest, ChatCompletionResponse};
use crate::wire::{response_id, unix_now, StreamMode};
use crate::{AppState, HttpError};

pub(crate) async fn chat_completions(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<ChatCompletionRequest>,
) -> Result<Response, HttpError> {
    let (name, backend) = state.backends().resolve(req.model.as_deref())?;
    let (name, backend) = (name.to_string(), backend.clone());
    let options = req.sampling.to_options(backend.info().context_length)?;
    let request = ChatRequest {
        messages: req.messages()?,
        options,
    };
    let guard = state.metrics().active_guard();
    let id = response_id("chatcmpl");
    let created = unix_now();
    match req.sampling.stream_mode() {
        StreamMode::On { include_usage } => {
            // Errors found before the first token (busy, context) still get a status.
            let tokens = backend.chat_stream(request).await?;
            let ctx = StreamCtx {
                id,
                created,
                model: name,
                flavour: Flavour::Chat,
                include_usage,
                state: state.clone(),
                guard,
            };
            Ok(sse::respond(tokens, ctx))
        }
        StreamMode::Off => {
            let c = backend.chat(request).await?;
            state.metrics().record_usage(&name, &c.usage);
            drop(guard);
            Ok(Json(ChatCompletionResponse::new(id, created, name, c)).into_response())
        }
    }
}
