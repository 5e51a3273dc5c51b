//! `/api/…` handlers for translations: ask for one (a job), list a document's, and
//! fetch one as JSON, Markdown or Word.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hkpilot_core::{DocumentId, Lang};
use hkpilot_service::TranslationRequest;
use serde::Deserialize;

use super::api::attachment;
use super::caller::{service_of, ApiCaller};
use super::wire::{Accepted, TranslationOut, TranslationRequestIn};
use crate::body::{ApiQuery, JsonBody};
use crate::{AppState, HttpError};

type ApiResult<T> = Result<T, HttpError>;

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The target language of a request (`zh-HK`, `tc` and the like are accepted too).
pub(crate) fn target(to: &str) -> Result<Lang, HttpError> {
    to.parse::<Lang>().map_err(|_| {
        HttpError::invalid(
            "to",
            format!("language {to:?}: translate into en, zh-Hant or zh-Hans"),
        )
    })
}

#[utoipa::path(post, path = "/api/documents/{id}/translations", tag = "translations", params(("id" = String, Path)), request_body = TranslationRequestIn, responses((status = 202, description = "a job translates the document", body = Accepted), (status = 400, description = "an unknown language, or no model for a translation that needs one", body = crate::ErrorBody), (status = 404, description = "no such document that the caller may read", body = crate::ErrorBody), (status = 409, description = "the document is not read yet", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn request_translation(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<TranslationRequestIn>,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
    let to = target(&body.to)?;
    let job = service_of(&state)?
        .request_translation(&caller, &DocumentId(id), TranslationRequest { to })
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Accepted {
            job_id: job.id.0,
            document: None,
        }),
    ))
}

#[utoipa::path(get, path = "/api/documents/{id}/translations", tag = "translations", params(("id" = String, Path)), responses((status = 200, description = "the document's translations, newest first", body = [TranslationOut]), (status = 404, description = "no such document that the caller may read", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn list_translations(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<TranslationOut>>> {
    let list = service_of(&state)?
        .translations(&caller, &DocumentId(id))
        .await?;
    Ok(Json(
        list.iter().map(|r| TranslationOut::of(r, None)).collect(),
    ))
}

#[derive(Debug, Deserialize)]
pub(crate) struct FormatQuery {
    pub(crate) format: Option<String>,
}

#[utoipa::path(get, path = "/api/translations/{id}", tag = "translations", params(("id" = String, Path), ("format" = Option<String>, Query, description = "json (default), md or docx")), responses((status = 200, description = "the translation as JSON, Markdown or Word, labelled as machine translation", body = TranslationOut), (status = 400, description = "a format not offered", body = crate::ErrorBody), (status = 404, description = "no such translation that the caller may read", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
/// One translation as JSON, Markdown or Word.
pub(crate) async fn get_translation(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> ApiResult<Response> {
    let service = service_of(&state)?;
    let (record, t) = service.translation(&caller, &id).await?;
    let format = q.format.as_deref().unwrap_or("json");
    let view = service.document(&caller, &record.document).await?;
    let title = view.record.title.clone();
    let stem = format!("translation-{}-{title}", record.to.tag());
    match format {
        "json" => Ok(Json(TranslationOut::of(&record, Some(t))).into_response()),
        "md" => Ok((
            [
                (
                    header::CONTENT_TYPE,
                    "text/markdown; charset=utf-8".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    attachment(&format!("{stem}.md")),
                ),
            ],
            hkpilot_draft::translate::render::markdown(&t),
        )
            .into_response()),
        "docx" => {
            let bytes =
                hkpilot_export::document_docx(&hkpilot_draft::translate::docx_document(&t, &title))
                    .map_err(|e| {
                        HttpError::Service(hkpilot_service::ServiceError::Internal(e.to_string()))
                    })?;
            Ok((
                [
                    (header::CONTENT_TYPE, DOCX.to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        attachment(&format!("{stem}.docx")),
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        other => Err(HttpError::invalid(
            "format",
            format!("format {other:?} is not offered: use json, md or docx"),
        )),
    }
}
