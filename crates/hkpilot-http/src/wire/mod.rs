//! OpenAI wire types: request bodies as clients send them, responses and stream chunks
//! as clients parse them. Conversions to and from `hkpilot-llm` types live here too.

pub(crate) mod chat;
pub(crate) mod completions;
pub(crate) mod embeddings;
pub(crate) mod models;
mod options;

pub(crate) use options::{SamplingFields, StreamMode};

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use hkpilot_llm::{FinishReason, Usage};
use serde::Serialize;

/// OpenAI's `usage` object.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UsageWire {
    pub prompt_tokens: usize,
    pub completion_tokens: usize,
    pub total_tokens: usize,
    pub prompt_tokens_details: PromptTokensDetails,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct PromptTokensDetails {
    pub cached_tokens: usize,
}

impl From<&Usage> for UsageWire {
    fn from(u: &Usage) -> Self {
        Self {
            prompt_tokens: u.prompt_tokens,
            completion_tokens: u.completion_tokens,
            total_tokens: u.prompt_tokens + u.completion_tokens,
            prompt_tokens_details: PromptTokensDetails {
                cached_tokens: u.cached_prompt_tokens,
            },
        }
    }
}

pub(crate) fn finish_reason(f: FinishReason) -> &'static str {
    match f {
        FinishReason::Stop => "stop",
        FinishReason::Length => "length",
    }
}

/// Seconds since the epoch, as OpenAI's `created`.
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A response id such as `chatcmpl-…`: unique within the process and unlikely to
/// repeat across restarts (the start time is mixed in).
pub(crate) fn response_id(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static START: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let start = *START.get_or_init(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{start:016x}{n:08x}")
}

/// `usage` in stream chunks: absent unless the client asked for usage, then `null` on
/// every chunk but the last (what OpenAI does and its clients expect).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub(crate) enum ChunkUsage {
    Null(Option<()>),
    Some(UsageWire),
}

pub(crate) fn chunk_usage(include: bool) -> Option<ChunkUsage> {
    include.then_some(ChunkUsage::Null(None))
}
