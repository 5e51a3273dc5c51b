//! The product API under `/api/` and the page's routes, mounted by [`crate::router`]
//! when the server has a data directory.

pub(crate) mod api;
pub(crate) mod caller;
pub(crate) mod drafts;
pub mod openapi;
pub(crate) mod translations;
pub(crate) mod wire;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::routing::{get, post};
use axum::Router;

use crate::web::{account, pages};
use crate::AppState;

/// The `/api/` routes and the pages.
pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    let upload_limit = state
        .service()
        .map_or(0, |s| s.config().max_upload_bytes as usize)
        // Room for the multipart envelope around the file.
        + 256 * 1024;
    let api = Router::new()
        .route("/api/openapi.json", get(openapi::serve))
        .route("/api/session", post(api::sign_in).delete(api::sign_out))
        .route("/api/me", get(api::me))
        .route("/api/me/api-keys", post(api::create_api_key))
        .route(
            "/api/documents",
            get(api::list_documents)
                .post(api::upload)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/api/documents/{id}",
            get(api::get_document).delete(api::delete_document),
        )
        .route("/api/documents/{id}/file", get(api::download))
        .route("/api/documents/{id}/share", post(api::share))
        .route(
            "/api/documents/{id}/summaries",
            get(api::list_summaries).post(api::request_summary),
        )
        .route("/api/summaries/{id}", get(api::get_summary))
        .route(
            "/api/documents/{id}/translations",
            get(translations::list_translations).post(translations::request_translation),
        )
        .route("/api/translations/{id}", get(translations::get_translation))
        .route(
            "/api/drafts",
            get(drafts::list_drafts).post(drafts::request_draft),
        )
        .route("/api/drafts/{id}", get(drafts::get_draft))
        .route("/api/rewrite", post(drafts::rewrite))
        .route("/api/jobs/{id}", get(api::get_job).delete(api::cancel_job))
        .route("/api/jobs/{id}/events", get(api::job_events))
        .route("/api/users", get(api::list_users).post(api::create_user))
        .route("/api/users/{id}/disabled", post(api::set_disabled))
        .route("/api/users/{id}/role", post(api::set_role))
        .route("/api/audit", get(api::audit))
        .route("/api/audit/verify", get(api::verify_audit));
    let pages = Router::new()
        .route("/", get(pages::library))
        .route(
            "/documents",
            post(pages::upload_form).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/documents/{id}", get(pages::document))
        .route("/documents/{id}/summaries", post(pages::summarize_form))
        .route(
            "/documents/{id}/translations",
            post(crate::web::translations::translate_form),
        )
        .route("/documents/{id}/share", post(pages::share_form))
        .route(
            "/draft",
            get(crate::web::drafts::draft_page).post(crate::web::drafts::draft_form),
        )
        .route("/drafts/{id}", get(crate::web::drafts::draft_view))
        .route(
            "/rewrite",
            get(crate::web::rewrite::rewrite_page).post(crate::web::rewrite::rewrite_form),
        )
        .route("/login", get(account::login).post(account::login_post))
        .route("/logout", post(account::logout))
        .route("/settings/lang", post(account::set_lang))
        .route(
            "/admin/users",
            get(account::users).post(account::create_user),
        )
        .route("/admin/users/{id}/disable", post(account::disable_user))
        .route("/admin/departments", post(account::create_department))
        .route("/admin/audit", get(account::audit))
        .route("/assets/app.css", get(crate::web::app_css))
        .route("/assets/app.js", get(crate::web::app_js));
    api.merge(pages)
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn(access_log))
        .layer(axum::middleware::map_response(no_store))
}

/// Pages and API answers hold personal data: never cache them (assets set their own).
async fn no_store(mut r: axum::response::Response) -> axum::response::Response {
    if !r.headers().contains_key(header::CACHE_CONTROL) {
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    r
}

/// Security headers on every page and API answer.
async fn security_headers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut r = next.run(request).await;
    let h = r.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // Scripts and styles only from this server: text from documents can never run,
    // even if some escaping were missed.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
             script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; \
             form-action 'self'",
        ),
    );
    r
}

/// One structured log line per page or API request: method, route, status, time.
/// The route is the matched pattern (`/api/documents/{id}`), never ids or queries,
/// so logs hold no document names.
async fn access_log(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched".to_string(), |p| p.as_str().to_string());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        target: "hkpilot::access",
        method = %method,
        route = %route,
        status = response.status().as_u16(),
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}
