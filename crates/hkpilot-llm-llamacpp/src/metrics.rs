//! Counters the engine keeps (cheap atomics, read by `/metrics` and by tests).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

#[derive(Debug, Default)]
pub(crate) struct Metrics {
    pub prompt_tokens_computed: AtomicU64,
    pub prompt_tokens_reused: AtomicU64,
    pub generated_tokens: AtomicU64,
    pub decode_calls: AtomicU64,
    pub requests_finished: AtomicU64,
    pub requests_cancelled: AtomicU64,
    pub busy_rejections: AtomicU64,
    pub kv_evictions: AtomicU64,
    pub active: AtomicUsize,
    pub queued: AtomicUsize,
}

/// A point-in-time copy of the engine's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MetricsSnapshot {
    /// Prompt tokens run through the model.
    pub prompt_tokens_computed: u64,
    /// Prompt tokens whose KV cells came from the prefix cache instead.
    pub prompt_tokens_reused: u64,
    pub generated_tokens: u64,
    pub decode_calls: u64,
    pub requests_finished: u64,
    pub requests_cancelled: u64,
    pub busy_rejections: u64,
    /// Cached prefixes dropped to make room in the KV cache.
    pub kv_evictions: u64,
    /// Sequences holding a slot now.
    pub active: usize,
    /// Requests waiting in the queue now.
    pub queued: usize,
}

impl Metrics {
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> MetricsSnapshot {
        let l = |c: &AtomicU64| c.load(Ordering::Relaxed);
        MetricsSnapshot {
            prompt_tokens_computed: l(&self.prompt_tokens_computed),
            prompt_tokens_reused: l(&self.prompt_tokens_reused),
            generated_tokens: l(&self.generated_tokens),
            decode_calls: l(&self.decode_calls),
            requests_finished: l(&self.requests_finished),
            requests_cancelled: l(&self.requests_cancelled),
            busy_rejections: l(&self.busy_rejections),
            kv_evictions: l(&self.kv_evictions),
            active: self.active.load(Ordering::Relaxed),
            queued: self.queued.load(Ordering::Relaxed),
        }
    }
}
