//! Progress on long work, drawn on stderr only when stderr is a terminal so that
//! scripts and CI logs stay clean.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar over the files of one command.
pub fn files_bar(total: usize, verb: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    if total < 2 {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix(verb.to_string());
    bar
}

/// Pages read of one long document. Hidden until a document turns out to be long
/// enough for the wait to be felt, so short files print nothing extra.
#[derive(Debug)]
pub struct PagesBar {
    bar: ProgressBar,
    shown: std::cell::Cell<bool>,
}

/// Documents with fewer pages than this are read too fast to need a bar.
const PAGES_WORTH_A_BAR: u32 = 50;

impl PagesBar {
    pub fn new() -> Self {
        let bar = ProgressBar::hidden();
        bar.set_style(
            ProgressStyle::with_template("  pages [{bar:30}] {pos}/{len} ({per_sec}, {eta} left)")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        Self {
            bar,
            shown: std::cell::Cell::new(false),
        }
    }

    pub fn update(&self, done: u32, total: u32) {
        if total >= PAGES_WORTH_A_BAR && !self.shown.replace(true) {
            // Draws only on a terminal: indicatif hides stderr bars when piped.
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        self.bar.set_length(u64::from(total));
        self.bar.set_position(u64::from(done));
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Progress of a model summary (or translation), phase by phase ("reading chunks [====> ] 12/40").
/// Hidden for one-pass summaries, which finish before a bar would help.
#[derive(Debug)]
pub struct PhaseBar {
    bar: ProgressBar,
}

impl PhaseBar {
    pub fn new(label: &str) -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{prefix}: {msg} [{bar:30}] {pos}/{len} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_prefix(label.to_string());
        Self { bar }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl hkpilot_grounded::ProgressSink for PhaseBar {
    fn update(&self, phase: hkpilot_grounded::Phase, done: usize, total: usize) {
        self.bar.set_message(phase.label());
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
    }
}

impl hkpilot_draft::TranslateProgress for PhaseBar {
    fn update(&self, stage: hkpilot_draft::translate::Stage, done: usize, total: usize) {
        self.bar.set_message(stage.label());
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
    }
}
