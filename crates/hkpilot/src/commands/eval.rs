//! `hkpilot eval summarize --dataset PATH`: summarises every item of an evaluation
//! dataset with the extractive summariser, the grounded model pipeline or both, and
//! reports ROUGE (character-level for Chinese), length, citation precision,
//! unsupported sentences, faithfulness flags, seconds and tokens, per document and
//! per system, as tables or JSON.
//!
//! `--predictions FILE` adds another system's summaries of the same items (a peer
//! pipeline, a bigger model run elsewhere), scored by the same code in the same table.
//!
//! Each item's text goes through the same reader as a `.txt` file (one paragraph per
//! line of the item), then through `summarize_or_extract`, as `hkpilot summarize`
//! does. By default every summary is asked for at its reference's length in
//! characters, as the extractive numbers in BENCHMARKS.md were produced.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use hkpilot_core::{Document, Lang, SentenceFlag, Summary, SummaryMethod};
use hkpilot_eval::{
    load_dataset, load_predictions, score_predictions, systems_table, DocResult, EvalItem, Report,
    Tokenizer,
};
use hkpilot_grounded::{summarize_or_extract, GroundedOptions, ProgressSink, DEFAULT_WINDOW};
use hkpilot_llm::LlmBackend;
use hkpilot_summarize::Length;
use indicatif::ProgressBar;
use serde::Serialize;

use super::backend::{open_first, EngineSizing, OpenFailure};
use super::{FileFailure, Status};
use crate::cli::{EvalSummarizeArgs, EvalSystem, OutputFormat};
use crate::config::Settings;
use crate::error::{CliError, Kind};

/// The report's name for the extractive summariser.
const EXTRACTIVE_SYSTEM: &str = "hkpilot-extractive";
/// The report's name for the grounded model pipeline.
const MODEL_SYSTEM: &str = "hkpilot-grounded";

/// The stable JSON shape of `hkpilot eval summarize --format json` (and of
/// `--output`): one report per system run, and the items that could not be
/// summarised (scored as empty summaries in their report).
#[derive(Debug, Serialize)]
struct EvalOutput<'a> {
    reports: &'a [Report],
    errors: &'a [ItemFailure],
}

/// An item a system could not summarise.
#[derive(Debug, Serialize)]
struct ItemFailure {
    system: String,
    id: String,
    code: &'static str,
    message: String,
}

/// What every item of one system's run shares.
struct RunSettings<'a> {
    system: &'a str,
    backend: Option<&'a dyn LlmBackend>,
    options: GroundedOptions,
    /// `--length`; `None` asks for each item's reference length.
    length: Option<Length>,
    ingest: hkpilot_ingest::IngestOptions,
}

pub fn summarize(args: &EvalSummarizeArgs, settings: &Settings) -> Result<Status, CliError> {
    let parallel = args
        .parallel
        .unwrap_or_else(crate::config::default_summary_parallel);
    if parallel == 0 {
        return Err(CliError::usage(
            "invalid_parallel",
            "--parallel must be at least 1",
        ));
    }
    if args.window == Some(0) {
        return Err(CliError::usage(
            "invalid_window",
            "--window must be at least 1",
        ));
    }
    let length = args
        .length
        .as_deref()
        .map(str::parse::<Length>)
        .transpose()
        .map_err(|e| CliError::usage("invalid_length", format!("invalid summary length: {e}")))?;
    let lang = args
        .lang
        .as_deref()
        .map(str::parse::<Lang>)
        .transpose()
        .map_err(|e| CliError::usage("invalid_lang", e.to_string()))?;
    let system = args.system.unwrap_or(if settings.models.is_empty() {
        EvalSystem::Extractive
    } else {
        EvalSystem::Model
    });
    if system == EvalSystem::None && args.predictions.is_empty() {
        return Err(CliError::usage(
            "nothing_to_evaluate",
            "--system none scores only the summaries given with --predictions FILE; give at least one",
        ));
    }
    let items = load_dataset(&args.dataset, args.limit)?;
    let dataset = args.dataset.display().to_string();
    // Read before any summarising: a bad file should not cost a model run first.
    let predicted = args
        .predictions
        .iter()
        .map(|path| load_predictions(path, &items))
        .collect::<Result<Vec<_>, _>>()?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::internal(format!("cannot start the async runtime: {e}")))?;
    let window = args.window.unwrap_or(DEFAULT_WINDOW);
    let options = GroundedOptions {
        lang,
        window: Some(window),
        concurrency: parallel,
        seed: args.seed,
        ..Default::default()
    };
    warm_up(&runtime, lang);

    let mut reports = Vec::new();
    let mut failures = Vec::new();
    if matches!(system, EvalSystem::Extractive | EvalSystem::Both) {
        let run = RunSettings {
            system: EXTRACTIVE_SYSTEM,
            backend: None,
            options: options.clone(),
            length,
            ingest: settings.ingest_options(),
        };
        let (results, failed) = run_system(&items, &run, &runtime);
        reports.push(Report::new(
            dataset.clone(),
            EXTRACTIVE_SYSTEM,
            None,
            None,
            results,
        ));
        failures.extend(failed);
    }
    if matches!(system, EvalSystem::Model | EvalSystem::Both) {
        let backend = open_model(settings, &runtime, window, parallel)?;
        let run = RunSettings {
            system: MODEL_SYSTEM,
            backend: Some(backend.as_ref()),
            options,
            length,
            ingest: settings.ingest_options(),
        };
        let (results, failed) = run_system(&items, &run, &runtime);
        reports.push(Report::new(
            dataset.clone(),
            MODEL_SYSTEM,
            Some(backend.info().name.clone()),
            Some(args.seed),
            results,
        ));
        failures.extend(failed);
        // Close the engine before writing: its threads are not needed any more.
        drop(backend);
    }

    for p in &predicted {
        reports.push(score_predictions(dataset.clone(), p, &items));
    }

    let json = || {
        serde_json::to_string_pretty(&EvalOutput {
            reports: &reports,
            errors: &failures,
        })
        .map(|mut text| {
            text.push('\n');
            text
        })
        .map_err(|e| CliError::internal(format!("cannot serialise the reports: {e}")))
    };
    if let Some(path) = &args.output {
        super::summarize::write_atomically(path, json()?.as_bytes())?;
    }
    let text = match args.format {
        OutputFormat::Json => json()?,
        OutputFormat::Md | OutputFormat::Text => tables(&reports),
    };
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| CliError::internal(format!("cannot write to stdout: {e}")))?;
    }
    let failures = failures
        .into_iter()
        .map(|f| FileFailure {
            file: PathBuf::from(format!("{}#{}", args.dataset.display(), f.id)),
            code: f.code,
            message: f.message,
            // A document the pipeline cannot summarise is not a bad dataset path or
            // format (exit 2); the run as a whole did not succeed (exit 1).
            kind: Kind::Internal,
        })
        .collect();
    Ok(Status { failures })
}

/// The systems table, then each system's table of documents.
fn tables(reports: &[Report]) -> String {
    let mut text = String::from("## Systems\n\n");
    text.push_str(&systems_table(reports));
    for r in reports {
        text.push_str(&format!("\n## {} by document\n\n", r.system));
        text.push_str(&r.to_document_table());
    }
    text
}

/// The configured model opened for the pipeline; the default model when none is
/// configured. A model that cannot be used ends the run: scoring the extractive
/// fallback as the model's summaries would mislead.
fn open_model(
    settings: &Settings,
    runtime: &tokio::runtime::Runtime,
    window: usize,
    parallel: usize,
) -> Result<Arc<dyn LlmBackend>, CliError> {
    let mut settings = settings.clone();
    if settings.models.is_empty() {
        settings.models = vec![hkpilot_models::DEFAULT_MODEL_FILE.to_owned()];
    }
    match open_first(&settings, runtime, EngineSizing { window, parallel }) {
        Ok(Some(backend)) => Ok(backend),
        Ok(None) => Err(CliError::internal("no model to evaluate")),
        Err(OpenFailure::Usage(e)) => Err(e),
        Err(OpenFailure::Unusable(reason)) => Err(CliError::new(
            "model_unusable",
            Kind::Internal,
            format!("the model cannot be used ({reason}); evaluate --system extractive instead, or fix the model"),
        )),
    }
}

/// Loads what the summarisers load lazily on first use (the segmenter's
/// dictionaries, the script converter), so that the first item's time is not
/// inflated by it, as the extractive benchmark excludes it too.
fn warm_up(runtime: &tokio::runtime::Runtime, lang: Option<Lang>) {
    let text = "The Government published the report today. 政府今日公布報告。";
    let Ok(doc) = hkpilot_ingest::ingest_bytes(
        text.as_bytes(),
        Some("warm-up.txt"),
        &hkpilot_ingest::IngestOptions::default(),
    ) else {
        return;
    };
    let options = GroundedOptions {
        lang,
        ..Default::default()
    };
    let _ = runtime.block_on(summarize_or_extract(
        &[&doc],
        None,
        &options,
        &hkpilot_grounded::NoProgress,
    ));
}

/// Summarises and scores every item with one system; items that fail are scored as
/// empty summaries and returned as failures too.
fn run_system(
    items: &[EvalItem],
    run: &RunSettings<'_>,
    runtime: &tokio::runtime::Runtime,
) -> (Vec<DocResult>, Vec<ItemFailure>) {
    let bar = crate::progress::files_bar(items.len(), run.system);
    let mut results = Vec::with_capacity(items.len());
    let mut failures = Vec::new();
    for item in items {
        bar.set_message(item.id.clone());
        let started = Instant::now();
        let outcome = summarize_item(item, run, runtime, &bar);
        let seconds = started.elapsed().as_secs_f64();
        let mut result = match outcome {
            Ok(summary) => {
                if let Some(why) = &summary.provenance.fallback {
                    bar.suspend(|| eprintln!("warning: item {}: {why}", item.id));
                }
                doc_result(item, &summary)
            }
            Err(e) => {
                bar.suspend(|| {
                    eprintln!("error[{}]: {}: item {}: {e}", e.code(), run.system, item.id)
                });
                failures.push(ItemFailure {
                    system: run.system.to_owned(),
                    id: item.id.clone(),
                    code: e.code(),
                    message: e.to_string(),
                });
                let mut failed =
                    DocResult::for_summary(item.id.clone(), "", &item.references, Tokenizer::Auto);
                failed.method = "error".to_owned();
                failed
            }
        };
        result.seconds = seconds;
        results.push(result);
        bar.inc(1);
    }
    bar.finish_and_clear();
    (results, failures)
}

/// Reads the item's text as a `.txt` file and summarises it.
fn summarize_item(
    item: &EvalItem,
    run: &RunSettings<'_>,
    runtime: &tokio::runtime::Runtime,
    bar: &ProgressBar,
) -> Result<Summary, CliError> {
    let doc = document_of(&item.source, &run.ingest)?;
    let length = run.length.unwrap_or_else(|| {
        Length::Chars(
            item.references
                .first()
                .map_or(1, |r| r.chars().count())
                .max(1),
        )
    });
    let options = GroundedOptions {
        length,
        ..run.options.clone()
    };
    let progress = ItemProgress { bar, id: &item.id };
    runtime
        .block_on(summarize_or_extract(
            &[&doc],
            run.backend,
            &options,
            &progress,
        ))
        .map_err(|e| CliError::new(e.code(), Kind::Internal, e.to_string()))
}

/// The item's text as a document, through the plain-text reader. Every line of an
/// item is a paragraph (a GovReport line is one; an LCSTS item is one line), so the
/// lines are separated by blank lines first: the reader would otherwise join lines
/// as a wrapped paragraph.
fn document_of(text: &str, opts: &hkpilot_ingest::IngestOptions) -> Result<Document, CliError> {
    let paragraphs: Vec<&str> = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect();
    let text = paragraphs.join("\n\n");
    Ok(hkpilot_ingest::ingest_bytes(
        text.as_bytes(),
        Some("item.txt"),
        opts,
    )?)
}

/// One stat of the pipeline's provenance, when it recorded it.
fn stat(summary: &Summary, key: &str) -> Option<u64> {
    summary.provenance.stats.get(key).copied()
}

/// The scores and counts of one summary (its time is set by the caller).
fn doc_result(item: &EvalItem, summary: &Summary) -> DocResult {
    let text = summary.text();
    let mut r = DocResult::for_summary(item.id.clone(), &text, &item.references, Tokenizer::Auto);
    let sentences = &summary.sentences;
    r.sentences = sentences.len();
    r.cited_sentences = sentences.iter().filter(|s| !s.citations.is_empty()).count();
    let kept: usize = sentences.iter().map(|s| s.citations.len()).sum();
    // A model run counts every citation its passes wrote and those the checks kept;
    // an extractive sentence cites the one sentence it is.
    r.citations_total = stat(summary, "citations_cited").map_or(kept, |n| n as usize);
    r.citations_supported = stat(summary, "citations_kept").map_or(kept, |n| n as usize);
    r.unsupported_sentences = sentences
        .iter()
        .filter(|s| {
            s.flags
                .iter()
                .any(|f| matches!(f, SentenceFlag::NoCitation | SentenceFlag::Unsupported))
        })
        .count();
    r.fact_flags = sentences
        .iter()
        .flat_map(|s| &s.flags)
        .filter(|f| matches!(f, SentenceFlag::NotInSource { .. }))
        .count();
    r.prompt_tokens = stat(summary, "prompt_tokens").unwrap_or(0);
    r.completion_tokens = stat(summary, "completion_tokens").unwrap_or(0);
    r.method = match summary.method {
        SummaryMethod::Extractive { .. } => "extractive",
        SummaryMethod::Abstractive { .. } => "abstractive",
    }
    .to_owned();
    r.fallback = summary.provenance.fallback.clone();
    r
}

/// Shows the model pipeline's phase next to the item on the progress bar.
struct ItemProgress<'a> {
    bar: &'a ProgressBar,
    id: &'a str,
}

impl ProgressSink for ItemProgress<'_> {
    fn update(&self, phase: hkpilot_grounded::Phase, done: usize, total: usize) {
        self.bar
            .set_message(format!("{}: {} {done}/{total}", self.id, phase.label()));
    }
}
