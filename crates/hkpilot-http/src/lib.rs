//! HKPilot's HTTP edge: the OpenAI-compatible API under `/v1/`, the product API under
//! `/api/` and the officers' web page (when the server has a data directory), plus
//! `/healthz`, `/readyz` and `/metrics`. HTTP and JSON wire shapes appear nowhere below this crate;
//! handlers talk to models only through `dyn LlmBackend`.
//!
//! The binary builds a [`Backends`] registry and an [`HttpConfig`], makes an
//! [`AppState`], and calls [`serve`] (or mounts [`router`] in tests).

mod auth;
mod backends;
mod body;
mod config;
mod error;
mod handlers;
mod metrics;
mod product;
mod sse;
mod state;
mod web;
mod wire;

use std::future::Future;

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use axum::Router;

pub use backends::Backends;
pub use config::{requires_keys, HttpConfig, DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT};
pub use error::{ErrorBody, ErrorDetail, HttpError};
pub use product::openapi::openapi_json;
pub use state::AppState;

use handlers::{chat, completions, embeddings, models, probes};

/// The whole application. Keys are required (when configured) on `/v1/*` and
/// `/metrics`; the probes stay open for orchestrators.
pub fn router(state: AppState) -> Router {
    let protected = Router::new()
        .route("/v1/models", get(models::list))
        .route("/v1/models/{model}", get(models::get))
        .route("/v1/chat/completions", post(chat::chat_completions))
        .route("/v1/completions", post(completions::completions))
        .route("/v1/embeddings", post(embeddings::embeddings))
        .route("/metrics", get(probes::metrics))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_key,
        ));
    let product = if state.service().is_some() {
        product::routes(&state)
    } else {
        Router::new()
    };
    Router::new()
        .route("/healthz", get(probes::healthz))
        .route("/readyz", get(probes::readyz))
        .merge(protected)
        .merge(product)
        .fallback(probes::not_found)
        .method_not_allowed_fallback(probes::method_not_allowed)
        .layer(DefaultBodyLimit::max(state.max_body_bytes()))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .with_state(state)
}

/// Answers on `listener` while the models load, so that probes and clients get an
/// answer instead of a refused connection: `/healthz` 200, `/readyz` 503
/// `{"status": "loading"}`, every other request 503 `loading_models` with
/// `Retry-After`. Returns when `loaded` completes; hand a clone of the same socket to
/// [`serve`] then (connections arriving in between wait in the kernel's backlog).
pub async fn serve_while_loading(
    listener: tokio::net::TcpListener,
    loaded: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = Router::new()
        .route("/healthz", get(probes::healthz))
        .route("/readyz", get(probes::readyz_loading))
        .fallback(probes::loading);
    axum::serve(listener, app)
        .with_graceful_shutdown(loaded)
        .await
}

/// Serves until `shutdown` completes, then stops accepting and waits for open
/// requests (streams included) to finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Stream chunks are small writes: without TCP_NODELAY, Nagle's algorithm and
    // delayed ACKs can hold each one back for tens of milliseconds.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    // Connection info gives the product API the client's address (audit, throttling).
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
