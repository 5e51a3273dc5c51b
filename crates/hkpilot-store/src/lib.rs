//! HKPilot's persistence: users and departments, sessions and API keys, the document
//! library, summaries, translations and drafts, the job queue and the hash-chained audit log, behind the
//! [`Store`] traits; and content-addressed files on disk in [`BlobStore`].
//!
//! [`SqliteStore`] is the embedded default: everything under one data directory
//! (`hkpilot.db` plus `blobs/`), nothing to install. The traits name no database
//! type, so another implementation (PostgreSQL, for several servers) can follow
//! without touching the service that holds an `Arc<dyn Store>`.
//!
//! Errors are [`StoreError`]; those a user caused (`not_found`, `conflict`,
//! `invalid`, `too_large`) are told apart by [`StoreError::is_user_error`].

mod api;
pub mod audit_chain;
mod blob;
mod error;
mod records;
mod sqlite;

pub use api::{
    AuditStore, DocumentStore, DraftStore, JobStore, SessionStore, Store, TranslationStore,
    UserStore,
};
pub use audit_chain::{AuditQuery, ChainStatus, NewAuditEvent};
pub use blob::{BlobId, BlobStore, BlobWriter};
pub use error::{Result, StoreError};
pub use records::{
    ApiKeyRecord, DocumentRecord, DocumentState, DraftRecord, IngestedDocument, JobOutcome,
    NewApiKey, NewDraft, NewJob, NewSummary, NewTranslation, NewUser, RequeueReport, SessionRecord,
    SummaryRecord, TranslationRecord,
};
pub use sqlite::{SqliteStore, SCHEMA_VERSION};
