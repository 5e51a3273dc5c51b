//! The job queue across restarts and cancellation: a job left running by a killed
//! server is run again and completes; one that keeps killing it is failed with its
//! document; a cancelled job leaves no document stuck half-way.

use std::time::Duration;

use hkpilot_core::{JobState, Role};
use hkpilot_service::{ServiceConfig, ServiceError, SummaryRequest};
use hkpilot_store::DocumentState;

use crate::common::{note, open, outcome, pdf, test_config, upload_of, Env, Outcome, CHINESE_PDF};

/// Uploads with no scheduler running, claims the ingest job as a worker would, and
/// "crashes" (drops the service and store without finishing the job).
async fn upload_and_crash(env: Env, config: ServiceConfig) -> Env {
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    let (id, job) = env
        .upload(&a, upload_of("政務主任.pdf", pdf(CHINESE_PDF)))
        .await;
    let claimed = env
        .store
        .claim_next_job()
        .await
        .unwrap()
        .expect("the ingest job is queued");
    assert_eq!(claimed.id, job);
    assert_eq!(claimed.state, JobState::Running);
    assert_eq!(claimed.attempts, 1);
    let Env {
        dir, store, svc, ..
    } = env;
    drop(svc);
    drop(store);
    // The next server on the same data directory.
    let (store, svc) = open(dir.path(), config, None);
    let record = store.get_document(&a.user.id, &id).await.unwrap();
    assert_ne!(
        record.state,
        DocumentState::Ready,
        "nothing finished before the crash"
    );
    Env::from_parts(dir, store, svc)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_interrupted_by_a_crash_runs_again_and_completes() {
    let mut env = upload_and_crash(Env::new(), test_config()).await;
    let job = env.store.get_job(&only_job(&env).await).await.unwrap();
    assert_eq!(
        job.state,
        JobState::Running,
        "still marked running after the crash"
    );
    env.start_jobs();
    let done = env.job_succeeds(&job.id).await;
    assert_eq!(done.attempts, 2, "run once more");
    let a = env.store.get_user_by_username("officer.a").await.unwrap();
    let docs = env
        .store
        .list_readable_documents(&a.id, &a.department)
        .await
        .unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].state, DocumentState::Ready);
    assert_eq!(docs[0].pages, 1);
    env.stop_jobs().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_that_keeps_dying_is_failed_with_its_document() {
    let config = ServiceConfig {
        max_job_attempts: 1,
        ..test_config()
    };
    let mut env = upload_and_crash(Env::with_config(config.clone()), config).await;
    let id = only_job(&env).await;
    env.start_jobs();
    let job = env.wait_job(&id).await;
    assert_eq!(job.state, JobState::Failed);
    assert_eq!(job.attempts, 1, "not run again");
    let error = job.error.expect("says why");
    let a = env.store.get_user_by_username("officer.a").await.unwrap();
    let doc = &env
        .store
        .list_readable_documents(&a.id, &a.department)
        .await
        .unwrap()[0];
    assert_eq!(doc.state, DocumentState::Failed);
    assert_eq!(doc.error.as_deref(), Some(error.as_str()));
    env.stop_jobs().await;
}

/// A reading whose cancelling was asked for just before the crash ends cancelled,
/// and its document is marked failed rather than left "ingesting" for ever.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_asked_before_a_crash_is_honoured_at_restart() {
    let env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    let (id, job) = env.upload(&a, note("crash")).await;
    env.store.claim_next_job().await.unwrap().unwrap();
    let asked = env.svc.cancel_job(&a, &job).await.unwrap();
    assert_eq!(asked.state, JobState::Running);
    assert!(asked.cancel_requested);
    let Env {
        dir, store, svc, ..
    } = env;
    drop((svc, store));
    let (store, svc) = open(dir.path(), test_config(), None);
    let mut env = Env::from_parts(dir, store, svc);
    env.start_jobs();
    assert_eq!(env.wait_job(&job).await.state, JobState::Cancelled);
    // The restart's clean-up is done before the scheduler claims anything; wait for
    // the record to say so (bounded), since the scheduler runs in the background.
    let mut record = env.store.get_document(&a.user.id, &id).await.unwrap();
    for _ in 0..500 {
        if record.state == DocumentState::Failed {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        record = env.store.get_document(&a.user.id, &id).await.unwrap();
    }
    assert_eq!(record.state, DocumentState::Failed, "{record:?}");
    assert!(record.error.is_some());
    env.stop_jobs().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_queued_and_finished_jobs() {
    let mut env = Env::new();
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    let mut rx = env.svc.subscribe();
    let (id, job) = env.upload(&a, note("cancel")).await;

    let cancelled = env.svc.cancel_job(&a, &job).await.unwrap();
    assert_eq!(cancelled.state, JobState::Cancelled);
    let event = rx.try_recv().expect("subscribers hear of it");
    assert_eq!(event.job, job);
    assert_eq!(event.state, JobState::Cancelled);
    // Twice is fine.
    assert_eq!(
        env.svc.cancel_job(&a, &job).await.unwrap().state,
        JobState::Cancelled
    );
    // The scheduler never runs it; the document does not stay "uploaded" for ever.
    env.start_jobs();
    let other = env.ready_document(&a, note("after")).await;
    assert_eq!(
        env.store.get_job(&job).await.unwrap().state,
        JobState::Cancelled
    );
    let record = env.svc.document(&a, &id).await.unwrap().record;
    assert_eq!(record.state, DocumentState::Failed);

    // A job that already succeeded cannot be cancelled.
    let jobs = env.svc.jobs(&a, 10).await.unwrap();
    let finished = jobs
        .iter()
        .find(|j| j.state == JobState::Succeeded)
        .expect("the second upload's job");
    let err = env.svc.cancel_job(&a, &finished.id).await.unwrap_err();
    assert!(matches!(err, ServiceError::Conflict(_)), "{err:?}");

    // A queued summary can be cancelled too; no summary is stored.
    env.stop_jobs().await;
    let summary_job = env
        .svc
        .request_summary(&a, &other.id, SummaryRequest::default())
        .await
        .unwrap();
    assert_eq!(
        env.svc.cancel_job(&a, &summary_job.id).await.unwrap().state,
        JobState::Cancelled
    );
    env.start_jobs();
    env.ready_document(&a, note("flush")).await;
    assert!(env.svc.summaries(&a, &other.id).await.unwrap().is_empty());
    assert_eq!(
        env.svc.document(&a, &other.id).await.unwrap().record.state,
        DocumentState::Ready,
        "cancelling a summary leaves its document alone"
    );
    assert_eq!(
        outcome(env.svc.job(&a, &summary_job.id).await),
        Outcome::Allowed
    );
    env.stop_jobs().await;
}

async fn only_job(env: &Env) -> hkpilot_core::JobId {
    let a = env.store.get_user_by_username("officer.a").await.unwrap();
    let jobs = env.store.list_jobs(&a.id, 10).await.unwrap();
    assert_eq!(jobs.len(), 1);
    jobs[0].id.clone()
}
