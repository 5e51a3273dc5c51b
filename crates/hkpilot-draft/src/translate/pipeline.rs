//! The translation run: plan, translate chunks concurrently, check every unit, try
//! failing blocks once more on their own in smaller chunks, keep the better attempt.

use super::assemble::assemble;
use super::checks::{Checker, UnitOutcome};
use super::plan::{pack, segment, units, Chunk, Route, Segment, Unit};
use super::run::Run;
use super::{Stage, TranslateError, TranslateOptions, TranslateProgress, Translation};
use crate::termbase::Termbase;
use hkpilot_core::{Document, Lang};
use hkpilot_llm::LlmBackend;
use std::sync::atomic::Ordering;

/// Whether translating `doc` into `to` needs a model at all (a Simplified document
/// asked for in Traditional only needs script conversion).
pub fn needs_model(doc: &Document, to: Lang) -> bool {
    units(doc, to).iter().any(|u| u.route == Route::Model)
}

/// Translates `doc` into `opts.to`, block by block, structure kept, every block
/// checked and flagged where it falls short. `backend` may be `None` only when
/// [`needs_model`] says no model is needed.
pub async fn translate_document(
    doc: &Document,
    backend: Option<&dyn LlmBackend>,
    termbase: &Termbase,
    opts: &TranslateOptions,
    progress: &dyn TranslateProgress,
) -> Result<Translation, TranslateError> {
    let started = std::time::Instant::now();
    let units = units(doc, opts.to);
    if units.is_empty() {
        return Err(TranslateError::EmptyDocument);
    }
    let checker = Checker {
        termbase,
        to: opts.to,
    };
    let mut outcomes: Vec<UnitOutcome> = units.iter().map(|u| checker.kept_unit(u)).collect();
    let mut attempts = vec![0u8; units.len()];
    let model_units: Vec<usize> = (0..units.len())
        .filter(|&i| units[i].route == Route::Model)
        .collect();
    let mut run_info = None;
    if !model_units.is_empty() {
        let backend = backend.ok_or(TranslateError::NoModel)?;
        let run = Run::new(backend, termbase, opts).await?;
        run.translate(
            &units,
            &model_units,
            &checker,
            progress,
            &mut outcomes,
            &mut attempts,
        )
        .await?;
        run_info = Some(run);
    }
    let seconds = started.elapsed().as_secs_f64();
    Ok(assemble(
        doc,
        opts,
        termbase,
        &units,
        outcomes,
        &attempts,
        run_info.as_ref(),
        seconds,
    ))
}

impl Run<'_> {
    pub(super) async fn translate(
        &self,
        units: &[Unit],
        model_units: &[usize],
        checker: &Checker<'_>,
        progress: &dyn TranslateProgress,
        outcomes: &mut [UnitOutcome],
        attempts: &mut [u8],
    ) -> Result<(), TranslateError> {
        // First pass: every model unit, chunks across blocks.
        let mut segs: Vec<Vec<Segment>> = vec![Vec::new(); units.len()];
        for (k, &u) in model_units.iter().enumerate() {
            progress.update(Stage::Planning, k, model_units.len());
            segs[u] = segment(&units[u].text, self.budget, self.backend).await?;
        }
        let chunks = pack(lines_of(model_units, &segs), self.budget);
        let alone: Vec<bool> = (0..units.len())
            .map(|u| {
                chunks
                    .iter()
                    .filter(|c| c.lines.iter().any(|l| l.unit == u))
                    .all(|c| c.lines.len() == 1)
            })
            .collect();
        let pieces = self
            .run_chunks(&chunks, units, Stage::Translating, progress)
            .await;
        for &u in model_units {
            outcomes[u] = checker.model_unit(&units[u], &sources(&segs[u]), &pieces[u]);
            attempts[u] = 1;
        }

        // Second attempt for failing units, each block on its own, smaller chunks.
        let small = (self.budget / 2).max(8);
        let mut retry: Vec<usize> = Vec::new();
        let mut retry_segs: Vec<Vec<Segment>> = vec![Vec::new(); units.len()];
        for &u in model_units.iter().filter(|&&u| outcomes[u].needs_retry()) {
            let s = segment(&units[u].text, small, self.backend).await?;
            // Alone before and cut the same way: a greedy model would answer the same.
            if alone[u] && s.len() == segs[u].len() {
                continue;
            }
            retry_segs[u] = s;
            retry.push(u);
        }
        if !retry.is_empty() {
            let mut chunks: Vec<Chunk> = Vec::new();
            let mut i = 0;
            while i < retry.len() {
                let block = units[retry[i]].block;
                let j = i + retry[i..]
                    .iter()
                    .take_while(|&&u| units[u].block == block)
                    .count();
                chunks.extend(pack(lines_of(&retry[i..j], &retry_segs), small));
                i = j;
            }
            self.retry_chunks.fetch_add(chunks.len(), Ordering::Relaxed);
            let pieces = self
                .run_chunks(&chunks, units, Stage::Retrying, progress)
                .await;
            for &u in &retry {
                let second = checker.model_unit(&units[u], &sources(&retry_segs[u]), &pieces[u]);
                if second.score() <= outcomes[u].score() {
                    outcomes[u] = second;
                }
                attempts[u] = 2;
            }
        }
        if self.answered.load(Ordering::Relaxed) == 0 {
            if let Some(e) = self.first_error.lock().unwrap().take() {
                return Err(TranslateError::Model(e));
            }
        }
        Ok(())
    }
}

fn lines_of<'s>(
    units: &'s [usize],
    segs: &'s [Vec<Segment>],
) -> impl Iterator<Item = (usize, usize, &'s Segment)> + 's {
    units
        .iter()
        .flat_map(move |&u| segs[u].iter().enumerate().map(move |(k, s)| (u, k, s)))
}

fn sources(segs: &[Segment]) -> Vec<String> {
    segs.iter().map(|s| s.text.clone()).collect()
}
