//! Model summaries through the service: refused without a model, and with a scripted
//! one (which copies the numbered source lines it is shown, citing each) a job that
//! stores a cited summary and records the model call in the audit log.

use std::sync::Arc;
use std::time::Duration;

use hkpilot_core::{AuditAction, JobState, Role};
use hkpilot_llm::testing::{message, Reply, ScriptedBackend};
use hkpilot_llm::{ChatRequest, LlmError, Role as ChatRole};
use hkpilot_service::{ServiceError, SummaryMethodChoice, SummaryRequest};

use crate::common::{detail, note, Env};

/// "Summarises" by copying every other `[k] text` line as `- text [k]`, at most three.
#[derive(Debug, Clone, Copy)]
struct CopyLines;

impl Reply for CopyLines {
    fn reply(&self, request: &ChatRequest) -> Result<String, LlmError> {
        let user = message(request, ChatRole::User);
        Ok(user
            .lines()
            .filter_map(|l| {
                let (k, text) = l.strip_prefix('[')?.split_once("] ")?;
                Some((k.parse::<u32>().ok()?, text))
            })
            .step_by(2)
            .take(3)
            .map(|(k, text)| format!("- {text} [{k}]\n"))
            .collect())
    }
}

fn model_request() -> SummaryRequest {
    SummaryRequest {
        method: SummaryMethodChoice::Model,
        length: "short".into(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_summary_needs_a_model() {
    let mut env = Env::new();
    assert!(!env.svc.has_model());
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    env.start_jobs();
    let doc = env.ready_document(&a, note("no-model")).await;
    let err = env
        .svc
        .request_summary(&a, &doc.id, model_request())
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
    // Bad options are refused before anything is queued.
    for bad in [
        SummaryRequest {
            length: "forever".into(),
            ..Default::default()
        },
        SummaryRequest {
            focus: Some("重點".repeat(251)),
            ..Default::default()
        },
    ] {
        let err = env.svc.request_summary(&a, &doc.id, bad).await.unwrap_err();
        assert!(matches!(err, ServiceError::Invalid(_)), "{err:?}");
    }
    assert_eq!(
        env.svc.jobs(&a, 10).await.unwrap().len(),
        1,
        "only the ingest job"
    );
    env.stop_jobs().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_summary_is_cited_stored_and_audited() {
    let backend = Arc::new(ScriptedBackend::<CopyLines>::new(CopyLines));
    let mut env = Env::with_model(backend.clone());
    assert!(env.svc.has_model());
    assert_eq!(env.svc.model_name().as_deref(), Some("scripted"));
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    env.start_jobs();
    let doc = env.ready_document(&a, note("model")).await;
    let job = env
        .svc
        .request_summary(&a, &doc.id, model_request())
        .await
        .unwrap();
    let done = env.wait_job(&job.id).await;
    assert_eq!(done.state, JobState::Succeeded, "{done:?}");
    assert!(backend.calls() >= 1, "the model was asked");

    let history = env.svc.summaries(&a, &doc.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].model.as_deref(), Some("scripted"));
    let (_, summary) = env.svc.summary(&a, &history[0].id).await.unwrap();
    assert!(summary.ai_generated);
    assert_eq!(summary.provenance.fallback, None, "{summary:?}");
    assert!(!summary.sentences.is_empty());
    let source = env
        .svc
        .document(&a, &doc.id)
        .await
        .unwrap()
        .document
        .unwrap();
    for s in &summary.sentences {
        assert!(!s.citations.is_empty(), "{s:?}");
        for c in &s.citations {
            assert_eq!(source.slice(c.span.start, c.span.end), c.quote);
        }
    }

    let sys = env.person("sys.admin", &csb, Role::SystemAdmin).await;
    let log = env.document_audit(&sys, &doc.id).await;
    let calls: Vec<_> = log
        .iter()
        .filter(|e| e.action == AuditAction::ModelCall)
        .collect();
    assert_eq!(calls.len(), 1, "{log:?}");
    assert_eq!(calls[0].actor.as_ref(), Some(&a.user.id));
    assert_eq!(detail(calls[0])["model"], "scripted");
    assert!(log.iter().any(|e| e.action == AuditAction::Summary));
    env.stop_jobs().await;
}

/// Waits (bounded) until the scripted model has been called `n` times.
async fn until_called(backend: &ScriptedBackend<CopyLines>, n: usize) {
    let start = std::time::Instant::now();
    while backend.calls() < n {
        assert!(
            start.elapsed() < crate::common::JOB_TIMEOUT,
            "the model was never called"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Stopping the server lets a running job finish within the grace period; a job
/// still running when the grace period ends is left to the next start, which runs it
/// again to completion, with exactly one summary stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_or_hands_over_running_jobs() {
    // Finishes within the grace period.
    let backend = Arc::new(
        ScriptedBackend::<CopyLines>::new(CopyLines).with_delay(Duration::from_millis(300)),
    );
    let mut env = Env::with_model(backend.clone());
    let csb = env
        .department("csb", "Civil Service Bureau", "公務員事務局")
        .await;
    let a = env.person("officer.a", &csb, Role::Officer).await;
    env.start_jobs();
    let doc = env.ready_document(&a, note("grace")).await;
    let job = env
        .svc
        .request_summary(&a, &doc.id, model_request())
        .await
        .unwrap();
    until_called(&backend, 1).await;
    env.stop_jobs().await;
    assert_eq!(
        env.store.get_job(&job.id).await.unwrap().state,
        JobState::Succeeded,
        "the job finished before the scheduler returned"
    );

    // Does not finish within the grace period: handed over to the next start.
    let slow =
        Arc::new(ScriptedBackend::<CopyLines>::new(CopyLines).with_delay(Duration::from_secs(600)));
    let Env {
        dir, store, svc, ..
    } = env;
    drop((store, svc));
    let (store, svc) =
        crate::common::open(dir.path(), crate::common::test_config(), Some(slow.clone()));
    let mut env = Env::from_parts(dir, store, svc);
    env.start_jobs_with_grace(Duration::from_millis(50));
    let job = env
        .svc
        .request_summary(&a, &doc.id, model_request())
        .await
        .unwrap();
    until_called(&slow, 1).await;
    tokio::time::timeout(Duration::from_secs(30), env.stop_jobs())
        .await
        .expect("the scheduler stops after its grace period");
    let left = env.store.get_job(&job.id).await.unwrap();
    assert_eq!(left.state, JobState::Running, "left for the next start");
    assert_eq!(
        env.svc.summaries(&a, &doc.id).await.unwrap().len(),
        1,
        "nothing half-written"
    );

    let fast = Arc::new(ScriptedBackend::<CopyLines>::new(CopyLines));
    let Env {
        dir, store, svc, ..
    } = env;
    drop((store, svc));
    let (store, svc) = crate::common::open(dir.path(), crate::common::test_config(), Some(fast));
    let mut env = Env::from_parts(dir, store, svc);
    env.start_jobs();
    let done = env.job_succeeds(&job.id).await;
    assert_eq!(done.attempts, 2);
    assert_eq!(env.svc.summaries(&a, &doc.id).await.unwrap().len(), 2);
    env.stop_jobs().await;
}
