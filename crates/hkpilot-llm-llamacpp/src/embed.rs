//! Embeddings: a second, small llama.cpp context on the inference thread, created on
//! first use, with pooling (the model's own, or mean pooling for generative models).

use hkpilot_llm::LlmError;
use llama_cpp_2::context::params::{LlamaContextParams, LlamaPoolingType};
use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::LlamaModel;
use llama_cpp_2::token::LlamaToken;

use crate::runtime;

/// Most tokens one input may have (one batch, so non-causal models see it whole).
pub(crate) const MAX_EMBED_TOKENS: u32 = 512;

pub(crate) fn new_context<'m>(
    model: &'m LlamaModel,
    backend: &LlamaBackend,
    threads: i32,
) -> Result<LlamaContext<'m>, LlmError> {
    let arch = model
        .meta_val_str("general.architecture")
        .unwrap_or_default();
    let own_pooling = model.meta_val_str(&format!("{arch}.pooling_type")).is_ok();
    let pooling = if own_pooling {
        LlamaPoolingType::Unspecified
    } else {
        LlamaPoolingType::Mean
    };
    let params = LlamaContextParams::default()
        .with_n_ctx(std::num::NonZeroU32::new(MAX_EMBED_TOKENS))
        .with_n_batch(MAX_EMBED_TOKENS)
        .with_n_ubatch(MAX_EMBED_TOKENS)
        .with_n_seq_max(1)
        .with_n_threads(threads)
        .with_n_threads_batch(threads)
        .with_embeddings(true)
        .with_pooling_type(pooling);
    let _guard = runtime::LOAD_LOCK.lock().unwrap_or_else(|p| p.into_inner());
    model.new_context(backend, params).map_err(|e| {
        LlmError::BackendUnavailable(format!(
            "llama.cpp could not create an embedding context ({e})"
        ))
    })
}

/// One L2-normalised vector for `tokens`.
pub(crate) fn embed_one(
    ctx: &mut LlamaContext<'_>,
    tokens: &[LlamaToken],
) -> Result<Vec<f32>, LlmError> {
    if tokens.is_empty() {
        return Err(LlmError::InvalidRequest(
            "cannot embed an empty input".into(),
        ));
    }
    if tokens.len() > MAX_EMBED_TOKENS as usize {
        return Err(LlmError::ContextLengthExceeded {
            prompt_tokens: tokens.len(),
            requested: tokens.len(),
            max_context: MAX_EMBED_TOKENS as usize,
        });
    }
    ctx.clear_kv_cache();
    let mut batch = LlamaBatch::new(tokens.len(), 1);
    for (i, t) in tokens.iter().enumerate() {
        batch
            .add(*t, i as i32, &[0], true)
            .map_err(|e| LlmError::Internal(format!("embedding batch: {e}")))?;
    }
    ctx.decode(&mut batch)
        .map_err(|e| LlmError::Internal(format!("embedding decode failed: {e}")))?;
    let v = ctx
        .embeddings_seq_ith(0)
        .map_err(|_| LlmError::Unsupported("this model produces no pooled embeddings".into()))?;
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    Ok(if norm > 0.0 {
        v.iter().map(|x| x / norm).collect()
    } else {
        v.to_vec()
    })
}
