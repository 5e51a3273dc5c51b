//! The inference thread's loop: continuous batching over one llama.cpp context.
//!
//! Each step: admit waiting requests into free slots (reusing cached prefixes), drop
//! cancelled ones, build one batch with a token for every generating sequence plus
//! prompt chunks up to `n_batch`, decode it, and sample one token per sequence whose
//! logits were computed, each with its own sampler. Requests join and leave between
//! steps, so a long prompt never stalls the others for more than one chunk.

use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::Duration;

use hkpilot_llm::{FinishReason, LlmError};
use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::LlamaModel;
use llama_cpp_2::token::data::LlamaTokenData;
use llama_cpp_2::token::data_array::LlamaTokenDataArray;
use llama_cpp_2::token::LlamaToken;
use llama_cpp_2::DecodeError;

use crate::metrics::Metrics;
use crate::prefix_cache::SlotTable;
use crate::sequence::{Job, Next, Sequence};
use crate::utf8_guard::TokenBytes;

/// Messages to the inference thread.
#[derive(Debug)]
pub(crate) enum Command {
    Generate(Job),
    /// Pooled embeddings, one per input, answered on `reply`.
    Embed {
        inputs: Vec<Vec<llama_cpp_2::token::LlamaToken>>,
        reply: tokio::sync::oneshot::Sender<Result<Vec<Vec<f32>>, LlmError>>,
    },
    /// Crash the inference thread (tests of panic handling only).
    #[cfg(feature = "fault-injection")]
    Panic,
}

/// State shared by the engine handle and its thread.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    pub metrics: Metrics,
    /// Set when the inference thread stopped (a panic, or a failed context); new
    /// requests get `backend_unavailable` with this reason.
    pub dead: std::sync::OnceLock<String>,
}

pub(crate) struct Scheduler<'m> {
    pub model: &'m LlamaModel,
    pub ctx: LlamaContext<'m>,
    pub rx: Receiver<Command>,
    pub shared: Arc<Shared>,
    pub n_parallel: usize,
    pub n_batch: usize,
    /// One KV pool (`true`) or one KV stream per slot (see `EngineConfig::kv_unified`).
    pub kv_unified: bool,
    /// Cells one sequence may fill (prompt + output).
    pub n_ctx_seq: usize,
    pub retry_after: Duration,
    pub prefix_cache: bool,
    /// See `EngineConfig::grammar_first`.
    pub grammar_first: bool,
    pub slots: SlotTable,
    pub token_bytes: TokenBytes,
    pub active: Vec<Sequence>,
    /// Requests held back until a live sequence has computed the prefix they share
    /// with it (see [`Scheduler::should_wait`]). Still counted as queued.
    pub deferred: VecDeque<Job>,
    pub batch: LlamaBatch<'static>,
    pub backend: &'static llama_cpp_2::llama_backend::LlamaBackend,
    pub threads: i32,
    /// Created on the first embedding request.
    pub embed_ctx: Option<LlamaContext<'m>>,
}

impl<'m> Scheduler<'m> {
    /// Runs until every engine handle is gone and no request is left.
    pub(crate) fn run(&mut self) {
        loop {
            if !self.admit() {
                return;
            }
            self.drop_cancelled();
            self.publish();
            if !self.active.is_empty() {
                self.step();
            }
        }
    }

    pub(crate) fn publish(&self) {
        self.shared
            .metrics
            .active
            .store(self.active.len(), Ordering::Relaxed);
    }

    /// Builds and decodes one batch, then samples.
    fn step(&mut self) {
        self.batch.clear();
        let mut budget = self.n_batch;
        // What each sequence feeds: generating sequences first (one token each keeps
        // their latency flat), then prompt chunks in arrival order.
        let mut plan: Vec<(usize, usize)> = Vec::with_capacity(self.active.len());
        for (i, seq) in self.active.iter_mut().enumerate() {
            seq.feeding.clear();
            seq.row = None;
            if seq.pending.is_some() && budget > 0 {
                plan.push((i, 1));
                budget -= 1;
            }
        }
        for (i, seq) in self.active.iter().enumerate() {
            if budget == 0 {
                break;
            }
            if seq.in_prompt() {
                let n = budget.min(seq.job.prompt.len() - seq.fed);
                plan.push((i, n));
                budget -= n;
            }
        }
        // Added in slot order: with KV streams llama.cpp splits a batch into one
        // micro-batch per run of consecutive sequence ids (each a pass over the
        // weights), so neighbours must sit next to each other in the batch.
        plan.sort_by_key(|&(i, _)| self.active[i].slot);
        for (i, n) in plan {
            let seq = &mut self.active[i];
            let id = [seq.slot as i32];
            if let Some(tok) = seq.pending {
                let pos = self.slots.len(seq.slot) as i32;
                if self.batch.add(tok, pos, &id, true).is_ok() {
                    seq.row = Some(self.batch.n_tokens() - 1);
                    seq.feeding.push(tok.0);
                }
                continue;
            }
            let end = seq.job.prompt.len();
            for k in seq.fed..seq.fed + n {
                let last = k + 1 == end;
                if self
                    .batch
                    .add(seq.job.prompt[k], k as i32, &id, last)
                    .is_err()
                {
                    break;
                }
                seq.feeding.push(seq.job.prompt[k].0);
                if last {
                    seq.row = Some(self.batch.n_tokens() - 1);
                }
            }
        }
        if self.batch.n_tokens() == 0 {
            return;
        }
        Metrics::add(&self.shared.metrics.decode_calls, 1);
        match self.ctx.decode(&mut self.batch) {
            Ok(()) => {}
            Err(DecodeError::NoKvCacheSlot) => return self.make_room(),
            Err(e) => return self.fail_batch(&e.to_string()),
        }
        self.after_decode();
    }

    fn after_decode(&mut self) {
        let vocab = self.model.vocab();
        let mut finished: Vec<(usize, Option<FinishReason>)> = Vec::new();
        for (i, seq) in self.active.iter_mut().enumerate() {
            if seq.feeding.is_empty() {
                continue;
            }
            self.slots.extend(seq.slot, &seq.feeding);
            if seq.pending.take().is_none() {
                seq.fed += seq.feeding.len();
                Metrics::add(
                    &self.shared.metrics.prompt_tokens_computed,
                    seq.feeding.len() as u64,
                );
            }
            let Some(row) = seq.row.take() else { continue };
            let token = if seq.job.grammar.is_some() {
                match sample_constrained(&self.ctx, &self.token_bytes, seq, row, self.grammar_first)
                {
                    Some(t) => t,
                    None => {
                        seq.fail(LlmError::InvalidRequest(
                            "the output grammar admits no further token; check the schema or grammar".into(),
                        ));
                        finished.push((i, None));
                        continue;
                    }
                }
            } else {
                seq.job.sampler.sample(&self.ctx, row)
            };
            Metrics::add(&self.shared.metrics.generated_tokens, 1);
            let is_eog = vocab.is_eog(token);
            let piece = if is_eog {
                Vec::new()
            } else {
                vocab.token_to_piece(token, false, None)
            };
            match seq.on_token(token, is_eog, &piece) {
                Next::Continue => {
                    // The context is full: the next token would have nowhere to go.
                    if self.slots.len(seq.slot) + 1 >= self.n_ctx_seq {
                        finished.push((i, Some(FinishReason::Length)));
                    }
                }
                Next::Finished(r) => finished.push((i, Some(r))),
                Next::Cancelled => finished.push((i, None)),
            }
        }
        for (i, reason) in finished.into_iter().rev() {
            let mut seq = self.active.remove(i);
            match reason {
                Some(r) => {
                    seq.finish(r);
                    Metrics::add(&self.shared.metrics.requests_finished, 1);
                }
                None => Metrics::add(&self.shared.metrics.requests_cancelled, 1),
            }
            self.slots.release(seq.slot);
        }
    }

    /// The KV cache is full: drop a cached prefix, or as a last resort a request, and
    /// let the next step retry. With streams only the full stream's own request can
    /// make room (admission keeps every request within its stream, so this should not
    /// happen): the one that filled most of its stream goes.
    fn make_room(&mut self) {
        if self.kv_unified {
            if let Some(victim) = self.slots.eviction_candidate() {
                let _ = self.ctx.clear_kv_cache_seq(Some(victim as u32), None, None);
                self.slots.forget(victim);
                Metrics::add(&self.shared.metrics.kv_evictions, 1);
                return;
            }
        }
        let pick = if self.kv_unified {
            self.active.len().checked_sub(1)
        } else {
            (0..self.active.len()).max_by_key(|&i| {
                let s = &self.active[i];
                self.slots.len(s.slot) + s.feeding.len()
            })
        };
        if let Some(seq) = pick.map(|i| self.active.remove(i)) {
            let err = if self.active.is_empty() || !self.kv_unified {
                LlmError::ContextLengthExceeded {
                    prompt_tokens: seq.job.prompt.len(),
                    requested: seq.job.prompt.len() + seq.job.max_new,
                    max_context: self.n_ctx_seq,
                }
            } else {
                Metrics::add(&self.shared.metrics.busy_rejections, 1);
                LlmError::Busy {
                    retry_after: self.retry_after,
                    queued: self.shared.metrics.queued.load(Ordering::Relaxed),
                }
            };
            seq.fail(err);
            let _ = self
                .ctx
                .clear_kv_cache_seq(Some(seq.slot as u32), None, None);
            self.slots.forget(seq.slot);
            self.slots.release(seq.slot);
        }
    }

    /// A decode failed for a reason other than space: the sequences in the batch are
    /// in an unknown state, so they fail and their cells are dropped.
    fn fail_batch(&mut self, why: &str) {
        tracing::error!(error = why, "llama.cpp decode failed");
        let mut keep = Vec::new();
        for seq in std::mem::take(&mut self.active) {
            if seq.feeding.is_empty() {
                keep.push(seq);
                continue;
            }
            seq.fail(LlmError::Internal(format!(
                "llama.cpp decode failed: {why}"
            )));
            let _ = self
                .ctx
                .clear_kv_cache_seq(Some(seq.slot as u32), None, None);
            self.slots.forget(seq.slot);
            self.slots.release(seq.slot);
        }
        self.active = keep;
    }
}

/// Picks the next token of a grammar-constrained sequence; `None` when the grammar
/// admits no token at all.
///
/// Filtering all of a 49k-token vocabulary through the grammar (and the UTF-8 guard)
/// at every step costs more than the model's own step on small models, so, as
/// llama.cpp's server does, the unconstrained pick is tried first and kept when both
/// allow it. For greedy decoding that is exactly the constrained argmax; for plain
/// temperature sampling, keeping an allowed draw and otherwise drawing from the
/// allowed tokens gives each allowed token the same probability as drawing from them
/// directly. Only a refused pick pays for the full filter.
fn sample_constrained(
    ctx: &LlamaContext<'_>,
    token_bytes: &TokenBytes,
    seq: &mut Sequence,
    row: i32,
    grammar_first: bool,
) -> Option<LlamaToken> {
    let pending = seq.pending_utf8().to_vec();
    let job = &mut seq.job;
    let grammar = job.grammar.as_mut()?;
    let first = if grammar_first {
        None
    } else {
        let mut arr = ctx.token_data_array_ith(row);
        arr.apply_sampler(&mut job.sampler);
        arr.selected
            .and_then(|i| arr.data.get(i))
            .map(|d| (d.id(), d.logit()))
            .filter(|(t, logit)| logit.is_finite() && token_bytes.allows(&pending, *t))
    };
    let allowed = first.filter(|&(t, logit)| {
        let mut one = LlamaTokenDataArray::new(vec![LlamaTokenData::new(t, logit, 0.0)], false);
        one.apply_sampler(grammar);
        one.data[0].logit().is_finite()
    });
    let token = match allowed {
        Some((t, _)) => t,
        None => {
            let mut arr = ctx.token_data_array_ith(row);
            token_bytes.mask_invalid(&pending, &mut arr);
            arr.apply_sampler(grammar);
            arr.apply_sampler(&mut job.sampler);
            // Accepting a token the grammar forbids throws inside llama.cpp and
            // aborts the process: only accept a token that survived the masks.
            arr.selected
                .and_then(|i| arr.data.get(i))
                .filter(|d| d.logit().is_finite())
                .map(|d| d.id())?
        }
    };
    grammar.accept(token);
    job.sampler.accept(token);
    Some(token)
}
