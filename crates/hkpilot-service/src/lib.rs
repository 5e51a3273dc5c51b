//! HKPilot's use cases, below HTTP: who is calling ([`Caller`]), what they may do
//! (every call goes through `hkpilot_auth::authorize`), the document library, summaries,
//! translations and drafts run as persisted background jobs, and the audit trail of it all.
//!
//! Invariants:
//! - Nothing here knows HTTP; the edge turns requests into calls and
//!   [`ServiceError::code`]s into statuses.
//! - No method returns or lists a document its caller may not read; a document the
//!   caller may not read is reported as not found.
//! - Every sign-in, upload, download, summary, share, permission change and model call
//!   appends an audit event.

mod accounts;
mod admin;
mod audit;
mod draft_job;
mod drafts;
mod error;
mod jobs;
mod library;
mod rewrites;
mod summaries;
mod translate_job;
mod translations;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use hkpilot_auth::{
    Actor, Argon2Params, LoginThrottle, PasswordHasher, SessionPolicy, ThrottlePolicy,
};
use hkpilot_core::User;
use hkpilot_llm::LlmBackend;
use hkpilot_store::Store;
use tokio::sync::broadcast;

pub use accounts::{NewAccount, SignedIn};
pub use audit::AuditExport;
pub use drafts::{
    draft_template, templates, DraftRequest, DraftSourceRef, StoredDraft, DRAFT_LANGS,
    MAX_DRAFT_SOURCES,
};
pub use error::{Result, ServiceError};
pub use jobs::{JobEvent, JobParams};
pub use library::{DocumentView, Upload};
pub use rewrites::MAX_REWRITE_CHARS;
pub use summaries::{SummaryMethodChoice, SummaryRequest};
pub use translations::TranslationRequest;

/// Settings of the service, validated by [`Service::new`].
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// Largest upload accepted.
    pub max_upload_bytes: u64,
    pub session: SessionPolicy,
    pub argon2: Argon2Params,
    /// Jobs run at once.
    pub workers: usize,
    /// A job started this many times by processes that died is failed, not retried.
    pub max_job_attempts: u32,
    /// Tokens one model pass may use, and passes run at once, for model summaries.
    pub summary_window: usize,
    pub summary_parallel: usize,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            max_upload_bytes: 100 * 1024 * 1024,
            session: SessionPolicy::default(),
            argon2: Argon2Params::default(),
            workers: 2,
            max_job_attempts: 3,
            summary_window: hkpilot_grounded::DEFAULT_WINDOW,
            summary_parallel: 4,
        }
    }
}

/// Who is making a call, authenticated.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub actor: Actor,
    /// The client's address, for the audit log and throttling.
    pub addr: Option<IpAddr>,
}

impl Caller {
    pub fn new(user: User, addr: Option<IpAddr>) -> Caller {
        Caller {
            actor: Actor::from(&user),
            user,
            addr,
        }
    }
}

/// The service: one per process, shared by every request and the job workers.
#[derive(Debug)]
pub struct Service {
    store: Arc<dyn Store>,
    config: ServiceConfig,
    hasher: Arc<PasswordHasher>,
    throttle: LoginThrottle,
    model: Option<Arc<dyn LlmBackend>>,
    events: broadcast::Sender<JobEvent>,
    /// Extracted documents recently shown (see `Service::extracted`).
    documents: std::sync::Mutex<
        std::collections::HashMap<hkpilot_store::BlobId, Arc<hkpilot_core::Document>>,
    >,
    /// Wakes the scheduler when a job is queued.
    wake: tokio::sync::Notify,
    /// Held while a role or the disabled flag changes, so that the "last enabled system
    /// administrator" check and the change are one step: two administrators disabling
    /// each other at once must not both succeed. (One process per store; a store shared
    /// by several servers would need the check inside the store's transaction.)
    account_changes: tokio::sync::Mutex<()>,
}

impl Service {
    /// `model` writes model summaries; without one only extractive summaries exist.
    pub fn new(
        store: Arc<dyn Store>,
        config: ServiceConfig,
        model: Option<Arc<dyn LlmBackend>>,
    ) -> Result<Arc<Service>> {
        config.session.validate()?;
        if config.workers == 0 {
            return Err(ServiceError::Invalid("workers must be at least 1".into()));
        }
        let hasher = Arc::new(PasswordHasher::new(config.argon2)?);
        let (events, _) = broadcast::channel(1024);
        Ok(Arc::new(Service {
            store,
            hasher,
            throttle: LoginThrottle::new(
                ThrottlePolicy::per_username(),
                ThrottlePolicy::per_address(),
            ),
            model,
            events,
            wake: tokio::sync::Notify::new(),
            documents: std::sync::Mutex::new(std::collections::HashMap::new()),
            account_changes: tokio::sync::Mutex::new(()),
            config,
        }))
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn config(&self) -> &ServiceConfig {
        &self.config
    }

    /// Whether model summaries (and translations that need a model) can be asked for.
    pub fn has_model(&self) -> bool {
        self.model.is_some()
    }

    /// The model's name, when there is one.
    pub fn model_name(&self) -> Option<String> {
        self.model.as_ref().map(|m| m.info().name.clone())
    }
}

/// Now, in unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

pub(crate) fn timestamp(ms: i64) -> hkpilot_auth::Timestamp {
    hkpilot_auth::Timestamp::from_unix_millis(ms.max(0) as u64)
}

pub(crate) fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}
