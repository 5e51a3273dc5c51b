//! Engine settings. Defaults suit a CPU server: flash attention off (slower and not
//! bit-stable on CPU, see llama-cpp-notes.md) and one thread per physical core.

use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub model_path: PathBuf,
    /// Name callers use for this model; defaults to the file stem.
    pub name: Option<String>,
    /// KV cells for the requests in flight. With `kv_unified` one pool shared by all
    /// sequences, and also the largest prompt + output one request may use. Without it
    /// (per-sequence streams, like `llama-server -c N_CTX -np N_PARALLEL`) each request
    /// may use `n_ctx / n_parallel`, and every cache slot gets a stream of that size on
    /// top. Either way capped by the model's training context.
    pub n_ctx: u32,
    /// Most tokens handed to one decode call (prompt chunks plus one per generating
    /// sequence).
    pub n_batch: u32,
    /// Sequences decoded together (the continuous-batching width). Extra idle slots
    /// keep finished sequences' KV cells for prefix reuse, see `n_cache_slots`.
    pub n_parallel: u32,
    /// Extra slots that only hold cached prefixes (a long system prompt, a document
    /// asked several questions).
    pub n_cache_slots: u32,
    /// One KV pool for all sequences (`true`) or one KV stream per sequence (`false`).
    /// A pool lets one request use the whole `n_ctx` and shares a prefix's cells
    /// without copying them, but (without flash attention) llama.cpp then computes
    /// every token's attention over the occupied cells of *all* sequences: 8 concurrent
    /// distinct ~1,000-token prompts ran at ~0.3x llama-server's speed. Streams keep
    /// each sequence's attention to its own cells; a shared prefix is then copied from
    /// stream to stream (a memory copy of the stream, far cheaper than recomputing it).
    /// Choose streams when requests run concurrently. See BENCHMARKS.md, LLM engine.
    pub kv_unified: bool,
    /// Reuse KV cells of earlier or concurrent requests with the same prompt beginning.
    /// Off only to measure what it saves.
    pub prefix_cache: bool,
    /// Threads for generation and for prompt batches; default: physical cores.
    pub n_threads: Option<u32>,
    /// Filter every candidate through the output grammar before picking, at every
    /// step, instead of checking the unconstrained pick first (llama.cpp's
    /// `grammar_first`). The same greedy output, several times slower per token on
    /// small models; there to compare the two.
    pub grammar_first: bool,
    pub flash_attention: bool,
    /// Requests that may wait for a slot before callers get `busy`.
    pub queue_capacity: usize,
    /// What `busy` errors tell callers to wait.
    pub retry_after: Duration,
    /// Layers offloaded to the GPU (only with the `cuda` feature).
    pub n_gpu_layers: u32,
    /// Route llama.cpp's own logs to `tracing` (target `llama-cpp-2`). Off by default:
    /// they are ~350 lines per model load. Decided once per process.
    pub llama_logs: bool,
    /// Chat template to use instead of the model's own.
    pub chat_template_override: Option<String>,
}

impl EngineConfig {
    pub fn new(model_path: impl Into<PathBuf>) -> Self {
        Self {
            model_path: model_path.into(),
            name: None,
            n_ctx: 4096,
            n_batch: 512,
            n_parallel: 4,
            n_cache_slots: 4,
            kv_unified: true,
            prefix_cache: true,
            n_threads: None,
            grammar_first: false,
            flash_attention: false,
            queue_capacity: 64,
            retry_after: Duration::from_secs(2),
            n_gpu_layers: 0,
            llama_logs: false,
            chat_template_override: None,
        }
    }

    /// Sequences the KV cache holds: the batch width plus the cache slots.
    pub fn n_seq(&self) -> u32 {
        self.n_parallel + self.n_cache_slots
    }

    /// KV cells one sequence may use (prompt + output), before the model's cap.
    pub fn n_ctx_seq(&self) -> u32 {
        if self.kv_unified {
            self.n_ctx
        } else {
            self.n_ctx / self.n_parallel.max(1)
        }
    }

    pub fn threads(&self) -> u32 {
        self.n_threads
            .filter(|n| *n > 0)
            .unwrap_or_else(physical_cores)
    }
}

/// Physical cores (hyper-threads do not help matrix kernels). Linux: distinct
/// (physical id, core id) pairs in /proc/cpuinfo; elsewhere the logical count.
pub fn physical_cores() -> u32 {
    let logical = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
    let Ok(info) = std::fs::read_to_string("/proc/cpuinfo") else {
        return logical;
    };
    let mut cores = std::collections::HashSet::new();
    let mut phys = String::new();
    for line in info.lines() {
        if let Some((k, v)) = line.split_once(':') {
            match k.trim() {
                "physical id" => phys = v.trim().to_string(),
                "core id" => {
                    cores.insert((phys.clone(), v.trim().to_string()));
                }
                _ => {}
            }
        }
    }
    // In containers the cpuinfo may list the host's cores: never exceed what we may use.
    if cores.is_empty() {
        logical
    } else {
        (cores.len() as u32).min(logical)
    }
}
