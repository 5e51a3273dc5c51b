//! `hkpilot translate FILE|TEXT --to LANG`: a document (or a text given on the command
//! line, or standard input) translated block by block with a language model, its
//! structure kept, the termbase enforced and every block checked for gaps; printed as
//! Markdown, JSON or text, or written as a Word file. Flagged blocks do not change the
//! exit code: the output says what to check.

use super::backend::{open_required, EngineSizing};
use super::summarize::write_atomically;
use super::Status;
use crate::cli::{TranslateArgs, TranslateFormat};
use crate::config::Settings;
use crate::error::{CliError, Kind};
use crate::progress::PhaseBar;
use hkpilot_core::{Document, Lang};
use hkpilot_draft::translate::{render, DEFAULT_TRANSLATE_CONCURRENCY, DEFAULT_TRANSLATE_WINDOW};
use hkpilot_draft::{needs_model, translate_document, Termbase, TranslateOptions, Translation};
use hkpilot_export::document_docx;
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The stable JSON shape of `hkpilot translate --format json`.
#[derive(Debug, Serialize)]
struct TranslateOutput<'a> {
    input: InputRef,
    translation: &'a Translation,
}

/// What was translated: a file, standard input, or the argument's own text.
#[derive(Debug, Serialize)]
struct InputRef {
    /// `file`, `stdin` or `text`.
    kind: &'static str,
    file: Option<PathBuf>,
    format: &'static str,
    title: Option<String>,
}

pub fn run(args: &TranslateArgs, settings: &Settings) -> Result<Status, CliError> {
    let cfg = &settings.translate;
    let to_text = args.to.clone().or(cfg.to.clone()).ok_or_else(|| {
        CliError::usage(
            "target_language_required",
            "give the target language with --to en|zh-Hant|zh-Hans",
        )
    })?;
    let to: Lang = to_text
        .parse()
        .map_err(|e: hkpilot_core::lang::UnknownLang| {
            CliError::usage("invalid_lang", e.to_string())
        })?;
    if args.format == TranslateFormat::Docx && args.output.is_none() {
        return Err(CliError::usage(
            "output_required",
            "--format docx writes a Word file: give its path with --output FILE.docx",
        ));
    }
    let concurrency = args
        .parallel
        .or(cfg.parallel)
        .unwrap_or(DEFAULT_TRANSLATE_CONCURRENCY);
    if concurrency == 0 {
        return Err(CliError::usage(
            "invalid_parallel",
            "--parallel must be at least 1",
        ));
    }
    let termbase_files: Vec<PathBuf> = if args.termbase.is_empty() {
        cfg.termbase.clone()
    } else {
        args.termbase.clone()
    };
    let department = args.department.clone().or(cfg.department.clone());
    let termbase = Termbase::load(&termbase_files)
        .map_err(|e| {
            let kind = if e.is_user_error() {
                Kind::UserInput
            } else {
                Kind::Internal
            };
            CliError::new(e.code(), kind, e.to_string())
        })?
        .with_department(department.as_deref());

    let (input, doc) = read_input(&args.input, settings)?;
    let label = input
        .file
        .as_ref()
        .map_or(input.kind.to_string(), |f| f.display().to_string());
    let opts = TranslateOptions {
        to,
        window: args.window.or(cfg.window),
        chunk_tokens: args.chunk_tokens.or(cfg.chunk_tokens),
        concurrency,
        seed: args.seed.or(cfg.seed).unwrap_or(0),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::internal(format!("cannot start the async runtime: {e}")))?;
    let backend = if needs_model(&doc, to) {
        let sizing = EngineSizing {
            window: opts.window.unwrap_or(DEFAULT_TRANSLATE_WINDOW),
            parallel: concurrency,
        };
        Some(open_required(settings, &runtime, sizing, "translation")?)
    } else {
        eprintln!("note: {label} is already in the target language; converting the script only, no model needed");
        None
    };
    let bar = PhaseBar::new(&label);
    let result = runtime.block_on(translate_document(
        &doc,
        backend.as_deref(),
        &termbase,
        &opts,
        &bar,
    ));
    bar.finish();
    // Close the engine before writing: its threads are not needed any more.
    drop(backend);
    let t = result.map_err(|e| {
        let kind = if e.is_user_error() {
            Kind::UserInput
        } else {
            Kind::Internal
        };
        CliError::new(e.code(), kind, format!("{label}: {e}"))
    })?;
    let s = &t.stats;
    eprintln!(
        "translated {label} into {}: {} blocks, {} flagged, {} left untranslated, {} model calls ({} retries), {:.1} s",
        to.tag(),
        s.blocks,
        s.blocks_flagged,
        s.units_untranslated,
        s.chunks,
        s.retry_chunks,
        s.seconds
    );

    let bytes = match args.format {
        TranslateFormat::Json => {
            let mut v = serde_json::to_vec_pretty(&TranslateOutput {
                input,
                translation: &t,
            })
            .map_err(|e| CliError::internal(format!("cannot serialise output: {e}")))?;
            v.push(b'\n');
            v
        }
        TranslateFormat::Md => render::markdown(&t).into_bytes(),
        TranslateFormat::Text => render::text_plain(&t).into_bytes(),
        TranslateFormat::Docx => {
            document_docx(&hkpilot_draft::translate::docx_document(&t, &label))
                .map_err(|e| CliError::internal(format!("cannot write the Word file: {e}")))?
        }
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
    Ok(Status::default())
}

/// A file, `-` for standard input, or else the argument's own text. An argument that
/// looks like a file name (a document extension, or a path whose folder exists) but
/// names no file is an error rather than text to translate.
fn read_input(arg: &str, settings: &Settings) -> Result<(InputRef, Document), CliError> {
    let opts = settings.ingest_options();
    let input = |kind, file: Option<PathBuf>, doc: &Document| InputRef {
        kind,
        file,
        format: doc.meta.format.name(),
        title: doc.meta.title.clone(),
    };
    if arg == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(|e| {
            CliError::usage(
                "stdin_unreadable",
                format!("cannot read standard input: {e}"),
            )
        })?;
        let doc = hkpilot_ingest::ingest_bytes(&bytes, None, &opts)?;
        return Ok((input("stdin", None, &doc), doc));
    }
    let path = Path::new(arg);
    if path.is_file() {
        let doc = hkpilot_ingest::ingest_path(path, &opts)?;
        for issue in &doc.issues {
            eprintln!("warning: {}: {}", path.display(), issue.message);
        }
        return Ok((input("file", Some(path.to_path_buf()), &doc), doc));
    }
    if path.is_dir() {
        return Err(CliError::usage(
            "not_a_file",
            format!("{arg} is a directory: give a file to translate"),
        ));
    }
    if looks_like_a_path(arg) {
        return Err(CliError::usage(
            "file_not_found",
            format!("no file {arg}; check the path (text to translate is given as it is, and is not a file name)"),
        ));
    }
    let doc = hkpilot_ingest::ingest_bytes(arg.as_bytes(), None, &opts)?;
    Ok((input("text", None, &doc), doc))
}

fn looks_like_a_path(arg: &str) -> bool {
    if arg.chars().any(char::is_whitespace) || arg.is_empty() {
        return false;
    }
    let ext = Path::new(arg)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let document = ext.is_some_and(|e| {
        [
            "pdf", "docx", "doc", "html", "htm", "md", "markdown", "txt", "text",
        ]
        .contains(&e.as_str())
    });
    let folder = arg.contains(['/', '\\'])
        && Path::new(arg)
            .parent()
            .is_some_and(|p| !p.as_os_str().is_empty() && p.is_dir());
    document || folder
}
