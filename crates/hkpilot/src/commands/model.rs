//! `hkpilot model list | pull | info | rm`: the installed GGUF models, with output in
//! md, json or text. The work is done by `hkpilot-models`; this module prints it.
//!
//! JSON shapes (stable): list `{models, partial_downloads, errors}`, info
//! `{models, errors}`, pull `{pulled, errors}`, rm `{removed, errors}`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use hkpilot_models::{
    Listing, ModelDetails, ModelEntry, ModelError, ModelStore, PullEvent, PullOptions, PullRequest,
    Pulled, Removed,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use super::{print_json, FileFailure, Status};
use crate::cli::OutputFormat;
use crate::error::{CliError, Kind};

impl From<ModelError> for CliError {
    fn from(e: ModelError) -> Self {
        let kind = if e.is_user_error() {
            Kind::UserInput
        } else {
            Kind::Internal
        };
        CliError::new(e.code(), kind, e.to_string())
    }
}

/// The store the commands work on: `models_dir` (`--models-dir`, `HKPILOT_MODEL_DIR`,
/// config `models_dir`) if set, else `<data_dir>/models` plus `./.models` when present;
/// `default_model` (`--model`, `HKPILOT_MODEL`) is protected from `rm`.
pub fn store(
    models_dir: Option<PathBuf>,
    data_dir: &Path,
    default_model: Option<&str>,
) -> ModelStore {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let store = ModelStore::discover(models_dir, data_dir, &cwd);
    match default_model {
        Some(m) => store.with_default_model(m),
        None => store,
    }
}

#[derive(Debug, Serialize)]
struct ListOutput<'a> {
    #[serde(flatten)]
    listing: &'a Listing,
    errors: [FileFailure; 0],
}

/// `hkpilot model list`.
pub fn list(store: &ModelStore, format: OutputFormat) -> Result<Status, CliError> {
    let listing = store.list()?;
    match format {
        OutputFormat::Json => print_json(&ListOutput {
            listing: &listing,
            errors: [],
        })?,
        OutputFormat::Md => print!("{}", list_markdown(store, &listing)),
        OutputFormat::Text => print!("{}", list_text(&listing)),
    }
    Ok(Status::default())
}

fn list_markdown(store: &ModelStore, listing: &Listing) -> String {
    let mut out = String::new();
    let dirs: Vec<String> = store.dirs().map(|d| format!("`{}`", d.display())).collect();
    let _ = writeln!(out, "<!-- hkpilot model list: {} -->", dirs.join(", "));
    if listing.models.is_empty() {
        let _ = writeln!(
            out,
            "No models installed. Run `hkpilot model pull <url or owner/repo:file.gguf>`, or scripts/fetch-default-model.sh for the default model."
        );
    } else {
        let _ = writeln!(out, "| name | size | architecture | parameters | quantization | context | chat template | sha256 |");
        let _ = writeln!(out, "|---|---:|---|---:|---|---:|---|---|");
        for m in &listing.models {
            let c = columns(m);
            let name = if m.is_default {
                format!("**{}** (default)", m.name)
            } else {
                m.name.clone()
            };
            let sha = m
                .sha256
                .as_deref()
                .map(|s| format!("`{}…`", &s[..s.len().min(12)]))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {name} | {} | {} | {} | {} | {} | {} | {sha} |",
                c[0], c[1], c[2], c[3], c[4], c[5]
            );
        }
        for m in listing.models.iter().filter(|m| m.error.is_some()) {
            let e = m
                .error
                .as_ref()
                .map(|e| e.message.as_str())
                .unwrap_or_default();
            let _ = writeln!(out, "\n> ⚠ {}: {e}", m.name);
        }
    }
    for p in &listing.partial_downloads {
        let _ = writeln!(
            out,
            "\n> ⏸ interrupted download `{}` ({}): pull again to resume",
            p.file.display(),
            human_bytes(p.bytes)
        );
    }
    out
}

fn list_text(listing: &Listing) -> String {
    let mut rows = vec![
        ["NAME", "SIZE", "ARCH", "PARAMS", "QUANT", "CONTEXT", "CHAT"]
            .map(String::from)
            .to_vec(),
    ];
    for m in &listing.models {
        let mut row = vec![if m.is_default {
            format!("{} *", m.name)
        } else {
            m.name.clone()
        }];
        row.extend(columns(m));
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
    for m in &listing.models {
        if let Some(e) = &m.error {
            let _ = writeln!(out, "warning: {}: {}", m.name, e.message);
        }
    }
    for p in &listing.partial_downloads {
        let _ = writeln!(
            out,
            "interrupted: {} ({} bytes); pull again to resume",
            p.file.display(),
            p.bytes
        );
    }
    out
}

/// size, architecture, parameters, quantization, context, chat template.
fn columns(m: &ModelEntry) -> Vec<String> {
    let dash = || "-".to_string();
    let s = m.summary.as_ref();
    vec![
        human_bytes(m.size),
        s.and_then(|s| s.architecture.clone()).unwrap_or_else(|| {
            if m.error.is_some() {
                "unreadable".into()
            } else {
                dash()
            }
        }),
        s.and_then(|s| s.parameters).map_or_else(dash, human_count),
        s.and_then(|s| s.quantization.clone()).unwrap_or_else(dash),
        s.and_then(|s| s.context_length)
            .map_or_else(dash, |c| c.to_string()),
        s.map_or_else(dash, |s| {
            if s.has_chat_template {
                "yes".into()
            } else {
                "no".into()
            }
        }),
    ]
}

#[derive(Debug, Serialize)]
struct InfoOutput<'a> {
    models: &'a [ModelDetails],
    errors: &'a [FileFailure],
}

/// `hkpilot model info NAME|PATH...`: every model's metadata; unreadable ones are
/// reported and the others still printed.
pub fn info(
    store: &ModelStore,
    models: &[String],
    format: OutputFormat,
) -> Result<Status, CliError> {
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for m in models {
        match store.info(m) {
            Ok(d) => found.push(d),
            Err(e) => failures.push(FileFailure::new(Path::new(m), e.into())),
        }
    }
    match format {
        OutputFormat::Json => print_json(&InfoOutput {
            models: &found,
            errors: &failures,
        })?,
        OutputFormat::Md | OutputFormat::Text => {
            for (i, d) in found.iter().enumerate() {
                if i > 0 {
                    println!();
                }
                print!("{}", info_render(d, format == OutputFormat::Md));
            }
        }
    }
    Ok(Status { failures })
}

fn info_render(d: &ModelDetails, md: bool) -> String {
    let s = &d.summary;
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let facts: Vec<(&str, String)> = vec![
        ("file", d.file.display().to_string()),
        (
            "size",
            format!("{} ({} bytes)", human_bytes(d.size), d.size),
        ),
        (
            "default model",
            if d.is_default {
                "yes".into()
            } else {
                "no".into()
            },
        ),
        ("name in file", opt(s.display_name.clone())),
        ("architecture", opt(s.architecture.clone())),
        (
            "parameters",
            opt(s.parameters.map(|p| format!("{} ({p})", human_count(p)))),
        ),
        ("quantization", opt(s.quantization.clone())),
        (
            "context length",
            opt(s.context_length.map(|c| c.to_string())),
        ),
        (
            "embedding length",
            opt(d.embedding_length.map(|c| c.to_string())),
        ),
        ("layers", opt(d.block_count.map(|c| c.to_string()))),
        (
            "attention heads (kv)",
            opt(d
                .head_count
                .map(|h| format!("{h} ({})", opt(d.head_count_kv.map(|k| k.to_string()))))),
        ),
        (
            "vocabulary",
            opt(d
                .vocab_size
                .map(|v| format!("{v} ({})", d.tokenizer.as_deref().unwrap_or("?")))),
        ),
        (
            "chat template",
            if s.has_chat_template {
                "yes".into()
            } else {
                "no (ChatML is used)".into()
            },
        ),
        ("license", opt(d.license.clone())),
        ("GGUF version", d.gguf_version.to_string()),
        ("tensors", d.tensor_count.to_string()),
        ("sha256", opt(d.sidecar.as_ref().map(|c| c.sha256.clone()))),
        (
            "source",
            opt(d
                .sidecar
                .as_ref()
                .map(|c| format!("{} (pulled {})", c.source_url, c.pulled_at))),
        ),
    ];
    let mut out = String::new();
    if md {
        let _ = writeln!(out, "## {}\n\n| | |\n|---|---|", d.name);
        for (k, v) in &facts {
            let _ = writeln!(out, "| {k} | {} |", md_cell(v));
        }
        let _ = writeln!(
            out,
            "\n### Tensor types\n\n| type | tensors | parameters |\n|---|---:|---:|"
        );
        for t in &d.tensor_types {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                t.type_name, t.tensors, t.parameters
            );
        }
        let _ = writeln!(out, "\n### Metadata\n\n| key | value |\n|---|---|");
        for m in &d.metadata {
            let _ = writeln!(out, "| `{}` | {} |", m.key, md_cell(&m.value.to_string()));
        }
    } else {
        let _ = writeln!(out, "{}", d.name);
        for (k, v) in &facts {
            let _ = writeln!(out, "  {k}: {v}");
        }
        let types: Vec<String> = d
            .tensor_types
            .iter()
            .map(|t| format!("{} x{}", t.type_name, t.tensors))
            .collect();
        let _ = writeln!(out, "  tensor types: {}", types.join(", "));
        let _ = writeln!(out, "  metadata:");
        for m in &d.metadata {
            let _ = writeln!(out, "    {} = {}", m.key, m.value);
        }
    }
    out
}

#[derive(Debug, Serialize)]
struct PullOutput<'a> {
    pulled: &'a [Pulled],
    errors: [FileFailure; 0],
}

/// `hkpilot model pull SOURCE [--sha256 HEX] [--file NAME.gguf] [--force]`, with a
/// byte progress bar on stderr when it is a terminal.
pub fn pull(
    store: &ModelStore,
    req: &PullRequest,
    opts: &PullOptions,
    format: OutputFormat,
) -> Result<Status, CliError> {
    let bar = bytes_bar();
    let b = bar.clone();
    let mut on_event = move |e: &PullEvent| match e {
        PullEvent::Started {
            total,
            resumed_from,
            ..
        } => {
            if let Some(t) = total {
                b.set_length(*t);
            }
            b.set_position(*resumed_from);
            if *resumed_from > 0 {
                b.set_message(format!("resuming from {}", human_bytes(*resumed_from)));
            }
        }
        PullEvent::Progress { done, .. } => b.set_position(*done),
        PullEvent::Restarted { reason } => b.suspend(|| eprintln!("warning: {reason}")),
        PullEvent::Retrying { attempt, error } => {
            b.suspend(|| eprintln!("warning: {error} (retry {attempt})"))
        }
        PullEvent::Verifying => b.set_message("verifying"),
    };
    let result = hkpilot_models::pull_blocking(store, req, opts, &mut on_event);
    bar.finish_and_clear();
    let pulled = result?;
    match format {
        OutputFormat::Json => print_json(&PullOutput {
            pulled: std::slice::from_ref(&pulled),
            errors: [],
        })?,
        OutputFormat::Md | OutputFormat::Text => {
            let verb = if pulled.already_present {
                "already installed"
            } else {
                "pulled"
            };
            let sha = pulled.sha256.as_deref().unwrap_or("not recorded");
            println!(
                "{verb}: {} ({}) -> {}\nsha256: {sha}",
                pulled.name,
                human_bytes(pulled.size),
                pulled.file.display()
            );
        }
    }
    Ok(Status::default())
}

fn bytes_bar() -> ProgressBar {
    // indicatif draws nothing when stderr is not a terminal, so scripts stay clean.
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "pulling [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {wide_msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}

#[derive(Debug, Serialize)]
struct RmOutput<'a> {
    removed: &'a [Removed],
    errors: &'a [FileFailure],
}

/// `hkpilot model rm NAME|PATH... [--force]`; the default model needs `--force`.
pub fn rm(
    store: &ModelStore,
    models: &[String],
    force: bool,
    format: OutputFormat,
) -> Result<Status, CliError> {
    let mut removed = Vec::new();
    let mut failures = Vec::new();
    for m in models {
        match store.remove(m, force) {
            Ok(r) => removed.push(r),
            Err(e) => failures.push(FileFailure::new(Path::new(m), e.into())),
        }
    }
    match format {
        OutputFormat::Json => print_json(&RmOutput {
            removed: &removed,
            errors: &failures,
        })?,
        OutputFormat::Md | OutputFormat::Text => {
            for r in &removed {
                println!("removed: {} ({})", r.name, r.file.display());
            }
        }
    }
    Ok(Status { failures })
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

/// 1536 -> "1.5 KiB".
fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1024.0 && i < UNITS.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[i])
    }
}

/// 134_515_008 -> "134.5M".
fn human_count(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{:.1}K", n as f64 / 1e3),
        1_000_000..=999_999_999 => format!("{:.1}M", n as f64 / 1e6),
        _ => format!("{:.2}B", n as f64 / 1e9),
    }
}
