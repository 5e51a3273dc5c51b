//! Shared harness: generated tiny models (written once per process) and engine builders.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use hkpilot_llm::{Completion, CompletionRequest, GenerationOptions, LlmBackend};
use hkpilot_llm_llamacpp::testing::{write_tiny_model, TinyArch, TinyModelSpec};
use hkpilot_llm_llamacpp::{EngineConfig, LlamaEngine, MetricsSnapshot};

pub fn scratch_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("hkpilot-llm-tests-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("create scratch dir");
        d
    })
}

fn tiny(arch: TinyArch) -> PathBuf {
    let name = match arch {
        TinyArch::Llama => "tiny-llama.gguf",
        TinyArch::Qwen2 => "tiny-qwen2.gguf",
    };
    let path = scratch_dir().join(name);
    let spec = TinyModelSpec {
        arch,
        ..TinyModelSpec::default()
    };
    write_tiny_model(&path, &spec).expect("write tiny model");
    path
}

pub fn tiny_llama() -> &'static Path {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| tiny(TinyArch::Llama))
}

pub fn tiny_qwen2() -> &'static Path {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| tiny(TinyArch::Qwen2))
}

pub fn config(path: &Path) -> EngineConfig {
    let mut c = EngineConfig::new(path);
    c.n_ctx = 2048;
    c.n_batch = 256;
    c.n_parallel = 4;
    c.n_cache_slots = 2;
    // One thread: cargo test runs two tests at once, and two models on two spin-waiting
    // threads each oversubscribe a 2-core machine and slow every step several-fold.
    c.n_threads = Some(1);
    c
}

pub fn engine(c: EngineConfig) -> Arc<LlamaEngine> {
    Arc::new(LlamaEngine::load(c).expect("load engine"))
}

/// The engine most tests share (one per process, as the notes advise).
pub fn shared_engine() -> Arc<LlamaEngine> {
    static E: OnceLock<Arc<LlamaEngine>> = OnceLock::new();
    Arc::clone(E.get_or_init(|| engine(config(tiny_llama()))))
}

pub fn greedy(max_tokens: u32) -> GenerationOptions {
    GenerationOptions {
        max_tokens: Some(max_tokens),
        ..GenerationOptions::default()
    }
}

pub async fn complete(e: &dyn LlmBackend, prompt: &str, opts: GenerationOptions) -> Completion {
    e.complete(CompletionRequest {
        prompt: prompt.to_string(),
        options: opts,
    })
    .await
    .expect("completion")
}

/// Polls until `pred` holds (the inference thread updates counters asynchronously).
pub async fn wait_for(e: &LlamaEngine, what: &str, pred: impl Fn(&MetricsSnapshot) -> bool) {
    let start = Instant::now();
    loop {
        let m = e.metrics();
        if pred(&m) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}: {m:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Where the real default model lives when installed.
pub fn smollm2_path() -> Option<PathBuf> {
    let p = std::env::var_os("HKPILOT_TEST_MODEL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../.models/SmolLM2-135M-Instruct.Q4_1.gguf")
        });
    p.is_file().then_some(p)
}
