//! The product API's OpenAPI document, derived from the handlers' annotations and the
//! wire types. `docs/openapi.json` is this document, committed; a test fails when the
//! two differ (run it with `HKPILOT_UPDATE_OPENAPI=1` to rewrite the file), and another
//! when a route of `product::routes` is missing from it.

use utoipa::OpenApi;

use super::wire::*;
use super::{api, drafts, translations};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "HKPilot API",
        description = "The product API of HKPilot, the bilingual (English / 繁體中文) document assistant: sessions, the document library, summaries as background jobs with progress over server-sent events, translations, drafts, administration and the audit log. Authenticate with the page's session cookie (plus the X-CSRF-Token header on changes) or a personal API key as `Authorization: Bearer hkp_…`. Every error is `{\"error\": {\"message\", \"type\", \"param\", \"code\"}}`. The OpenAI-compatible API is under /v1/ and is described by OpenAI's own reference.",
        license(name = "Apache-2.0")
    ),
    paths(
        api::sign_in, api::sign_out, api::me, api::create_api_key,
        api::list_documents, api::upload, api::get_document, api::download, api::share,
        api::delete_document, api::request_summary, api::list_summaries, api::get_summary,
        translations::request_translation, translations::list_translations,
        translations::get_translation,
        drafts::request_draft, drafts::list_drafts, drafts::get_draft, drafts::rewrite,
        api::get_job, api::cancel_job, api::job_events,
        api::list_users, api::create_user, api::set_disabled, api::set_role, api::audit, api::verify_audit,
    ),
    components(schemas(
        UserOut, DocumentOut, DocumentDetail, JobOut, Accepted, SummaryOut, SignInIn,
        SignInOut, ShareIn, ApiKeyIn, ApiKeyOut, NewUserIn, AuditEventOut, SummaryRequestIn,
        DisableIn, RoleIn, ChainOut, TranslationRequestIn, TranslationOut, DraftRequestIn, DraftOut, RewriteIn, RewriteOut, DiffRunOut, RewriteFlagOut, crate::ErrorBody, crate::ErrorDetail,
    )),
    tags(
        (name = "session", description = "signing in and out, the caller, personal API keys"),
        (name = "documents", description = "the library: upload, list, open, download, share, delete"),
        (name = "summaries", description = "summaries of a document, written by background jobs"),
        (name = "translations", description = "machine translations of a document (English, Traditional and Simplified Chinese), written by background jobs"),
        (name = "drafts", description = "drafts written from a template (8 types, English or Traditional Chinese) with citations to library documents, by background jobs; they need the model"),
        (name = "jobs", description = "background jobs and their progress"),
        (name = "administration", description = "users and the audit log"),
    )
)]
struct ApiDoc;

/// The document as pretty JSON with a trailing newline (the committed file's form).
pub fn openapi_json() -> String {
    let mut json = ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    json.push('\n');
    json
}

/// `GET /api/openapi.json`.
pub(crate) async fn serve() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        openapi_json(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn committed_path() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
    }

    #[test]
    fn the_committed_document_is_current() {
        let now = openapi_json();
        let path = committed_path();
        if std::env::var_os("HKPILOT_UPDATE_OPENAPI").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &now).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == now,
            "docs/openapi.json is out of date with the code: run \
             `HKPILOT_UPDATE_OPENAPI=1 cargo test -p hkpilot-http openapi` and commit it"
        );
    }

    /// Every `/api/` route the router serves is in the document, and every documented
    /// path is a route (read from the router's source, the one list of routes).
    #[test]
    fn every_route_is_documented_and_every_path_served() {
        let source = include_str!("mod.rs");
        let mut routes: Vec<String> = source
            .split("\"/api/")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .map(|r| format!("/api/{r}"))
            .filter(|r| r != "/api/openapi.json")
            .collect();
        routes.sort();
        routes.dedup();
        let doc = ApiDoc::openapi();
        let mut paths: Vec<String> = doc.paths.paths.keys().cloned().collect();
        paths.sort();
        assert_eq!(
            routes, paths,
            "routes in product/mod.rs vs documented paths"
        );
    }
}
