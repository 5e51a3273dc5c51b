//! Process-wide llama.cpp state: the backend may be initialised only once per process,
//! and its log callback can be installed only once.

use std::sync::{Mutex, OnceLock};

use hkpilot_llm::LlmError;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::{send_logs_to_tracing, LogOptions};

static BACKEND: OnceLock<Result<LlamaBackend, String>> = OnceLock::new();

/// Creating contexts concurrently is unsound in llama.cpp (it mutates the model), so
/// model loads and context creation take this lock.
pub(crate) static LOAD_LOCK: Mutex<()> = Mutex::new(());

/// The shared backend, initialised on first use. `llama_logs` only matters on the first
/// call: llama.cpp's logs then go to `tracing` (target `llama-cpp-2`) or nowhere.
pub(crate) fn backend(llama_logs: bool) -> Result<&'static LlamaBackend, LlmError> {
    BACKEND
        .get_or_init(|| {
            send_logs_to_tracing(LogOptions::default().with_logs_enabled(llama_logs));
            LlamaBackend::init().map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| {
            LlmError::BackendUnavailable(format!(
                "llama.cpp failed to initialise ({e}); check the build (CPU features, CUDA driver)"
            ))
        })
}
