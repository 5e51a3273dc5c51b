//! Background jobs (reading, summarising, translating, drafting): one scheduler loop claims queued jobs from the store (which picks
//! by priority and per-user fairness) and runs up to `workers` at once. Progress goes
//! to the store and to subscribers as [`JobEvent`]s. A job left running by a killed
//! process is queued again at start-up; a result is written before its job is marked
//! done, so nothing half-finished is ever shown as finished.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use hkpilot_core::{
    AuditAction, Document, DocumentId, Job, JobId, JobProgress, JobState, Summary, UserId,
};
use hkpilot_grounded::{GroundedOptions, Phase, ProgressSink};
use hkpilot_store::{DocumentState, IngestedDocument, JobOutcome, NewSummary};
use hkpilot_summarize::{ExtractiveOptions, Length};
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, mpsc, watch};

use crate::drafts::{DraftRequest, DraftSourceRef};
use crate::summaries::{SummaryMethodChoice, SummaryRequest};
use crate::translations::TranslationRequest;
use crate::{now_ms, Result, Service, ServiceError};

/// Summaries someone is waiting for go before reading uploads.
pub(crate) const PRIORITY_SUMMARY: i32 = 10;
pub(crate) const PRIORITY_INGEST: i32 = 0;

/// What a job does, as persisted in its `params`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobParams {
    Ingest {
        document: DocumentId,
        owner: UserId,
    },
    Summarize {
        document: DocumentId,
        /// The owner of the document record (the requester may be a colleague).
        owner: UserId,
        request: SummaryRequest,
    },
    Translate {
        document: DocumentId,
        /// The owner of the document record (the requester may be a colleague).
        owner: UserId,
        request: TranslationRequest,
        /// The requester's department, whose termbase entries apply.
        #[serde(default)]
        department: Option<String>,
    },
    Draft {
        request: DraftRequest,
        /// The sources, checked readable when the draft was asked for.
        sources: Vec<DraftSourceRef>,
        /// The requester's department, whose termbase entries apply.
        #[serde(default)]
        department: Option<String>,
    },
}

/// A change in a job, for progress bars.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobEvent {
    pub job: JobId,
    pub owner: UserId,
    pub state: JobState,
    pub phase: String,
    pub done: u64,
    pub total: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// JSON text of the result, when the job succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
}

impl JobEvent {
    pub fn of(job: &Job) -> JobEvent {
        JobEvent {
            job: job.id.clone(),
            owner: job.owner.clone(),
            state: job.state,
            phase: job.progress.phase.clone(),
            done: job.progress.done,
            total: job.progress.total,
            error: job.error.clone(),
            result: job.result.clone(),
        }
    }
}

/// Progress reported from inside a job (possibly from a blocking thread).
pub(crate) type ProgressTx = mpsc::UnboundedSender<JobProgress>;

struct GroundedProgress(ProgressTx);

impl ProgressSink for GroundedProgress {
    fn update(&self, phase: Phase, done: usize, total: usize) {
        let phase = match phase {
            Phase::Counting => "counting",
            Phase::Map => "map",
            Phase::Reduce { .. } => "reduce",
            Phase::Final => "final",
        };
        let _ = self.0.send(JobProgress {
            phase: phase.into(),
            done: done as u64,
            total: total as u64,
        });
    }
}

impl Service {
    /// Job changes as they happen (every job; callers filter by id and owner).
    pub fn subscribe(&self) -> broadcast::Receiver<JobEvent> {
        self.events.subscribe()
    }

    /// Runs the scheduler until `shutdown` turns true, then waits up to `grace` for
    /// running jobs; any still running stay marked running and are queued again when
    /// the server next starts.
    pub async fn run_jobs(
        self: Arc<Self>,
        mut shutdown: watch::Receiver<bool>,
        grace: Duration,
    ) -> Result<()> {
        let report = self
            .store
            .requeue_running_jobs(self.config.max_job_attempts)
            .await?;
        if !report.requeued.is_empty() || !report.failed.is_empty() {
            tracing::info!(
                requeued = report.requeued.len(),
                failed = report.failed.len(),
                "jobs left by a stopped server"
            );
        }
        for id in report.failed.iter().chain(&report.cancelled) {
            // A document whose reading died with the process, or was cancelled just
            // before, must not stay "ingesting".
            if let Ok(job) = self.store.get_job(id).await {
                if matches!(job.state, JobState::Failed | JobState::Cancelled) {
                    self.mark_ingest_failed(&job).await;
                }
            }
        }
        let mut running = tokio::task::JoinSet::new();
        loop {
            if *shutdown.borrow() {
                break;
            }
            while running.len() < self.config.workers {
                match self.store.claim_next_job().await {
                    Ok(Some(job)) => {
                        let me = self.clone();
                        running.spawn(async move { me.run_one(job).await });
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::error!(error = %e, "cannot claim a job");
                        break;
                    }
                }
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                Some(_) = running.join_next(), if !running.is_empty() => {}
                _ = tokio::time::sleep(Duration::from_secs(2)) => {}
                _ = shutdown.changed() => {}
            }
        }
        let _ = tokio::time::timeout(grace, async {
            while running.join_next().await.is_some() {}
        })
        .await;
        running.abort_all();
        Ok(())
    }

    async fn run_one(self: Arc<Self>, job: Job) {
        let _ = self.events.send(JobEvent::of(&job));
        let (tx, mut rx) = mpsc::unbounded_channel::<JobProgress>();
        let (cancel_tx, mut cancel_rx) = watch::channel(false);
        // Forwards progress to the store and subscribers, and learns of cancelling.
        let forward = {
            let me = self.clone();
            let id = job.id.clone();
            let owner = job.owner.clone();
            tokio::spawn(async move {
                while let Some(mut p) = rx.recv().await {
                    // Only the latest report matters: a fast job must not queue up a
                    // write per page behind a slow database.
                    while let Ok(next) = rx.try_recv() {
                        p = next;
                    }
                    match me.store.update_job_progress(&id, p.clone()).await {
                        Ok(true) => {
                            let _ = cancel_tx.send(true);
                        }
                        Ok(false) => {}
                        Err(e) => tracing::warn!(error = %e, "cannot record job progress"),
                    }
                    let _ = me.events.send(JobEvent {
                        job: id.clone(),
                        owner: owner.clone(),
                        state: JobState::Running,
                        phase: p.phase,
                        done: p.done,
                        total: p.total,
                        error: None,
                        result: None,
                    });
                }
            })
        };
        let work = self.clone().execute(job.clone(), tx);
        // Only a cancel request stops the work: `wait_for` also returns (an error) when
        // the forwarder ends, which it does as soon as the work drops its progress
        // sender, and that must not read as "cancelled".
        let outcome = tokio::select! {
            r = work => r,
            Ok(_) = cancel_rx.wait_for(|c| *c) => Err(JobStop::Cancelled),
        };
        match outcome {
            // The work (and with it every progress sender) is gone: let the forwarder
            // record and announce the last progress before the final event, so that no
            // "running" event follows "succeeded".
            Ok(_) | Err(JobStop::Failed(_)) => {
                let _ = forward.await;
            }
            // A blocking reader may still hold a sender; stop listening to it.
            Err(JobStop::Cancelled) => forward.abort(),
        }
        let outcome = match outcome {
            Ok(result) => JobOutcome::Succeeded { result },
            Err(JobStop::Cancelled) => JobOutcome::Cancelled,
            Err(JobStop::Failed(error)) => JobOutcome::Failed { error },
        };
        // The document is marked failed before the job is: whoever sees the job ended
        // and then opens the document must not find it still "ingesting". (Should the
        // process die in between, the job is run again at start-up and resets it.)
        match &outcome {
            JobOutcome::Succeeded { .. } => {}
            JobOutcome::Failed { error } => {
                let mut failed = job.clone();
                failed.error = Some(error.clone());
                self.mark_ingest_failed(&failed).await;
            }
            JobOutcome::Cancelled => {
                let mut cancelled = job.clone();
                cancelled.error = None;
                self.mark_ingest_failed(&cancelled).await;
            }
        }
        match self.store.finish_job(&job.id, outcome).await {
            Ok(done) => {
                let _ = self.events.send(JobEvent::of(&done));
            }
            Err(e) => tracing::error!(error = %e, job = %job.id, "cannot record the end of a job"),
        }
    }

    /// A failed or cancelled reading leaves the document marked failed, with why.
    pub(crate) async fn mark_ingest_failed(&self, job: &Job) {
        if let Ok(JobParams::Ingest { document, owner }) = serde_json::from_str(&job.params) {
            let why = job
                .error
                .clone()
                .unwrap_or_else(|| "reading was cancelled: upload the file again".into());
            let _ = self
                .store
                .set_document_state(&owner, &document, DocumentState::Failed, Some(why))
                .await;
        }
    }

    async fn execute(self: Arc<Self>, job: Job, progress: ProgressTx) -> Result<String, JobStop> {
        let params: JobParams = serde_json::from_str(&job.params)
            .map_err(|e| JobStop::Failed(format!("the job's parameters are unreadable: {e}")))?;
        match params {
            JobParams::Ingest { document, owner } => self.ingest(&document, &owner, progress).await,
            JobParams::Summarize {
                document,
                owner,
                request,
            } => {
                self.summarize(&job, &document, &owner, request, progress)
                    .await
            }
            JobParams::Translate {
                document,
                owner,
                request,
                department,
            } => {
                self.translate(&job, &document, &owner, request, department, progress)
                    .await
            }
            JobParams::Draft {
                request,
                sources,
                department,
            } => {
                self.compose(&job, request, sources, department, progress)
                    .await
            }
        }
    }

    async fn ingest(
        &self,
        id: &DocumentId,
        owner: &UserId,
        progress: ProgressTx,
    ) -> Result<String, JobStop> {
        let record = self
            .store
            .get_document(owner, id)
            .await
            .map_err(JobStop::internal)?;
        self.store
            .set_document_state(owner, id, DocumentState::Ingesting, None)
            .await
            .map_err(JobStop::internal)?;
        let store = self.store.clone();
        let name = record.file_name.clone();
        let limit = self.config.max_upload_bytes;
        let document = tokio::task::spawn_blocking(move || -> Result<Document, String> {
            let bytes = store
                .blobs()
                .read(&record.original)
                .map_err(|e| e.to_string())?;
            let opts = hkpilot_ingest::IngestOptions {
                max_bytes: limit,
                ..Default::default()
            };
            hkpilot_ingest::ingest_bytes_with_progress(&bytes, Some(&name), &opts, &mut |p| {
                let _ = progress.send(JobProgress {
                    phase: "extracting".into(),
                    done: p.pages_done as u64,
                    total: p.pages_total as u64,
                });
            })
            .map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| JobStop::Failed(format!("reading stopped: {e}")))?
        .map_err(JobStop::Failed)?;
        let store = self.store.clone();
        let title = document.meta.title.clone();
        let ingested = IngestedDocument {
            title: title
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| self_title(&document)),
            format: document.meta.format,
            lang: document.meta.languages.primary,
            pages: document.meta.page_count,
            extracted: tokio::task::spawn_blocking(move || store.blobs().put_document(&document))
                .await
                .map_err(|e| JobStop::Failed(e.to_string()))?
                .map_err(JobStop::internal)?,
        };
        self.store
            .complete_ingest(owner, id, ingested)
            .await
            .map_err(JobStop::internal)?;
        Ok(serde_json::json!({"document": id.0}).to_string())
    }

    async fn summarize(
        &self,
        job: &Job,
        id: &DocumentId,
        owner: &UserId,
        request: SummaryRequest,
        progress: ProgressTx,
    ) -> Result<String, JobStop> {
        let document = self.job_document(owner, id).await?;
        let length =
            Length::from_str(&request.length).map_err(|e| JobStop::Failed(e.to_string()))?;
        let summary: Summary = match (request.method, &self.model) {
            (SummaryMethodChoice::Model, Some(model)) => {
                let opts = GroundedOptions {
                    length,
                    lang: request.lang,
                    focus: request.focus.clone(),
                    window: Some(self.config.summary_window),
                    concurrency: self.config.summary_parallel,
                    ..Default::default()
                };
                let sink = GroundedProgress(progress);
                let s = hkpilot_grounded::summarize_or_extract(
                    &[document.as_ref()],
                    Some(model.as_ref()),
                    &opts,
                    &sink,
                )
                .await
                .map_err(|e| JobStop::Failed(e.to_string()))?;
                self.audit_raw(
                    Some(job.owner.clone()),
                    AuditAction::ModelCall,
                    vec![id.clone()],
                    serde_json::json!({
                        "model": model.info().name,
                        "purpose": "summary",
                        "stats": s.provenance.stats,
                    }),
                    None,
                )
                .await;
                s
            }
            (SummaryMethodChoice::Model, None) => {
                return Err(JobStop::Failed(
                    "no language model is configured on this server".into(),
                ))
            }
            (SummaryMethodChoice::Extractive, _) => {
                let _ = progress.send(JobProgress {
                    phase: "final".into(),
                    done: 0,
                    total: 1,
                });
                let opts = ExtractiveOptions {
                    length,
                    lang: request.lang,
                    ..Default::default()
                };
                tokio::task::spawn_blocking(move || {
                    hkpilot_summarize::summarize_extractive(&[document.as_ref()], &opts)
                })
                .await
                .map_err(|e| JobStop::Failed(e.to_string()))?
                .map_err(|e| JobStop::Failed(e.to_string()))?
            }
        };
        let result = serde_json::to_string(&summary).map_err(|e| JobStop::Failed(e.to_string()))?;
        let stored = self
            .store
            .add_summary(NewSummary {
                document: id.clone(),
                document_owner: owner.clone(),
                created_by: job.owner.clone(),
                options: serde_json::to_string(&request).unwrap_or_default(),
                model: summary.provenance.model.clone(),
                result,
                created_at_ms: now_ms(),
            })
            .await
            .map_err(JobStop::internal)?;
        let cited: Vec<_> = summary
            .sentences
            .iter()
            .flat_map(|s| &s.citations)
            .map(|c| [c.span.start, c.span.end])
            .collect();
        self.audit_raw(
            Some(job.owner.clone()),
            AuditAction::Summary,
            vec![id.clone()],
            serde_json::json!({"summary": stored.id, "method": request.method, "spans": cited}),
            None,
        )
        .await;
        Ok(serde_json::json!({"summary": stored.id, "document": id.0}).to_string())
    }
}

impl Service {
    /// The read document a job works on (through the parsed-document cache).
    pub(crate) async fn job_document(
        &self,
        owner: &UserId,
        id: &DocumentId,
    ) -> Result<Arc<Document>, JobStop> {
        let record = self
            .store
            .get_document(owner, id)
            .await
            .map_err(JobStop::internal)?;
        let blob = record
            .extracted
            .ok_or_else(|| JobStop::Failed("the document has not been read yet".into()))?;
        Ok(self.extracted(&blob).await?)
    }
}

/// A title for a document without one: its first heading, else its first words.
fn self_title(document: &Document) -> String {
    let first = document
        .blocks
        .iter()
        .find(|b| b.is_heading())
        .or_else(|| document.text_blocks().next())
        .map(|b| b.text.as_str())
        .unwrap_or("");
    let t: String = first.chars().take(80).collect();
    if t.trim().is_empty() {
        document
            .meta
            .file_name
            .clone()
            .unwrap_or_else(|| "document".into())
    } else {
        t
    }
}

/// Why a job did not succeed.
pub(crate) enum JobStop {
    Cancelled,
    Failed(String),
}

impl JobStop {
    pub(crate) fn internal(e: impl std::fmt::Display) -> JobStop {
        JobStop::Failed(format!("internal error: {e}"))
    }
}

impl From<ServiceError> for JobStop {
    fn from(e: ServiceError) -> Self {
        JobStop::Failed(e.to_string())
    }
}
