//! Putting a translation together: the units' outcomes back into the source's blocks
//! (a table keeps its grid, every cell in its place), flags and term misses tied to
//! their cells, the totals, and the machine-translation notice.

use super::checks::UnitOutcome;
use super::plan::{Route, Unit};
use super::run::Run;
use super::types::{
    CellTranslation, Method, OutKind, SourceRef, TranslatedBlock, Translation, TranslationSettings,
    TranslationStats, UnitChecks,
};
use super::{TranslateOptions, DEFAULT_CHUNK_TOKENS, DEFAULT_TRANSLATE_WINDOW};
use crate::termbase::Termbase;
use hkpilot_core::{BlockKind, Document, Lang};
use std::sync::atomic::Ordering;

#[allow(clippy::too_many_arguments)]
pub(crate) fn assemble(
    doc: &Document,
    opts: &TranslateOptions,
    termbase: &Termbase,
    units: &[Unit],
    mut outcomes: Vec<UnitOutcome>,
    attempts: &[u8],
    run: Option<&Run<'_>>,
    seconds: f64,
) -> Translation {
    let mut blocks = Vec::with_capacity(doc.blocks.len());
    for (i, b) in doc.blocks.iter().enumerate() {
        let mine: Vec<usize> = (0..units.len()).filter(|&u| units[u].block == i).collect();
        let mut out = TranslatedBlock {
            index: b.index,
            page: b.page,
            kind: OutKind::PageBreak,
            source: b.text.clone(),
            translation: String::new(),
            method: Method::Copied,
            attempts: mine.iter().map(|&u| attempts[u]).max().unwrap_or(0),
            flags: Vec::new(),
            term_misses: Vec::new(),
            fixes: Vec::new(),
            checks: UnitChecks::default(),
        };
        out.method = method(&mine, units, &outcomes);
        for &u in &mine {
            let o = &mut outcomes[u];
            let cell = units[u].cell.map(|(r, c)| [r, c]);
            out.flags.extend(o.flags.drain(..).map(|mut f| {
                f.cell = cell;
                f
            }));
            out.term_misses.extend(o.misses.drain(..).map(|mut m| {
                m.cell = cell;
                m
            }));
            for f in o.fixes.drain(..) {
                if !out.fixes.contains(&f) {
                    out.fixes.push(f);
                }
            }
            out.checks.add(&o.checks);
        }
        match &b.kind {
            BlockKind::PageBreak => {}
            BlockKind::Table { rows } => {
                let grid: Vec<Vec<CellTranslation>> = rows
                    .iter()
                    .enumerate()
                    .map(|(r, row)| {
                        row.iter()
                            .enumerate()
                            .map(|(c, cell)| {
                                let u = mine.iter().find(|&&u| units[u].cell == Some((r, c)));
                                CellTranslation {
                                    source: cell.text.clone(),
                                    translation: u
                                        .map(|&u| outcomes[u].translation.clone())
                                        .unwrap_or_default(),
                                    untranslated: u.is_some_and(|&u| outcomes[u].untranslated),
                                }
                            })
                            .collect()
                    })
                    .collect();
                out.translation = grid
                    .iter()
                    .map(|row| {
                        row.iter()
                            .map(|c| c.translation.as_str())
                            .collect::<Vec<_>>()
                            .join(" | ")
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                out.kind = OutKind::Table { rows: grid };
            }
            kind => {
                out.translation = mine
                    .first()
                    .map(|&u| outcomes[u].translation.clone())
                    .unwrap_or_else(|| b.text.clone());
                out.kind = match kind {
                    BlockKind::Heading { level } => OutKind::Heading { level: *level },
                    BlockKind::ListItem {
                        ordered,
                        level,
                        marker,
                    } => OutKind::ListItem {
                        ordered: *ordered,
                        level: *level,
                        marker: marker.clone(),
                    },
                    _ => OutKind::Paragraph,
                };
            }
        }
        blocks.push(out);
    }
    let stats = stats(&blocks, &outcomes, run, seconds);
    let model = run.map(Run::model_name);
    let from = doc.meta.languages.primary;
    Translation {
        ai_generated: true,
        notice: notice(model.as_deref(), from, opts.to),
        model,
        from,
        to: opts.to,
        settings: TranslationSettings {
            window: run.map_or(opts.window.unwrap_or(DEFAULT_TRANSLATE_WINDOW), |r| {
                r.window
            }),
            chunk_tokens: run.map_or(opts.chunk_tokens.unwrap_or(DEFAULT_CHUNK_TOKENS), |r| {
                r.budget
            }),
            concurrency: opts.concurrency.max(1),
            seed: opts.seed,
            temperature: run.map_or(0.0, |r| r.options.temperature),
            termbase_entries: termbase.active_entries().len(),
            department: termbase.department().map(str::to_string),
        },
        stats,
        title: doc.meta.title.clone(),
        source: SourceRef {
            id: doc.id.to_string(),
            file_name: doc.meta.file_name.clone(),
            content_hash: doc.meta.content_hash.clone(),
        },
        blocks,
    }
}

fn method(mine: &[usize], units: &[Unit], outcomes: &[UnitOutcome]) -> Method {
    let model: Vec<usize> = mine
        .iter()
        .copied()
        .filter(|&u| units[u].route == Route::Model)
        .collect();
    if !model.is_empty() {
        if model.iter().all(|&u| outcomes[u].untranslated) {
            Method::Untranslated
        } else {
            Method::Model
        }
    } else if mine.iter().any(|&u| units[u].route == Route::Kept) {
        Method::Kept
    } else {
        Method::Copied
    }
}

fn stats(
    blocks: &[TranslatedBlock],
    outcomes: &[UnitOutcome],
    run: Option<&Run<'_>>,
    seconds: f64,
) -> TranslationStats {
    let mut s = TranslationStats {
        blocks: blocks.len(),
        blocks_flagged: blocks.iter().filter(|b| b.is_flagged()).count(),
        units_untranslated: outcomes.iter().filter(|o| o.untranslated).count(),
        seconds: (seconds * 1000.0).round() / 1000.0,
        ..Default::default()
    };
    for b in blocks {
        s.source_sentences += b.checks.source_sentences;
        s.output_sentences += b.checks.output_sentences;
        s.source_figures += b.checks.source_figures;
        s.missing_figures += b.checks.missing_figures;
        s.terms += b.checks.terms;
        s.term_misses += b.term_misses.len();
    }
    if let Some(r) = run {
        s.chunks = r.chunks.load(Ordering::Relaxed);
        s.retry_chunks = r.retry_chunks.load(Ordering::Relaxed);
        s.prompt_tokens = r.prompt_tokens.load(Ordering::Relaxed);
        s.completion_tokens = r.completion_tokens.load(Ordering::Relaxed);
    }
    s
}

/// The label every output carries.
fn notice(model: Option<&str>, from: Option<Lang>, to: Lang) -> String {
    let from = from.map_or("the source language".to_string(), |l| l.tag().to_string());
    match model {
        Some(m) => format!(
            "Machine translation (AI-generated) from {from} into {to} by the language model \
             {m}. It may contain errors and omissions: check it against the source before \
             use; flagged blocks need particular care."
        ),
        None => format!(
            "Automatic conversion from {from} into {to} (no language model was needed). \
             Check it against the source before use."
        ),
    }
}
