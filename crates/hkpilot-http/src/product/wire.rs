//! JSON shapes of the product API. Field names are stable: scripts rely on them.

use hkpilot_core::{Block, Job, User};
use hkpilot_store::{DocumentRecord, SummaryRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub department: String,
    pub role: &'static str,
    #[schema(value_type = String, example = "zh-Hant")]
    pub ui_lang: hkpilot_core::UiLang,
    pub disabled: bool,
}

impl From<&User> for UserOut {
    fn from(u: &User) -> Self {
        UserOut {
            id: u.id.0.clone(),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            department: u.department.0.clone(),
            role: u.role.as_str(),
            ui_lang: u.ui_lang,
            disabled: u.disabled,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentOut {
    pub id: String,
    pub title: String,
    pub file_name: String,
    /// pdf, docx, html, markdown or text.
    #[schema(value_type = Option<String>)]
    pub format: Option<hkpilot_core::SourceFormat>,
    /// en, zh-Hant or zh-Hans.
    #[schema(value_type = Option<String>)]
    pub lang: Option<hkpilot_core::Lang>,
    pub pages: u32,
    pub size_bytes: u64,
    pub content_hash: String,
    pub state: &'static str,
    pub error: Option<String>,
    pub owner: String,
    pub shared_with: Option<String>,
    pub created_at_ms: i64,
}

impl From<&DocumentRecord> for DocumentOut {
    fn from(d: &DocumentRecord) -> Self {
        DocumentOut {
            id: d.id.0.clone(),
            title: d.title.clone(),
            file_name: d.file_name.clone(),
            format: d.format,
            lang: d.lang,
            pages: d.pages,
            size_bytes: d.size_bytes,
            content_hash: d.content_hash.clone(),
            state: d.state.as_str(),
            error: d.error.clone(),
            owner: d.owner.0.clone(),
            shared_with: d.shared_with.as_ref().map(|s| s.0.clone()),
            created_at_ms: d.created_at_ms,
        }
    }
}

/// A document with its structure, once read.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentDetail {
    #[serde(flatten)]
    pub record: DocumentOut,
    /// The document's blocks (headings, paragraphs, list items, tables) with their
    /// character offsets, once it has been read.
    #[schema(value_type = Option<Vec<Object>>)]
    pub blocks: Option<Vec<Block>>,
    pub issues: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobOut {
    pub id: String,
    pub kind: &'static str,
    pub state: &'static str,
    pub phase: String,
    pub done: u64,
    pub total: u64,
    pub error: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
    pub created_at_ms: i64,
    pub finished_at_ms: Option<i64>,
    /// How many times a worker started the job (more than one after a restart).
    pub attempts: u32,
}

impl From<&Job> for JobOut {
    fn from(j: &Job) -> Self {
        JobOut {
            id: j.id.0.clone(),
            kind: j.kind.as_str(),
            state: j.state.as_str(),
            phase: j.progress.phase.clone(),
            done: j.progress.done,
            total: j.progress.total,
            error: j.error.clone(),
            result: j
                .result
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok()),
            created_at_ms: j.created_at,
            finished_at_ms: j.finished_at,
            attempts: j.attempts,
        }
    }
}

/// The answer to an upload or a summary request: 202 with the job to follow.
#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    pub job_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<DocumentOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryOut {
    pub id: String,
    pub document: String,
    pub created_by: String,
    pub model: Option<String>,
    #[schema(value_type = Object)]
    pub options: serde_json::Value,
    pub created_at_ms: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The summary: sentences with citations (document, character span, page,
    /// quote) and flags, method, language, provenance.
    #[schema(value_type = Option<Object>)]
    pub summary: Option<hkpilot_core::Summary>,
}

impl SummaryOut {
    pub fn of(r: &SummaryRecord, summary: Option<hkpilot_core::Summary>) -> Self {
        SummaryOut {
            id: r.id.clone(),
            document: r.document.0.clone(),
            created_by: r.created_by.0.clone(),
            model: r.model.clone(),
            options: serde_json::from_str(&r.options).unwrap_or(serde_json::Value::Null),
            created_at_ms: r.created_at_ms,
            summary,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SignInIn {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignInOut {
    pub user: UserOut,
    /// Send as `X-CSRF-Token` with state-changing requests made with the cookie.
    pub csrf_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ShareIn {
    pub shared: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ApiKeyIn {
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyOut {
    /// Shown once: store it now.
    pub key: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUserIn {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub department: String,
    pub role: String,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub ui_lang: Option<hkpilot_core::UiLang>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventOut {
    pub seq: u64,
    pub at_ms: i64,
    pub actor: Option<String>,
    pub action: String,
    pub documents: Vec<String>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub remote_addr: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl From<&hkpilot_core::AuditEvent> for AuditEventOut {
    fn from(e: &hkpilot_core::AuditEvent) -> Self {
        AuditEventOut {
            seq: e.seq,
            at_ms: e.at_ms,
            actor: e.actor.as_ref().map(|a| a.0.clone()),
            action: e.action.as_str().to_string(),
            documents: e.documents.iter().map(|d| d.0.clone()).collect(),
            detail: serde_json::from_str(&e.detail)
                .unwrap_or(serde_json::Value::String(e.detail.clone())),
            remote_addr: e.remote_addr.clone(),
            prev_hash: e.prev_hash.clone(),
            hash: e.hash.clone(),
        }
    }
}

/// What a summary request may say.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SummaryRequestIn {
    /// `extractive` (key sentences, no model; the default) or `model`.
    #[serde(default)]
    pub method: Option<String>,
    /// `short`, `medium` (default), `long`, `200w` (words) or `5b` (bullets).
    #[serde(default)]
    pub length: Option<String>,
    /// `en`, `zh-Hant` or `zh-Hans`; the document's own language when absent.
    #[serde(default)]
    pub lang: Option<String>,
    /// A topic to concentrate on (model summaries).
    #[serde(default)]
    pub focus: Option<String>,
}

/// `{"disabled": true}` disables a user, `false` enables them again.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DisableIn {
    pub disabled: bool,
}

/// The audit chain's state.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChainOut {
    pub intact: bool,
    /// Events checked (when intact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<u64>,
    /// The last event's hash (when intact): keep it elsewhere to detect truncation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
    /// The first event that does not check out, and why (when broken).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// What a translation request says.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TranslationRequestIn {
    /// The language to translate into: `en`, `zh-Hant` or `zh-Hans`. Between
    /// Traditional and Simplified Chinese only the script is converted (no model).
    pub to: String,
}

/// A stored translation; `translation` (the blocks with source, translation, flags
/// and checks, the settings and totals) only when one is asked for by id.
#[derive(Debug, Serialize, ToSchema)]
pub struct TranslationOut {
    pub id: String,
    pub document: String,
    pub created_by: String,
    /// en, zh-Hant or zh-Hans.
    pub to: &'static str,
    /// The model that translated; null when only the script was converted.
    pub model: Option<String>,
    pub created_at_ms: i64,
    /// Always true: a machine translation must be checked before use.
    pub ai_generated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub translation: Option<hkpilot_draft::Translation>,
}

impl TranslationOut {
    pub fn of(
        r: &hkpilot_store::TranslationRecord,
        translation: Option<hkpilot_draft::Translation>,
    ) -> Self {
        TranslationOut {
            id: r.id.clone(),
            document: r.document.0.clone(),
            created_by: r.created_by.0.clone(),
            to: r.to.tag(),
            model: r.model.clone(),
            created_at_ms: r.created_at_ms,
            ai_generated: true,
            translation,
        }
    }
}

/// What a draft request says.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DraftRequestIn {
    /// The template type: memo, letter, … (the 8 built-in types).
    #[serde(rename = "type")]
    pub doc_type: String,
    /// The language to draft in: `en` or `zh-Hant`.
    pub lang: String,
    /// The template's fields by id; a missing required field is asked as a question.
    #[serde(default)]
    pub fields: Option<std::collections::HashMap<String, String>>,
    /// The officer's notes: what the draft should say.
    #[serde(default)]
    pub notes: Option<String>,
    /// Library document ids to draft from and cite (each must be readable and ready).
    #[serde(default)]
    pub sources: Option<Vec<String>>,
}

/// What a rewrite request says.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RewriteIn {
    /// The text to rewrite (at most 6,000 characters).
    pub text: String,
    /// shorten, expand, plain, formal, tone:<word>, grammar, to-hant or to-hans.
    pub op: String,
}

/// A rewrite: the new text, a diff of what changed, and what to check.
#[derive(Debug, Serialize, ToSchema)]
pub struct RewriteOut {
    /// The operation as asked.
    pub op: String,
    pub original: String,
    pub rewritten: String,
    pub changed: bool,
    /// `word` (English), `character` (Chinese) or `mixed`.
    pub diff_unit: String,
    /// Equal / insert / delete runs: `equal`+`delete` texts give the original,
    /// `equal`+`insert` texts the rewrite.
    pub diff: Vec<DiffRunOut>,
    /// Figures and names changed or dropped, sentences to review.
    pub flags: Vec<RewriteFlagOut>,
    /// True when a language model wrote the text (script conversion is not).
    pub ai_generated: bool,
    pub model: Option<String>,
    pub warnings: Vec<String>,
}

/// One run of a diff.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiffRunOut {
    /// `equal`, `insert` or `delete`.
    pub op: String,
    pub text: String,
}

/// One thing to check in a rewrite.
#[derive(Debug, Serialize, ToSchema)]
pub struct RewriteFlagOut {
    /// figure_changed, figure_dropped, name_changed, name_dropped, kept or usage_review.
    pub kind: String,
    pub text: String,
    pub detail: Option<String>,
}

impl RewriteOut {
    pub fn of(r: &hkpilot_draft::Rewrite) -> RewriteOut {
        // The library's types serialise to exactly these names; going through JSON
        // keeps one spelling of each.
        let name = |v: serde_json::Value| v.as_str().unwrap_or_default().to_string();
        RewriteOut {
            op: r.op.clone(),
            original: r.original.clone(),
            rewritten: r.rewritten.clone(),
            changed: r.changed,
            diff_unit: r.diff_unit.to_string(),
            diff: r
                .diff
                .iter()
                .map(|d| DiffRunOut {
                    op: name(serde_json::to_value(d.kind).unwrap_or_default()),
                    text: d.text.clone(),
                })
                .collect(),
            flags: r
                .flags
                .iter()
                .map(|f| RewriteFlagOut {
                    kind: name(serde_json::to_value(f.kind).unwrap_or_default()),
                    text: f.text.clone(),
                    detail: f.detail.clone(),
                })
                .collect(),
            ai_generated: r.ai_generated,
            model: r.model.clone(),
            warnings: r.warnings.clone(),
        }
    }
}

/// A stored draft; `draft` (sections with sentences, citations and flags, the
/// questions for missing fields, the sources and provenance) only when one is asked
/// for by id.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftOut {
    pub id: String,
    /// The template type.
    #[serde(rename = "type")]
    pub doc_type: String,
    /// en or zh-Hant.
    pub lang: &'static str,
    pub title: String,
    /// The source documents' ids.
    pub sources: Vec<String>,
    pub model: Option<String>,
    pub created_at_ms: i64,
    /// Always true: a draft written by a language model must be checked before use.
    pub ai_generated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub draft: Option<serde_json::Value>,
}

impl DraftOut {
    pub fn of(r: &hkpilot_store::DraftRecord, draft: Option<serde_json::Value>) -> Self {
        DraftOut {
            id: r.id.clone(),
            doc_type: r.template.clone(),
            lang: r.lang.tag(),
            title: r.title.clone(),
            sources: r.sources.iter().map(|d| d.0.clone()).collect(),
            model: r.model.clone(),
            created_at_ms: r.created_at_ms,
            ai_generated: true,
            draft,
        }
    }
}

/// `{"role": "department_admin"}`: officer, department_admin or system_admin.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RoleIn {
    pub role: String,
}
