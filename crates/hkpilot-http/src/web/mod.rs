//! The web page officers use: server-rendered HTML (templates embedded in the binary),
//! English and Traditional Chinese, with a small script for uploads, live progress and
//! citation highlighting. Everything it shows comes from the same service calls as the
//! API, so the page can never show more than the API would.

pub(crate) mod account;
pub(crate) mod drafts;
pub(crate) mod i18n;
pub(crate) mod pages;
pub(crate) mod render;
pub(crate) mod rewrite;
pub(crate) mod translations;
pub(crate) mod view;

use axum::http::header;
use axum::response::IntoResponse;

/// The stylesheet, cached for a year: its URL changes with its content.
pub(crate) async fn app_css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        render::APP_CSS,
    )
}

pub(crate) async fn app_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        render::APP_JS,
    )
}
