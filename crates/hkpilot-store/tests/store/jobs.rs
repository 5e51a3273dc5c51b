//! The job queue: priorities, per-user fairness, cancellation, progress, restart.

use std::collections::HashSet;

use hkpilot_core::{JobKind, JobProgress, JobState, UserId};
use hkpilot_store::{JobOutcome, JobStore, NewJob, SqliteStore, Store, StoreError};

use crate::common::{open, uid};

fn job(owner: &str, priority: i32, params: &str) -> NewJob {
    NewJob {
        kind: JobKind::Summarize,
        owner: uid(owner),
        priority,
        params: params.to_string(),
    }
}

async fn claim_params(store: &dyn Store) -> String {
    store.claim_next_job().await.unwrap().unwrap().params
}

async fn succeed_all_running(store: &SqliteStore) {
    let raw: Vec<_> = {
        // Only through the API: find running jobs by listing each owner's.
        let mut ids = Vec::new();
        for owner in ["alice", "bob", "carol"] {
            for j in store.list_jobs(&uid(owner), 100).await.unwrap() {
                if j.state == JobState::Running {
                    ids.push(j.id);
                }
            }
        }
        ids
    };
    for id in raw {
        store
            .finish_job(
                &id,
                JobOutcome::Succeeded {
                    result: "{}".into(),
                },
            )
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_job_runs_from_queued_to_succeeded_with_progress() {
    let env = open();
    let store = env.store.as_ref();
    assert!(store.claim_next_job().await.unwrap().is_none());
    let queued = store
        .enqueue_job(NewJob {
            kind: JobKind::Ingest,
            owner: uid("陳大文"),
            priority: 0,
            params: r#"{"file":"施政報告.pdf"}"#.into(),
        })
        .await
        .unwrap();
    assert_eq!((queued.state, queued.attempts), (JobState::Queued, 0));
    assert_eq!(store.count_jobs(JobState::Queued).await.unwrap(), 1);

    let running = store.claim_next_job().await.unwrap().unwrap();
    assert_eq!(running.id, queued.id);
    assert_eq!((running.state, running.attempts), (JobState::Running, 1));
    assert!(running.started_at.is_some());
    assert!(store.claim_next_job().await.unwrap().is_none());

    let progress = JobProgress {
        phase: "pages".into(),
        done: 3,
        total: 12,
    };
    assert!(!store
        .update_job_progress(&queued.id, progress.clone())
        .await
        .unwrap());
    assert_eq!(store.get_job(&queued.id).await.unwrap().progress, progress);

    let done = store
        .finish_job(
            &queued.id,
            JobOutcome::Succeeded {
                result: r#"{"document":"0123456789abcdef"}"#.into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(done.state, JobState::Succeeded);
    assert!(done.finished_at.is_some());
    assert_eq!(
        done.result.as_deref(),
        Some(r#"{"document":"0123456789abcdef"}"#)
    );

    // A finished job cannot be finished again, progressed or cancelled.
    let err = store
        .finish_job(&queued.id, JobOutcome::Failed { error: "x".into() })
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let err = store
        .update_job_progress(&queued.id, progress)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let err = store.cancel_job(&queued.id).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let err = store
        .get_job(&hkpilot_core::JobId("nope".into()))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
}

#[tokio::test]
async fn higher_priority_runs_first() {
    let env = open();
    let store = env.store.as_ref();
    store.enqueue_job(job("alice", 0, "normal")).await.unwrap();
    store
        .enqueue_job(job("alice", -5, "background"))
        .await
        .unwrap();
    store.enqueue_job(job("bob", 10, "urgent")).await.unwrap();
    assert_eq!(claim_params(store).await, "urgent");
    assert_eq!(claim_params(store).await, "normal");
    assert_eq!(claim_params(store).await, "background");
}

#[tokio::test]
async fn owners_take_turns_at_equal_priority() {
    let env = open();
    let store = env.store.as_ref();
    for i in 1..=3 {
        store
            .enqueue_job(job("alice", 0, &format!("a{i}")))
            .await
            .unwrap();
    }
    store.enqueue_job(job("bob", 0, "b1")).await.unwrap();
    store.enqueue_job(job("carol", 0, "c1")).await.unwrap();
    // One worker, each job finished before the next claim: Bob and Carol do not wait
    // behind all of Alice's jobs.
    let mut order = Vec::new();
    for _ in 0..5 {
        order.push(claim_params(store).await);
        succeed_all_running(&env.sqlite).await;
    }
    assert_eq!(order, ["a1", "b1", "c1", "a2", "a3"]);
}

#[tokio::test]
async fn the_owner_with_fewer_running_jobs_goes_first() {
    let env = open();
    let store = env.store.as_ref();
    store.enqueue_job(job("alice", 0, "a1")).await.unwrap();
    store.enqueue_job(job("alice", 0, "a2")).await.unwrap();
    assert_eq!(claim_params(store).await, "a1");
    store.enqueue_job(job("bob", 0, "b1")).await.unwrap();
    // a2 is older, but Alice already has a job running.
    assert_eq!(claim_params(store).await, "b1");
    assert_eq!(claim_params(store).await, "a2");
}

#[tokio::test]
async fn cancelling_a_queued_job_is_immediate_and_a_running_one_is_a_request() {
    let env = open();
    let store = env.store.as_ref();
    let queued = store.enqueue_job(job("alice", 0, "queued")).await.unwrap();
    let cancelled = store.cancel_job(&queued.id).await.unwrap();
    assert_eq!(cancelled.state, JobState::Cancelled);
    assert!(cancelled.finished_at.is_some());
    assert!(store.claim_next_job().await.unwrap().is_none());
    // Cancelling twice is a no-op.
    assert_eq!(
        store.cancel_job(&queued.id).await.unwrap().state,
        JobState::Cancelled
    );

    let running = store.enqueue_job(job("alice", 0, "running")).await.unwrap();
    store.claim_next_job().await.unwrap().unwrap();
    let requested = store.cancel_job(&running.id).await.unwrap();
    assert_eq!(requested.state, JobState::Running);
    assert!(requested.cancel_requested);
    // The worker learns it from its next progress report, then stops.
    let progress = JobProgress {
        phase: "map".into(),
        done: 1,
        total: 8,
    };
    assert!(store
        .update_job_progress(&running.id, progress)
        .await
        .unwrap());
    let ended = store
        .finish_job(&running.id, JobOutcome::Cancelled)
        .await
        .unwrap();
    assert_eq!(ended.state, JobState::Cancelled);
}

#[tokio::test]
async fn jobs_left_running_by_a_killed_process_are_requeued_then_given_up() {
    let dir = tempfile::tempdir().unwrap();
    let (id, doomed) = {
        let store = SqliteStore::open(dir.path()).unwrap();
        let id = store
            .enqueue_job(job("alice", 0, "resume"))
            .await
            .unwrap()
            .id;
        let doomed = store.enqueue_job(job("bob", 0, "cancel")).await.unwrap().id;
        store.claim_next_job().await.unwrap().unwrap();
        store.claim_next_job().await.unwrap().unwrap();
        store.cancel_job(&doomed).await.unwrap();
        (id, doomed)
        // dropped without finishing: as after kill -9
    };
    let max_attempts = 2;
    let store = SqliteStore::open(dir.path()).unwrap();
    let report = store.requeue_running_jobs(max_attempts).await.unwrap();
    assert_eq!(report.requeued, vec![id.clone()]);
    assert_eq!(report.cancelled, vec![doomed.clone()]);
    assert!(report.failed.is_empty());
    assert_eq!(
        store.get_job(&doomed).await.unwrap().state,
        JobState::Cancelled
    );
    let again = store.claim_next_job().await.unwrap().unwrap();
    assert_eq!((again.id.clone(), again.attempts), (id.clone(), 2));
    drop(store);

    // Killed again during its second run: the job is failed with the reason.
    let store = SqliteStore::open(dir.path()).unwrap();
    let report = store.requeue_running_jobs(max_attempts).await.unwrap();
    assert_eq!(report.failed, vec![id.clone()]);
    let failed = store.get_job(&id).await.unwrap();
    assert_eq!(failed.state, JobState::Failed);
    assert!(failed.error.unwrap().contains("stopped 2 times"));
    assert!(store.claim_next_job().await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_schedulers_never_claim_the_same_job() {
    let dir = tempfile::tempdir().unwrap();
    let a = SqliteStore::open(dir.path()).unwrap();
    let b = SqliteStore::open(dir.path()).unwrap();
    let total = 40;
    for i in 0..total {
        a.enqueue_job(job(["alice", "bob", "carol"][i % 3], 0, &i.to_string()))
            .await
            .unwrap();
    }
    let mut tasks = Vec::new();
    for store in [a.clone(), b.clone(), a.clone(), b.clone()] {
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(job) = store.claim_next_job().await.unwrap() {
                mine.push(job.id);
            }
            mine
        }));
    }
    let mut seen = HashSet::new();
    let mut count = 0;
    for task in tasks {
        for id in task.await.unwrap() {
            count += 1;
            assert!(seen.insert(id.clone()), "{id} claimed twice");
        }
    }
    assert_eq!(count, total);
    assert_eq!(a.count_jobs(JobState::Running).await.unwrap(), total as u64);
}

#[tokio::test]
async fn jobs_are_listed_per_owner_newest_first() {
    let env = open();
    let store = env.store.as_ref();
    for i in 0..3 {
        store
            .enqueue_job(job("alice", 0, &format!("a{i}")))
            .await
            .unwrap();
    }
    store.enqueue_job(job("bob", 0, "b")).await.unwrap();
    let alice: Vec<_> = store
        .list_jobs(&UserId("alice".into()), 2)
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.params)
        .collect();
    assert_eq!(alice, ["a2", "a1"]);
}
