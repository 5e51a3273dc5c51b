//! Admission: taking requests off the queue into free slots, placing each where the
//! longest prefix of its prompt already sits in the KV cache, and holding back those
//! that share a prefix still being computed by a live sequence.

use std::sync::atomic::Ordering;
use std::sync::mpsc::TryRecvError;
use std::sync::Arc;

use hkpilot_llm::LlmError;

use crate::metrics::Metrics;
use crate::prefix_cache::common_prefix;
use crate::scheduler::{Command, Scheduler};
use crate::sequence::{Job, Sequence};

/// A shared prefix shorter than this is recomputed rather than waited for.
const MIN_SHARED_PREFIX: usize = 32;

/// With KV streams, a prefix in another stream shorter than this is recomputed rather
/// than copied (the copy moves the whole stream: ~15 MB for a 0.5B model's 1,280-cell
/// stream, about what computing a handful of tokens costs).
const MIN_STREAM_COPY: usize = 16;

impl Scheduler<'_> {
    /// Takes requests while there is room. Blocks when idle. Returns false when the
    /// channel is closed and nothing is left to do.
    pub(crate) fn admit(&mut self) -> bool {
        let shared = Arc::clone(&self.shared);
        let metrics = &shared.metrics;
        // Deferred requests first: they arrived earlier.
        let mut i = 0;
        while i < self.deferred.len()
            && self.active.len() < self.n_parallel
            && self.slots.has_free()
        {
            if self.deferred[i].tx.is_cancelled() {
                self.deferred.remove(i);
                metrics.queued.fetch_sub(1, Ordering::Relaxed);
                Metrics::add(&metrics.requests_cancelled, 1);
                continue;
            }
            if self.should_wait(&self.deferred[i]) {
                i += 1;
                continue;
            }
            if let Some(job) = self.deferred.remove(i) {
                metrics.queued.fetch_sub(1, Ordering::Relaxed);
                self.start(job);
            }
        }
        while self.active.len() < self.n_parallel && self.slots.has_free() {
            let cmd = if self.active.is_empty() && self.deferred.is_empty() {
                // About to sleep: make the counters true first.
                self.publish();
                match self.rx.recv() {
                    Ok(c) => c,
                    Err(_) => return false,
                }
            } else {
                match self.rx.try_recv() {
                    Ok(c) => c,
                    Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
                }
            };
            let job = match cmd {
                Command::Generate(job) => job,
                #[cfg(feature = "fault-injection")]
                Command::Panic => panic!("injected fault"),
                Command::Embed { inputs, reply } => {
                    metrics.queued.fetch_sub(1, Ordering::Relaxed);
                    let _ = reply.send(self.embed(&inputs));
                    continue;
                }
            };
            if job.tx.is_cancelled() {
                metrics.queued.fetch_sub(1, Ordering::Relaxed);
                Metrics::add(&metrics.requests_cancelled, 1);
                continue;
            }
            if self.deferred.len() < self.n_parallel && self.should_wait(&job) {
                self.deferred.push_back(job);
                continue;
            }
            metrics.queued.fetch_sub(1, Ordering::Relaxed);
            self.start(job);
        }
        true
    }

    /// True when a live sequence is still computing a prompt prefix this job shares
    /// (at least [`MIN_SHARED_PREFIX`] tokens beyond what the KV cache already holds):
    /// waiting a few steps and then sharing its cells beats computing them twice. This
    /// is what makes the map phase of a summary (many questions over one document,
    /// sent at once) compute the document once.
    pub(crate) fn should_wait(&self, job: &Job) -> bool {
        if !self.prefix_cache {
            return false;
        }
        let prompt: Vec<i32> = job.prompt.iter().map(|t| t.0).collect();
        let ready = self.slots.best_prefix(&prompt);
        let usable = prompt.len().saturating_sub(1);
        self.active.iter().any(|s| {
            if !s.in_prompt() {
                return false;
            }
            let theirs: Vec<i32> = s.job.prompt.iter().map(|t| t.0).collect();
            let shared = common_prefix(&theirs, &prompt).min(usable);
            shared >= ready + MIN_SHARED_PREFIX && s.fed < shared
        })
    }

    /// Runs between decode steps: embeddings are short single batches.
    pub(crate) fn embed(
        &mut self,
        inputs: &[Vec<llama_cpp_2::token::LlamaToken>],
    ) -> Result<Vec<Vec<f32>>, LlmError> {
        if self.embed_ctx.is_none() {
            self.embed_ctx = Some(crate::embed::new_context(
                self.model,
                self.backend,
                self.threads,
            )?);
        }
        let Some(ctx) = self.embed_ctx.as_mut() else {
            return Err(LlmError::Internal("embedding context missing".into()));
        };
        inputs
            .iter()
            .map(|t| crate::embed::embed_one(ctx, t))
            .collect()
    }

    pub(crate) fn start(&mut self, job: Job) {
        let tokens: Vec<i32> = job.prompt.iter().map(|t| t.0).collect();
        // A stream-to-stream copy moves a whole stream, so a few shared tokens (a chat
        // template's opening) are cheaper to recompute.
        let min_copy = if self.kv_unified { 1 } else { MIN_STREAM_COPY };
        let Some(p) = self.slots.place(&tokens, self.prefix_cache, min_copy) else {
            // admit() checked for a free slot; stay safe anyway.
            job.tx.send(Err(LlmError::Internal("no free slot".into())));
            return;
        };
        let slot = p.slot as i32;
        let slot_u = p.slot as u32;
        let mut reused = p.reused;
        let ok = match p.copy_from {
            None => self
                .ctx
                .clear_kv_cache_seq(Some(slot_u), Some(reused as u32), None)
                .unwrap_or(false),
            Some(src) if self.kv_unified => {
                let cleared = self
                    .ctx
                    .clear_kv_cache_seq(Some(slot_u), None, None)
                    .is_ok();
                cleared
                    && self
                        .ctx
                        .copy_kv_cache_seq(src as i32, slot, Some(0), Some(reused as u32))
                        .is_ok()
            }
            Some(src) => {
                // Across streams llama.cpp copies only whole streams (a partial range
                // aborts it): copy everything (done at the next decode), then drop
                // what follows the shared prefix.
                self.ctx
                    .copy_kv_cache_seq(src as i32, slot, None, None)
                    .is_ok()
                    && self
                        .ctx
                        .clear_kv_cache_seq(Some(slot_u), Some(reused as u32), None)
                        .unwrap_or(false)
            }
        };
        if !ok {
            // Partial removal is refused by some model kinds (recurrent state): start
            // the sequence from scratch.
            let _ = self.ctx.clear_kv_cache_seq(Some(slot_u), None, None);
            self.slots.forget(p.slot);
            reused = 0;
        }
        Metrics::add(&self.shared.metrics.prompt_tokens_reused, reused as u64);
        self.active.push(Sequence::new(p.slot, job, reused));
    }

    pub(crate) fn drop_cancelled(&mut self) {
        let mut i = 0;
        while i < self.active.len() {
            if self.active[i].job.tx.is_cancelled() {
                let seq = self.active.remove(i);
                // Its KV holds exactly the tokens recorded, so it stays a valid cache.
                self.slots.release(seq.slot);
                Metrics::add(&self.shared.metrics.requests_cancelled, 1);
            } else {
                i += 1;
            }
        }
    }
}
