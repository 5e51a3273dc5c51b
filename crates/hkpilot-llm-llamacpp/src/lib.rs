//! HKPilot's embedded model engine over llama.cpp (through the `llama-cpp-2` crate).
//!
//! All FFI lives in this crate. One inference thread per engine owns the llama.cpp
//! context; a scheduler batches all live requests into each decode step (continuous
//! batching) and shares KV cells between requests with a common prefix. See
//! `scheduler.rs` and `prefix_cache.rs`.

mod admission;
mod config;
mod embed;
mod engine;
mod metrics;
mod model_file;
mod model_meta;
mod prefix_cache;
mod runtime;
mod sampler;
mod scheduler;
mod sequence;
pub mod testing;
mod text;
mod utf8_guard;
mod worker;

pub use config::{physical_cores, EngineConfig};
pub use engine::LlamaEngine;
pub use metrics::MetricsSnapshot;
pub use model_file::check_gguf;
