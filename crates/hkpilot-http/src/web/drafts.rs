//! The Draft page: pick a template type and language, fill the template's fields,
//! write notes, tick source documents (those the officer may read and that are
//! ready), and submit; drafting runs as a job. "My drafts" lists the officer's drafts,
//! and a draft is shown labelled AI-generated, with the questions for missing fields,
//! flagged sentences marked and every citation linked to the cited block.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use hkpilot_core::{DocumentId, JobKind, Lang};
use hkpilot_draft::compose::DraftLabels;
use hkpilot_service::{draft_template, templates, DraftRequest, DRAFT_LANGS};
use hkpilot_store::DocumentState;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::i18n::PageLang;
use super::pages::{error_page, frame, page};
use super::view::{hk_time, lang_name};
use crate::product::caller::{origin_ok, service_of, PageCaller};
use crate::product::drafts::draft_lang;
use crate::{AppState, HttpError};

#[derive(Debug, Serialize)]
struct TypeOption {
    id: String,
    title: String,
    selected: bool,
}

#[derive(Debug, Serialize)]
struct LangOption {
    tag: &'static str,
    name: &'static str,
    selected: bool,
}

#[derive(Debug, Serialize)]
struct FieldView {
    id: String,
    label: String,
    required: bool,
    example: Option<String>,
}

#[derive(Debug, Serialize)]
struct SourceOption {
    id: String,
    title: String,
    file_name: String,
}

#[derive(Debug, Serialize)]
struct DraftRow {
    id: String,
    title: String,
    lang: &'static str,
    sources: usize,
    created: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DraftQuery {
    #[serde(rename = "type")]
    doc_type: Option<String>,
    lang: Option<String>,
}

/// `GET /draft`: the form for the chosen type and language, and "My drafts".
pub(crate) async fn draft_page(
    State(state): State<AppState>,
    pc: PageCaller,
    Query(q): Query<DraftQuery>,
) -> Response {
    let f = frame(&pc, "/draft");
    let service = match service_of(&state) {
        Ok(s) => s,
        Err(e) => return error_page(&f, pc.lang, e),
    };
    let page_lang = match pc.lang {
        PageLang::En => Lang::En,
        PageLang::ZhHant => Lang::ZhHant,
    };
    let lang = match q.lang.as_deref().map(draft_lang).transpose() {
        Ok(l) => l.unwrap_or(page_lang),
        Err(e) => return error_page(&f, pc.lang, e),
    };
    let library = templates();
    let types: Vec<&str> = library.doc_types();
    let chosen = q
        .doc_type
        .clone()
        .filter(|t| types.contains(&t.as_str()))
        .or_else(|| types.first().map(|t| t.to_string()))
        .unwrap_or_default();
    let template = match draft_template(&chosen, lang) {
        Ok(t) => t,
        Err(e) => return error_page(&f, pc.lang, e.into()),
    };
    let type_options: Vec<TypeOption> = types
        .iter()
        .map(|t| TypeOption {
            id: t.to_string(),
            title: library
                .find(t, page_lang)
                .map(|x| x.title.clone())
                .unwrap_or_else(|| t.to_string()),
            selected: *t == chosen,
        })
        .collect();
    let lang_options: Vec<LangOption> = DRAFT_LANGS
        .iter()
        .map(|l| LangOption {
            tag: l.tag(),
            name: lang_name(*l),
            selected: *l == lang,
        })
        .collect();
    let fields: Vec<FieldView> = template
        .fields
        .iter()
        .map(|fl| FieldView {
            id: fl.id.clone(),
            label: fl.label.clone(),
            required: fl.required,
            example: fl.example.clone(),
        })
        .collect();
    let sources: Vec<SourceOption> = service
        .list_documents(&pc.caller)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|d| d.state == DocumentState::Ready)
        .map(|d| SourceOption {
            id: d.id.0,
            title: d.title,
            file_name: d.file_name,
        })
        .collect();
    let drafts: Vec<DraftRow> = service
        .drafts(&pc.caller)
        .await
        .unwrap_or_default()
        .iter()
        .map(|d| DraftRow {
            id: d.id.clone(),
            title: d.title.clone(),
            lang: lang_name(d.lang),
            sources: d.sources.len(),
            created: hk_time(d.created_at_ms),
        })
        .collect();
    let running: Vec<String> = service
        .jobs(&pc.caller, 50)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|j| j.kind == JobKind::Draft && !j.state.is_final())
        .map(|j| j.id.0)
        .collect();
    page(
        "draft.html",
        &f,
        minijinja::context! {
            types => type_options,
            langs => lang_options,
            doc_type => chosen,
            lang => lang.tag(),
            template_title => template.title.clone(),
            template_description => template.description.clone(),
            fields => fields,
            sources => sources,
            drafts => drafts,
            running => running,
            has_model => service.has_model(),
        },
    )
}

/// `POST /draft`: queues the draft, back to the Draft page where its job shows.
pub(crate) async fn draft_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    pc: PageCaller,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let f = frame(&pc, "/draft");
    let secure = state.product().is_some_and(|p| p.secure_cookies);
    let csrf = pairs
        .iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.as_str());
    if let Err(e) = pc.check_form(origin_ok(&headers, secure), csrf) {
        return error_page(&f, pc.lang, e);
    }
    let one = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let lang = match draft_lang(&one("lang")) {
        Ok(l) => l,
        Err(e) => return error_page(&f, pc.lang, e),
    };
    let fields: BTreeMap<String, String> = pairs
        .iter()
        .filter_map(|(k, v)| {
            let id = k.strip_prefix("field_")?;
            (!v.trim().is_empty()).then(|| (id.to_string(), v.trim().to_string()))
        })
        .collect();
    let sources: Vec<DocumentId> = pairs
        .iter()
        .filter(|(k, _)| k == "source")
        .map(|(_, v)| DocumentId(v.clone()))
        .collect();
    let request = DraftRequest {
        doc_type: one("type"),
        lang,
        fields,
        notes: one("notes"),
        sources,
    };
    let result = match service_of(&state) {
        Ok(s) => s
            .request_draft(&pc.caller, request)
            .await
            .map_err(HttpError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Redirect::to("/draft").into_response(),
        Err(e) => error_page(&f, pc.lang, e),
    }
}

#[derive(Debug, Serialize)]
struct CiteView {
    n: usize,
    doc: String,
    block: u64,
    quote: String,
}

#[derive(Debug, Serialize)]
struct SentenceView {
    text: String,
    cites: Vec<CiteView>,
    flags: Vec<String>,
}

#[derive(Debug, Serialize)]
struct SectionView {
    heading: String,
    text: String,
    sentences: Vec<SentenceView>,
    note: Option<String>,
}

#[derive(Debug, Serialize)]
struct QuestionView {
    label: String,
    prompt: String,
}

#[derive(Debug, Serialize)]
struct CitedSource {
    id: String,
    name: String,
}

/// A sentence flag in the reader's words: the draft library's own labels, in the
/// page's language; a figure or name missing from the source is named.
fn flag_words(flag: &Value, cited: bool, zh: bool) -> String {
    let l = DraftLabels::for_lang(if zh { Lang::ZhHant } else { Lang::En });
    match flag["kind"].as_str().unwrap_or_default() {
        "no_citation" => l.no_citation.to_string(),
        "unsupported" => l.unsupported.to_string(),
        "not_in_source" => {
            // Sentences from the sources cite them; sentences from the notes do not.
            let missing = if cited {
                l.not_in_source
            } else {
                l.not_in_notes
            };
            match flag["text"].as_str().filter(|t| !t.is_empty()) {
                Some(t) => format!("{missing}{}{t}", l.colon),
                None => missing.to_string(),
            }
        }
        other => {
            let check = if zh { "需核對" } else { "to check" };
            format!("{check} ({other})")
        }
    }
}

fn str_of(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap_or_default().to_string()
}

fn array<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v[key].as_array().map(Vec::as_slice).unwrap_or_default()
}

/// `GET /drafts/{id}`: one of the officer's drafts.
pub(crate) async fn draft_view(
    State(state): State<AppState>,
    pc: PageCaller,
    Path(id): Path<String>,
) -> Response {
    let f = frame(&pc, &format!("/drafts/{id}"));
    let service = match service_of(&state) {
        Ok(s) => s,
        Err(e) => return error_page(&f, pc.lang, e),
    };
    let (record, stored) = match service.draft(&pc.caller, &id).await {
        Ok(d) => d,
        Err(e) => return error_page(&f, pc.lang, e.into()),
    };
    let zh = pc.lang == PageLang::ZhHant;
    let d = &stored.draft;
    let mut n = 0;
    let sections: Vec<SectionView> = array(d, "sections")
        .iter()
        .map(|s| SectionView {
            heading: str_of(s, "heading"),
            text: str_of(s, "text"),
            sentences: array(s, "sentences")
                .iter()
                .map(|x| SentenceView {
                    text: str_of(x, "text"),
                    cites: array(x, "citations")
                        .iter()
                        .map(|c| {
                            n += 1;
                            CiteView {
                                n,
                                doc: c["span"]["doc"].as_str().unwrap_or_default().to_string(),
                                block: c["span"]["block"].as_u64().unwrap_or(0),
                                quote: str_of(c, "quote"),
                            }
                        })
                        .collect(),
                    flags: array(x, "flags")
                        .iter()
                        .map(|fl| flag_words(fl, !array(x, "citations").is_empty(), zh))
                        .collect(),
                })
                .collect(),
            note: s["note"].as_str().map(str::to_string),
        })
        .collect();
    let questions: Vec<QuestionView> = array(d, "missing_fields")
        .iter()
        .map(|q| QuestionView {
            label: str_of(q, "label"),
            prompt: str_of(q, "prompt"),
        })
        .collect();
    let warnings: Vec<String> = array(d, "warnings")
        .iter()
        .filter_map(|w| w.as_str().map(str::to_string))
        .collect();
    let cited: Vec<CitedSource> = array(d, "sources")
        .iter()
        .map(|s| CitedSource {
            id: str_of(s, "id"),
            name: s["title"]
                .as_str()
                .or(s["file_name"].as_str())
                .unwrap_or_default()
                .to_string(),
        })
        .collect();
    page(
        "draft_view.html",
        &f,
        minijinja::context! {
            id => record.id,
            title => record.title,
            lang => lang_name(record.lang),
            html_draft_lang => record.lang.tag(),
            created => hk_time(record.created_at_ms),
            model => record.model,
            preamble => str_of(d, "preamble"),
            sections => sections,
            questions => questions,
            warnings => warnings,
            sources => cited,
        },
    )
}
