//! `/api/…` handlers for drafts: ask for one (a job), list the caller's, and fetch one
//! as JSON, Markdown or Word.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hkpilot_core::{DocumentId, Lang};
use hkpilot_service::DraftRequest;

use super::api::attachment;
use super::caller::{service_of, ApiCaller};
use super::translations::FormatQuery;
use super::wire::{Accepted, DraftOut, DraftRequestIn, RewriteIn, RewriteOut};
use crate::body::{ApiQuery, JsonBody};
use crate::{AppState, HttpError};

type ApiResult<T> = Result<T, HttpError>;

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The language of a draft request (`zh-HK`, `tc` and the like are accepted too).
pub(crate) fn draft_lang(lang: &str) -> Result<Lang, HttpError> {
    match lang.parse::<Lang>() {
        Ok(l @ (Lang::En | Lang::ZhHant)) => Ok(l),
        _ => Err(HttpError::invalid(
            "lang",
            format!("language {lang:?}: drafts are written in en or zh-Hant"),
        )),
    }
}

/// The service's request from the wire's.
pub(crate) fn draft_request(body: DraftRequestIn) -> Result<DraftRequest, HttpError> {
    Ok(DraftRequest {
        doc_type: body.doc_type,
        lang: draft_lang(&body.lang)?,
        fields: body
            .fields
            .unwrap_or_default()
            .into_iter()
            .collect::<BTreeMap<_, _>>(),
        notes: body.notes.unwrap_or_default(),
        sources: body
            .sources
            .unwrap_or_default()
            .into_iter()
            .map(DocumentId)
            .collect(),
    })
}

#[utoipa::path(post, path = "/api/drafts", tag = "drafts", request_body = DraftRequestIn, responses((status = 202, description = "a job writes the draft", body = Accepted), (status = 400, description = "an unknown type or language, or no model configured (drafting needs one)", body = crate::ErrorBody), (status = 404, description = "a source document the caller may not read", body = crate::ErrorBody), (status = 409, description = "a source document is not read yet", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn request_draft(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    JsonBody(body): JsonBody<DraftRequestIn>,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
    let request = draft_request(body)?;
    let job = service_of(&state)?.request_draft(&caller, request).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Accepted {
            job_id: job.id.0,
            document: None,
        }),
    ))
}

#[utoipa::path(get, path = "/api/drafts", tag = "drafts", responses((status = 200, description = "the caller's drafts, newest first", body = [DraftOut]), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn list_drafts(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Json<Vec<DraftOut>>> {
    let list = service_of(&state)?.drafts(&caller).await?;
    Ok(Json(list.iter().map(|r| DraftOut::of(r, None)).collect()))
}

#[utoipa::path(get, path = "/api/drafts/{id}", tag = "drafts", params(("id" = String, Path), ("format" = Option<String>, Query, description = "json (default), md or docx")), responses((status = 200, description = "the draft as JSON, Markdown or Word, labelled as AI-generated", body = DraftOut), (status = 400, description = "a format not offered", body = crate::ErrorBody), (status = 404, description = "no such draft of the caller's", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
/// One draft as JSON, Markdown or Word.
pub(crate) async fn get_draft(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> ApiResult<Response> {
    let service = service_of(&state)?;
    let (record, stored) = service.draft(&caller, &id).await?;
    let stem = format!("draft-{}-{}", record.template, record.lang.tag());
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(Json(DraftOut::of(&record, Some(stored.draft))).into_response()),
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
            stored.markdown,
        )
            .into_response()),
        "docx" => {
            let bytes = stored.docx()?;
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

#[utoipa::path(post, path = "/api/rewrite", tag = "drafts", request_body = RewriteIn, responses((status = 200, description = "the rewritten text with a diff and what to check; to-hant / to-hans need no model", body = RewriteOut), (status = 400, description = "an unknown operation, empty or too long text, or no model configured", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn rewrite(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    JsonBody(body): JsonBody<RewriteIn>,
) -> ApiResult<Json<RewriteOut>> {
    let r = service_of(&state)?
        .rewrite(&caller, &body.text, &body.op)
        .await?;
    Ok(Json(RewriteOut::of(&r)))
}
