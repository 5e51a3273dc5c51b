//! What the engine reports about a loaded model, and its chat template.

use std::path::Path;

use hkpilot_llm::{ChatTemplate, LlmError, ModelInfo};
use llama_cpp_2::model::LlamaModel;
use llama_cpp_2::token::LlamaToken;

use crate::config::EngineConfig;

pub(crate) fn model_info(model: &LlamaModel, config: &EngineConfig, path: &Path) -> ModelInfo {
    let name = config.name.clone().unwrap_or_else(|| {
        path.file_stem()
            .map_or_else(|| "model".into(), |s| s.to_string_lossy().into_owned())
    });
    let train = model.n_ctx_train() as usize;
    let arch = model
        .meta_val_str("general.architecture")
        .unwrap_or_else(|_| "unknown".into());
    ModelInfo {
        name,
        context_length: (config.n_ctx_seq() as usize).min(train.max(1)),
        train_context_length: train,
        chat_template: model
            .chat_template(None)
            .ok()
            .and_then(|t| t.to_string().ok()),
        vocab_size: model.n_vocab().max(0) as usize,
        // Pooled hidden states: the model's own pooling, or mean pooling.
        supports_embeddings: true,
        languages: Vec::new(),
        description: format!(
            "{arch}, {} parameters, {} bytes, file {}",
            model.n_params(),
            model.size(),
            path.display()
        ),
    }
}

fn token_text(model: &LlamaModel, t: LlamaToken) -> String {
    model
        .vocab()
        .text(t)
        .map(|c| c.to_string_lossy().into_owned())
        .unwrap_or_default()
}

pub(crate) fn chat_template(
    model: &LlamaModel,
    config: &EngineConfig,
) -> Result<ChatTemplate, LlmError> {
    let vocab = model.vocab();
    let bos = token_text(model, vocab.bos());
    let eos = token_text(model, vocab.eos());
    let source = config.chat_template_override.clone().or_else(|| {
        model
            .chat_template(None)
            .ok()
            .and_then(|t| t.to_string().ok())
    });
    match source {
        Some(s) => ChatTemplate::new(s, bos, eos),
        None => Ok(ChatTemplate::chatml()),
    }
}
