//! The subcommands. Each reads its inputs, reports per-file failures without stopping
//! the others, prints results in the requested format, and returns a [`Status`].

mod ingest;
mod summarize;

use crate::cli::{Cli, Command};
use crate::config::Settings;
use crate::error::{exit_code_for, CliError, Kind};
use hkpilot_core::Document;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(cli: &Cli, settings: &Settings) -> Result<Status, CliError> {
    match &cli.command {
        Command::Ingest(args) => ingest::run(args, settings),
        Command::Summarize(args) => summarize::run(args, settings),
    }
}

/// How a command ended when it did not fail as a whole.
#[derive(Debug, Default)]
pub struct Status {
    /// Files that could not be processed; the others were.
    pub failures: Vec<FileFailure>,
}

impl Status {
    pub fn exit_code(&self) -> ExitCode {
        if self.failures.is_empty() {
            return ExitCode::SUCCESS;
        }
        let internal = self.failures.iter().any(|f| f.kind == Kind::Internal);
        exit_code_for(if internal {
            Kind::Internal
        } else {
            Kind::UserInput
        })
    }
}

/// One file that failed, as reported in JSON output and on stderr.
#[derive(Debug, Serialize)]
pub struct FileFailure {
    pub file: PathBuf,
    pub code: &'static str,
    pub message: String,
    #[serde(skip)]
    pub kind: Kind,
}

impl FileFailure {
    fn new(file: &Path, err: CliError) -> Self {
        eprintln!("error[{}]: {}: {}", err.code(), file.display(), err);
        FileFailure {
            file: file.to_path_buf(),
            code: err.code(),
            message: err.to_string(),
            kind: err.kind(),
        }
    }
}

/// Reads every file, reporting failures and keeping going. Progress is shown on
/// stderr when there are several files, and per page for long PDFs.
fn ingest_all(files: &[PathBuf], settings: &Settings) -> (Vec<(PathBuf, Document)>, Vec<FileFailure>) {
    let opts = settings.ingest_options();
    let bar = crate::progress::files_bar(files.len(), "reading");
    let mut docs = Vec::new();
    let mut failures = Vec::new();
    for path in files {
        bar.set_message(path.display().to_string());
        let pages = crate::progress::PagesBar::new();
        let result = hkpilot_ingest::ingest_path_with_progress(path, &opts, &mut |p| {
            pages.update(p.pages_done, p.pages_total)
        });
        pages.finish();
        match result {
            Ok(doc) => {
                for issue in &doc.issues {
                    let page = issue.page.map(|p| format!(" page {p}:")).unwrap_or_default();
                    bar.suspend(|| eprintln!("warning: {}:{page} {}", path.display(), issue.message));
                }
                docs.push((path.clone(), doc));
            }
            Err(e) => bar.suspend(|| failures.push(FileFailure::new(path, e.into()))),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    (docs, failures)
}

/// Writes a JSON value to stdout followed by a newline.
fn print_json<T: Serialize>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::internal(format!("cannot serialise output: {e}")))?;
    println!("{text}");
    Ok(())
}
