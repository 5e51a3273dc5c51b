//! The store's interface, one trait per area, all gathered in [`Store`]. The service
//! holds an `Arc<dyn Store>`; nothing here names SQLite, so a PostgreSQL store can
//! implement the same traits and pass the same tests.
//!
//! Times are unix milliseconds. Where a time decides something (expiry), the caller
//! passes "now", so policies and tests control the clock; times that only record when
//! something happened (a job started) are taken by the store.

use async_trait::async_trait;
use hkpilot_core::{
    AuditEvent, Department, DepartmentId, DocumentId, Job, JobId, JobProgress, JobState, Role,
    UiLang, User, UserId,
};

use crate::audit_chain::{AuditQuery, ChainStatus, NewAuditEvent};
use crate::blob::{BlobId, BlobStore};
use crate::error::Result;
use crate::records::{
    ApiKeyRecord, DocumentRecord, DocumentState, DraftRecord, IngestedDocument, JobOutcome,
    NewApiKey, NewDraft, NewJob, NewSummary, NewTranslation, NewUser, RequeueReport, SessionRecord,
    SummaryRecord, TranslationRecord,
};

/// Everything persistent, behind one object.
pub trait Store:
    UserStore
    + SessionStore
    + DocumentStore
    + TranslationStore
    + DraftStore
    + JobStore
    + AuditStore
    + std::fmt::Debug
{
    /// Original files and extracted text. [`DocumentStore::create_document`] refuses a
    /// record whose blob is not here, so a row never points at a missing file.
    fn blobs(&self) -> &BlobStore;
}

/// Users and departments.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// `Conflict` if the id exists.
    async fn create_department(&self, department: Department) -> Result<()>;
    async fn get_department(&self, id: &DepartmentId) -> Result<Department>;
    async fn list_departments(&self) -> Result<Vec<Department>>;

    /// `Conflict` if the username (compared case-insensitively) or id is taken,
    /// `Invalid` if the department does not exist or the username is empty.
    async fn create_user(&self, user: NewUser) -> Result<User>;
    async fn get_user(&self, id: &UserId) -> Result<User>;
    /// Case-insensitive: `Chan.TaiMan` finds `chan.taiman`.
    async fn get_user_by_username(&self, username: &str) -> Result<User>;
    /// Sorted by username; only one department's when `department` is given.
    async fn list_users(&self, department: Option<&DepartmentId>) -> Result<Vec<User>>;
    /// How many users exist (0 means the first administrator must still be created).
    async fn count_users(&self) -> Result<u64>;
    async fn password_hash(&self, id: &UserId) -> Result<String>;
    async fn set_password_hash(&self, id: &UserId, password_hash: String) -> Result<()>;
    async fn set_user_role(&self, id: &UserId, role: Role) -> Result<()>;
    /// Disabling also ends the user's sessions and revokes nothing else: API keys stop
    /// working because the service checks `disabled` on every request.
    async fn set_user_disabled(&self, id: &UserId, disabled: bool) -> Result<()>;
    async fn set_user_ui_lang(&self, id: &UserId, ui_lang: UiLang) -> Result<()>;
}

/// Sessions and API keys; only hashes of tokens and keys are stored.
#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(&self, session: SessionRecord) -> Result<()>;
    /// `NotFound` if unknown or expired at `now_ms` (idle or absolute).
    async fn get_session(&self, token_hash: &str, now_ms: i64) -> Result<SessionRecord>;
    /// Records activity and moves the idle expiry (never past the absolute one).
    async fn touch_session(
        &self,
        token_hash: &str,
        now_ms: i64,
        idle_expires_at_ms: i64,
    ) -> Result<()>;
    /// Idempotent: deleting an unknown session is not an error (signing out twice).
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    /// Returns how many were deleted.
    async fn delete_user_sessions(&self, user: &UserId) -> Result<u64>;
    async fn delete_expired_sessions(&self, now_ms: i64) -> Result<u64>;

    /// `Conflict` if the hash exists (a key generator that repeats itself).
    async fn create_api_key(&self, key: NewApiKey) -> Result<ApiKeyRecord>;
    /// The key with this hash, `NotFound` if unknown or revoked.
    async fn find_api_key(&self, key_hash: &str) -> Result<ApiKeyRecord>;
    /// A user's keys, revoked ones included, newest first.
    async fn list_api_keys(&self, user: &UserId) -> Result<Vec<ApiKeyRecord>>;
    /// `NotFound` unless `user` owns the key; revoking twice keeps the first time.
    async fn revoke_api_key(&self, user: &UserId, key_id: &str, now_ms: i64) -> Result<()>;
}

/// The document library and summaries. Which records a user may read is decided by
/// the service; these queries only answer "own" and "shared with a department".
#[async_trait]
pub trait DocumentStore: Send + Sync {
    /// `Conflict` if the owner already has this document, `Invalid` if the owner or
    /// department does not exist or a blob is missing from [`Store::blobs`].
    async fn create_document(&self, record: DocumentRecord) -> Result<()>;
    async fn get_document(&self, owner: &UserId, id: &DocumentId) -> Result<DocumentRecord>;
    /// The record `user` sees under `id`: their own, else one shared with `department`.
    async fn get_readable_document(
        &self,
        id: &DocumentId,
        user: &UserId,
        department: &DepartmentId,
    ) -> Result<DocumentRecord>;
    /// Own documents and those shared with `department`, newest first.
    async fn list_readable_documents(
        &self,
        user: &UserId,
        department: &DepartmentId,
    ) -> Result<Vec<DocumentRecord>>;
    async fn set_document_state(
        &self,
        owner: &UserId,
        id: &DocumentId,
        state: DocumentState,
        error: Option<String>,
    ) -> Result<()>;
    /// Marks the document ready with what ingesting found (`Invalid` if the
    /// extracted blob is missing).
    async fn complete_ingest(
        &self,
        owner: &UserId,
        id: &DocumentId,
        ingested: IngestedDocument,
    ) -> Result<()>;
    /// `None` unshares.
    async fn share_document(
        &self,
        owner: &UserId,
        id: &DocumentId,
        department: Option<&DepartmentId>,
    ) -> Result<()>;
    /// Deletes the record, its summaries and translations, and the blobs no other record uses (the same
    /// file uploaded by a colleague keeps its blob); returns the blobs deleted.
    async fn delete_document(&self, owner: &UserId, id: &DocumentId) -> Result<Vec<BlobId>>;

    async fn add_summary(&self, summary: NewSummary) -> Result<SummaryRecord>;
    async fn get_summary(&self, id: &str) -> Result<SummaryRecord>;
    /// A document record's summaries, newest first.
    async fn list_summaries(
        &self,
        owner: &UserId,
        document: &DocumentId,
    ) -> Result<Vec<SummaryRecord>>;
}

/// Translations of document records, kept like summaries: each belongs to one owner's
/// record of a document and is deleted with it. Which the caller may read is decided
/// by the service.
#[async_trait]
pub trait TranslationStore: Send + Sync {
    /// `Invalid` if the document record or the creating user does not exist.
    async fn add_translation(&self, translation: NewTranslation) -> Result<TranslationRecord>;
    async fn get_translation(&self, id: &str) -> Result<TranslationRecord>;
    /// A document record's translations, newest first.
    async fn list_translations(
        &self,
        owner: &UserId,
        document: &DocumentId,
    ) -> Result<Vec<TranslationRecord>>;
}

/// Drafts, kept per owner (a draft may cite several documents or none). Which the
/// caller may read is decided by the service.
#[async_trait]
pub trait DraftStore: Send + Sync {
    /// `Invalid` if the owner does not exist.
    async fn add_draft(&self, draft: NewDraft) -> Result<DraftRecord>;
    async fn get_draft(&self, id: &str) -> Result<DraftRecord>;
    /// An owner's drafts, newest first, at most `limit`.
    async fn list_drafts(&self, owner: &UserId, limit: u32) -> Result<Vec<DraftRecord>>;
}

/// The persisted job queue.
///
/// Scheduling rule of [`JobStore::claim_next_job`]: the highest `priority` first;
/// among equal priority, the owner with the fewest running jobs, then the owner
/// served least recently (whose last job was claimed longest ago, or never), then the
/// oldest job. So one officer's hundred uploads and a colleague's one summary
/// alternate instead of the summary waiting behind all hundred.
#[async_trait]
pub trait JobStore: Send + Sync {
    async fn enqueue_job(&self, job: NewJob) -> Result<Job>;
    async fn get_job(&self, id: &JobId) -> Result<Job>;
    /// A user's jobs, newest first, at most `limit`.
    async fn list_jobs(&self, owner: &UserId, limit: u32) -> Result<Vec<Job>>;
    async fn count_jobs(&self, state: JobState) -> Result<u64>;
    /// Takes the next job by the rule above and marks it running, in one transaction:
    /// two schedulers never get the same job. `None` when nothing is queued.
    async fn claim_next_job(&self) -> Result<Option<Job>>;
    /// Records progress of a running job; returns whether cancelling was requested,
    /// so the worker learns it on its next report.
    async fn update_job_progress(&self, id: &JobId, progress: JobProgress) -> Result<bool>;
    /// Ends a running job (`Conflict` if it is not running).
    async fn finish_job(&self, id: &JobId, outcome: JobOutcome) -> Result<Job>;
    /// A queued job is cancelled at once; a running one gets `cancel_requested` and
    /// ends when its worker notices. Cancelling a cancelled job is a no-op; a job that
    /// succeeded or failed is a `Conflict`.
    async fn cancel_job(&self, id: &JobId) -> Result<Job>;
    /// At start-up: jobs left running by a process that died go back to the queue.
    /// A job already started `max_attempts` times is failed instead, because it may
    /// be what killed the process; one whose cancel was requested is cancelled.
    async fn requeue_running_jobs(&self, max_attempts: u32) -> Result<RequeueReport>;
}

/// The append-only, hash-chained audit log (see [`crate::audit_chain`]).
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Numbers, links and hashes the event in one transaction. There is no update or
    /// delete.
    async fn append_audit(&self, event: NewAuditEvent) -> Result<AuditEvent>;
    async fn list_audit(&self, query: AuditQuery) -> Result<Vec<AuditEvent>>;
    /// Re-reads the whole log and checks every link and hash.
    async fn verify_audit_chain(&self) -> Result<ChainStatus>;
}
