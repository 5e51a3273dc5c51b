//! `hkpilot ingest FILE...`: prints each document's structure.

use super::{ingest_all, print_json, FileFailure, Status};
use crate::cli::{IngestArgs, OutputFormat};
use crate::config::Settings;
use crate::error::CliError;
use crate::render;
use hkpilot_core::Document;
use serde::Serialize;
use std::path::PathBuf;

/// The stable JSON shape of `hkpilot ingest --format json`.
#[derive(Debug, Serialize)]
struct IngestOutput<'a> {
    documents: Vec<IngestedFile<'a>>,
    errors: &'a [FileFailure],
}

#[derive(Debug, Serialize)]
struct IngestedFile<'a> {
    file: &'a PathBuf,
    document: &'a Document,
}

pub fn run(args: &IngestArgs, settings: &Settings) -> Result<Status, CliError> {
    let (docs, failures) = ingest_all(&args.files, settings);
    match args.format {
        OutputFormat::Json => print_json(&IngestOutput {
            documents: docs
                .iter()
                .map(|(file, document)| IngestedFile { file, document })
                .collect(),
            errors: &failures,
        })?,
        OutputFormat::Md => {
            for (i, (file, doc)) in docs.iter().enumerate() {
                if i > 0 {
                    println!("\n---\n");
                }
                print!("{}", render::document::markdown(file, doc));
            }
        }
        OutputFormat::Text => {
            for (i, (_, doc)) in docs.iter().enumerate() {
                if i > 0 {
                    println!("\n\x0c");
                }
                print!("{}", render::document::text(doc));
            }
        }
    }
    Ok(Status { failures })
}
