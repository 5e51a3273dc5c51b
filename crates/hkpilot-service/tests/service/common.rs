//! The harness: a service over a fresh SQLite store in a temporary data directory,
//! helpers to create departments and people and sign them in, to run the job
//! scheduler in the background, to wait (with a timeout) for jobs, and the fixtures.

use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hkpilot_auth::Argon2Params;
use hkpilot_core::{
    AuditEvent, Department, DepartmentId, DocumentId, Job, JobId, JobState, Role, UiLang,
};
use hkpilot_llm::LlmBackend;
use hkpilot_service::{Caller, NewAccount, Service, ServiceConfig, ServiceError, SignedIn, Upload};
use hkpilot_store::{AuditQuery, DocumentRecord, DocumentState, SqliteStore, Store};
use tempfile::TempDir;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Every person's password in these tests (long enough for the policy).
pub const PASSWORD: &str = "correct horse battery 馬 staple";

/// The address sign-ins come from.
pub const ADDR: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 7));

/// How long a job may take before a test gives up waiting for it.
pub const JOB_TIMEOUT: Duration = Duration::from_secs(120);

/// The bilingual government PDFs shared by the project's tests.
pub fn pdf(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/hk-gov-pdf")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A small English reply (3 pages of prose and tables).
pub const ENGLISH_PDF: &str = "csb-reply-33.pdf";
/// A small Traditional Chinese reply (1 page, a table and a paragraph).
pub const CHINESE_PDF: &str = "csb-reply-01.pdf";

/// A short bilingual Markdown note, distinct per `tag` (so each is its own document).
pub fn note(tag: &str) -> Upload {
    let text = format!(
        "# 公務員事務局簡報 {tag}\n\n\
         The Civil Service Bureau recruited 26 Administrative Officers in 2020/21. \
         Each officer is assigned to a bureau or department after induction training. \
         The Joint Recruitment Examination was held on 4 December 2021 in Hong Kong and overseas.\n\n\
         二零二零/二一年度共招聘二十六名政務主任。每位政務主任完成入職培訓後，\
         會被派往不同的決策局或部門工作。聯合招聘考試於二零二一年十二月四日舉行。\n"
    );
    Upload {
        file_name: format!("briefing-{tag}.md"),
        bytes: text.into_bytes(),
    }
}

pub fn upload_of(name: &str, bytes: Vec<u8>) -> Upload {
    Upload {
        file_name: name.to_string(),
        bytes,
    }
}

/// A service over a store in its own temporary directory, and its scheduler when
/// started. Dropping it stops the scheduler (the task is aborted with the runtime).
pub struct Env {
    pub dir: TempDir,
    pub store: Arc<dyn Store>,
    pub svc: Arc<Service>,
    scheduler: Option<(watch::Sender<bool>, JoinHandle<hkpilot_service::Result<()>>)>,
}

pub fn test_config() -> ServiceConfig {
    ServiceConfig {
        argon2: Argon2Params::insecure_for_tests(),
        ..Default::default()
    }
}

impl Env {
    pub fn new() -> Env {
        Env::build(test_config(), None)
    }

    pub fn with_config(config: ServiceConfig) -> Env {
        Env::build(config, None)
    }

    pub fn with_model(model: Arc<dyn LlmBackend>) -> Env {
        Env::build(test_config(), Some(model))
    }

    pub fn build(config: ServiceConfig, model: Option<Arc<dyn LlmBackend>>) -> Env {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (store, svc) = open(dir.path(), config, model);
        Env {
            dir,
            store,
            svc,
            scheduler: None,
        }
    }

    /// An environment over a service opened by hand (after a simulated restart).
    pub fn from_parts(dir: TempDir, store: Arc<dyn Store>, svc: Arc<Service>) -> Env {
        Env {
            dir,
            store,
            svc,
            scheduler: None,
        }
    }

    /// Runs `Service::run_jobs` in the background until [`Env::stop_jobs`].
    pub fn start_jobs(&mut self) {
        self.start_jobs_with_grace(Duration::from_secs(30));
    }

    /// Runs the scheduler; at [`Env::stop_jobs`] running jobs get `grace` to finish.
    pub fn start_jobs_with_grace(&mut self, grace: Duration) {
        assert!(self.scheduler.is_none(), "the scheduler is already running");
        let (tx, rx) = watch::channel(false);
        let handle = tokio::spawn(self.svc.clone().run_jobs(rx, grace));
        self.scheduler = Some((tx, handle));
    }

    /// Stops the scheduler, letting running jobs finish.
    pub async fn stop_jobs(&mut self) {
        if let Some((tx, handle)) = self.scheduler.take() {
            tx.send(true).expect("the scheduler is listening");
            handle
                .await
                .expect("the scheduler did not panic")
                .expect("the scheduler ended cleanly");
        }
    }

    pub async fn department(&self, id: &str, name_en: &str, name_zh: &str) -> DepartmentId {
        let id = DepartmentId(id.to_string());
        self.svc
            .ensure_department(Department {
                id: id.clone(),
                name_en: name_en.into(),
                name_zh: name_zh.into(),
            })
            .await
            .expect("department created");
        id
    }

    /// The audit events about `doc` that `reader` may read, oldest first.
    pub async fn document_audit(&self, reader: &Caller, doc: &DocumentId) -> Vec<AuditEvent> {
        self.svc
            .audit_events(
                reader,
                AuditQuery {
                    document: Some(doc.clone()),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .events
    }

    /// Creates an account (as `hkpilot admin` would), signs it in and returns the
    /// caller behind its session.
    pub async fn person(&self, username: &str, department: &DepartmentId, role: Role) -> Caller {
        self.account(username, department, role).await;
        let signed = self.sign_in(username).await;
        self.svc
            .session_caller(&signed.session_token, Some(ADDR))
            .await
            .expect("a fresh session works")
    }

    pub async fn account(
        &self,
        username: &str,
        department: &DepartmentId,
        role: Role,
    ) -> hkpilot_core::User {
        self.svc
            .create_account_unchecked(NewAccount {
                username: username.into(),
                display_name: format!("{username} 陳大文"),
                password: PASSWORD.into(),
                department: department.clone(),
                role,
                ui_lang: UiLang::TraditionalChinese,
            })
            .await
            .expect("account created")
    }

    pub async fn sign_in(&self, username: &str) -> SignedIn {
        self.svc
            .sign_in(username, PASSWORD, ADDR)
            .await
            .expect("sign-in with the right password")
    }

    /// Uploads and returns the document's id and its ingest job.
    pub async fn upload(&self, caller: &Caller, upload: Upload) -> (DocumentId, JobId) {
        let (record, job) = self
            .svc
            .upload(caller, upload)
            .await
            .expect("upload accepted");
        assert_eq!(job.state, JobState::Queued);
        (record.id, job.id)
    }

    /// Waits until the job has ended (succeeded, failed or cancelled), or panics
    /// after [`JOB_TIMEOUT`].
    pub async fn wait_job(&self, id: &JobId) -> Job {
        let start = Instant::now();
        loop {
            let job = self.store.get_job(id).await.expect("job exists");
            if matches!(
                job.state,
                JobState::Succeeded | JobState::Failed | JobState::Cancelled
            ) {
                return job;
            }
            assert!(
                start.elapsed() < JOB_TIMEOUT,
                "job {id} still {} after {JOB_TIMEOUT:?}: {job:?}",
                job.state
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits for the job and asserts it succeeded.
    pub async fn job_succeeds(&self, id: &JobId) -> Job {
        let job = self.wait_job(id).await;
        assert_eq!(job.state, JobState::Succeeded, "job failed: {job:?}");
        job
    }

    /// Uploads, waits for reading, and returns the ready record.
    pub async fn ready_document(&self, caller: &Caller, upload: Upload) -> DocumentRecord {
        let (id, job) = self.upload(caller, upload).await;
        self.job_succeeds(&job).await;
        let view = self
            .svc
            .document(caller, &id)
            .await
            .expect("owner opens it");
        assert_eq!(view.record.state, DocumentState::Ready, "{view:?}");
        view.record
    }
}

/// Opens the store and service on `dir` (as a server start does).
pub fn open(
    dir: &Path,
    config: ServiceConfig,
    model: Option<Arc<dyn LlmBackend>>,
) -> (Arc<dyn Store>, Arc<Service>) {
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir).expect("store opens"));
    let svc = Service::new(store.clone(), config, model).expect("valid service config");
    (store, svc)
}

/// What a call amounted to, as the person making it would see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    /// Reported as not existing (404): the existence of the document is concealed.
    NotFound,
    /// Refused for lack of rights (403).
    Forbidden,
}

/// Maps a result to an [`Outcome`]; any other error is a test failure.
pub fn outcome<T>(r: Result<T, ServiceError>) -> Outcome {
    match r {
        Ok(_) => Outcome::Allowed,
        Err(e) => match e.code() {
            "not_found" => Outcome::NotFound,
            "forbidden" => Outcome::Forbidden,
            _ => panic!("expected allowed, not found or forbidden, got {e:?}"),
        },
    }
}

/// An audit event's JSON detail.
pub fn detail(event: &AuditEvent) -> serde_json::Value {
    serde_json::from_str(&event.detail).expect("audit detail is JSON")
}
