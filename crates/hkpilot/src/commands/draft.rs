//! `hkpilot draft --type TYPE --lang LANG [--from FILE...] [--notes TEXT|FILE]
//! [--field KEY=VALUE...]`: a complete draft in the template's structure, written by
//! the model from the notes, fields and source documents, every factual sentence cited
//! or flagged, missing fields asked as questions; Markdown, JSON, text or Word.

use super::backend::{open_required, EngineSizing};
use super::summarize::write_atomically;
use super::{ingest_all, Status};
use crate::cli::{DraftArgs, DraftFormat};
use crate::config::Settings;
use crate::error::{CliError, Kind};
use hkpilot_core::{Document, Lang};
use hkpilot_draft::{
    compose_draft, Draft, DraftError, DraftInput, DraftOptions, TemplateLibrary, Termbase,
};
use hkpilot_export::draft_docx;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The stable JSON shape of `hkpilot draft --format json`.
#[derive(Debug, Serialize)]
struct DraftOutput<'a> {
    /// The source files, in the order the draft numbers them.
    files: &'a [PathBuf],
    draft: &'a Draft,
}

pub fn run(args: &DraftArgs, settings: &Settings) -> Result<Status, CliError> {
    let cfg = &settings.draft;
    if args.format == DraftFormat::Docx && args.output.is_none() {
        return Err(CliError::usage(
            "output_required",
            "--format docx writes a Word file: give its path with --output FILE.docx",
        ));
    }
    let lang_text = args
        .lang
        .clone()
        .or(cfg.lang.clone())
        .unwrap_or_else(|| "en".into());
    let lang: Lang = lang_text
        .parse()
        .map_err(|e: hkpilot_core::lang::UnknownLang| {
            CliError::usage("invalid_lang", e.to_string())
        })?;
    let parallel = args.parallel.or(cfg.parallel).unwrap_or(4);
    if parallel == 0 {
        return Err(CliError::usage(
            "invalid_parallel",
            "--parallel must be at least 1",
        ));
    }
    if args.sentences.or(cfg.sentences) == Some(0) {
        return Err(CliError::usage(
            "invalid_sentences",
            "--sentences must be at least 1",
        ));
    }
    let dirs = if args.templates.is_empty() {
        cfg.templates.clone()
    } else {
        args.templates.clone()
    };
    let library = TemplateLibrary::with_dirs(&dirs).map_err(draft_error)?;
    let template = library.find(&args.doc_type, lang).ok_or_else(|| {
        CliError::usage(
            "unknown_template_type",
            format!(
                "no {} template of type '{}'; the types are: {}",
                lang.tag(),
                args.doc_type,
                library.doc_types().join(", ")
            ),
        )
    })?;
    let fields = parse_fields(&args.fields)?;
    let notes = read_notes(args.notes.as_deref())?;
    let termbase_files = if args.termbase.is_empty() {
        cfg.termbase.clone()
    } else {
        args.termbase.clone()
    };
    let department = args.department.clone().or(cfg.department.clone());
    let termbase = Termbase::load(&termbase_files)
        .map_err(draft_error)?
        .with_department(department.as_deref());

    // Every source is read, or nothing is drafted: a draft silently missing one of
    // the documents it was asked to use would mislead.
    let (docs, failures) = ingest_all(&args.from, settings);
    if !failures.is_empty() {
        return Err(CliError::usage(
            "source_unreadable",
            format!(
                "{} source file(s) could not be read (see above); nothing was drafted",
                failures.len()
            ),
        ));
    }
    let files: Vec<PathBuf> = docs.iter().map(|(p, _)| p.clone()).collect();
    let refs: Vec<&Document> = docs.iter().map(|(_, d)| d).collect();

    let window = args
        .window
        .or(cfg.window)
        .unwrap_or(hkpilot_grounded::DEFAULT_WINDOW);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::internal(format!("cannot start the async runtime: {e}")))?;
    let backend = open_required(
        settings,
        &runtime,
        EngineSizing { window, parallel },
        "drafting",
    )?;
    let input = DraftInput {
        template,
        lang,
        notes: &notes,
        fields: &fields,
        documents: &refs,
        termbase: &termbase,
    };
    let mut opts = DraftOptions {
        window: Some(window),
        concurrency: parallel,
        seed: args.seed.or(cfg.seed).unwrap_or(0),
        ..Default::default()
    };
    if let Some(n) = args.sentences.or(cfg.sentences) {
        opts.source_sentences = n;
        opts.notes_sentences = n;
    }
    eprintln!(
        "drafting {} ({}) with {}…",
        template.id,
        template.title,
        backend.info().name
    );
    let result = runtime.block_on(compose_draft(&input, backend.as_ref(), &opts));
    // Close the engine before writing: its threads are not needed any more.
    drop(backend);
    let draft = result.map_err(|e| {
        let kind = if e.is_user_error() {
            Kind::UserInput
        } else {
            Kind::Internal
        };
        CliError::new(e.code(), kind, format!("drafting {}: {e}", template.id))
    })?;
    report(&draft);

    let bytes = match args.format {
        DraftFormat::Md => draft.to_markdown().into_bytes(),
        DraftFormat::Text => draft.to_text().into_bytes(),
        DraftFormat::Json => {
            let mut v = serde_json::to_vec_pretty(&DraftOutput {
                files: &files,
                draft: &draft,
            })
            .map_err(|e| CliError::internal(format!("cannot serialise output: {e}")))?;
            v.push(b'\n');
            v
        }
        DraftFormat::Docx => draft_docx(&hkpilot_draft::compose::docx_document(&draft))
            .map_err(|e| CliError::internal(format!("cannot write the Word file: {e}")))?,
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

/// One line on stderr: what was drafted and what the officer must still do.
fn report(d: &Draft) {
    let flagged = d
        .sections
        .iter()
        .flat_map(|s| &s.sentences)
        .filter(|s| !s.flags.is_empty())
        .count();
    eprintln!(
        "drafted {}: {} sections, {} question(s) for the officer, {} flagged sentence(s)",
        d.template,
        d.sections.len(),
        d.missing_fields.len(),
        flagged
    );
    for f in &d.unknown_fields {
        eprintln!("warning: --field {f}: the template has no such field; it was ignored");
    }
    for w in &d.warnings {
        eprintln!("warning: {w}");
    }
}

fn draft_error(e: DraftError) -> CliError {
    let kind = if e.is_user_error() {
        Kind::UserInput
    } else {
        Kind::Internal
    };
    CliError::new(e.code(), kind, e.to_string())
}

/// `key=value` pairs; a key given twice keeps the last value.
fn parse_fields(pairs: &[String]) -> Result<BTreeMap<String, String>, CliError> {
    let mut out = BTreeMap::new();
    for p in pairs {
        let Some((k, v)) = p.split_once('=') else {
            return Err(CliError::usage(
                "invalid_field",
                format!("--field {p:?}: write it as key=value (e.g. --field to=\"PAS(H)\")"),
            ));
        };
        let k = k.trim();
        if k.is_empty() {
            return Err(CliError::usage(
                "invalid_field",
                format!("--field {p:?}: the field name is empty"),
            ));
        }
        // A literal \n in a value stands for a line break (lists, multi-line text).
        out.insert(k.to_string(), v.replace("\\n", "\n"));
    }
    Ok(out)
}

/// The notes: a file when one of that name exists, `-` for standard input, else the
/// text itself.
fn read_notes(arg: Option<&str>) -> Result<String, CliError> {
    let Some(arg) = arg else {
        return Ok(String::new());
    };
    if arg == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| {
            CliError::usage(
                "stdin_unreadable",
                format!("cannot read notes from standard input: {e}"),
            )
        })?;
        return Ok(s);
    }
    let path = Path::new(arg);
    if path.is_file() {
        return std::fs::read_to_string(path).map_err(|e| {
            CliError::usage(
                "notes_unreadable",
                format!(
                    "cannot read the notes file {}: {e} (notes must be UTF-8 text)",
                    path.display()
                ),
            )
        });
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if !arg.chars().any(char::is_whitespace)
        && ext.is_some_and(|e| ["txt", "md", "markdown", "text"].contains(&e.as_str()))
    {
        return Err(CliError::usage(
            "notes_not_found",
            format!("no notes file {arg}; check the path (notes can also be given as text)"),
        ));
    }
    Ok(arg.to_string())
}
