//! Translation on the document page: the form that asks for one, and the latest (or
//! chosen) translation shown block by block beside its source, flagged blocks marked,
//! with the earlier translations listed.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use hkpilot_core::DocumentId;
use hkpilot_draft::translate::{render, FixKind, FlagKind, Method, MissReason, OutKind};
use hkpilot_draft::Translation;
use hkpilot_service::{Service, ServiceError, TranslationRequest};
use hkpilot_store::TranslationRecord;
use serde::{Deserialize, Serialize};

use super::pages::{error_page, frame};
use super::view::{hk_time, lang_name, Names};
use crate::product::caller::{origin_ok, service_of, PageCaller};
use crate::product::translations::target;
use crate::{AppState, HttpError};

/// One block: source and translation side by side.
#[derive(Debug, Serialize)]
pub(crate) struct PairView {
    /// `heading`, `paragraph`, `item` or `table`.
    pub kind: &'static str,
    pub index: usize,
    pub source: String,
    pub translation: String,
    pub source_rows: Vec<Vec<String>>,
    pub rows: Vec<Vec<String>>,
    pub flagged: bool,
    pub untranslated: bool,
    /// What to check, one line each.
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct TranslationView {
    pub id: String,
    pub lang: &'static str,
    pub to_name: &'static str,
    pub how: String,
    pub created: String,
    pub by: String,
    pub notice: String,
    pub flagged: usize,
    pub blocks: Vec<PairView>,
}

/// An earlier translation in the list.
#[derive(Debug, Serialize)]
pub(crate) struct PastView {
    pub id: String,
    pub created: String,
    pub to_name: &'static str,
    pub how: String,
    pub by: String,
}

/// How a translation was made, in a few words.
fn how(model: Option<&str>, zh: bool) -> String {
    match (model, zh) {
        (Some(m), false) => format!("translated by {m}"),
        (Some(m), true) => format!("由 {m} 翻譯"),
        (None, false) => "script conversion only (no model)".into(),
        (None, true) => "只轉換字體（不用模型）".into(),
    }
}

/// The label every translation carries, in Chinese (the pipeline writes it in English).
fn notice_zh(t: &Translation) -> String {
    let from = t.from.map_or("原文語言", lang_name);
    let to = lang_name(t.to);
    match t.model.as_deref() {
        Some(m) => format!(
            "由語言模型 {m} 從{from}機器翻譯為{to}（人工智能生成），可能有錯漏：使用前請與原文核對，已標示的段落尤須留意。"
        ),
        None => format!("由{from}自動轉換為{to}（不需語言模型）。使用前請與原文核對。"),
    }
}

/// What to check in a block, in Chinese: the same facts as `render::notes`, which the
/// pipeline writes in English.
fn notes_zh(b: &hkpilot_draft::translate::TranslatedBlock) -> Vec<String> {
    let at = |cell: Option<[usize; 2]>| {
        cell.map(|[r, c]| format!("（第 {} 行第 {} 欄）", r + 1, c + 1))
            .unwrap_or_default()
    };
    let mut out: Vec<String> = b
        .flags
        .iter()
        .map(|f| {
            let what = match f.kind {
                FlagKind::Empty => "模型沒有輸出，保留原文，未翻譯",
                FlagKind::ModelError => "模型出錯，保留原文，未翻譯",
                FlagKind::NotTranslated => "譯文不是目標語言，可能未有翻譯",
                FlagKind::SentenceGap => "譯文的句子明顯少於原文，可能有遺漏",
                FlagKind::TooShort => "譯文比原文短得多，可能有遺漏",
                FlagKind::TooLong => "譯文比原文長得多，可能加入了原文沒有的內容",
                FlagKind::MissingFigures => "原文的數字未見於譯文",
                FlagKind::AddedFigures => "譯文有原文沒有的數字",
                FlagKind::UsageReview => "用詞可能不是香港慣用的意思，請檢查",
            };
            let items = if f.items.is_empty() {
                String::new()
            } else {
                format!("：{}", f.items.join("、"))
            };
            format!("⚠ 請核對：{what}{items}{}", at(f.cell))
        })
        .collect();
    for m in &b.term_misses {
        let why = match m.reason {
            MissReason::Absent => "譯文沒有此譯名",
            MissReason::WrongScript => "字體或異體字不符",
            MissReason::UnacceptableAlias => "用了不接受的別稱",
        };
        let found = m
            .found
            .as_deref()
            .map(|f| format!("，譯文作「{f}」"))
            .unwrap_or_default();
        out.push(format!(
            "⚠ 詞彙：「{}」須譯作「{}」（{why}{found}）{}",
            m.source_text,
            m.expected,
            at(m.cell)
        ));
    }
    out.extend(b.fixes.iter().map(|f| {
        let why = match f.kind {
            FixKind::TermScript => "詞彙庫的寫法",
            FixKind::HkUsage => "香港慣用詞",
        };
        format!("已更正：{} → {}（{why}）", f.from, f.to)
    }));
    out
}

fn pair(b: &hkpilot_draft::translate::TranslatedBlock, zh: bool) -> Option<PairView> {
    let (kind, source_rows, rows) = match &b.kind {
        OutKind::PageBreak => return None,
        OutKind::Heading { .. } => ("heading", Vec::new(), Vec::new()),
        OutKind::Paragraph => ("paragraph", Vec::new(), Vec::new()),
        OutKind::ListItem { .. } => ("item", Vec::new(), Vec::new()),
        OutKind::Table { rows } => (
            "table",
            rows.iter()
                .map(|r| r.iter().map(|c| c.source.clone()).collect())
                .collect(),
            rows.iter()
                .map(|r| r.iter().map(|c| c.translation.clone()).collect())
                .collect(),
        ),
    };
    Some(PairView {
        kind,
        index: b.index,
        source: b.source.clone(),
        translation: b.translation.clone(),
        source_rows,
        rows,
        flagged: b.is_flagged(),
        untranslated: b.method == Method::Untranslated,
        notes: if zh {
            notes_zh(b)
        } else {
            render::notes(b)
                .into_iter()
                .map(|n| n.replace("**", ""))
                .collect()
        },
    })
}

pub(crate) fn translation_view(
    record: &TranslationRecord,
    t: &Translation,
    by: String,
    zh: bool,
) -> TranslationView {
    TranslationView {
        id: record.id.clone(),
        lang: t.to.tag(),
        to_name: lang_name(t.to),
        how: how(t.model.as_deref(), zh),
        created: hk_time(record.created_at_ms),
        by,
        notice: if zh { notice_zh(t) } else { t.notice.clone() },
        flagged: t.stats.blocks_flagged,
        blocks: t.blocks.iter().filter_map(|b| pair(b, zh)).collect(),
    }
}

/// The chosen translation (else the newest) and the document's list of them.
pub(crate) async fn section(
    service: &Service,
    pc: &PageCaller,
    id: &DocumentId,
    chosen: Option<String>,
    names: &mut Names<'_>,
) -> Result<(Option<TranslationView>, Vec<PastView>), ServiceError> {
    let zh = pc.lang == super::i18n::PageLang::ZhHant;
    let history = service.translations(&pc.caller, id).await?;
    let chosen = chosen.or_else(|| history.first().map(|h| h.id.clone()));
    let current = match chosen {
        Some(tid) => {
            let (record, t) = service.translation(&pc.caller, &tid).await?;
            // A translation of another document is not shown beside this one.
            if record.document != *id {
                return Err(ServiceError::NotFound(format!(
                    "no translation {tid} of this document"
                )));
            }
            let by = names.of(&record.created_by).await;
            Some(translation_view(&record, &t, by, zh))
        }
        None => None,
    };
    let mut past = Vec::new();
    for h in &history {
        past.push(PastView {
            id: h.id.clone(),
            created: hk_time(h.created_at_ms),
            to_name: lang_name(h.to),
            how: how(h.model.as_deref(), zh),
            by: names.of(&h.created_by).await,
        });
    }
    Ok((current, past))
}

#[derive(Debug, Deserialize)]
pub(crate) struct TranslateForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    to: String,
}

/// `POST /documents/{id}/translations`: queues a translation, back to the document.
pub(crate) async fn translate_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    pc: PageCaller,
    Path(id): Path<String>,
    Form(form): Form<TranslateForm>,
) -> Response {
    let path = format!("/documents/{id}");
    let f = frame(&pc, &path);
    let secure = state.product().is_some_and(|p| p.secure_cookies);
    if let Err(e) = pc.check_form(origin_ok(&headers, secure), form.csrf.as_deref()) {
        return error_page(&f, pc.lang, e);
    }
    let result = match (service_of(&state), target(&form.to)) {
        (Ok(s), Ok(to)) => s
            .request_translation(&pc.caller, &DocumentId(id), TranslationRequest { to })
            .await
            .map_err(HttpError::from),
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(_) => Redirect::to(&path).into_response(),
        Err(e) => error_page(&f, pc.lang, e),
    }
}
