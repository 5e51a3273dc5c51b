//! The inference thread: creates the llama.cpp context (settings from the notes: flash
//! attention off on CPU, threads = physical cores, one KV pool or one KV stream per
//! sequence as configured) and runs the scheduler, turning a panic into errors for
//! every waiting caller.

use std::num::NonZeroU32;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use hkpilot_llm::LlmError;
use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::LlamaModel;

use crate::config::EngineConfig;
use crate::prefix_cache::SlotTable;
use crate::runtime;
use crate::scheduler::{Command, Scheduler, Shared};
use crate::utf8_guard::TokenBytes;

pub(crate) fn inference_thread(
    model: &LlamaModel,
    config: &EngineConfig,
    rx: std::sync::mpsc::Receiver<Command>,
    shared: Arc<Shared>,
    backend: &'static llama_cpp_2::llama_backend::LlamaBackend,
    ready: std::sync::mpsc::Sender<Result<(), LlmError>>,
) {
    let threads = config.threads() as i32;
    let n_seq = config.n_seq();
    // Streams: llama.cpp splits n_ctx evenly among all n_seq sequences, cache slots
    // included, so ask for n_seq full streams.
    let n_ctx_seq = config.n_ctx_seq();
    let n_ctx = if config.kv_unified {
        config.n_ctx
    } else {
        n_ctx_seq.saturating_mul(n_seq)
    };
    let fa = if config.flash_attention {
        llama_cpp_sys_2::LLAMA_FLASH_ATTN_TYPE_ENABLED
    } else {
        llama_cpp_sys_2::LLAMA_FLASH_ATTN_TYPE_DISABLED
    };
    let params = LlamaContextParams::default()
        .with_n_ctx(NonZeroU32::new(n_ctx))
        .with_n_batch(config.n_batch)
        .with_n_ubatch(config.n_batch)
        .with_n_seq_max(n_seq)
        .with_n_threads(threads)
        .with_n_threads_batch(threads)
        .with_flash_attention_policy(fa)
        // Pool: seq_cp shares cells, one request may use the whole context, but every
        // token attends over all sequences' cells. Streams: attention over one's own
        // cells only; seq_cp copies a whole stream (see EngineConfig::kv_unified).
        .with_kv_unified(config.kv_unified);
    let ctx = {
        let _guard = runtime::LOAD_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        model.new_context(backend, params)
    };
    let ctx = match ctx {
        Ok(c) => c,
        Err(e) => {
            let _ = ready.send(Err(LlmError::BackendUnavailable(format!(
                "llama.cpp could not create a context ({e}); lower n_ctx or n_parallel"
            ))));
            return;
        }
    };
    let _ = ready.send(Ok(()));
    // Cells one sequence may fill.
    let n_ctx_seq = if config.kv_unified {
        ctx.n_ctx()
    } else {
        n_ctx_seq
    } as usize;
    let mut sched = Scheduler {
        model,
        ctx,
        rx,
        shared: Arc::clone(&shared),
        n_parallel: config.n_parallel as usize,
        n_batch: config.n_batch as usize,
        kv_unified: config.kv_unified,
        n_ctx_seq,
        retry_after: config.retry_after,
        prefix_cache: config.prefix_cache,
        grammar_first: config.grammar_first,
        slots: SlotTable::new(n_seq as usize),
        token_bytes: TokenBytes::new(model),
        active: Vec::new(),
        deferred: Default::default(),
        batch: LlamaBatch::new(config.n_batch as usize, 1),
        backend,
        threads,
        embed_ctx: None,
    };
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| sched.run()));
    if let Err(panic) = outcome {
        let msg = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        tracing::error!(panic = %msg, "the llama.cpp inference thread panicked");
        let reason =
            format!("the inference thread crashed ({msg}); restart the server and report the bug");
        let _ = shared.dead.set(reason.clone());
        // Everyone still waiting hears about it instead of hanging.
        for seq in sched.active.drain(..) {
            seq.fail(LlmError::BackendUnavailable(reason.clone()));
        }
        for job in sched.deferred.drain(..) {
            job.tx
                .send(Err(LlmError::BackendUnavailable(reason.clone())));
        }
        while let Ok(Command::Generate(job)) = sched.rx.try_recv() {
            job.tx
                .send(Err(LlmError::BackendUnavailable(reason.clone())));
        }
    }
}
