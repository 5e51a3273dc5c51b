//! `hkpilot rewrite --op OP FILE|TEXT`: shorten, expand, plain, formal, tone:<word> and
//! grammar through the model; to-hant and to-hans deterministically. The output shows
//! the result, what changed (a word / character diff) and the figures or names the
//! model changed.

use super::backend::{open_required, EngineSizing};
use super::summarize::write_atomically;
use super::Status;
use crate::cli::{RewriteArgs, RewriteFormat};
use crate::config::Settings;
use crate::error::{CliError, Kind};
use hkpilot_draft::rewrite::{diff_markdown, RewriteFlagKind};
use hkpilot_draft::{convert_script, rewrite_text, Rewrite, RewriteOp, RewriteOptions};
use serde::Serialize;
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The stable JSON shape of `hkpilot rewrite --format json`.
#[derive(Debug, Serialize)]
struct RewriteOutput<'a> {
    input: InputRef,
    rewrite: &'a Rewrite,
}

#[derive(Debug, Serialize)]
struct InputRef {
    /// `file`, `stdin` or `text`.
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<PathBuf>,
}

pub fn run(args: &RewriteArgs, settings: &Settings) -> Result<Status, CliError> {
    let op: RewriteOp = args
        .op
        .parse()
        .map_err(|e: hkpilot_draft::rewrite::RewriteError| {
            CliError::usage(e.code(), e.to_string())
        })?;
    let (input, text) = read_input(&args.input, settings)?;
    if text.trim().is_empty() {
        return Err(CliError::usage("empty_text", "there is no text to rewrite"));
    }
    let result = if op.needs_model() {
        let cfg = &settings.draft;
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
            EngineSizing {
                window,
                parallel: 1,
            },
            "rewriting",
        )?;
        let opts = RewriteOptions {
            window: Some(window),
            seed: args.seed.or(cfg.seed).unwrap_or(0),
            ..Default::default()
        };
        let r = runtime.block_on(rewrite_text(&text, &op, backend.as_ref(), &opts));
        drop(backend);
        r
    } else {
        convert_script(&text, &op)
    };
    let r = result.map_err(|e| {
        let kind = if e.is_user_error() {
            Kind::UserInput
        } else {
            Kind::Internal
        };
        CliError::new(e.code(), kind, e.to_string())
    })?;
    for f in &r.flags {
        eprintln!("warning: {}: {}", flag_label(f.kind), f.text);
    }
    for w in &r.warnings {
        eprintln!("warning: {w}");
    }
    let bytes = match args.format {
        RewriteFormat::Md => markdown(&r).into_bytes(),
        RewriteFormat::Text => {
            let mut t = r.rewritten.clone();
            if !t.ends_with('\n') {
                t.push('\n');
            }
            t.into_bytes()
        }
        RewriteFormat::Json => {
            let mut v = serde_json::to_vec_pretty(&RewriteOutput { input, rewrite: &r })
                .map_err(|e| CliError::internal(format!("cannot serialise output: {e}")))?;
            v.push(b'\n');
            v
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

fn flag_label(kind: RewriteFlagKind) -> &'static str {
    match kind {
        RewriteFlagKind::FigureChanged => "figure changed or added",
        RewriteFlagKind::FigureDropped => "figure dropped",
        RewriteFlagKind::NameChanged => "name changed or added",
        RewriteFlagKind::NameDropped => "name dropped",
        RewriteFlagKind::Kept => "kept as it was (the model gave no rewrite)",
        RewriteFlagKind::UsageReview => "check the wording (Hong Kong usage)",
    }
}

/// The rewrite for people: the label, the result, the changes, the checks.
fn markdown(r: &Rewrite) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Rewrite: {}\n", r.op);
    match &r.model {
        Some(m) => {
            let _ = writeln!(
                out,
                "*AI-generated rewrite by the language model {m}: check it against the original before use.*\n"
            );
        }
        None => {
            let _ = writeln!(out, "*Converted by rule (no model).*\n");
        }
    }
    let _ = writeln!(out, "### Result\n\n{}\n", r.rewritten.trim_end());
    let _ = writeln!(out, "### Changes ({})\n", r.diff_unit);
    if r.changed {
        let _ = writeln!(out, "{}\n", diff_markdown(&r.diff).trim_end());
    } else {
        let _ = writeln!(out, "No changes.\n");
    }
    if !r.flags.is_empty() || !r.warnings.is_empty() {
        let _ = writeln!(out, "### Checks\n");
        for f in &r.flags {
            let detail = f
                .detail
                .as_ref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            let _ = writeln!(out, "- ⚠ {}: {}{detail}", flag_label(f.kind), f.text);
        }
        for w in &r.warnings {
            let _ = writeln!(out, "- ⚠ {w}");
        }
    }
    out
}

/// A file (Markdown and text read as they are, other formats through the ingester),
/// `-` for standard input, or else the argument's own text. An argument that looks
/// like a file name but names no file is an error.
fn read_input(arg: &str, settings: &Settings) -> Result<(InputRef, String), CliError> {
    if arg == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| {
            CliError::usage(
                "stdin_unreadable",
                format!("cannot read standard input: {e}"),
            )
        })?;
        return Ok((
            InputRef {
                kind: "stdin",
                file: None,
            },
            s,
        ));
    }
    let path = Path::new(arg);
    if path.is_file() {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let plain = matches!(
            ext.as_deref(),
            Some("md" | "markdown" | "txt" | "text") | None
        );
        let text = match std::fs::read_to_string(path) {
            Ok(t) if plain => t,
            _ => {
                let doc = hkpilot_ingest::ingest_path(path, &settings.ingest_options())?;
                doc.text.clone()
            }
        };
        return Ok((
            InputRef {
                kind: "file",
                file: Some(path.to_path_buf()),
            },
            text,
        ));
    }
    if path.is_dir() {
        return Err(CliError::usage(
            "not_a_file",
            format!("{arg} is a directory: give a file or the text to rewrite"),
        ));
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let looks_like_file = !arg.chars().any(char::is_whitespace)
        && ext.is_some_and(|e| {
            ["pdf", "docx", "html", "htm", "md", "markdown", "txt"].contains(&e.as_str())
        });
    if looks_like_file {
        return Err(CliError::usage(
            "file_not_found",
            format!("no file {arg}; check the path (text to rewrite is given as it is)"),
        ));
    }
    Ok((
        InputRef {
            kind: "text",
            file: None,
        },
        arg.to_string(),
    ))
}
