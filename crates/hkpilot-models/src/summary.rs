//! What `model list` and `model info` report about one model file, derived from its
//! GGUF header and its sidecar.

use std::path::PathBuf;

use serde::Serialize;

use crate::gguf::{GgufHeader, Value};
use crate::sidecar::Sidecar;

/// The facts `model list` shows for a model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelSummary {
    /// `general.name` from the file, when present.
    pub display_name: Option<String>,
    pub architecture: Option<String>,
    /// Sum of all tensor elements.
    pub parameters: Option<u64>,
    /// Quantisation (llama.cpp file type), e.g. `Q4_1`, `Q4_K_M`, `F16`.
    pub quantization: Option<String>,
    /// The context length the model was trained with.
    pub context_length: Option<u64>,
    pub has_chat_template: bool,
}

impl ModelSummary {
    pub fn from_header(h: &GgufHeader) -> Self {
        ModelSummary {
            display_name: h.get_str("general.name").map(str::to_string),
            architecture: h.architecture().map(str::to_string),
            parameters: Some(h.parameter_count()).filter(|&n| n > 0),
            quantization: h.quantization(),
            context_length: h.context_length(),
            has_chat_template: h.chat_template().is_some(),
        }
    }
}

/// Everything `model info` shows: the summary plus the full metadata.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelDetails {
    pub name: String,
    pub file: PathBuf,
    pub size: u64,
    #[serde(flatten)]
    pub summary: ModelSummary,
    pub gguf_version: u32,
    pub embedding_length: Option<u64>,
    pub block_count: Option<u64>,
    pub head_count: Option<u64>,
    pub head_count_kv: Option<u64>,
    pub vocab_size: Option<u64>,
    pub tokenizer: Option<String>,
    pub license: Option<String>,
    pub chat_template: Option<String>,
    pub tensor_count: usize,
    /// Parameters per tensor type, largest first.
    pub tensor_types: Vec<TensorTypeCount>,
    /// Every metadata key in file order; long arrays are given as type and length.
    pub metadata: Vec<MetadataEntry>,
    pub sidecar: Option<Sidecar>,
    pub is_default: bool,
}

/// How many tensors and parameters are stored in one ggml type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TensorTypeCount {
    #[serde(rename = "type")]
    pub type_name: String,
    pub tensors: usize,
    pub parameters: u64,
}

/// One metadata key with its value (arrays: element type, length, first elements).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetadataEntry {
    pub key: String,
    pub value: Value,
}

pub(crate) fn tensor_types(h: &GgufHeader) -> Vec<TensorTypeCount> {
    let mut out: Vec<TensorTypeCount> = Vec::new();
    for t in &h.tensors {
        let name = t.type_name();
        match out.iter_mut().find(|c| c.type_name == name) {
            Some(c) => {
                c.tensors += 1;
                c.parameters = c.parameters.saturating_add(t.elements());
            }
            None => out.push(TensorTypeCount {
                type_name: name.to_string(),
                tensors: 1,
                parameters: t.elements(),
            }),
        }
    }
    out.sort_by_key(|c| std::cmp::Reverse(c.parameters));
    out
}
