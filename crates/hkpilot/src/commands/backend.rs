//! Opening the model a one-shot command (summarize, draft, rewrite, translate) uses: a
//! `[[remote]]` server by name, or a local GGUF file loaded into the embedded engine.

use std::sync::Arc;

use hkpilot_llm::{LlmBackend, LlmError};
use hkpilot_llm_llamacpp::{EngineConfig, LlamaEngine};

use crate::config::Settings;
use crate::error::{CliError, Kind};

/// How a one-shot command wants its engine sized.
#[derive(Debug, Clone, Copy)]
pub struct EngineSizing {
    /// Tokens one request may use.
    pub window: usize,
    /// Requests decoded together.
    pub parallel: usize,
}

/// Why no model backend is available, when one was asked for.
#[derive(Debug)]
pub enum OpenFailure {
    /// The operator named a model that is not there: a usage error.
    Usage(CliError),
    /// The model exists but could not be used (corrupt file, server down): callers
    /// may fall back to a method that needs no model.
    Unusable(String),
}

/// The first configured model (`--model` / `HKPILOT_MODEL`), opened; `Ok(None)` when
/// none is configured.
pub fn open_first(
    settings: &Settings,
    runtime: &tokio::runtime::Runtime,
    sizing: EngineSizing,
) -> Result<Option<Arc<dyn LlmBackend>>, OpenFailure> {
    let Some(name) = settings.models.first() else {
        return Ok(None);
    };
    if let Some(remote) = settings.server.remotes.iter().find(|r| &r.name == name) {
        return runtime
            .block_on(hkpilot_llm_openai::OpenAiBackend::connect(remote.clone()))
            .map(|b| Some(Arc::new(b) as Arc<dyn LlmBackend>))
            .map_err(|e| OpenFailure::Unusable(format!("remote {name:?}: {e}")));
    }
    let path = super::model_store(settings)
        .find(name)
        .map_err(|e| OpenFailure::Usage(e.into()))?;
    let parallel = sizing.parallel.clamp(1, 16) as u32;
    let mut config = EngineConfig::new(&path);
    // Every sequence in flight may need a full window; one extra slot keeps the
    // shared instructions cached between passes. One KV stream per sequence (each
    // n_ctx / parallel = one window): concurrent chunks then attend only over their
    // own cells, not over every chunk's (see EngineConfig::kv_unified).
    config.n_ctx = (sizing.window as u32).saturating_mul(parallel).max(512);
    config.n_parallel = parallel;
    config.n_cache_slots = 1;
    config.kv_unified = false;
    config.n_batch = config.n_batch.max(parallel + 1);
    config.n_threads = settings.server.threads;
    LlamaEngine::load(config)
        .map(|e| Some(Arc::new(e) as Arc<dyn LlmBackend>))
        .map_err(|e| match e {
            LlmError::InvalidRequest(_) => OpenFailure::Usage(llm_error(e)),
            e => OpenFailure::Unusable(format!("{}: {e}", path.display())),
        })
}

/// The configured model, or the default model setup installs when none is configured
/// (said on stderr); exit 2 when there is none to use.
pub fn open_required(
    settings: &Settings,
    runtime: &tokio::runtime::Runtime,
    sizing: EngineSizing,
    what: &str,
) -> Result<Arc<dyn LlmBackend>, CliError> {
    let unusable = |reason: String| {
        CliError::new(
            "model_unavailable",
            Kind::Internal,
            format!("the model cannot be used: {reason}"),
        )
    };
    match open_first(settings, runtime, sizing) {
        Ok(Some(b)) => return Ok(b),
        Ok(None) => {}
        Err(OpenFailure::Usage(e)) => return Err(e),
        Err(OpenFailure::Unusable(reason)) => return Err(unusable(reason)),
    }
    let default = hkpilot_models::DEFAULT_MODEL_FILE;
    let store = super::model_store(settings);
    store.find(default).map_err(|_| {
        CliError::usage(
            "model_not_found",
            format!(
                "{what} needs a language model: none is configured (--model / HKPILOT_MODEL) \
                 and the default model {default} is not installed in {}; run scripts/setup.sh \
                 or pass --model",
                store.dir().display()
            ),
        )
    })?;
    eprintln!(
        "note: no model configured (--model / HKPILOT_MODEL); using the default model \
         {default}, a small model: pass --model for better {what}"
    );
    let mut with_default = settings.clone();
    with_default.models = vec![default.to_string()];
    match open_first(&with_default, runtime, sizing) {
        Ok(Some(b)) => Ok(b),
        Ok(None) => Err(CliError::internal("the default model was not opened")),
        Err(OpenFailure::Usage(e)) => Err(e),
        Err(OpenFailure::Unusable(reason)) => Err(unusable(reason)),
    }
}

/// An engine error as a CLI error: the operator's to fix (exit 2) when it is about
/// the request or the model file.
pub fn llm_error(e: LlmError) -> CliError {
    let user = e.is_user_error() || matches!(e, LlmError::InvalidModelFile { .. });
    let kind = if user {
        Kind::UserInput
    } else {
        Kind::Internal
    };
    CliError::new(e.code().as_str(), kind, e.to_string())
}
