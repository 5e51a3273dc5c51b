//! `hkpilot summarize FILE...`: a cited summary of each file (or of all together).
//! Extractive for now: it works with no model at all.

use super::{ingest_all, print_json, FileFailure, Status};
use crate::cli::{OutputFormat, SummarizeArgs};
use crate::config::Settings;
use crate::error::CliError;
use crate::render;
use hkpilot_core::{Document, Summary};
use hkpilot_summarize::ExtractiveOptions;
use serde::Serialize;
use std::path::PathBuf;

/// The stable JSON shape of `hkpilot summarize --format json`.
#[derive(Debug, Serialize)]
struct SummarizeOutput<'a> {
    summaries: Vec<SummaryOutput>,
    errors: &'a [FileFailure],
}

#[derive(Debug, Serialize)]
struct SummaryOutput {
    /// The files summarised (one, or several with --together).
    files: Vec<PathBuf>,
    /// Titles and ids of the documents, in the same order.
    documents: Vec<DocumentRef>,
    summary: Summary,
}

#[derive(Debug, Serialize)]
struct DocumentRef {
    id: String,
    title: Option<String>,
    pages: u32,
    content_hash: String,
}

pub fn run(args: &SummarizeArgs, settings: &Settings) -> Result<Status, CliError> {
    let (docs, mut failures) = ingest_all(&args.files, settings);
    let opts = ExtractiveOptions {
        length: settings.summary_length,
        lang: settings.summary_lang,
        ..Default::default()
    };
    let groups: Vec<Vec<&(PathBuf, Document)>> = if args.together {
        if docs.is_empty() {
            vec![]
        } else {
            vec![docs.iter().collect()]
        }
    } else {
        docs.iter().map(|d| vec![d]).collect()
    };
    let mut outputs = Vec::new();
    for group in groups {
        let refs: Vec<&Document> = group.iter().map(|(_, d)| d).collect();
        match hkpilot_summarize::summarize_extractive(&refs, &opts) {
            Ok(summary) => outputs.push(SummaryOutput {
                files: group.iter().map(|(f, _)| f.clone()).collect(),
                documents: refs
                    .iter()
                    .map(|d| DocumentRef {
                        id: d.id.to_string(),
                        title: d.meta.title.clone(),
                        pages: d.meta.page_count,
                        content_hash: d.meta.content_hash.clone(),
                    })
                    .collect(),
                summary,
            }),
            Err(e) => failures.push(FileFailure::new(&group[0].0, e.into())),
        }
    }
    match args.format {
        OutputFormat::Json => print_json(&SummarizeOutput {
            summaries: outputs,
            errors: &failures,
        })?,
        OutputFormat::Md | OutputFormat::Text => {
            for (i, out) in outputs.iter().enumerate() {
                if i > 0 {
                    println!();
                }
                let docs: Vec<(&PathBuf, &Document)> = out
                    .files
                    .iter()
                    .filter_map(|f| docs.iter().find(|(p, _)| p == f).map(|(p, d)| (p, d)))
                    .collect();
                let rendered = if args.format == OutputFormat::Md {
                    render::summary::markdown(&docs, &out.summary)
                } else {
                    render::summary::text(&docs, &out.summary)
                };
                print!("{rendered}");
            }
        }
    }
    Ok(Status { failures })
}
