//! `hkpilot summarize FILE...`: a cited summary of each file (or of all together, or
//! side by side). With a model (`--model`), the grounded map-reduce pipeline writes
//! it; without one, or when the model fails, the extractive summary is given and the
//! output says which it is.

use super::backend::{open_first, EngineSizing, OpenFailure};
use super::{ingest_all, FileFailure, Status};
use crate::cli::{SummarizeArgs, SummaryFormat};
use crate::config::Settings;
use crate::error::CliError;
use crate::progress::PhaseBar;
use crate::render;
use hkpilot_core::{Document, Summary};
use hkpilot_grounded::{summarize_or_extract, GroundedOptions, DEFAULT_WINDOW};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The stable JSON shape of `hkpilot summarize --format json`.
#[derive(Debug, Serialize)]
struct SummarizeOutput<'a> {
    summaries: &'a [SummaryOutput],
    errors: &'a [FileFailure],
}

#[derive(Debug, Serialize)]
pub struct SummaryOutput {
    /// The files summarised (one, or several with --together).
    pub files: Vec<PathBuf>,
    /// Titles and ids of the documents, in the same order.
    pub documents: Vec<DocumentRef>,
    pub summary: Summary,
}

#[derive(Debug, Serialize)]
pub struct DocumentRef {
    pub id: String,
    pub title: Option<String>,
    pub pages: u32,
    pub content_hash: String,
}

pub fn run(args: &SummarizeArgs, settings: &Settings) -> Result<Status, CliError> {
    if args.format == SummaryFormat::Docx && args.output.is_none() {
        return Err(CliError::usage(
            "output_required",
            "--format docx writes a Word file: give its path with --output FILE.docx",
        ));
    }
    if args.format == SummaryFormat::Docx && args.files.len() > 1 && !args.together {
        return Err(CliError::usage(
            "one_summary_per_docx",
            "--format docx writes one summary per file: summarise one file, or use --together",
        ));
    }
    let (docs, mut failures) = ingest_all(&args.files, settings);
    let groups: Vec<Vec<&(PathBuf, Document)>> = if args.together {
        if docs.is_empty() {
            vec![]
        } else {
            vec![docs.iter().collect()]
        }
    } else {
        docs.iter().map(|d| vec![d]).collect()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::internal(format!("cannot start the async runtime: {e}")))?;
    let window = settings.summary_window.unwrap_or(DEFAULT_WINDOW);
    let sizing = EngineSizing {
        window,
        parallel: settings.summary_parallel,
    };
    let (backend, unusable) = if groups.is_empty() {
        (None, None)
    } else {
        match open_first(settings, &runtime, sizing) {
            Ok(b) => (b, None),
            Err(OpenFailure::Usage(e)) => return Err(e),
            Err(OpenFailure::Unusable(reason)) => {
                eprintln!("warning: the model cannot be used ({reason}); writing extractive summaries instead");
                (None, Some(reason))
            }
        }
    };
    if backend.is_none() && args.focus.is_some() {
        eprintln!("warning: --focus needs a model (--model); the extractive summary ignores it");
    }
    if backend.is_none() && args.structured {
        eprintln!("warning: --structured needs a model (--model); the extractive summary is plain");
    }
    let opts = GroundedOptions {
        length: settings.summary_length,
        lang: settings.summary_lang,
        focus: args.focus.clone(),
        window: Some(window),
        concurrency: settings.summary_parallel,
        seed: settings.summary_seed,
        structured: args.structured,
        ..Default::default()
    };
    let mut outputs = Vec::new();
    for group in groups {
        let refs: Vec<&Document> = group.iter().map(|(_, d)| d).collect();
        let bar = PhaseBar::new(&group[0].0.display().to_string());
        let result = runtime.block_on(summarize_or_extract(&refs, backend.as_deref(), &opts, &bar));
        bar.finish();
        match result {
            Ok(mut summary) => {
                if let (Some(reason), None) = (&unusable, &summary.provenance.fallback) {
                    summary.provenance.fallback = Some(format!(
                        "the model could not be loaded ({reason}); this is the extractive summary instead"
                    ));
                }
                if let Some(why) = &summary.provenance.fallback {
                    eprintln!("warning: {}: {why}", group[0].0.display());
                }
                outputs.push(SummaryOutput {
                    files: group.iter().map(|(f, _)| f.clone()).collect(),
                    documents: refs.iter().map(|d| document_ref(d)).collect(),
                    summary,
                });
            }
            Err(e) => {
                let e = CliError::new(e.code(), crate::error::Kind::UserInput, e.to_string());
                failures.push(FileFailure::new(&group[0].0, e));
            }
        }
    }
    // Close the engine before writing: its threads are not needed any more.
    drop(backend);
    let bytes = match args.format {
        SummaryFormat::Json => json(&SummarizeOutput {
            summaries: &outputs,
            errors: &failures,
        })?,
        SummaryFormat::Md | SummaryFormat::Text if args.compare => {
            render::summary::side_by_side(&docs, &outputs).into_bytes()
        }
        SummaryFormat::Md | SummaryFormat::Text => {
            let mut text = String::new();
            for (i, out) in outputs.iter().enumerate() {
                if i > 0 {
                    text.push('\n');
                }
                let docs = docs_of(&docs, out);
                text.push_str(&if args.format == SummaryFormat::Md {
                    render::summary::markdown(&docs, &out.summary)
                } else {
                    render::summary::text(&docs, &out.summary)
                });
            }
            text.into_bytes()
        }
        SummaryFormat::Docx => render::summary::docx(&docs, &outputs)?,
    };
    match &args.output {
        Some(path) => write_atomically(path, &bytes)?,
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|()| out.flush())
                .map_err(|e| CliError::internal(format!("cannot write to stdout: {e}")))?;
        }
    }
    Ok(Status { failures })
}

fn document_ref(d: &Document) -> DocumentRef {
    DocumentRef {
        id: d.id.to_string(),
        title: d.meta.title.clone(),
        pages: d.meta.page_count,
        content_hash: d.meta.content_hash.clone(),
    }
}

/// The (file, document) pairs of one output, in its order.
pub fn docs_of<'a>(
    docs: &'a [(PathBuf, Document)],
    out: &SummaryOutput,
) -> Vec<(&'a PathBuf, &'a Document)> {
    out.files
        .iter()
        .filter_map(|f| docs.iter().find(|(p, _)| p == f).map(|(p, d)| (p, d)))
        .collect()
}

fn json<T: Serialize>(value: &T) -> Result<Vec<u8>, CliError> {
    let mut text = serde_json::to_vec_pretty(value)
        .map_err(|e| CliError::internal(format!("cannot serialise output: {e}")))?;
    text.push(b'\n');
    Ok(text)
}

/// Writes next to the target and renames, so a reader never sees half a file.
pub(super) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "summary".into());
    let tmp = dir.join(format!(".{name}.{}.part", std::process::id()));
    let fail = |e: std::io::Error| {
        CliError::usage(
            "cannot_write_output",
            format!(
                "cannot write {}: {e}; check the directory exists and is writable",
                path.display()
            ),
        )
    };
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })
}
