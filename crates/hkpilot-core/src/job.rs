//! Background jobs (ingesting, summarising, translating, drafting): what was asked, by whom, and how far it
//! got. Pure data; the queue lives in `hkpilot-store`, the scheduler in the service.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::account::UserId;

/// A job's stable id (opaque text); never reused.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct JobId(pub String);

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a job does. New kinds (drafting, translation) are added here; the names are
/// persisted, so an existing name never changes meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    Ingest,
    Summarize,
    /// Translating a stored document into another language.
    Translate,
    /// Writing a draft from a template, citing the caller's chosen documents.
    Draft,
}

impl JobKind {
    /// The stable name stored and shown in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Ingest => "ingest",
            JobKind::Summarize => "summarize",
            JobKind::Translate => "translate",
            JobKind::Draft => "draft",
        }
    }

    /// Parses [`JobKind::as_str`]'s names.
    pub fn parse(name: &str) -> Option<JobKind> {
        match name {
            "ingest" => Some(JobKind::Ingest),
            "summarize" => Some(JobKind::Summarize),
            "translate" => Some(JobKind::Translate),
            "draft" => Some(JobKind::Draft),
            _ => None,
        }
    }
}

/// Where a job is in its life: `Queued` → `Running` → one of the three final states
/// (a queued job can also go straight to `Cancelled`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobState {
    /// The stable name stored and shown in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }

    /// Parses [`JobState::as_str`]'s names.
    pub fn parse(name: &str) -> Option<JobState> {
        match name {
            "queued" => Some(JobState::Queued),
            "running" => Some(JobState::Running),
            "succeeded" => Some(JobState::Succeeded),
            "failed" => Some(JobState::Failed),
            "cancelled" => Some(JobState::Cancelled),
            _ => None,
        }
    }

    /// Whether the job will never change again.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobState::Succeeded | JobState::Failed | JobState::Cancelled
        )
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How far a running job got: a phase name (`"map"`, `"reduce 1"`, `"pages"`) and a
/// count within it, enough for a progress bar and "chunks done".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct JobProgress {
    pub phase: String,
    pub done: u64,
    pub total: u64,
}

impl JobProgress {
    /// Percentage done within the phase, 0–100 (0 when the total is not known yet).
    pub fn percent(&self) -> u8 {
        if self.total == 0 {
            return 0;
        }
        (self.done.min(self.total) * 100 / self.total) as u8
    }
}

/// A persisted job. `params` and `result` are JSON text, kept opaque here because
/// each kind has its own shape and core has no JSON dependency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub id: JobId,
    pub kind: JobKind,
    pub owner: UserId,
    /// Higher runs first.
    pub priority: i32,
    pub state: JobState,
    /// JSON text: what to do (document ids, summary options…).
    pub params: String,
    pub progress: JobProgress,
    /// JSON text written by a successful job.
    pub result: Option<String>,
    /// Why the job failed, for the person who asked.
    pub error: Option<String>,
    /// A running job was asked to stop; the worker polls this and ends as `Cancelled`.
    pub cancel_requested: bool,
    /// Unix milliseconds.
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    /// How many times a worker has started this job (more than one after a restart).
    pub attempts: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in [
            JobKind::Ingest,
            JobKind::Summarize,
            JobKind::Translate,
            JobKind::Draft,
        ] {
            assert_eq!(JobKind::parse(kind.as_str()), Some(kind));
        }
        // Persisted names: changing one breaks stored jobs.
        assert_eq!(JobKind::Translate.as_str(), "translate");
        assert_eq!(
            serde_json::to_string(&JobKind::Translate).unwrap(),
            "\"translate\""
        );
        for state in [
            JobState::Queued,
            JobState::Running,
            JobState::Succeeded,
            JobState::Failed,
            JobState::Cancelled,
        ] {
            assert_eq!(JobState::parse(state.as_str()), Some(state));
        }
        assert_eq!(JobState::parse("done"), None);
    }

    #[test]
    fn percent_is_bounded() {
        let p = |done, total| JobProgress {
            phase: "map".into(),
            done,
            total,
        };
        assert_eq!(p(0, 0).percent(), 0);
        assert_eq!(p(1, 4).percent(), 25);
        assert_eq!(p(9, 4).percent(), 100);
    }
}
