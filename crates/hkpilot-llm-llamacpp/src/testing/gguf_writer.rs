//! The GGUF writer for tests, shared with the model store: `hkpilot_models::testing`
//! (metadata key/values and F32 tensors), re-exported under its old path here.

pub use hkpilot_models::testing::{
    GgufWriter, MetaValue, Tensor, ALIGNMENT, GGUF_MAGIC, GGUF_VERSION,
};
