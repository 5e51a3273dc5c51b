//! The officer's pages: the library (with the no-script upload form), a document with
//! its summaries and translations beside the source, and the form posts that ask for
//! summaries and sharing (translating: [`super::translations`]). Every post checks the same origin and the session's CSRF token.

use std::collections::HashMap;

use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use hkpilot_core::{DocumentId, JobKind, Lang};
use hkpilot_service::{
    JobParams, Service, ServiceError, SummaryMethodChoice, SummaryRequest, Upload,
};
use serde::{Deserialize, Serialize};

use super::i18n::PageLang;
use super::render::{render, FrameUser, PageFrame};
use super::view::{blocks, summary_view, DocRow, Names};
use crate::product::caller::{origin_ok, service_of, PageCaller};
use crate::{AppState, HttpError};

pub(crate) fn frame(pc: &PageCaller, path: &str) -> PageFrame {
    PageFrame::new(
        pc.lang,
        pc.csrf.clone(),
        path.to_string(),
        Some(FrameUser {
            display_name: pc.caller.user.display_name.clone(),
            can_admin: pc.caller.user.role != hkpilot_core::Role::Officer,
        }),
    )
}

/// A page, or the error page in the reader's language.
pub(crate) fn page(template: &str, frame: &PageFrame, values: impl Serialize) -> Response {
    match render(template, frame, values) {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, template, "page failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be shown; see the server log",
            )
                .into_response()
        }
    }
}

/// The error page for a refused or failed action.
pub(crate) fn error_page(frame: &PageFrame, lang: PageLang, e: HttpError) -> Response {
    let status = e.status();
    let title = match status {
        StatusCode::NOT_FOUND => super::i18n::word(lang, "not_found"),
        StatusCode::FORBIDDEN => super::i18n::word(lang, "forbidden"),
        _ => status.canonical_reason().unwrap_or("Error"),
    };
    let mut r = page(
        "error.html",
        frame,
        minijinja::context! { title => title, message => e.to_string() },
    );
    *r.status_mut() = status;
    r
}

/// Documents' running jobs of the caller, by document.
async fn running_jobs(state: &AppState, pc: &PageCaller) -> HashMap<(JobKind, DocumentId), String> {
    let Some(service) = state.service() else {
        return HashMap::new();
    };
    let jobs = service.jobs(&pc.caller, 50).await.unwrap_or_default();
    jobs.iter()
        .filter(|j| !j.state.is_final())
        .filter_map(|j| {
            let doc = match serde_json::from_str::<JobParams>(&j.params).ok()? {
                JobParams::Ingest { document, .. } => document,
                JobParams::Summarize { document, .. } => document,
                JobParams::Translate { document, .. } => document,
                // A draft belongs to no one document.
                JobParams::Draft { .. } => return None,
            };
            Some(((j.kind, doc), j.id.0.clone()))
        })
        .collect()
}

pub(crate) async fn library(State(state): State<AppState>, pc: PageCaller) -> Response {
    let f = frame(&pc, "/");
    let service = match service_of(&state) {
        Ok(s) => s,
        Err(e) => return error_page(&f, pc.lang, e),
    };
    let docs = match service.list_documents(&pc.caller).await {
        Ok(d) => d,
        Err(e) => return error_page(&f, pc.lang, e.into()),
    };
    let jobs = running_jobs(&state, &pc).await;
    let mut names = Names::new(service);
    let mut rows = Vec::new();
    for d in &docs {
        let owner = names.of(&d.owner).await;
        let job = jobs.get(&(JobKind::Ingest, d.id.clone())).cloned();
        rows.push(DocRow::new(d, owner, job, d.owner == pc.caller.user.id));
    }
    page(
        "library.html",
        &f,
        minijinja::context! {
            documents => rows,
            max_upload_mb => service.config().max_upload_bytes / (1024 * 1024),
        },
    )
}

/// The no-script upload: a multipart form with one or more files.
pub(crate) async fn upload_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    pc: PageCaller,
    mut form: Multipart,
) -> Response {
    let f = frame(&pc, "/");
    let secure = state.product().is_some_and(|p| p.secure_cookies);
    let service = match service_of(&state) {
        Ok(s) => s.clone(),
        Err(e) => return error_page(&f, pc.lang, e),
    };
    let mut csrf = None;
    let mut files = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                let file_name = field.file_name().map(str::to_string);
                match field.bytes().await {
                    Ok(bytes) if name == "_csrf" => {
                        csrf = Some(String::from_utf8_lossy(&bytes).into_owned());
                    }
                    Ok(bytes) => {
                        if let Some(file_name) = file_name.filter(|_| !bytes.is_empty()) {
                            files.push(Upload {
                                file_name,
                                bytes: bytes.to_vec(),
                            });
                        }
                    }
                    Err(e) => return error_page(&f, pc.lang, multipart_error(e, &service)),
                }
            }
            Ok(None) => break,
            Err(e) => return error_page(&f, pc.lang, multipart_error(e, &service)),
        }
    }
    if let Err(e) = pc.check_form(origin_ok(&headers, secure), csrf.as_deref()) {
        return error_page(&f, pc.lang, e);
    }
    for upload in files {
        if let Err(e) = service.upload(&pc.caller, upload).await {
            return error_page(&f, pc.lang, e.into());
        }
    }
    Redirect::to("/").into_response()
}

/// A form upload that could not be read: too large (413, with the upload limit, as
/// the API says it) or malformed (400).
fn multipart_error(e: MultipartError, service: &Service) -> HttpError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        HttpError::Service(ServiceError::TooLarge {
            limit: service.config().max_upload_bytes,
        })
    } else {
        HttpError::BodyRead(e.body_text())
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct DocQuery {
    summary: Option<String>,
    translation: Option<String>,
}

pub(crate) async fn document(
    State(state): State<AppState>,
    pc: PageCaller,
    Path(id): Path<String>,
    Query(q): Query<DocQuery>,
) -> Response {
    let path = format!("/documents/{id}");
    let f = frame(&pc, &path);
    let service = match service_of(&state) {
        Ok(s) => s,
        Err(e) => return error_page(&f, pc.lang, e),
    };
    let id = DocumentId(id);
    let view = match service.document(&pc.caller, &id).await {
        Ok(v) => v,
        Err(e) => return error_page(&f, pc.lang, e.into()),
    };
    let mut names = Names::new(service);
    let owner = names.of(&view.record.owner).await;
    let mut doc = DocRow::new(&view.record, owner, None, view.is_owner);
    if let Some(d) = &view.document {
        doc.issues = d.issues.iter().map(|i| i.message.clone()).collect();
    }
    let history = service.summaries(&pc.caller, &id).await.unwrap_or_default();
    let zh = pc.lang == PageLang::ZhHant;
    let chosen = q.summary.or_else(|| history.first().map(|h| h.id.clone()));
    let summary = match chosen {
        Some(sid) => match service.summary(&pc.caller, &sid).await {
            Ok((record, s)) => {
                let by = names.of(&record.created_by).await;
                Some(summary_view(&record, &s, by, zh))
            }
            Err(e) => return error_page(&f, pc.lang, e.into()),
        },
        None => None,
    };
    let mut past = Vec::new();
    for h in &history {
        let how = serde_json::from_str::<hkpilot_core::Summary>(&h.result)
            .map(|s| super::view::how(&s, zh))
            .unwrap_or_default();
        past.push(minijinja::context! {
            id => h.id.clone(),
            created => super::view::hk_time(h.created_at_ms),
            how => how,
            by => names.of(&h.created_by).await,
        });
    }
    let (translation, translation_history) =
        match super::translations::section(service, &pc, &id, q.translation, &mut names).await {
            Ok(t) => t,
            Err(e) => return error_page(&f, pc.lang, e.into()),
        };
    let running = running_jobs(&state, &pc).await;
    let jobs_of = |wanted: JobKind, label: &'static str| -> Vec<_> {
        running
            .iter()
            .filter(|((kind, d), _)| *kind == wanted && *d == id)
            .map(|(_, job)| minijinja::context! { id => job, kind => label, state => "running", percent => 0 })
            .collect()
    };
    let jobs = jobs_of(JobKind::Summarize, "summarize");
    let translate_jobs = jobs_of(JobKind::Translate, "translation");
    page(
        "document.html",
        &f,
        minijinja::context! {
            doc => doc,
            blocks => view.document.as_deref().map(blocks).unwrap_or_default(),
            summary => summary,
            history => past,
            jobs => jobs,
            translate_jobs => translate_jobs,
            translation => translation,
            translation_history => translation_history,
            model_available => service.has_model(),
        },
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct SummaryForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    method: Option<String>,
    length: Option<String>,
    lang: Option<String>,
    focus: Option<String>,
}

pub(crate) async fn summarize_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    pc: PageCaller,
    Path(id): Path<String>,
    Form(form): Form<SummaryForm>,
) -> Response {
    let path = format!("/documents/{id}");
    let f = frame(&pc, &path);
    let secure = state.product().is_some_and(|p| p.secure_cookies);
    if let Err(e) = pc.check_form(origin_ok(&headers, secure), form.csrf.as_deref()) {
        return error_page(&f, pc.lang, e);
    }
    let lang = match form.lang.as_deref().filter(|l| !l.is_empty()) {
        None => None,
        Some(l) => match l.parse::<Lang>() {
            Ok(l) => Some(l),
            Err(_) => {
                return error_page(
                    &f,
                    pc.lang,
                    HttpError::invalid("lang", format!("unknown language {l:?}")),
                )
            }
        },
    };
    let request = SummaryRequest {
        method: if form.method.as_deref() == Some("model") {
            SummaryMethodChoice::Model
        } else {
            SummaryMethodChoice::Extractive
        },
        length: form.length.unwrap_or_else(|| "medium".into()),
        lang,
        focus: form.focus.filter(|f| !f.trim().is_empty()),
    };
    let result = match service_of(&state) {
        Ok(s) => s
            .request_summary(&pc.caller, &DocumentId(id), request)
            .await
            .map_err(HttpError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Redirect::to(&path).into_response(),
        Err(e) => error_page(&f, pc.lang, e),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct ShareForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    shared: String,
}

pub(crate) async fn share_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    pc: PageCaller,
    Path(id): Path<String>,
    Form(form): Form<ShareForm>,
) -> Response {
    let path = format!("/documents/{id}");
    let f = frame(&pc, &path);
    let secure = state.product().is_some_and(|p| p.secure_cookies);
    if let Err(e) = pc.check_form(origin_ok(&headers, secure), form.csrf.as_deref()) {
        return error_page(&f, pc.lang, e);
    }
    let result = match service_of(&state) {
        Ok(s) => s
            .share(&pc.caller, &DocumentId(id), form.shared == "true")
            .await
            .map_err(HttpError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Redirect::to(&path).into_response(),
        Err(e) => error_page(&f, pc.lang, e),
    }
}
