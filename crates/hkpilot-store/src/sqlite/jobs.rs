//! The job queue in SQLite. Every state change is one `BEGIN IMMEDIATE` transaction,
//! so a claim, a finish and a cancel never interleave, and a process killed at any
//! point leaves each job in one of its states (`requeue_running_jobs` repairs the
//! only state a dead process can leave behind: running without a worker).

use async_trait::async_trait;
use hkpilot_core::{Job, JobId, JobKind, JobProgress, JobState, UserId};
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use super::convert::{corrupt, new_id, now_ms, u64_col};
use super::SqliteStore;
use crate::api::JobStore;
use crate::error::{Result, StoreError};
use crate::records::{JobOutcome, NewJob, RequeueReport};

fn job_from_row(r: &Row<'_>) -> rusqlite::Result<Job> {
    let kind: String = r.get("kind")?;
    let state: String = r.get("state")?;
    Ok(Job {
        id: JobId(r.get("id")?),
        kind: JobKind::parse(&kind).ok_or_else(|| corrupt("job kind", &kind))?,
        owner: UserId(r.get("owner")?),
        priority: r.get("priority")?,
        state: JobState::parse(&state).ok_or_else(|| corrupt("job state", &state))?,
        params: r.get("params")?,
        progress: JobProgress {
            phase: r.get("phase")?,
            done: u64_col(r, "done")?,
            total: u64_col(r, "total")?,
        },
        result: r.get("result")?,
        error: r.get("error")?,
        cancel_requested: r.get("cancel_requested")?,
        created_at: r.get("created_at_ms")?,
        started_at: r.get("started_at_ms")?,
        finished_at: r.get("finished_at_ms")?,
        attempts: r.get("attempts")?,
    })
}

fn load(c: &Connection, id: &JobId) -> Result<Job> {
    c.query_row("SELECT * FROM jobs WHERE id = ?1", [&id.0], job_from_row)
        .optional()?
        .ok_or_else(|| StoreError::not_found("job", id))
}

/// The scheduling rule documented on [`JobStore`], as one ordered query.
const NEXT_JOB: &str = "
    SELECT j.id FROM jobs j
    WHERE j.state = 'queued'
    ORDER BY j.priority DESC,
             (SELECT COUNT(*) FROM jobs r WHERE r.owner = j.owner AND r.state = 'running'),
             COALESCE((SELECT MAX(c.claim_order) FROM jobs c WHERE c.owner = j.owner), 0),
             j.seq
    LIMIT 1";

#[async_trait]
impl JobStore for SqliteStore {
    async fn enqueue_job(&self, job: NewJob) -> Result<Job> {
        self.run(move |c| {
            let id = JobId(new_id());
            c.execute(
                "INSERT INTO jobs (id, kind, owner, priority, state, params, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?6)",
                params![
                    id.0,
                    job.kind.as_str(),
                    job.owner.0,
                    job.priority,
                    job.params,
                    now_ms()
                ],
            )?;
            load(c, &id)
        })
        .await
    }

    async fn get_job(&self, id: &JobId) -> Result<Job> {
        let id = id.clone();
        self.run(move |c| load(c, &id)).await
    }

    async fn list_jobs(&self, owner: &UserId, limit: u32) -> Result<Vec<Job>> {
        let owner = owner.clone();
        self.run(move |c| {
            let mut stmt =
                c.prepare("SELECT * FROM jobs WHERE owner = ?1 ORDER BY seq DESC LIMIT ?2")?;
            let rows = stmt.query_map(params![owner.0, limit], job_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn count_jobs(&self, state: JobState) -> Result<u64> {
        self.run(move |c| {
            let n: i64 = c.query_row(
                "SELECT COUNT(*) FROM jobs WHERE state = ?1",
                [state.as_str()],
                |r| r.get(0),
            )?;
            Ok(n as u64)
        })
        .await
    }

    async fn claim_next_job(&self) -> Result<Option<Job>> {
        self.run(|c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let Some(id) = tx
                .query_row(NEXT_JOB, [], |r| r.get::<_, String>(0))
                .optional()?
            else {
                return Ok(None);
            };
            tx.execute(
                "UPDATE jobs SET state = 'running', started_at_ms = ?2, attempts = attempts + 1,
                        claim_order = (SELECT COALESCE(MAX(claim_order), 0) + 1 FROM jobs)
                 WHERE id = ?1 AND state = 'queued'",
                params![id, now_ms()],
            )?;
            let job = load(&tx, &JobId(id))?;
            tx.commit()?;
            Ok(Some(job))
        })
        .await
    }

    async fn update_job_progress(&self, id: &JobId, progress: JobProgress) -> Result<bool> {
        let id = id.clone();
        self.run(move |c| {
            let cancel: Option<bool> = c
                .query_row(
                    "UPDATE jobs SET phase = ?2, done = ?3, total = ?4
                     WHERE id = ?1 AND state = 'running' RETURNING cancel_requested",
                    params![
                        id.0,
                        progress.phase,
                        progress.done as i64,
                        progress.total as i64
                    ],
                    |r| r.get(0),
                )
                .optional()?;
            match cancel {
                Some(cancel) => Ok(cancel),
                None => {
                    let job = load(c, &id)?;
                    Err(StoreError::Conflict(format!(
                        "job {id} is {}, not running",
                        job.state
                    )))
                }
            }
        })
        .await
    }

    async fn finish_job(&self, id: &JobId, outcome: JobOutcome) -> Result<Job> {
        let id = id.clone();
        self.run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let job = load(&tx, &id)?;
            if job.state != JobState::Running {
                return Err(StoreError::Conflict(format!(
                    "job {id} is {}, not running",
                    job.state
                )));
            }
            let (state, result, error) = match outcome {
                JobOutcome::Succeeded { result } => (JobState::Succeeded, Some(result), None),
                JobOutcome::Failed { error } => (JobState::Failed, None, Some(error)),
                JobOutcome::Cancelled => (JobState::Cancelled, None, None),
            };
            tx.execute(
                "UPDATE jobs SET state = ?2, result = ?3, error = ?4, finished_at_ms = ?5
                 WHERE id = ?1",
                params![id.0, state.as_str(), result, error, now_ms()],
            )?;
            let job = load(&tx, &id)?;
            tx.commit()?;
            Ok(job)
        })
        .await
    }

    async fn cancel_job(&self, id: &JobId) -> Result<Job> {
        let id = id.clone();
        self.run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let job = load(&tx, &id)?;
            match job.state {
                JobState::Queued => {
                    tx.execute(
                        "UPDATE jobs SET state = 'cancelled', cancel_requested = 1,
                                finished_at_ms = ?2 WHERE id = ?1",
                        params![id.0, now_ms()],
                    )?;
                }
                JobState::Running => {
                    tx.execute(
                        "UPDATE jobs SET cancel_requested = 1 WHERE id = ?1",
                        [&id.0],
                    )?;
                }
                JobState::Cancelled => return Ok(job),
                JobState::Succeeded | JobState::Failed => {
                    return Err(StoreError::Conflict(format!(
                        "job {id} has already {}; there is nothing to cancel",
                        job.state
                    )))
                }
            }
            let job = load(&tx, &id)?;
            tx.commit()?;
            Ok(job)
        })
        .await
    }

    async fn requeue_running_jobs(&self, max_attempts: u32) -> Result<RequeueReport> {
        self.run(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let stranded: Vec<Job> = {
                let mut stmt =
                    tx.prepare("SELECT * FROM jobs WHERE state = 'running' ORDER BY seq")?;
                let rows = stmt.query_map([], job_from_row)?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let now = now_ms();
            let mut report = RequeueReport::default();
            for job in stranded {
                if job.cancel_requested {
                    tx.execute(
                        "UPDATE jobs SET state = 'cancelled', finished_at_ms = ?2 WHERE id = ?1",
                        params![job.id.0, now],
                    )?;
                    report.cancelled.push(job.id);
                } else if job.attempts >= max_attempts {
                    let error = format!(
                        "the server stopped {} times while this job ran; it is not retried again \
                         in case the job itself stops the server. Try again, or report the file \
                         to an administrator if it fails again",
                        job.attempts
                    );
                    tx.execute(
                        "UPDATE jobs SET state = 'failed', error = ?2, finished_at_ms = ?3
                         WHERE id = ?1",
                        params![job.id.0, error, now],
                    )?;
                    report.failed.push(job.id);
                } else {
                    // Progress is reset: the next run starts over, and half-written
                    // results were never visible (results are stored only on success).
                    tx.execute(
                        "UPDATE jobs SET state = 'queued', started_at_ms = NULL, phase = '',
                                done = 0, total = 0 WHERE id = ?1",
                        [&job.id.0],
                    )?;
                    report.requeued.push(job.id);
                }
            }
            tx.commit()?;
            if !report.requeued.is_empty() || !report.failed.is_empty() {
                tracing::warn!(
                    requeued = report.requeued.len(),
                    failed = report.failed.len(),
                    "jobs interrupted by the last shutdown"
                );
            }
            Ok(report)
        })
        .await
    }
}
