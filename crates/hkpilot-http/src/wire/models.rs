//! `/v1/models` wire types.

use serde::Serialize;

#[derive(Debug, Serialize)]
pub(crate) struct ModelList {
    pub object: &'static str,
    pub data: Vec<ModelObject>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ModelObject {
    pub id: String,
    pub object: &'static str,
    /// OpenAI's creation time; we report when the server started.
    pub created: u64,
    pub owned_by: &'static str,
    /// Extension: tokens one request may use (prompt + output).
    pub context_length: usize,
    /// Extension: whether `/v1/embeddings` works with this model.
    pub supports_embeddings: bool,
}
