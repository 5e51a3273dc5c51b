//! The subcommands. Each reads its inputs, reports per-file failures without stopping
//! the others, prints results in the requested format, and returns a [`Status`].

mod admin;
mod audit;
mod backend;
mod draft;
mod eval;
mod ingest;
mod model;
mod rewrite;
mod serve;
mod summarize;
mod translate;

pub use summarize::{docs_of, SummaryOutput};

use crate::cli::{Cli, Command, EvalAction, ModelAction};
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
        Command::Translate(args) => translate::run(args, settings),
        Command::Draft(args) => draft::run(args, settings),
        Command::Rewrite(args) => rewrite::run(args, settings),
        Command::Serve(_) => serve::run(&serve_options(settings)?),
        Command::Admin(args) => admin::run(args, settings),
        Command::Audit(args) => audit::run(args, settings),
        Command::Eval(args) => match &args.action {
            EvalAction::Summarize(a) => eval::summarize(a, settings),
        },
        Command::Model(args) => {
            let store = model_store(settings);
            match &args.action {
                ModelAction::List => model::list(&store, args.format),
                ModelAction::Info { models } => model::info(&store, models, args.format),
                ModelAction::Rm { models, force } => model::rm(&store, models, *force, args.format),
                ModelAction::Pull(p) => {
                    let req = hkpilot_models::PullRequest {
                        source: p.source.clone(),
                        sha256: p.sha256.clone(),
                        file_name: p.file_name.clone(),
                        force: p.force,
                    };
                    let mut opts = hkpilot_models::PullOptions {
                        hf_token: p.hf_token.clone(),
                        ..Default::default()
                    };
                    if let Some(endpoint) = &settings.hf_endpoint {
                        opts.hf_endpoint = endpoint.clone();
                    }
                    model::pull(&store, &req, &opts, args.format)
                }
            }
        }
    }
}

/// The model store named by the settings; the first configured model is the default
/// (protected from `rm`).
fn model_store(settings: &Settings) -> hkpilot_models::ModelStore {
    model::store(
        settings.models_dir.clone(),
        &settings.data_dir,
        settings.models.first().map(String::as_str),
    )
}

/// What `serve` loads: every configured model that is not a remote backend's name,
/// resolved to its file; with none configured, the default model that setup installs.
fn serve_options(settings: &Settings) -> Result<serve::ServeOptions, CliError> {
    let store = model_store(settings);
    let server = &settings.server;
    let is_remote = |m: &str| server.remotes.iter().any(|r| r.name == m);
    let mut models = Vec::new();
    for name in settings.models.iter().filter(|m| !is_remote(m)) {
        models.push(store.find(name)?);
    }
    if models.is_empty() && server.remotes.is_empty() {
        let default = store
            .find(hkpilot_models::DEFAULT_MODEL_FILE)
            .map_err(|_| {
                CliError::usage(
                    "model_not_found",
                    format!(
                        "no model configured (--model / HKPILOT_MODEL) and the default model \
                     {} is not installed in {}: run scripts/setup.sh, or `hkpilot model pull`",
                        hkpilot_models::DEFAULT_MODEL_FILE,
                        store.dir().display()
                    ),
                )
            })?;
        models.push(default);
    }
    Ok(serve::ServeOptions {
        bind: server.bind,
        port: server.port,
        models,
        api_keys: server.api_keys.clone(),
        max_body_bytes: server.max_body_bytes,
        n_ctx: server.ctx_size,
        threads: server.threads,
        parallel: server.parallel,
        batch_size: server.batch_size,
        kv_streams: server.kv_streams,
        flash_attention: server.flash_attention,
        remotes: server.remotes.clone(),
        // A remote named first on --model / HKPILOT_MODEL is the default backend.
        default_name: settings.models.first().filter(|m| is_remote(m)).cloned(),
        data_dir: settings.data_dir.clone(),
        max_upload_bytes: server.max_upload_bytes,
        secure_cookies: server.secure_cookies,
        workers: server.workers,
        summary_window: settings.summary_window,
    })
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
fn ingest_all(
    files: &[PathBuf],
    settings: &Settings,
) -> (Vec<(PathBuf, Document)>, Vec<FileFailure>) {
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
                    let page = issue
                        .page
                        .map(|p| format!(" page {p}:"))
                        .unwrap_or_default();
                    bar.suspend(|| {
                        eprintln!("warning: {}:{page} {}", path.display(), issue.message)
                    });
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
