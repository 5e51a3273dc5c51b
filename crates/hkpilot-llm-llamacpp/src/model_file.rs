//! Checks a model file before llama.cpp sees it: llama.cpp may abort the whole process
//! on some malformed files, and its errors do not say what the user should do.
//!
//! The reading is `hkpilot_models::gguf` (pure Rust, shared with `hkpilot model info`):
//! header, metadata and tensor table, and whether the file holds every tensor.

use std::path::Path;

use hkpilot_llm::LlmError;

const FETCH_HINT: &str = "download it again (`hkpilot model pull`, or scripts/fetch-default-model.sh for the default model) or point HKPILOT_MODEL at a complete .gguf file";

fn invalid(path: &Path, reason: impl Into<String>) -> LlmError {
    LlmError::InvalidModelFile {
        path: path.to_path_buf(),
        reason: reason.into(),
        hint: FETCH_HINT.to_string(),
    }
}

/// Fails with `model_not_found` or `invalid_model_file` naming the file.
pub fn check_gguf(path: &Path) -> Result<(), LlmError> {
    let meta = std::fs::metadata(path).map_err(|e| LlmError::ModelNotFound {
        name: path.display().to_string(),
        hint: format!(
            "cannot read the model file ({e}); check the path, or run scripts/fetch-default-model.sh for the default model"
        ),
    })?;
    if !meta.is_file() {
        return Err(invalid(path, "is not a regular file"));
    }
    hkpilot_models::gguf::read_header(path)
        .map(drop)
        .map_err(|e| invalid(path, e.to_string()))
}
