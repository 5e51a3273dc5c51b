//! Summaries of stored documents: asked for as a job, kept with their options and
//! provenance, listed as a document's history.

use std::str::FromStr;

use hkpilot_auth::{authorize, Action, Resource};
use hkpilot_core::{DocumentId, Job, JobId, JobKind, Lang, Summary};
use hkpilot_store::{NewJob, StoreError, SummaryRecord};
use hkpilot_summarize::Length;
use serde::{Deserialize, Serialize};

use crate::jobs::{JobParams, PRIORITY_SUMMARY};
use crate::{Caller, Result, Service, ServiceError};

/// How a summary is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SummaryMethodChoice {
    /// Key sentences of the source; no model involved.
    #[default]
    Extractive,
    /// Written by the language model, every sentence cited or flagged.
    Model,
}

/// What the reader asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryRequest {
    #[serde(default)]
    pub method: SummaryMethodChoice,
    /// `short`, `medium`, `long`, `200w` (words) or `5b` (bullets).
    #[serde(default = "default_length")]
    pub length: String,
    /// Language of the summary; the document's own when absent.
    #[serde(default)]
    pub lang: Option<Lang>,
    /// A topic to concentrate on (model summaries).
    #[serde(default)]
    pub focus: Option<String>,
}

fn default_length() -> String {
    "medium".into()
}

/// The same defaults as a request that leaves every field out (a derived `Default`
/// would give an empty, invalid length).
impl Default for SummaryRequest {
    fn default() -> Self {
        SummaryRequest {
            method: SummaryMethodChoice::default(),
            length: default_length(),
            lang: None,
            focus: None,
        }
    }
}

impl Service {
    /// Queues a summary of a document the caller may read.
    pub async fn request_summary(
        &self,
        caller: &Caller,
        id: &DocumentId,
        request: SummaryRequest,
    ) -> Result<Job> {
        let record = self.readable(caller, id, Action::SummarizeDocument).await?;
        Length::from_str(&request.length).map_err(|e| ServiceError::Invalid(e.to_string()))?;
        if request
            .focus
            .as_ref()
            .is_some_and(|f| f.chars().count() > 500)
        {
            return Err(ServiceError::Invalid(
                "the focus is longer than 500 characters: shorten it".into(),
            ));
        }
        if request.method == SummaryMethodChoice::Model {
            authorize(&caller.actor, Action::UseModel, &Resource::System)?;
            if self.model.is_none() {
                return Err(ServiceError::Invalid(
                    "no language model is configured on this server: ask for an extractive summary, or ask the administrator to start it with --model".into(),
                ));
            }
        }
        if record.state != hkpilot_store::DocumentState::Ready {
            return Err(ServiceError::Conflict(format!(
                "the document is {}, not ready: wait until it has been read",
                record.state.as_str()
            )));
        }
        let params = JobParams::Summarize {
            document: id.clone(),
            owner: record.owner.clone(),
            request,
        };
        let job = self
            .store
            .enqueue_job(NewJob {
                kind: JobKind::Summarize,
                owner: caller.user.id.clone(),
                priority: PRIORITY_SUMMARY,
                params: serde_json::to_string(&params)
                    .map_err(|e| ServiceError::Internal(e.to_string()))?,
            })
            .await?;
        self.wake.notify_one();
        Ok(job)
    }

    /// A document's summaries, newest first.
    pub async fn summaries(&self, caller: &Caller, id: &DocumentId) -> Result<Vec<SummaryRecord>> {
        let record = self.readable(caller, id, Action::ReadDocument).await?;
        Ok(self.store.list_summaries(&record.owner, id).await?)
    }

    /// One summary, if its document is readable by the caller.
    pub async fn summary(
        &self,
        caller: &Caller,
        summary_id: &str,
    ) -> Result<(SummaryRecord, Summary)> {
        let gone = || ServiceError::NotFound(format!("no summary {summary_id} that you may read"));
        let record = match self.store.get_summary(summary_id).await {
            Ok(r) => r,
            Err(StoreError::NotFound { .. }) => return Err(gone()),
            Err(e) => return Err(e.into()),
        };
        // The summary belongs to one owner's record of the document; that very record
        // must be readable (the caller's own copy of the same file, which has its own
        // summaries, does not make a colleague's private summaries readable, and a
        // colleague's shared copy makes its summaries readable even beside one's own).
        let doc = match self
            .store
            .get_document(&record.document_owner, &record.document)
            .await
        {
            Ok(d) => d,
            Err(StoreError::NotFound { .. }) => return Err(gone()),
            Err(e) => return Err(e.into()),
        };
        authorize(
            &caller.actor,
            Action::ReadDocument,
            &crate::library::resource(&doc),
        )
        .map_err(|_| gone())?;
        let summary: Summary = serde_json::from_str(&record.result).map_err(|e| {
            ServiceError::Internal(format!("stored summary {summary_id} is unreadable: {e}"))
        })?;
        Ok((record, summary))
    }

    /// A job of the caller's.
    pub async fn job(&self, caller: &Caller, id: &JobId) -> Result<Job> {
        let gone = || ServiceError::NotFound(format!("no job {id} of yours"));
        match self.store.get_job(id).await {
            Ok(j) if j.owner == caller.user.id => Ok(j),
            Ok(_) | Err(StoreError::NotFound { .. }) => Err(gone()),
            Err(e) => Err(e.into()),
        }
    }

    /// The caller's recent jobs, newest first.
    pub async fn jobs(&self, caller: &Caller, limit: u32) -> Result<Vec<Job>> {
        Ok(self.store.list_jobs(&caller.user.id, limit).await?)
    }

    /// Cancels a job of the caller's.
    pub async fn cancel_job(&self, caller: &Caller, id: &JobId) -> Result<Job> {
        let before = self.job(caller, id).await?;
        let job = self.store.cancel_job(id).await?;
        // A reading cancelled before any worker took it never runs: its document must
        // not stay "uploaded" for ever. (A running one is marked when its worker stops.)
        if before.state == hkpilot_core::JobState::Queued
            && job.state == hkpilot_core::JobState::Cancelled
        {
            self.mark_ingest_failed(&job).await;
        }
        let _ = self.events.send(crate::JobEvent::of(&job));
        Ok(job)
    }
}
