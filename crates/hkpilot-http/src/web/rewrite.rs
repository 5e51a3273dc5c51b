//! The Rewrite page: paste text (or open one of the officer's drafts), choose an
//! operation (shorter, fuller, plainer, more formal, a tone, grammar, Traditional ↔
//! Simplified), and read the result beside a diff that marks every insertion and
//! deletion, with the figures and names to check listed.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use hkpilot_draft::Rewrite;
use hkpilot_service::MAX_REWRITE_CHARS;
use serde::{Deserialize, Serialize};

use super::i18n::PageLang;
use super::pages::{error_page, frame, page};
use crate::product::caller::{origin_ok, service_of, PageCaller};
use crate::{AppState, HttpError};

/// The operations the form offers, by value and word key (`tone` takes its word from
/// the tone box).
const OPS: &[(&str, &str)] = &[
    ("shorten", "op_shorten"),
    ("expand", "op_expand"),
    ("plain", "op_plain"),
    ("formal", "op_formal"),
    ("tone", "op_tone"),
    ("grammar", "op_grammar"),
    ("to-hant", "op_to_hant"),
    ("to-hans", "op_to_hans"),
];

#[derive(Debug, Deserialize)]
pub(crate) struct RewriteQuery {
    /// One of the officer's drafts to start from.
    draft: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RewriteForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    op: String,
    #[serde(default)]
    tone: String,
}

#[derive(Debug, Serialize)]
struct OpOption {
    value: &'static str,
    word: &'static str,
    selected: bool,
}

#[derive(Debug, Serialize)]
struct DiffRun {
    /// `equal`, `insert` or `delete`.
    kind: &'static str,
    text: String,
}

#[derive(Debug, Serialize)]
struct FlagView {
    text: String,
    what: String,
}

#[derive(Debug, Serialize)]
struct ResultView {
    rewritten: String,
    changed: bool,
    ai_generated: bool,
    model: Option<String>,
    diff: Vec<DiffRun>,
    flags: Vec<FlagView>,
    warnings: Vec<String>,
}

fn op_options(chosen: &str) -> Vec<OpOption> {
    OPS.iter()
        .map(|(value, word)| OpOption {
            value,
            word,
            selected: *value == chosen,
        })
        .collect()
}

/// A rewrite flag in the reader's words.
fn flag_words(kind: &str, detail: Option<&str>, zh: bool) -> String {
    let (en, tc) = match kind {
        "figure_changed" => ("figure not in the original", "原文沒有的數字"),
        "figure_dropped" => ("figure of the original missing", "原文的數字缺失"),
        "name_changed" => ("name not in the original", "原文沒有的名稱"),
        "name_dropped" => ("name of the original missing", "原文的名稱缺失"),
        "kept" => ("left as it was", "保留原文"),
        "usage_review" => ("wording to review", "用詞需檢查"),
        _ => ("to check", "需核對"),
    };
    let words = if zh { tc } else { en };
    match detail {
        Some(d) if !d.is_empty() => format!("{words} ({d})"),
        _ => words.to_string(),
    }
}

fn result_view(r: &Rewrite, zh: bool) -> ResultView {
    // The library's enums serialise to the snake_case names the template switches on.
    let name = |v: serde_json::Value| v.as_str().unwrap_or_default().to_string();
    ResultView {
        rewritten: r.rewritten.clone(),
        changed: r.changed,
        ai_generated: r.ai_generated,
        model: r.model.clone(),
        diff: r
            .diff
            .iter()
            .map(|d| DiffRun {
                kind: match name(serde_json::to_value(d.kind).unwrap_or_default()).as_str() {
                    "insert" => "insert",
                    "delete" => "delete",
                    _ => "equal",
                },
                text: d.text.clone(),
            })
            .collect(),
        flags: r
            .flags
            .iter()
            .map(|f| FlagView {
                text: f.text.clone(),
                what: flag_words(
                    &name(serde_json::to_value(f.kind).unwrap_or_default()),
                    f.detail.as_deref(),
                    zh,
                ),
            })
            .collect(),
        warnings: r.warnings.clone(),
    }
}

fn render(
    pc: &PageCaller,
    has_model: bool,
    text: &str,
    op: &str,
    tone: &str,
    result: Option<ResultView>,
) -> Response {
    let f = frame(pc, "/rewrite");
    page(
        "rewrite.html",
        &f,
        minijinja::context! {
            text => text,
            ops => op_options(op),
            tone => tone,
            max_chars => MAX_REWRITE_CHARS,
            has_model => has_model,
            result => result,
        },
    )
}

/// `GET /rewrite[?draft=ID]`: the form, holding the draft's text when one is named.
pub(crate) async fn rewrite_page(
    State(state): State<AppState>,
    pc: PageCaller,
    Query(q): Query<RewriteQuery>,
) -> Response {
    let f = frame(&pc, "/rewrite");
    let service = match service_of(&state) {
        Ok(s) => s,
        Err(e) => return error_page(&f, pc.lang, e),
    };
    let text = match q.draft.as_deref().filter(|d| !d.is_empty()) {
        Some(id) => match service.draft(&pc.caller, id).await {
            Ok((_, stored)) => stored.markdown,
            Err(e) => return error_page(&f, pc.lang, e.into()),
        },
        None => String::new(),
    };
    render(&pc, service.has_model(), &text, "plain", "", None)
}

/// `POST /rewrite`: rewrites the text and shows the result with its diff.
pub(crate) async fn rewrite_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    pc: PageCaller,
    Form(form): Form<RewriteForm>,
) -> Response {
    let f = frame(&pc, "/rewrite");
    let secure = state.product().is_some_and(|p| p.secure_cookies);
    if let Err(e) = pc.check_form(origin_ok(&headers, secure), form.csrf.as_deref()) {
        return error_page(&f, pc.lang, e);
    }
    let service = match service_of(&state) {
        Ok(s) => s,
        Err(e) => return error_page(&f, pc.lang, e),
    };
    let op = if form.op == "tone" {
        format!("tone:{}", form.tone.trim())
    } else {
        form.op.clone()
    };
    match service.rewrite(&pc.caller, &form.text, &op).await {
        Ok(r) => {
            let view = result_view(&r, pc.lang == PageLang::ZhHant);
            render(
                &pc,
                service.has_model(),
                &form.text,
                &form.op,
                &form.tone,
                Some(view),
            )
        }
        Err(e) => error_page(&f, pc.lang, HttpError::from(e)),
    }
}
