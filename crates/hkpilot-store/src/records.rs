//! The records the store keeps beside the core types: what a caller hands in to
//! create something and what comes back, for sessions, keys, documents, summaries
//! and translations.

use hkpilot_core::{DepartmentId, DocumentId, JobKind, Lang, Role, SourceFormat, UiLang, UserId};
use serde::{Deserialize, Serialize};

use crate::blob::BlobId;

/// A user to create. The password hash is opaque here: hashing belongs to the
/// credentials code, and the store never sees a password.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub department: DepartmentId,
    pub role: Role,
    pub ui_lang: UiLang,
    pub password_hash: String,
}

/// A signed-in session. Only a hash of the cookie's token is stored, so a copy of the
/// database does not let anyone sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user: UserId,
    pub created_at_ms: i64,
    pub last_seen_ms: i64,
    /// The session ends at whichever of the two comes first.
    pub idle_expires_at_ms: i64,
    pub absolute_expires_at_ms: i64,
    pub csrf_hash: Option<String>,
}

/// An API key to create; as with sessions, only its hash is stored.
#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub key_hash: String,
    pub user: UserId,
    /// The owner's label, e.g. "報告腳本".
    pub name: String,
    pub created_at_ms: i64,
}

/// A stored API key (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRecord {
    pub id: String,
    #[serde(skip_serializing)]
    pub key_hash: String,
    pub user: UserId,
    pub name: String,
    pub created_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
}

/// Where an uploaded document is in its processing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentState {
    Uploaded,
    Ingesting,
    Ready,
    Failed,
}

impl DocumentState {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentState::Uploaded => "uploaded",
            DocumentState::Ingesting => "ingesting",
            DocumentState::Ready => "ready",
            DocumentState::Failed => "failed",
        }
    }

    pub fn parse(name: &str) -> Option<DocumentState> {
        match name {
            "uploaded" => Some(DocumentState::Uploaded),
            "ingesting" => Some(DocumentState::Ingesting),
            "ready" => Some(DocumentState::Ready),
            "failed" => Some(DocumentState::Failed),
            _ => None,
        }
    }
}

/// One uploaded document in the library. It is keyed by owner *and* [`DocumentId`]:
/// the id comes from the file's content, so two officers who upload the same file get
/// two records (each their own to share or delete) over the same blobs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRecord {
    pub id: DocumentId,
    pub owner: UserId,
    /// The department it is shared with, if any (only the owner's, by policy).
    pub shared_with: Option<DepartmentId>,
    pub title: String,
    /// The name as uploaded, e.g. `施政報告.pdf`; shown, never used as a path.
    pub file_name: String,
    /// Known once ingested.
    pub format: Option<SourceFormat>,
    pub lang: Option<Lang>,
    pub pages: u32,
    pub size_bytes: u64,
    /// Hex SHA-256 of the original bytes (equal to `original`'s id).
    pub content_hash: String,
    /// The original file.
    pub original: BlobId,
    /// The extracted [`hkpilot_core::Document`] as JSON, once ingested.
    pub extracted: Option<BlobId>,
    pub state: DocumentState,
    /// Why ingesting failed, for the uploader.
    pub error: Option<String>,
    pub created_at_ms: i64,
}

/// What an ingest job learnt, written in one step when the document becomes ready.
#[derive(Debug, Clone)]
pub struct IngestedDocument {
    pub title: String,
    pub format: SourceFormat,
    pub lang: Option<Lang>,
    pub pages: u32,
    pub extracted: BlobId,
}

/// A summary to record.
#[derive(Debug, Clone)]
pub struct NewSummary {
    pub document: DocumentId,
    /// Owner of the document record the summary belongs to.
    pub document_owner: UserId,
    pub created_by: UserId,
    /// JSON text of the options used (length, language, model settings).
    pub options: String,
    pub model: Option<String>,
    /// JSON text of the [`hkpilot_core::Summary`].
    pub result: String,
    pub created_at_ms: i64,
}

/// A stored summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryRecord {
    pub id: String,
    pub document: DocumentId,
    pub document_owner: UserId,
    pub created_by: UserId,
    pub options: String,
    pub model: Option<String>,
    pub result: String,
    pub created_at_ms: i64,
}

/// A translation to record.
#[derive(Debug, Clone)]
pub struct NewTranslation {
    pub document: DocumentId,
    /// Owner of the document record the translation belongs to.
    pub document_owner: UserId,
    pub created_by: UserId,
    /// The language translated into.
    pub to: Lang,
    /// JSON text of the options asked for.
    pub options: String,
    /// The model that translated; `None` when only the script was converted.
    pub model: Option<String>,
    /// JSON text of the translation (`hkpilot_draft::Translation`).
    pub result: String,
    pub created_at_ms: i64,
}

/// A stored translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranslationRecord {
    pub id: String,
    pub document: DocumentId,
    pub document_owner: UserId,
    pub created_by: UserId,
    pub to: Lang,
    pub options: String,
    pub model: Option<String>,
    pub result: String,
    pub created_at_ms: i64,
}

/// A draft to record.
#[derive(Debug, Clone)]
pub struct NewDraft {
    pub owner: UserId,
    /// The template type's id (`memo`, `letter`, ...).
    pub template: String,
    /// The language drafted in.
    pub lang: Lang,
    /// A short title for lists (the template's name or the subject).
    pub title: String,
    /// The documents given as sources, in order (the draft may cite any of them).
    pub sources: Vec<DocumentId>,
    /// JSON text of the request (fields, notes, options).
    pub request: String,
    /// The model that wrote the draft.
    pub model: Option<String>,
    /// JSON text of the draft.
    pub result: String,
    pub created_at_ms: i64,
}

/// A stored draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftRecord {
    pub id: String,
    pub owner: UserId,
    pub template: String,
    pub lang: Lang,
    pub title: String,
    pub sources: Vec<DocumentId>,
    pub request: String,
    pub model: Option<String>,
    pub result: String,
    pub created_at_ms: i64,
}

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: JobKind,
    pub owner: UserId,
    /// Higher runs first; 0 is normal.
    pub priority: i32,
    /// JSON text.
    pub params: String,
}

/// How a running job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOutcome {
    Succeeded {
        result: String,
    },
    Failed {
        error: String,
    },
    /// The worker saw the cancel request and stopped.
    Cancelled,
}

/// What [`crate::JobStore::requeue_running_jobs`] did at start-up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequeueReport {
    /// Back in the queue, to run again.
    pub requeued: Vec<hkpilot_core::JobId>,
    /// Started too many times already: failed, with the reason in the job's error.
    pub failed: Vec<hkpilot_core::JobId>,
    /// Their owner had asked to cancel them before the restart.
    pub cancelled: Vec<hkpilot_core::JobId>,
}
