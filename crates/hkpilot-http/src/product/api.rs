//! `/api/…` handlers: sessions, the library, summaries, jobs (with SSE progress),
//! users and the audit log. Each is a thin translation between HTTP and a service call.

use std::convert::Infallible;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::Stream;
use hkpilot_core::{DepartmentId, DocumentId, JobId, Role, UserId};
use hkpilot_service::{NewAccount, ServiceError, SummaryRequest, Upload};
use hkpilot_store::{AuditQuery, ChainStatus};
use serde::Deserialize;

use super::caller::{
    cookie, origin_ok, service_of, set_cookie, ApiCaller, ClientAddr, SESSION_COOKIE,
};
use super::wire::*;
use crate::body::{ApiQuery, JsonBody};
use crate::{AppState, HttpError};

type ApiResult<T> = Result<T, HttpError>;

#[utoipa::path(post, path = "/api/session", tag = "session", request_body = SignInIn, responses((status = 200, description = "signed in; sets the session cookie", body = SignInOut), (status = 401, description = "wrong username or password", body = crate::ErrorBody), (status = 429, description = "too many failed sign-ins; see Retry-After", body = crate::ErrorBody)))]
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    JsonBody(body): JsonBody<SignInIn>,
) -> ApiResult<Response> {
    let service = service_of(&state)?;
    let secure = state.product().is_some_and(|p| p.secure_cookies);
    // The body is read whatever its Content-Type, so a cross-site page could post one
    // as a "simple" request: refuse another site's origin (no login CSRF). Scripts and
    // curl send no Origin and are unaffected.
    if !origin_ok(&headers, secure) {
        return Err(HttpError::Csrf);
    }
    let signed = service
        .sign_in(&body.username, &body.password, addr.or_loopback())
        .await?;
    let mut response = Json(SignInOut {
        user: UserOut::from(&signed.user),
        csrf_token: signed.csrf_token,
    })
    .into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&set_cookie(
            SESSION_COOKIE,
            &signed.session_token,
            None,
            secure,
        ))
        .map_err(|e| HttpError::Config(e.to_string()))?,
    );
    Ok(response)
}

#[utoipa::path(delete, path = "/api/session", tag = "session", responses((status = 204, description = "signed out; the cookie is cleared"), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Response> {
    let service = service_of(&state)?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        service.sign_out(&caller, token).await?;
    }
    let secure = state.product().is_some_and(|p| p.secure_cookies);
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&set_cookie(SESSION_COOKIE, "gone", Some(0), secure))
            .map_err(|e| HttpError::Config(e.to_string()))?,
    );
    Ok(response)
}

#[utoipa::path(get, path = "/api/me", tag = "session", responses((status = 200, description = "the signed-in user", body = UserOut), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn me(ApiCaller(caller): ApiCaller) -> Json<UserOut> {
    Json(UserOut::from(&caller.user))
}

#[utoipa::path(post, path = "/api/me/api-keys", tag = "session", request_body = ApiKeyIn, responses((status = 201, description = "a personal key, shown once", body = ApiKeyOut), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn create_api_key(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    JsonBody(body): JsonBody<ApiKeyIn>,
) -> ApiResult<(StatusCode, Json<ApiKeyOut>)> {
    let key = service_of(&state)?
        .create_api_key(&caller, &body.name)
        .await?;
    Ok((StatusCode::CREATED, Json(ApiKeyOut { key })))
}

#[utoipa::path(get, path = "/api/documents", tag = "documents", responses((status = 200, description = "every document the caller may read, newest first", body = [DocumentOut]), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn list_documents(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Json<Vec<DocumentOut>>> {
    let docs = service_of(&state)?.list_documents(&caller).await?;
    Ok(Json(docs.iter().map(DocumentOut::from).collect()))
}

#[derive(Debug, Deserialize)]
pub(crate) struct UploadQuery {
    file_name: Option<String>,
}

#[utoipa::path(post, path = "/api/documents", tag = "documents", params(("file_name" = Option<String>, Query, description = "the file's name (a hint; the bytes decide the format)")), request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "the file"), responses((status = 202, description = "stored; a job reads it", body = Accepted), (status = 400, description = "empty, or not a format HKPilot reads", body = crate::ErrorBody), (status = 409, description = "already uploaded", body = crate::ErrorBody), (status = 413, description = "larger than the upload limit", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
/// `POST /api/documents?file_name=…` with the file as the body: 202 and the job that
/// reads it.
pub(crate) async fn upload(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(q): ApiQuery<UploadQuery>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
    let service = service_of(&state)?;
    // axum's own rejection is plain text; answer in the API's one error shape, with
    // the same message whether the route's body limit or the service refused it.
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            HttpError::Service(ServiceError::TooLarge {
                limit: service.config().max_upload_bytes,
            })
        } else {
            HttpError::BodyRead(rejection.body_text())
        }
    })?;
    let file_name = q.file_name.unwrap_or_else(|| "document".into());
    let (record, job) = service
        .upload(
            &caller,
            Upload {
                file_name,
                bytes: body.to_vec(),
            },
        )
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Accepted {
            job_id: job.id.0,
            document: Some(DocumentOut::from(&record)),
        }),
    ))
}

#[utoipa::path(get, path = "/api/documents/{id}", tag = "documents", params(("id" = String, Path)), responses((status = 200, description = "the record and, once read, its blocks", body = DocumentDetail), (status = 404, description = "no such document that the caller may read", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn get_document(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<DocumentDetail>> {
    let view = service_of(&state)?
        .document(&caller, &DocumentId(id))
        .await?;
    Ok(Json(DocumentDetail {
        record: DocumentOut::from(&view.record),
        issues: view
            .document
            .as_ref()
            .map(|d| d.issues.iter().map(|i| i.message.clone()).collect())
            .unwrap_or_default(),
        blocks: view.document.map(|d| d.blocks.clone()),
    }))
}

/// `Content-Disposition` for a download, with the UTF-8 name (RFC 6266) and an ASCII
/// fallback, so Chinese file names survive.
pub(crate) fn attachment(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        super::caller::urlencode(file_name).replace('/', "%2F")
    )
}

#[utoipa::path(get, path = "/api/documents/{id}/file", tag = "documents", params(("id" = String, Path)), responses((status = 200, description = "the original file", content_type = "application/octet-stream"), (status = 404, description = "no such document that the caller may read", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn download(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (record, bytes) = service_of(&state)?
        .download(&caller, &DocumentId(id))
        .await?;
    let kind = match record.format {
        Some(hkpilot_core::SourceFormat::Pdf) => "application/pdf",
        Some(hkpilot_core::SourceFormat::Docx) => {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        }
        // Never let a browser render an uploaded HTML file as a page of this site.
        _ => "application/octet-stream",
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (header::CONTENT_DISPOSITION, attachment(&record.file_name)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[utoipa::path(post, path = "/api/documents/{id}/share", tag = "documents", params(("id" = String, Path)), request_body = ShareIn, responses((status = 200, description = "shared with the owner's department, or not", body = DocumentOut), (status = 403, description = "only the owner shares", body = crate::ErrorBody), (status = 404, description = "no such document that the caller may read", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn share(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ShareIn>,
) -> ApiResult<Json<DocumentOut>> {
    let record = service_of(&state)?
        .share(&caller, &DocumentId(id), body.shared)
        .await?;
    Ok(Json(DocumentOut::from(&record)))
}

#[utoipa::path(delete, path = "/api/documents/{id}", tag = "documents", params(("id" = String, Path)), responses((status = 204, description = "deleted with its summaries"), (status = 403, description = "only the owner deletes", body = crate::ErrorBody), (status = 404, description = "no such document that the caller may read", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn delete_document(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    service_of(&state)?
        .delete_document(&caller, &DocumentId(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/documents/{id}/summaries", tag = "summaries", params(("id" = String, Path)), request_body = SummaryRequestIn, responses((status = 202, description = "a job writes the summary", body = Accepted), (status = 400, description = "bad options, or no model for a model summary", body = crate::ErrorBody), (status = 404, description = "no such document that the caller may read", body = crate::ErrorBody), (status = 409, description = "the document is not read yet", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn request_summary(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<SummaryRequestIn>,
) -> ApiResult<(StatusCode, Json<Accepted>)> {
    let request = summary_request(body)?;
    let job = service_of(&state)?
        .request_summary(&caller, &DocumentId(id), request)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Accepted {
            job_id: job.id.0,
            document: None,
        }),
    ))
}

#[utoipa::path(get, path = "/api/documents/{id}/summaries", tag = "summaries", params(("id" = String, Path)), responses((status = 200, description = "the document's summaries, newest first", body = [SummaryOut]), (status = 404, description = "no such document that the caller may read", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn list_summaries(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<SummaryOut>>> {
    let list = service_of(&state)?
        .summaries(&caller, &DocumentId(id))
        .await?;
    Ok(Json(list.iter().map(|r| SummaryOut::of(r, None)).collect()))
}

#[derive(Debug, Deserialize)]
pub(crate) struct FormatQuery {
    format: Option<String>,
}

#[utoipa::path(get, path = "/api/summaries/{id}", tag = "summaries", params(("id" = String, Path), ("format" = Option<String>, Query, description = "json (default), md or docx")), responses((status = 200, description = "the summary as JSON, Markdown or Word", body = SummaryOut), (status = 404, description = "no such summary that the caller may read", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
/// One summary as JSON, Markdown or Word.
pub(crate) async fn get_summary(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> ApiResult<Response> {
    let service = service_of(&state)?;
    let (record, summary) = service.summary(&caller, &id).await?;
    let format = q.format.as_deref().unwrap_or("json");
    let view = service.document(&caller, &record.document).await?;
    let doc = &view.record;
    let stem = format!("summary-{}", doc.title);
    match format {
        "json" => Ok(Json(SummaryOut::of(&record, Some(summary))).into_response()),
        "md" => {
            let label = hkpilot_export::SourceLabel {
                id: doc.id.clone(),
                title: doc.title.clone(),
                file: doc.file_name.clone(),
            };
            let md = hkpilot_export::summary_markdown(&summary, &[label]);
            Ok((
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
                md,
            )
                .into_response())
        }
        "docx" => {
            let source = hkpilot_export::SourceInfo {
                title: doc.title.clone(),
                file_name: Some(doc.file_name.clone()),
                content_hash: doc.content_hash.clone(),
            };
            let bytes = hkpilot_export::summary_docx(&summary, &[source]).map_err(|e| {
                HttpError::Service(hkpilot_service::ServiceError::Internal(e.to_string()))
            })?;
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                            .to_string(),
                    ),
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

#[utoipa::path(get, path = "/api/jobs/{id}", tag = "jobs", params(("id" = String, Path)), responses((status = 200, description = "the job's state and progress", body = JobOut), (status = 404, description = "no such job of the caller's", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn get_job(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<JobOut>> {
    let job = service_of(&state)?.job(&caller, &JobId(id)).await?;
    Ok(Json(JobOut::from(&job)))
}

#[utoipa::path(delete, path = "/api/jobs/{id}", tag = "jobs", params(("id" = String, Path)), responses((status = 200, description = "cancelled (a running job stops at its next step)", body = JobOut), (status = 409, description = "the job already ended", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn cancel_job(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Json<JobOut>> {
    let job = service_of(&state)?.cancel_job(&caller, &JobId(id)).await?;
    Ok(Json(JobOut::from(&job)))
}

#[utoipa::path(get, path = "/api/jobs/{id}/events", tag = "jobs", params(("id" = String, Path)), responses((status = 200, description = "server-sent events, each a JSON job event (job, state, phase, done, total, error, result): the current state first, then every change until a final state", content_type = "text/event-stream"), (status = 404, description = "no such job of the caller's", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
/// `GET /api/jobs/{id}/events`: the job's state now, then every change until it ends.
pub(crate) async fn job_events(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let service = service_of(&state)?.clone();
    let id = JobId(id);
    // Subscribe before reading the state, so no change falls between the two.
    let rx = service.subscribe();
    let job = service.job(&caller, &id).await?;
    let first = hkpilot_service::JobEvent::of(&job);
    // State: the event to send next (the current one first), the receiver while the
    // job may still change, and the job's id.
    let stream =
        futures_util::stream::unfold((Some(first), Some(rx), id), move |(pending, rx, id)| {
            let service = service.clone();
            let caller = caller.clone();
            async move {
                use tokio::sync::broadcast::error::RecvError;
                let mut rx = rx?;
                let ev = match pending {
                    Some(ev) => ev,
                    None => loop {
                        match rx.recv().await {
                            Ok(ev) if ev.job == id => break ev,
                            Ok(_) => continue,
                            // Events were dropped while this reader was slow, maybe this
                            // job's last one: read its state now rather than wait for
                            // an event that will never come.
                            Err(RecvError::Lagged(_)) => match service.job(&caller, &id).await {
                                Ok(job) => break hkpilot_service::JobEvent::of(&job),
                                Err(_) => return None,
                            },
                            Err(RecvError::Closed) => return None,
                        }
                    },
                };
                let next_rx = (!ev.state.is_final()).then_some(rx);
                let data = serde_json::to_string(&ev).unwrap_or_default();
                Some((
                    Ok::<_, Infallible>(Event::default().data(data)),
                    (None, next_rx, id),
                ))
            }
        });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

#[utoipa::path(get, path = "/api/users", tag = "administration", responses((status = 200, description = "users the caller manages", body = [UserOut]), (status = 403, description = "officers manage no one", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn list_users(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Json<Vec<UserOut>>> {
    let users = service_of(&state)?.list_users(&caller).await?;
    Ok(Json(users.iter().map(UserOut::from).collect()))
}

#[utoipa::path(post, path = "/api/users", tag = "administration", request_body = NewUserIn, responses((status = 201, description = "created", body = UserOut), (status = 400, description = "weak password, bad username or role", body = crate::ErrorBody), (status = 403, description = "outside the caller's reach", body = crate::ErrorBody), (status = 409, description = "the username is taken", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn create_user(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    JsonBody(body): JsonBody<NewUserIn>,
) -> ApiResult<(StatusCode, Json<UserOut>)> {
    let role = role_of(&body.role)?;
    let user = service_of(&state)?
        .create_account(
            &caller,
            NewAccount {
                username: body.username,
                display_name: body.display_name,
                password: body.password,
                department: DepartmentId(body.department),
                role,
                ui_lang: body.ui_lang.unwrap_or_default(),
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(UserOut::from(&user))))
}

#[utoipa::path(post, path = "/api/users/{id}/disabled", tag = "administration", params(("id" = String, Path)), request_body = DisableIn, responses((status = 200, description = "the user, disabled or enabled", body = UserOut), (status = 403, description = "outside the caller's reach", body = crate::ErrorBody), (status = 409, description = "the last system administrator", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn set_disabled(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<DisableIn>,
) -> ApiResult<Json<UserOut>> {
    let user = service_of(&state)?
        .set_disabled(&caller, &UserId(id), body.disabled)
        .await?;
    Ok(Json(UserOut::from(&user)))
}

#[utoipa::path(post, path = "/api/users/{id}/role", tag = "administration", params(("id" = String, Path)), request_body = RoleIn, responses((status = 200, description = "the user with the new role", body = UserOut), (status = 400, description = "unknown role", body = crate::ErrorBody), (status = 403, description = "outside the caller's reach (department administrators never grant system_admin)", body = crate::ErrorBody), (status = 409, description = "the last system administrator", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn set_role(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<RoleIn>,
) -> ApiResult<Json<UserOut>> {
    let role = role_of(&body.role)?;
    let user = service_of(&state)?
        .set_role(&caller, &UserId(id), role)
        .await?;
    Ok(Json(UserOut::from(&user)))
}

#[derive(Debug, Deserialize)]
pub(crate) struct AuditParams {
    after: Option<u64>,
    limit: Option<u32>,
    format: Option<String>,
    document: Option<String>,
}

#[utoipa::path(get, path = "/api/audit", tag = "administration", params(("after" = Option<u64>, Query, description = "events after this sequence number"), ("limit" = Option<u32>, Query), ("document" = Option<String>, Query), ("format" = Option<String>, Query, description = "json (default) or jsonl")), responses((status = 200, description = "audit events the caller may read, oldest first", body = [AuditEventOut]), (status = 403, description = "administrators only", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
/// The audit log the caller may read; `format=jsonl` downloads it as JSON Lines.
pub(crate) async fn audit(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(p): ApiQuery<AuditParams>,
) -> ApiResult<Response> {
    let query = AuditQuery {
        after_seq: p.after,
        limit: p.limit.unwrap_or(1000),
        document: p.document.map(DocumentId),
        ..Default::default()
    };
    let page = service_of(&state)?.audit_events(&caller, query).await?;
    let events: Vec<AuditEventOut> = page.events.iter().map(AuditEventOut::from).collect();
    match p.format.as_deref().unwrap_or("json") {
        "json" => Ok(Json(events).into_response()),
        "jsonl" => {
            let mut body = String::new();
            for e in &events {
                body.push_str(&serde_json::to_string(e).unwrap_or_default());
                body.push('\n');
            }
            Ok((
                [
                    (header::CONTENT_TYPE, "application/x-ndjson".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        attachment("hkpilot-audit.jsonl"),
                    ),
                ],
                body,
            )
                .into_response())
        }
        other => Err(HttpError::invalid(
            "format",
            format!("format {other:?}: use json or jsonl"),
        )),
    }
}

#[utoipa::path(get, path = "/api/audit/verify", tag = "administration", responses((status = 200, description = "whether every link and hash of the audit chain checks out", body = ChainOut), (status = 403, description = "system administrators only", body = crate::ErrorBody), (status = 401, description = "no session or key", body = crate::ErrorBody)))]
pub(crate) async fn verify_audit(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> ApiResult<Json<ChainOut>> {
    let status = service_of(&state)?.verify_audit(&caller).await?;
    Ok(Json(match status {
        ChainStatus::Intact { events, head } => ChainOut {
            intact: true,
            events: Some(events),
            head: Some(head),
            seq: None,
            problem: None,
        },
        ChainStatus::Broken { seq, problem } => ChainOut {
            intact: false,
            events: None,
            head: None,
            seq: Some(seq),
            problem: Some(problem),
        },
    }))
}

/// The wire request as the service's, each field checked.
fn summary_request(body: SummaryRequestIn) -> Result<SummaryRequest, HttpError> {
    let method = match body.method.as_deref().unwrap_or("extractive") {
        "extractive" => hkpilot_service::SummaryMethodChoice::Extractive,
        "model" => hkpilot_service::SummaryMethodChoice::Model,
        other => {
            return Err(HttpError::invalid(
                "method",
                format!("method {other:?}: use extractive or model"),
            ))
        }
    };
    let lang = match body.lang.as_deref().filter(|l| !l.is_empty()) {
        None => None,
        Some(l) => Some(l.parse::<hkpilot_core::Lang>().map_err(|_| {
            HttpError::invalid(
                "lang",
                format!("language {l:?}: use en, zh-Hant or zh-Hans"),
            )
        })?),
    };
    Ok(SummaryRequest {
        method,
        length: body.length.unwrap_or_else(|| "medium".into()),
        lang,
        focus: body.focus,
    })
}

/// Parses a role name (API bodies and forms).
pub(crate) fn role_of(name: &str) -> Result<Role, HttpError> {
    Role::parse(name).ok_or_else(|| {
        HttpError::invalid(
            "role",
            "role must be officer, department_admin or system_admin",
        )
    })
}
