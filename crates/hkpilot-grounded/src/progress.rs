//! Progress of a long summary, phase by phase, for bars, logs and job events.

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Counting the sources' tokens to plan chunks.
    Counting,
    /// Taking notes on each chunk.
    Map,
    /// Merging notes; level 1 is the first merge.
    Reduce { level: usize },
    /// Writing the summary.
    Final,
}

impl Phase {
    /// A short label for people.
    pub fn label(self) -> String {
        match self {
            Phase::Counting => "planning".into(),
            Phase::Map => "reading chunks".into(),
            Phase::Reduce { level } => format!("merging notes (level {level})"),
            Phase::Final => "writing the summary".into(),
        }
    }
}

/// Receives progress: `done` of `total` steps of `phase`. Called from the pipeline's
/// task; implementations must be quick.
pub trait ProgressSink: Send + Sync {
    fn update(&self, phase: Phase, done: usize, total: usize);
}

/// Ignores progress.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn update(&self, _phase: Phase, _done: usize, _total: usize) {}
}
